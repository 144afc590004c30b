"""The dashboard: this year's counts, the families due a visit, the
follow-ups asked for, and where sync stands."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from jsxclient.store import journal
from jsxclient.store.queries.base import division_name_sql, scalar
from jsxclient.store.queries.family import FACE_TO_FACE
from jsxcore import rules


@dataclass(frozen=True)
class DueFamily:
    family_id: str
    head_name: str
    village: str
    category: str
    last_visit: str | None  # the latest visit of any kind (a phone call too)
    due: str
    reason: str  # "visit" (quarterly visit) or "follow_up"
    # The latest face-to-face visit (rules.FACE_TO_FACE_MODES): the one the
    # quarterly due date counts from.
    last_home: str | None = None


@dataclass(frozen=True)
class FollowUp:
    family_id: str
    head_name: str
    village: str
    visit_date: str
    follow_up_due: str | None
    major_event: bool
    needs: str | None


@dataclass(frozen=True)
class Dashboard:
    counts: dict[str, int]
    due: list[DueFamily]  # overdue first, then due within `soon_days`
    overdue: int
    due_soon: int
    follow_ups: list[FollowUp]
    pending: int
    last_sync: str | None
    last_outcome: str | None
    open_conflicts: int
    rejected: int


def dashboard(
    conn: sqlite3.Connection, today: date, soon_days: int = 14, limit: int = 200
) -> Dashboard:
    year = f"{today.year}-01-01"
    counts = {
        "members": scalar(
            conn, "SELECT count(*) FROM member WHERE status = 'active' AND deleted = 0"
        ),
        "members_new": scalar(
            conn,
            "SELECT count(*) FROM member WHERE deleted = 0 AND joined_on >= ?",
            (year,),
        ),
        "families": scalar(
            conn,
            "SELECT count(*) FROM specialfamily WHERE deleted = 0 AND status = 'enrolled'",
        ),
        "visits_year": scalar(
            conn, "SELECT count(*) FROM carevisit WHERE deleted = 0 AND visit_date >= ?", (year,)
        ),
        "volunteers": scalar(
            conn, "SELECT count(*) FROM volunteer WHERE deleted = 0 AND active = 1"
        ),
        "activities_year": scalar(
            conn, "SELECT count(*) FROM activity WHERE deleted = 0 AND held_on >= ?", (year,)
        ),
        "sites": scalar(conn, "SELECT count(*) FROM site WHERE deleted = 0"),
    }
    soon = (today + timedelta(days=soon_days)).isoformat()
    # One pass over the enrolled families, each looked up in the covering
    # index carevisit(family_id, visit_date, deleted, mode, follow_up_due).
    rows = conn.execute(
        "SELECT f.id, coalesce(p.name, ''), "
        f"{division_name_sql('f.division_code')}, f.category,"
        " f.enrolled_on, f.created_at,"
        " (SELECT max(v.visit_date) FROM carevisit v WHERE v.family_id = f.id"
        "  AND v.deleted = 0),"
        " (SELECT max(v.visit_date) FROM carevisit v WHERE v.family_id = f.id"
        f"  AND v.deleted = 0 AND v.mode IN {FACE_TO_FACE}),"
        " (SELECT v.follow_up_due FROM carevisit v WHERE v.family_id = f.id AND v.deleted = 0"
        "  ORDER BY v.visit_date DESC LIMIT 1)"
        " FROM specialfamily f LEFT JOIN person p ON p.id = f.head_person_id"
        " WHERE f.deleted = 0 AND f.status = 'enrolled'"
    ).fetchall()
    due: list[DueFamily] = []
    follow_families: list[str] = []
    for fid, head, village, category, enrolled, created, latest, home, follow in rows:
        if follow and follow <= soon:
            follow_families.append(fid)
        nxt = rules.next_visit(rules.schedule_start(enrolled, created), home, follow)
        when, reason = nxt.due.isoformat(), nxt.reason
        if when <= soon:
            due.append(DueFamily(fid, head, village or "", category, latest, when, reason, home))
    due.sort(key=lambda d: (d.due, d.head_name))
    today_s = today.isoformat()
    overdue = sum(1 for d in due if d.due < today_s)
    # Follow-ups: the latest visit of a family asked for one by now, or a
    # major event reported recently.
    recent = (today - timedelta(days=rules.MAJOR_EVENT_FOLLOW_UP_DAYS)).isoformat()
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS dash_family(id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.dash_family")
    conn.executemany(
        "INSERT OR IGNORE INTO temp.dash_family VALUES (?)", [(f,) for f in follow_families]
    )
    follow_rows = conn.execute(
        "SELECT v.family_id, coalesce(p.name, ''), "
        f"{division_name_sql('f.division_code')}, v.visit_date, v.follow_up_due, v.major_event, "
        "v.needs FROM carevisit v JOIN specialfamily f ON f.id = v.family_id "
        "LEFT JOIN person p ON p.id = f.head_person_id "
        "WHERE v.deleted = 0 AND f.deleted = 0 AND f.status = 'enrolled' AND ("
        " (v.family_id IN (SELECT id FROM temp.dash_family) AND v.visit_date = ("
        "   SELECT max(w.visit_date) FROM carevisit w WHERE w.family_id = v.family_id"
        "   AND w.deleted = 0) AND v.follow_up_due IS NOT NULL)"
        " OR (v.visit_date >= :recent AND v.major_event = 1)) "
        "ORDER BY coalesce(v.follow_up_due, v.visit_date) LIMIT :limit",
        {"recent": recent, "limit": limit},
    ).fetchall()
    follow_ups = [
        FollowUp(r[0], r[1], r[2] or "", r[3], r[4], bool(r[5]), r[6]) for r in follow_rows
    ]
    last = journal.last_receipt(conn)
    return Dashboard(
        counts=counts,
        due=due[:limit],
        overdue=overdue,
        due_soon=len(due) - overdue,
        follow_ups=follow_ups,
        pending=journal.pending_count(conn),
        last_sync=None if last is None else last.finished_at or last.started_at,
        last_outcome=None if last is None else last.outcome,
        open_conflicts=journal.conflicted_row_count(conn),
        rejected=journal.rejected_count(conn),
    )
