"""Pull pages: the rows of a scope changed after a cursor, in seq order.

A page is read in one snapshot (REPEATABLE READ on PostgreSQL, a WAL read
transaction on SQLite) and bounded by the watermark read first in that
snapshot (core/seqs.py): every seq up to it is final, so the returned cursor
never passes a change that is still to come. A cursor below the retention
horizon (tombstones and scope exits up to it were removed) is refused with
410: the device must bootstrap from 0.
"""

from __future__ import annotations

import json
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

import orjson
from sqlalchemy import ColumnElement, Text, and_, not_, select, type_coerce
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import CursorResult
from sqlmodel import Session

from jsxcore.entities import ENTITIES
from jsxcore.protocol import PROTOCOL_ROW_STAMP, PROTOCOL_TABLES, PullTable, PullTables
from jsxcore.wire import compress_stamps
from jsxserver.core import errors as E
from jsxserver.core import seqs
from jsxserver.core.db import DriverCursor
from jsxserver.core.errors import ApiError
from jsxserver.models import HORIZON_COUNTER, RECORD_TABLE, SCOPE_EXIT_TABLE, wire_time
from jsxserver.services.scope import Scope

RECORD = RECORD_TABLE
EXIT = SCOPE_EXIT_TABLE

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_loads = orjson.loads
_FULL = '"field_hlc":'


@cache
def _fields(entity: str) -> frozenset[str]:
    spec = ENTITIES.get(entity)
    return frozenset(spec.data_fields) if spec is not None else frozenset()


def _stamps(entity: str, field_hlc: str) -> tuple[str | None, dict[str, str | None]]:
    """The row stamp and the field stamps that differ from it (jsxcore.wire)
    of a row whose data holds exactly the entity's data fields."""
    uniform = _uniform_stamp(entity, field_hlc)
    if uniform is not None:
        return uniform, {}
    fields = _fields(entity)
    row, exceptions = compress_stamps(_loads(field_hlc), fields)
    if (
        row is not None
        and not exceptions
        and field_hlc.count(row) == len(fields)
        and "\\" not in field_hlc
        and '""' not in field_hlc
        and len(_skeletons[entity]) < _MAX_SKELETONS
    ):
        skeleton = field_hlc.replace(row, "")
        parts = tuple(skeleton.split('""'))
        if len(parts) == len(fields) + 1:
            _skeletons[entity][skeleton] = (parts, len(skeleton) - 2 * len(fields))
    return row, exceptions


def _row_stamps(entity: str, field_hlc: str) -> str:
    """The `"hlc":..,"field_hlc":..` part of a protocol 2 page row."""
    row, exceptions = _stamps(entity, field_hlc)
    return f'"hlc":{_dumps(row)},"field_hlc":{_dumps(exceptions)}'


# Most rows were written whole by one change: every field has the same
# stamp. Such a row's stamps, as the database gives them back as text, with
# the stamp taken out, are the same few texts per entity (its "skeleton":
# the field names in the database's order, every value empty); learned from
# rows decoded the long way, each kept split at its empty values (and the
# length of those pieces).
_skeletons: defaultdict[str, dict[str, tuple[tuple[str, ...], int]]] = defaultdict(dict)
_MAX_SKELETONS = 8


def _uniform_stamp(entity: str, text: str) -> str | None:
    """The one stamp of every field of a row stamped whole, read without
    decoding the JSON; None when the text is not exactly that.

    Exact: the text must equal a known skeleton with each of its empty
    values filled with one stamp (a text without quotes or escapes)."""
    skeletons = _skeletons.get(entity)
    if not skeletons or "\\" in text:
        return None
    for parts, fixed in skeletons.values():
        head = parts[0]
        if not text.startswith(head):
            continue
        start = len(head) + 1  # past the first value's opening quote
        end = text.find('"', start)
        if end <= start:
            continue
        stamp = text[start:end]
        if len(text) == fixed + (len(parts) - 1) * (end - start + 2) and text == f'"{stamp}"'.join(
            parts
        ):
            return stamp
    return None


