"""Versioned schema migrations that keep every row.

Each version is a frozen SQL file in `migrations/` plus an optional Python
step for data (backfills). `migrate` runs the missing ones in order, each in
its own transaction together with the version bump, so a crash leaves the
store at a whole version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

from jsxclient.store.search import pinyin_key


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


def _person_search(conn: sqlite3.Connection) -> None:
    """Triggers that keep person_search (and its FTS index) in step with
    person, then the backfill."""
    upsert = (
        "INSERT INTO person_search(person_id, sort_key, text) "
        f"VALUES (NEW.id, NEW.search_key, {_person_search_text('NEW')}) "
        "ON CONFLICT(person_id) DO UPDATE SET sort_key = excluded.sort_key, "
        "text = excluded.text"
    )
    for sql in (
        f"CREATE TRIGGER person_search_ai AFTER INSERT ON person BEGIN {upsert}; END",
        "CREATE TRIGGER person_search_au AFTER UPDATE OF name, search_key, id_number, mobile "
        f"ON person BEGIN {upsert}; END",
        "CREATE TRIGGER person_search_ad AFTER DELETE ON person "
        "BEGIN DELETE FROM person_search WHERE person_id = OLD.id; END",
        "CREATE TRIGGER person_fts_ai AFTER INSERT ON person_search "
        "BEGIN INSERT INTO person_fts(rowid, text) VALUES (NEW.id, NEW.text); END",
        "CREATE TRIGGER person_fts_ad AFTER DELETE ON person_search BEGIN "
        "INSERT INTO person_fts(person_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text); "
        "END",
        "CREATE TRIGGER person_fts_au AFTER UPDATE ON person_search BEGIN "
        "INSERT INTO person_fts(person_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text); "
        "INSERT INTO person_fts(rowid, text) VALUES (NEW.id, NEW.text); END",
    ):
        conn.execute(sql)
    conn.execute(
        "INSERT INTO person_search(person_id, sort_key, text) "
        f"SELECT p.id, p.search_key, {_person_search_text('p')} FROM person p"
    )


MIGRATIONS: list[tuple[int, str, Callable[[sqlite3.Connection], None] | None]] = [
    (1, "0001_initial.sql", None),
    (2, "0002_person_search_key.sql", _backfill_search_keys),
    (3, "0003_sync_state.sql", None),
    (4, "0004_person_search.sql", _person_search),
]
LATEST = MIGRATIONS[-1][0]


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Bring the store to `target`; returns the version it started at."""
    start = schema_version(conn)
    if start > LATEST:
        raise RuntimeError(
            f"store schema {start} is newer than this program ({LATEST}); update jsxclient"
        )
    for version, filename, step in MIGRATIONS:
        if version <= start or version > target:
            continue
        sql = resources.files("jsxclient.store.migrations").joinpath(filename).read_text("utf-8")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            if step is not None:
                step(conn)
            conn.execute(f"PRAGMA user_version={version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return start


def _statements(sql: str) -> list[str]:
    # executescript would commit implicitly; run statement by statement instead.
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
