"""Reports upward: the monthly reports submitted in the caller's area, the
county's answer, the sum over a division, and the targets set above."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query

from jsxcore.indicators.periods import parse_period
from jsxcore.messages import DomainError
from jsxcore.protocol import (
    AggregateResponse,
    ErrorResponse,
    ReportListResponse,
    ReportSummary,
    ReviewRequest,
    TargetsResponse,
)
from jsxserver.api.deps import CurrentCaller, DbDep, ReadSessionDep, SettingsDep
from jsxserver.core import seqs
from jsxserver.core.errors import ApiError, Reason
from jsxserver.services import reports as svc

router = APIRouter(prefix="/reports", tags=["reports"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (401, 403, 404, 409, 422)
}
Division = Annotated[str | None, Query(pattern=r"^\d{12}$")]


def _period(text: str) -> str:
    try:
        return parse_period(text).key
    except DomainError as exc:
        raise ApiError(422, Reason(exc.issue.code, exc.issue.zh, exc.issue.en)) from None


@router.get("/targets", responses=_ERRORS)
def targets(caller: CurrentCaller, session: ReadSessionDep) -> TargetsResponse:
    """Targets set for the caller's division and the divisions above it."""
    return TargetsResponse(targets=svc.target_overrides(session, caller.division_code))


@router.get("", responses=_ERRORS)
def list_reports(
    caller: CurrentCaller,
    session: ReadSessionDep,
    division: Division = None,
    period: Annotated[str | None, Query(max_length=30)] = None,
) -> ReportListResponse:
    """The monthly reports submitted in the caller's area (or a part of it)."""
    key = _period(period) if period else None
    return ReportListResponse(reports=svc.list_reports(session, caller.scope, division, key))


@router.post("/{report_id}/review", responses=_ERRORS)
def review(
    report_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")],
    req: ReviewRequest,
    caller: CurrentCaller,
    db: DbDep,
    settings: SettingsDep,
) -> ReportSummary:
    """A county reviewer accepts a report or returns it with a comment."""
    today = datetime.now(ZoneInfo(settings.timezone)).date() + timedelta(days=1)
    # A session that takes seqs, as a push does (the answer is pushed).
    with seqs.write_session(db) as session:
        return svc.review(session, caller.scope, caller.device_id, report_id, req, today)


@router.get("/aggregate", responses=_ERRORS)
def aggregate(
    caller: CurrentCaller,
    session: ReadSessionDep,
    period: Annotated[str, Query(max_length=30)],
    division: Division = None,
) -> AggregateResponse:
    """The sum of the reports submitted for `period` in a division's area."""
    p = parse_period(_period(period))
    code = division or caller.scope.prefix.ljust(12, "0")
    total, missing = svc.aggregate_area(session, caller.scope, code, p)
    return svc.aggregate_response(total, missing)
