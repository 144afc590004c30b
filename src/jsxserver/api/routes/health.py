from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from jsxcore.compat import Peer
from jsxcore.protocol import (
    FEATURE_AUDIT,
    FEATURE_KEY_ESCROW,
    FEATURE_PASSWORD_CHANGE,
    FEATURE_TRANSFER,
    ErrorResponse,
    VersionInfo,
)
from jsxserver import __version__
from jsxserver.api.deps import DbDep, SettingsDep
from jsxserver.core import errors as E
from jsxserver.core import metrics, schema
from jsxserver.core.db import check_db
from jsxserver.core.errors import ApiError

router = APIRouter(tags=["health"])


@router.get("/health")
def health(db: DbDep) -> dict[str, str]:
    """Liveness: the process answers (the database is /ready's business, so a
    database outage does not make the orchestrator restart every process)."""
    return {"status": "ok", "database": db.engine.dialect.name}


@router.get("/ready", responses={503: {"model": ErrorResponse}})
def ready(db: DbDep) -> dict[str, str]:
    """Readiness: the database (and the pull replica, if any) answers and its
    schema is the one this program needs."""
    try:
        check_db(db)
        schema.check(db)
        if db.replica:
            with db.read_engine.connect() as conn:
                conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, schema.SchemaError):
        raise ApiError(503, E.DB_UNAVAILABLE, {"Retry-After": "5"}) from None
    return {"status": "ready", "database": db.engine.dialect.name}


@router.get("/metrics", include_in_schema=False)
def prometheus_metrics() -> Response:
    """Prometheus text format (core/metrics.py)."""
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)


@router.get("/version")
def version(settings: SettingsDep) -> VersionInfo:
    """What this server speaks and which clients it takes (see jsxcore.compat)."""
    server = Peer()
    return VersionInfo(
        protocol=server.protocol_max,
        min_client_protocol=server.protocol_min,
        server_version=__version__,
        schema_version=server.schema,
        min_client_schema=server.schema_min,
        min_client_version=settings.min_client_version or None,
        latest_client_version=settings.latest_client_version or None,
        download_url=settings.client_download_url or None,
        features=list(FEATURES),
    )


# The optional protocol parts this server implements (jsxcore.protocol).
FEATURES = (FEATURE_AUDIT, FEATURE_KEY_ESCROW, FEATURE_PASSWORD_CHANGE, FEATURE_TRANSFER)
