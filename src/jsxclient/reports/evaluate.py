"""The indicator catalogue (`jsxcore.indicators`) evaluated over a store.

Every indicator is one statement that returns the rows behind it, each as
``(row id, division code, numerator part, denominator part)``: a count gives
1 per row, a sum the row's amount, a share 1 or 0 per row of its base (the
denominator's population), an average the row's value over 1. The figure,
its split by village and its drill-down all come from those same rows, so
the list a drill-down opens has exactly as many rows as the figure counts.

Everything is computed *as of* the period: stocks from the dates on the
rows (a member who joined on or before the period's end and had not left by
then; a family enrolled by then and not yet exited), flows from the dates of
what happened (a visit by its visit date, so one recorded later counts in
the period it took place). Flags kept without history (family doctor
signed, volunteer active, the "六有" ticks) are read as last recorded.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from jsxclient.store.queries.base import Interrupt, run
from jsxclient.store.queries.pickers import division_name, township_places
from jsxcore import rules
from jsxcore.divisions import township_of
from jsxcore.indicators import targets as tg
from jsxcore.indicators.catalogue import CATALOGUE, INDICATORS, TERM_YEARS
from jsxcore.indicators.figures import Figure, Report, quarter_share
from jsxcore.indicators.periods import Period

Row = tuple[str, str, float, float | None]

# -- the populations, as of a day ------------------------------------------------------

#: Special families on the list on day :e (alias f).
FAMILY_ENROLLED = (
    "f.deleted = 0 AND f.division_code LIKE :tw "
    "AND coalesce(f.enrolled_on, substr(f.created_at, 1, 10)) <= :e "
    "AND (f.status = 'enrolled' OR (f.exit_date IS NOT NULL AND f.exit_date > :e))"
)


def _member_on(day: str) -> str:
    """Members on the books on `day` (alias m); one marked left or deceased
    with no date is taken as gone."""
    return (
        f"m.deleted = 0 AND m.division_code LIKE :tw AND m.joined_on <= {day} "
        f"AND (m.left_on > {day} OR (m.left_on IS NULL AND m.status = 'active'))"
    )


_FACE = "(" + ", ".join(f"'{m}'" for m in rules.FACE_TO_FACE_MODES) + ")"
# A subsidy's application date: the discharge (an application follows the
# stay), else the day it was recorded.
_APPLIED = "coalesce(c.discharged_on, substr(c.created_at, 1, 10))"
_VISIT = "v.deleted = 0 AND v.division_code LIKE :tw AND v.visit_date BETWEEN :s AND :e"
_ACTIVITY = "a.deleted = 0 AND a.division_code LIKE :tw AND a.held_on BETWEEN :s AND :e"
_VOLUNTEER = (
    "o.deleted = 0 AND o.division_code LIKE :tw AND o.active = 1 "
    "AND coalesce(o.registered_on, substr(o.created_at, 1, 10)) <= :e"
)
_PAIRED = (
    "EXISTS (SELECT 1 FROM volunteerpairing vp WHERE vp.deleted = 0 AND {col} = {alias}.id "
    "AND coalesce(vp.since, substr(vp.created_at, 1, 10)) <= :e)"
)

# Indicator id -> a statement returning (id, division_code, numerator, denominator).
SQL: dict[str, str] = {
    "members": f"SELECT m.id, m.division_code, 1, NULL FROM member m WHERE {_member_on(':e')}",
    "members_joined": "SELECT m.id, m.division_code, 1, NULL FROM member m WHERE m.deleted = 0 "
    "AND m.division_code LIKE :tw AND m.joined_on BETWEEN :s AND :e",
    "members_left": "SELECT m.id, m.division_code, 1, NULL FROM member m WHERE m.deleted = 0 "
    "AND m.division_code LIKE :tw AND m.left_on BETWEEN :s AND :e",
    "families": f"SELECT f.id, f.division_code, 1, NULL FROM specialfamily f "
    f"WHERE {FAMILY_ENROLLED}",
    "families_bereaved": f"SELECT f.id, f.division_code, 1, NULL FROM specialfamily f "
    f"WHERE {FAMILY_ENROLLED} AND f.category = 'bereaved'",
    "families_disabled": f"SELECT f.id, f.division_code, 1, NULL FROM specialfamily f "
    f"WHERE {FAMILY_ENROLLED} AND f.category = 'disabled'",
    "families_exited": "SELECT f.id, f.division_code, 1, NULL FROM specialfamily f "
    "WHERE f.deleted = 0 AND f.division_code LIKE :tw AND f.status = 'exited' "
    "AND f.exit_date BETWEEN :s AND :e",
    "family_doctor": f"SELECT f.id, f.division_code, f.family_doctor_signed = 1, 1 "
    f"FROM specialfamily f WHERE {FAMILY_ENROLLED}",
    "contact_monthly": "SELECT f.id, f.division_code, (SELECT count(DISTINCT "
    "substr(v.visit_date, 1, 7)) FROM carevisit v WHERE v.family_id = f.id AND v.deleted = 0 "
    f"AND v.visit_date BETWEEN :s AND :e) >= :months, 1 FROM specialfamily f "
    f"WHERE {FAMILY_ENROLLED}",
    "contact_weekly": "SELECT f.id, f.division_code, (SELECT count(DISTINCT CAST("
    "(julianday(v.visit_date) - julianday(:s)) / 7 AS INTEGER)) FROM carevisit v "
    "WHERE v.family_id = f.id AND v.deleted = 0 AND v.visit_date BETWEEN :s AND :week_end) "
    f">= :weeks, 1 FROM specialfamily f WHERE {FAMILY_ENROLLED}",
    "home_visit_quarter": "SELECT f.id, f.division_code, EXISTS (SELECT 1 FROM carevisit v "
    f"WHERE v.family_id = f.id AND v.deleted = 0 AND v.mode IN {_FACE} "
    f"AND v.visit_date BETWEEN :qs AND :e), 1 FROM specialfamily f WHERE {FAMILY_ENROLLED}",
    "visits": f"SELECT v.id, v.division_code, 1, NULL FROM carevisit v WHERE {_VISIT}",
    "major_events": f"SELECT v.id, v.division_code, 1, NULL FROM carevisit v "
    f"WHERE {_VISIT} AND v.major_event = 1",
    "major_event_days": "SELECT v.id, v.division_code, max(0, julianday(substr(v.created_at, "
    f"1, 10)) - julianday(v.visit_date)), 1 FROM carevisit v WHERE {_VISIT} "
    "AND v.major_event = 1",
    "subsidies_applied": "SELECT c.id, c.division_code, 1, NULL FROM caresubsidy c "
    f"WHERE c.deleted = 0 AND c.division_code LIKE :tw AND {_APPLIED} BETWEEN :s AND :e",
    "subsidies_paid": "SELECT c.id, c.division_code, 1, NULL FROM caresubsidy c "
    "WHERE c.deleted = 0 AND c.division_code LIKE :tw AND c.status = 'paid' "
    "AND c.paid_on BETWEEN :s AND :e",
    "subsidies_paid_yuan": "SELECT c.id, c.division_code, c.amount_fen / 100.0, NULL "
    "FROM caresubsidy c WHERE c.deleted = 0 AND c.division_code LIKE :tw "
    "AND c.status = 'paid' AND c.paid_on BETWEEN :s AND :e",
    "subsidies_refused": "SELECT c.id, c.division_code, 1, NULL FROM caresubsidy c "
    "WHERE c.deleted = 0 AND c.division_code LIKE :tw AND c.status = 'refused' "
    f"AND {_APPLIED} BETWEEN :s AND :e",
    "subsidies_pending": "SELECT c.id, c.division_code, 1, NULL FROM caresubsidy c "
    "WHERE c.deleted = 0 AND c.division_code LIKE :tw AND c.status IN ('applied', 'reviewed') "
    f"AND {_APPLIED} <= :e",
    "subsidy_days": "SELECT c.id, c.division_code, "
    f"max(0, julianday(c.paid_on) - julianday({_APPLIED})), 1 FROM caresubsidy c "
    "WHERE c.deleted = 0 AND c.division_code LIKE :tw AND c.status = 'paid' "
    "AND c.paid_on BETWEEN :s AND :e",
    "activities": f"SELECT a.id, a.division_code, 1, NULL FROM activity a WHERE {_ACTIVITY}",
    "activities_per_village": "SELECT a.id, a.division_code, 1, NULL FROM activity a "
    f"WHERE {_ACTIVITY} AND a.division_code != :township",
    "activity_participants": "SELECT a.id, a.division_code, a.participant_count, NULL "
    f"FROM activity a WHERE {_ACTIVITY}",
    "activities_529": "SELECT a.id, a.division_code, 1, NULL FROM activity a "
    f"WHERE {_ACTIVITY} AND a.campaign = 'member_day_529'",
    "volunteers": f"SELECT o.id, o.division_code, 1, NULL FROM volunteer o WHERE {_VOLUNTEER}",
    "volunteers_paired": "SELECT o.id, o.division_code, 1, NULL FROM volunteer o "
    f"WHERE {_VOLUNTEER} AND " + _PAIRED.format(col="vp.volunteer_id", alias="o"),
    "families_paired": "SELECT f.id, f.division_code, "
    + _PAIRED.format(col="vp.family_id", alias="f")
    + f", 1 FROM specialfamily f WHERE {FAMILY_ENROLLED}",
    "sites_six": "SELECT t.id, t.division_code, (t.has_place AND t.has_sign AND t.has_rules "
    "AND t.has_plan AND t.has_activities AND t.has_management), 1 FROM site t "
    "WHERE t.deleted = 0 AND t.division_code LIKE :tw AND t.kind = 'warm_home' "
    "AND coalesce(t.opened_on, substr(t.created_at, 1, 10)) <= :e",
    "projects": "SELECT j.id, j.division_code, 1, NULL FROM project j WHERE j.deleted = 0 "
    "AND j.division_code LIKE :tw AND j.year = :year AND j.status != 'cancelled'",
    "associations_term": "SELECT s.id, s.division_code, EXISTS (SELECT 1 FROM officer o "
    "WHERE o.association_id = s.id AND o.deleted = 0 AND o.post = 'president' "
    "AND o.term_start <= :e AND (o.term_end IS NULL OR o.term_end >= :e) "
    "AND o.term_start > :term_cut), 1 FROM association s WHERE s.deleted = 0 "
    "AND s.division_code LIKE :tw AND s.level IN ('township', 'village')",
}


@dataclass(frozen=True)
class Context:
    """What the statements of one period share."""

    township: str
    period: Period
    villages: list[str]  # the township's villages and communities

    def params(self) -> dict[str, Any]:
        p, e = self.period, self.period.end
        weeks = max(1, p.days // 7)
        return {
            "tw": township_of(self.township) + "%",
            "township": self.township,
            "s": p.start.isoformat(),
            "e": e.isoformat(),
            "qs": p.quarter_to_date().start.isoformat(),
            "months": len(p.months()),
            "weeks": weeks,
            # The tail shorter than a week is not judged.
            "week_end": (p.start + timedelta(days=7 * weeks - 1)).isoformat()
            if p.days >= 7
            else e.isoformat(),
            "year": e.year,
            "before": (p.start - timedelta(days=1)).isoformat(),
            "term_cut": _years_before(e, TERM_YEARS).isoformat(),
        }


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _overdue(
    conn: sqlite3.Connection, p: Mapping[str, Any], interrupt: Interrupt | None
) -> list[Row]:
    """Families whose scheduled visit (jsxcore.rules.next_visit) fell due
    before the period's end, judged on the visits made by then."""
    rows = run(
        conn,
        "SELECT f.id, f.division_code, f.enrolled_on, f.created_at, "
        " (SELECT max(v.visit_date) FROM carevisit v WHERE v.family_id = f.id AND v.deleted = 0"
        f"  AND v.mode IN {_FACE} AND v.visit_date <= :e),"
        " (SELECT v.follow_up_due FROM carevisit v WHERE v.family_id = f.id AND v.deleted = 0"
        "  AND v.visit_date <= :e ORDER BY v.visit_date DESC LIMIT 1)"
        f" FROM specialfamily f WHERE {FAMILY_ENROLLED}",
        p,
        interrupt,
    )
    end = date.fromisoformat(str(p["e"]))
    out: list[Row] = []
    for fid, code, enrolled, created, face, follow in rows:
        due = rules.next_visit(rules.schedule_start(enrolled, str(created)), face, follow).due
        if due < end:
            out.append((str(fid), str(code), 1, None))
    return out


