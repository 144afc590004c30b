"""Saving and loading records the way every entry path does: a form, the
command line or an import builds a `jsxcore.draft.Draft` (or a `SaveRequest`
directly) and saves it here, in one transaction with its person and the
records that come with a new one (`jsxcore.rules.companions`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
    "StoreLookup",
    "load",
    "look_up",
    "save",
    "save_draft",
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
class Saved:
    entity: str
    row_id: str
    person_id: str | None
    created: bool


def _changed(current: Row, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if current.get(k) != v}


def save(store: Store, req: SaveRequest) -> Saved:
    """Write the person part (if any), the record, and a new record's
    companions, all or nothing."""
    with store.transaction() as tx:
        person_id = req.person_id
        values = dict(req.values)
        if req.person_values is not None and req.link:
            try:
                if person_id:
                    current = tx.get("person", person_id)
                    if current is None:
                        raise RecordNotFound(f"person {person_id}")
                    changes = _changed(current, req.person_values)
                    if changes:
                        tx.update("person", person_id, changes)
                else:
                    person_id = tx.insert("person", req.person_values)
            except ValidationFailed as exc:
                raise SaveRefused("person", exc.issues) from exc
            values[req.link] = person_id
        try:
            if req.row_id:
                current = tx.get(req.entity, req.row_id)
                if current is None or current["deleted"]:
                    raise RecordNotFound(f"{req.entity} {req.row_id}")
                changes = _changed(current, values)
                if changes:
                    tx.update(req.entity, req.row_id, changes)
                row_id, created = req.row_id, False
            else:
                row_id, created = tx.insert(req.entity, values), True
                _insert_companions(tx, req.entity, row_id)
        except ValidationFailed as exc:
            raise SaveRefused("main", exc.issues) from exc
    return Saved(req.entity, row_id, person_id, created)


def _insert_companions(tx: Tx, entity: str, row_id: str) -> None:
    row = tx.get(entity, row_id)
    assert row is not None
    for companion, values in rules.companions(entity, row, row_id):
        tx.insert(companion, values)


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
