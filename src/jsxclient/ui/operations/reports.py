"""The 统计 page's reads and files: thin calls into `jsxclient.reports`,
run on the database worker."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from jsxclient.reports import evaluate, files, submit
from jsxclient.store.store import Store
from jsxclient.ui.operations.lists import conn
from jsxclient.ui.tasks import Job
from jsxcore.indicators.catalogue import CATALOGUE
from jsxcore.indicators.figures import Figure, Report
from jsxcore.indicators.periods import Period

Trend = dict[str, list[tuple[str, Figure]]]


def compute(store: Store, township: str, period: Period, job: Job) -> Report:
    return evaluate.compute(conn(store), township, period, interrupt=lambda: job.cancelled)


def trend(store: Store, township: str, period: Period, job: Job) -> Trend:
    charted = [i.id for i in CATALOGUE if i.chart]
    return evaluate.trend(
        conn(store), township, period, charted, files.TREND_MONTHS, lambda: job.cancelled
    )


def drill(
    store: Store, township: str, period: Period, indicator: str, part: str | None
) -> evaluate.Drill:
    return evaluate.drill(conn(store), township, period, indicator, part)


def save_xlsx(store: Store, report: Report, path: Path) -> None:
    store.require("export")
    files.write_xlsx(report, path)
    audit_file(store, report, "export", path.name)


def audit_file(store: Store, report: Report, action: Literal["export", "print"], obj: str) -> None:
    """The audit entry of a report written to a file or a printer (the PDF and
    the printout are drawn on the GUI thread; their entry is written here)."""
    store.audit(action, obj, detail=f"report {report.period.key}")


def submission(store: Store, township: str, period: Period) -> submit.Submission | None:
    return submit.submission(conn(store), township, period.key)


def submit_report(store: Store, report: Report) -> submit.Submission | None:
    submit.submit(store, report)
    return submit.submission(conn(store), report.division_code, report.period.key)
