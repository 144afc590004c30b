"""Reads for lists, pickers, pages: the GUI's side of `store.queries`."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from jsxclient.store.queries import dashboard as dash
from jsxclient.store.queries import paging, pickers
from jsxclient.store.queries.paging import Page, Query
from jsxclient.store.store import Store
from jsxclient.ui.tasks import Job


def conn(store: Store) -> sqlite3.Connection:
    """This worker thread's connection."""
    return store.db.connection()


def page(
    store: Store, name: str, q: Query, after: tuple[Any, ...] | None, limit: int, job: Job
) -> Page:
    return paging.page(conn(store), name, q, after, limit, interrupt=lambda: job.cancelled)


def count(store: Store, name: str, q: Query, job: Job) -> int:
    return paging.count(conn(store), name, q, interrupt=lambda: job.cancelled)


def dashboard(store: Store, today: date) -> dash.Dashboard:
    return dash.dashboard(conn(store), today)


def find(
    store: Store, entity: str, text: str, scope: dict[str, str | None] | None = None
) -> list[pickers.Choice]:
    c = conn(store)
    scope = scope or {}
    if entity == "person":
        return pickers.find_people(c, text, family_id=scope.get("family_id"))
    if entity == "specialfamily":
        return pickers.find_families(c, text)
    if entity == "site":
        return pickers.find_sites(c, text)
    if entity == "membergroup":
        return pickers.find_groups(c, text, scope.get("association_id"))
    raise KeyError(entity)


def choice_label(store: Store, entity: str, row_id: str) -> pickers.Choice | None:
    return pickers.choice_label(conn(store), entity, row_id)


def person_by_id_number(
    store: Store, number: str, exclude: str | None
) -> pickers.PersonMatch | None:
    return pickers.person_by_id_number(conn(store), number, exclude)
