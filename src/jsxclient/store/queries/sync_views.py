"""The sync page and status bar: where sync stands, and the records with
open conflicts, named for the worker."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from jsxclient.store import journal


@dataclass(frozen=True)
class SyncSummary:
    pending: int
    last_sync: str | None
    last_outcome: str | None
    open_conflicts: int  # records with an open conflict
    rejected: int


def sync_summary(conn: sqlite3.Connection) -> SyncSummary:
    last = journal.last_receipt(conn)
    return SyncSummary(
        pending=journal.pending_count(conn),
        last_sync=None if last is None else last.finished_at or last.started_at,
        last_outcome=None if last is None else last.outcome,
        open_conflicts=journal.conflicted_row_count(conn),
        rejected=journal.rejected_count(conn),
    )


def record_label(conn: sqlite3.Connection, entity: str, row_id: str) -> str:
    """A short human name for any record (for sync lists and dialogs)."""
    from jsxcore.entities import ENTITIES

    if entity not in ENTITIES:
        return row_id
    person_col = {
        "person": "id",
        "member": "person_id",
        "volunteer": "person_id",
        "familymember": "person_id",
        "activityparticipant": "person_id",
        "specialfamily": "head_person_id",
    }.get(entity)
    if person_col:
        r = conn.execute(
            f"SELECT p.name FROM {entity} x JOIN person p ON p.id = x.{person_col} WHERE x.id = ?",
            (row_id,),
        ).fetchone()
        if r:
            return str(r[0])
    fields = set(ENTITIES[entity].data_fields)
    for col in ("name", "title"):
        if col in fields:
            r = conn.execute(f"SELECT {col} FROM {entity} WHERE id = ?", (row_id,)).fetchone()
            if r:
                return str(r[0])
    if "family_id" in fields:
        r = conn.execute(
            f"SELECT p.name FROM {entity} x JOIN specialfamily f ON f.id = x.family_id "
            "JOIN person p ON p.id = f.head_person_id WHERE x.id = ?",
            (row_id,),
        ).fetchone()
        if r:
            return str(r[0])
    return row_id[:8]


@dataclass(frozen=True)
class ConflictGroup:
    """A record's open conflicts, for the conflict dialog."""

    entity: str
    row_id: str
    label: str
    fields: list[journal.Conflict]
    created_at: str


def open_conflicts(conn: sqlite3.Connection) -> list[ConflictGroup]:
    groups: dict[tuple[str, str], list[journal.Conflict]] = {}
    for c in journal.open_conflicts(conn):
        groups.setdefault((c.entity, c.row_id), []).append(c)
    return [
        ConflictGroup(e, rid, record_label(conn, e, rid), fs, fs[0].created_at)
        for (e, rid), fs in groups.items()
    ]


def conflict_group(conn: sqlite3.Connection, entity: str, row_id: str) -> ConflictGroup | None:
    for g in open_conflicts(conn):
        if g.entity == entity and g.row_id == row_id:
            return g
    return None