def _growth(
    conn: sqlite3.Connection, p: Mapping[str, Any], interrupt: Interrupt | None
) -> list[Row]:
    """Net growth (joined − left) per village over the members on the books
    the day before the period began; three grouped reads (a union of them
    costs SQLite three times as much)."""
    parts: dict[str, list[float]] = {}

    def add(sql: str, day: str, slot: int, sign: float) -> None:
        grouped_sql = f"SELECT m.division_code, count(*) FROM member m WHERE {sql} GROUP BY 1"
        for code, n in run(conn, grouped_sql, {**p, "day": p[day]}, interrupt):
            parts.setdefault(str(code), [0.0, 0.0])[slot] += sign * n

    period = "m.deleted = 0 AND m.division_code LIKE :tw AND m.{col} BETWEEN :s AND :e"
    add(period.format(col="joined_on"), "s", 0, 1)
    add(period.format(col="left_on"), "s", 0, -1)
    add(_member_on(":day"), "before", 1, 1)
    return [("", code, n, d) for code, (n, d) in parts.items()]


SPECIAL: dict[
    str, Callable[[sqlite3.Connection, Mapping[str, Any], Interrupt | None], list[Row]]
] = {
    "visits_overdue": _overdue,
    "members_growth": _growth,
}


def rows(
    conn: sqlite3.Connection, ctx: Context, indicator_id: str, interrupt: Interrupt | None = None
) -> list[Row]:
    p = ctx.params()
    if indicator_id in SPECIAL:
        return SPECIAL[indicator_id](conn, p, interrupt)
    return [
        (str(i), str(c), float(n or 0), None if d is None else float(d))
        for i, c, n, d in run(conn, SQL[indicator_id], p, interrupt)
    ]


