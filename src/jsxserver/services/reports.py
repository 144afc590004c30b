"""Reports upward on the server: the targets counties set, the monthly
reports submitted in an area, the county's answer and the sum over any
division's subtree.

A report is an ordinary synced record (`monthlyreport`); the answer is
written as a change through the push service, as if the reviewer's device
had pushed it, so it gets a sequence number, merges field by field with
whatever the township does meanwhile, and reaches the township on its next
pull.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from jsxcore.divisions import LEVEL_DIGITS, level_of_code, scope_prefix
from jsxcore.hlc import HybridClock
from jsxcore.indicators import targets as tg
from jsxcore.indicators.figures import Report, aggregate, from_snapshot, to_snapshot
from jsxcore.indicators.periods import Period
from jsxcore.indicators.submission import REVIEW_STATES, comment_needed
from jsxcore.models import new_id
from jsxcore.protocol import (
    AggregateResponse,
    Change,
    DivisionOut,
    PushRequest,
    ReportSummary,
    ReviewRequest,
)
from jsxserver.core.errors import ApiError, Reason
from jsxserver.models import RECORD_TABLE, Division, IndicatorTarget, Record, utcnow, wire_time
from jsxserver.services import push as push_service
from jsxserver.services.reference import ancestor_codes
from jsxserver.services.scope import Scope

ENTITY = "monthlyreport"
REVIEWERS = frozenset({"county_reviewer", "province_admin"})

NOT_REVIEWER = Reason(
    "report.not_reviewer",
    "只有县级审核员可以审核月报",
    "Only a county reviewer may review monthly reports",
)
REPORT_NOT_FOUND = Reason(
    "report.not_found",
    "找不到这份月报，或它不在您的管辖范围内",
    "No such report in your area",
)
DIVISION_OUTSIDE = Reason(
    "report.division_outside",
    "该区划不存在或不在您的管辖范围内",
    "That division does not exist or lies outside your area",
)
REVIEW_FAILED = Reason(
    "report.review_failed", "审核结果未能保存，请重试", "The review could not be saved; try again"
)


# -- targets ---------------------------------------------------------------------------


def set_target(session: Session, division_code: str, indicator: str, value: float) -> None:
    value = tg.check_target(indicator, value)
    if session.get(Division, division_code) is None:
        raise ValueError(f"unknown division {division_code}")
    row = session.get(IndicatorTarget, (division_code, indicator))
    if row is None:
        session.add(IndicatorTarget(division_code=division_code, indicator=indicator, value=value))
    else:
        row.value, row.updated_at = value, utcnow()
        session.add(row)
    session.commit()


def target_overrides(session: Session, division_code: str) -> dict[str, dict[str, float]]:
    """The overrides set for `division_code` and every division above it."""
    codes = [division_code, *ancestor_codes(division_code)]
    out: dict[str, dict[str, float]] = {}
    for code, ind, value in session.execute(
        select(
            col(IndicatorTarget.division_code),
            col(IndicatorTarget.indicator),
            col(IndicatorTarget.value),
        ).where(col(IndicatorTarget.division_code).in_(codes))
    ):
        out.setdefault(code, {})[ind] = float(value)
    return out


# -- the reports of an area --------------------------------------------------------------


def _area(scope: Scope | None, division_code: str | None) -> str:
    """The code prefix of the area asked for, checked against the caller's."""
    if division_code is None:
        if scope is None:
            raise ValueError("a division is needed")
        return scope.prefix
    prefix = scope_prefix(division_code, level_of_code(division_code))
    if scope is not None and not prefix.startswith(scope.prefix):
        raise ApiError(403, DIVISION_OUTSIDE)
    return prefix


def _rows(session: Session, prefix: str, period: str | None) -> list[Record]:
    lo = prefix[: LEVEL_DIGITS["township"]].ljust(9, "0")
    hi = prefix[: LEVEL_DIGITS["township"]].ljust(9, "9")
    stmt = select(Record).where(
        col(Record.entity) == ENTITY,
        col(Record.township).between(lo, hi),
        col(Record.division_code).startswith(prefix),
        col(Record.deleted).is_(False),
    )
    if period is not None:
        # In the database (SQLite and PostgreSQL alike): a province holds
        # thousands of reports, each with its snapshot.
        stmt = stmt.where(RECORD_TABLE.c.data["period"].as_string() == period)
    rows = list(session.execute(stmt).scalars())
    return sorted(rows, key=lambda r: (r.data.get("period_end") or "", r.division_code))


