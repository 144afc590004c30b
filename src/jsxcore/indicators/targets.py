"""Targets are data: the shipped defaults below, overridden per division by
the server's reference data (a county sets its own; a township inherits its
county's, its city's and the province's, the nearest one winning).

A target is in the figure's own terms: a share as a fraction (0.95 is 95%),
a count, yuan, days or activities per village per month.
"""

from __future__ import annotations

from collections.abc import Mapping

from jsxcore.divisions import LEVEL_DIGITS, level_of_code, scope_prefix
from jsxcore.indicators.catalogue import INDICATORS
from jsxcore.messages import DomainError, Issue

# The common provincial norms (DOMAIN.md: contact weekly, face to face
# monthly, a home visit each quarter, activities at least monthly per
# village); a county overrides what it sets differently.
DEFAULT_TARGETS: dict[str, float] = {
    "family_doctor": 1.0,
    "contact_monthly": 1.0,
    "contact_weekly": 0.8,
    "home_visit_quarter": 1.0,
    "visits_overdue": 0,
    "major_event_days": 1,
    "subsidy_days": 30,
    "activities_per_village": 1,
    "families_paired": 1.0,
    "sites_six": 1.0,
    "associations_term": 1.0,
}

Overrides = Mapping[str, Mapping[str, float]]  # division code -> indicator -> target


def check_target(indicator_id: str, value: float) -> float:
    """A target someone sets: a known indicator, a sane number."""
    ind = INDICATORS.get(indicator_id)
    if ind is None:
        raise DomainError(
            Issue(
                "indicator",
                "target.indicator",
                f"没有指标“{indicator_id[:40]}”",
                f"No indicator '{indicator_id[:40]}'",
            )
        )
    top = 1.0 if ind.unit == "percent" else 1e9
    if not 0 <= value <= top:
        raise DomainError(
            Issue(
                "value",
                "target.range",
                f"“{ind.zh}”的目标应在 0 到 {top:g} 之间（比例写成小数，如 0.95）",
                f"The target of '{ind.en}' must lie between 0 and {top:g} (a share as a "
                "fraction, e.g. 0.95)",
            )
        )
    return float(value)


def resolve(division_code: str, overrides: Overrides | None = None) -> dict[str, float]:
    """The targets for a division: the defaults, then every override set for
    a division above it or for itself, the nearest last."""
    out = dict(DEFAULT_TARGETS)
    chain = sorted(
        (c for c in (overrides or {}) if len(c) == 12 and _covers(c, division_code)),
        key=_depth,
    )
    for code in chain:
        for ind, value in (overrides or {})[code].items():
            if ind in INDICATORS:
                out[ind] = float(value)
    return out


def _depth(code: str) -> int:
    return LEVEL_DIGITS[level_of_code(code)]


def _covers(ancestor: str, code: str) -> bool:
    """Whether division `ancestor` is `code` or lies above it."""
    return code.startswith(scope_prefix(ancestor, level_of_code(ancestor)))
