from __future__ import annotations

from fastapi import APIRouter, Response

from jsxcore.protocol import ErrorResponse, LoginRequest, LoginResponse
from jsxserver.api.deps import CurrentCaller, DbDep, SettingsDep
from jsxserver.core import errors as E
from jsxserver.core.errors import ApiError
from jsxserver.services import users
from jsxserver.services.fields import bad_text

router = APIRouter(prefix="/auth", tags=["auth"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 422, 423)
}


@router.post("/login", responses=_ERRORS)
def login(req: LoginRequest, db: DbDep, settings: SettingsDep) -> LoginResponse:
    """Check the password and register (or refresh) this device's token.
    Repeated failures lock the account for a while (423)."""
    if bad_text(req.model_dump()):
        raise ApiError(400, E.BAD_TEXT)
    return users.login(db, settings, req)


@router.post("/logout", status_code=204, responses={401: {"model": ErrorResponse}})
def logout(caller: CurrentCaller, db: DbDep) -> Response:
    """Revoke this device's token."""
    users.logout(db, caller.device_id)
    return Response(status_code=204)
