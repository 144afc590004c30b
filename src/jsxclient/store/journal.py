"""The sync bookkeeping tables and every statement over them: the change
journal, field conflicts, the rows waiting to leave the scope (`sync_evict`)
and the receipts of sync runs; also each record's `sync_state`, which is
derived from the journal and the conflicts.

The store's write path appends entries here, the sync stages move them
through their states, and the read models count them. None of these
functions opens a transaction: the caller holds one where writes must land
together (a pushed batch's reply, a pulled page).

Entry states: `pending` until the server answers; then `acked` (kept as
history, `result` says how) or `rejected` (kept with the server's reason
until the worker resends or discards it).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import orjson

from jsxclient.store.db import now_text
from jsxcore.divisions import is_derived_row
from jsxcore.merge import MISSING

Key = tuple[str, str]  # (entity, row_id)

# Meta key: the seq after which every row this device wrote last is held
# here. Set at the first change this store wrote on the server (changes of
# the same device id before it, a reinstall, are not here); raised by a
# restore to what the replaced store had seen. Pulls leave those rows out:
# they would only echo them back.
OWN_AFTER_KEY = "sync_own_after"

SUPERSEDED = "superseded"  # result of an entry a pull made moot
DISCARDED = "discarded"  # result of a rejected entry the worker gave up


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- entries ------------------------------------------------------------------------


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


def _loads(text: str) -> Any:
    """JSON text the journal holds: orjson (a push reads thousands), or the
    standard decoder for what orjson would not read exactly or refuses:
    orjson reads an integer beyond 64 bits as a float, so a value with any
    float in it is read again (searching the text for long numbers first
    cost more than reading it)."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
    return value if _no_float(value) else json.loads(text)


def _no_float(value: Any) -> bool:
    if type(value) is dict:
        value = value.values()
    elif type(value) is not list:
        return type(value) is not float
    for v in value:
        t = type(v)
        if t is float or ((t is dict or t is list) and not _no_float(v)):
            return False
    return True


def _entry(r: tuple[Any, ...]) -> Entry:
    return Entry(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        _loads(r[5]),
        {} if r[6] == "{}" else _loads(r[6]),  # an insert's: the most common by far
        r[7],
        r[8],
        r[9],
        r[10],
        r[11],
    )


