"""The monthly report: every indicator, the 12-month trend, the .xlsx and the
PDF of a township, on a demo store (scale 5 by default: 25,000 members,
~3,700 visits a year; scale 20 is the 100,000-member street).

Goals (issue 9): the whole monthly report (figures + xlsx + PDF) under 2 s at
scale 5; a period change on the 统计 page (its figures; the trend follows in
a second task) under 300 ms; peak memory under 300 MB. The floor is one
plain pass over the tables the indicators read (a count of each), the least
any report must do.

    python -m bench reports [--scale 5] [--store PATH] [--keep]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path

from bench.common import load_average, peak_rss_mb, timer
from jsxclient import demo
from jsxclient.reports import evaluate, files
from jsxclient.store.store import Store
from jsxcore.indicators.catalogue import CATALOGUE
from jsxcore.indicators.periods import month

TOWNSHIP = "430105003000"
TODAY = date(2026, 11, 20)
TABLES = ("member", "specialfamily", "carevisit", "caresubsidy", "activity", "volunteer",
          "volunteerpairing", "site", "project", "association", "officer")  # fmt: skip


def _store(path: Path, scale: float) -> Store:
    if path.exists():
        return Store.open(path, user="bench")
    s = Store.open(path, user="bench")
    demo.generate(s, TOWNSHIP, scale=scale, seed=1, today=TODAY)
    s.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return s


def run(argv: list[str]) -> dict[str, object]:
    p = argparse.ArgumentParser(prog="python -m bench reports")
    p.add_argument("--scale", type=float, default=5.0)
    p.add_argument("--store", type=Path, help="reuse (or keep) the demo store here")
    a = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    path = a.store or work / f"demo-{a.scale:g}.db"
    with timer() as t_build:
        store = _store(path, a.scale)
    conn = store.db.connection()
    members = conn.execute("SELECT count(*) FROM member").fetchone()[0]
    visits = conn.execute("SELECT count(*) FROM carevisit").fetchone()[0]
    period = month(2026, 10)

    from jsxclient.ui import reportpdf

    reportpdf.ensure_app()  # the app exists once per process, not per report
    evaluate.compute(conn, TOWNSHIP, month(2026, 6))  # warm the page cache
    with timer() as t_floor:
        for table in TABLES:
            conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()
    with timer() as t_fig:
        report = files.township_report(store, period)
    with timer() as t_trend:
        trend = files.township_trend(store, period)
    with timer() as t_xlsx:
        files.write_xlsx(report, work / "report.xlsx")
    with timer() as t_pdf:
        reportpdf.save_pdf(report, work / "report.pdf", trend)
    # A period change: another month's figures, as the page asks for them.
    changes = []
    for m in (9, 8, 7):
        with timer() as t:
            evaluate.compute(conn, TOWNSHIP, month(2026, m))
        changes.append(t)
    slowest = []
    for ind in CATALOGUE:
        ctx = evaluate.Context(TOWNSHIP, period, [])
        with timer() as t:
            evaluate.grouped(conn, ctx, ind.id)
        slowest.append((t.seconds, ind.id))
    slowest.sort(reverse=True)
    total = t_fig.seconds + t_trend.seconds + t_xlsx.seconds + t_pdf.seconds
    total_cpu = t_fig.cpu + t_trend.cpu + t_xlsx.cpu + t_pdf.cpu
    change_ms = sorted(c.seconds * 1000 for c in changes)[1]
    store.close()
    return {
        "scale": a.scale,
        "members": members,
        "visits": visits,
        "indicators": len(report.figures),
        "load_average": round(load_average(), 2),
        "build_store_s": round(t_build.seconds, 1),
        "figures_s": round(t_fig.seconds, 3),
        "trend_12_months_s": round(t_trend.seconds, 3),
        "xlsx_s": round(t_xlsx.seconds, 3),
        "pdf_s": round(t_pdf.seconds, 3),
        "monthly_report_s": round(total, 3),
        "monthly_report_cpu_s": round(total_cpu, 3),
        "goal_monthly_report_s": 2.0,
        "period_change_ms": round(change_ms, 1),
        "period_change_cpu_ms": round(sorted(c.cpu * 1000 for c in changes)[1], 1),
        "goal_period_change_ms": 300,
        "floor_table_scan_ms": round(t_floor.seconds * 1000, 1),
        "ratio_figures_vs_floor": round(t_fig.seconds / max(t_floor.seconds, 1e-6), 1),
        "slowest_indicators_ms": {k: round(s * 1000, 1) for s, k in slowest[:5]},
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "goal_peak_rss_mb": 300,
    }
