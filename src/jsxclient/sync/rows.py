"""Records as the server sends them, written here without journaling.

The stages' writes to the record tables: whole rows from a pulled page,
the fields a merge takes from the server, tombstones and server sequence
numbers. The journal, conflicts and evictions are `jsxclient.store.journal`'s.
None of these opens a transaction: the caller holds one (`BEGIN IMMEDIATE`)
so a batch or page lands whole or not at all.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from jsxclient.store.search import DERIVED, derive_fields
from jsxcore.entities import ENTITIES, EntitySpec


def get_row(conn: sqlite3.Connection, es: EntitySpec, row_id: str) -> dict[str, Any] | None:
    cur = conn.execute(f"SELECT * FROM {es.name} WHERE id=?", (row_id,))
    r = cur.fetchone()
    if r is None:
        return None
    return es.to_wire(dict(zip([d[0] for d in cur.description], r, strict=True)))


def set_fields(
    conn: sqlite3.Connection,
    es: EntitySpec,
    row_id: str,
    values: Mapping[str, Any],
    current: Mapping[str, Any],
) -> None:
    """Write data fields into a local row without journaling (they came from
    the server), recomputing derived columns such as person.search_key."""
    if not values:
        return
    merged = {**current, **values}
    sets = {**values, **derive_fields(es.name, merged)}
    conn.execute(
        f"UPDATE {es.name} SET {','.join(f'{k}=?' for k in sets)} WHERE id=?",
        [*sets.values(), row_id],
    )


@cache
def row_sql(entity: str) -> tuple[str, str, tuple[str, ...]]:
    """INSERT and UPDATE of whole rows from the server, and their columns.

    Not one UPSERT: inside triggers fired by an UPSERT, SQLite overrides the
    trigger's own conflict clause (person_search's INSERT OR REPLACE fails)."""
    es = ENTITIES[entity]
    derived = tuple(derive_fields(entity, {}))
    cols = (
        "id",
        *es.data_fields,
        *derived,
        "updated_at",
        "updated_device",
        "updated_user",
        "server_seq",
        "sync_state",
    )
    insert = f"INSERT INTO {entity}({','.join(cols)}) VALUES({','.join('?' * len(cols))})"
    update = f"UPDATE {entity} SET {','.join(f'{c}=?' for c in cols[1:])} WHERE id=?"
    return insert, update, cols


def write_rows(conn: sqlite3.Connection, entity: str, rows: list[list[Any]]) -> None:
    """Insert or overwrite whole rows (values in `row_sql` column order).

    An overwrite that leaves the columns an ``AFTER UPDATE OF`` trigger
    watches as they are (person's search columns) does not set them, so
    the trigger (and the full-text index behind it) is not run for nothing."""
    insert, update, cols = row_sql(entity)
    watched = _watched(conn, entity)
    by_id = {r[0]: r for r in rows}
    ids = list(by_id)
    have: dict[str, tuple[Any, ...]] = {}
    pick = "".join(f",{c}" for c in watched)
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        have.update(
            (r[0], r[1:])
            for r in conn.execute(
                f"SELECT id{pick} FROM {entity} WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
        )
    if len(have) < len(ids):
        conn.executemany(insert, [r for i, r in by_id.items() if i not in have])
    if not have:
        return
    if not watched:
        conn.executemany(update, [[*r[1:], r[0]] for i, r in by_id.items() if i in have])
        return
    at = [cols.index(c) for c in watched]
    keep = [j for j in range(1, len(cols)) if j not in at]
    full: list[list[Any]] = []
    quiet: list[list[Any]] = []
    for i, r in by_id.items():
        old = have.get(i)
        if old is None:
            continue
        if all(r[j] == v for j, v in zip(at, old, strict=True)):
            quiet.append([*(r[j] for j in keep), i])
        else:
            full.append([*r[1:], i])
    if full:
        conn.executemany(update, full)
    if quiet:
        conn.executemany(
            f"UPDATE {entity} SET {','.join(f'{cols[j]}=?' for j in keep)} WHERE id=?", quiet
        )


@cache
def _upsert_sql(entity: str) -> str:
    insert, _, cols = row_sql(entity)
    return (
        f"{insert} ON CONFLICT(id) DO UPDATE SET {','.join(f'{c}=excluded.{c}' for c in cols[1:])}"
    )


def upsert_rows(conn: sqlite3.Connection, entity: str, rows: list[list[Any]]) -> None:
    """`write_rows` for a bulk load (`jsxclient.store.bulk`): one UPSERT
    each, no look-up first. Only while the bulk load has dropped person's
    search triggers (see `row_sql` for why not otherwise)."""
    conn.executemany(_upsert_sql(entity), rows)


# Derived columns of a table's rows: (index of the value each comes from, how).
_Derived = tuple[tuple[int, Callable[[Any], Any]], ...]


@cache
def table_sql(entity: str, columns: tuple[str, ...]) -> tuple[str, _Derived] | None:
    """`upsert_rows` for the rows of a protocol 3 table exactly as they came
    (`jsxcore.protocol.TABLE_TAIL`): numbered parameters pick each column's
    value out of [id, values..., row stamp, updated_at, updated_device,
    updated_user, seq], the derived columns appended after them; and those
    derived columns as (index of their source value, how). None when this
    version has a data field the table lacks (its default is filled in row
    by row instead); columns this version does not know are passed over."""
    _, _, cols = row_sql(entity)
    n = len(columns)
    at = {"id": 1, **{c: 2 + i for i, c in enumerate(columns)}}
    if any(f not in at for f in ENTITIES[entity].data_fields):
        return None
    derived = DERIVED.get(entity, ())
    at.update({col: n + 7 + j for j, (col, _, _) in enumerate(derived)})
    at.update(updated_at=n + 3, updated_device=n + 4, updated_user=n + 5, server_seq=n + 6)
    values = ",".join(f"?{at[c]}" if c != "sync_state" else "'synced'" for c in cols)
    sql = (
        f"INSERT INTO {entity}({','.join(cols)}) VALUES({values}) "
        f"ON CONFLICT(id) DO UPDATE SET {','.join(f'{c}=excluded.{c}' for c in cols[1:])}"
    )
    return sql, tuple((1 + columns.index(src), how) for _, src, how in derived)


_TRIGGER_OF = re.compile(r"\bAFTER\s+UPDATE\s+OF\s+(.+?)\s+ON\s+\"?(\w+)", re.I | re.S)
_watched_cache: dict[str, tuple[str, ...]] = {}


def _watched(conn: sqlite3.Connection, entity: str) -> tuple[str, ...]:
    """Columns of ``entity`` named by its ``AFTER UPDATE OF`` triggers (the
    schema is this version's: read once per process)."""
    got = _watched_cache.get(entity)
    if got is None:
        cols = set(row_sql(entity)[2])
        names: dict[str, None] = {}
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type='trigger' AND tbl_name=?", (entity,)
        ):
            m = _TRIGGER_OF.search(sql or "")
            if m and m.group(2) == entity:
                names.update(dict.fromkeys(c.strip().strip('"') for c in m.group(1).split(",")))
        if any(c not in cols for c in names):
            names = {}  # a column this update does not write: leave it to the trigger
        got = _watched_cache[entity] = tuple(names)
    return got


@cache
def defaults(entity: str) -> dict[str, Any]:
    return ENTITIES[entity].defaults()


def set_deleted(conn: sqlite3.Connection, entity: str, row_id: str, deleted: bool) -> None:
    conn.execute(f"UPDATE {entity} SET deleted=? WHERE id=?", (deleted, row_id))


def set_server_seq(conn: sqlite3.Connection, entity: str, row_id: str, seq: int) -> None:
    conn.execute(f"UPDATE {entity} SET server_seq=? WHERE id=?", (seq, row_id))


def raise_server_seqs(conn: sqlite3.Connection, entity: str, params: list[tuple[int, str]]) -> None:
    """(seq, row_id) pairs: a row's server_seq only ever grows."""
    conn.executemany(
        f"UPDATE {entity} SET server_seq=max(coalesce(server_seq, 0), ?) WHERE id=?", params
    )
