from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError

from jsxcore.compat import Peer
from jsxcore.protocol import (
    FEATURE_AUDIT,
    FEATURE_KEY_ESCROW,
    FEATURE_PASSWORD_CHANGE,
    FEATURE_TRANSFER,
    VersionInfo,
)
from jsxserver import __version__
from jsxserver.api.deps import DbDep, SettingsDep
from jsxserver.core import errors as E
from jsxserver.core.db import check_db
from jsxserver.core.errors import ApiError

router = APIRouter(tags=["health"])


@router.get("/health")
def health(db: DbDep) -> dict[str, str]:
    """Whether the server and its database answer."""
    try:
        check_db(db)
    except SQLAlchemyError:
        raise ApiError(503, E.DB_UNAVAILABLE) from None
    return {"status": "ok", "database": db.engine.dialect.name}


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
