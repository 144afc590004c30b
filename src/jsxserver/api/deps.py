"""Request dependencies: settings, the database, sessions and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from jsxserver.core import errors as E
from jsxserver.core.config import Settings
from jsxserver.core.db import Database
from jsxserver.core.errors import ApiError
from jsxserver.services.users import Caller, authenticate, cached_caller


# Plain lookups are coroutines: FastAPI runs a ``def`` dependency in its
# thread pool, a hand-off each per request that cost more than the lookup.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Database, Depends(get_db)]


def get_read_session(db: DbDep) -> Iterator[Session]:
    """A read-only snapshot session (pulls, reference data)."""
    with Session(db.read_engine) as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(get_read_session)]

_bearer = HTTPBearer(auto_error=False, description="The token from /auth/login")


async def get_caller(
    request: Request,
    db: DbDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(401, E.AUTH_REQUIRED, {"WWW-Authenticate": "Bearer"})
    # A token checked a moment ago costs neither a query nor a thread hand-off.
    caller = cached_caller(credentials.credentials)
    if caller is None:
        caller = await run_in_threadpool(authenticate, db, credentials.credentials)
    # For the access log (api/observe.py).
    request.state.user = caller.username
    request.state.device = caller.device_id
    return caller


def client_address(request: Request) -> str:
    """The client's address (the proxy's X-Forwarded-For when uvicorn trusts it)."""
    return request.client.host if request.client else ""


CurrentCaller = Annotated[Caller, Depends(get_caller)]
