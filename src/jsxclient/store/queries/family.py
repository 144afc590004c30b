"""A special family's page: its summary and next visit, what the
eligibility check needs from its member list, and the subsidy rate that
applies to its claims."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from jsxclient.store.queries.pickers import division_name
from jsxcore import rules


@dataclass(frozen=True)
class FamilySummary:
    id: str
    head_name: str
    head_id_number: str | None
    head_mobile: str | None
    division_code: str
    village: str
    category: str
    disability_grade: str | None
    status: str
    last_visit: str | None
    visits_this_year: int
    next_due: str | None
    flags: dict[str, bool]
    sync_state: str


def family_summary(conn: sqlite3.Connection, family_id: str, today: date) -> FamilySummary | None:
    cur = conn.execute(
        "SELECT f.*, p.name AS head_name, p.id_number AS head_id, p.mobile AS head_mobile "
        "FROM specialfamily f LEFT JOIN person p ON p.id = f.head_person_id WHERE f.id = ?",
        (family_id,),
    )
    r = cur.fetchone()
    if r is None:
        return None
    f = dict(zip([c[0] for c in cur.description], r, strict=True))
    last, n_year = conn.execute(
        "SELECT max(visit_date), sum(visit_date >= :y) FROM carevisit "
        "WHERE family_id = :f AND deleted = 0",
        {"f": family_id, "y": f"{today.year}-01-01"},
    ).fetchone()
    due = _family_due(conn, family_id, rules.schedule_start(f["enrolled_on"], f["created_at"]))
    return FamilySummary(
        id=family_id,
        head_name=f["head_name"] or "",
        head_id_number=f["head_id"],
        head_mobile=f["head_mobile"],
        division_code=f["division_code"],
        village=division_name(conn, f["division_code"]),
        category=f["category"],
        disability_grade=f["disability_grade"],
        status=f["status"],
        last_visit=last,
        visits_this_year=int(n_year or 0),
        next_due=due,
        flags={
            k: bool(f[k])
            for k in (
                "doc_certificate",
                "doc_death_or_disability",
                "doc_household",
                "family_doctor_signed",
                "priority_hospital",
            )
        },
        sync_state=f["sync_state"],
    )


#: The face-to-face contact modes as an SQL list.
FACE_TO_FACE = "(" + ", ".join(f"'{m}'" for m in rules.FACE_TO_FACE_MODES) + ")"


def _family_due(conn: sqlite3.Connection, family_id: str, since: date) -> str | None:
    r = conn.execute(
        f"SELECT max(CASE WHEN mode IN {FACE_TO_FACE} THEN visit_date END), "
        "(SELECT follow_up_due FROM carevisit WHERE family_id = :f AND deleted = 0 "
        " ORDER BY visit_date DESC LIMIT 1) "
        "FROM carevisit WHERE family_id = :f AND deleted = 0",
        {"f": family_id},
    ).fetchone()
    last_home, follow = r if r else (None, None)
    return rules.next_visit(since, last_home, follow).due.isoformat()


def family_eligibility_inputs(
    conn: sqlite3.Connection, family_id: str | None, head_person_id: str | None
) -> tuple[str | None, int | None]:
    """The mother's birth date and the number of children on the family's
    member list, for the special-family eligibility warnings."""
    head = None
    if head_person_id:
        head = conn.execute(
            "SELECT sex, birth_date FROM person WHERE id = ?", (head_person_id,)
        ).fetchone()
    members = []
    if family_id:
        members = conn.execute(
            "SELECT fm.relation, p.sex, p.birth_date FROM familymember fm "
            "JOIN person p ON p.id = fm.person_id WHERE fm.family_id = ? AND fm.deleted = 0",
            (family_id,),
        ).fetchall()
    return rules.eligibility_inputs(head, members)


def subsidy_rate(conn: sqlite3.Connection, kind: str, year: int) -> int | None:
    """The configured daily rate (fen) for a kind of subsidy in a year."""
    r = conn.execute(
        "SELECT rate_fen FROM subsidyrate WHERE kind = ? AND year <= ? AND deleted = 0 "
        "ORDER BY year DESC, updated_at DESC LIMIT 1",
        (kind, year),
    ).fetchone()
    return None if r is None else int(r[0])
