"""Each indicator against the hand-built township of `fixture` (October
2026), its split by village, its drill-down and its target."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from jsxclient.reports import evaluate
from jsxclient.store.queries import paging
from jsxclient.store.queries.paging import Query
from jsxclient.store.store import Store
from jsxcore.indicators.catalogue import CATALOGUE, INDICATORS
from jsxcore.indicators.periods import parse_period

from ..conftest import TOWNSHIP, VILLAGE
from .fixture import PERIOD, Fixture, build


@pytest.fixture
def fx(store: Store) -> Fixture:
    return build(store)


def conn(store: Store) -> sqlite3.Connection:
    return store.db.connection()


def expected(fx: Fixture) -> dict[str, tuple[float, float | None]]:
    """(numerator, denominator) of every indicator, worked out by hand."""
    associations = fx.villages + 1
    return {
        # m1, m2 (joined mid-month), m5 (left after it), m7 (joined on the
        # last day), m8; not m3 (joined after), m4 (left mid-month), m6.
        "members": (5, None),
        "members_joined": (2, None),  # m2, m7
        "members_left": (1, None),  # m4
        # (2 − 1) over m1, m4, m5, m8 on 30 September.
        "members_growth": (1, 4),
        # f1, f3 (exits after the month), f5, f6; not f2 (exited mid-month),
        # f4 (enrolled after).
        "families": (4, None),
        "families_bereaved": (4, None),
        "families_disabled": (0, None),
        "families_exited": (1, None),  # f2
        "family_doctor": (1, 4),  # f1
        "contact_monthly": (3, 4),  # f1 (last day), f5 (backdated), f6
        "contact_weekly": (1, 4),  # f6: one in each of the four full weeks
        "home_visit_quarter": (1, 4),  # f1 on the last day; f5's was in September
        "visits_overdue": (2, None),  # f3 and f6: no face-to-face visit since 2020
        "visits": (7, None),  # v1, v2, four for f6, v4 (its family exited later)
        "major_events": (1, None),
        "major_event_days": (3, 1),  # 5 October, recorded on the 8th
        "subsidies_applied": (3, None),  # s1, s3, s4
        "subsidies_paid": (2, None),  # s1, s2
        "subsidies_paid_yuan": (400, None),
        "subsidies_refused": (1, None),
        "subsidies_pending": (1, None),  # s4; s5 applied after the month
        "subsidy_days": (17 + 22, 2),
        "activities": (3, None),  # a1, a2 (last day), a3 (township); not a4
        "activities_per_village": (2, fx.villages),
        "activity_participants": (130, None),
        "activities_529": (1, None),
        "volunteers": (1, None),  # o1; o2 registered after, o3 inactive
        "volunteers_paired": (1, None),
        "families_paired": (1, 4),
        "sites_six": (1, 2),  # w1; w2 lacks a plan; the third opened later
        "projects": (1, None),
        "associations_term": (1, associations),  # only village 1's president
    }


def test_every_indicator_has_an_expected_figure(fx: Fixture) -> None:
    assert set(expected(fx)) == set(INDICATORS)


@pytest.mark.parametrize("ind", [i.id for i in CATALOGUE])
def test_indicator_against_the_fixture(store: Store, fx: Fixture, ind: str) -> None:
    report = evaluate.compute(conn(store), TOWNSHIP, parse_period(PERIOD), [ind], targets={})
    f = report.figures[ind]
    num, den = expected(fx)[ind]
    assert f.numerator == pytest.approx(num)
    assert f.denominator == (None if den is None else pytest.approx(den))
    # The villages add up to the whole.
    assert sum(n for n, _ in f.parts.values()) == pytest.approx(num)
    if den is not None:
        assert sum(d or 0 for _, d in f.parts.values()) == pytest.approx(den)


@pytest.mark.parametrize("ind", [i.id for i in CATALOGUE if i.drill is not None])
def test_drill_down_count_equals_the_figure(store: Store, fx: Fixture, ind: str) -> None:
    period = parse_period(PERIOD)
    f = evaluate.compute(conn(store), TOWNSHIP, period, [ind], targets={}).figures[ind]
    d = evaluate.drill(conn(store), TOWNSHIP, period, ind)
    spec = INDICATORS[ind]
    rows = evaluate.rows(conn(store), evaluate.Context(TOWNSHIP, period, []), ind)
    if spec.unit in ("count",):
        assert len(d.ids) == f.numerator
    elif spec.unit == "percent":
        assert len(d.ids) == f.numerator  # the rows of the numerator
    else:  # a sum or an average: its rows, whose values make the figure
        assert len(d.ids) == len(rows)
        assert sum(r[2] for r in rows if r[0] in set(d.ids)) == pytest.approx(f.numerator)
    assert len(set(d.ids)) == len(d.ids)
    # The list the drill-down opens, filtered to those ids, counts as many.
    q = Query(filters={"ids": json.dumps(d.ids)})
    assert paging.count(conn(store), d.entity, q) == len(d.ids)
    assert sorted(paging.page(conn(store), d.entity, q, limit=1000).ids) == sorted(d.ids)


def test_drill_down_of_one_village(store: Store, fx: Fixture) -> None:
    period = parse_period(PERIOD)
    d = evaluate.drill(conn(store), TOWNSHIP, period, "members", part=fx.v2)
    assert d.ids == [fx.ids["m8"]]
    d = evaluate.drill(conn(store), TOWNSHIP, period, "contact_monthly", part=VILLAGE)
    assert sorted(d.ids) == sorted([fx.ids["f1"], fx.ids["f6"]])


def test_stocks_are_as_of_the_period_not_today(store: Store, fx: Fixture) -> None:
    c = conn(store)
    sept = evaluate.compute(c, TOWNSHIP, parse_period("2026-09"), ["members", "families"])
    assert sept.figures["members"].numerator == 4  # m1, m4, m5, m8
    assert sept.figures["families"].numerator == 5  # f2 had not exited yet
    nov = evaluate.compute(c, TOWNSHIP, parse_period("2026-11"), ["members", "families"])
    # m3 joined, m5 left; f3 exited, f4 enrolled.
    assert nov.figures["members"].numerator == 5
    assert nov.figures["families"].numerator == 4


def test_periods_longer_than_a_month(store: Store, fx: Fixture) -> None:
    c = conn(store)
    q = evaluate.compute(c, TOWNSHIP, parse_period("2026-Q4"), ["activities", "contact_monthly"])
    # Three months: a4 on 1 November counts; nobody was contacted every month.
    assert q.figures["activities"].numerator == 4
    assert q.figures["contact_monthly"].numerator == 0
    r = evaluate.compute(
        c, TOWNSHIP, parse_period("2026-10-01..2026-10-07"), ["contact_weekly", "visits"]
    )
    # f6 on the 1st, f5 on the 5th, f2 on the 5th (its exit on the 10th is after).
    assert r.figures["contact_weekly"].numerator == 3
    assert r.figures["contact_weekly"].denominator == 5
    assert r.figures["visits"].numerator == 3  # w0, v2, v4
    year = evaluate.compute(c, TOWNSHIP, parse_period("2026"), ["activities_per_village"])
    assert year.figures["activities_per_village"].denominator == 12 * fx.villages


def test_targets_and_whether_they_are_met(store: Store, fx: Fixture) -> None:
    c = conn(store)
    c.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('ref_targets', ?)",
        ('{"430105000000": {"family_doctor": 0.2, "visits_overdue": 3}}',),
    )
    r = evaluate.compute(c, TOWNSHIP, parse_period(PERIOD))
    f = r.figures
    assert (f["family_doctor"].target, f["family_doctor"].met) == (0.2, True)  # 25% >= 20%
    assert (f["visits_overdue"].target, f["visits_overdue"].met) == (3, True)  # 2 <= 3
    assert f["contact_monthly"].target == 1.0 and f["contact_monthly"].met is False
    # October is the first month of its quarter: a third of the quarterly norm.
    assert f["home_visit_quarter"].target == pytest.approx(1 / 3)
    assert f["home_visit_quarter"].met is False  # 25% < 33%
    assert f["members"].target is None and f["members"].met is None
    assert f["subsidy_days"].met is True  # 19.5 days <= 30


def test_trend_month_by_month(store: Store, fx: Fixture) -> None:
    t = evaluate.trend(conn(store), TOWNSHIP, parse_period(PERIOD), ["members", "activities"], 3)
    assert [k for k, _ in t["members"]] == ["2026-08", "2026-09", "2026-10"]
    assert [f.value for _, f in t["members"]] == [4, 4, 5]
    assert [f.value for _, f in t["activities"]] == [0, 0, 3]
    assert [f.part_value(VILLAGE) for _, f in t["members"]] == [3, 3, 4]


def test_an_empty_base_gives_no_figure(store: Store) -> None:
    r = evaluate.compute(conn(store), TOWNSHIP, parse_period("2026-10"), targets={})
    assert r.figures["family_doctor"].value is None
    assert r.figures["family_doctor"].met is None
    assert r.figures["members"].value == 0
    assert date.fromisoformat(r.period.end.isoformat()) == date(2026, 10, 31)
