"""Reading and writing records for the forms and lists: one-liners over
`jsxclient.store.records`, which the command line and imports share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsxclient.store import records
from jsxclient.store.records import Loaded, Saved, SaveRefused, SaveRequest
from jsxclient.store.store import Store
from jsxcore.draft import Need

__all__ = [
    "Loaded",
    "SaveRefused",
    "SaveRequest",
    "Saved",
    "delete",
    "get",
    "load",
    "look_up",
    "save",
]


def save(store: Store, req: SaveRequest) -> Saved:
    return records.save(store, req)


def load(store: Store, entity: str, row_id: str) -> Loaded:
    return records.load(store, entity, row_id)


def look_up(store: Store, needs: Iterable[Need]) -> dict[Need, Any]:
    return records.look_up(store, needs)


def get(store: Store, entity: str, row_id: str) -> dict[str, Any] | None:
    return store.get(entity, row_id)


def delete(store: Store, entity: str, row_id: str) -> None:
    with store.transaction() as tx:
        tx.delete(entity, row_id)


def reveal(store: Store, obj: str, reason: str) -> None:
    """Allow and record one reveal of a masked number (the editor shows it
    once this returns)."""
    store.require("reveal")
    store.audit("reveal", obj, detail=reason)