def grouped(
    conn: sqlite3.Connection, ctx: Context, indicator_id: str, interrupt: Interrupt | None = None
) -> list[Row]:
    """The same rows summed per village in SQL: one row per village instead
    of one per record (a figure needs no ids; its drill-down does)."""
    p = ctx.params()
    if indicator_id in SPECIAL:
        return SPECIAL[indicator_id](conn, p, interrupt)
    sql = (
        f"WITH x(i, c, n, d) AS ({SQL[indicator_id]}) "
        "SELECT '', c, total(n), CASE WHEN count(d) THEN total(d) END FROM x GROUP BY c"
    )
    return [
        (str(i), str(c), float(n or 0), None if d is None else float(d))
        for i, c, n, d in run(conn, sql, p, interrupt)
    ]


def figure(ctx: Context, indicator_id: str, found: Iterable[Row], target: float | None) -> Figure:
    ind = INDICATORS[indicator_id]
    num = 0.0
    den: float | None = 0.0 if ind.is_ratio else None
    parts: dict[str, list[float]] = {}
    for _, code, n, d in found:
        part = parts.setdefault(code, [0.0, 0.0])
        part[0] += n
        num += n
        if d is not None:
            part[1] += d
            den = (den or 0.0) + d
    if indicator_id == "activities_per_village":
        # The base is villages × months, whether or not a village held one.
        months = float(len(ctx.period.months()))
        den = months * len(ctx.villages)
        for v in ctx.villages:
            parts.setdefault(v, [0.0, 0.0])[1] = months
    if target is not None and ind.prorate_quarter:
        target *= quarter_share(ctx.period)
    return Figure(
        indicator_id,
        num,
        den,
        target,
        {k: (v[0], v[1] if ind.is_ratio else None) for k, v in parts.items()},
    )


