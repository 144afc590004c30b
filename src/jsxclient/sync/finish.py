"""Finish stage: the receipt of a sync run, shown on the 同步 page.

A receipt row is written when a run starts (outcome 'running') and completed
when it ends, so a run killed half-way still leaves a trace of itself.
"""

from __future__ import annotations

import time
from typing import Literal

from jsxclient.store import journal
from jsxclient.store.db import now_text
from jsxclient.store.journal import SyncReceipt
from jsxclient.store.store import Store
from jsxclient.sync.errors import ErrorKind

# Running, ok, or the kind of failure that ended the run ("rejected": some
# changes were refused; "cancelled": stopped between batches).
Outcome = Literal["running", "ok"] | ErrorKind


def start(store: Store) -> tuple[SyncReceipt, float]:
    started = now_text()
    with store.transaction() as tx:
        rid = journal.start_receipt(tx.conn, started)
    return SyncReceipt(id=rid, started_at=started), time.monotonic()


def finish(
    store: Store, receipt: SyncReceipt, t0: float, outcome: Outcome, message: str | None = None
) -> SyncReceipt:
    receipt.finished_at = now_text()
    receipt.outcome = outcome
    receipt.duration_ms = int((time.monotonic() - t0) * 1000)
    receipt.message = message
    with store.transaction() as tx:
        journal.save_receipt(tx.conn, receipt)
        store.set_meta("last_sync_outcome", outcome, tx.conn)
        store.set_meta("last_sync_attempt", receipt.finished_at, tx.conn)
        if outcome in ("ok", "rejected"):
            # Everything reachable went through: the data here is current.
            store.set_meta("last_sync", receipt.finished_at, tx.conn)
    return receipt


def receipts(store: Store, limit: int = 50) -> list[SyncReceipt]:
    return journal.receipts(store.db.connection(), limit)
