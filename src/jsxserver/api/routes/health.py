from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError

from jsxcore.protocol import PROTOCOL_VERSION, VersionInfo
from jsxserver import __version__
from jsxserver.api.deps import DbDep
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
def version() -> VersionInfo:
    return VersionInfo(protocol=PROTOCOL_VERSION, server_version=__version__)
