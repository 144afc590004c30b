"""Applying a pushed batch: scope checks, the per-field three-way merge, and
the writes, in one transaction.

Ordering. A push takes its seqs from core/seqs.py only after it has locked
every record row it reads (``SELECT ... FOR UPDATE`` in key order, so two
pushes never deadlock on them): a row's seq only ever grows, and two pushes
of the same row merge one after the other. Pushes of different rows run side
by side on PostgreSQL; pulls stay safe through the watermark (core/seqs.py,
docs/sync-protocol.md §5). On SQLite the whole transaction holds the write
lock.

Nothing that a client can send makes this module raise: unknown entities,
fields, wrong types, scope violations and invalid records become per-change
``rejected`` results. The only batch-level failure is a database integrity
error, which rolls everything back: a change id repeated inside the batch, or
a race with a concurrent push of the same batch or the same new row id, which
the route retries (the retry sees the other push's work).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Literal

import orjson
from orjson import Fragment
from sqlalchemy import select
from sqlmodel import Session

from jsxcore import roles
from jsxcore.divisions import is_derived_row
from jsxcore.entities import ENTITIES, EntitySpec
from jsxcore.hlc import is_hlc
from jsxcore.merge import MISSING, FieldMerge, merge_record, same
from jsxcore.protocol import Change, FieldConflict, PushRequest
from jsxcore.validation import passes, validate_record
from jsxserver.core import seqs
from jsxserver.core.db import (
    DriverCursor,
    SqliteDriver,
    insert_rows,
    json_text,
    load_rows,
    stamp,
)
from jsxserver.core.errors import BATCH_FOREIGN, ApiError, Reason
from jsxserver.models import (
    CHANGE_LOG_TABLE,
    RECORD_TABLE,
    SCOPE_EXIT_TABLE,
    SERVER_CONFLICT_TABLE,
    utcnow,
)
from jsxserver.services import fields as shape
from jsxserver.services.scope import Scope, township_of

RECORD = RECORD_TABLE
CHANGE_LOG = CHANGE_LOG_TABLE

# Levels a township worker may file records under; a province admin may use
# any division (county and city associations, for instance).
RECORD_LEVELS = frozenset({"township", "village"})
# Ids per ``IN (...)`` list: well under SQLite's and psycopg's parameter limits.
_IN_CHUNK = 500

# What a push writes, as tuples in these columns' order (``load_rows``).
_RECORD_COLS = (
    "entity",
    "id",
    "township",
    "division_code",
    "data",
    "field_hlc",
    "deleted",
    "seq",
    "created_at",
    "updated_at",
    "updated_device",
    "updated_user",
)
_LOG_COLS = (
    "change_id",
    "seq",
    "batch_id",
    "entity",
    "row_id",
    "op",
    "fields",
    "old",
    "hlc",
    "device",
    "username",
    "received_at",
    "status",
    "result",
)


# The preload on PostgreSQL: arrays instead of IN lists. The stored answer,
# the change ids seen and the divisions in one statement, its rows tagged
# (b)atch, (c)hange, (d)ivision (a statement a lookup cost more than each
# lookup), then the rows to lock.
# A row the batch only links to comes without its data (``_Row.linked``).
_ROW_COLUMNS = (
    "r.entity, r.id, r.division_code, CASE WHEN k.linked THEN NULL ELSE r.data END, "
    "CASE WHEN k.linked THEN NULL ELSE r.field_hlc END, r.deleted, r.seq, "
    "r.updated_device, r.updated_user"
)
_PG_LOOKUP = (
    "SELECT 'b', NULL::text, device, response FROM push_batch WHERE batch_id = %s "
    "UNION ALL SELECT 'c', change_id, device, result FROM change_log WHERE change_id = ANY(%s) "
    "UNION ALL SELECT 'd', code, level, NULL FROM division WHERE code = ANY(%s)"
)
_PG_ROWS = (
    f"SELECT {_ROW_COLUMNS} FROM record r "
    "JOIN unnest(%s::text[], %s::text[], %s::bool[]) AS k(entity, id, linked) "
    "ON r.entity = k.entity AND r.id = k.id "
    "ORDER BY r.entity, r.id FOR UPDATE OF r"
)
_PG_UPDATE = (
    "UPDATE record r SET township = v.township, division_code = v.division_code, "
    "data = v.data, field_hlc = v.field_hlc, deleted = v.deleted, seq = v.seq, "
    "updated_at = %s, updated_device = v.updated_device, updated_user = v.updated_user "
    "FROM jsonb_to_recordset(%s::jsonb) AS v(entity text, id text, township text, "
    "division_code text, data jsonb, field_hlc jsonb, deleted boolean, seq bigint, "
    "updated_device text, updated_user text) "
    "WHERE r.entity = v.entity AND r.id = v.id"
)
# The record inserts and the change log as one JSON parameter each, so that
# they go in one statement with the batch's own row (``push_encoded``: COPY
# cost two round trips a table). Inserted in the order given (key order: see
# flush); the timestamps as COPY took them, from the same text.
_PG_INSERT_RECORDS = (
    "INSERT INTO record (entity, id, township, division_code, data, field_hlc, deleted, seq, "
    "created_at, updated_at, updated_device, updated_user) "
    "SELECT r->>0, r->>1, r->>2, r->>3, r->4, r->5, (r->>6)::boolean, (r->>7)::bigint, "
    "%s::timestamptz, %s::timestamptz, r->>8, r->>9 "
    "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n"
)
_PG_INSERT_LOG = (
    "INSERT INTO change_log (change_id, seq, batch_id, entity, row_id, op, fields, old, hlc, "
    "device, username, received_at, status, result) "
    "SELECT r->>0, (r->>1)::bigint, %s::text, r->>2, r->>3, r->>4, r->5, r->6, r->>7, "
    "%s::text, %s::text, %s::timestamptz, r->>8, r->9 "
    "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n"
)
_PG_BATCH = (
    "INSERT INTO push_batch (batch_id, device, response, created_at) VALUES (%s, %s, %s::jsonb, %s)"
)
_PG_UNREGISTER = "DELETE FROM push_open WHERE id = %s"

# The same on SQLite, straight through the driver as well: SQLAlchemy's
# statement and result handling cost more than the queries there too.
_SQ_STORED = "SELECT device, response FROM push_batch WHERE batch_id = ?"
_SQ_SEEN = "SELECT change_id, device, result FROM change_log WHERE change_id IN ({})"
_SQ_ROWS = (
    "SELECT entity, id, division_code, data, field_hlc, deleted, seq, updated_device, "
    "updated_user FROM record WHERE entity = ? AND id IN ({}) ORDER BY id"
)
_SQ_LINKED = "SELECT id, division_code, deleted FROM record WHERE entity = ? AND id IN ({})"
_SQ_DIVISIONS = "SELECT code, level FROM division WHERE code IN ({})"
# Numbered as the values of `_record_values` (?9, created_at, is not set):
# the same tuple a new row is inserted with updates one.
_SQ_UPDATE = (
    "UPDATE record SET township = ?3, division_code = ?4, data = ?5, field_hlc = ?6, "
    "deleted = ?7, seq = ?8, updated_at = ?10, updated_device = ?11, updated_user = ?12 "
    "WHERE entity = ?1 AND id = ?2"
)
_SQ_BATCH = "INSERT INTO push_batch (batch_id, device, response, created_at) VALUES (?, ?, ?, ?)"


# -- why a change is rejected ---------------------------------------------------

NOT_FOUND = Reason(
    "record.not_found",
    "要修改的记录在服务器上不存在或不在您的管辖范围内",
    "The record does not exist on the server or is outside your area",
)
ID_TAKEN = Reason(
    "record.id_taken",
    "记录编号已被占用，请重新新增",
    "This record id is already taken; add it again",
)
ENTITY_UNKNOWN = Reason("entity.unknown", "未知的数据类型", "Unknown kind of record")
HLC_INVALID = Reason("change.hlc_invalid", "修改的时间戳格式不正确", "Malformed change timestamp")
DELETE_SHAPE = Reason(
    "change.delete_shape", "删除操作的内容不正确", 'A delete must carry fields {"deleted": true}'
)
DELETED_FIELD = Reason(
    "change.deleted_field",
    "不能通过修改来删除或恢复记录",
    "Use a delete to remove a record; 'deleted' cannot be edited",
)
DIVISION_UNKNOWN = Reason("division.unknown", "所属村（社区）无效", "Unknown village or township")
DIVISION_LEVEL = Reason(
    "division.level",
    "记录只能归属到乡镇（街道）或村（社区）",
    "Records belong to a township or a village",
)
SCOPE_DENIED = Reason(
    "scope.denied",
    "不能在您管辖范围以外新增记录",
    "You cannot add records outside your area",
)
REFERENCE_MISSING = Reason(
    "reference.missing",
    "关联的记录不存在或已删除",
    "The linked record does not exist or was deleted",
)
TRANSFER_REQUIRED = Reason(
    "scope.transfer_required",
    "记录不能直接改到其他乡镇：请使用“迁往其他乡镇”，由接收乡镇确认后迁移",
    "A record cannot be moved to another township by an edit: offer it as a transfer, "
    "which the receiving township accepts",
)
PERSON_DUPLICATE = Reason(
    "person.duplicate",
    "本乡镇已登记了相同身份证号码的人员，已合并到已有的人员记录",
    "A person with this ID number is already registered in the township; "
    "merged into the existing record",
)
# An update giving the number: its own code, so a client of an earlier
# release (which would merge it like a refused insert and drop a person the
# server has) only shows the refusal.
PERSON_DUPLICATE_EDIT = Reason(
    "person.duplicate_edit",
    "本乡镇已有人员登记了这个身份证号码；是同一个人时两条记录会合并",
    "Another person of the township is registered with this ID number; "
    "if they are one person, the two records are merged",
)
CHANGE_FOREIGN = Reason(
    "change.duplicate_id",
    "修改编号已被其他设备使用",
    "This change id was already used by another device",
)


REVIEW_ONLY = Reason(
    "report.review_only",
    "月报的审核结果只能由县级审核员填写",
    "Only a county reviewer answers a monthly report",
)
_ANSWER_FIELDS = ("review_comment", "reviewed_by", "reviewed_at")


@cache
def _unfit_blanks(entity: str) -> tuple[tuple[str, Reason], ...]:
    """The columns an insert that leaves them out gives a value that does
    not fit (a required column with no default), each with why, in the
    order ``_insert`` lays out a new row (defaults first). ``_insert``
    always sets ``created_at`` and ``deleted`` itself."""
    es = ENTITIES[entity]
    # Every column of a row is a data field: a row is complete once it
    # holds as many keys as there are data fields (``_insert``).
    assert {"created_at", "deleted"} <= set(es.data_fields), entity
    blank = dict(shape.defaults(es))
    for f in es.data_fields:
        blank.setdefault(f, None)
    shapes = shape.shapes(es)
    out = []
    for name, value in blank.items():
        if name in ("created_at", "deleted"):
            continue
        _, problem = shape.check_value(name, shapes[name], value)
        if problem is not None:
            out.append((name, problem))
    return tuple(out)


def _data_fields(es: EntitySpec) -> frozenset[str]:
    return _field_set(es.name)


@cache
def _field_set(entity: str) -> frozenset[str]:
    return frozenset(ENTITIES[entity].data_fields)


def _review_answer(role: str, ch: Change) -> str | None:
    """The field of a township's change that would answer its own monthly
    report (accept it, or write a reviewer's comment); None if there is none."""
    if ch.entity != "monthlyreport" or role in ("county_reviewer", "province_admin"):
        return None
    state = ch.fields.get("state")
    if state not in (None, "submitted"):
        return "state"
    return next((f for f in _ANSWER_FIELDS if ch.fields.get(f) not in (None, "")), None)


def _unknown_field(name: str) -> Reason:
    return Reason("field.unknown", f"未知的字段“{name[:40]}”", f"Unknown field '{name[:40]}'")


@dataclass(frozen=True)
class PushContext:
    scope: Scope
    device_id: str
    today: date


@dataclass
class _Row:
    entity: str
    id: str
    division_code: str
    data: dict[str, Any]
    field_hlc: dict[str, str]
    deleted: bool
    seq: int
    updated_device: str
    updated_user: str
    in_db: bool
    dirty: bool = False
    division_before: str = ""

    @property
    def township(self) -> str:
        return township_of(self.division_code)


@dataclass
class _Outcome:
    status: Literal["applied", "merged", "conflict", "rejected"]
    seq: int | None = None
    conflicts: list[FieldConflict] = field(default_factory=list)
    row: _Row | None = None
    reason: Reason | None = None
    reason_field: str | None = None
    wrote: bool = False


def _conflict(c: FieldMerge, row: _Row) -> FieldConflict:
    return FieldConflict(
        field=c.field,
        base=None if c.base is MISSING else c.base,
        mine=c.mine,
        theirs=c.theirs,
        winner=c.take,
        theirs_hlc=c.theirs_hlc,
        theirs_device=row.updated_device,
    )


def _errors(es: EntitySpec, data: Mapping[str, Any], today: date) -> list[tuple[str, Reason]]:
    if passes(es.rules, data, today):
        return []
    return [
        (i.field, Reason(i.code, i.zh, i.en))
        for i in validate_record(es.rules, data, today)
        if i.severity == "error"
    ]


# -- the batch ---------------------------------------------------------------------


def push(session: Session, ctx: PushContext, req: PushRequest) -> dict[str, Any]:
    """Apply ``req`` and commit; a replayed batch returns its stored answer.
    ``session`` comes from ``seqs.write_session``. Returns the PushResponse
    in JSON form (what ``model_dump(mode="json")`` gives), built straight as
    dicts: a first push of an imported register is thousands of results."""
    return push_encoded(session, ctx, req)[0]


def push_encoded(
    session: Session, ctx: PushContext, req: PushRequest
) -> tuple[dict[str, Any], str]:
    """``push``, and its answer as JSON text: encoded once, for the reply and
    for the copy kept for a replay."""
    conn = session.connection()
    # On PostgreSQL the push's statements go straight through psycopg
    # (SQLAlchemy's compiling and result handling cost more than the queries).
    pg = DriverCursor(conn) if conn.dialect.name == "postgresql" else None
    preloaded: _Preloaded | None = None
    if pg is not None:
        # The replay check and the preload in one round trip; the rows are
        # locked by the time the batch takes seqs, as in the module doc.
        ids, keys, codes = _wanted(req.changes)
        linked = _linked(req.changes, keys)
        found, rows = pg.fetch_all(
            [
                (_PG_LOOKUP, (req.batch_id, ids, codes)),
                (_PG_ROWS, ([e for e, _ in keys], [i for _, i in keys], linked)),
            ]
        )
        stored = None
        preloaded = _Preloaded([], rows, [])
        for tag, key, text, value in found:
            if tag == "b":
                stored = (text, value)
            elif tag == "c":
                preloaded.seen.append((key, text, value))
            else:
                preloaded.divisions.append((key, text))
    else:
        found_sq = conn.exec_driver_sql(_SQ_STORED, (req.batch_id,)).first()
        stored = None if found_sq is None else (found_sq[0], orjson.loads(found_sq[1]))
    if stored is not None:
        session.rollback()
        device, stored_response = stored
        if device != ctx.device_id:
            raise ApiError(409, BATCH_FOREIGN)
        return stored_response, json_text(stored_response)

    batch = _Batch(session, ctx, req, pg, preloaded)
    for ch in req.changes:
        batch.apply(ch)
    writes = batch.flush()
    server_seq = batch.seq or seqs.latest(session.connection())
    stored_response = {"batch_id": req.batch_id, "results": batch.dumps, "server_seq": server_seq}
    # json_text(stored_response), from the results each encoded once already
    # (the change log holds the same text).
    encoded = (
        f'{{"batch_id":{json_text(req.batch_id)},"results":[{",".join(batch.texts)}],'
        f'"server_seq":{server_seq}}}'
    )
    reg = seqs.registration(session)
    if pg is not None:
        if reg is not None:
            # The registration goes with the push's commit (core/seqs.py).
            writes.append((_PG_UNREGISTER, (reg,)))
        # The writes as parts of the batch row's statement, and the commit
        # in the same round trip: session.commit() below only ends
        # SQLAlchemy's transaction.
        last = (req.batch_id, ctx.device_id, encoded, batch.now)
        parts = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(writes))
        statement = f"WITH {parts} {_PG_BATCH}" if writes else _PG_BATCH
        params = [p for _, ps in writes for p in ps]
        pg.execute_all([(statement, (*params, *last))], commit=True)
    else:
        conn.exec_driver_sql(_SQ_BATCH, (req.batch_id, ctx.device_id, encoded, batch.stamp))
    session.commit()
    if pg is not None and reg is not None:
        seqs.unregistered(session)
    return stored_response, encoded


