"""Reference data in the local store: Hunan's division codes and the
township's association tree derived from them (`jsxcore.divisions`)."""

from __future__ import annotations

import sqlite3

from jsxclient.store.store import Store, Tx
from jsxcore.divisions import DivisionRow, association_tree, read_divisions


def load_divisions(conn: sqlite3.Connection, rows: list[DivisionRow] | None = None) -> int:
    """Insert or refresh the division table; returns the number of rows."""
    rows = rows if rows is not None else read_divisions()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "INSERT INTO division(code, name, level, parent_code) VALUES(?,?,?,?) "
            "ON CONFLICT(code) DO UPDATE SET name=excluded.name, level=excluded.level, "
            "parent_code=excluded.parent_code",
            [(r.code, r.name, r.level, r.parent_code) for r in rows],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(rows)


def division(conn: sqlite3.Connection, code: str) -> DivisionRow | None:
    r = conn.execute(
        "SELECT code, name, level, parent_code FROM division WHERE code=?", (code,)
    ).fetchone()
    return None if r is None else DivisionRow(*r)


def villages_of(conn: sqlite3.Connection, township_code: str) -> list[DivisionRow]:
    return [
        DivisionRow(*r)
        for r in conn.execute(
            "SELECT code, name, level, parent_code FROM division WHERE parent_code=? ORDER BY code",
            (township_code,),
        )
    ]


def township_associations(
    conn: sqlite3.Connection, township_code: str
) -> list[dict[str, str | None]]:
    """The township's association and one per village, as record values."""
    town = division(conn, township_code)
    if town is None:
        raise ValueError(f"{township_code} is not a township code")
    return association_tree(town, villages_of(conn, township_code))


def derive_associations(tx: Tx, township_code: str) -> int:
    """Create the missing associations of a township, as rows derived alike
    everywhere (`Tx.insert_derived`: not journaled, nobody's edit); returns
    how many were created."""
    missing = [
        values
        for values in township_associations(tx.conn, township_code)
        if tx.get("association", str(values["id"])) is None
    ]
    return len(tx.insert_derived("association", missing))


def init_township(store: Store, township_code: str) -> int:
    """First run for a township: reference data, then its association tree."""
    conn = store.db.connection()
    if conn.execute("SELECT count(*) FROM division").fetchone()[0] == 0:
        load_divisions(conn)
    existing = store.township_code
    if existing and existing != township_code:
        raise ValueError(f"this store belongs to township {existing}")
    if division(conn, township_code) is None:
        raise ValueError(f"unknown township code {township_code}")
    with store.transaction() as tx:
        store.set_meta("township_code", township_code, tx.conn)
        return derive_associations(tx, township_code)
