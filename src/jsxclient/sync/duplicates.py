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

The disagreements of such a merge are a *merge review* (`reviews`): the
worker sees both values of each field and keeps one (`apply_review`), and
what differs from the record becomes a synced edit.

An update that gives a person an ID number another person already holds is
refused by the server the same way (`person.duplicate_edit`); that copy did reach the server, so it
is merged with synced changes (`merge_registered_update`): references
re-pointed by edits, the copy tombstoned.

Persons without an ID number are not merged automatically: `suggestions`
lists pairs with the same name, birth date and village; the worker merges
them (`merge_persons`, every step a synced change) or dismisses the
suggestion (`dismiss`, remembered on this device). The rule of which
fields are compared and what the choices write is `jsxcore.personmerge`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsxclient.store import journal as jr
from jsxclient.store.db import now_text
from jsxclient.store.search import derive_fields
from jsxclient.store.store import RecordNotFound, Store, Tx
from jsxclient.sync import rows
from jsxcore import personmerge as pm
from jsxcore.entities import ENTITIES
from jsxcore.models import new_id
from jsxcore.rules import ONE_PER_PERSON

REASON = "person.duplicate"
REASON_EDIT = "person.duplicate_edit"  # an update that gave a registered ID number
REVIEWS_KEY = "duplicate_reviews"  # meta: {kept id: {"copy": id, "conflicts": [ids]}}
DISMISSED_KEY = "duplicate_dismissed"  # meta: [pair keys] the worker said are two people
DUPLICATE = "duplicate"  # journal result of the copy's changes: merged away
ENTITY = "person"


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


def _kept_row(
    conn: sqlite3.Connection, kept_id: str, server: dict[str, Any], seq: int | None
) -> dict[str, Any]:
    """The registered person the server answered with, written from its reply
    when this device does not hold it yet."""
    es = ENTITIES[ENTITY]
    kept = rows.get_row(conn, es, kept_id)
    if kept is None:
        _write_server_row(conn, kept_id, {f: server[f] for f in es.data_fields if f in server}, seq)
        kept = rows.get_row(conn, es, kept_id)
    assert kept is not None
    return kept


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
    kept = _kept_row(conn, kept_id, server, seq)
    repointed = _repoint(conn, copy_id, kept_id)
    # The copy and its own unsent changes go: it never reached the server.
    for e in jr.open_entries(conn, (ENTITY, copy_id)):
        jr.close_entry(conn, e, DUPLICATE)
    jr.hard_delete(conn, ENTITY, copy_id)
    filled: list[str] = []
    review: list[str] = []
    if copy is not None:
        cmp = pm.compare(kept, copy)
        if cmp.fill and not kept.get("deleted"):
            filled = sorted(tx.update(ENTITY, kept_id, cmp.fill))
        review = _record_review(tx, kept, cmp, copy_id)
    jr.refresh_sync_state(conn, [(ENTITY, kept_id)])
    return Merged(copy_id, kept_id, repointed, filled, review)


def _record_review(tx: Tx, kept: Mapping[str, Any], cmp: pm.Comparison, copy_id: str) -> list[str]:
    """Each difference a conflict on the kept record (its value stands,
    "mine" the copy's), together a merge review; returns the fields."""
    kept_id = str(kept["id"])
    conflict_ids = [
        jr.record_conflict(
            tx.conn,
            (ENTITY, kept_id),
            d.field,
            None,
            d.other,
            d.kept,
            "theirs",
            None,
            None,
            kept.get("updated_device"),
        )
        for d in cmp.differences
    ]
    if conflict_ids:
        _note_review(tx, kept_id, copy_id, conflict_ids)
    return [d.field for d in cmp.differences]


def _note_review(tx: Tx, kept_id: str, copy_id: str, conflict_ids: list[int]) -> None:
    reviews = _load_meta(tx.store, REVIEWS_KEY, tx.conn, {})
    prior = reviews.get(kept_id, {}).get("conflicts", [])
    reviews[kept_id] = {"copy": copy_id, "conflicts": [*prior, *conflict_ids]}
    tx.store.set_meta(REVIEWS_KEY, json.dumps(reviews), tx.conn)


def _load_meta(store: Store, key: str, conn: sqlite3.Connection, default: Any) -> Any:
    raw = store.meta(key, conn)
    return default if not raw else json.loads(raw)


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
                jr.requeue(conn, e, new_id())  # refused for the copy: send again
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


# -- a refused update: the copy reached the server, so it is merged by edits --