@dataclass(frozen=True)
class _Preloaded:
    """What PostgreSQL's one round trip found: (change_id, device, result),
    the record rows (locked), (code, level)."""

    seen: list[Any]
    rows: list[Any]
    divisions: list[Any]


def _wanted(changes: list[Change]) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """What a batch reads: its change ids, the (entity, id) keys of its rows
    and of the rows they reference (sorted: the order rows are locked in, the
    same in every push, so two pushes never deadlock on them), and the
    division codes it gives."""
    keys: set[tuple[str, str]] = set()
    codes: set[str] = set()
    for c in changes:
        es = ENTITIES.get(c.entity)
        if es is None:
            continue
        keys.add((c.entity, c.row_id))
        keys.update(es.links(c.fields))
        code = c.fields.get("division_code")
        if isinstance(code, str):
            codes.add(code)
    return [c.change_id for c in changes], sorted(keys), sorted(codes)


def _linked(changes: list[Change], keys: list[tuple[str, str]]) -> list[bool]:
    """Which of ``keys`` the batch only links to (no change of its own)."""
    own = {(c.entity, c.row_id) for c in changes}
    return [k not in own for k in keys]


class _Batch:
    def __init__(
        self,
        session: Session,
        ctx: PushContext,
        req: PushRequest,
        pg: DriverCursor | None,
        preloaded: _Preloaded | None,
    ) -> None:
        self.session = session
        self.ctx = ctx
        self.scope = ctx.scope
        self.batch_id = req.batch_id
        self.seq = 0  # the last seq this batch wrote
        # Taken at the first write, one per change at most: taken only after
        # preload locked the rows (see the module doc); unused ones are gaps.
        self.free_seqs: list[int] = []
        self.size = len(req.changes)
        self.now = utcnow()
        self.created_at = self.now.strftime("%Y-%m-%d %H:%M:%S.%f")
        # The timestamp columns' value as the database takes it, made once.
        self.stamp = stamp(session.connection(), RECORD.c.created_at, self.now)
        self.logs: list[tuple[Any, ...]] = []
        self.dumps: list[dict[str, Any]] = []  # each result, as stored
        self.texts: list[str] = []  # each of them as JSON text
        self.exits: list[dict[str, Any]] = []
        self.conflict_rows: list[dict[str, Any]] = []
        self.rows: dict[tuple[str, str], _Row] = {}
        # Rows the batch only links to (a member's person), read without
        # their data: (division_code, deleted), for the link check.
        self.linked: dict[tuple[str, str], tuple[str, bool]] = {}
        self.seen: dict[str, tuple[str, dict[str, Any]]] = {}
        self.divisions: dict[str, str] = {}  # code -> level
        self.role_answers: dict[tuple[str, str], _Outcome | None] = {}
        self.pg = pg
        if preloaded is not None:
            # PostgreSQL: one statement for every key, locked in (entity, id)
            # order (ORDER BY is applied before FOR UPDATE).
            for cid, device, result in preloaded.seen:
                self.seen[cid] = (device, result)
            self._add_rows(preloaded.rows)
            self._preload_persons(req.changes)
            self.divisions.update(preloaded.divisions)
        else:
            self._preload(req.changes)

    # -- loading everything the batch needs in a few queries (SQLite) ----------

    def _preload(self, changes: list[Change]) -> None:
        ids, keys, codes = _wanted(changes)
        # Straight through the driver, in the session's transaction: a
        # batch reads a row for each of its changes and links (SQLAlchemy's
        # result rows cost more than the queries).
        conn = SqliteDriver(self.session.connection())
        for i in range(0, len(ids), _IN_CHUNK):
            part = ids[i : i + _IN_CHUNK]
            sql = _SQ_SEEN.format(",".join("?" * len(part)))
            for cid, device, result in conn.execute(sql, part):
                self.seen[cid] = (device, orjson.loads(result))
        # One query per entity: ``entity = ? AND id IN (...)`` searches the
        # primary key, where a row-value ``(entity, id) IN (...)`` makes
        # SQLite scan the whole record table.
        # Rows the batch only refers to (a member's person) are read without
        # their data: only whether they are live and where (``self.linked``).
        by_entity: dict[tuple[str, bool], list[str]] = {}
        for (entity, row_id), linked in zip(keys, _linked(changes, keys), strict=True):
            by_entity.setdefault((entity, linked), []).append(row_id)
        for (entity, linked), row_ids in sorted(by_entity.items()):
            for i in range(0, len(row_ids), _IN_CHUNK):
                part = row_ids[i : i + _IN_CHUNK]
                found = conn.execute(
                    (_SQ_LINKED if linked else _SQ_ROWS).format(",".join("?" * len(part))),
                    (entity, *part),
                )
                if linked:
                    for rid, code, deleted in found:
                        self.linked[(entity, rid)] = (code, bool(deleted))
                    continue
                self._add_rows(
                    (e, rid, code, orjson.loads(data), orjson.loads(hlc), *rest)
                    for e, rid, code, data, hlc, *rest in found
                )
        self._preload_persons(changes)
        for i in range(0, len(codes), _IN_CHUNK):
            part = codes[i : i + _IN_CHUNK]
            sql = _SQ_DIVISIONS.format(",".join("?" * len(part)))
            self.divisions.update(conn.execute(sql, part))

    # -- one person per ID number in a township -------------------------------

    def _preload_persons(self, changes: list[Change]) -> None:
        """The live persons of the batch's townships that hold an ID number
        one of its person inserts carries (one query)."""
        self.persons: dict[tuple[str, str], _Row] = {}
        wanted: set[str] = set()
        towns: set[str] = set()
        for c in changes:
            if c.entity != "person" or c.op == "delete":
                continue
            number, code = c.fields.get("id_number"), c.fields.get("division_code")
            if c.op == "update" and not isinstance(code, str):
                # An ID number given by an edit: the person's own township.
                row = self.rows.get(("person", c.row_id))
                code = None if row is None else row.division_code
            if number and isinstance(code, str):
                wanted.add(str(number))
                towns.add(township_of(code))
        if not wanted:
            return
        if self.pg is not None:
            # Pushes run side by side on PostgreSQL and no index makes an ID
            # number unique: two pushes registering one person would each find
            # none. A transaction lock per (township, number) makes the second
            # wait for the first's commit; its query below (a new snapshot under
            # READ COMMITTED) then sees the first's person. A deadlock between
            # two such pushes is retried by the route.
            keys = sorted(f"{t}:{n}" for t in towns for n in wanted)
            self.pg.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
                "FROM unnest(%s::text[]) AS k ORDER BY k",
                (keys,),
            )
        cols = RECORD.c
        number_col = cols.data["id_number"].as_string()
        stmt = select(
            cols.entity,
            cols.id,
            cols.division_code,
            cols.data,
            cols.field_hlc,
            cols.deleted,
            cols.seq,
            cols.updated_device,
            cols.updated_user,
        ).where(
            cols.entity == "person",
            cols.township.in_(sorted(towns)),
            cols.deleted.is_(False),
            number_col.in_(sorted(wanted)),
        )
        for r in self.session.execute(stmt):
            row = self.rows.get(("person", r.id))
            if row is None:  # not read, or read as linked to only
                row = _Row(
                    r.entity,
                    r.id,
                    r.division_code,
                    dict(r.data),
                    dict(r.field_hlc),
                    bool(r.deleted),
                    r.seq,
                    r.updated_device,
                    r.updated_user,
                    in_db=True,
                    division_before=r.division_code,
                )
                self.rows[("person", r.id)] = row
            self._note_person(row)

    def _note_person(self, row: _Row) -> None:
        number = row.data.get("id_number")
        if number:
            self.persons[(row.township, str(number))] = row

    def _registered_person(self, entity: str, values: Mapping[str, Any]) -> _Row | None:
        """The live person of the insert's township with its ID number (the
        same person registered on another device), if any."""
        number, code = values.get("id_number"), values.get("division_code")
        if entity != "person" or not number or not isinstance(code, str):
            return None
        row = self.persons.get((township_of(code), str(number)))
        if row is None or row.deleted or row.data.get("id_number") != number:
            return None
        if not self.scope.contains(row.division_code):
            return None
        return row

    def _registered_by_edit(self, entity: str, row: _Row, values: Mapping[str, Any]) -> _Row | None:
        """Another live person of the township with the ID number an update
        gives this one (recognised as for an insert)."""
        number = values.get("id_number")
        if entity != "person" or not number or number == row.data.get("id_number"):
            return None
        code = values.get("division_code", row.division_code)
        other = self._registered_person(entity, {"id_number": number, "division_code": code})
        return None if other is None or other.id == row.id else other

    def _add_rows(self, found: Iterable[Any]) -> None:
        for entity, row_id, code, data, field_hlc, deleted, seq, device, user in found:
            if data is None:  # PostgreSQL: a row linked to only
                self.linked[(entity, row_id)] = (code, bool(deleted))
                continue
            self.rows[(entity, row_id)] = _Row(
                entity,
                row_id,
                code,
                dict(data),
                dict(field_hlc),
                bool(deleted),
                seq,
                device,
                user,
                in_db=True,
                division_before=code,
            )

    # -- one change --------------------------------------------------------------

    def apply(self, ch: Change) -> None:
        previous = self.seen.get(ch.change_id)
        if previous is not None:
            device, stored = previous
            if device == self.ctx.device_id:
                self.dumps.append(stored)
                self.texts.append(json_text(stored))
            else:
                # Not logged: the change id is taken, and telling the other
                # device's result would leak it.
                refused = _result(ch.change_id, "rejected", reason=CHANGE_FOREIGN)
                self.dumps.append(refused)
                self.texts.append(json_text(refused))
            return

        out = self._apply(ch)
        row = out.row if out.status in ("merged", "conflict") else None
        server = None if row is None else dict(row.data)
        seq = out.seq
        if out.status == "rejected" and out.row is not None:
            # person.duplicate(_edit): the person already registered, its id and data.
            row, seq = out.row, out.row.seq
            server = {**out.row.data, "id": out.row.id}
        result = _result(
            ch.change_id,
            out.status,
            seq=seq,
            conflicts=out.conflicts,
            server=server,
            field_hlc=None if row is None else dict(row.field_hlc),
            reason=out.reason if out.status == "rejected" else None,
            reason_field=out.reason_field,
        )
        self._log(ch, result, out)

    def _apply(self, ch: Change) -> _Outcome:
        es = ENTITIES.get(ch.entity)
        if es is None:
            return _Outcome("rejected", reason=ENTITY_UNKNOWN)
        if not is_hlc(ch.hlc):
            return _Outcome("rejected", reason=HLC_INVALID)
        if ch.op == "update":
            refused = _role_problem(self.scope.role, ch)
        else:  # the role's answer depends on the entity alone
            key = (ch.op, ch.entity)
            if key not in self.role_answers:
                self.role_answers[key] = _role_problem(self.scope.role, ch)
            refused = self.role_answers[key]
        if refused is not None:
            return refused
        row = self.rows.get((ch.entity, ch.row_id))
        visible = row if row is not None and self.scope.contains(row.division_code) else None

        if ch.op == "delete":
            if set(ch.fields) != {"deleted"} or ch.fields["deleted"] is not True:
                return _Outcome("rejected", reason=DELETE_SHAPE)
            return self._delete(es, ch, visible)

        data_fields = _data_fields(es)
        if not (ch.fields.keys() <= data_fields and ch.old.keys() <= data_fields):
            for name in (*ch.fields, *ch.old):
                if name not in data_fields:
                    return _Outcome("rejected", reason=_unknown_field(name), reason_field=name)
        answer = _review_answer(self.scope.role, ch)
        if answer is not None:
            return _Outcome("rejected", reason=REVIEW_ONLY, reason_field=answer)
        values, bad = shape.check_values(es, ch.fields)
        if bad is not None:
            return _Outcome("rejected", reason=bad[1], reason_field=bad[0])

        if ch.op == "update":
            # The one update of "deleted": a restore from the recycle bin,
            # {"deleted": false} alone.
            restores = values == {"deleted": False}
            if "deleted" in values and not restores:
                return _Outcome("rejected", reason=DELETED_FIELD, reason_field="deleted")
            if visible is None:
                return _Outcome("rejected", reason=NOT_FOUND)
            same_person = self._registered_by_edit(ch.entity, visible, values)
            if same_person is not None:
                return _Outcome(
                    "rejected",
                    reason=PERSON_DUPLICATE_EDIT,
                    reason_field="id_number",
                    row=same_person,
                )
            out = self._merge(es, ch, visible, values, base_known=True, restores=restores)
            if ch.entity == "person" and out.wrote and not visible.deleted:
                self._note_person(visible)
            return out

        # insert
        if values.get("deleted"):
            return _Outcome("rejected", reason=DELETED_FIELD, reason_field="deleted")
        code = values.get("division_code")
        problem = self._division_problem(code, moving=False)
        if problem is not None:
            return _Outcome("rejected", reason=problem, reason_field="division_code")
        if row is not None and visible is None:
            return _Outcome("rejected", reason=ID_TAKEN)
        if visible is not None:
            # The same id derived on two sides (associations): an update
            # that saw nothing before.
            return self._merge(es, ch, visible, values, base_known=False)
        same_person = self._registered_person(ch.entity, values)
        if same_person is not None:
            return _Outcome(
                "rejected", reason=PERSON_DUPLICATE, reason_field="id_number", row=same_person
            )
        out = self._insert(es, ch, values)
        if out.row is not None and ch.entity == "person":
            self._note_person(out.row)
        return out

    def _division_problem(self, code: Any, moving: bool) -> Reason | None:
        level = self.divisions.get(code) if isinstance(code, str) else None
        if level is None:
            return DIVISION_UNKNOWN
        if self.scope.role != "province_admin" and level not in RECORD_LEVELS:
            return DIVISION_LEVEL
        if not moving and not self.scope.contains(code):
            return SCOPE_DENIED
        return None

    def _reference_problem(
        self, es: EntitySpec, data: Mapping[str, Any], names: Iterable[str]
    ) -> str | None:
        for name in names:
            target = es.references.get(name)
            ref = data.get(name)
            if target is None or ref is None or ref == "":
                continue
            row = self.rows.get((target, ref))
            code, deleted = (
                self.linked.get((target, ref), ("", True))
                if row is None
                else (row.division_code, row.deleted)
            )
            if deleted or not self.scope.contains(code):
                return name
        return None

    def _insert(self, es: EntitySpec, ch: Change, values: dict[str, Any]) -> _Outcome:
        data = {**shape.defaults(es), **values}
        data.setdefault("created_at", self.created_at)
        data["deleted"] = False
        if len(data) < len(es.data_fields):  # a client sends every column, as a rule
            for f in es.data_fields:
                data.setdefault(f, None)
        errors = _errors(es, data, self.ctx.today)
        if errors:
            fld, reason = errors[0]
            return _Outcome("rejected", reason=reason, reason_field=fld or None)
        # The values not pushed (checked in _apply already; a pushed
        # "deleted" is False, as set): defaults, or None for a column with
        # none; a required column left so is refused.
        for name, problem in _unfit_blanks(es.name):
            if name not in values:
                return _Outcome("rejected", reason=problem, reason_field=name)
        bad_ref = self._reference_problem(es, data, es.references)
        if bad_ref is not None:
            return _Outcome("rejected", reason=REFERENCE_MISSING, reason_field=bad_ref)
        row = _Row(
            ch.entity,
            ch.row_id,
            data["division_code"],
            data,
            dict.fromkeys(data, ch.hlc),
            False,
            0,
            "",
            "",
            in_db=False,
        )
        self.rows[(ch.entity, ch.row_id)] = row
        self._write(row, ch)
        return _Outcome("applied", seq=row.seq, row=row, wrote=True)

    def _merge(
        self,
        es: EntitySpec,
        ch: Change,
        row: _Row,
        values: dict[str, Any],
        base_known: bool,
        restores: bool = False,
    ) -> _Outcome:
        rm = merge_record(
            written=values,
            seen=ch.old if base_known else _derived_base(ch, values),
            mine_hlc=dict.fromkeys(values, ch.hlc),
            deletes=False,
            delete_hlc=None,
            theirs=row.data,
            theirs_hlc=row.field_hlc,
            theirs_deleted=row.deleted,
            restores=restores,
        )
        changed: dict[str, Any] = {
            name: f.mine
            for name, f in rm.fields.items()
            if f.take == "mine" and (not same(f.theirs, f.mine) or name not in row.data)
        }
        if row.deleted and not rm.deleted:
            changed["deleted"] = False
        conflicts = [_conflict(c, row) for c in rm.conflicts]
        if changed:
            new_data = {**row.data, **changed}
            problem = self._check_change(es, row, new_data, changed)
            if problem is not None:
                return problem
            row.data = new_data
            row.deleted = bool(new_data.get("deleted"))
            for name in changed:
                row.field_hlc[name] = ch.hlc
            row.division_code = new_data["division_code"]
            self._write(row, ch)
        self._record_conflicts(ch, row, conflicts)
        if conflicts:
            status: Literal["applied", "merged", "conflict"] = "conflict"
        elif changed and not rm.taken("theirs"):
            status = "applied"
        else:
            status = "merged"
        return _Outcome(status, seq=row.seq, conflicts=conflicts, row=row, wrote=bool(changed))

    def _check_change(
        self, es: EntitySpec, row: _Row, new_data: dict[str, Any], changed: Mapping[str, Any]
    ) -> _Outcome | None:
        if "division_code" in changed:
            # Out of its township only by a transfer the receiving township
            # accepts (services/transfers.py); the province moves directly.
            problem = self._division_problem(new_data["division_code"], moving=True)
            if (
                problem is None
                and self.scope.role != "province_admin"
                and township_of(new_data["division_code"]) != row.township
            ):
                problem = TRANSFER_REQUIRED
            if problem is not None:
                return _Outcome("rejected", reason=problem, reason_field="division_code")
        # Only errors this change introduces count: a record made invalid by
        # a later rule change can still be edited.
        after = _errors(es, new_data, self.ctx.today)
        if after:  # the row as it was is checked only when there is something to excuse
            before = {(f, r.code) for f, r in _errors(es, row.data, self.ctx.today)}
            for fld, reason in after:
                if (fld, reason.code) not in before:
                    return _Outcome("rejected", reason=reason, reason_field=fld or None)
        # A restored row's every link must be live again, not only those it changed.
        links = es.references if changed.get("deleted") is False else changed
        bad_ref = self._reference_problem(es, new_data, links)
        if bad_ref is not None:
            return _Outcome("rejected", reason=REFERENCE_MISSING, reason_field=bad_ref)
        return None

    def _delete(self, es: EntitySpec, ch: Change, row: _Row | None) -> _Outcome:
        if row is None:
            return _Outcome("rejected", reason=NOT_FOUND)
        if row.deleted:
            return _Outcome("merged", seq=row.seq, row=row)
        rm = merge_record(
            written={},
            seen=ch.old,
            mine_hlc={},
            deletes=True,
            delete_hlc=ch.hlc,
            theirs=row.data,
            theirs_hlc=row.field_hlc,
            theirs_deleted=False,
        )
        if rm.delete_conflict is not None:
            # Someone changed the row since this device last saw it: keep it.
            conflict = _conflict(rm.delete_conflict, row)
            self._record_conflicts(ch, row, [conflict])
            return _Outcome("conflict", seq=row.seq, conflicts=[conflict], row=row)
        row.deleted = True
        row.data["deleted"] = True
        row.field_hlc["deleted"] = ch.hlc
        self._write(row, ch)
        return _Outcome("applied", seq=row.seq, row=row, wrote=True)

    # -- bookkeeping -----------------------------------------------------------

    def _next_seq(self) -> int:
        if not self.free_seqs:
            self.free_seqs = seqs.allocate(self.session, self.size)[::-1]
        self.seq = self.free_seqs.pop()
        return self.seq

    def _write(self, row: _Row, ch: Change) -> None:
        row.seq = row_seq = self._next_seq()
        row.updated_device = self.ctx.device_id
        row.updated_user = self.scope.username
        row.dirty = True
        if row.in_db and row.division_before != row.division_code:
            self.exits.append(
                dict(
                    seq=row_seq,
                    entity=row.entity,
                    row_id=row.id,
                    township=township_of(row.division_before),
                    division_code=row.division_before,
                )
            )
        row.division_before = row.division_code

    def _record_conflicts(self, ch: Change, row: _Row, conflicts: list[FieldConflict]) -> None:
        for c in conflicts:
            self.conflict_rows.append(
                dict(
                    change_id=ch.change_id,
                    seq=row.seq,
                    entity=ch.entity,
                    row_id=ch.row_id,
                    field=c.field,
                    base=c.base,
                    mine=c.mine,
                    theirs=c.theirs,
                    winner=c.winner,
                    mine_hlc=ch.hlc,
                    theirs_hlc=c.theirs_hlc,
                    device=self.ctx.device_id,
                    username=self.scope.username,
                    created_at=self.now,
                )
            )

    def _log(self, ch: Change, dump: dict[str, Any], out: _Outcome) -> None:
        self.dumps.append(dump)
        text = json_text(dump)
        self.texts.append(text)
        self.logs.append(
            (
                ch.change_id,
                out.seq if out.wrote else None,
                self.batch_id,
                ch.entity,
                ch.row_id,
                ch.op,
                json_text(ch.fields),
                json_text(ch.old) if ch.old else "{}",  # an insert's
                ch.hlc,
                self.ctx.device_id,
                self.scope.username,
                self.stamp,
                out.status,
                text,
            )
        )

    def flush(self) -> list[tuple[str, tuple[Any, ...]]]:
        """Write every touched row once (its last state), then the history.
        On PostgreSQL the record and change log writes are returned instead,
        for ``push_encoded`` to make parts of the batch row's statement."""
        # Key order, like the locks: two pushes racing to insert the same new
        # ids wait for each other instead of deadlocking.
        touched = sorted((r for r in self.rows.values() if r.dirty), key=lambda r: (r.entity, r.id))
        new = [r for r in touched if not r.in_db]
        old = [r for r in touched if r.in_db]
        conn = self.session.connection()
        if self.pg is not None:
            writes = self._pg_writes(new, old)
            if writes is not None:
                # No key refers to these tables' rows or from them: written
                # first, they leave the rest to the one round trip.
                insert_rows(conn, SCOPE_EXIT_TABLE, self.exits)
                insert_rows(conn, SERVER_CONFLICT_TABLE, self.conflict_rows)
                return writes
        load_rows(conn, RECORD, _RECORD_COLS, [self._record_values(r) for r in new])
        if old and self.pg is not None:
            self.pg.execute(_PG_UPDATE, self._update_params(old))
        elif old:
            conn.exec_driver_sql(_SQ_UPDATE, [self._record_values(r) for r in old])
        insert_rows(conn, SCOPE_EXIT_TABLE, self.exits)
        insert_rows(conn, SERVER_CONFLICT_TABLE, self.conflict_rows)
        load_rows(conn, CHANGE_LOG, _LOG_COLS, self.logs)
        return []

    def _pg_writes(
        self, new: list[_Row], old: list[_Row]
    ) -> list[tuple[str, tuple[Any, ...]]] | None:
        """The statements writing ``new``, ``old`` and the change log on
        PostgreSQL; None when orjson refuses a log value (then ``flush``
        writes as it did before: COPY and the standard encoder)."""
        try:
            # The log's JSON columns are encoded already (``_log``).
            log = orjson.dumps(
                [
                    (
                        t[0],
                        t[1],
                        t[3],
                        t[4],
                        t[5],
                        Fragment(t[6]),
                        Fragment(t[7]),
                        t[8],
                        t[12],
                        Fragment(t[13]),
                    )
                    for t in self.logs
                ]
            ).decode()
        except TypeError:
            return None
        created = self.now.isoformat()  # what COPY was given
        writes: list[tuple[str, tuple[Any, ...]]] = []
        if new:
            rows = [
                (
                    r.entity,
                    r.id,
                    r.township,
                    r.division_code,
                    r.data,
                    r.field_hlc,
                    r.deleted,
                    r.seq,
                    r.updated_device,
                    r.updated_user,
                )
                for r in new
            ]
            writes.append((_PG_INSERT_RECORDS, (created, created, json_text(rows))))
        if old:
            writes.append((_PG_UPDATE, self._update_params(old)))
        if self.logs:
            user = self.scope.username
            params = (self.batch_id, self.ctx.device_id, user, created, log)
            writes.append((_PG_INSERT_LOG, params))
        return writes

    def _update_params(self, rows: list[_Row]) -> tuple[Any, ...]:
        """The rows' new state in one statement, as one JSON parameter: an
        executemany through SQLAlchemy cost a bind-processing pass and a
        statement per row (bench dayend: a seventh of a push's flush)."""
        values = [
            {
                "entity": r.entity,
                "id": r.id,
                "township": r.township,
                "division_code": r.division_code,
                "data": r.data,
                "field_hlc": r.field_hlc,
                "deleted": r.deleted,
                "seq": r.seq,
                "updated_device": r.updated_device,
                "updated_user": r.updated_user,
            }
            for r in rows
        ]
        return (self.now, json_text(values))

    def _record_values(self, r: _Row) -> tuple[Any, ...]:
        return (
            r.entity,
            r.id,
            r.township,
            r.division_code,
            json_text(r.data),
            json_text(r.field_hlc),
            r.deleted,
            r.seq,
            self.stamp,
            self.stamp,
            r.updated_device,
            r.updated_user,
        )


