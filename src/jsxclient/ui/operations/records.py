"""Reading and writing records for the forms and lists: one-liners over
`jsxclient.store.records`, which the command line and imports share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsxclient.store import records
from jsxclient.store.queries import recycle
from jsxclient.store.queries.recycle import Named
from jsxclient.store.records import Loaded, Saved, SaveRefused, SaveRequest, Step
from jsxclient.store.store import Store
from jsxcore.draft import Need

__all__ = [
    "Loaded",
    "Named",
    "SaveRefused",
    "SaveRequest",
    "Saved",
    "Step",
    "delete",
    "get",
    "load",
    "look_up",
    "name_of",
    "restore",
    "save",
    "trash",
    "undo",
]


def save(store: Store, req: SaveRequest) -> Saved:
    return records.save(store, req)


def load(store: Store, entity: str, row_id: str) -> Loaded:
    return records.load(store, entity, row_id)


def look_up(store: Store, needs: Iterable[Need]) -> dict[Need, Any]:
    return records.look_up(store, needs)


def get(store: Store, entity: str, row_id: str) -> dict[str, Any] | None:
    return store.get(entity, row_id)


def delete(store: Store, entity: str, row_id: str) -> tuple[Step, ...]:
    return records.delete(store, entity, row_id)


def undo(store: Store, steps: tuple[Step, ...]) -> None:
    records.undo(store, steps)


def name_of(store: Store, entity: str, row_id: str) -> Named | None:
    return recycle.name_of(store.db.connection(), entity, row_id)


def trash(store: Store) -> list[Named]:
    """The recycle bin: records deleted in the last 30 days."""
    return recycle.deleted(store.db.connection())


def restore(store: Store, entity: str, row_id: str) -> None:
    with store.transaction() as tx:
        tx.restore(entity, row_id)


def reveal(store: Store, obj: str, reason: str) -> None:
    """Allow and record one reveal of a masked number (the editor shows it
    once this returns)."""
    store.require("reveal")
    store.audit("reveal", obj, detail=reason)
