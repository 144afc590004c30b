"""Naming a record (for the delete confirmation and the recycle bin) and the
recycle bin itself: records deleted in the last 30 days, newest first.

A deleted record is a tombstone that keeps its data (deletes sync as
tombstones), so the bin is a view over the tombstones; restoring one is
`jsxclient.store.store.Tx.restore`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

#: How long a deleted record can be restored.
KEEP_DAYS = 30


@dataclass(frozen=True)
class Named:
    entity: str
    id: str
    name: str  # the person, family head, title … the record is about
    detail: str  # a date that tells two records of one person apart
    deleted_at: str = ""


# entity -> (name expression, joins, detail expression); the record is r.
_HEAD = (
    "LEFT JOIN specialfamily f ON f.id = r.family_id LEFT JOIN person p ON p.id = f.head_person_id"
)
_PERSON = "LEFT JOIN person p ON p.id = r.person_id"
_NAMES: dict[str, tuple[str, str, str]] = {
    "person": ("r.name", "", "''"),
    "member": ("p.name", _PERSON, "r.joined_on"),
    "volunteer": ("p.name", _PERSON, "''"),
    "specialfamily": (
        "p.name",
        "LEFT JOIN person p ON p.id = r.head_person_id",
        "r.enrolled_on",
    ),
    "familymember": ("p.name", _PERSON, "''"),
    "familycontact": ("r.name", "", "''"),
    "carevisit": ("p.name", _HEAD, "r.visit_date"),
    "caresubsidy": ("p.name", _HEAD, "r.admitted_on"),
    "association": ("r.name", "", "''"),
    "membergroup": ("r.name", "", "''"),
    "site": ("r.name", "", "''"),
    "project": ("r.name", "", "CAST(r.year AS TEXT)"),
    "officer": ("r.name", "", "r.term_start"),
    "activity": ("r.title", "", "r.held_on"),
    "activityparticipant": ("p.name", _PERSON, "''"),
    "projectsite": (
        "p.name",
        "LEFT JOIN project p ON p.id = r.project_id",
        "''",
    ),
    "volunteerpairing": (
        "p.name",
        "LEFT JOIN volunteer v ON v.id = r.volunteer_id LEFT JOIN person p ON p.id = v.person_id",
        "''",
    ),
    "subsidyrate": ("r.kind", "", "CAST(r.year AS TEXT)"),
}

#: The records a worker deletes from the app and may want back.
BIN_ENTITIES = (
    "member",
    "volunteer",
    "specialfamily",
    "familymember",
    "familycontact",
    "carevisit",
    "caresubsidy",
    "activity",
    "activityparticipant",
    "site",
    "project",
    "officer",
    "membergroup",
    "association",
    "person",
)


def _select(entity: str) -> str:
    name, joins, detail = _NAMES[entity]
    return (
        f"SELECT r.id, coalesce({name}, ''), coalesce({detail}, ''), r.updated_at "
        f"FROM {entity} r {joins}"
    )


def name_of(conn: sqlite3.Connection, entity: str, row_id: str) -> Named | None:
    """What to call one record (deleted or not)."""
    r = conn.execute(_select(entity) + " WHERE r.id = ?", (row_id,)).fetchone()
    return None if r is None else Named(entity, r[0], r[1], r[2])


def cutoff(now: datetime | None = None) -> str:
    """The oldest deletion time the bin still shows (store time text)."""
    at = (now or datetime.now()) - timedelta(days=KEEP_DAYS)
    return at.strftime("%Y-%m-%d %H:%M:%S")


def deleted(conn: sqlite3.Connection, now: datetime | None = None, limit: int = 500) -> list[Named]:
    """Records deleted in the last KEEP_DAYS days, newest first."""
    since = cutoff(now)
    out: list[Named] = []
    for entity in BIN_ENTITIES:
        rows = conn.execute(
            _select(entity) + " WHERE r.deleted = 1 AND r.updated_at >= ? "
            "ORDER BY r.updated_at DESC LIMIT ?",
            (since, limit),
        ).fetchall()
        out += [Named(entity, r[0], r[1], r[2], r[3]) for r in rows]
    out.sort(key=lambda n: n.deleted_at, reverse=True)
    return out[:limit]