def load_targets(conn: sqlite3.Connection, township: str) -> dict[str, float]:
    """The shipped defaults with the overrides the server sent (reference data)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'ref_targets'").fetchone()
    overrides: dict[str, dict[str, float]] = {}
    if row and row[0]:
        try:
            raw = json.loads(row[0])
            overrides = {
                str(code): {str(k): float(v) for k, v in table.items()}
                for code, table in raw.items()
            }
        except (ValueError, TypeError, AttributeError):
            overrides = {}  # a damaged value: fall back to the defaults, never fail a report
    return tg.resolve(township, overrides)


def compute(
    conn: sqlite3.Connection,
    township: str,
    period: Period,
    indicators: Iterable[str] | None = None,
    targets: Mapping[str, float] | None = None,
    interrupt: Interrupt | None = None,
    now: datetime | None = None,
) -> Report:
    """The figures of `period` for `township` (every indicator unless named)."""
    places = township_places(conn, township)
    villages = [pl.code for pl in places if pl.code != township]
    ctx = Context(township, period, villages)
    wanted = list(indicators) if indicators is not None else [i.id for i in CATALOGUE]
    goals = dict(targets) if targets is not None else load_targets(conn, township)
    figures = {i: figure(ctx, i, grouped(conn, ctx, i, interrupt), goals.get(i)) for i in wanted}
    return Report(
        township,
        division_name(conn, township),
        period,
        figures,
        [(pl.code, pl.name) for pl in places],
        (now or datetime.now()).strftime("%Y-%m-%d %H:%M"),
    )


@dataclass(frozen=True)
class Drill:
    """The rows behind a figure: open `entity`'s list filtered to `ids`."""

    indicator: str
    entity: str
    ids: list[str]


