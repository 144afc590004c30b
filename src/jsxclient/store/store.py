"""The local store and its one write path.

Every insert, update and delete of a synced record goes through `Tx`, which in
the same SQLite transaction writes the row and appends a journal entry
(entity, row id, field -> new and old value, a hybrid-logical-clock stamp,
device, user). The journal is the sync engine's outbox: an entry stays
`pending` until the server acknowledges it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from jsxclient.store import audit, bulk, journal
from jsxclient.store.db import Database, now_text
from jsxclient.store.queries.family import subsidy_rate
from jsxclient.store.search import derive_fields
from jsxclient.store.upgrade import upgrade
from jsxcore import roles, rules
from jsxcore.divisions import is_derived_row
from jsxcore.entities import EntitySpec, spec
from jsxcore.hlc import HybridClock
from jsxcore.messages import Issue
from jsxcore.models import new_id
from jsxcore.validation import id_number_taken, person_link_taken, validate_record
from jsxcore.wire import wire

Row = dict[str, Any]

#: meta key set on a store that holds demo data.
DEMO_KEY = "demo"


class ValidationFailed(ValueError):
    """A write was refused; `issues` says why, per field, in zh and en."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(i.zh for i in issues))


class RecordNotFound(KeyError):
    pass


class Forbidden(PermissionError):
    """The signed-in user's role may not do this; nothing was written."""

    kind = "forbidden"

    def __init__(self, refusal: roles.Refusal) -> None:
        self.code, self.zh, self.en = refusal.code, refusal.zh, refusal.en
        super().__init__(f"{refusal.zh} / {refusal.en}")

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