def merge_registered_update(
    tx: Tx, entry: jr.Entry, server: dict[str, Any], seq: int | None
) -> Merged | None:
    """The server refused `entry`, an update that gave a person the ID number
    another person of the township holds (`server`). The person this device
    edited is on the server, so it goes by synced changes: its refused
    values are put back, the records naming it are re-pointed by edits, the
    differences are kept as a merge review and it is tombstoned."""
    conn = tx.conn
    es = ENTITIES[ENTITY]
    kept_id = str(server.get("id") or "")
    copy_id = entry.row_id
    if not kept_id or kept_id == copy_id:
        return None
    copy = rows.get_row(conn, es, copy_id)
    if copy is None or copy.get("deleted"):
        return None
    kept = _kept_row(conn, kept_id, server, seq)
    # What the worker typed stays for the review; the row goes back to what
    # the server holds, so the tombstone is of the row the server knows.
    values = dict(copy)
    jr.close_entry(conn, entry, DUPLICATE)
    back = {f: v for f, v in entry.old.items() if f in es.data_fields}
    current = rows.get_row(conn, es, copy_id)
    assert current is not None
    rows.set_fields(conn, es, copy_id, back, current)
    merged = _merge_synced(tx, kept, values, copy_id)
    jr.refresh_sync_state(conn, [(ENTITY, kept_id), (ENTITY, copy_id)])
    return merged


def _merge_synced(
    tx: Tx, kept: Mapping[str, Any], other: Mapping[str, Any], other_id: str
) -> Merged:
    """Re-point, tombstone and fill by synced edits; differences kept as
    conflicts of a merge review (the kept record's values stand)."""
    kept_id = str(kept["id"])
    cmp = pm.compare(kept, other)
    repointed = repoint_synced(tx, other_id, kept_id)
    tx.delete(ENTITY, other_id)
    filled = sorted(tx.update(ENTITY, kept_id, cmp.fill)) if cmp.fill else []
    review = _record_review(tx, kept, cmp, other_id)
    return Merged(other_id, kept_id, repointed, filled, review)


def repoint_synced(tx: Tx, other_id: str, kept_id: str) -> int:
    """Point every live record naming `other_id` at `kept_id`, each an edit
    that syncs; a second member (volunteer) record of the kept person is
    tombstoned instead, as one person has one."""
    n = 0
    for entity, fld in _referrers():
        ids = [
            str(r[0])
            for r in tx.conn.execute(
                f"SELECT id FROM {entity} WHERE {fld}=? AND deleted=0 ORDER BY id", (other_id,)
            )
        ]
        for row_id in ids:
            if (
                entity in ONE_PER_PERSON
                and tx.conn.execute(
                    f"SELECT 1 FROM {entity} WHERE {fld}=? AND deleted=0", (kept_id,)
                ).fetchone()
            ):
                tx.delete(entity, row_id)
            else:
                tx.update(entity, row_id, {fld: kept_id})
            n += 1
    return n


