"""Figures of a period and the report that holds them.

A figure is a numerator and an optional denominator, overall and per part
(a township's villages, a county's townships). Parts and wholes add by
summing both, so a county's table is the sum of its townships' submitted
snapshots, with no other rule per indicator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsxcore.indicators.catalogue import CATALOGUE, INDICATORS, Indicator
from jsxcore.indicators.periods import Period, parse_period

#: Bumped when the snapshot layout changes; a reader refuses a newer one.
SNAPSHOT_VERSION = 1


def ratio(numerator: float, denominator: float | None) -> float | None:
    if denominator is None:
        return numerator
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Figure:
    indicator: str
    numerator: float
    denominator: float | None = None
    target: float | None = None  # in force for this period (prorated where the norm is)
    parts: Mapping[str, tuple[float, float | None]] = field(default_factory=dict)

    @property
    def spec(self) -> Indicator:
        return INDICATORS[self.indicator]

    @property
    def value(self) -> float | None:
        """The figure: the share, average or rate; None when its base is empty."""
        return ratio(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None without a target or a figure."""
        v, t = self.value, self.target
        if v is None or t is None:
            return None
        better = self.spec.better
        if better == "lower":
            return v <= t + 1e-9
        return v >= t - 1e-9

    def part_value(self, code: str) -> float | None:
        n, d = self.parts.get(code, (0, 0 if self.denominator is not None else None))
        return ratio(n, d)


@dataclass(frozen=True)
class Report:
    """A township's (or an aggregate's) figures for one period."""

    division_code: str
    division_name: str
    period: Period
    figures: Mapping[str, Figure]
    parts: list[tuple[str, str]]  # (code, name): the villages, or the townships of a sum
    computed_at: str = ""

    def ordered(self) -> list[Figure]:
        return [self.figures[i.id] for i in CATALOGUE if i.id in self.figures]

    def parts_with_figures(self) -> list[tuple[str, str]]:
        """The parts to show beside each other: every village, and the division's
        own part (records kept at township level) only where some figure counts
        rows there — not a row of zeros that reads like an empty village."""
        return [
            (code, name)
            for code, name in self.parts
            if code != self.division_code or any(code in f.parts for f in self.figures.values())
        ]


def format_value(ind: Indicator, value: float | None, lang: str = "zh") -> str:
    """A figure as a report prints it."""
    if value is None:
        return "—"
    if ind.unit == "percent":
        return f"{value * 100:.1f}%"
    if ind.unit == "yuan":
        return f"{value:,.2f}"
    if ind.unit in ("days", "per_village_month"):
        return f"{value:.1f}"
    return f"{value:,.0f}"


UNIT_LABELS: dict[str, tuple[str, str]] = {
    "count": ("个", "count"),
    "percent": ("%", "%"),
    "yuan": ("元", "yuan"),
    "days": ("天", "days"),
    "person_times": ("人次", "person-times"),
    "per_village_month": ("场/村/月", "per village per month"),
}


# What a count counts, by the rows behind it.
COUNT_UNITS: dict[str, tuple[str, str]] = {
    "member": ("人", "members"),
    "specialfamily": ("户", "families"),
    "carevisit": ("次", "visits"),
    "caresubsidy": ("笔", "subsidies"),
    "activity": ("场", "activities"),
    "volunteer": ("人", "volunteers"),
    "site": ("个", "sites"),
    "project": ("个", "projects"),
    "association": ("个", "associations"),
}


def unit_label(ind: Indicator, lang: str = "zh") -> str:
    zh, en = UNIT_LABELS[ind.unit]
    if ind.unit == "count" and ind.drill in COUNT_UNITS:
        zh, en = COUNT_UNITS[ind.drill]
    return en if lang.lower().startswith("en") else zh


# -- the snapshot a township submits ---------------------------------------------------


def to_snapshot(report: Report) -> dict[str, Any]:
    """The report as JSON-able data: what the submitted record carries."""
    return {
        "version": SNAPSHOT_VERSION,
        "division_code": report.division_code,
        "division_name": report.division_name,
        "period": report.period.key,
        "computed_at": report.computed_at,
        "parts": [list(p) for p in report.parts],
        "figures": {
            f.indicator: {
                "n": f.numerator,
                "d": f.denominator,
                "t": f.target,
                "parts": {k: [n, d] for k, (n, d) in f.parts.items()},
            }
            for f in report.ordered()
        },
    }


class SnapshotError(ValueError):
    pass


def from_snapshot(data: Mapping[str, Any]) -> Report:
    try:
        if int(data.get("version", 0)) > SNAPSHOT_VERSION:
            raise SnapshotError(f"snapshot version {data.get('version')} is newer")
        figures = {}
        for ind_id, f in dict(data["figures"]).items():
            if ind_id not in INDICATORS:
                continue  # an indicator a newer program added
            figures[ind_id] = Figure(
                ind_id,
                float(f["n"]),
                None if f.get("d") is None else float(f["d"]),
                None if f.get("t") is None else float(f["t"]),
                {
                    str(k): (float(v[0]), None if v[1] is None else float(v[1]))
                    for k, v in dict(f.get("parts") or {}).items()
                },
            )
        return Report(
            str(data["division_code"]),
            str(data.get("division_name", "")),
            parse_period(str(data["period"])),
            figures,
            [(str(c), str(n)) for c, n in data.get("parts") or []],
            str(data.get("computed_at", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"unreadable report snapshot: {exc}") from exc


def aggregate(
    division_code: str,
    division_name: str,
    period: Period,
    reports: Iterable[Report],
    targets: Mapping[str, float] | None = None,
) -> Report:
    """The sum of several townships' reports; each township becomes a part."""
    sums: dict[str, list[float | None]] = {}
    parts: dict[str, dict[str, tuple[float, float | None]]] = {}
    names: list[tuple[str, str]] = []
    for r in reports:
        names.append((r.division_code, r.division_name))
        for f in r.figures.values():
            acc = sums.setdefault(f.indicator, [0.0, None])
            acc[0] = float(acc[0] or 0) + f.numerator
            if f.denominator is not None:
                acc[1] = float(acc[1] or 0) + f.denominator
            parts.setdefault(f.indicator, {})[r.division_code] = (f.numerator, f.denominator)
    figures = {}
    for i in CATALOGUE:
        if i.id not in sums:
            continue
        n, d = sums[i.id]
        target = (targets or {}).get(i.id)
        if target is not None and i.prorate_quarter:
            target *= quarter_share(period)
        figures[i.id] = Figure(i.id, float(n or 0), d, target, parts[i.id])
    return Report(division_code, division_name, period, figures, names)


def quarter_share(period: Period) -> float:
    """The share of its quarter elapsed at the period's end, in whole months
    (a quarterly norm at the end of the quarter's first month is one third)."""
    return ((period.end.month - 1) % 3 + 1) / 3
