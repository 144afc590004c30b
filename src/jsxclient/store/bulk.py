"""Indexes built in one pass after a bulk load (a bootstrap).

A bootstrap writes up to hundreds of thousands of rows. Kept current row by
row, the record tables' secondary indexes, person_search and its trigram FTS
index cost more than the rows themselves; built once at the end from the
finished tables they cost a fraction. So a bootstrap *defers* them: in the
transaction of its first page it drops the triggers that keep person_search
in step with person and the secondary indexes of the record tables, and
keeps their SQL in the meta table (`DEFERRED_KEY`); the rows of every page
then go into bare tables; and when the last page is in, `rebuild` creates
the indexes again and fills person_search and its FTS index from person, in
one transaction that also puts the triggers back and clears the key.

Whatever stops a bootstrap in between (a crash, a cancel, no network) leaves
the key set: opening the store (`Store.__init__`) or the end of the
bootstrap's next run rebuilds them then, so a worker never searches a store
whose index lags its rows for longer than the bootstrap itself. Unique
indexes are never dropped (they are constraints, not lookups).
"""

from __future__ import annotations

import json
import sqlite3

from jsxclient.store.schema import BULK_DEFERRED_KEY, fill_person_search, person_search_triggers
from jsxcore.entities import ENTITIES

DEFERRED_KEY = BULK_DEFERRED_KEY

# The triggers on person itself; those on person_search (its FTS index)
# stay: nothing writes person_search while the index is deferred.
_ROW_TRIGGERS = ("person_search_ai", "person_search_au", "person_search_ad")

# FTS5's pending-terms limit (bytes): its default, and while the rebuild
# fills the index (a cap, not an allocation).
_FTS_HASH = 1024 * 1024
_FTS_BULK_HASH = 64 * 1024 * 1024


def deferred(conn: sqlite3.Connection) -> bool:
    r = conn.execute("SELECT 1 FROM meta WHERE key=?", (DEFERRED_KEY,)).fetchone()
    return r is not None


def defer(conn: sqlite3.Connection) -> None:
    """Stop keeping the indexes current (inside the caller's transaction)."""
    if deferred(conn):
        return
    tables = sorted(ENTITIES)
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({','.join('?' * len(tables))}) "
        "AND upper(substr(sql, 1, 13)) = 'CREATE INDEX '",
        tables,
    ).fetchall()
    conn.execute(
        "INSERT INTO meta(key, value) VALUES(?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
        (DEFERRED_KEY, json.dumps({name: sql for name, sql in indexes})),
    )
    for name in _ROW_TRIGGERS:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    for name, _ in indexes:
        conn.execute(f'DROP INDEX IF EXISTS "{name}"')


def rebuild(conn: sqlite3.Connection) -> None:
    """The deferred indexes back, person_search and its FTS index filled
    from person in one pass, and the triggers back (inside the caller's
    transaction)."""
    r = conn.execute("SELECT value FROM meta WHERE key=?", (DEFERRED_KEY,)).fetchone()
    indexes: dict[str, str] = json.loads(r[0]) if r is not None and r[0] else {}
    have = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    for name, sql in indexes.items():
        if name not in have:
            conn.execute(sql)
    triggers = person_search_triggers()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    conn.execute("DELETE FROM person_search")
    # Its own index too is built faster from the full table than row by row.
    walk = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='person_search' "
        "AND upper(substr(sql, 1, 13)) = 'CREATE INDEX '"
    ).fetchall()
    for name, _ in walk:
        conn.execute(f'DROP INDEX "{name}"')
    fill_person_search(conn, ordered=True)
    for _, sql in walk:
        conn.execute(sql)
    # FTS5 flushes its pending terms to a new segment each time they pass
    # `hashsize` (1 MB), and merges the segments as it goes: with room for
    # the whole table it writes the index once.
    conn.execute(f"INSERT INTO person_fts(person_fts, rank) VALUES('hashsize', {_FTS_BULK_HASH})")
    conn.execute("INSERT INTO person_fts(person_fts) VALUES('rebuild')")
    conn.execute(f"INSERT INTO person_fts(person_fts, rank) VALUES('hashsize', {_FTS_HASH})")
    for _, sql in triggers:
        conn.execute(sql)
    conn.execute("DELETE FROM meta WHERE key=?", (DEFERRED_KEY,))


def finish(conn: sqlite3.Connection) -> bool:
    """Rebuild what a bulk load deferred, in a transaction of its own;
    whether there was anything to rebuild."""
    if not deferred(conn):
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another connection may have
        # finished it meanwhile.
        if deferred(conn):
            rebuild(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True
