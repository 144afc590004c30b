from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from jsxcore.protocol import (
    MAX_PULL_LIMIT,
    AuditPushRequest,
    AuditPushResponse,
    Change,
    ErrorResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from jsxserver.api.deps import CurrentCaller, DbDep, ReadSessionDep, SettingsDep
from jsxserver.core import errors as E
from jsxserver.core.errors import ApiError
from jsxserver.services import client_audit as audit_service
from jsxserver.services import pull as pull_service
from jsxserver.services import push as push_service
from jsxserver.services.fields import check_json

router = APIRouter(tags=["sync"])

_PUSH_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 409, 413, 415, 422, 426)
}


def _texts(c: Change) -> tuple[object, ...]:
    return (c.fields, c.old, c.hlc, c.device, c.user, c.entity)


@router.post("/push", responses=_PUSH_ERRORS)
def push(req: PushRequest, caller: CurrentCaller, db: DbDep, settings: SettingsDep) -> PushResponse:
    """Apply a batch of changes atomically. Each change gets its own result;
    a replayed batch id returns the stored response."""
    if not caller.scope.can_push:
        raise ApiError(403, E.READ_ONLY)
    check_json(req.device, *(v for c in req.changes for v in _texts(c)))
    # A day of slack: a device whose clock runs a little ahead, or a record
    # saved just after midnight, is not rejected as dated in the future.
    today = datetime.now(ZoneInfo(settings.timezone)).date() + timedelta(days=1)
    ctx = push_service.PushContext(caller.scope, caller.device_id, today)
    with Session(db.write_engine) as session:
        try:
            return push_service.push(session, ctx, req)
        except IntegrityError:
            session.rollback()
            raise ApiError(409, E.BATCH_FAILED) from None


@router.get(
    "/pull",
    response_model=PullResponse,
    responses={s: {"model": ErrorResponse} for s in (401, 422, 426)},
)
def pull(
    caller: CurrentCaller,
    session: ReadSessionDep,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 1000,
) -> Response:
    """Rows in the caller's scope changed after ``cursor``, in seq order."""
    body = pull_service.pull_page(session, caller.scope, cursor, limit)
    return Response(body, media_type="application/json")


@router.post(
    "/audit",
    responses={s: {"model": ErrorResponse} for s in (400, 401, 403, 409, 413, 422, 426)},
)
def upload_audit(req: AuditPushRequest, caller: CurrentCaller, db: DbDep) -> AuditPushResponse:
    """Store this device's audit entries (resumable: the reply says through
    which id the server holds them; idempotent; the hash chain is checked)."""
    check_json(req.device, *(e.model_dump() for e in req.entries))
    with Session(db.write_engine) as session:
        try:
            return audit_service.store(session, caller, req)
        except IntegrityError:  # the same device uploading twice at once
            session.rollback()
            raise ApiError(409, E.BATCH_FAILED) from None
