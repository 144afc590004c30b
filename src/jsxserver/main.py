"""The FastAPI application."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from jsxcore.protocol import API_PREFIX, MAX_REQUEST_BYTES
from jsxserver import __version__
from jsxserver.api.middleware import RequestGuard
from jsxserver.api.observe import Observe, access_log
from jsxserver.api.routes import auth, health, keys, reference, reports, sync, transfers
from jsxserver.core import errors as E
from jsxserver.core import schema
from jsxserver.core.compression import GZIP_MINIMUM
from jsxserver.core.config import Settings
from jsxserver.core.db import make_database
from jsxserver.core.errors import ApiError, Reason
from jsxserver.core.security import configure_hasher
from jsxserver.services.users import configure_auth_cache

# Allocations between young collections (the default is 700): see lifespan.
GC_YOUNG = 10_000

log = logging.getLogger("jsxserver")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    configure_hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.offline_scrypt_n
    )
    configure_auth_cache(settings.auth_cache_ms)
    db = make_database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = max(1, settings.threads)
        schema.prepare(db, bool(settings.auto_migrate))
        # What the start-up made lives as long as the process: out of the
        # collector's full passes, which a push's many small objects trigger
        # (bench sync_bootstrap: a few percent of a push's CPU).
        gc.freeze()
        # A push's batch is tens of thousands of objects that live until its
        # reply and are freed by reference counting: at the default 700
        # allocations a young collection would walk them again and again
        # (a sixth of a first push's CPU, replaying it in one process).
        gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
        yield
        db.dispose()

    app = FastAPI(
        title="jsxserver",
        version=__version__,
        summary="Provincial sync server for jsxclient (计生协 township data entry)",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    for router in (
        health.router,
        auth.router,
        sync.router,
        reference.router,
        reports.router,
        transfers.router,
        keys.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    _install_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, compresslevel=settings.gzip_level)
    app.add_middleware(RequestGuard, max_bytes=MAX_REQUEST_BYTES, settings=settings)
    app.add_middleware(Observe)
    if settings.access_log and not access_log.handlers:
        # One JSON object per line on standard output, for the log shipper.
        handler = _StdoutHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
    return app


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is when a line is logged."""

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers (`jsxserver serve --workers N`)."""
    return create_app(Settings.from_env())


def _error(status: int, reason: Reason, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(reason.body(), status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.reason, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(p) for p in first.get("loc", ())]
        if first.get("type") == "too_long" and loc[-1:] == ["changes"]:
            return _error(413, E.TOO_MANY)
        where = ".".join(p for p in loc if p != "body") or "body"
        detail = f"{where}: {first.get('msg', 'invalid')}"
        return _error(422, E.invalid_request(detail[:200]))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            # FastAPI's word for a body json.loads gave up on (nested
            # thousands deep: a RecursionError).
            return _error(400, E.UNREADABLE_BODY, headers)
        return _error(exc.status_code, E.http_status(exc.status_code), headers)

    @app.exception_handler(OperationalError)
    async def db_down(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return _error(503, E.DB_UNAVAILABLE, {"Retry-After": "5"})

    @app.exception_handler(DataError)
    async def bad_data(_: Request, exc: DataError) -> JSONResponse:
        log.warning("database refused a value: %s", exc)
        return _error(400, E.BAD_TEXT)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, E.SERVER_ERROR)
