"""The indicator catalogue, periods, targets and the sum of snapshots."""

from __future__ import annotations

from datetime import date

import pytest

from jsxcore.indicators import targets
from jsxcore.indicators.catalogue import CATALOGUE, GROUPS
from jsxcore.indicators.figures import Figure, Report, aggregate, from_snapshot, to_snapshot
from jsxcore.indicators.periods import month, parse_period
from jsxcore.messages import DomainError


def test_the_catalogue_is_complete_data() -> None:
    groups = {g.id for g in GROUPS}
    assert len({i.id for i in CATALOGUE}) == len(CATALOGUE)
    for i in CATALOGUE:
        assert i.group in groups
        assert i.zh and i.en and i.definition_zh and i.definition_en
        assert i.numerator_zh and i.numerator_en
        assert (i.denominator_zh is None) == (i.denominator_en is None)
        assert i.unit != "percent" or i.is_ratio
    assert set(targets.DEFAULT_TARGETS) <= {i.id for i in CATALOGUE}


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "key"),
    [
        ("2026-10", "month", date(2026, 10, 1), date(2026, 10, 31), "2026-10"),
        ("2024-2", "month", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30), "2026-Q3"),
        ("2026h2", "half", date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2026"),
        (
            "2026-01-05..2026-02-20",
            "range",
            date(2026, 1, 5),
            date(2026, 2, 20),
            "2026-01-05..2026-02-20",
        ),
    ],
)
def test_periods_as_typed(text: str, kind: str, start: date, end: date, key: str) -> None:
    p = parse_period(text)
    assert (p.kind, p.start, p.end, p.key) == (kind, start, end, key)
    assert parse_period(p.key) == p


@pytest.mark.parametrize("bad", ["2026-13", "Oct 2026", "2026-Q5", "2026-03-01..2026-02-01", ""])
def test_a_bad_period_says_how_to_write_one(bad: str) -> None:
    with pytest.raises(DomainError) as e:
        parse_period(bad)
    assert "2026-10" in e.value.issue.zh and "2026-10" in e.value.issue.en


def test_period_helpers() -> None:
    q = parse_period("2026-Q4")
    assert [m.key for m in q.months()] == ["2026-10", "2026-11", "2026-12"]
    assert month(2026, 11).quarter_to_date().start == date(2026, 10, 1)
    assert [m.key for m in month(2026, 2).trailing_months(3)] == ["2025-12", "2026-01", "2026-02"]
    assert month(2026, 10).label("zh") == "2026年10月"
    assert month(2026, 10).label("en") == "October 2026"


def test_targets_nearest_division_wins() -> None:
    over = {
        "430000000000": {"family_doctor": 0.9, "sites_six": 0.5},
        "430105000000": {"family_doctor": 0.8},
        "430106000000": {"family_doctor": 0.1},  # another county
        "430105003000": {"unknown": 3},
    }
    t = targets.resolve("430105003000", over)
    assert t["family_doctor"] == 0.8 and t["sites_six"] == 0.5
    assert t["contact_monthly"] == targets.DEFAULT_TARGETS["contact_monthly"]
    assert "unknown" not in t
    # 430105010 is a different township whose code starts like 43010501.
    assert targets.resolve("430105010000", {"430105003000": {"sites_six": 0.1}})["sites_six"] == 1


def test_a_target_out_of_range_is_refused() -> None:
    with pytest.raises(DomainError):
        targets.check_target("family_doctor", 95)
    with pytest.raises(DomainError):
        targets.check_target("nope", 1)
    assert targets.check_target("subsidy_days", 20) == 20


def _report(code: str, name: str, n: float, d: float) -> Report:
    p = month(2026, 10)
    figs = {
        "family_doctor": Figure("family_doctor", n, d, 1.0, {code[:9] + "001": (n, d)}),
        "members": Figure("members", 10 * n, None, None, {code[:9] + "001": (10 * n, None)}),
    }
    return Report(code, name, p, figs, [(code, name)], "2026-11-01 08:00")


def test_snapshots_round_trip_and_sum() -> None:
    a = _report("430105003000", "甲街道", 3, 4)
    b = _report("430105004000", "乙街道", 1, 6)
    assert from_snapshot(to_snapshot(a)) == a
    total = aggregate("430105000000", "开福区", month(2026, 10), [a, b], {"family_doctor": 0.5})
    f = total.figures["family_doctor"]
    assert (f.numerator, f.denominator, f.value) == (4, 10, 0.4)
    assert f.met is False and f.parts["430105004000"] == (1, 6)
    assert total.figures["members"].numerator == 40
    assert total.parts == [("430105003000", "甲街道"), ("430105004000", "乙街道")]


def test_the_township_row_shows_only_where_a_figure_counts_rows_there() -> None:
    town, village = "430105001000", "430105001001"
    ind = CATALOGUE[0].id
    parts = [(town, "清水塘街道"), (village, "一村")]
    only_village = Report(
        town,
        "清水塘街道",
        month(2026, 10),
        {ind: Figure(ind, 3, None, None, {village: (3, None)})},
        parts,
    )
    assert only_village.parts_with_figures() == [(village, "一村")]
    both = Report(
        town,
        "清水塘街道",
        month(2026, 10),
        {ind: Figure(ind, 5, None, None, {village: (3, None), town: (2, None)})},
        parts,
    )
    assert both.parts_with_figures() == parts
