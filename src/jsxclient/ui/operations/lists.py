"""Reads for lists, pickers, pages: the GUI's side of `store.queries`."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from jsxclient.store import queries
from jsxclient.store.queries import Page, Query
from jsxclient.store.store import Store
from jsxclient.ui.tasks import Job


def conn(store: Store) -> sqlite3.Connection:
    """This worker thread's connection."""
    return store.db.connection()


def page(
    store: Store, name: str, q: Query, after: tuple[Any, ...] | None, limit: int, job: Job
) -> Page:
    return queries.page(conn(store), name, q, after, limit, interrupt=lambda: job.cancelled)


def count(store: Store, name: str, q: Query, job: Job) -> int:
    return queries.count(conn(store), name, q, interrupt=lambda: job.cancelled)


def dashboard(store: Store, today: date) -> queries.Dashboard:
    return queries.dashboard(conn(store), today)


def statistics(store: Store, township: str, start: date, end: date) -> queries.Statistics:
    return queries.statistics(conn(store), township, start, end)


def find(
    store: Store, entity: str, text: str, scope: dict[str, str | None] | None = None
) -> list[queries.Choice]:
    c = conn(store)
    scope = scope or {}
    if entity == "person":
        return queries.find_people(c, text, family_id=scope.get("family_id"))
    if entity == "specialfamily":
        return queries.find_families(c, text)
    if entity == "site":
        return queries.find_sites(c, text)
    if entity == "membergroup":
        return queries.find_groups(c, text, scope.get("association_id"))
    raise KeyError(entity)


def choice_label(store: Store, entity: str, row_id: str) -> queries.Choice | None:
    return queries.choice_label(conn(store), entity, row_id)


def person_by_id_number(
    store: Store, number: str, exclude: str | None
) -> queries.PersonMatch | None:
    return queries.person_by_id_number(conn(store), number, exclude)
