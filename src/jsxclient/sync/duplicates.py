"""One person, one record, across devices.

Two laptops may register the same person offline. The store's write path
refuses a second live person with an ID number it already holds, but it
cannot see the other laptop's. The server can: it refuses the second
insert with `person.duplicate` and answers with the person it already has
(its id, data and stamps). This device then merges its copy into that one,
in the transaction that applies the push reply:

- the person the server holds is written here as it is there;
- every record of this device that refers to the copy (members, family
  members, volunteers, heads of families, ...) is re-pointed at it: their
  rows, and their unsent changes (a change the server refused only because
  the copy was missing goes out again);
- the copy and its unsent changes are dropped: it never reached the server,
  so no other device has it and nothing needs to be tombstoned;
- where the copy holds a value the other record lacks, that value is
  written to the kept record as an ordinary (synced) edit; where the two
  disagree, the server's value stays and both are kept as a conflict on the
  kept record, so the worker reviews them field by field like any conflict
  and may take this device's value (a synced edit).

Persons without an ID number are not merged: `possible_duplicates` lists
those with the same name, birth date and village as a suggestion only.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

from jsxclient.store import journal as jr
from jsxclient.store.db import now_text
from jsxclient.store.search import derive_fields
from jsxclient.store.store import Tx
from jsxclient.sync import rows
from jsxcore.entities import ENTITIES
from jsxcore.merge import WRITE_ONCE, same

REASON = "person.duplicate"
DUPLICATE = "duplicate"  # journal result of the copy's changes: merged away
ENTITY = "person"
# Fields that describe the record, not the person: never reviewed.
_NOT_REVIEWED = frozenset({"deleted", "created_at", *WRITE_ONCE})


@dataclass(frozen=True)
class Merged:
    copy_id: str
    kept_id: str
    repointed: int  # records that referred to the copy
    filled: list[str]  # fields the copy filled in on the kept record
    review: list[str]  # fields where the two disagree (conflicts recorded)


def _referrers() -> list[tuple[str, str]]:
    """(entity, field) of every reference to a person."""
    return [
        (name, fld)
        for name, es in ENTITIES.items()
        for fld, target in es.references.items()
        if target == ENTITY
    ]


def merge_into_registered(
    tx: Tx, copy_id: str, server: dict[str, Any], seq: int | None
) -> Merged | None:
    """Merge this device's person `copy_id` (refused as a duplicate) into the
    person the server answered with (`server`: its data and `id`)."""
    conn = tx.conn
    es = ENTITIES[ENTITY]
    kept_id = str(server.get("id") or "")
    if not kept_id or kept_id == copy_id:
        return None
    copy = rows.get_row(conn, es, copy_id)
    data = {f: server[f] for f in es.data_fields if f in server}
    kept = rows.get_row(conn, es, kept_id)
    if kept is None:
        _write_server_row(conn, kept_id, data, seq)
        kept = rows.get_row(conn, es, kept_id)
    assert kept is not None
    repointed = _repoint(conn, copy_id, kept_id)
    # The copy and its own unsent changes go: it never reached the server.
    for e in jr.open_entries(conn, (ENTITY, copy_id)):
        jr.close_entry(conn, e, DUPLICATE)
    jr.hard_delete(conn, ENTITY, copy_id)
    filled: list[str] = []
    review: list[str] = []
    if copy is not None:
        fill = {}
        for f in es.data_fields:
            if f in _NOT_REVIEWED:
                continue
            mine, theirs = copy.get(f), kept.get(f)
            if mine is None or mine == "" or same(mine, theirs):
                continue
            if theirs is None or theirs == "":
                fill[f] = mine
            else:
                review.append(f)
                jr.record_conflict(
                    conn,
                    (ENTITY, kept_id),
                    f,
                    None,
                    mine,
                    theirs,
                    "theirs",
                    None,
                    None,
                    kept.get("updated_device"),
                )
        if fill and not kept.get("deleted"):
            filled = sorted(tx.update(ENTITY, kept_id, fill))
    jr.refresh_sync_state(conn, [(ENTITY, kept_id)])
    return Merged(copy_id, kept_id, repointed, filled, review)


def _write_server_row(
    conn: sqlite3.Connection, row_id: str, data: dict[str, Any], seq: int | None
) -> None:
    insert, _update, cols = rows.row_sql(ENTITY)
    defaults = rows.defaults(ENTITY)
    values = {**defaults, **data, "id": row_id}
    values.update(derive_fields(ENTITY, values))
    values.update(
        updated_at=now_text(),
        updated_device="",
        updated_user="",
        server_seq=seq,
        sync_state="synced",
    )
    conn.execute(insert, [values.get(c) for c in cols])


def _repoint(conn: sqlite3.Connection, copy_id: str, kept_id: str) -> int:
    """Point every row and unsent change that names the copy at the kept
    person; a change refused only for want of the copy goes out again."""
    n = 0
    touched: set[jr.Key] = set()
    for entity, fld in _referrers():
        es = ENTITIES[entity]
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {entity} WHERE {fld}=?", (copy_id,))]
        for row_id in ids:
            current = rows.get_row(conn, es, row_id)
            if current is not None:
                rows.set_fields(conn, es, row_id, {fld: kept_id}, current)
                n += 1
        for e in _open_entries_naming(conn, entity, fld, copy_id):
            e.fields[fld] = kept_id
            if e.old.get(fld) == copy_id:
                e.old[fld] = kept_id
            if e.state == "rejected":
                jr.requeue(conn, e, uuid.uuid4().hex)  # refused for the copy: send again
            else:
                jr.save_entry(conn, e)
            touched.add(e.key)
    jr.refresh_sync_state(conn, touched)
    return n


def _open_entries_naming(
    conn: sqlite3.Connection, entity: str, fld: str, copy_id: str
) -> list[jr.Entry]:
    """Unsent or refused changes of `entity` that set `fld` to the copy."""
    return jr.entries_where(
        conn,
        "entity=? AND (state='rejected' OR (state='pending' AND batch_id IS NULL)) "
        "AND json_extract(fields, ?)=?",
        (entity, f"$.{fld}", copy_id),
    )


def possible_duplicates(conn: sqlite3.Connection, person_id: str) -> list[str]:
    """Other live persons with the same name, birth date and village as a
    person without an ID number: a suggestion for the worker, never merged
    automatically (two people may share all three)."""
    r = conn.execute(
        "SELECT name, birth_date, division_code, id_number FROM person WHERE id=?",
        (person_id,),
    ).fetchone()
    if r is None or r[1] is None:
        return []
    return [
        x[0]
        for x in conn.execute(
            "SELECT id FROM person WHERE deleted=0 AND id<>? AND name=? AND birth_date=? "
            "AND division_code=? AND (id_number IS NULL OR ? IS NULL) ORDER BY id",
            (person_id, r[0], r[1], r[2], r[3]),
        )
    ]