def drill(
    conn: sqlite3.Connection,
    township: str,
    period: Period,
    indicator_id: str,
    part: str | None = None,
    interrupt: Interrupt | None = None,
) -> Drill:
    """The rows a figure counts (a share: the rows of its numerator), for the
    whole township or one village (`part`)."""
    ind = INDICATORS[indicator_id]
    if ind.drill is None:
        raise KeyError(f"{indicator_id} has no single list behind it")
    places = township_places(conn, township)
    ctx = Context(township, period, [pl.code for pl in places if pl.code != township])
    ids = [
        i
        for i, code, n, _ in rows(conn, ctx, indicator_id, interrupt)
        # A share drills to its numerator; a count, sum or average to all its rows.
        if (ind.unit != "percent" or n != 0) and (part is None or code == part)
    ]
    return Drill(indicator_id, ind.drill, ids)


def trend(
    conn: sqlite3.Connection,
    township: str,
    period: Period,
    indicator_ids: Iterable[str],
    months: int = 12,
    interrupt: Interrupt | None = None,
) -> dict[str, list[tuple[str, Figure]]]:
    """Each indicator month by month over the `months` ending with the
    period's: the trend chart's series as (month key, figure), the figure
    with its villages (a village's own trend)."""
    places = township_places(conn, township)
    villages = [pl.code for pl in places if pl.code != township]
    out: dict[str, list[tuple[str, Figure]]] = {i: [] for i in indicator_ids}
    for m in period.trailing_months(months):
        ctx = Context(township, m, villages)
        for i in out:
            out[i].append((m.key, figure(ctx, i, grouped(conn, ctx, i, interrupt), None)))
    return out