def _names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(
        session.execute(
            select(col(Division.code), col(Division.name)).where(col(Division.code).in_(codes))
        ).all()
    )


def _summary(r: Record, names: Mapping[str, str]) -> ReportSummary:
    d = r.data
    return ReportSummary(
        id=r.id,
        division_code=r.division_code,
        division_name=names.get(r.division_code, r.division_code),
        period=str(d.get("period")),
        state=str(d.get("state")),
        submitted_by=d.get("submitted_by"),
        submitted_at=d.get("submitted_at"),
        review_comment=d.get("review_comment"),
        reviewed_by=d.get("reviewed_by"),
        reviewed_at=d.get("reviewed_at"),
    )


def list_reports(
    session: Session, scope: Scope, division_code: str | None, period: str | None
) -> list[ReportSummary]:
    rows = _rows(session, _area(scope, division_code), period)
    names = _names(session, {r.division_code for r in rows})
    return [_summary(r, names) for r in rows]


def review(
    session: Session,
    scope: Scope,
    device_id: str,
    report_id: str,
    req: ReviewRequest,
    today: date,
) -> ReportSummary:
    if scope.role not in REVIEWERS:
        raise ApiError(403, NOT_REVIEWER)
    if req.state not in REVIEW_STATES:  # the model says so too
        raise ApiError(422, NOT_REVIEWER)
    comment = req.comment.strip()
    if req.state == "returned" and not comment:
        issue = comment_needed().issue
        raise ApiError(422, Reason(issue.code, issue.zh, issue.en))
    row = session.get(Record, (ENTITY, report_id))
    if row is None or row.deleted or not scope.contains(row.division_code):
        raise ApiError(404, REPORT_NOT_FOUND)
    fields: dict[str, Any] = {
        "state": req.state,
        "review_comment": comment or None,
        "reviewed_by": scope.username,
        "reviewed_at": wire_time(utcnow())[:19],
    }
    old = {k: row.data.get(k) for k in fields}
    # A stamp after every field of the row: the answer is the newest word.
    clock = HybridClock(device_id[:40] or "server")
    for stamp in row.field_hlc.values():
        clock.observe(stamp)
    change = Change(
        change_id=new_id(),
        entity=ENTITY,
        row_id=report_id,
        op="update",
        fields=fields,
        old=old,
        hlc=clock.now(),
        device=device_id,
        user=scope.username,
    )
    session.rollback()  # push opens its own transaction
    resp = push_service.push(
        session,
        push_service.PushContext(scope, device_id, today),
        PushRequest(batch_id=uuid.uuid4().hex, device=device_id, changes=[change]),
    )
    if resp["results"][0]["status"] not in ("applied", "merged", "conflict"):
        raise ApiError(409, REVIEW_FAILED)
    session.expire_all()
    fresh = session.get(Record, (ENTITY, report_id))
    assert fresh is not None
    return _summary(fresh, _names(session, {fresh.division_code}))


# -- the sum over an area ---------------------------------------------------------------


def aggregate_area(
    session: Session,
    scope: Scope | None,
    division_code: str,
    period: Period,
    states: tuple[str, ...] = ("submitted", "accepted"),
) -> tuple[Report, list[DivisionOut]]:
    """The sum of the area's townships' reports for `period`, and the
    townships of the area that have none in `states`."""
    prefix = _area(scope, division_code)
    division = session.get(Division, division_code)
    if division is None:
        raise ApiError(404, DIVISION_OUTSIDE)
    reports = []
    done: set[str] = set()
    for r in _rows(session, prefix, period.key):
        if r.data.get("state") not in states:
            continue
        try:
            reports.append(from_snapshot(json.loads(r.data["figures"])))
        except (ValueError, KeyError, TypeError):
            continue  # a snapshot this server cannot read is left out, not fatal
        done.add(r.division_code)
    towns = session.execute(
        select(Division).where(
            col(Division.level) == "township", col(Division.code).startswith(prefix)
        )
    ).scalars()
    missing = [
        DivisionOut(code=t.code, name=t.name, level=t.level, parent_code=t.parent_code)
        for t in sorted(towns, key=lambda t: t.code)
        if t.code not in done
    ]
    goals = tg.resolve(division_code, target_overrides(session, division_code))
    total = aggregate(division_code, division.name, period, reports, goals)
    return total, missing


def aggregate_response(report: Report, missing: list[DivisionOut]) -> AggregateResponse:
    return AggregateResponse(snapshot=to_snapshot(report), missing=missing)