def _entries(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> list[Entry]:
    return [
        _entry(r)
        for r in conn.execute(
            f"SELECT {_ENTRY_COLS} FROM journal WHERE {where} ORDER BY seq", params
        )
    ]


def entries_where(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> list[Entry]:
    """Entries matching an SQL condition over the journal's columns."""
    return _entries(conn, where, params)


#: A new entry: change_id, entity, row_id, op, fields and old (JSON text),
#: hlc, device, user, created_at.
NewEntry = tuple[str, str, str, str, str, str, str, str, str, str]


def append(conn: sqlite3.Connection, entries: Sequence[NewEntry]) -> None:
    """Append pending entries (the store's write path, one executemany for
    a bulk insert)."""
    conn.executemany(
        "INSERT INTO journal(change_id, entity, row_id, op, fields, old, hlc, device, "
        "user, created_at, state) VALUES(?,?,?,?,?,?,?,?,?,?, 'pending')",
        entries,
    )


def open_keys(conn: sqlite3.Connection) -> set[Key]:
    """Rows with pending or rejected entries: a pull must merge, not overwrite."""
    return {
        (e, r)
        for e, r in conn.execute(
            "SELECT DISTINCT entity, row_id FROM journal WHERE state IN ('pending','rejected')"
        )
    }


def open_entries(conn: sqlite3.Connection, key: Key) -> list[Entry]:
    """A row's pending and rejected entries, oldest first."""
    return _entries(conn, "entity=? AND row_id=? AND state IN ('pending','rejected')", key)


def pending_entries(conn: sqlite3.Connection, seqs: Sequence[int]) -> list[Entry]:
    """Those of `seqs` still pending, in journal order."""
    return _entries(conn, f"seq IN ({','.join('?' * len(seqs))}) AND state='pending'", seqs)


def rejected_entry(conn: sqlite3.Connection, seq: int) -> Entry | None:
    found = _entries(conn, "seq=? AND state='rejected'", (seq,))
    return found[0] if found else None


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


DERIVED = "derived"  # result of an insert of a derived row: never sent


def unsent_inserts(conn: sqlite3.Connection, entity: str) -> list[Entry]:
    """Inserts of `entity` not in a batch on the way: pending or refused."""
    return _entries(
        conn,
        "entity=? AND op='insert' AND state IN ('pending','rejected') "
        "AND (batch_id IS NULL OR state='rejected')",
        (entity,),
    )


def rewrite_as_update(conn: sqlite3.Connection, e: Entry) -> None:
    """An insert turned into an update of the row it met (its base in `old`)."""
    conn.execute(
        "UPDATE journal SET op='update', fields=?, old=? WHERE seq=?",
        (dumps(e.fields), dumps(e.old), e.seq),
    )
    e.op = "update"


# -- counts -------------------------------------------------------------------------


def _count(conn: sqlite3.Connection, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0])


def pending_count(conn: sqlite3.Connection) -> int:
    return _count(conn, "SELECT count(*) FROM journal WHERE state='pending'")


def pending_by_entity(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(
        conn.execute("SELECT entity, count(*) FROM journal WHERE state='pending' GROUP BY entity")
    )


def has_pending(conn: sqlite3.Connection) -> bool:
    r = conn.execute("SELECT 1 FROM journal WHERE state='pending' LIMIT 1").fetchone()
    return r is not None


def rejected_count(conn: sqlite3.Connection) -> int:
    return _count(conn, "SELECT count(*) FROM journal WHERE state='rejected'")


def in_flight_count(conn: sqlite3.Connection) -> int:
    """Entries sent in a batch whose reply never came."""
    return _count(
        conn, "SELECT count(*) FROM journal WHERE state='pending' AND batch_id IS NOT NULL"
    )


def has_in_flight(conn: sqlite3.Connection) -> bool:
    r = conn.execute(
        "SELECT 1 FROM journal WHERE state='pending' AND batch_id IS NOT NULL LIMIT 1"
    ).fetchone()
    return r is not None


# -- push batches -------------------------------------------------------------------


def in_flight_batches(conn: sqlite3.Connection) -> list[list[tuple[int, str]]]:
    """The (seq, entity) of each batch sent without a reply, oldest batch first."""
    return [
        conn.execute(
            "SELECT seq, entity FROM journal WHERE batch_id=? AND state='pending'", (batch_id,)
        ).fetchall()
        for (batch_id,) in conn.execute(
            "SELECT batch_id FROM journal WHERE state='pending' AND batch_id IS NOT NULL "
            "GROUP BY batch_id ORDER BY min(seq)"
        ).fetchall()
    ]


def unsent(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """The (seq, entity) of pending entries not yet in a batch."""
    return conn.execute(
        "SELECT seq, entity FROM journal WHERE state='pending' AND batch_id IS NULL"
    ).fetchall()


def assign_batch(conn: sqlite3.Connection, batch_id: str, seqs: Iterable[int]) -> None:
    # One statement over the seqs (a JSON array): half the CPU of a statement a row.
    conn.execute(
        "UPDATE journal SET batch_id=? WHERE seq IN (SELECT value FROM json_each(?))",
        (batch_id, orjson.dumps(list(seqs)).decode()),
    )


def unassign_batch(conn: sqlite3.Connection, batch_id: str) -> None:
    conn.execute(
        "UPDATE journal SET batch_id=NULL WHERE batch_id=? AND state='pending'", (batch_id,)
    )


def waiting_for_reply(conn: sqlite3.Connection, batch_id: str, seqs: Sequence[int]) -> set[int]:
    """Those of `seqs` still pending in batch `batch_id`."""
    return {
        s
        for (s,) in conn.execute(
            "SELECT seq FROM journal WHERE state='pending' AND batch_id=? "
            f"AND seq IN ({','.join('?' * len(seqs))})",
            [batch_id, *seqs],
        )
    }


def ack(conn: sqlite3.Connection, rows: Sequence[tuple[str, int | None, str, int]]) -> None:
    """Entries the server took: (result, server_seq, acked_at, seq) each.
    One statement for the entries of a result and time (a JSON object
    {seq: server_seq}): a statement a row cost half again as much CPU."""
    groups: dict[tuple[str, str], dict[int, int | None]] = defaultdict(dict)
    for result, server_seq, acked_at, seq in rows:
        groups[result, acked_at][seq] = server_seq
    for (result, acked_at), seqs in groups.items():
        ack_seqs(conn, result, acked_at, seqs)


def ack_seqs(
    conn: sqlite3.Connection, result: str, acked_at: str, seqs: dict[int, int | None]
) -> None:
    """Entries the server took with the same result: {seq: server_seq}."""
    conn.execute(
        "UPDATE journal SET state='acked', result=?, server_seq=v.value, reason=NULL, "
        "acked_at=? FROM json_each(?) v WHERE journal.seq = CAST(v.key AS INTEGER)",
        (result, acked_at, orjson.dumps(seqs, option=orjson.OPT_NON_STR_KEYS).decode()),
    )


def mark_rejected(
    conn: sqlite3.Connection,
    seq: int,
    code: str,
    zh: str | None,
    en: str | None,
    fld: str | None,
) -> None:
    reason = json.dumps(
        {
            "code": code,
            "zh": zh or "服务器拒绝了此更改",
            "en": en or "The server refused this change",
            "field": fld,
        },
        ensure_ascii=False,
    )
    conn.execute(
        "UPDATE journal SET state='rejected', result='rejected', reason=?, acked_at=? WHERE seq=?",
        (reason, now_text(), seq),
    )


def requeue(conn: sqlite3.Connection, e: Entry, change_id: str) -> None:
    """A rejected entry pending again, with its (edited) fields under a new change id."""
    conn.execute(
        "UPDATE journal SET state='pending', result=NULL, reason=NULL, acked_at=NULL, "
        "batch_id=NULL, change_id=?, fields=?, old=?, hlc=? WHERE seq=?",
        (change_id, dumps(e.fields), dumps(e.old), e.hlc, e.seq),
    )


# -- rejected changes ---------------------------------------------------------------


@dataclass(frozen=True)
class RejectedChange:
    seq: int
    change_id: str
    entity: str
    row_id: str
    op: str
    fields: dict[str, Any]
    old: dict[str, Any]
    created_at: str
    code: str
    zh: str
    en: str
    field: str | None

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


def _parse_reason(raw: str | None) -> dict[str, Any]:
    try:
        d = json.loads(raw or "")
        return d if isinstance(d, dict) else {"zh": str(d), "en": str(d)}
    except ValueError:
        return {"zh": raw or "", "en": raw or ""}


def rejected_changes(
    conn: sqlite3.Connection, entity: str | None = None, row_id: str | None = None
) -> list[RejectedChange]:
    where, params = ["state='rejected'"], []
    if entity is not None:
        where.append("entity=?")
        params.append(entity)
    if row_id is not None:
        where.append("row_id=?")
        params.append(row_id)
    out = []
    for r in conn.execute(
        "SELECT seq, change_id, entity, row_id, op, fields, old, created_at, reason "
        f"FROM journal WHERE {' AND '.join(where)} ORDER BY seq",
        params,
    ):
        reason = _parse_reason(r[8])
        out.append(
            RejectedChange(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                json.loads(r[5]),
                json.loads(r[6]),
                r[7],
                str(reason.get("code") or "rejected"),
                str(reason.get("zh") or ""),
                str(reason.get("en") or ""),
                reason.get("field"),
            )
        )
    return out


# -- conflicts ----------------------------------------------------------------------

Side = Literal["mine", "theirs"]


@dataclass(frozen=True)
class Conflict:
    id: int
    entity: str
    row_id: str
    field: str
    base: Any
    mine: Any  # this device's value
    theirs: Any  # the other side's value
    winner: Side
    mine_hlc: str | None
    theirs_hlc: str | None
    theirs_device: str | None
    created_at: str

    @property
    def kept(self) -> Any:
        return self.mine if self.winner == "mine" else self.theirs

    @property
    def lost(self) -> Any:
        return self.theirs if self.winner == "mine" else self.mine


_CONFLICT_COLS = (
    "id, entity, row_id, field, base, mine, theirs, winner, mine_hlc, theirs_hlc, "
    "theirs_device, created_at"
)


def _load(v: str | None) -> Any:
    return None if v is None else json.loads(v)


def _conflict(r: tuple[Any, ...]) -> Conflict:
    return Conflict(
        r[0],
        r[1],
        r[2],
        r[3],
        _load(r[4]),
        _load(r[5]),
        _load(r[6]),
        r[7],
        r[8],
        r[9],
        r[10],
        r[11],
    )


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
) -> int:
    """Keep both sides of a field conflict until the worker confirms or flips
    it; returns its id."""
    cur = conn.execute(
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
    return int(cur.lastrowid or 0)


def has_open_conflict(
    conn: sqlite3.Connection, key: Key, fld: str, mine: Any, theirs: Any, winner: str
) -> bool:
    """The same conflict is open already (a lost delete a pull recorded,
    which the push of the winning edit reports again)."""
    return (
        conn.execute(
            "SELECT 1 FROM conflict WHERE resolved_at IS NULL AND entity=? AND row_id=? "
            "AND field=? AND mine=? AND theirs=? AND winner=?",
            (key[0], key[1], fld, dumps(mine), dumps(theirs), winner),
        ).fetchone()
        is not None
    )


def open_conflicts(
    conn: sqlite3.Connection, entity: str | None = None, row_id: str | None = None
) -> list[Conflict]:
    """Unresolved conflicts, in the order they were recorded."""
    where, params = ["resolved_at IS NULL"], []
    if entity is not None:
        where.append("entity=?")
        params.append(entity)
    if row_id is not None:
        where.append("row_id=?")
        params.append(row_id)
    return [
        _conflict(r)
        for r in conn.execute(
            f"SELECT {_CONFLICT_COLS} FROM conflict WHERE {' AND '.join(where)} ORDER BY id",
            params,
        )
    ]


def open_conflict(conn: sqlite3.Connection, conflict_id: int) -> Conflict | None:
    r = conn.execute(
        f"SELECT {_CONFLICT_COLS} FROM conflict WHERE id=? AND resolved_at IS NULL",
        (conflict_id,),
    ).fetchone()
    return None if r is None else _conflict(r)


def open_conflict_keys(conn: sqlite3.Connection) -> set[Key]:
    return {
        (e, r)
        for e, r in conn.execute(
            "SELECT DISTINCT entity, row_id FROM conflict WHERE resolved_at IS NULL"
        )
    }


def conflicted_row_count(conn: sqlite3.Connection) -> int:
    """Records with an open conflict."""
    return _count(
        conn, "SELECT count(DISTINCT entity || row_id) FROM conflict WHERE resolved_at IS NULL"
    )


def resolve_conflict(conn: sqlite3.Connection, conflict_id: int, resolution: str) -> None:
    conn.execute(
        "UPDATE conflict SET resolved_at=?, resolution=? WHERE id=?",
        (now_text(), resolution, conflict_id),
    )


# -- a record's sync state ----------------------------------------------------------

_STATE_CASE = (
    "CASE "
    "WHEN EXISTS(SELECT 1 FROM journal j WHERE j.entity=?1 AND j.row_id=?2 "
    "AND j.state='rejected') THEN 'rejected' "
    "WHEN EXISTS(SELECT 1 FROM conflict c WHERE c.resolved_at IS NULL AND c.entity=?1 "
    "AND c.row_id=?2) THEN 'conflict' "
    "WHEN EXISTS(SELECT 1 FROM journal j WHERE j.entity=?1 AND j.row_id=?2 "
    "AND j.state='pending') THEN 'pending' "
    "ELSE 'synced' END"
)
_STATE_SQL = "UPDATE {t} SET sync_state = " + _STATE_CASE + " WHERE id=?2"
# The rows and their seqs as a JSON object {row_id: seq} (?2).
_ACKED_SQL = (
    "UPDATE {t} SET server_seq = max(coalesce(server_seq, 0), v.value), sync_state = "
    + _STATE_CASE.replace("?2", "{t}.id")
    + " FROM json_each(?2) v WHERE {t}.id = v.key"
)


def settle_acked(conn: sqlite3.Connection, seqs: dict[str, dict[str, int]]) -> None:
    """Rows whose changes the server applied as sent ({entity: {row_id:
    seq}}): the server seq raised (it only ever grows) and the sync state
    refreshed as ``refresh_sync_state`` does, in one statement an entity
    (a statement a row cost half again as much CPU)."""
    for entity, by_row in seqs.items():
        conn.execute(_ACKED_SQL.format(t=entity), (entity, orjson.dumps(by_row).decode()))


def refresh_sync_state(conn: sqlite3.Connection, keys: Iterable[Key]) -> None:
    """rejected > conflict > pending > synced: the most urgent thing the
    worker should see about the row."""
    by_entity: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entity, row_id in keys:
        by_entity[entity].append((entity, row_id))
    for entity, params in by_entity.items():
        conn.executemany(_STATE_SQL.format(t=entity), params)


# -- rows leaving the scope ---------------------------------------------------------


def evict_keys(conn: sqlite3.Connection) -> set[Key]:
    """Rows out of this device's scope, kept until their changes are pushed."""
    return {(e, r) for e, r in conn.execute("SELECT entity, row_id FROM sync_evict")}


def queue_evict(conn: sqlite3.Connection, key: Key, seq: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO sync_evict(entity, row_id, seq) VALUES(?,?,?)", (*key, seq)
    )


def unqueue_evict(conn: sqlite3.Connection, key: Key) -> None:
    """The row came back into the scope."""
    conn.execute("DELETE FROM sync_evict WHERE entity=? AND row_id=?", key)


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
    """Not a tombstone: the row still exists on the server, just not here.
    Its eviction and open conflicts go with it."""
    conn.execute(f"DELETE FROM {entity} WHERE id=?", (row_id,))
    conn.execute("DELETE FROM sync_evict WHERE entity=? AND row_id=?", (entity, row_id))
    conn.execute(
        "UPDATE conflict SET resolved_at=?, resolution='moved' "
        "WHERE entity=? AND row_id=? AND resolved_at IS NULL",
        (now_text(), entity, row_id),
    )


def forget_rows(conn: sqlite3.Connection, entity: str, row_ids: Sequence[str]) -> None:
    """Rows the server no longer holds at all (deleted, and their tombstones
    removed by its retention): gone here too, with their evictions and open
    conflicts (resolved as 'gone')."""
    if not row_ids:
        return
    params = [(r,) for r in row_ids]
    conn.executemany(f"DELETE FROM {entity} WHERE id=?", params)
    conn.executemany(f"DELETE FROM sync_evict WHERE entity='{entity}' AND row_id=?", params)
    now = now_text()
    conn.executemany(
        "UPDATE conflict SET resolved_at=?, resolution='gone' "
        "WHERE entity=? AND row_id=? AND resolved_at IS NULL",
        [(now, entity, r) for r in row_ids],
    )


# -- receipts of sync runs ----------------------------------------------------------


@dataclass
class SyncReceipt:
    id: int
    started_at: str
    finished_at: str | None = None
    outcome: str = "running"
    sent: int = 0
    received: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    duration_ms: int = 0
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


_RECEIPT_COLS = ",".join(f.name for f in fields(SyncReceipt))


def start_receipt(conn: sqlite3.Connection, started_at: str) -> int:
    """A receipt for a run that starts now (outcome 'running'); its id."""
    cur = conn.execute(
        "INSERT INTO sync_receipt(started_at, outcome) VALUES(?, 'running')", (started_at,)
    )
    return int(cur.lastrowid or 0)


def save_receipt(conn: sqlite3.Connection, r: SyncReceipt) -> None:
    conn.execute(
        "UPDATE sync_receipt SET finished_at=?, outcome=?, sent=?, received=?, merged=?, "
        "conflicts=?, rejected=?, bytes_sent=?, bytes_received=?, duration_ms=?, message=? "
        "WHERE id=?",
        (
            r.finished_at,
            r.outcome,
            r.sent,
            r.received,
            r.merged,
            r.conflicts,
            r.rejected,
            r.bytes_sent,
            r.bytes_received,
            r.duration_ms,
            r.message,
            r.id,
        ),
    )


def last_receipt(conn: sqlite3.Connection) -> SyncReceipt | None:
    r = conn.execute(
        f"SELECT {_RECEIPT_COLS} FROM sync_receipt ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if r is None else SyncReceipt(*r)


def receipts(conn: sqlite3.Connection, limit: int) -> list[SyncReceipt]:
    """The latest runs, newest first."""
    return [
        SyncReceipt(*r)
        for r in conn.execute(
            f"SELECT {_RECEIPT_COLS} FROM sync_receipt ORDER BY id DESC LIMIT ?", (limit,)
        )
    ]


# -- the journal's invariants (store check) -----------------------------------------


def duplicate_change_ids(conn: sqlite3.Connection) -> int:
    return _count(
        conn,
        "SELECT count(*) FROM (SELECT change_id FROM journal GROUP BY change_id HAVING count(*)>1)",
    )


def pending_without_row(conn: sqlite3.Connection, entity: str) -> int:
    return int(
        conn.execute(
            f"SELECT count(*) FROM journal j WHERE j.entity=? AND j.state='pending' "
            f"AND NOT EXISTS (SELECT 1 FROM {entity} r WHERE r.id=j.row_id)",
            (entity,),
        ).fetchone()[0]
    )


def untracked_rows(conn: sqlite3.Connection, entity: str) -> int:
    """Rows neither journaled here nor received from the server, except the
    rows derived from the division list (nobody's edit, never journaled)."""
    return sum(
        not is_derived_row(entity, row_id, code)
        for row_id, code in conn.execute(
            f"SELECT r.id, r.division_code FROM {entity} r WHERE r.server_seq IS NULL "
            f"AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.entity=? AND j.row_id=r.id)",
            (entity,),
        )
    )


def pending_rows_without_change(conn: sqlite3.Connection, entity: str) -> int:
    return int(
        conn.execute(
            # `<> 'synced'`: the sync_state index holds only those rows (schema 10).
            f"SELECT count(*) FROM {entity} r WHERE r.sync_state='pending' "
            "AND r.sync_state <> 'synced' AND NOT EXISTS "
            f"(SELECT 1 FROM journal j WHERE j.entity=? AND j.row_id=r.id "
            f"AND j.state='pending')",
            (entity,),
        ).fetchone()[0]
    )