def _wire_stamp(value: datetime | str) -> str:
    """A row's updated_at as the database gives it back untyped: a datetime
    (PostgreSQL's driver) or SQLite's text, in wire form."""
    return wire_time(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def _in_scope(scope: Scope, township: Any, division_code: Any) -> ColumnElement[bool]:
    prefix = scope.prefix
    if len(prefix) > 9:  # a village: part of one township
        return and_(township == prefix[:9], division_code == prefix)
    if len(prefix) == 9:
        return cast(ColumnElement[bool], township == prefix)
    lo, hi = scope.township_range()
    return cast(ColumnElement[bool], township.between(lo, hi))


@dataclass(frozen=True)
class Page:
    body: bytes  # the PullResponse as JSON
    rows: int
    stale_registration: bool  # see seqs.watermark


def _not_echo(device: str, own_after: int) -> ColumnElement[bool]:
    """Leaves out rows whose only version is the pulling device's own insert,
    made after `own_after` (the device says it holds every change of its own
    since: they were acknowledged to it). Sending those back is pure echo.

    Only inserts never changed since (written in one push: created_at equal
    to updated_at): an update the device pushed may have been merged into
    other devices' changes it has not pulled yet, and those must come."""
    r = RECORD.c
    return not_(and_(r.updated_device == device, r.seq > own_after, r.created_at == r.updated_at))


def pull_page(
    session: Session,
    scope: Scope,
    cursor: int,
    limit: int,
    device: str | None = None,
    own_after: int | None = None,
    protocol: int | None = None,
) -> Page:
    """One page of the PullResponse. With `device` and `own_after`, the
    device's own inserts after `own_after` are left out (`_not_echo`).
    `protocol`: the version the request was written in (None: unstated,
    treated as 1); from PROTOCOL_ROW_STAMP on, rows carry a row stamp and
    only the field stamps that differ; from PROTOCOL_TABLES on, the page is
    tables (`_tables_page`)."""
    lean = protocol is not None and protocol >= PROTOCOL_ROW_STAMP
    skip_echo = device is not None and own_after is not None
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        high, stale, rows, exits = _read_pg(
            DriverCursor(conn), scope, cursor, limit, device if skip_echo else None, own_after
        )
    else:
        high, stale, rows, exits = _read(session, scope, cursor, limit, device, own_after)
    if protocol is not None and protocol >= PROTOCOL_TABLES:
        return _tables_page(rows, exits, cursor, limit, high, skip_echo, stale)
    return _rows_page(rows, exits, cursor, limit, high, skip_echo, stale, lean)


def _read(
    session: Session,
    scope: Scope,
    cursor: int,
    limit: int,
    device: str | None,
    own_after: int | None,
) -> tuple[int, bool, Sequence[Any], Sequence[Any]]:
    """The watermark, whether a registration looks stale, the rows and the
    scope exits after `cursor` (up to `limit` + 1 each), in one snapshot."""
    high, stale = seqs.watermark(session)  # first: it fixes the snapshot
    if 0 < cursor < seqs.horizon(session):
        raise ApiError(410, E.CURSOR_EXPIRED)
    echo = _not_echo(device, own_after) if device is not None and own_after is not None else None
    r = RECORD.c
    result = session.execute(
        select(
            r.seq,
            r.entity,
            r.id,
            r.deleted,
            sql_cast(r.data, Text),
            sql_cast(r.field_hlc, Text),
            # Untyped: SQLite's text is not parsed into a datetime per row
            # (it is formatted once per distinct time below).
            type_coerce(r.updated_at, Text),
            r.updated_device,
            r.updated_user,
        )
        .where(
            _in_scope(scope, r.township, r.division_code),
            r.seq > cursor,
            r.seq <= high,
            *([echo] if echo is not None else []),
        )
        .order_by(r.seq)
        .limit(limit + 1)
    )
    # The driver's own tuples: Row objects cost about 2 us a row, a fifth
    # of the server's time for a page. No column here has a result type to
    # apply but `deleted` (0/1 from SQLite, only read as a truth value).
    rows: Sequence[Any] = cast(CursorResult[Any], result).cursor.fetchall()
    result.close()
    e = EXIT.c
    exits = session.execute(
        select(e.seq, e.entity, e.row_id)
        .join(RECORD, and_(r.entity == e.entity, r.id == e.row_id))
        .where(
            _in_scope(scope, e.township, e.division_code),
            not_(_in_scope(scope, r.township, r.division_code)),
            e.seq > cursor,
            e.seq <= high,
        )
        .order_by(e.seq)
        .limit(limit + 1)
    ).all()
    return high, stale, rows, exits


# PostgreSQL: the same reads as `_read` through the driver, sent in one round
# trip (SQLAlchemy's statement building cost more than the queries for the
# small pages of a day's end). The first statement fixes the REPEATABLE READ
# snapshot; the others compute the same watermark again in it (seqs.watermark).
_PG_WATERMARK = (
    f"SELECT {seqs.PG_TOP}, {seqs.PG_FLOOR}, {seqs.PG_OLDEST}, "
    "(SELECT coalesce(max(value), 0) FROM counter WHERE name = %s)"
)
_PG_HIGH = seqs.PG_WATERMARK
_PG_ROWS = (
    "SELECT r.seq, r.entity, r.id, r.deleted, r.data::text, r.field_hlc::text, r.updated_at, "
    "r.updated_device, r.updated_user FROM record r WHERE {scope} AND r.seq > %s "
    f"AND r.seq <= {_PG_HIGH} {{echo}}ORDER BY r.seq LIMIT %s"
)
_PG_ECHO = "AND NOT (r.updated_device = %s AND r.seq > %s AND r.created_at = r.updated_at) "
_PG_EXITS = (
    "SELECT e.seq, e.entity, e.row_id FROM scope_exit e "
    "JOIN record r ON r.entity = e.entity AND r.id = e.row_id "
    "WHERE {exit_scope} AND NOT ({scope}) AND e.seq > %s "
    f"AND e.seq <= {_PG_HIGH} ORDER BY e.seq LIMIT %s"
)


def _scope_sql(scope: Scope, t: str) -> tuple[str, tuple[str, ...]]:
    """`_in_scope` as SQL on table alias `t`, with its parameters."""
    prefix = scope.prefix
    if len(prefix) > 9:  # a village: part of one township
        return f"({t}.township = %s AND {t}.division_code = %s)", (prefix[:9], prefix)
    if len(prefix) == 9:
        return f"{t}.township = %s", (prefix,)
    return f"{t}.township BETWEEN %s AND %s", scope.township_range()


def _read_pg(
    pg: DriverCursor,
    scope: Scope,
    cursor: int,
    limit: int,
    device: str | None,
    own_after: int | None,
) -> tuple[int, bool, Sequence[Any], Sequence[Any]]:
    """`_read` on PostgreSQL."""
    in_r, r_params = _scope_sql(scope, "r")
    in_e, e_params = _scope_sql(scope, "e")
    echo = "" if device is None else _PG_ECHO
    echo_params: tuple[Any, ...] = () if device is None else (device, own_after)
    marks, rows, exits = pg.fetch_all(
        [
            (_PG_WATERMARK, (HORIZON_COUNTER,)),
            (
                _PG_ROWS.format(scope=in_r, echo=echo),
                (*r_params, cursor, *echo_params, limit + 1),
            ),
            (
                _PG_EXITS.format(exit_scope=in_e, scope=in_r),
                (*e_params, *r_params, cursor, limit + 1),
            ),
        ]
    )
    top, floor, oldest, horizon = marks[0]
    if 0 < cursor < horizon:
        raise ApiError(410, E.CURSOR_EXPIRED)
    return seqs.watermark_of(top, floor), seqs.is_stale(oldest), rows, exits


def _rows_page(
    rows: Sequence[Any],
    exits: Sequence[Any],
    cursor: int,
    limit: int,
    high: int,
    skip_echo: bool,
    stale: bool,
    lean: bool,
) -> Page:
    """The page in protocols 1 and 2: one JSON object per row."""
    parts: list[tuple[int, str]] = []
    # A push stamps all its rows with one time, device and user: format
    # each distinct one once per page, not once per row.
    times: dict[Any, str] = {}
    names: dict[Any, str] = {}
    for seq, entity, row_id, deleted, data, field_hlc, updated_at, device, user in rows:
        stamp = times.get(updated_at)
        if stamp is None:
            stamp = times[updated_at] = _wire_stamp(updated_at)
        dev = names.get(device)
        if dev is None:
            dev = names[device] = _dumps(device)
        who = names.get(user)
        if who is None:
            who = names[user] = _dumps(user)
        parts.append(
            (
                seq,
                (
                    f'{{"entity":"{entity}","id":"{row_id}","seq":{seq},"in_scope":true,'
                    f'"deleted":{"true" if deleted else "false"},"data":{data},'
                    f"{_row_stamps(entity, field_hlc) if lean else _FULL + field_hlc},"
                    f'"updated_at":"{stamp}",'
                    f'"updated_device":{dev},"updated_user":{who}}}'
                ),
            )
        )
    exit_stamps = '"hlc":null,"field_hlc":{}' if lean else '"field_hlc":{}'
    for seq, entity, row_id in exits:
        parts.append(
            (
                seq,
                (
                    f'{{"entity":"{entity}","id":"{row_id}","seq":{seq},"in_scope":false,'
                    f'"deleted":false,"data":null,{exit_stamps}}}'
                ),
            )
        )
    if exits:
        parts.sort(key=lambda p: p[0])
    more = len(parts) > limit
    page = parts[:limit]
    next_cursor = page[-1][0] if page else cursor
    if skip_echo and not more:
        # Everything up to `high` was considered, the echo left out: the
        # device need not scan those rows again.
        next_cursor = max(next_cursor, high)
    body = ",".join(p[1] for p in page)
    text = (
        f'{{"rows":[{body}],"cursor":{next_cursor},"more":{"true" if more else "false"},'
        f'"server_seq":{high}}}'
    )
    return Page(text.encode(), len(page), stale)


@cache
def _columns(entity: str) -> tuple[tuple[str, ...], frozenset[str]]:
    spec = ENTITIES.get(entity)
    cols = tuple(spec.data_fields) if spec is not None else ()
    return cols, frozenset(cols)


@cache
def _getter(cols: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if len(cols) > 1:
        return operator.itemgetter(*cols)
    return lambda d: tuple(d[c] for c in cols)


def _table(entity: str, cols: tuple[str, ...]) -> PullTable:
    return {"entity": entity, "columns": list(cols), "rows": [], "stamps": {}}


def _tables_page(
    rows: Sequence[Any],
    exits: Sequence[Any],
    cursor: int,
    limit: int,
    high: int,
    skip_echo: bool,
    stale: bool,
) -> Page:
    """The page in protocol 3 (`jsxcore.protocol.PullTables`): per entity and
    set of data fields, the columns once and each row as an array in their
    order, so a client writes them nearly as parsed."""
    if exits:
        # Rows and exits interleave by seq; the page is the first `limit`.
        merged = sorted(
            [(row[0], False, row) for row in rows] + [(e[0], True, e) for e in exits],
            key=operator.itemgetter(0),
        )
        more = len(merged) > limit
        merged = merged[:limit]
        page_rows = [row for _, is_exit, row in merged if not is_exit]
        page_exits = [[e[1], e[2], e[0]] for _, is_exit, e in merged if is_exit]
        last = merged[-1][0] if merged else cursor
    else:
        more = len(rows) > limit
        page_rows = list(rows[:limit])
        page_exits = []
        last = page_rows[-1][0] if page_rows else cursor
    tables: dict[tuple[str, tuple[str, ...]], PullTable] = {}
    # Per entity: its data fields, a getter of their values, and the table
    # of the rows that hold exactly those (nearly all of them).
    shapes: dict[str, tuple[int, frozenset[str], Callable[[Any], tuple[Any, ...]], PullTable]] = {}
    times: dict[Any, str] = {}
    for seq, entity, row_id, deleted, data, field_hlc, updated_at, device, user in page_rows:
        values = _loads(data)
        # The record's flag, as protocol 1 and 2 send it beside the data
        # (the two are kept equal on push).
        values["deleted"] = bool(deleted)
        shape = shapes.get(entity)
        if shape is None:
            cols, names = _columns(entity)
            table = tables[(entity, cols)] = _table(entity, cols)
            shape = shapes[entity] = (len(cols), names, _getter(cols), table)
        width, names, get, table = shape
        stamp = times.get(updated_at)
        if stamp is None:
            stamp = times[updated_at] = _wire_stamp(updated_at)
        if len(values) == width and values.keys() == names:
            hlc, exceptions = _stamps(entity, field_hlc)
        else:
            # Fields missing or unknown here: a table of their own, and the
            # stamps compressed against exactly those columns.
            cols = _columns(entity)[0]
            cols = (*(c for c in cols if c in values), *sorted(values.keys() - names))
            hlc, exceptions = compress_stamps(_loads(field_hlc), frozenset(cols))
            get = _getter(cols)
            table = tables.get((entity, cols)) or tables.setdefault(
                (entity, cols), _table(entity, cols)
            )
        table["rows"].append([row_id, *get(values), hlc, stamp, device, user, seq])
        if exceptions:
            table["stamps"][row_id] = exceptions
    next_cursor = last
    if skip_echo and not more:
        next_cursor = max(next_cursor, high)
    page: PullTables = {
        "tables": [t for t in tables.values() if t["rows"]],
        "exits": page_exits,
        # Last, after every array: the client's prefetch reads them from the
        # page's tail without parsing it (jsxclient.sync.pull._peek).
        "cursor": next_cursor,
        "more": more,
        "server_seq": high,
    }
    return Page(orjson.dumps(page), len(page_rows) + len(page_exits), stale)
