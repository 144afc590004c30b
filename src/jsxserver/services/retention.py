"""Retention: what the server forgets, and the horizon that keeps devices
honest about it (``jsxserver admin retention``, run daily).

Removed once older than ``retention_days``: the change log, push records
(so a batch older than that can no longer be replayed: no client retries
that long), server conflicts, and the *history* pulls need for devices that
are behind: tombstones (deleted records) and scope exits. The highest seq of
a change older than the cutoff becomes the **horizon**: every tombstone and
scope exit at or below it goes, and a pull with ``0 < cursor < horizon``
gets 410 ``sync.cursor_expired`` (services/pull.py), so no device silently
misses a deletion or an exit. Live records are never removed. The audit log
has its own ``audit_retention_days`` (and a trigger that refuses to delete
anything younger than 180 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlmodel import Session, col

from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import Database
from jsxserver.models import (
    AUDIT_TABLE,
    CHANGE_LOG_TABLE,
    HORIZON_COUNTER,
    PUSH_BATCH_TABLE,
    RECORD_TABLE,
    SCOPE_EXIT_TABLE,
    SERVER_CONFLICT_TABLE,
    Counter,
    utcnow,
)


@dataclass(frozen=True)
class RetentionResult:
    horizon: int
    change_log: int
    push_batches: int
    conflicts: int
    tombstones: int
    scope_exits: int
    audit: int

    def summary(self) -> str:
        return (
            f"horizon seq {self.horizon}; removed {self.change_log} changes, "
            f"{self.push_batches} push records, {self.conflicts} conflicts, "
            f"{self.tombstones} tombstones, {self.scope_exits} scope exits, "
            f"{self.audit} audit events"
        )


def run(db: Database, settings: Settings, now: datetime | None = None) -> RetentionResult:
    now = now or utcnow()
    cutoff = now - timedelta(days=settings.retention_days)
    audit_cutoff = now - timedelta(days=settings.audit_retention_days)
    log, rec, ex = CHANGE_LOG_TABLE, RECORD_TABLE, SCOPE_EXIT_TABLE
    with Session(db.write_engine) as session:
        old = seqs.horizon(session)
        newest_old = session.execute(
            select(func.max(log.c.seq)).where(log.c.received_at < cutoff)
        ).scalar()
        horizon = max(int(old), int(newest_old or 0))
        # The horizon first: a pull that sees the history gone sees it too
        # (same transaction).
        if horizon != old:
            session.execute(
                update(Counter).where(col(Counter.name) == HORIZON_COUNTER).values(value=horizon)
            )
        conn = session.connection()
        n_tomb = conn.execute(
            delete(rec).where(rec.c.deleted.is_(True), rec.c.seq <= horizon)
        ).rowcount
        n_exit = conn.execute(delete(ex).where(ex.c.seq <= horizon)).rowcount
        n_log = conn.execute(delete(log).where(log.c.received_at < cutoff)).rowcount
        pb = PUSH_BATCH_TABLE
        n_batch = conn.execute(delete(pb).where(pb.c.created_at < cutoff)).rowcount
        sc = SERVER_CONFLICT_TABLE
        n_conf = conn.execute(delete(sc).where(sc.c.created_at < cutoff)).rowcount
        au = AUDIT_TABLE
        n_audit = conn.execute(delete(au).where(au.c.at < audit_cutoff)).rowcount
        session.commit()
    return RetentionResult(horizon, n_log, n_batch, n_conf, n_tomb, n_exit, n_audit)
