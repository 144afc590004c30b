from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlmodel import Session

from jsxcore.protocol import ErrorResponse, TransferInfo, TransferList, TransferRequest
from jsxserver.api.deps import CurrentCaller, DbDep, ReadSessionDep
from jsxserver.core import seqs
from jsxserver.services import transfers
from jsxserver.services.fields import check_json

router = APIRouter(prefix="/transfers", tags=["transfers"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 404, 409, 422, 426)
}
TransferId = Annotated[int, Path(ge=1, le=2**62)]


@router.post("", responses=_ERRORS)
def offer(req: TransferRequest, caller: CurrentCaller, db: DbDep) -> TransferInfo:
    """Offer records of the caller's township to another township; they move
    when a worker there accepts."""
    check_json(req.model_dump())
    with Session(db.write_engine) as session:
        return transfers.offer(session, caller.scope, caller.device_id, req)


@router.get("", responses=_ERRORS)
def listing(
    caller: CurrentCaller,
    session: ReadSessionDep,
    pending: Annotated[bool, Query()] = True,
) -> TransferList:
    """Transfers to (incoming) and from (outgoing) the caller's area, the
    records of pending ones included so the receiving side sees what it takes."""
    return transfers.listing(session, caller.scope, pending)


@router.post("/{transfer_id}/accept", responses=_ERRORS)
def accept(transfer_id: TransferId, caller: CurrentCaller, db: DbDep) -> TransferInfo:
    """The receiving township takes the records: they move in one step."""
    # Seqs as a push takes them (core/seqs.py: a sequence and the open-push
    # watermark on PostgreSQL).
    with seqs.write_session(db) as session:
        return transfers.decide(session, caller.scope, caller.device_id, transfer_id, True)


@router.post("/{transfer_id}/refuse", responses=_ERRORS)
def refuse(transfer_id: TransferId, caller: CurrentCaller, db: DbDep) -> TransferInfo:
    """Refused by the receiving township, or cancelled by the sending one."""
    with Session(db.write_engine) as session:
        return transfers.decide(session, caller.scope, caller.device_id, transfer_id, False)
