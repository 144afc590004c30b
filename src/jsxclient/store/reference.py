"""Shipped reference data: Hunan's division codes and the association tree
derived from them."""

from __future__ import annotations

import csv
import gzip
import io
import sqlite3
import uuid
from dataclasses import dataclass
from importlib import resources

from jsxclient.store.store import Store, Tx

_NAMESPACE = uuid.UUID("6f1c7e52-8c1e-4b7a-9a53-0c1b2d9e4a10")

LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None


def read_divisions() -> list[DivisionRow]:
    raw = resources.files("jsxclient.resources").joinpath("divisions-hunan.csv.gz").read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    return [
        DivisionRow(r["code"], r["name"], r["level"], r["parent_code"] or None)
        for r in csv.DictReader(io.StringIO(text))
    ]


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


def scope_prefix(code: str, level: str) -> str:
    """The code prefix that every division inside `code` shares."""
    return code[: LEVEL_DIGITS[level]]


def association_id(division_code: str) -> str:
    """Deterministic: every device and the server derive the same id for the
    association of a division, so deriving the tree twice never duplicates it."""
    return uuid.uuid5(_NAMESPACE, f"association:{division_code}").hex


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


def association_tree(conn: sqlite3.Connection, township_code: str) -> list[dict[str, str | None]]:
    """The township's association and one per village, as record values."""
    town = division(conn, township_code)
    if town is None or town.level != "township":
        raise ValueError(f"{township_code} is not a township code")
    town_id = association_id(town.code)
    out = [
        dict(
            id=town_id,
            division_code=town.code,
            name=f"{town.name}计划生育协会",
            level="township",
            parent_id=None,
        )
    ]
    for v in villages_of(conn, township_code):
        out.append(
            dict(
                id=association_id(v.code),
                division_code=v.code,
                name=f"{v.name}计划生育协会",
                level="village",
                parent_id=town_id,
            )
        )
    return out


def derive_associations(tx: Tx, township_code: str) -> int:
    """Create the missing associations of a township through the journaled
    write path; returns how many were created."""
    created = 0
    for values in association_tree(tx.conn, township_code):
        if tx.get("association", str(values["id"])) is None:
            tx.insert("association", values)
            created += 1
    return created


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
