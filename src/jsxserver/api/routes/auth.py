from __future__ import annotations

from fastapi import APIRouter, Response

from jsxcore.protocol import ErrorResponse, LoginRequest, LoginResponse, PasswordChangeRequest
from jsxserver.api.deps import CurrentCaller, DbDep, SettingsDep
from jsxserver.services import users
from jsxserver.services.fields import check_json

router = APIRouter(prefix="/auth", tags=["auth"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 422, 423)
}


@router.post("/login", responses=_ERRORS)
def login(req: LoginRequest, db: DbDep, settings: SettingsDep) -> LoginResponse:
    """Check the password and register (or refresh) this device's token.
    Repeated failures lock the account for a while (423)."""
    check_json(req.model_dump())
    return users.login(db, settings, req)


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
