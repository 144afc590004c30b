"""Devices' audit logs, uploaded after each sync (POST /audit) and kept
append-only on the server for at least six months (`ClientAudit`).

An upload is resumable and idempotent: entries the server has are checked
against what it stored (a different entry under a stored id is refused: the
device's history is not rewritten), new ones must continue the device's
sequence without a gap. Each entry's hash is checked against its fields and
the entry before (`jsxcore.auditchain`); where the chain does not hold the
entry is still kept (an audit log loses nothing) but marked, and the
administrator's listing shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from jsxcore.auditchain import GENESIS, digest
from jsxcore.protocol import AuditEntryWire, AuditPushRequest, AuditPushResponse
from jsxserver.core.db import insert_rows
from jsxserver.core.errors import ApiError, Reason
from jsxserver.models import CLIENT_AUDIT_TABLE, ClientAudit, utcnow
from jsxserver.services.users import Caller

log = logging.getLogger("jsxserver.client_audit")

DEVICE_FOREIGN = Reason(
    "audit.device_foreign",
    "只能上传本设备的操作日志",
    "A device uploads only its own audit log",
)
REWRITE = Reason(
    "audit.rewrite",
    "上传的操作日志与服务器已保存的不同，已拒绝（日志不能改写）",
    "An uploaded audit entry differs from the one the server keeps; refused "
    "(the log cannot be rewritten)",
)


def gap(expected: int, got: int) -> Reason:
    return Reason(
        "audit.gap",
        f"操作日志不连续：服务器需要第 {expected} 条，收到第 {got} 条",
        f"The audit log has a gap: the server needs entry {expected}, got {got}",
    )


def store(session: Session, caller: Caller, req: AuditPushRequest) -> AuditPushResponse:
    if req.device != caller.device_id:
        raise ApiError(403, DEVICE_FOREIGN)
    entries = sorted(req.entries, key=lambda e: e.id)
    last = session.execute(
        select(col(ClientAudit.id), col(ClientAudit.hash))
        .where(col(ClientAudit.device) == req.device)
        .order_by(col(ClientAudit.id).desc())
        .limit(1)
    ).first()
    last_id, prev = (last[0], last[1]) if last is not None else (0, None)
    old = [e for e in entries if e.id <= last_id]
    if old:
        stored = dict(
            session.execute(
                select(col(ClientAudit.id), col(ClientAudit.hash)).where(
                    col(ClientAudit.device) == req.device,
                    col(ClientAudit.id).in_([e.id for e in old]),
                )
            ).all()
        )
        # An id below the first one kept (pruned on the device before its
        # first upload) is not there to compare: nothing to store either.
        if any(e.id in stored and stored[e.id] != e.hash for e in old):
            raise ApiError(409, REWRITE)
    new = [e for e in entries if e.id > last_id]
    rows = []
    now = utcnow()
    township = caller.scope.home_township or ""
    for e, ok in _chain(new, last_id, prev):
        rows.append(_row(req.device, e, ok, caller.username, township, now))
    if rows:
        insert_rows(session.connection(), CLIENT_AUDIT_TABLE, rows)
        broken = [r["id"] for r in rows if not r["chain_ok"]]
        if broken:
            log.warning("audit chain of device %s broken at %s", req.device, broken[:10])
    session.commit()
    return AuditPushResponse(stored_through=max(last_id, new[-1].id if new else 0))


def _chain(
    new: list[AuditEntryWire], last_id: int, prev: str | None
) -> Iterator[tuple[AuditEntryWire, bool]]:
    expected = last_id + 1 if last_id else (new[0].id if new else 1)
    for e in new:
        if e.id != expected:
            raise ApiError(422, gap(expected, e.id))
        expected += 1
        linked = (
            e.prev_hash == prev
            if prev is not None
            else (e.prev_hash == GENESIS if e.id == 1 else True)  # pruned before
        )
        own = digest(e.prev_hash, e.at, e.user, e.device, e.action, e.object, e.result, e.detail)
        yield e, linked and own == e.hash
        prev = e.hash


def _row(
    device: str, e: AuditEntryWire, ok: bool, uploader: str, township: str, now: datetime
) -> dict[str, object]:
    return dict(
        device=device,
        id=e.id,
        at=e.at,
        username=e.user,
        entry_device=e.device,
        action=e.action,
        object=e.object,
        result=e.result,
        detail=e.detail,
        prev_hash=e.prev_hash,
        hash=e.hash,
        chain_ok=ok,
        uploaded_by=uploader,
        township=township,
        received_at=now,
    )


@dataclass(frozen=True)
class Query:
    device: str | None = None
    user: str | None = None
    township: str | None = None
    since: str | None = None  # device time, "YYYY-MM-DD"
    broken_only: bool = False
    limit: int = 200


def entries(session: Session, q: Query) -> list[ClientAudit]:
    """For the administrator (`jsxserver admin client-audit`), newest first."""
    stmt = select(ClientAudit)
    if q.device:
        stmt = stmt.where(col(ClientAudit.device) == q.device)
    if q.user:
        stmt = stmt.where(col(ClientAudit.username) == q.user)
    if q.township:
        stmt = stmt.where(col(ClientAudit.township) == q.township[:9])
    if q.since:
        stmt = stmt.where(col(ClientAudit.at) >= q.since)
    if q.broken_only:
        stmt = stmt.where(col(ClientAudit.chain_ok).is_(False))
    stmt = stmt.order_by(col(ClientAudit.received_at).desc(), col(ClientAudit.id).desc())
    return list(session.execute(stmt.limit(q.limit)).scalars())