class Store:
    """One store file.

    `user` and `role` are the signed-in worker: the journal and the audit
    log name the user, and `Tx` refuses what the role may not do
    (`jsxcore.roles.allowed`). The desktop and the CLI always open stores
    through `jsxclient.security.vault`, which passes the role recorded for
    the user who unlocked it. `role=None` is the library's unrestricted
    context (tests, benchmarks, the demo generator run by tools): code that
    holds the data key can write the file anyway, so the role guards the
    signed-in person, not the program.
    """

    def __init__(self, db: Database, user: str = "", role: str | None = None) -> None:
        self.db = db
        # Backs up and migrates a store an older program wrote (or refuses,
        # leaving it unchanged, with a message that says what to do).
        try:
            upgrade(db)
            # A bootstrap stopped before it built the search index (a crash):
            # build it now, so search finds every row that is here.
            bulk.finish(db.connection())
        except BaseException:
            db.close()
            raise
        # The worker signed in on this device is who the journal names.
        self.user = user or self.meta("sync_user") or ""
        self.role = role
        # Set once `PRAGMA quick_check` found every page whole (sync asks).
        self.checked_whole = False
        self.device_id = self.meta("device_id") or self._init_device()
        self.clock = HybridClock(self.device_id, self.meta("hlc"))

    @classmethod
    def open(
        cls,
        path: Path | str,
        key: bytes | None = None,
        user: str = "",
        role: str | None = None,
    ) -> Store:
        from jsxclient.security.files import private_dir

        private_dir(Path(path).parent)
        return cls(Database(path, key), user, role)

    # -- roles and audit --------------------------------------------------------

    def allowed(
        self, action: str, entity: str | None = None, fields: set[str] | None = None
    ) -> bool:
        return self.role is None or roles.allowed(
            self.role, action, entity, frozenset(fields) if fields is not None else None
        )

    def may_edit(self, entity: str) -> bool:
        return self.role is None or roles.may_edit(self.role, entity)

    def require(
        self, action: str, entity: str | None = None, fields: set[str] | None = None
    ) -> None:
        """Raise `Forbidden` unless the signed-in role may do `action`."""
        if not self.allowed(action, entity, fields):
            raise Forbidden(roles.refusal(self.role, action, entity))

    def audit(
        self,
        action: audit.AuditAction,
        obj: str = "",
        result: audit.Result = "ok",
        detail: str = "",
        conn: sqlite3.Connection | None = None,
    ) -> int:
        """Append one audit entry (in `conn`'s transaction when given)."""
        c = conn or self.db.connection()
        return audit.record(
            c,
            user=self.user,
            device=self.device_id,
            action=action,
            obj=obj,
            result=result,
            detail=detail,
        )

    def close(self) -> None:
        self.db.close()

    # -- meta ---------------------------------------------------------------

    def meta(self, key: str, conn: sqlite3.Connection | None = None) -> str | None:
        c = conn or self.db.connection()
        r = c.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if r is None else str(r[0])

    def set_meta(self, key: str, value: str, conn: sqlite3.Connection | None = None) -> None:
        c = conn or self.db.connection()
        c.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    def _init_device(self) -> str:
        device = uuid.uuid4().hex[:16]
        self.set_meta("device_id", device)
        return device

    @property
    def township_code(self) -> str | None:
        return self.meta("township_code")

    @property
    def is_demo(self) -> bool:
        """Demo data (`jsxclient.demo`): marked on screen, never connected to
        a server (`jsxclient.sync.account` refuses)."""
        return self.meta(DEMO_KEY) == "1"

    # -- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        conn = self.db.connection()
        conn.execute("BEGIN IMMEDIATE")
        tx = Tx(self, conn)
        try:
            yield tx
            if tx.journaled:
                self.set_meta("hlc", self.clock.last, conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent read snapshot on this thread's connection."""
        conn = self.db.connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def get(self, entity: str, row_id: str) -> Row | None:
        return _get(self.db.connection(), spec(entity), row_id)

    def pending_count(self) -> int:
        return journal.pending_count(self.db.connection())


def _get(conn: sqlite3.Connection, es: EntitySpec, row_id: str) -> Row | None:
    cur = conn.execute(f"SELECT * FROM {es.name} WHERE id=?", (row_id,))
    r = cur.fetchone()
    if r is None:
        return None
    cols = [d[0] for d in cur.description]
    return es.to_wire(dict(zip(cols, r, strict=True)))


class Tx:
    """One write transaction. Use through `Store.transaction()`."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self.store = store
        self.conn = conn
        self.journaled = 0
        self.today = date.today()

    def get(self, entity: str, row_id: str) -> Row | None:
        return _get(self.conn, spec(entity), row_id)

    # -- rules.Resolver: what the entity rules may look up ----------------------

    def row(self, entity: str, row_id: str) -> Row | None:
        return self.get(entity, row_id)

    def subsidy_rate(self, kind: str, year: int) -> int | None:
        return subsidy_rate(self.conn, kind, year)

    def _complete(self, es: EntitySpec, values: Row) -> Row:
        """Fill in what the entity rules derive and the caller left empty."""
        return rules.complete(es.name, values, township=self._township, resolver=self)

    @cached_property
    def _township(self) -> str | None:
        return self.store.meta("township_code", self.conn)

    def _check(self, es: EntitySpec, values: Mapping[str, Any]) -> None:
        self._check_many(es, [values])

    def _existing(self, table: str, key: str, wanted: set[Any], live: bool) -> set[Any]:
        """Which of `wanted` exist in `table`: one query per 900 keys rather
        than one per row (bulk writes check hundreds of thousands)."""
        found: set[Any] = set()
        keys = [k for k in wanted if k]
        for i in range(0, len(keys), 900):
            chunk = keys[i : i + 900]
            sql = f"SELECT {key} FROM {table} WHERE {key} IN ({','.join('?' * len(chunk))})"
            if live:
                sql += " AND deleted=0"
            found.update(r[0] for r in self.conn.execute(sql, chunk))
        return found

    def _check_many(
        self, es: EntitySpec, rows: Sequence[Mapping[str, Any]], *, checked: bool = False
    ) -> None:
        """Validate each row (unless `checked`) and its links; the first bad
        row raises."""
        divisions = self._existing(
            "division", "code", {r.get("division_code") for r in rows}, live=False
        )
        targets = {
            fld: self._existing(target, "id", {r.get(fld) for r in rows}, live=True)
            for fld, target in es.references.items()
        }
        for values in rows:
            issues = (
                []
                if checked
                else [
                    i
                    for i in validate_record(es.rules, values, self.today)
                    if i.severity == "error"
                ]
            )
            if values.get("division_code") not in divisions:
                issues.append(
                    Issue(
                        "division_code",
                        "division.unknown",
                        "所属村（社区）无效",
                        "Unknown village or township",
                    )
                )
            for fld, found in targets.items():
                ref = values.get(fld)
                if ref and ref not in found:
                    issues.append(
                        Issue(
                            fld,
                            "reference.missing",
                            "关联的记录不存在或已删除",
                            "The linked record does not exist or was deleted",
                        )
                    )
            if issues:
                raise ValidationFailed(issues)

    def _check_unique(self, es: EntitySpec, rows: Sequence[Mapping[str, Any]]) -> None:
        """One live person per ID number, one member (volunteer) record per
        person: a second registration is refused, naming the existing one.
        (Two devices registering one person offline meet at sync instead.)"""
        if es.name == "person":
            col = "id_number"
        elif es.name in rules.ONE_PER_PERSON:
            col = rules.PERSON_LINK[es.name]
        else:
            return
        seen: dict[Any, Any] = {}
        for r in rows:
            value = r.get(col)
            if not value:
                continue
            if value in seen and seen[value] != r["id"]:
                raise ValidationFailed([self._taken(es, col, value, None)])
            seen[value] = r["id"]
        keys = list(seen)
        for i in range(0, len(keys), 900):
            chunk = keys[i : i + 900]
            hit = self.conn.execute(
                f"SELECT {col}, id FROM {es.name} WHERE {col} IN ({','.join('?' * len(chunk))}) "
                "AND deleted=0",
                chunk,
            )
            for value, row_id in hit:
                if seen[value] != row_id:
                    raise ValidationFailed([self._taken(es, col, value, str(row_id))])

    def _taken(self, es: EntitySpec, col: str, value: Any, other: str | None) -> Issue:
        if es.name != "person":
            zh, en = rules.ONE_PER_PERSON[es.name]
            return person_link_taken(zh, en)
        name, place = "", ""
        if other is not None:
            r = self.conn.execute(
                "SELECT p.name, coalesce(d.name, '') FROM person p "
                "LEFT JOIN division d ON d.code = p.division_code WHERE p.id=?",
                (other,),
            ).fetchone()
            if r is not None:
                name, place = str(r[0] or ""), str(r[1] or "")
        return id_number_taken(name or str(value), place)

    def _journal(
        self, es: EntitySpec, row_id: str, op: str, fields: Row, old: Row, stamp: str
    ) -> None:
        journal.append(
            self.conn,
            [
                (
                    new_id(),
                    es.name,
                    row_id,
                    op,
                    json.dumps(fields, ensure_ascii=False),
                    json.dumps(old, ensure_ascii=False),
                    stamp,
                    self.store.device_id,
                    self.store.user,
                    now_text(),
                )
            ],
        )
        self.journaled += 1

    def insert(self, entity: str, values: Mapping[str, Any]) -> str:
        """Insert one record; returns its id. Every data field is journaled."""
        return self.insert_many(entity, [values])[0]

    def insert_many(
        self, entity: str, rows: Sequence[Mapping[str, Any]], *, checked: bool = False
    ) -> list[str]:
        """Bulk form of `insert` (demo data, imports): same validation and
        journal entries, written with executemany. `checked`: the caller has
        just run `validate_record` on these rows as completed by the entity
        rules (an import's preview), so that is not done twice; their links,
        villages and uniqueness are still checked here, as a sync may have
        changed those in between."""
        es = spec(entity)
        self.store.require("create", entity)
        fulls = self._full_rows(es, rows, "pending")
        if not fulls:
            return []
        # One pass over the batch: links are looked up once, not per row.
        self._check_many(es, fulls, checked=checked)
        self._check_unique(es, fulls)
        self._write_rows(es, fulls)
        created = now_text()
        entries: list[journal.NewEntry] = []
        for f in fulls:
            entries.append(
                (
                    new_id(),
                    es.name,
                    f["id"],
                    "insert",
                    json.dumps({k: f[k] for k in es.data_fields}, ensure_ascii=False),
                    "{}",
                    self.store.clock.now(),
                    self.store.device_id,
                    self.store.user,
                    created,
                )
            )
        journal.append(self.conn, entries)
        self.journaled += len(entries)
        ids = [str(f["id"]) for f in fulls]
        # One entry per call: a form's save names its record, a bulk write
        # (import, demo data) its size.
        self.store.audit(
            "create",
            f"{entity}:{ids[0]}" if len(ids) == 1 else f"{entity} ×{len(ids)}",
            conn=self.conn,
        )
        return ids

    def insert_derived(self, entity: str, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        """Rows every device and the server derive identically from the
        division list (`jsxcore.divisions.is_derived_row`): written as
        already in sync, not journaled and not subject to the role, because
        they are nobody's edit. The server holds the same rows; the first
        pull brings their current values, and a later edit here is an
        ordinary update based on the derived values."""
        es = spec(entity)
        fulls = self._full_rows(es, rows, "synced")
        for f in fulls:
            if not is_derived_row(entity, str(f["id"]), f.get("division_code")):
                raise ValueError(f"{entity} {f['id']} is not a derived row")
        for f in fulls:  # one by one: a village's row names the township's
            self._check_many(es, [f])
            self._write_rows(es, [f])
        return [str(f["id"]) for f in fulls]

    def _write_rows(self, es: EntitySpec, fulls: list[Row]) -> None:
        cols = list(fulls[0])
        self.conn.executemany(
            f"INSERT INTO {es.name}({','.join(cols)}) VALUES({','.join('?' * len(cols))})",
            [[f[c] for c in cols] for f in fulls],
        )

    def _full_rows(
        self, es: EntitySpec, rows: Sequence[Mapping[str, Any]], state: str
    ) -> list[Row]:
        """Each row as inserted: defaults, derived values, id, bookkeeping."""
        entity = es.name
        defaults = es.defaults()
        known = set(es.model.model_fields)
        fulls: list[Row] = []
        for values in rows:
            data = {k: wire(v) for k, v in values.items()}
            if not data.keys() <= known:
                raise ValueError(f"{entity}: unknown fields {sorted(set(data) - known)}")
            full = {**defaults, **data}
            full.update(self._complete(es, full))
            if "id" not in data:
                full["id"] = new_id()
            if "created_at" not in data:
                full["created_at"] = now_text()
            full.update(derive_fields(es.name, full))
            full.update(
                deleted=False,
                updated_at=full["created_at"],
                updated_device=self.store.device_id,
                updated_user=self.store.user,
                server_seq=None,
                sync_state=state,
            )
            fulls.append(full)
        return fulls

    def update(self, entity: str, row_id: str, changes: Mapping[str, Any]) -> Row:
        """Apply `changes`; returns the fields that really changed (new values)."""
        es = spec(entity)
        current = self.get(entity, row_id)
        if current is None or current["deleted"]:
            raise RecordNotFound(f"{entity} {row_id}")
        data = {k: wire(v) for k, v in changes.items()}
        bad = set(data) - set(es.data_fields)
        if bad:
            raise ValueError(f"{entity}: cannot change {sorted(bad)}")
        changed = {k: v for k, v in data.items() if current.get(k) != v}
        if not changed:
            return {}
        self.store.require("update", entity, set(changed))
        merged = {**current, **changed}
        filled = {k: v for k, v in self._complete(es, merged).items() if current.get(k) != v}
        if filled:
            changed.update(filled)
            merged.update(filled)
        derived = {k: v for k, v in derive_fields(es.name, merged).items() if current.get(k) != v}
        self._check(es, merged)
        if changed.keys() & {"id_number", rules.PERSON_LINK.get(entity)}:
            self._check_unique(es, [merged])
        stamp = self.store.clock.now()
        sets = {
            **changed,
            **derived,
            "updated_at": now_text(),
            "updated_device": self.store.device_id,
            "updated_user": self.store.user,
            "sync_state": "pending",
        }
        self.conn.execute(
            f"UPDATE {es.name} SET {','.join(f'{k}=?' for k in sets)} WHERE id=?",
            [*sets.values(), row_id],
        )
        self._journal(es, row_id, "update", changed, {k: current.get(k) for k in changed}, stamp)
        self.store.audit(
            "update", f"{entity}:{row_id}", detail=",".join(sorted(changed)), conn=self.conn
        )
        return changed

    def restore(self, entity: str, row_id: str) -> None:
        """Bring a deleted record back (the recycle bin, an undo): an update
        that clears the tombstone, journaled as {"deleted": false}, so the
        server and other devices restore it too. Its links must be live and
        it must not duplicate a person registered since."""
        es = spec(entity)
        self.store.require("delete", entity)
        current = self.get(entity, row_id)
        if current is None:
            raise RecordNotFound(f"{entity} {row_id}")
        if not current["deleted"]:
            return
        merged = {**current, "deleted": False}
        self._check(es, merged)
        self._check_unique(es, [merged])
        stamp = self.store.clock.now()
        self.conn.execute(
            f"UPDATE {es.name} SET deleted=0, updated_at=?, updated_device=?, updated_user=?, "
            "sync_state='pending' WHERE id=?",
            (now_text(), self.store.device_id, self.store.user, row_id),
        )
        self._journal(es, row_id, "update", {"deleted": False}, {"deleted": True}, stamp)
        self.store.audit("update", f"{entity}:{row_id}", detail="deleted", conn=self.conn)

    def delete(self, entity: str, row_id: str) -> None:
        """Tombstone the row; the journal keeps its last values so the server
        can tell a delete of a row someone else has since edited."""
        es = spec(entity)
        self.store.require("delete", entity)
        current = self.get(entity, row_id)
        if current is None or current["deleted"]:
            raise RecordNotFound(f"{entity} {row_id}")
        stamp = self.store.clock.now()
        self.conn.execute(
            f"UPDATE {es.name} SET deleted=1, updated_at=?, updated_device=?, updated_user=?, "
            "sync_state='pending' WHERE id=?",
            (now_text(), self.store.device_id, self.store.user, row_id),
        )
        old = {f: current.get(f) for f in es.data_fields}
        self._journal(es, row_id, "delete", {"deleted": True}, old, stamp)
        self.store.audit("delete", f"{entity}:{row_id}", conn=self.conn)