def _result(
    change_id: str,
    status: str,
    *,
    seq: int | None = None,
    conflicts: list[FieldConflict] | None = None,
    server: dict[str, Any] | None = None,
    field_hlc: dict[str, str] | None = None,
    reason: Reason | None = None,
    reason_field: str | None = None,
) -> dict[str, Any]:
    """A ChangeResult as ``model_dump(mode="json")`` gives it (same keys, same
    order; tests/server/test_push.py checks), without building the model."""
    return {
        "change_id": change_id,
        "status": status,
        "seq": seq,
        "conflicts": [c.model_dump(mode="json") for c in conflicts] if conflicts else [],
        "server": server,
        "field_hlc": field_hlc,
        "reason_code": None if reason is None else reason.code,
        "reason_zh": None if reason is None else reason.zh,
        "reason_en": None if reason is None else reason.en,
        "reason_field": None if reason is None else reason_field,
    }


def _derived_base(ch: Change, values: dict[str, Any]) -> dict[str, Any]:
    """The merge base of an insert that met a row of the same id. A row
    every side derives from the division list (an association) starts from
    the derived values the insert carries, so such an insert changes
    nothing: older clients journaled their derived rows as inserts, and
    those must not revert what workers have edited since. Any other insert
    saw nothing (empty base)."""
    if is_derived_row(ch.entity, ch.row_id, values.get("division_code")):
        return values
    return {}


def _role_problem(role: str, ch: Change) -> _Outcome | None:
    """The change is one the account's role may not make (`jsxcore.roles`,
    the rule the client's write path applies before journaling)."""
    if roles.change_allowed(role, ch.op, ch.entity, set(ch.fields)):
        return None
    r = roles.refusal(role, roles.op_action(ch.op), ch.entity)
    return _Outcome("rejected", reason=Reason(r.code, r.zh, r.en))
