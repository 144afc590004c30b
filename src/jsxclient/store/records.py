"""Saving and loading records the way every entry path does: a form, the
command line or an import builds a `jsxcore.draft.Draft` (or a `SaveRequest`
directly) and saves it here, in one transaction with its person and the
records that come with a new one (`jsxcore.rules.companions`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from jsxclient.store.queries.family import family_eligibility_inputs, subsidy_rate
from jsxclient.store.store import RecordNotFound, Row, Store, Tx, ValidationFailed
from jsxcore import rules
from jsxcore.draft import Draft, Eligibility, Need, Part, SaveRequest
from jsxcore.messages import Issue

__all__ = [
    "Loaded",
    "SaveRefused",
    "SaveRequest",
    "Saved",
    "Step",
    "StoreLookup",
    "delete",
    "load",
    "look_up",
    "save",
    "save_draft",
    "undo",
]


class SaveRefused(Exception):
    """A save refused, by the store or by the draft's own checks; `part`
    says which part of the form ("main" or "person") the issues belong to.
    Nothing was written."""

    def __init__(self, part: Part, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.zh for i in issues))
        self.part = part
        self.issues = issues


@dataclass(frozen=True)
class Step:
    """One write to take back: delete what a save inserted, restore what was
    deleted, or put back the values an update replaced (`old`), where they
    still hold what the update wrote (`new`): a sync since wins."""

    op: Literal["delete", "restore", "update"]
    entity: str
    row_id: str
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Saved:
    entity: str
    row_id: str
    person_id: str | None
    created: bool
    undo: tuple[Step, ...] = ()


def _changed(current: Row, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if current.get(k) != v}


def save(store: Store, req: SaveRequest) -> Saved:
    """Write the person part (if any), the record, and a new record's
    companions, all or nothing."""
    steps: list[Step] = []
    with store.transaction() as tx:
        person_id = req.person_id
        values = dict(req.values)
        if req.person_values is not None and req.link:
            try:
                if person_id:
                    steps += _update(tx, "person", person_id, req.person_values)
                else:
                    person_id = tx.insert("person", req.person_values)
                    steps.append(Step("delete", "person", person_id))
            except ValidationFailed as exc:
                raise SaveRefused("person", exc.issues) from exc
            values[req.link] = person_id
        try:
            if req.row_id:
                steps += _update(tx, req.entity, req.row_id, values)
                row_id, created = req.row_id, False
            else:
                row_id, created = tx.insert(req.entity, values), True
                steps.append(Step("delete", req.entity, row_id))
                steps += _insert_companions(tx, req.entity, row_id)
        except ValidationFailed as exc:
            raise SaveRefused("main", exc.issues) from exc
    return Saved(req.entity, row_id, person_id, created, tuple(steps))


def _update(tx: Tx, entity: str, row_id: str, values: dict[str, Any]) -> list[Step]:
    current = tx.get(entity, row_id)
    if current is None or current["deleted"]:
        raise RecordNotFound(f"{entity} {row_id}")
    changes = _changed(current, values)
    if not changes:
        return []
    wrote = tx.update(entity, row_id, changes)
    return [Step("update", entity, row_id, {k: current.get(k) for k in wrote}, dict(wrote))]


def delete(store: Store, entity: str, row_id: str) -> tuple[Step, ...]:
    """Delete one record (a tombstone that syncs); returns how to undo it."""
    with store.transaction() as tx:
        tx.delete(entity, row_id)
    return (Step("restore", entity, row_id),)


def undo(store: Store, steps: Iterable[Step]) -> None:
    """Take back a save or a delete, last write first, in one transaction.
    Each step is an ordinary journaled write, so the undo syncs too."""
    with store.transaction() as tx:
        for step in reversed(list(steps)):
            current = tx.get(step.entity, step.row_id)
            if current is None:
                continue
            if step.op == "delete" and not current["deleted"]:
                tx.delete(step.entity, step.row_id)
            elif step.op == "restore" and current["deleted"]:
                tx.restore(step.entity, step.row_id)
            elif step.op == "update" and not current["deleted"]:
                back = {k: v for k, v in step.old.items() if current.get(k) == step.new.get(k)}
                if back:
                    tx.update(step.entity, step.row_id, back)


def _insert_companions(tx: Tx, entity: str, row_id: str) -> list[Step]:
    row = tx.get(entity, row_id)
    assert row is not None
    return [
        Step("delete", companion, tx.insert(companion, values))
        for companion, values in rules.companions(entity, row, row_id)
    ]


@dataclass(frozen=True)
class Loaded:
    values: dict[str, Any]
    person: dict[str, Any] | None


def load(store: Store, entity: str, row_id: str) -> Loaded:
    """A live record and, for records with a person part, its person."""
    row = store.get(entity, row_id)
    if row is None or row["deleted"]:
        raise RecordNotFound(f"{entity} {row_id}")
    person = None
    link = rules.PERSON_LINK.get(entity)
    if link and row.get(link):
        person = store.get("person", str(row[link]))
    return Loaded(row, person)


class StoreLookup:
    """`jsxcore.draft.Lookup` over one connection."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self.store = store
        self.conn = conn

    def row(self, entity: str, row_id: str) -> Row | None:
        row = self.store.get(entity, row_id)
        return None if row is None or row["deleted"] else row

    def subsidy_rate(self, kind: str, year: int) -> int | None:
        return subsidy_rate(self.conn, kind, year)

    def eligibility(self, family_id: str, head_person_id: str | None) -> Eligibility:
        mother, children = family_eligibility_inputs(self.conn, family_id, head_person_id)
        return Eligibility(mother, children)


def look_up(store: Store, needs: Iterable[Need]) -> dict[Need, Any]:
    """Answer a draft's needs (on the database worker, for a form)."""
    with store.reading() as conn:
        lookup = StoreLookup(store, conn)
        return {n: n.ask(lookup) for n in needs}


def save_draft(store: Store, draft: Draft) -> Saved:
    """Look up what the draft needs, check it and save it: the command line
    and imports save a record exactly as the form does. Raises SaveRefused
    (nothing written) when the draft has errors or lacks an override reason."""
    with store.reading() as conn:
        draft.resolve(StoreLookup(store, conn))
    blocking = draft.issues().blocking
    if blocking:
        part = blocking[0][0][0]
        raise SaveRefused(part, [issue for (p, _), issue in blocking if p == part])
    return save(store, draft.save_request())
