"""Versioned schema migrations that keep every row.

Each version is a frozen SQL file in `migrations/` plus an optional Python
step for data (backfills). `migrate` runs every missing one, in order, in a
single transaction together with the version bump: a failure or a crash
half-way leaves the store exactly as it was, at the version it had. (Opening
a store goes through `jsxclient.store.upgrade`, which also takes a verified
backup first.)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from importlib import resources

from jsxclient.store.db import StoreError
from jsxclient.store.search import COMPOUND_SURNAMES, SURNAMES, name_key, pinyin_key


def _backfill_search_keys(conn: sqlite3.Connection) -> None:
    rows = conn.execute("SELECT id, name FROM person").fetchall()
    conn.executemany(
        "UPDATE person SET search_key=? WHERE id=?", [(pinyin_key(n or ""), i) for i, n in rows]
    )


# The text person_search holds for one person row (`r` is NEW or a table alias).
def _person_search_text(r: str) -> str:
    return (
        f"lower({r}.name) || ' ' || {r}.search_key || ' ' || coalesce({r}.id_number, '') "
        f"|| ' ' || coalesce({r}.mobile, '')"
    )


def person_search_triggers() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) of the triggers that keep
    person_search (and its FTS index) in step with person, as schema 4
    created them (`jsxclient.store.bulk` drops and recreates them
    around a bootstrap)."""
    upsert = (
        "INSERT INTO person_search(person_id, sort_key, text) "
        f"VALUES (NEW.id, NEW.search_key, {_person_search_text('NEW')}) "
        "ON CONFLICT(person_id) DO UPDATE SET sort_key = excluded.sort_key, "
        "text = excluded.text"
    )
    return [
        (
            "person_search_ai",
            f"CREATE TRIGGER person_search_ai AFTER INSERT ON person BEGIN {upsert}; END",
        ),
        (
            "person_search_au",
            "CREATE TRIGGER person_search_au AFTER UPDATE OF name, search_key, id_number, mobile "
            f"ON person BEGIN {upsert}; END",
        ),
        (
            "person_search_ad",
            "CREATE TRIGGER person_search_ad AFTER DELETE ON person "
            "BEGIN DELETE FROM person_search WHERE person_id = OLD.id; END",
        ),
        (
            "person_fts_ai",
            "CREATE TRIGGER person_fts_ai AFTER INSERT ON person_search "
            "BEGIN INSERT INTO person_fts(rowid, text) VALUES (NEW.id, NEW.text); END",
        ),
        (
            "person_fts_ad",
            "CREATE TRIGGER person_fts_ad AFTER DELETE ON person_search BEGIN "
            "INSERT INTO person_fts(person_fts, rowid, text) "
            "VALUES ('delete', OLD.id, OLD.text); END",
        ),
        (
            "person_fts_au",
            "CREATE TRIGGER person_fts_au AFTER UPDATE ON person_search BEGIN "
            "INSERT INTO person_fts(person_fts, rowid, text) "
            "VALUES ('delete', OLD.id, OLD.text); "
            "INSERT INTO person_fts(rowid, text) VALUES (NEW.id, NEW.text); END",
        ),
    ]


def fill_person_search(conn: sqlite3.Connection, ordered: bool = False) -> None:
    """person_search's rows from person, in one statement (`ordered`: in
    the order of its walk index, built faster after them)."""
    conn.execute(
        "INSERT INTO person_search(person_id, sort_key, text) "
        f"SELECT p.id, p.search_key, {_person_search_text('p')} FROM person p"
        + (" ORDER BY p.search_key, p.id" if ordered else "")
    )


def _person_search(conn: sqlite3.Connection) -> None:
    """Triggers that keep person_search (and its FTS index) in step with
    person, then the backfill."""
    for _, sql in person_search_triggers():
        conn.execute(sql)
    fill_person_search(conn)


def _audit_append_only(conn: sqlite3.Connection) -> None:
    """The audit log takes inserts only; entries go after six months at the
    earliest (`jsxclient.store.audit.prune`)."""
    conn.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    conn.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "WHEN OLD.at >= datetime('now', 'localtime', '-183 days') "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least six months'); END"
    )


def _surname_readings(conn: sqlite3.Connection) -> None:
    """Person search keys read the surname as a surname (曾 zeng, 单 shan):
    recompute the keys of the names that start with one; the person_search
    triggers carry the new keys into the search table and its index."""
    firsts = sorted({s[:1] for s in COMPOUND_SURNAMES} | set(SURNAMES))
    rows = conn.execute(
        f"SELECT id, name, search_key FROM person WHERE substr(name, 1, 1) IN "
        f"({','.join('?' * len(firsts))})",
        firsts,
    ).fetchall()
    changed = [(name_key(n or ""), i) for i, n, k in rows if name_key(n or "") != k]
    conn.executemany("UPDATE person SET search_key=? WHERE id=?", changed)


