"""Submitting the monthly report upward: a snapshot of the figures saved as
a synced record (`monthlyreport`), which the next sync carries to the
server; the county's answer comes back the same way."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from jsxclient.store.store import Store
from jsxcore.indicators.figures import Report, to_snapshot
from jsxcore.indicators.submission import already_accepted, report_id


@dataclass(frozen=True)
class Submission:
    id: str
    period: str
    state: str  # submitted, accepted, returned
    submitted_by: str | None
    submitted_at: str | None
    review_comment: str | None
    reviewed_by: str | None
    reviewed_at: str | None
    sync_state: str  # pending until the server has it


def submit(store: Store, report: Report, now: datetime | None = None) -> str:
    """Save `report` as submitted (again, after a return); returns the id."""
    rid = report_id(report.division_code, report.period.key)
    values = {
        "figures": json.dumps(to_snapshot(report), ensure_ascii=False, sort_keys=True),
        "state": "submitted",
        "submitted_by": store.user or None,
        "submitted_at": (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S"),
        "review_comment": None,
        "reviewed_by": None,
        "reviewed_at": None,
    }
    with store.transaction() as tx:
        current = tx.get("monthlyreport", rid)
        if current is not None and not current["deleted"]:
            if current["state"] == "accepted":
                raise already_accepted(report.period.label())
            tx.update("monthlyreport", rid, values)
        else:
            tx.insert(
                "monthlyreport",
                {
                    "id": rid,
                    "division_code": report.division_code,
                    "period": report.period.key,
                    "period_start": report.period.start,
                    "period_end": report.period.end,
                    **values,
                },
            )
    return rid


_COLS = (
    "id, period, state, submitted_by, submitted_at, review_comment, reviewed_by, reviewed_at, "
    "sync_state"
)


def submissions(conn: sqlite3.Connection, township: str) -> list[Submission]:
    """The township's submitted reports, newest period first."""
    return [
        Submission(*r)
        for r in conn.execute(
            f"SELECT {_COLS} FROM monthlyreport WHERE deleted = 0 AND division_code = ? "
            "ORDER BY period_end DESC, period DESC",
            (township,),
        )
    ]


def submission(conn: sqlite3.Connection, township: str, period_key: str) -> Submission | None:
    r = conn.execute(
        f"SELECT {_COLS} FROM monthlyreport WHERE id = ? AND deleted = 0",
        (report_id(township, period_key),),
    ).fetchone()
    return Submission(*r) if r else None
