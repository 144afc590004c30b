"""The sync engine's view of the local journal, rows and conflicts.

Helpers shared by the stages. None of them opens a transaction: the caller
holds one (`BEGIN IMMEDIATE`) so a batch or page lands whole or not at all.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsxclient.store.search import derive_fields
from jsxclient.store.store import now_text
from jsxcore.entities import ENTITIES, EntitySpec
from jsxcore.merge import MISSING

Key = tuple[str, str]  # (entity, row_id)

OPEN_STATES = ("pending", "rejected")
SUPERSEDED = "superseded"  # result of an entry a pull made moot
DISCARDED = "discarded"  # result of a rejected entry the worker gave up


@dataclass
class Entry:
    seq: int
    change_id: str
    entity: str
    row_id: str
    op: str
    fields: dict[str, Any]
    old: dict[str, Any]
    hlc: str
    device: str
    user: str
    state: str
    batch_id: str | None = None
    dirty: bool = field(default=False, compare=False)

    @property
    def key(self) -> Key:
        return (self.entity, self.row_id)


_ENTRY_COLS = "seq, change_id, entity, row_id, op, fields, old, hlc, device, user, state, batch_id"


def _entry(r: tuple[Any, ...]) -> Entry:
    return Entry(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        json.loads(r[5]),
        json.loads(r[6]),
        r[7],
        r[8],
        r[9],
        r[10],
        r[11],
    )


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def open_keys(conn: sqlite3.Connection) -> set[Key]:
    """Rows with pending or rejected entries: a pull must merge, not overwrite."""
    return {
        (e, r)
        for e, r in conn.execute(
            "SELECT DISTINCT entity, row_id FROM journal WHERE state IN ('pending','rejected')"
        )
    }


def open_entries(conn: sqlite3.Connection, key: Key) -> list[Entry]:
    return [
        _entry(r)
        for r in conn.execute(
            f"SELECT {_ENTRY_COLS} FROM journal WHERE entity=? AND row_id=? "
            "AND state IN ('pending','rejected') ORDER BY seq",
            key,
        )
    ]


def entries_where(conn: sqlite3.Connection, where: str, params: Iterable[Any] = ()) -> list[Entry]:
    return [
        _entry(r)
        for r in conn.execute(
            f"SELECT {_ENTRY_COLS} FROM journal WHERE {where} ORDER BY seq", tuple(params)
        )
    ]


def save_entry(conn: sqlite3.Connection, e: Entry) -> None:
    """Persist an entry a merge rewrote (fields dropped, base rebased); one
    left with nothing to say is closed as superseded."""
    if not e.fields:
        close_entry(conn, e, SUPERSEDED)
        return
    conn.execute(
        "UPDATE journal SET fields=?, old=? WHERE seq=?", (dumps(e.fields), dumps(e.old), e.seq)
    )


def close_entry(conn: sqlite3.Connection, e: Entry, result: str) -> None:
    # 'acked' with a local result: it never needs to reach the server.
    conn.execute(
        "UPDATE journal SET state='acked', result=?, acked_at=?, fields=?, old=? WHERE seq=?",
        (result, now_text(), dumps(e.fields), dumps(e.old), e.seq),
    )
    e.state = "acked"


def open_conflict_keys(conn: sqlite3.Connection) -> set[Key]:
    return {
        (e, r)
        for e, r in conn.execute(
            "SELECT DISTINCT entity, row_id FROM conflict WHERE resolved_at IS NULL"
        )
    }


def record_conflict(
    conn: sqlite3.Connection,
    key: Key,
    fld: str,
    base: Any,
    mine: Any,
    theirs: Any,
    winner: str,
    mine_hlc: str | None,
    theirs_hlc: str | None,
    theirs_device: str | None,
) -> None:
    """Keep both sides of a field conflict until the worker confirms or flips it."""
    conn.execute(
        "INSERT INTO conflict(entity, row_id, field, base, mine, theirs, winner, mine_hlc, "
        "theirs_hlc, theirs_device, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
        (
            key[0],
            key[1],
            fld,
            dumps(None if base is MISSING else base),
            dumps(mine),
            dumps(theirs),
            winner,
            mine_hlc,
            theirs_hlc,
            theirs_device,
            now_text(),
        ),
    )


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


_STATE_SQL = (
    "UPDATE {t} SET sync_state = CASE "
    "WHEN EXISTS(SELECT 1 FROM journal j WHERE j.entity=?1 AND j.row_id=?2 "
    "AND j.state='rejected') THEN 'rejected' "
    "WHEN EXISTS(SELECT 1 FROM conflict c WHERE c.resolved_at IS NULL AND c.entity=?1 "
    "AND c.row_id=?2) THEN 'conflict' "
    "WHEN EXISTS(SELECT 1 FROM journal j WHERE j.entity=?1 AND j.row_id=?2 "
    "AND j.state='pending') THEN 'pending' "
    "ELSE 'synced' END WHERE id=?2"
)


def refresh_sync_state(conn: sqlite3.Connection, keys: Iterable[Key]) -> None:
    """rejected > conflict > pending > synced: the most urgent thing the
    worker should see about the row."""
    by_entity: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entity, row_id in keys:
        by_entity[entity].append((entity, row_id))
    for entity, params in by_entity.items():
        conn.executemany(_STATE_SQL.format(t=entity), params)


def evict_ready(conn: sqlite3.Connection) -> int:
    """Drop rows that left the scope once nothing of theirs is left to push."""
    gone = conn.execute(
        "SELECT entity, row_id FROM sync_evict v WHERE NOT EXISTS (SELECT 1 FROM journal j "
        "WHERE j.entity=v.entity AND j.row_id=v.row_id AND j.state IN ('pending','rejected'))"
    ).fetchall()
    for entity, row_id in gone:
        hard_delete(conn, entity, row_id)
    return len(gone)


def hard_delete(conn: sqlite3.Connection, entity: str, row_id: str) -> None:
    """Not a tombstone: the row still exists on the server, just not here."""
    conn.execute(f"DELETE FROM {entity} WHERE id=?", (row_id,))
    conn.execute("DELETE FROM sync_evict WHERE entity=? AND row_id=?", (entity, row_id))
    conn.execute(
        "UPDATE conflict SET resolved_at=?, resolution='moved' "
        "WHERE entity=? AND row_id=? AND resolved_at IS NULL",
        (now_text(), entity, row_id),
    )
