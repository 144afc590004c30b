"""The monthly report for a store: its figures and its .xlsx file (the PDF
is drawn by `jsxclient.ui.reportpdf`)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from jsxclient.reports import evaluate
from jsxclient.store.store import Store
from jsxcore.indicators.catalogue import CATALOGUE
from jsxcore.indicators.figures import Figure, Report
from jsxcore.indicators.periods import Period
from jsxcore.indicators.sheet import workbook_bytes

#: Months on the trend charts.
TREND_MONTHS = 12


def township_report(store: Store, period: Period, now: datetime | None = None) -> Report:
    township = store.township_code
    if not township:
        raise LookupError("this store has no township yet")
    return evaluate.compute(store.db.connection(), township, period, now=now)


def township_trend(store: Store, period: Period) -> dict[str, list[tuple[str, Figure]]]:
    charted = [i.id for i in CATALOGUE if i.chart]
    return evaluate.trend(
        store.db.connection(), store.township_code or "", period, charted, TREND_MONTHS
    )


def write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary file: an interrupted run leaves no half file."""
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_xlsx(report: Report, path: Path, lang: str = "zh") -> None:
    write_bytes(path, workbook_bytes(report, lang))
