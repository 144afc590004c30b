from __future__ import annotations

from fastapi import APIRouter, Request, Response

from jsxcore.protocol import ErrorResponse, LoginRequest, LoginResponse, PasswordChangeRequest
from jsxserver.api.deps import CurrentCaller, DbDep, SettingsDep, client_address
from jsxserver.core import metrics
from jsxserver.core.errors import ApiError
from jsxserver.services import audit, users
from jsxserver.services.fields import check_json

router = APIRouter(prefix="/auth", tags=["auth"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 422, 423)
}


@router.post("/login", responses=_ERRORS)
def login(req: LoginRequest, request: Request, db: DbDep, settings: SettingsDep) -> LoginResponse:
    """Check the password and register (or refresh) this device's token.
    Repeated failures lock the account for a while (423)."""
    check_json(req.model_dump())
    address = client_address(request)
    try:
        resp = users.login(db, settings, req)
    except ApiError as exc:
        metrics.LOGINS.labels("failed").inc()
        audit.record(
            db,
            audit.LOGIN_FAILED,
            username=req.username,
            device=req.device_id,
            address=address,
            detail={"status": exc.status, "code": exc.reason.code},
        )
        raise
    metrics.LOGINS.labels("ok").inc()
    audit.record(
        db,
        audit.LOGIN_OK,
        username=req.username,
        device=req.device_id,
        address=address,
        scope=resp.user.division_code,
    )
    return resp


@router.post("/logout", status_code=204, responses={401: {"model": ErrorResponse}})
def logout(caller: CurrentCaller, db: DbDep) -> Response:
    """Revoke this device's token."""
    users.logout(db, caller.device_id)
    return Response(status_code=204)


@router.post("/password", status_code=204, responses=_ERRORS)
def change_password(
    req: PasswordChangeRequest, caller: CurrentCaller, db: DbDep, settings: SettingsDep
) -> Response:
    """Change the signed-in user's password. The old one is checked (wrong
    guesses count towards the lock); the user's tokens on other devices are
    revoked, this device's stays valid."""
    check_json(req.model_dump())
    users.change_password(db, settings, caller, req.old_password, req.new_password)
    return Response(status_code=204)
