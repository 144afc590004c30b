"""Moving records to another township: offered by the sending township,
seen and accepted (or refused) by the receiving one.

A push cannot move a record out of its township (services/push.py refuses
it with ``scope.transfer_required``): otherwise one batch could insert a
record and drop it into any township's pulls. The accept moves every row of
the offer at once, under the sequence counter like a push, and leaves the
same scope exits a push's move would, so the sending township's devices drop
the rows and the receiving ones pull them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlmodel import Session, col

from jsxcore.hlc import HybridClock
from jsxcore.protocol import (
    PulledRow,
    TransferInfo,
    TransferList,
    TransferRequest,
    TransferRow,
)
from jsxcore.roles import allowed
from jsxserver.core import seqs
from jsxserver.core.db import insert_rows
from jsxserver.core.errors import ApiError, Reason
from jsxserver.models import (
    CHANGE_LOG_TABLE,
    RECORD_TABLE,
    SCOPE_EXIT_TABLE,
    Division,
    Transfer,
    utcnow,
    wire_time,
)
from jsxserver.services.push import RECORD_LEVELS
from jsxserver.services.scope import Scope, township_of

NOT_WRITER = Reason(
    "transfer.forbidden",
    "您的账号不能迁移记录",
    "Your account cannot move records",
)
ROWS_BAD = Reason(
    "transfer.rows",
    "要迁出的记录不存在、已删除、不在您的管辖范围内或不属于同一个乡镇",
    "A record to move does not exist, is deleted, is outside your area, or the records "
    "are not all of one township",
)
TARGET_BAD = Reason(
    "transfer.target",
    "接收地须是其他乡镇的乡镇（街道）或村（社区）",
    "The destination must be a township or village of another township",
)
NOT_FOUND = Reason(
    "transfer.not_found",
    "没有这项迁移申请，或它不在您的管辖范围内",
    "No such transfer, or it is outside your area",
)
DECIDED = Reason(
    "transfer.decided",
    "这项迁移申请已经处理过了",
    "This transfer has already been decided",
)
STALE = Reason(
    "transfer.stale",
    "申请后记录已被删除或迁走，无法接收；请发出方重新申请",
    "A record was deleted or moved since the offer; the sending township must offer it again",
)
NOT_RECEIVER = Reason(
    "transfer.not_receiver",
    "只有接收乡镇的录入员或管理员可以接收迁入的记录",
    "Only a worker or administrator of the receiving township can accept a transfer",
)


def _writer(scope: Scope, entities: set[str]) -> bool:
    return all(allowed(scope.role, "update", e) for e in entities)


def offer(session: Session, scope: Scope, device: str, req: TransferRequest) -> TransferInfo:
    if not _writer(scope, {r.entity for r in req.rows}):
        raise ApiError(403, NOT_WRITER)
    keys = sorted({(r.entity, r.row_id) for r in req.rows})
    found = _rows(session, keys)
    if len(found) != len(keys) or any(
        r.deleted or not scope.contains(r.division_code) for r in found.values()
    ):
        raise ApiError(422, ROWS_BAD)
    townships = {r.township for r in found.values()}
    if len(townships) != 1:
        raise ApiError(422, ROWS_BAD)
    (source,) = townships
    target = session.get(Division, req.to_division)
    if target is None or target.level not in RECORD_LEVELS or township_of(target.code) == source:
        raise ApiError(422, TARGET_BAD)
    t = Transfer(
        from_township=source,
        to_township=township_of(target.code),
        to_division=target.code,
        rows=[list(k) for k in keys],
        note=req.note,
        requested_by=scope.username,
        requested_device=device,
    )
    session.add(t)
    session.commit()
    session.refresh(t)
    return _info(session, t)


def listing(session: Session, scope: Scope, pending_only: bool) -> TransferList:
    lo, hi = scope.township_range()
    stmt = select(Transfer).where(
        or_(
            col(Transfer.to_township).between(lo, hi),
            col(Transfer.from_township).between(lo, hi),
        )
    )
    if pending_only:
        stmt = stmt.where(col(Transfer.status) == "pending")
    stmt = stmt.order_by(col(Transfer.id).desc()).limit(200)
    incoming, outgoing = [], []
    for t in session.execute(stmt).scalars():
        info = _info(session, t)
        if scope.contains(t.to_division):
            incoming.append(info)
        if scope.contains(t.from_township):
            outgoing.append(info)
    return TransferList(incoming=incoming, outgoing=outgoing)


def decide(
    session: Session, scope: Scope, device: str, transfer_id: int, accept: bool
) -> TransferInfo:
    """Accept (the receiving side) or refuse (either side: refused by the
    receiver, cancelled by the sender)."""
    t = session.get(Transfer, transfer_id)
    receiving = t is not None and scope.contains(t.to_division)
    sending = t is not None and scope.contains(t.from_township)
    if t is None or not (receiving or sending):
        raise ApiError(404, NOT_FOUND)
    entities = {e for e, _ in t.rows}
    if not _writer(scope, entities):
        raise ApiError(403, NOT_WRITER)
    if t.status != "pending":
        raise ApiError(409, DECIDED)
    now = utcnow()
    if not accept:
        t.status = "refused" if receiving else "cancelled"
    else:
        if not receiving:
            raise ApiError(403, NOT_RECEIVER)
        _move(session, t, scope, device, now)
        t.status = "accepted"
    t.decided_by = scope.username
    t.decided_at = now
    session.add(t)
    session.commit()
    session.refresh(t)
    return _info(session, t)


def _move(session: Session, t: Transfer, scope: Scope, device: str, now: datetime) -> None:
    keys = [(e, i) for e, i in t.rows]
    found = _rows(session, keys, lock=True)
    if len(found) != len(keys) or any(
        r.deleted or r.township != t.from_township for r in found.values()
    ):
        raise ApiError(409, STALE)
    exits: list[dict[str, Any]] = []
    logs: list[dict[str, Any]] = []
    new_seqs = seqs.allocate(session, len(keys))
    for n, key in enumerate(keys):
        r = found[key]
        seq = new_seqs[n]
        clock = HybridClock("server", last=max(r.field_hlc.values(), default=None))
        stamp = clock.now()
        data = {**r.data, "division_code": t.to_division}
        field_hlc = {**r.field_hlc, "division_code": stamp}
        session.execute(
            update(RECORD_TABLE)
            .where(RECORD_TABLE.c.entity == r.entity, RECORD_TABLE.c.id == r.id)
            .values(
                township=t.to_township,
                division_code=t.to_division,
                data=data,
                field_hlc=field_hlc,
                seq=seq,
                updated_at=now,
                updated_device=device,
                updated_user=scope.username,
            )
        )
        exits.append(
            dict(
                seq=seq,
                entity=r.entity,
                row_id=r.id,
                township=r.township,
                division_code=r.division_code,
            )
        )
        logs.append(
            dict(
                change_id=f"transfer-{t.id}-{n}",
                seq=seq,
                batch_id=f"transfer-{t.id}",
                entity=r.entity,
                row_id=r.id,
                op="update",
                fields={"division_code": t.to_division},
                old={"division_code": r.division_code},
                hlc=stamp,
                device=device,
                username=scope.username,
                received_at=now,
                status="applied",
                result={"transfer": t.id, "from": t.from_township, "by": t.requested_by},
            )
        )
    conn = session.connection()
    insert_rows(conn, SCOPE_EXIT_TABLE, exits)
    insert_rows(conn, CHANGE_LOG_TABLE, logs)


class _Rec:
    def __init__(self, row: Any) -> None:
        self.entity: str = row.entity
        self.id: str = row.id
        self.township: str = row.township
        self.division_code: str = row.division_code
        self.data: dict[str, Any] = dict(row.data)
        self.field_hlc: dict[str, str] = dict(row.field_hlc)
        self.deleted: bool = bool(row.deleted)
        self.seq: int = row.seq
        self.updated_at: datetime = row.updated_at
        self.updated_device: str = row.updated_device
        self.updated_user: str = row.updated_user


def _rows(
    session: Session, keys: list[tuple[str, str]], lock: bool = False
) -> dict[tuple[str, str], _Rec]:
    """The rows of `keys`; with `lock`, locked against a push writing them
    meanwhile (PostgreSQL; a SQLite write transaction holds the database)."""
    by_entity: dict[str, list[str]] = {}
    for entity, row_id in keys:
        by_entity.setdefault(entity, []).append(row_id)
    out: dict[tuple[str, str], _Rec] = {}
    c = RECORD_TABLE.c
    for entity, ids in sorted(by_entity.items()):
        stmt = select(RECORD_TABLE).where(c.entity == entity, c.id.in_(sorted(ids)))
        if lock:
            stmt = stmt.with_for_update()
        for r in session.execute(stmt):
            out[(r.entity, r.id)] = _Rec(r)
    return out


def _info(session: Session, t: Transfer) -> TransferInfo:
    assert t.id is not None
    records: list[PulledRow] = []
    if t.status == "pending":
        found = _rows(session, [(e, i) for e, i in t.rows])
        records = [
            PulledRow(
                entity=r.entity,
                id=r.id,
                seq=r.seq,
                deleted=r.deleted,
                data=r.data,
                field_hlc=r.field_hlc,
                updated_at=wire_time(r.updated_at),
                updated_device=r.updated_device,
                updated_user=r.updated_user,
            )
            for r in found.values()
        ]
    return TransferInfo(
        id=t.id,
        status=t.status,
        from_township=t.from_township,
        to_division=t.to_division,
        rows=[TransferRow(entity=e, row_id=i) for e, i in t.rows],
        note=t.note,
        requested_by=t.requested_by,
        requested_at=wire_time(t.requested_at),
        decided_by=t.decided_by,
        decided_at=wire_time(t.decided_at) if t.decided_at else None,
        records=records,
    )
