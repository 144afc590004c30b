from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session

from jsxcore.protocol import (
    ErrorResponse,
    KeyEscrowRequest,
    KeyEscrowResponse,
    TownshipKey,
    TownshipKeyRequest,
)
from jsxserver.api.deps import CurrentCaller, DbDep, ReadSessionDep
from jsxserver.services import escrow
from jsxserver.services.fields import check_json

router = APIRouter(prefix="/keys", tags=["keys"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 404, 409, 422, 426)
}


@router.put("/township", responses=_ERRORS)
def set_township_key(req: TownshipKeyRequest, caller: CurrentCaller, db: DbDep) -> TownshipKey:
    """A township administrator's new escrow key (the private half wrapped
    on their computer; the server cannot open it)."""
    check_json(req.model_dump())
    with Session(db.write_engine) as session:
        return escrow.set_township_key(session, caller, req)


@router.get("/township", responses=_ERRORS)
def township_key(
    caller: CurrentCaller,
    session: ReadSessionDep,
    township_code: Annotated[str | None, Query(pattern=r"^[0-9]{12}$")] = None,
) -> TownshipKey:
    """The current escrow public key of the caller's township."""
    return escrow.current_key(session, caller, township_code)


@router.put("/escrow", responses=_ERRORS)
def put_escrow(req: KeyEscrowRequest, caller: CurrentCaller, db: DbDep) -> KeyEscrowResponse:
    """This device's store data key, sealed to its township's public key."""
    check_json(req.model_dump())
    with Session(db.write_engine) as session:
        return escrow.put(session, caller, req)


@router.get("/escrow", responses=_ERRORS)
def get_escrow(
    caller: CurrentCaller,
    db: DbDep,
    store_id: Annotated[str, Query(min_length=8, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")],
) -> KeyEscrowResponse:
    """Release a store's sealed key and the wrapped township key to an
    administrator of the township (recorded)."""
    with Session(db.write_engine) as session:
        return escrow.release(session, caller, store_id)
