"""Statistics of a period: counts per village and by type."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from jsxclient.store.queries.pickers import township_places


@dataclass(frozen=True)
class VillageStats:
    code: str
    name: str
    members: int  # active at the end of the period
    members_joined: int  # joined within the period
    families: int  # enrolled special families
    families_visited: int  # families with a visit within the period
    visits: int
    home_visits: int
    activities: int
    volunteers: int


@dataclass(frozen=True)
class Statistics:
    start: str
    end: str
    villages: list[VillageStats]
    activities_by_type: list[tuple[str, int, int]]  # type, count, participants
    families_by_category: list[tuple[str, int]]
    members_by_role: list[tuple[str, int]]
    visits_by_mode: list[tuple[str, int]]
    subsidies_by_status: list[tuple[str, int, int]]  # status, count, amount_fen


def statistics(conn: sqlite3.Connection, township: str, start: date, end: date) -> Statistics:
    """Counts per village and by type for the period [start, end]."""
    p = {"s": start.isoformat(), "e": end.isoformat()}

    def by_village(sql: str) -> dict[str, int]:
        return {str(k): int(v) for k, v in conn.execute(sql, p).fetchall()}

    members = by_village(
        "SELECT division_code, count(*) FROM member WHERE deleted = 0 AND joined_on <= :e "
        "AND (left_on IS NULL OR left_on > :e) AND status != 'deceased' GROUP BY division_code"
    )
    joined = by_village(
        "SELECT division_code, count(*) FROM member WHERE deleted = 0 "
        "AND joined_on BETWEEN :s AND :e GROUP BY division_code"
    )
    families = by_village(
        "SELECT division_code, count(*) FROM specialfamily WHERE deleted = 0 "
        "AND status = 'enrolled' GROUP BY division_code"
    )
    visited = by_village(
        "SELECT f.division_code, count(DISTINCT v.family_id) FROM carevisit v "
        "JOIN specialfamily f ON f.id = v.family_id WHERE v.deleted = 0 "
        "AND f.deleted = 0 AND f.status = 'enrolled' "
        "AND v.visit_date BETWEEN :s AND :e GROUP BY f.division_code"
    )
    visits = by_village(
        "SELECT f.division_code, count(*) FROM carevisit v JOIN specialfamily f "
        "ON f.id = v.family_id WHERE v.deleted = 0 AND v.visit_date BETWEEN :s AND :e "
        "GROUP BY f.division_code"
    )
    home = by_village(
        "SELECT f.division_code, count(*) FROM carevisit v JOIN specialfamily f "
        "ON f.id = v.family_id WHERE v.deleted = 0 AND v.mode = 'home' "
        "AND v.visit_date BETWEEN :s AND :e GROUP BY f.division_code"
    )
    activities = by_village(
        "SELECT division_code, count(*) FROM activity WHERE deleted = 0 "
        "AND held_on BETWEEN :s AND :e GROUP BY division_code"
    )
    volunteers = by_village(
        "SELECT division_code, count(*) FROM volunteer WHERE deleted = 0 AND active = 1 "
        "GROUP BY division_code"
    )
    villages = [
        VillageStats(
            pl.code,
            pl.name,
            members.get(pl.code, 0),
            joined.get(pl.code, 0),
            families.get(pl.code, 0),
            visited.get(pl.code, 0),
            visits.get(pl.code, 0),
            home.get(pl.code, 0),
            activities.get(pl.code, 0),
            volunteers.get(pl.code, 0),
        )
        for pl in township_places(conn, township)
    ]
    return Statistics(
        start=p["s"],
        end=p["e"],
        villages=villages,
        activities_by_type=[
            (str(t), int(n), int(c or 0))
            for t, n, c in conn.execute(
                "SELECT type, count(*), sum(participant_count) FROM activity WHERE deleted = 0 "
                "AND held_on BETWEEN :s AND :e GROUP BY type ORDER BY count(*) DESC",
                p,
            )
        ],
        families_by_category=[
            (str(k), int(n))
            for k, n in conn.execute(
                "SELECT category, count(*) FROM specialfamily WHERE deleted = 0 "
                "AND status = 'enrolled' GROUP BY category ORDER BY category"
            )
        ],
        members_by_role=[
            (str(k), int(n))
            for k, n in conn.execute(
                "SELECT role, count(*) FROM member WHERE deleted = 0 AND status = 'active' "
                "GROUP BY role ORDER BY count(*) DESC"
            )
        ],
        visits_by_mode=[
            (str(k), int(n))
            for k, n in conn.execute(
                "SELECT mode, count(*) FROM carevisit WHERE deleted = 0 "
                "AND visit_date BETWEEN :s AND :e GROUP BY mode ORDER BY count(*) DESC",
                p,
            )
        ],
        subsidies_by_status=[
            (str(k), int(n), int(a or 0))
            for k, n, a in conn.execute(
                "SELECT status, count(*), sum(amount_fen) FROM caresubsidy WHERE deleted = 0 "
                "AND coalesce(admitted_on, substr(created_at, 1, 10)) BETWEEN :s AND :e "
                "GROUP BY status",
                p,
            )
        ],
    )
