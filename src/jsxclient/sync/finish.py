"""Finish stage: the receipt of a sync run, shown on the 同步 page.

A receipt row is written when a run starts (outcome 'running') and completed
when it ends, so a run killed half-way still leaves a trace of itself.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, fields
from typing import Literal

from jsxclient.store.store import Store, now_text
from jsxclient.sync.errors import ErrorKind

# Running, ok, or the kind of failure that ended the run ("rejected": some
# changes were refused; "cancelled": stopped between batches).
Outcome = Literal["running", "ok"] | ErrorKind


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


_COLS = [f.name for f in fields(SyncReceipt)]


def start(store: Store) -> tuple[SyncReceipt, float]:
    started = now_text()
    with store.transaction() as tx:
        cur = tx.conn.execute(
            "INSERT INTO sync_receipt(started_at, outcome) VALUES(?, 'running')", (started,)
        )
        rid = int(cur.lastrowid or 0)
    return SyncReceipt(id=rid, started_at=started), time.monotonic()


def finish(
    store: Store, receipt: SyncReceipt, t0: float, outcome: Outcome, message: str | None = None
) -> SyncReceipt:
    receipt.finished_at = now_text()
    receipt.outcome = outcome
    receipt.duration_ms = int((time.monotonic() - t0) * 1000)
    receipt.message = message
    with store.transaction() as tx:
        tx.conn.execute(
            "UPDATE sync_receipt SET finished_at=?, outcome=?, sent=?, received=?, merged=?, "
            "conflicts=?, rejected=?, bytes_sent=?, bytes_received=?, duration_ms=?, message=? "
            "WHERE id=?",
            (
                receipt.finished_at,
                outcome,
                receipt.sent,
                receipt.received,
                receipt.merged,
                receipt.conflicts,
                receipt.rejected,
                receipt.bytes_sent,
                receipt.bytes_received,
                receipt.duration_ms,
                message,
                receipt.id,
            ),
        )
        store.set_meta("last_sync_outcome", outcome, tx.conn)
        store.set_meta("last_sync_attempt", receipt.finished_at, tx.conn)
        if outcome in ("ok", "rejected"):
            # Everything reachable went through: the data here is current.
            store.set_meta("last_sync", receipt.finished_at, tx.conn)
    return receipt


def last_receipt(conn: sqlite3.Connection) -> SyncReceipt | None:
    r = conn.execute(
        f"SELECT {','.join(_COLS)} FROM sync_receipt ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if r is None else SyncReceipt(*r)


def receipts(store: Store, limit: int = 50) -> list[SyncReceipt]:
    return [
        SyncReceipt(*r)
        for r in store.db.connection().execute(
            f"SELECT {','.join(_COLS)} FROM sync_receipt ORDER BY id DESC LIMIT ?", (limit,)
        )
    ]
