"""Reporting periods: a month, a quarter, a half year, a year or any date
range, written the way a worker types them.

    2026-10            October 2026
    2026-Q3            the third quarter
    2026-H1            the first half year
    2026               the year
    2026-01-05..2026-02-20   a date range (both days included)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from jsxcore.messages import DomainError, Issue

PeriodKind = Literal["month", "quarter", "half", "year", "range"]


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # included

    @property
    def key(self) -> str:
        """The period as typed: what a report record and the CLI use."""
        y = self.start.year
        if self.kind == "month":
            return f"{y}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{y}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{y}-H{1 if self.start.month == 1 else 2}"
        if self.kind == "year":
            return str(y)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def label(self, lang: str = "zh") -> str:
        y, m = self.start.year, self.start.month
        en = lang.lower().startswith("en")
        if self.kind == "month":
            return f"{calendar.month_name[m]} {y}" if en else f"{y}年{m}月"
        if self.kind == "quarter":
            q = (m - 1) // 3 + 1
            return f"Q{q} {y}" if en else f"{y}年第{'一二三四'[q - 1]}季度"
        if self.kind == "half":
            first = m == 1
            if en:
                return f"{'First' if first else 'Second'} half of {y}"
            return f"{y}年{'上' if first else '下'}半年"
        if self.kind == "year":
            return str(y) if en else f"{y}年"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[Period]:
        """The calendar months the period touches, each cut to the period."""
        out: list[Period] = []
        y, m = self.start.year, self.start.month
        while date(y, m, 1) <= self.end:
            s = max(self.start, date(y, m, 1))
            e = min(self.end, date(y, m, calendar.monthrange(y, m)[1]))
            out.append(Period("month" if (s.day == 1 and e == month(y, m).end) else "range", s, e))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def quarter_to_date(self) -> Period:
        """From the start of the quarter holding the period's end to that end:
        what quarterly norms (a home visit each quarter) are judged on."""
        q0 = (self.end.month - 1) // 3 * 3 + 1
        return Period("range", date(self.end.year, q0, 1), self.end)

    def trailing_months(self, n: int) -> list[Period]:
        """The n calendar months ending with the one holding the period's end
        (a trend chart's axis)."""
        y, m = self.end.year, self.end.month
        out = []
        for _ in range(n):
            out.append(month(y, m))
            y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        return out[::-1]


def month(year: int, m: int) -> Period:
    return Period("month", date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]))


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * q - 2, 1)
    return Period("quarter", start, month(year, 3 * q).end)


def half(year: int, h: int) -> Period:
    return Period("half", date(year, 1 if h == 1 else 7, 1), month(year, 6 if h == 1 else 12).end)


def year(y: int) -> Period:
    return Period("year", date(y, 1, 1), date(y, 12, 31))


def date_range(start: date, end: date) -> Period:
    if end < start:
        raise _bad(f"{start}..{end}")
    return Period("range", start, end)


def previous_month(today: date) -> Period:
    """The month a monthly report is usually made for: the one before today's."""
    first = today.replace(day=1) - timedelta(days=1)
    return month(first.year, first.month)


_MONTH = re.compile(r"(\d{4})-?(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")
_HALF = re.compile(r"(\d{4})-?[Hh]([12])")
_YEAR = re.compile(r"\d{4}")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|/|至)\s*(\d{4}-\d{2}-\d{2})")


def _bad(text: str) -> DomainError:
    return DomainError(
        Issue(
            "period",
            "period.invalid",
            f"无法识别的统计期间“{text[:40]}”：请写成 2026-10（月）、2026-Q3（季度）、"
            "2026-H1（半年）、2026（年）或 2026-01-01..2026-03-31（日期范围）",
            f"Unrecognised period '{text[:40]}': write 2026-10 (month), 2026-Q3 (quarter), "
            "2026-H1 (half year), 2026 (year) or 2026-01-01..2026-03-31 (a date range)",
        )
    )


def parse_period(text: str) -> Period:
    t = text.strip()
    try:
        if m := _RANGE.fullmatch(t):
            return date_range(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
        if m := _QUARTER.fullmatch(t):
            return quarter(int(m[1]), int(m[2]))
        if m := _HALF.fullmatch(t):
            return half(int(m[1]), int(m[2]))
        if (m := _MONTH.fullmatch(t)) and 1 <= int(m[2]) <= 12:
            return month(int(m[1]), int(m[2]))
        if _YEAR.fullmatch(t):
            return year(int(t))
    except ValueError:
        pass
    raise _bad(t)