# -- the worker's review ----------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Two records of (perhaps) one person, for the worker to compare.

    kind "review": merged already (same ID number), the differences wait for
    the worker (`conflicts`: their ids); kind "possible": same name, birth
    date and village, no ID number to tell."""

    kind: str
    kept: dict[str, Any]
    other: dict[str, Any]
    comparison: pm.Comparison
    conflicts: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return pm.pair(str(self.kept["id"]), str(self.other["id"]))


def reviews(store: Store) -> list[Candidate]:
    """Merges whose differences the worker has not settled yet."""
    conn = store.db.connection()
    es = ENTITIES[ENTITY]
    out: list[Candidate] = []
    saved: dict[str, Any] = _load_meta(store, REVIEWS_KEY, conn, {})
    for kept_id, item in saved.items():
        ids = set(item.get("conflicts", []))
        open_ = [c for c in jr.open_conflicts(conn, ENTITY, kept_id) if c.id in ids]
        kept = rows.get_row(conn, es, kept_id)
        if not open_ or kept is None or kept.get("deleted"):
            continue
        copy = rows.get_row(conn, es, str(item.get("copy", "")))
        base = copy if copy is not None else {**kept, "id": item.get("copy", "")}
        other = {**base, **{c.field: c.mine for c in open_}}
        diffs = [
            pm.Difference(c.field, kept.get(c.field), c.mine) for c in open_ if c.field in pm.FIELDS
        ]
        out.append(
            Candidate(
                "review",
                kept,
                other,
                pm.Comparison({}, diffs),
                tuple(c.id for c in open_),
            )
        )
    return out


def suggestions(store: Store) -> list[Candidate]:
    """Pairs of live persons with the same name, birth date and village, one
    of them at least without an ID number, that the worker has not
    dismissed."""
    conn = store.db.connection()
    es = ENTITIES[ENTITY]
    dismissed = dismissed_pairs(store, conn)
    out: list[Candidate] = []
    # Driven by the persons without an ID number (few, by the ID number
    # index), each looked up by name: not a pass over every person.
    for a_id, b_id in conn.execute(
        "SELECT DISTINCT min(a.id, b.id), max(a.id, b.id) FROM person a JOIN person b "
        "ON b.name=a.name AND b.birth_date=a.birth_date AND b.division_code=a.division_code "
        "AND b.id<>a.id WHERE (a.id_number IS NULL OR a.id_number='') AND a.deleted=0 "
        "AND b.deleted=0 AND a.birth_date IS NOT NULL ORDER BY a.name, 1, 2"
    ).fetchall():
        if pm.pair(a_id, b_id) in dismissed:
            continue
        a, b = rows.get_row(conn, es, a_id), rows.get_row(conn, es, b_id)
        assert a is not None and b is not None
        kept_id, _other_id = pm.keeper(a, b)
        kept, other = (a, b) if kept_id == a_id else (b, a)
        out.append(Candidate("possible", kept, other, pm.compare(kept, other)))
    return out


def candidates(store: Store) -> list[Candidate]:
    """Everything the worker should look at: reviews first."""
    return [*reviews(store), *suggestions(store)]


DECISION = "persondecision"


def dismiss(store: Store, a: str, b: str) -> None:
    """The worker says these two are different people: not suggested again,
    on any device of the township (a synced `persondecision` record; an
    account that may not write records keeps the answer on this device)."""
    if not store.allowed("create", DECISION):
        with store.transaction() as tx:
            dismissed = _load_meta(store, DISMISSED_KEY, tx.conn, [])
            if pm.pair(a, b) not in dismissed:
                dismissed.append(pm.pair(a, b))
                store.set_meta(DISMISSED_KEY, json.dumps(dismissed), tx.conn)
        return
    x, y = sorted((a, b))
    rid = pm.decision_id(x, y)
    with store.transaction() as tx:
        current = tx.get(DECISION, rid)
        if current is not None and not current["deleted"]:
            return
        person = tx.get(ENTITY, x)
        if person is None:
            raise RecordNotFound(f"no person {x}")
        values = {"person_a": x, "person_b": y, "decision": "distinct"}
        if current is not None:  # deleted (a merge, the recycle bin): decided again
            tx.restore(DECISION, rid)
            tx.update(DECISION, rid, values)
        else:
            tx.insert(DECISION, {"id": rid, "division_code": person["division_code"], **values})


def dismissed_pairs(store: Store, conn: sqlite3.Connection) -> set[str]:
    """Pairs the worker (here, or on another device) said are two people."""
    out = set(_load_meta(store, DISMISSED_KEY, conn, []))
    out.update(
        pm.pair(a, b)
        for a, b in conn.execute(
            f"SELECT person_a, person_b FROM {DECISION} WHERE deleted=0 AND decision='distinct'"
        )
    )
    return out


def apply_review(store: Store, kept_id: str, choices: Mapping[str, pm.Side]) -> dict[str, Any]:
    """Settle a merge review: for each field keep the kept record's value or
    the other's (`choices`; the kept one's where none is given). What
    differs from the record is one synced edit; the review's conflicts are
    resolved. Returns the fields changed."""
    cand = next((c for c in reviews(store) if c.kept["id"] == kept_id), None)
    if cand is None:
        raise RecordNotFound(f"no merge review for person {kept_id}")
    changes = pm.resolve(cand.comparison, choices)
    with store.transaction() as tx:
        changed = tx.update(ENTITY, kept_id, changes) if changes else {}
        for c in jr.open_conflicts(tx.conn, ENTITY, kept_id):
            if c.id in cand.conflicts:
                side = "mine" if choices.get(c.field) == "other" else "theirs"
                jr.resolve_conflict(tx.conn, c.id, side)
        saved = _load_meta(store, REVIEWS_KEY, tx.conn, {})
        saved.pop(kept_id, None)  # settled
        store.set_meta(REVIEWS_KEY, json.dumps(saved), tx.conn)
        jr.refresh_sync_state(tx.conn, [(ENTITY, kept_id)])
        return changed


def merge_persons(
    store: Store, kept_id: str, other_id: str, choices: Mapping[str, pm.Side]
) -> Merged:
    """Merge person `other_id` into `kept_id` (a suggestion the worker
    confirmed): the records naming it are re-pointed, it is tombstoned and
    the kept record takes what only the other fills and the values chosen;
    every step a synced change, in one transaction."""
    es = ENTITIES[ENTITY]
    with store.transaction() as tx:
        kept = rows.get_row(tx.conn, es, kept_id)
        other = rows.get_row(tx.conn, es, other_id)
        if kept is None or kept.get("deleted") or kept_id == other_id:
            raise RecordNotFound(f"person {kept_id}")
        if other is None or other.get("deleted"):
            raise RecordNotFound(f"person {other_id}")
        cmp = pm.compare(kept, other)
        changes = pm.resolve(cmp, choices)
        repointed = repoint_synced(tx, other_id, kept_id)
        tx.delete(ENTITY, other_id)  # first: its ID number may move to the kept record
        filled = sorted(tx.update(ENTITY, kept_id, changes)) if changes else []
        return Merged(other_id, kept_id, repointed, filled, [])