# The record tables of schema 9 (frozen: a later table is not schema 10's).
_TABLES_9 = (
    "activity",
    "activityparticipant",
    "association",
    "caresubsidy",
    "carevisit",
    "familycontact",
    "familymember",
    "member",
    "membergroup",
    "monthlyreport",
    "officer",
    "person",
    "persondecision",
    "project",
    "projectsite",
    "site",
    "specialfamily",
    "subsidyrate",
    "volunteer",
    "volunteerpairing",
)


def lean_indexes() -> dict[str, str | None]:
    """Schema 10's changes: index name -> its new CREATE INDEX, or None
    (dropped). A bootstrap rebuilds every index at its end, so an index
    costs every device its build: these are kept to what queries read.

    * sync_state: only the rows not synced are ever looked up (the sync
      status, the pending checks; nearly every row is 'synced').
    * member.left_on: the members who left in a period (a range: never NULL).
    * person.mobile, person.division_code: no query looks a person up by
      them (search goes through person_search, lists filter their own
      table's division_code)."""
    out: dict[str, str | None] = {
        f"ix_{t}_sync_state": f"CREATE INDEX ix_{t}_sync_state ON {t} (sync_state) "
        "WHERE sync_state <> 'synced'"
        for t in _TABLES_9
    }
    out["ix_member_left_on"] = (
        "CREATE INDEX ix_member_left_on ON member (left_on) WHERE left_on IS NOT NULL"
    )
    out["ix_person_mobile"] = None
    out["ix_person_division_code"] = None
    return out


# The meta key under which a bootstrap under way keeps the SQL of the
# indexes it dropped (`jsxclient.store.bulk`).
BULK_DEFERRED_KEY = "bulk_deferred"


def _lean_indexes(conn: sqlite3.Connection) -> None:
    """Schema 10 (`lean_indexes`). Indexes a bootstrap under way has
    dropped change in the SQL it keeps to rebuild them at its end."""
    r = conn.execute("SELECT value FROM meta WHERE key=?", (BULK_DEFERRED_KEY,)).fetchone()
    deferred: dict[str, str] | None = json.loads(r[0]) if r is not None and r[0] else None
    for name, sql in lean_indexes().items():
        if deferred is not None and name in deferred:
            if sql is None:
                del deferred[name]
            else:
                deferred[name] = sql
            continue
        conn.execute(f'DROP INDEX IF EXISTS "{name}"')
        if sql is not None:
            conn.execute(sql)
    if deferred is not None:
        conn.execute(
            "UPDATE meta SET value=? WHERE key=?", (json.dumps(deferred), BULK_DEFERRED_KEY)
        )


Step = Callable[[sqlite3.Connection], None]

# (version, SQL file or None, Python step or None)
MIGRATIONS: list[tuple[int, str | None, Step | None]] = [
    (1, "0001_initial.sql", None),
    (2, "0002_person_search_key.sql", _backfill_search_keys),
    (3, "0003_sync_state.sql", None),
    (4, "0004_person_search.sql", _person_search),
    (5, "0005_upgrade_log.sql", None),
    (6, "0006_security.sql", _audit_append_only),
    (7, None, _surname_readings),
    (8, "0008_reports.sql", None),
    (9, "0009_person_decision.sql", None),
    (10, None, _lean_indexes),
]
LATEST = MIGRATIONS[-1][0]


class SchemaTooNewError(StoreError):
    """The store was written by a newer program (its schema is unknown here)."""

    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"store schema {found} is newer than this program's ({supported}); update jsxclient"
        )
        self.found = found
        self.supported = supported


def latest() -> int:
    """The newest schema version this program knows (read at call time, so a
    test can append a migration)."""
    return MIGRATIONS[-1][0]


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    target: int | None = None,
    *,
    before_commit: Callable[[sqlite3.Connection, int, int], None] | None = None,
) -> int:
    """Bring the store to `target` (default: the newest) in one transaction;
    returns the version it started at. `before_commit(conn, start, target)`
    runs inside that transaction after the last step (the upgrade log).

    Foreign-key enforcement is off while the steps run, as SQLite's procedure
    for rebuilding a table asks (it cannot change inside a transaction), and
    `foreign_key_check` must come back empty before anything is committed.
    """
    goal = latest() if target is None else target
    fk = int(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read under the write lock: another process may have upgraded
            # the store while this one waited for it.
            start = schema_version(conn)
            if start > latest():
                raise SchemaTooNewError(start, latest())
            for version, filename, step in MIGRATIONS:
                if version <= start or version > goal:
                    continue
                if filename is not None:
                    sql = (
                        resources.files("jsxclient.store.migrations")
                        .joinpath(filename)
                        .read_text("utf-8")
                    )
                    for statement in _statements(sql):
                        conn.execute(statement)
                if step is not None:
                    step(conn)
                conn.execute(f"PRAGMA user_version={version}")
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(f"migration left {len(broken)} broken references: {broken[:3]}")
            if before_commit is not None and goal > start:
                before_commit(conn, start, schema_version(conn))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute(f"PRAGMA foreign_keys={'ON' if fk else 'OFF'}")
    return start


def _statements(sql: str) -> list[str]:
    # executescript would commit implicitly; run statement by statement instead.
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
