"""Unsynced work carried across a restore.

A backup is older than the store it replaces: changes saved since and not
yet acknowledged by the server would be lost with the replaced file (they
live only in its `*.before-restore-*` copy). Before the file is replaced,
`read_work` takes from it every open journal entry (pending, refused, or in
a batch whose reply never came), the rows they belong to and the rows those
refer to, and the open conflicts; `replay` then writes them into the
restored store under their own change ids, so:

- an entry the restored store lacks is appended (with its batch id: a batch
  whose reply was lost is sent again as it was, and the server answers it
  from its log, never applying it twice);
- an entry both hold takes the replaced store's later state (a merge may
  have rebased it, the server may have acknowledged it since the backup);
- the rows take the replaced store's values, which hold those edits;
- where the restored store holds an unsent edit of a field that the
  replaced store did not (another copy's history), the carried value stands
  and both are kept as a conflict for the worker.

The pull of the next sync starts from the backup's older cursor and brings
whatever the server acknowledged meanwhile; rows with carried entries merge
as always.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from jsxclient.store import journal
from jsxcore.entities import ENTITIES

Key = tuple[str, str]
_OPEN = ("pending", "rejected")


@dataclass
class Work:
    """What the replaced store holds that the server may not have."""

    township: str | None
    hlc: str | None
    server_seq: int  # the latest server seq the replaced store had seen
    entries: list[dict[str, Any]]  # journal rows, oldest first
    rows: dict[Key, dict[str, Any]]  # full rows: of the entries, and what they refer to
    conflicts: list[dict[str, Any]]  # open conflicts
    states: dict[str, dict[str, Any]] = field(default_factory=dict)  # closed entries by change id


@dataclass(frozen=True)
class Replayed:
    entries: int = 0  # carried into the restored store, which did not hold them
    conflicts: int = 0  # recorded where the restored store had its own unsent edit


def _dicts(cur: sqlite3.Cursor) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _row(conn: sqlite3.Connection, entity: str, row_id: str) -> dict[str, Any] | None:
    found = _dicts(conn.execute(f"SELECT * FROM {entity} WHERE id=?", (row_id,)))
    return found[0] if found else None


def read_work(conn: sqlite3.Connection) -> Work:
    """The open work of the store on `conn` (read only)."""
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    entries = _dicts(
        conn.execute("SELECT * FROM journal WHERE state IN ('pending','rejected') ORDER BY seq")
    )
    rows: dict[Key, dict[str, Any]] = {}
    todo = [(e["entity"], e["row_id"]) for e in entries]
    while todo:  # the rows of the entries, and the rows they refer to
        key = todo.pop()
        if key in rows or key[0] not in ENTITIES:
            continue
        r = _row(conn, *key)
        if r is None:
            continue
        rows[key] = r
        for fld, target in ENTITIES[key[0]].references.items():
            if r.get(fld):
                todo.append((target, str(r[fld])))
    conflicts = _dicts(conn.execute("SELECT * FROM conflict WHERE resolved_at IS NULL"))
    states = {
        r["change_id"]: r
        for r in _dicts(
            conn.execute(
                "SELECT change_id, state, result, reason, server_seq, acked_at FROM journal "
                "WHERE state='acked'"
            )
        )
    }
    return Work(
        meta.get("township_code"),
        meta.get("hlc"),
        int(meta.get("server_seq") or 0),
        entries,
        rows,
        conflicts,
        states,
    )


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _put_row(conn: sqlite3.Connection, entity: str, values: dict[str, Any]) -> None:
    """Insert or overwrite a row (not an UPSERT: see `sync.rows.row_sql`)."""
    cols = [c for c in _columns(conn, entity) if c in values]
    if conn.execute(f"SELECT 1 FROM {entity} WHERE id=?", (values["id"],)).fetchone():
        sets = [c for c in cols if c != "id"]
        conn.execute(
            f"UPDATE {entity} SET {','.join(f'{c}=?' for c in sets)} WHERE id=?",
            [*(values[c] for c in sets), values["id"]],
        )
    else:
        conn.execute(
            f"INSERT INTO {entity}({','.join(cols)}) VALUES({','.join('?' * len(cols))})",
            [values[c] for c in cols],
        )


def replay(conn: sqlite3.Connection, work: Work) -> Replayed:
    """Write `work` into the (restored) store on `conn`, in the caller's
    transaction."""
    jcols = [c for c in _columns(conn, "journal") if c != "seq"]
    ours = {
        r["change_id"]: r
        for r in _dicts(conn.execute("SELECT * FROM journal WHERE state IN ('pending','rejected')"))
    }
    carried_ids = {e["change_id"] for e in work.entries}
    # The restored store's open entries the replaced store has closed since
    # (acknowledged, given up, made moot): closed here too.
    for cid in set(ours) - carried_ids:
        closed = work.states.get(cid)
        if closed is not None:
            conn.execute(
                "UPDATE journal SET state=?, result=?, reason=?, server_seq=?, acked_at=? "
                "WHERE change_id=?",
                (
                    closed["state"],
                    closed["result"],
                    closed["reason"],
                    closed["server_seq"],
                    closed["acked_at"],
                    cid,
                ),
            )
            ours.pop(cid)
    # Unsent edits only the restored store holds: a carried edit of the same
    # field is a conflict the worker should see.
    theirs: dict[tuple[str, str, str], tuple[Any, str]] = {}
    for r in ours.values():
        if r["change_id"] in carried_ids or r["op"] == "delete":
            continue
        for f, v in json.loads(r["fields"]).items():
            theirs[(r["entity"], r["row_id"], f)] = (v, r["hlc"])
    conflicts = appended = 0
    for e in work.entries:
        if e["change_id"] in ours:
            sets = [c for c in jcols if c != "change_id"]
            conn.execute(
                f"UPDATE journal SET {','.join(f'{c}=?' for c in sets)} WHERE change_id=?",
                [*(e.get(c) for c in sets), e["change_id"]],
            )
        else:
            conn.execute(
                f"INSERT INTO journal({','.join(jcols)}) VALUES({','.join('?' * len(jcols))})",
                [e.get(c) for c in jcols],
            )
            appended += 1
        if e["op"] == "delete":
            continue
        old = json.loads(e["old"])
        for f, v in json.loads(e["fields"]).items():
            other = theirs.pop((e["entity"], e["row_id"], f), None)
            if other is None or other[0] == v:
                continue
            journal.record_conflict(
                conn,
                (e["entity"], e["row_id"]),
                f,
                old.get(f),
                v,
                other[0],
                "mine",  # sent after it, so it stands, as the row shows
                e["hlc"],
                other[1],
                None,
            )
            conflicts += 1
    for (entity, _row_id), row in work.rows.items():
        _put_row(conn, entity, row)
    have = {
        (r["entity"], r["row_id"], r["field"], r["created_at"])
        for r in _dicts(conn.execute("SELECT * FROM conflict"))
    }
    ccols = [c for c in _columns(conn, "conflict") if c != "id"]
    for c in work.conflicts:
        if (c["entity"], c["row_id"], c["field"], c["created_at"]) in have:
            continue
        conn.execute(
            f"INSERT INTO conflict({','.join(ccols)}) VALUES({','.join('?' * len(ccols))})",
            [c.get(k) for k in ccols],
        )
    journal.refresh_sync_state(conn, work.rows)
    if work.hlc:
        conn.execute(
            "INSERT INTO meta(key, value) VALUES('hlc', ?) ON CONFLICT(key) DO UPDATE "
            "SET value=max(value, excluded.value)",
            (work.hlc,),
        )
    return Replayed(appended, conflicts)


def raise_own_after(conn: sqlite3.Connection, work: Work) -> None:
    """Rows the replaced store pushed after the backup are not all in the
    restored one: its pulls must bring them back rather than leave them out
    as this device's own (`journal.OWN_AFTER_KEY`)."""
    if work.server_seq:
        conn.execute(
            "UPDATE meta SET value=max(CAST(value AS INTEGER), ?) WHERE key=?",
            (work.server_seq, journal.OWN_AFTER_KEY),
        )


def missing(conn: sqlite3.Connection, work: Work) -> dict[str, int]:
    """Per entity, the open changes of `work` the store on `conn` does not
    hold: what a restore that does not carry them over drops."""
    have = {r[0] for r in conn.execute("SELECT change_id FROM journal")}
    out: dict[str, int] = {}
    for e in work.entries:
        if e["change_id"] not in have:
            out[e["entity"]] = out.get(e["entity"], 0) + 1
    return out
