"""Lists read a page at a time, and their counts.

Pages use keyset pagination, never OFFSET, so scrolling to row 90,000 costs
the same as row 0. Person lists search through the `person_search` table
(migration 0004): one narrow row per person holding the name, pinyin full
and initials, ID number and mobile.

Plans that serve a person list (`member`, `volunteer`):

* *walk*: read `person_search` in index order, test the text there and join
  only the rows that match; the first page of a common search is ready after
  a few hundred rows. The default (pinyin) order without a selective filter;
* *own*: start from the list's own table, join, then sort. Used when a
  filter such as "left the association" matches few rows (a walk would skip
  most of what it reads), and for other sort orders;
* *text*: another sort order with a search term: walk `person_search` to
  test the text, then sort;
* *fts*: a search term of three characters or more (a name, part of a
  mobile or an ID number) usually matches few people; the trigram FTS5
  index over `person_search` lists them without reading every row, and they
  are joined and sorted. Used when it yields fewer than `FTS_MAX` people.

Other lists read their `ListDef.source` ("set").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsxclient.store.queries.base import Interrupt, run
from jsxclient.store.queries.lists import LISTS, ListDef
from jsxclient.store.queries.search import (
    FTS_CONDS,
    FTS_FROM,
    fts_few,
    fts_match,
    like_terms,
)


@dataclass(frozen=True)
class Query:
    """What a list shows: search text, filters (key -> value), sort column."""

    text: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str = ""  # column key; "" for the list's default
    descending: bool = False


@dataclass(frozen=True)
class Page:
    ids: list[str]
    rows: list[tuple[Any, ...]]  # one value per ListDef column
    after: tuple[Any, ...] | None  # keyset of the last row; None when no more rows
    plan: str = ""  # "walk", "own", "text", "fts" or "set", for benchmarks and tests


def _where(d: ListDef, q: Query, params: dict[str, Any]) -> list[str]:
    conds = [d.where]
    for key, value in q.filters.items():
        if value is None or value == "":
            continue
        if key not in d.filters:
            raise KeyError(f"{d.name}: no filter {key!r}")
        conds.append(d.filters[key])
        params[key] = value
    for i, pattern in enumerate(like_terms(q.text)):
        name = f"t{i}"
        params[name] = pattern
        if d.person:
            conds.append(f"s.text LIKE :{name} ESCAPE '\\'")
        elif d.text:
            ors = " OR ".join(f"{e} LIKE :{name} ESCAPE '\\'" for e in d.text)
            conds.append(f"({ors})")
    return conds


def _not_null(d: ListDef, expr: str) -> bool:
    """Whether a sort expression is a NOT NULL column (then it needs no
    coalesce and an index on it can order the rows)."""
    from jsxcore.entities import ENTITIES

    alias, _, col = expr.partition(".")
    entity = {"r": d.entity, "p": "person"}.get(alias)
    if entity is None or not col.isidentifier():
        return False
    f = ENTITIES[entity].model.model_fields.get(col)
    return (f is not None and f.is_required()) or col in ("division_code", "sync_state")


def _order(d: ListDef, q: Query) -> tuple[list[str], bool]:
    """Sort expressions (the last ones break ties) and whether descending."""
    key = q.sort or d.default_sort
    col = d.column(key)
    if col.sort is None:
        col = d.column(d.default_sort)
    assert col.sort is not None
    if col.sort == "s.sort_key":
        return ["coalesce(s.sort_key, '')", "coalesce(s.person_id, '')", "r.id"], q.descending
    if _not_null(d, col.sort):
        return [col.sort, "r.id"], q.descending
    return [f"coalesce({col.sort}, '')", "r.id"], q.descending


#: Lists that may be read by walking person_search in pinyin order.
_WALKABLE = ("member", "volunteer")
#: A filter matching fewer rows than this is read from the list's own table.
SELECTIVE = 5000


def _plan(
    conn: sqlite3.Connection,
    d: ListDef,
    q: Query,
    filters: list[str],
    params: dict[str, Any],
    interrupt: Interrupt | None,
) -> tuple[str, str]:
    """The plan for a person list and its FROM clause (see the module doc)."""
    walk_from = f"person_search s CROSS JOIN person p CROSS JOIN {d.entity} r"
    own_from = f"{d.entity} r CROSS JOIN person p CROSS JOIN person_search s"
    match = fts_match(q.text)
    if match is not None and fts_few(conn, match, interrupt):
        params["fts"] = match
        return "fts", FTS_FROM.format(t=d.entity)
    default = (q.sort or d.default_sort) == d.default_sort or d.column(q.sort).sort is None
    if not default:
        return ("text", walk_from) if q.text.strip() else ("own", own_from)
    if not filters:
        return "walk", walk_from
    n = run(
        conn,
        f"SELECT count(*) FROM (SELECT 1 FROM {d.entity} r "
        f"WHERE {' AND '.join([d.where, *filters])} LIMIT {SELECTIVE})",
        params,
        interrupt,
    )[0][0]
    return ("own", own_from) if n < SELECTIVE else ("walk", walk_from)


def page(
    conn: sqlite3.Connection,
    d: ListDef | str,
    q: Query,
    after: tuple[Any, ...] | None = None,
    limit: int = 100,
    interrupt: Interrupt | None = None,
) -> Page:
    """One page of a list, starting after the keyset `after` (None: the first)."""
    d = LISTS[d] if isinstance(d, str) else d
    params: dict[str, Any] = {}
    conds = _where(d, q, params)
    filters = [c for c in conds[1:] if c.startswith("r.")]
    order, desc = _order(d, q)
    cmp, direction = ("<", " DESC") if desc else (">", "")
    cols = ", ".join(c.expr for c in d.columns)
    n = len(d.columns)
    plan, source = "set", d.source
    if d.name in _WALKABLE:
        plan, source = _plan(conn, d, q, filters, params, interrupt)
        conds += ["p.id = r.person_id", "s.person_id = r.person_id"]
        if plan == "fts":
            conds += FTS_CONDS
        if plan == "walk":
            # The walk reads the covering index in order; its keys are NOT
            # NULL, so they equal the coalesced keys of the other plans.
            order = ["s.sort_key", "s.person_id", "r.id"]
    if after is not None:
        keys = ", ".join(f":k{i}" for i in range(len(order)))
        conds.append(f"({', '.join(order)}) {cmp} ({keys})")
        params.update({f"k{i}": v for i, v in enumerate(after)})
    params["limit"] = limit + 1
    sql = (
        f"SELECT r.id, {cols}, {', '.join(order)} FROM {source} "
        f"WHERE {' AND '.join(conds)} "
        f"ORDER BY {', '.join(o + direction for o in order)} LIMIT :limit"
    )
    rows = run(conn, sql, params, interrupt)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        ids=[str(r[0]) for r in rows],
        rows=[tuple(r[1 : 1 + n]) for r in rows],
        after=tuple(rows[-1][1 + n :]) if more and rows else None,
        plan=plan,
    )


def count(
    conn: sqlite3.Connection, d: ListDef | str, q: Query, interrupt: Interrupt | None = None
) -> int:
    d = LISTS[d] if isinstance(d, str) else d
    params: dict[str, Any] = {}
    conds = _where(d, q, params)
    source = d.source
    match = fts_match(q.text)
    if d.name in _WALKABLE and match is not None and fts_few(conn, match, interrupt):
        source = FTS_FROM.format(t=d.entity)
        conds += [*FTS_CONDS, "p.id = r.person_id", "s.person_id = r.person_id"]
        params["fts"] = match
    where = " AND ".join(conds)
    rows = run(conn, f"SELECT count(*) FROM {source} WHERE {where}", params, interrupt)
    assert rows is not None
    return int(rows[0][0])
