from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError
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
from jsxserver.api.deps import CurrentCaller, DbDep, ReadSessionDep, SettingsDep, client_address
from jsxserver.core import errors as E
from jsxserver.core import metrics, seqs
from jsxserver.core.compression import GZIP_MINIMUM, accepts_gzip, gzip_body
from jsxserver.core.errors import ApiError
from jsxserver.services import audit
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


class _PushBody(Request):
    """A push request whose JSON body FastAPI takes as the PushRequest
    already: parsed and validated in one pass by pydantic's own JSON parser
    (an instance of the model passes FastAPI's validation as it is), about
    half the CPU of ``json.loads`` followed by validating the decoded
    objects (500 changes a request). A body that pass refuses is decoded
    as Starlette always does, so FastAPI reports it exactly as before."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = PushRequest.model_validate_json(body)
            except ValidationError:
                self._json = json.loads(body)
        return self._json


class _PushRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            return await handler(_PushBody(request.scope, request.receive))

        return route


def push(
    request: Request, req: PushRequest, caller: CurrentCaller, db: DbDep, settings: SettingsDep
) -> Response:
    """Apply a batch of changes atomically. Each change gets its own result;
    a replayed batch id returns the stored response."""
    if not caller.scope.can_write:
        raise ApiError(403, E.READ_ONLY)
    check_json(req.device, *(v for c in req.changes for v in _texts(c)))
    # A day of slack: a device whose clock runs a little ahead, or a record
    # saved just after midnight, is not rejected as dated in the future.
    today = datetime.now(ZoneInfo(settings.timezone)).date() + timedelta(days=1)
    ctx = push_service.PushContext(caller.scope, caller.device_id, today)
    for attempt in range(_PUSH_ATTEMPTS):
        last = attempt == _PUSH_ATTEMPTS - 1
        with seqs.write_session(db) as session:
            try:
                body, encoded = push_service.push_encoded(session, ctx, req)
                _count(body["results"])
                # Already in JSON form: no second validation of every result.
                return _json_response(request, encoded.encode(), settings.gzip_level)
            except IntegrityError:
                # A concurrent push of the same batch or the same new ids
                # committed first: the next attempt sees it. A change id
                # twice in this batch fails every time.
                session.rollback()
                if last:
                    raise ApiError(409, E.BATCH_FAILED) from None
            except OperationalError as exc:
                session.rollback()
                if last or _pgcode(exc) not in _RETRY_CODES:
                    raise
    raise AssertionError("unreachable")


def _json_response(request: Request, body: bytes, gzip_level: int) -> Response:
    """``body`` as the reply of a push or a pull, gzip'd here in the route's
    worker thread (ISA-L when installed: a tenth of the GZip middleware's
    zlib CPU), under the same conditions the middleware would; the
    middleware passes an encoded body through."""
    if len(body) >= GZIP_MINIMUM and accepts_gzip(request.headers.get("accept-encoding", "")):
        return Response(
            gzip_body(body, gzip_level),
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(body, media_type="application/json")


def _count(results: list[dict[str, Any]]) -> None:
    statuses: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    conflicts = 0
    for r in results:
        statuses[r["status"]] += 1
        conflicts += len(r["conflicts"])
        if r["status"] == "rejected":
            reasons[r["reason_code"] or "unknown"] += 1
    for status, n in statuses.items():
        metrics.CHANGES.labels(status).inc(n)
    for reason, n in reasons.items():
        metrics.REJECTIONS.labels(reason).inc(n)
    if conflicts:
        metrics.CONFLICTS.inc(conflicts)


router.add_api_route(
    "/push",
    push,
    methods=["POST"],
    response_model=PushResponse,
    responses=_PUSH_ERRORS,
    route_class_override=_PushRoute,
)

_PUSH_ATTEMPTS = 3
# deadlock_detected, serialization_failure: the transaction can run again.
_RETRY_CODES = frozenset({"40P01", "40001"})


def _pgcode(exc: OperationalError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


@router.get(
    "/pull",
    response_model=PullResponse,
    responses={s: {"model": ErrorResponse} for s in (401, 410, 422, 426)},
)
def pull(
    request: Request,
    caller: CurrentCaller,
    db: DbDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 1000,
    own_after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> Response:
    """Rows in the caller's scope changed after ``cursor``, in seq order;
    410 ``sync.cursor_expired`` when the cursor is older than the history kept;
    with ``own_after``, not this device's own inserts after that seq."""
    page = pull_service.pull_page(
        session,
        caller.scope,
        cursor,
        limit,
        caller.device_id,
        own_after,
        protocol=getattr(request.state, "protocol", None),  # set by the version check
    )
    session.rollback()  # end the snapshot before the bookkeeping below
    if page.stale_registration:
        seqs.reap_stale(db)
    metrics.PULLED_ROWS.inc(page.rows)
    audit.record(
        db,
        audit.PULL,
        username=caller.username,
        device=caller.device_id,
        address=client_address(request),
        scope=caller.scope.prefix,
        rows=page.rows,
        detail={"cursor": cursor},
    )
    return _json_response(request, page.body, settings.gzip_level)


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
