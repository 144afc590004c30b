"""Reading and writing records for the forms and lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsxclient.store.store import RecordNotFound, Store, ValidationFailed
from jsxcore.messages import Issue


class SaveRefused(Exception):
    """A save the store refused; `part` says which part of the form
    ("main" or "person") the issues belong to. Nothing was written."""

    def __init__(self, part: str, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.zh for i in issues))
        self.part = part
        self.issues = issues


@dataclass
class SaveRequest:
    entity: str
    row_id: str | None
    values: dict[str, Any]
    # A form with a person part (member, volunteer, family head ...): the
    # person is written first and linked through `link`.
    link: str | None = None
    person_id: str | None = None
    person_values: dict[str, Any] | None = None
    # Extra records to insert after the main one, e.g. the head of a new
    # family as its first family member: (entity, values), `{main}` and
    # `{person}` placeholders replaced by the ids.
    follow_ups: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class Saved:
    entity: str
    row_id: str
    person_id: str | None
    created: bool


def _changed(current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if current.get(k) != v}


def save(store: Store, req: SaveRequest) -> Saved:
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
        except ValidationFailed as exc:
            raise SaveRefused("main", exc.issues) from exc
        for entity, extra in req.follow_ups:
            filled = {
                k: (row_id if v == "{main}" else person_id if v == "{person}" else v)
                for k, v in extra.items()
            }
            tx.insert(entity, filled)
    return Saved(req.entity, row_id, person_id, created)


@dataclass(frozen=True)
class Loaded:
    values: dict[str, Any]
    person: dict[str, Any] | None


def load(store: Store, entity: str, row_id: str, link: str | None = None) -> Loaded:
    row = store.get(entity, row_id)
    if row is None or row["deleted"]:
        raise RecordNotFound(f"{entity} {row_id}")
    person = None
    if link and row.get(link):
        person = store.get("person", str(row[link]))
    return Loaded(row, person)


def get(store: Store, entity: str, row_id: str) -> dict[str, Any] | None:
    return store.get(entity, row_id)


def delete(store: Store, entity: str, row_id: str) -> None:
    with store.transaction() as tx:
        tx.delete(entity, row_id)
