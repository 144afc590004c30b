"""Keyset pages of lists in every plan, their counts, and interrupting a
query a newer one replaced."""

from __future__ import annotations

import pytest

from jsxclient.store.queries import paging
from jsxclient.store.queries.base import Interrupted
from jsxclient.store.queries.lists import LISTS
from jsxclient.store.queries.paging import Query
from jsxclient.store.store import Store

from .builders import add_members, conn


def all_pages(store: Store, name: str, query: Query, size: int) -> tuple[list[str], set[str]]:
    ids: list[str] = []
    plans: set[str] = set()
    page = paging.page(conn(store), name, query, None, size)
    while True:
        ids += page.ids
        plans.add(page.plan)
        if page.after is None:
            return ids, plans
        page = paging.page(conn(store), name, query, page.after, size)


@pytest.mark.parametrize(
    ("query", "plan"),
    [
        (Query(), "walk"),
        (Query("z"), "walk"),
        (Query("zha"), "fts"),
        (Query(filters={"status": "left"}), "own"),
        (Query(sort="joined_on", descending=True), "own"),
        (Query("1", sort="mobile"), "text"),
    ],
)
def test_keyset_pages_return_every_row_once_in_order(store: Store, query: Query, plan: str) -> None:
    add_members(store, 230)
    add_members(store, 20, status="left")
    ids, plans = all_pages(store, "member", query, 37)
    assert plans == {plan}
    assert len(ids) == len(set(ids)) == paging.count(conn(store), "member", query)
    keys = [
        conn(store)
        .execute(
            "SELECT s.sort_key, s.person_id FROM member m JOIN person_search s "
            "ON s.person_id = m.person_id WHERE m.id = ?",
            (i,),
        )
        .fetchone()
        for i in ids
    ]
    if not query.sort:
        assert keys == sorted(keys)
    if query.filters.get("status") == "left":
        assert len(ids) == 20


def test_search_matches_every_field(store: Store) -> None:
    add_members(store, 50)
    c = conn(store)
    row = c.execute("SELECT name, id_number, mobile, search_key FROM person LIMIT 1").fetchone()
    name, number, mobile, key = row
    for text in (key.split()[1], key.split()[0], name, number, mobile[-5:], number.lower()):
        page = paging.page(c, "member", Query(text))
        names = [r[0] for r in page.rows]
        assert name in names, text


def test_masking_is_the_ui_job_not_the_query(store: Store) -> None:
    add_members(store, 1)
    page = paging.page(conn(store), "member", Query())
    col = [c.key for c in LISTS["member"].columns].index("id_number")
    assert len(page.rows[0][col]) == 18


def test_interrupt_stops_a_query(store: Store) -> None:
    add_members(store, 2000)
    with pytest.raises(Interrupted):
        paging.count(conn(store), "member", Query("1"), interrupt=lambda: True)
