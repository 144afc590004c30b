"""Moving records between townships: the one write that leaves the scope.

A special family that moves (户籍迁移) is transferred with its child records
and the persons who belong only to it, by rewriting their division_code
through the journaled write path. After the push, the server reports those
rows out of this device's scope and the pull drops them here; the receiving
township's devices pull them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jsxclient.store.store import RecordNotFound, Tx

FAMILY_CHILDREN = ("familymember", "familycontact", "carevisit", "caresubsidy", "volunteerpairing")

# Where else a person can be referenced; a person referenced by a record that
# stays behind stays too (the worker decides about them separately).
_PERSON_REFERENCES: tuple[tuple[str, str], ...] = (
    ("member", "person_id"),
    ("volunteer", "person_id"),
    ("officer", "person_id"),
    ("activityparticipant", "person_id"),
    ("membergroup", "leader_person_id"),
    ("familymember", "person_id"),
    ("familycontact", "person_id"),
    ("caresubsidy", "person_id"),
    ("specialfamily", "head_person_id"),
)


@dataclass
class Transfer:
    moved: list[tuple[str, str]] = field(default_factory=list)  # (entity, id)
    persons_kept: list[str] = field(default_factory=list)  # still referenced here


def transfer_family(tx: Tx, family_id: str, division_code: str) -> Transfer:
    """Move a special family to `division_code` (a village or township of
    another township, usually). Raises RecordNotFound / ValidationFailed."""
    fam = tx.get("specialfamily", family_id)
    if fam is None or fam["deleted"]:
        raise RecordNotFound(f"specialfamily {family_id}")
    out = Transfer()
    moving: set[tuple[str, str]] = {("specialfamily", family_id)}
    for entity in FAMILY_CHILDREN:
        for (row_id,) in tx.conn.execute(
            f"SELECT id FROM {entity} WHERE family_id=? AND deleted=0", (family_id,)
        ).fetchall():
            moving.add((entity, row_id))
    persons = {fam["head_person_id"]} if fam.get("head_person_id") else set()
    persons.update(
        pid
        for (pid,) in tx.conn.execute(
            "SELECT person_id FROM familymember WHERE family_id=? AND deleted=0", (family_id,)
        )
    )
    for pid in sorted(persons):
        if _referenced_elsewhere(tx, pid, moving):
            out.persons_kept.append(pid)
        else:
            moving.add(("person", pid))
    # Parents first, as the push sends them; each row moves itself, so every
    # change is still inside the sender's scope when the server applies it.
    order = ["person", "specialfamily", *FAMILY_CHILDREN]
    for entity in order:
        for ent, row_id in sorted(moving):
            if ent != entity:
                continue
            row = tx.get(ent, row_id)
            if row is None or row["deleted"] or row["division_code"] == division_code:
                continue
            tx.update(ent, row_id, {"division_code": division_code})
            out.moved.append((ent, row_id))
    return out


def _referenced_elsewhere(tx: Tx, person_id: str, moving: set[tuple[str, str]]) -> bool:
    for entity, column in _PERSON_REFERENCES:
        for (row_id,) in tx.conn.execute(
            f"SELECT id FROM {entity} WHERE {column}=? AND deleted=0", (person_id,)
        ):
            if (entity, row_id) not in moving:
                return True
    return False
