"""The server's audit log: who logged in (or failed to), who pulled which
scope and how many rows, and what administrators did. Append-only (table
``audit_log``; triggers refuse updates and early deletes, migration 0002);
``jsxserver admin audit`` shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from jsxserver.core.db import Database, DriverCursor, json_text
from jsxserver.models import AUDIT_TABLE, AuditEvent, utcnow

log = logging.getLogger("jsxserver")

LOGIN_OK = "login.ok"
LOGIN_FAILED = "login.failed"
PULL = "pull"
ADMIN = "admin."  # + the action


def record(
    db: Database,
    kind: str,
    *,
    username: str = "",
    device: str = "",
    address: str = "",
    scope: str = "",
    rows: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event in its own transaction on the primary."""
    values = dict(
        at=utcnow(),
        kind=kind[:32],
        username=username[:64],
        device=device[:64],
        address=address[:64],
        scope=scope[:12],
        rows=rows,
        detail=detail or {},
    )
    try:
        if db.is_sqlite:
            with db.engine.begin() as conn:
                conn.execute(insert(AUDIT_TABLE).values(**values))
        else:
            _insert_pg(db, values)
    except SQLAlchemyError:
        # The request itself went through; losing its audit line must be
        # seen by the operator, not by the worker.
        log.exception("could not write the audit event %s", values)


# One statement in autocommit through the driver: every pull writes one
# event, and SQLAlchemy's insert building with BEGIN and COMMIT as round trips
# of their own cost a pull more than its reads (bench dayend).
_PG_COLUMNS = ("at", "kind", "username", "device", "address", "scope", "rows", "detail")
_PG_INSERT = (
    f"INSERT INTO audit_log ({', '.join(_PG_COLUMNS)}) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb)"
)


def _insert_pg(db: Database, values: dict[str, Any]) -> None:
    params = (*(values[k] for k in _PG_COLUMNS[:-1]), json_text(values["detail"]))
    with db.engine.connect() as conn:
        DriverCursor(conn).execute_autocommit(_PG_INSERT, params)


def events(
    db: Database,
    since: datetime | None = None,
    username: str | None = None,
    kind: str | None = None,
    limit: int = 200,
) -> Sequence[AuditEvent]:
    """The newest ``limit`` events matching, oldest first."""
    stmt = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if since is not None:
        stmt = stmt.where(col(AuditEvent.at) >= since)
    if username:
        stmt = stmt.where(col(AuditEvent.username) == username)
    if kind:
        stmt = stmt.where(col(AuditEvent.kind).startswith(kind))
    from sqlmodel import Session

    with Session(db.engine) as session:
        found = list(session.execute(stmt).scalars())
    return found[::-1]
