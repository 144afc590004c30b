"""Loading the division list and deriving the association tree from it.

Association ids are derived with `jsxcore.divisions.association_id`,
so a device that derives its township's tree offline creates rows with the
same ids; its insert then merges with the server's row instead of
duplicating it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from jsxcore.divisions import DivisionRow, association_tree, read_divisions, township_of
from jsxcore.entities import ENTITIES
from jsxcore.hlc import format_hlc
from jsxserver.core import seqs
from jsxserver.core.db import bulk_load
from jsxserver.models import DIVISION_TABLE, RECORD_TABLE, utcnow
from jsxserver.services.fields import defaults

SERVER_NODE = "server"


@dataclass(frozen=True)
class ImportResult:
    divisions: int
    associations_created: int


def association_rows(rows: list[DivisionRow]) -> list[dict[str, Any]]:
    """The association tree of every township (`jsxcore.divisions.association_tree`)."""
    villages: dict[str, list[DivisionRow]] = defaultdict(list)
    for r in rows:
        if r.level == "village" and r.parent_code:
            villages[r.parent_code].append(r)
    out: list[dict[str, Any]] = []
    for town in sorted((r for r in rows if r.level == "township"), key=lambda r: r.code):
        out.extend(association_tree(town, sorted(villages[town.code], key=lambda r: r.code)))
    return out


def import_divisions(
    session: Session, rows: list[DivisionRow] | None = None, associations: bool = True
) -> ImportResult:
    """Insert or refresh divisions, then add the associations that are
    missing (existing ones keep their edits). One transaction; ``session``
    comes from ``seqs.write_session`` (the associations take seqs)."""
    rows = rows if rows is not None else read_divisions()
    div_t = DIVISION_TABLE
    existing = {
        code: (name, level, parent)
        for code, name, level, parent in session.execute(
            select(div_t.c.code, div_t.c.name, div_t.c.level, div_t.c.parent_code)
        )
    }
    fresh = [r for r in rows if r.code not in existing]
    changed = [
        r
        for r in rows
        if r.code in existing and existing[r.code] != (r.name, r.level, r.parent_code)
    ]
    conn = session.connection()
    bulk_load(
        conn,
        div_t,
        [dict(code=r.code, name=r.name, level=r.level, parent_code=r.parent_code) for r in fresh],
    )
    for r in changed:
        conn.execute(
            update(div_t)
            .where(div_t.c.code == r.code)
            .values(name=r.name, level=r.level, parent_code=r.parent_code)
        )
    created = 0
    if associations:
        created = _derive_associations(session, association_rows(rows))
    session.commit()
    return ImportResult(len(rows), created)


def _derive_associations(session: Session, wanted: list[dict[str, Any]]) -> int:
    rec_t = RECORD_TABLE
    have = set(session.execute(select(rec_t.c.id).where(rec_t.c.entity == "association")).scalars())
    missing = [w for w in wanted if w["id"] not in have]
    if not missing:
        return 0
    numbers = iter(seqs.allocate(session, len(missing)))
    now = utcnow()
    created_at = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    stamp = format_hlc(int(datetime.now(UTC).timestamp() * 1000), 0, SERVER_NODE)
    base = {**defaults(ENTITIES["association"]), "created_at": created_at, "deleted": False}
    values = []
    for w in missing:
        seq = next(numbers)
        data = {**base, **{k: v for k, v in w.items() if k != "id"}}
        values.append(
            dict(
                entity="association",
                id=w["id"],
                township=township_of(w["division_code"]),
                division_code=w["division_code"],
                data=data,
                field_hlc={f: stamp for f in data},
                deleted=False,
                seq=seq,
                created_at=now,
                updated_at=now,
                updated_device=SERVER_NODE,
                updated_user="",
            )
        )
    conn = session.connection()
    bulk_load(conn, rec_t, values)
    return len(missing)
