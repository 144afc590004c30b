"""The association tree of the township, with its members and officers."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class AssociationRow:
    id: str
    name: str
    level: str
    parent_id: str | None
    division_code: str
    members: int
    officers: int
    sync_state: str


def associations(conn: sqlite3.Connection) -> list[AssociationRow]:
    rows = conn.execute(
        "SELECT a.id, a.name, a.level, a.parent_id, a.division_code, "
        "(SELECT count(*) FROM member m WHERE m.association_id = a.id AND m.deleted = 0 "
        " AND m.status = 'active'), "
        "(SELECT count(*) FROM officer o WHERE o.association_id = a.id AND o.deleted = 0 "
        " AND o.term_end IS NULL), a.sync_state "
        "FROM association a WHERE a.deleted = 0 ORDER BY a.division_code, a.name"
    ).fetchall()
    return [AssociationRow(*r) for r in rows]
