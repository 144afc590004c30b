"""Read-side queries for the desktop's lists, pickers, dashboard and statistics.

No Qt here: every function takes a connection (the calling thread's own) and
returns plain tuples and dataclasses, so the UI runs them on its database
worker and the benchmarks and tests call them directly.

Lists are described once as `ListDef`s (FROM clause, columns, filters, search)
and read a page at a time with keyset pagination, never OFFSET, so scrolling
to row 90,000 costs the same as row 0. Person lists search through the
`person_search` table (migration 0004): one narrow row per person holding the
name, pinyin full and initials, ID number and mobile.

Two plans serve a person list in its default (pinyin) order:

* *walk*: read `person_search` in index order, test the text there and join
  only the rows that match; the first page of a common search is ready after
  a few hundred rows;
* *own*: start from the list's own table, join, then sort. Used when a
  filter such as "left the association" matches few rows (a walk would skip
  most of what it reads), and for other sort orders;
* *fts*: a search term of three characters or more (a name, part of a
  mobile or an ID number) usually matches few people; the trigram FTS5
  index over `person_search` lists them without reading every row, and they
  are joined and sorted. Used when it yields fewer than `FTS_MAX` people.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jsxcore import rules

Interrupt = Callable[[], bool]


class Interrupted(Exception):
    """A query was stopped because a newer one replaced it."""


# --- list definitions ---------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """One column of a list: `expr` is selected, `sort` orders it (None: fixed)."""

    key: str
    expr: str
    kind: str = "text"  # text, date, code:<table>, bool, money, int, idnum, sync, mobile
    sort: str | None = None


@dataclass(frozen=True)
class ListDef:
    name: str
    entity: str
    source: str  # FROM ... with the listed record as alias r
    columns: tuple[Col, ...]
    filters: Mapping[str, str] = field(default_factory=dict)  # key -> SQL using :key
    # Person lists: the alias joined to person (search via person_search);
    # other lists search these expressions with LIKE.
    person: str | None = None
    text: tuple[str, ...] = ()
    default_sort: str = ""
    descending: bool = False  # the default sort runs newest first
    where: str = "r.deleted = 0"

    def column(self, key: str) -> Col:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.name}: no column {key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def _division_name(code: str) -> str:
    return f"(SELECT d.name FROM division d WHERE d.code = {code})"


def _sync2(a: str, b: str) -> str:
    """The more urgent of two rows' sync states (a member row and its person)."""
    return (
        f"CASE WHEN 'conflict' IN ({a}, {b}) THEN 'conflict' "
        f"WHEN 'rejected' IN ({a}, {b}) THEN 'rejected' "
        f"WHEN 'pending' IN ({a}, {b}) THEN 'pending' ELSE 'synced' END"
    )


def _person_cols() -> tuple[Col, ...]:
    return (
        Col("name", "p.name", sort="s.sort_key"),
        Col("sex", "p.sex", "code:sex", sort="p.sex"),
        Col("birth_date", "p.birth_date", "date", sort="p.birth_date"),
        Col("id_number", "p.id_number", "idnum", sort="p.id_number"),
        Col("mobile", "p.mobile", "mobile", sort="p.mobile"),
    )


_PERSON_SOURCE = (
    "{table} r JOIN person p ON p.id = r.person_id JOIN person_search s ON s.person_id = p.id"
)

LISTS: dict[str, ListDef] = {}


def _register(d: ListDef) -> ListDef:
    LISTS[d.name] = d
    return d


_register(
    ListDef(
        name="member",
        entity="member",
        source=_PERSON_SOURCE.format(table="member"),
        columns=(
            *_person_cols(),
            Col("village", _division_name("r.division_code"), sort="r.division_code"),
            Col(
                "group",
                "(SELECT g.name FROM membergroup g WHERE g.id = r.group_id)",
                sort=None,
            ),
            Col("member_type", "r.member_type", "code:member_type", sort="r.member_type"),
            Col("role", "r.role", "code:member_role", sort="r.role"),
            Col("card_no", "r.card_no", sort="r.card_no"),
            Col("joined_on", "r.joined_on", "date", sort="r.joined_on"),
            Col("status", "r.status", "code:member_status", sort="r.status"),
            Col("sync", _sync2("r.sync_state", "p.sync_state"), "sync", sort="r.sync_state"),
        ),
        filters={
            "village": "r.division_code = :village",
            "status": "r.status = :status",
            "type": "r.member_type = :type",
            "role": "r.role = :role",
            "date_from": "r.joined_on >= :date_from",
            "date_to": "r.joined_on <= :date_to",
            "sync": "r.sync_state = :sync",
        },
        person="p",
        default_sort="name",
    )
)

_register(
    ListDef(
        name="volunteer",
        entity="volunteer",
        source=_PERSON_SOURCE.format(table="volunteer"),
        columns=(
            *_person_cols(),
            Col("village", _division_name("r.division_code"), sort="r.division_code"),
            Col("team_level", "r.team_level", "code:volunteer_level", sort="r.team_level"),
            Col("registration_no", "r.registration_no", sort="r.registration_no"),
            Col("skills", "r.skills", sort="r.skills"),
            Col("registered_on", "r.registered_on", "date", sort="r.registered_on"),
            Col("active", "r.active", "bool", sort="r.active"),
            Col(
                "pairings",
                "(SELECT count(*) FROM volunteerpairing vp WHERE vp.volunteer_id = r.id "
                "AND vp.deleted = 0)",
                "int",
            ),
            Col("sync", _sync2("r.sync_state", "p.sync_state"), "sync", sort="r.sync_state"),
        ),
        filters={
            "village": "r.division_code = :village",
            "type": "r.team_level = :type",
            "status": "r.active = :status",
            "date_from": "r.registered_on >= :date_from",
            "date_to": "r.registered_on <= :date_to",
        },
        person="p",
        default_sort="name",
    )
)

_LAST_VISIT = (
    "(SELECT max(v.visit_date) FROM carevisit v WHERE v.family_id = r.id AND v.deleted = 0)"
)

_register(
    ListDef(
        name="specialfamily",
        entity="specialfamily",
        source=(
            "specialfamily r LEFT JOIN person p ON p.id = r.head_person_id "
            "LEFT JOIN person_search s ON s.person_id = p.id"
        ),
        columns=(
            Col("head", "p.name", sort="s.sort_key"),
            Col("id_number", "p.id_number", "idnum", sort="p.id_number"),
            Col("mobile", "p.mobile", "mobile"),
            Col("village", _division_name("r.division_code"), sort="r.division_code"),
            Col("category", "r.category", "code:family_category", sort="r.category"),
            Col(
                "disability_grade",
                "r.disability_grade",
                "code:disability_grade",
                sort="r.disability_grade",
            ),
            Col("status", "r.status", "code:family_status", sort="r.status"),
            Col("enrolled_on", "r.enrolled_on", "date", sort="r.enrolled_on"),
            Col(
                "family_doctor_signed",
                "r.family_doctor_signed",
                "bool",
                sort="r.family_doctor_signed",
            ),
            Col("last_visit", _LAST_VISIT, "date", sort=_LAST_VISIT),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={
            "village": "r.division_code = :village",
            "status": "r.status = :status",
            "type": "r.category = :type",
            "date_from": "r.enrolled_on >= :date_from",
            "date_to": "r.enrolled_on <= :date_to",
        },
        person="p",
        default_sort="head",
    )
)

_register(
    ListDef(
        name="activity",
        entity="activity",
        source="activity r",
        columns=(
            Col("held_on", "r.held_on", "date", sort="r.held_on"),
            Col("title", "r.title", sort="r.title"),
            Col("type", "r.type", "code:activity_type", sort="r.type"),
            Col("campaign", "r.campaign", "code:campaign", sort="r.campaign"),
            Col("village", _division_name("r.division_code"), sort="r.division_code"),
            Col("place", "r.place", sort="r.place"),
            Col("participant_count", "r.participant_count", "int", sort="r.participant_count"),
            Col("families_visited", "r.families_visited", "int", sort="r.families_visited"),
            Col("funds_raised_fen", "r.funds_raised_fen", "money", sort="r.funds_raised_fen"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={
            "village": "r.division_code = :village",
            "type": "r.type = :type",
            "status": "r.campaign = :status",
            "date_from": "r.held_on >= :date_from",
            "date_to": "r.held_on <= :date_to",
        },
        text=("r.title", "r.place", "r.partners"),
        default_sort="held_on",
        descending=True,
    )
)

_register(
    ListDef(
        name="site",
        entity="site",
        source="site r",
        columns=(
            Col("name", "r.name", sort="r.name"),
            Col("kind", "r.kind", "code:site_kind", sort="r.kind"),
            Col("village", _division_name("r.division_code"), sort="r.division_code"),
            Col("address", "r.address", sort="r.address"),
            Col("opened_on", "r.opened_on", "date", sort="r.opened_on"),
            Col(
                "six",
                "(r.has_place + r.has_sign + r.has_rules + r.has_plan + r.has_activities "
                "+ r.has_management)",
                "int",
                sort="(r.has_place + r.has_sign + r.has_rules + r.has_plan + r.has_activities "
                "+ r.has_management)",
            ),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"village": "r.division_code = :village", "type": "r.kind = :type"},
        text=("r.name", "r.address"),
        default_sort="name",
    )
)

_register(
    ListDef(
        name="project",
        entity="project",
        source="project r",
        columns=(
            Col("year", "r.year", "int", sort="r.year"),
            Col("name", "r.name", sort="r.name"),
            Col("level", "r.level", "code:project_level", sort="r.level"),
            Col("fund_source", "r.fund_source", sort="r.fund_source"),
            Col("amount_fen", "r.amount_fen", "money", sort="r.amount_fen"),
            Col("status", "r.status", "code:project_status", sort="r.status"),
            Col(
                "sites",
                "(SELECT count(*) FROM projectsite ps WHERE ps.project_id = r.id "
                "AND ps.deleted = 0)",
                "int",
            ),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"type": "r.level = :type", "status": "r.status = :status"},
        text=("r.name", "r.fund_source"),
        default_sort="year",
        descending=True,
    )
)

_register(
    ListDef(
        name="subsidyrate",
        entity="subsidyrate",
        source="subsidyrate r",
        columns=(
            Col("year", "r.year", "int", sort="r.year"),
            Col("kind", "r.kind", "code:subsidy_kind", sort="r.kind"),
            Col("rate_fen", "r.rate_fen", "money", sort="r.rate_fen"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        default_sort="year",
        descending=True,
    )
)

# Child lists, shown inside a parent's page and filtered by the parent.

_register(
    ListDef(
        name="officer",
        entity="officer",
        source="officer r",
        columns=(
            Col("name", "r.name", sort="r.name"),
            Col("post", "r.post", "code:officer_post", sort="r.post"),
            Col("term_start", "r.term_start", "date", sort="r.term_start"),
            Col("term_end", "r.term_end", "date", sort="r.term_end"),
            Col("mobile", "r.mobile", "mobile", sort="r.mobile"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.association_id = :parent"},
        text=("r.name",),
        default_sort="term_start",
        descending=True,
    )
)

_register(
    ListDef(
        name="membergroup",
        entity="membergroup",
        source="membergroup r LEFT JOIN person p ON p.id = r.leader_person_id",
        columns=(
            Col("name", "r.name", sort="r.name"),
            Col("leader", "p.name", sort="p.name"),
            Col(
                "members",
                "(SELECT count(*) FROM member m WHERE m.group_id = r.id AND m.deleted = 0 "
                "AND m.status = 'active')",
                "int",
            ),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.association_id = :parent"},
        text=("r.name",),
        default_sort="name",
    )
)

_register(
    ListDef(
        name="familymember",
        entity="familymember",
        source="familymember r JOIN person p ON p.id = r.person_id",
        columns=(
            Col("name", "p.name", sort="p.search_key"),
            Col("relation", "r.relation", "code:relation", sort="r.relation"),
            Col("sex", "p.sex", "code:sex", sort="p.sex"),
            Col("birth_date", "p.birth_date", "date", sort="p.birth_date"),
            Col("id_number", "p.id_number", "idnum", sort="p.id_number"),
            Col("mobile", "p.mobile", "mobile", sort="p.mobile"),
            Col("sync", _sync2("r.sync_state", "p.sync_state"), "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.family_id = :parent"},
        default_sort="relation",
    )
)

_register(
    ListDef(
        name="familycontact",
        entity="familycontact",
        source="familycontact r",
        columns=(
            Col("kind", "r.kind", "code:contact_kind", sort="r.kind"),
            Col("name", "r.name", sort="r.name"),
            Col("mobile", "r.mobile", "mobile", sort="r.mobile"),
            Col("since", "r.since", "date", sort="r.since"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.family_id = :parent"},
        default_sort="kind",
    )
)

_register(
    ListDef(
        name="carevisit",
        entity="carevisit",
        source="carevisit r",
        columns=(
            Col("visit_date", "r.visit_date", "date", sort="r.visit_date"),
            Col("mode", "r.mode", "code:visit_mode", sort="r.mode"),
            Col("visitor", "r.visitor", sort="r.visitor"),
            Col("physical_state", "r.physical_state", "code:wellbeing", sort="r.physical_state"),
            Col("mental_state", "r.mental_state", "code:wellbeing", sort="r.mental_state"),
            Col("needs", "r.needs", sort="r.needs"),
            Col("aid_fen", "r.aid_fen", "money", sort="r.aid_fen"),
            Col("major_event", "r.major_event", "bool", sort="r.major_event"),
            Col("follow_up_due", "r.follow_up_due", "date", sort="r.follow_up_due"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.family_id = :parent"},
        default_sort="visit_date",
        descending=True,
    )
)

_register(
    ListDef(
        name="caresubsidy",
        entity="caresubsidy",
        source="caresubsidy r LEFT JOIN person p ON p.id = r.person_id",
        columns=(
            Col("kind", "r.kind", "code:subsidy_kind", sort="r.kind"),
            Col("person", "p.name", sort="p.search_key"),
            Col("hospital", "r.hospital", sort="r.hospital"),
            Col("admitted_on", "r.admitted_on", "date", sort="r.admitted_on"),
            Col("days", "r.days", "int", sort="r.days"),
            Col("amount_fen", "r.amount_fen", "money", sort="r.amount_fen"),
            Col("status", "r.status", "code:subsidy_status", sort="r.status"),
            Col("paid_on", "r.paid_on", "date", sort="r.paid_on"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.family_id = :parent"},
        default_sort="admitted_on",
        descending=True,
    )
)

_register(
    ListDef(
        name="activityparticipant",
        entity="activityparticipant",
        source="activityparticipant r JOIN person p ON p.id = r.person_id",
        columns=(
            Col("name", "p.name", sort="p.search_key"),
            Col("sex", "p.sex", "code:sex", sort="p.sex"),
            Col("id_number", "p.id_number", "idnum", sort="p.id_number"),
            Col("mobile", "p.mobile", "mobile", sort="p.mobile"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.activity_id = :parent"},
        default_sort="name",
    )
)

_register(
    ListDef(
        name="volunteerpairing",
        entity="volunteerpairing",
        source=(
            "volunteerpairing r JOIN specialfamily f ON f.id = r.family_id "
            "LEFT JOIN person p ON p.id = f.head_person_id"
        ),
        columns=(
            Col("family", "p.name", sort="p.search_key"),
            Col("category", "f.category", "code:family_category", sort="f.category"),
            Col("village", _division_name("f.division_code"), sort="f.division_code"),
            Col("since", "r.since", "date", sort="r.since"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.volunteer_id = :parent"},
        default_sort="since",
    )
)

_register(
    ListDef(
        name="projectsite",
        entity="projectsite",
        source="projectsite r JOIN site t ON t.id = r.site_id",
        columns=(
            Col("name", "t.name", sort="t.name"),
            Col("kind", "t.kind", "code:site_kind", sort="t.kind"),
            Col("village", _division_name("t.division_code"), sort="t.division_code"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.project_id = :parent"},
        default_sort="name",
    )
)


# --- paging ---------------------------------------------------------------------------


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
    plan: str = ""  # "walk" or "set", for benchmarks and tests


def like_terms(text: str) -> list[str]:
    """Whitespace-separated search terms as escaped LIKE patterns (all must match)."""
    out = []
    for term in text.lower().split():
        esc = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        out.append(f"%{esc}%")
    return out


#: A search term this long can be looked up in the trigram index.
TRIGRAM = 3


def fts_match(text: str) -> str | None:
    """An FTS5 MATCH for the terms of `text` the trigram index can answer
    (three characters or more), or None. The LIKE conditions still apply,
    so the shorter terms keep filtering."""
    terms = [t for t in text.lower().split() if len(t) >= TRIGRAM]
    if not terms:
        return None
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


#: The trigram index serves a search that matches fewer people than this. A
#: denser one (a common surname's pinyin, a birth year inside ID numbers)
#: is found sooner by the walk, which stops after one page of matches, than
#: by joining and sorting every match; the count stops at this limit too.
FTS_MAX = 400


def _fts_few(conn: sqlite3.Connection, match: str, interrupt: Interrupt | None) -> bool:
    """Whether the trigram index narrows a search to fewer than FTS_MAX people."""
    n = _run(
        conn,
        "SELECT count(*) FROM (SELECT 1 FROM person_fts WHERE person_fts MATCH :fts "
        f"LIMIT {FTS_MAX})",
        {"fts": match},
        interrupt,
    )[0][0]
    return bool(n < FTS_MAX)


_FTS_FROM = "person_fts CROSS JOIN person_search s CROSS JOIN person p CROSS JOIN {t} r"
_FTS_CONDS = ("person_fts MATCH :fts", "s.id = person_fts.rowid")


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


@contextmanager
def _guard(conn: sqlite3.Connection, interrupt: Interrupt | None) -> Iterator[None]:
    """Stop the statement when `interrupt()` turns true (a newer query replaced it)."""
    if interrupt is None:
        yield
        return

    def handler() -> int:
        return int(interrupt())

    conn.set_progress_handler(handler, 5000)
    try:
        yield
    finally:
        conn.set_progress_handler(None, 0)


def _run(
    conn: sqlite3.Connection, sql: str, params: Mapping[str, Any], interrupt: Interrupt | None
) -> list[Any]:
    try:
        with _guard(conn, interrupt):
            return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc) and interrupt is not None and interrupt():
            raise Interrupted() from exc
        raise


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
    if match is not None and _fts_few(conn, match, interrupt):
        params["fts"] = match
        return "fts", _FTS_FROM.format(t=d.entity)
    default = (q.sort or d.default_sort) == d.default_sort or d.column(q.sort).sort is None
    if not default:
        return ("text", walk_from) if q.text.strip() else ("own", own_from)
    if not filters:
        return "walk", walk_from
    n = _run(
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
            conds += _FTS_CONDS
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
    rows = _run(conn, sql, params, interrupt)
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
    if d.name in _WALKABLE and match is not None and _fts_few(conn, match, interrupt):
        source = _FTS_FROM.format(t=d.entity)
        conds += [*_FTS_CONDS, "p.id = r.person_id", "s.person_id = r.person_id"]
        params["fts"] = match
    where = " AND ".join(conds)
    rows = _run(conn, f"SELECT count(*) FROM {source} WHERE {where}", params, interrupt)
    assert rows is not None
    return int(rows[0][0])


# --- divisions and pickers ------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str
    parent_code: str | None = None
    path: str = ""  # "长沙市 / 开福区"


def township_places(conn: sqlite3.Connection, township: str) -> list[Place]:
    """The township itself, then its villages and communities in code order."""
    rows = conn.execute(
        "SELECT code, name, level, parent_code FROM division WHERE code = ? OR parent_code = ? "
        "ORDER BY code",
        (township, township),
    ).fetchall()
    return [Place(*r) for r in rows]


def division_name(conn: sqlite3.Connection, code: str) -> str:
    r = conn.execute("SELECT name FROM division WHERE code = ?", (code,)).fetchone()
    return str(r[0]) if r else code


def township_choices() -> list[Place]:
    """Every Hunan township with its city and county, from the shipped table
    (the first-run picker runs before any store has divisions)."""
    from jsxcore.divisions import read_divisions

    rows = read_divisions()
    names = {r.code: r.name for r in rows}
    out = []
    for r in rows:
        if r.level != "township":
            continue
        county = r.parent_code or ""
        city = county[:4] + "00000000" if county else ""
        path = " / ".join(x for x in (names.get(city, ""), names.get(county, "")) if x)
        out.append(Place(r.code, r.name, r.level, r.parent_code, path))
    return out


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    detail: str = ""


def find_people(
    conn: sqlite3.Connection, text: str, limit: int = 20, family_id: str | None = None
) -> list[Choice]:
    """Persons matching `text` (name, pinyin, ID number, mobile) for pickers."""
    params: dict[str, Any] = {"limit": limit}
    conds = ["p.deleted = 0"]
    for i, pattern in enumerate(like_terms(text)):
        params[f"t{i}"] = pattern
        conds.append(f"s.text LIKE :t{i} ESCAPE '\\'")
    src = "person_search s CROSS JOIN person p"
    match = fts_match(text)
    if match is not None and not family_id and _fts_few(conn, match, None):
        src = "person_fts CROSS JOIN person_search s CROSS JOIN person p"
        conds += list(_FTS_CONDS)
        params["fts"] = match
    if family_id:
        src = "familymember fm CROSS JOIN person_search s CROSS JOIN person p"
        conds += ["fm.family_id = :family", "fm.deleted = 0", "s.person_id = fm.person_id"]
        params["family"] = family_id
    conds.append("p.id = s.person_id")
    rows = conn.execute(
        f"SELECT p.id, p.name, p.id_number, p.birth_date, "
        f"{_division_name('p.division_code')} FROM {src} WHERE {' AND '.join(conds)} "
        "ORDER BY s.sort_key LIMIT :limit",
        params,
    ).fetchall()
    return [
        Choice(r[0], r[1], " ".join(str(x) for x in (r[2] or "", r[4] or "") if x)) for r in rows
    ]


def find_families(conn: sqlite3.Connection, text: str, limit: int = 20) -> list[Choice]:
    params: dict[str, Any] = {"limit": limit}
    conds = ["f.deleted = 0"]
    for i, pattern in enumerate(like_terms(text)):
        params[f"t{i}"] = pattern
        conds.append(f"s.text LIKE :t{i} ESCAPE '\\'")
    rows = conn.execute(
        "SELECT f.id, coalesce(p.name, ''), f.category, "
        f"{_division_name('f.division_code')} FROM specialfamily f "
        "LEFT JOIN person p ON p.id = f.head_person_id "
        "LEFT JOIN person_search s ON s.person_id = p.id "
        f"WHERE {' AND '.join(conds)} ORDER BY s.sort_key LIMIT :limit",
        params,
    ).fetchall()
    return [Choice(r[0], r[1], f"{r[3] or ''}") for r in rows]


def find_sites(conn: sqlite3.Connection, text: str, limit: int = 20) -> list[Choice]:
    params: dict[str, Any] = {"limit": limit}
    conds = ["t.deleted = 0"]
    for i, pattern in enumerate(like_terms(text)):
        params[f"t{i}"] = pattern
        conds.append(f"t.name LIKE :t{i} ESCAPE '\\'")
    rows = conn.execute(
        f"SELECT t.id, t.name, {_division_name('t.division_code')} FROM site t "
        f"WHERE {' AND '.join(conds)} ORDER BY t.name LIMIT :limit",
        params,
    ).fetchall()
    return [Choice(r[0], r[1], r[2] or "") for r in rows]


def find_groups(
    conn: sqlite3.Connection, text: str, association_id: str | None, limit: int = 50
) -> list[Choice]:
    params: dict[str, Any] = {"limit": limit, "a": association_id}
    conds = ["g.deleted = 0"]
    if association_id:
        conds.append("g.association_id = :a")
    for i, pattern in enumerate(like_terms(text)):
        params[f"t{i}"] = pattern
        conds.append(f"g.name LIKE :t{i} ESCAPE '\\'")
    rows = conn.execute(
        f"SELECT g.id, g.name FROM membergroup g WHERE {' AND '.join(conds)} "
        "ORDER BY g.name LIMIT :limit",
        params,
    ).fetchall()
    return [Choice(r[0], r[1]) for r in rows]


FINDERS: dict[str, str] = {
    "person": "find_people",
    "specialfamily": "find_families",
    "site": "find_sites",
    "membergroup": "find_groups",
}


def choice_label(conn: sqlite3.Connection, entity: str, row_id: str) -> Choice | None:
    """The picker label of one record (to show a stored reference)."""
    if entity == "person":
        r = conn.execute(
            f"SELECT id, name, id_number, {_division_name('division_code')} FROM person "
            "WHERE id = ?",
            (row_id,),
        ).fetchone()
        return None if r is None else Choice(r[0], r[1], " ".join(x for x in (r[2], r[3]) if x))
    if entity == "specialfamily":
        r = conn.execute(
            "SELECT f.id, coalesce(p.name, ''), "
            f"{_division_name('f.division_code')} FROM specialfamily f "
            "LEFT JOIN person p ON p.id = f.head_person_id WHERE f.id = ?",
            (row_id,),
        ).fetchone()
        return None if r is None else Choice(r[0], r[1], r[2] or "")
    if entity in ("site", "membergroup"):
        r = conn.execute(f"SELECT id, name FROM {entity} WHERE id = ?", (row_id,)).fetchone()
        return None if r is None else Choice(r[0], r[1])
    raise KeyError(entity)


@dataclass(frozen=True)
class PersonMatch:
    """An existing person with the ID number being typed into a form."""

    id: str
    values: dict[str, Any]
    village: str
    roles: list[str]  # entities that already link the person: "member", "volunteer", ...


def person_by_id_number(
    conn: sqlite3.Connection, id_number: str, exclude: str | None = None
) -> PersonMatch | None:
    cur = conn.execute(
        "SELECT * FROM person WHERE id_number = ? AND deleted = 0 AND id != ? "
        "ORDER BY created_at LIMIT 1",
        (id_number, exclude or ""),
    )
    r = cur.fetchone()
    if r is None:
        return None
    values = dict(zip([c[0] for c in cur.description], r, strict=True))
    pid = str(values["id"])
    roles = []
    for table, col in (
        ("member", "person_id"),
        ("volunteer", "person_id"),
        ("familymember", "person_id"),
        ("specialfamily", "head_person_id"),
    ):
        if conn.execute(
            f"SELECT 1 FROM {table} WHERE {col} = ? AND deleted = 0 LIMIT 1", (pid,)
        ).fetchone():
            roles.append(table)
    return PersonMatch(pid, values, division_name(conn, str(values["division_code"])), roles)


def row_of(conn: sqlite3.Connection, table: str, col: str, value: str) -> str | None:
    """The id of a live row of `table` whose `col` is `value` (first by creation)."""
    r = conn.execute(
        f"SELECT id FROM {table} WHERE {col} = ? AND deleted = 0 ORDER BY created_at LIMIT 1",
        (value,),
    ).fetchone()
    return None if r is None else str(r[0])


def subsidy_rate(conn: sqlite3.Connection, kind: str, year: int) -> int | None:
    """The configured daily rate (fen) for a kind of subsidy in a year."""
    r = conn.execute(
        "SELECT rate_fen FROM subsidyrate WHERE kind = ? AND year <= ? AND deleted = 0 "
        "ORDER BY year DESC, updated_at DESC LIMIT 1",
        (kind, year),
    ).fetchone()
    return None if r is None else int(r[0])


# --- organisation ---------------------------------------------------------------------


@dataclass(frozen=True)
class AssociationRow:
    id: str
    name: str
    level: str
    parent_id: str | None
    division_code: str
    members: int
    officers: int
    sync_state: str


def associations(conn: sqlite3.Connection) -> list[AssociationRow]:
    rows = conn.execute(
        "SELECT a.id, a.name, a.level, a.parent_id, a.division_code, "
        "(SELECT count(*) FROM member m WHERE m.association_id = a.id AND m.deleted = 0 "
        " AND m.status = 'active'), "
        "(SELECT count(*) FROM officer o WHERE o.association_id = a.id AND o.deleted = 0 "
        " AND o.term_end IS NULL), a.sync_state "
        "FROM association a WHERE a.deleted = 0 ORDER BY a.division_code, a.name"
    ).fetchall()
    return [AssociationRow(*r) for r in rows]


# --- special family detail ------------------------------------------------------------


@dataclass(frozen=True)
class FamilySummary:
    id: str
    head_name: str
    head_id_number: str | None
    head_mobile: str | None
    division_code: str
    village: str
    category: str
    disability_grade: str | None
    status: str
    event_date: str | None
    enrolled_on: str | None
    last_visit: str | None
    visits_this_year: int
    next_due: str | None
    flags: dict[str, bool]
    sync_state: str


def family_summary(conn: sqlite3.Connection, family_id: str, today: date) -> FamilySummary | None:
    cur = conn.execute(
        "SELECT f.*, p.name AS head_name, p.id_number AS head_id, p.mobile AS head_mobile "
        "FROM specialfamily f LEFT JOIN person p ON p.id = f.head_person_id WHERE f.id = ?",
        (family_id,),
    )
    r = cur.fetchone()
    if r is None:
        return None
    f = dict(zip([c[0] for c in cur.description], r, strict=True))
    last, n_year = conn.execute(
        "SELECT max(visit_date), sum(visit_date >= :y) FROM carevisit "
        "WHERE family_id = :f AND deleted = 0",
        {"f": family_id, "y": f"{today.year}-01-01"},
    ).fetchone()
    due = _family_due(conn, family_id, f.get("enrolled_on") or str(f["created_at"])[:10])
    return FamilySummary(
        id=family_id,
        head_name=f["head_name"] or "",
        head_id_number=f["head_id"],
        head_mobile=f["head_mobile"],
        division_code=f["division_code"],
        village=division_name(conn, f["division_code"]),
        category=f["category"],
        disability_grade=f["disability_grade"],
        status=f["status"],
        event_date=f["event_date"],
        enrolled_on=f["enrolled_on"],
        last_visit=last,
        visits_this_year=int(n_year or 0),
        next_due=due,
        flags={
            k: bool(f[k])
            for k in (
                "doc_certificate",
                "doc_death_or_disability",
                "doc_household",
                "family_doctor_signed",
                "priority_hospital",
            )
        },
        sync_state=f["sync_state"],
    )


_FACE_TO_FACE = "(" + ", ".join(f"'{m}'" for m in rules.FACE_TO_FACE_MODES) + ")"


def _family_due(conn: sqlite3.Connection, family_id: str, since: str) -> str | None:
    r = conn.execute(
        f"SELECT max(CASE WHEN mode IN {_FACE_TO_FACE} THEN visit_date END), "
        "(SELECT follow_up_due FROM carevisit WHERE family_id = :f AND deleted = 0 "
        " ORDER BY visit_date DESC LIMIT 1) "
        "FROM carevisit WHERE family_id = :f AND deleted = 0",
        {"f": family_id},
    ).fetchone()
    last_home, follow = r if r else (None, None)
    return rules.next_visit(since, last_home, follow).due.isoformat()


def family_eligibility_inputs(
    conn: sqlite3.Connection, family_id: str | None, head_person_id: str | None
) -> tuple[str | None, int | None]:
    """The mother's birth date and the number of children on the family's
    member list, for the special-family eligibility warnings."""
    mother: str | None = None
    children: int | None = None
    if head_person_id:
        r = conn.execute(
            "SELECT sex, birth_date FROM person WHERE id = ?", (head_person_id,)
        ).fetchone()
        if r and r[0] == "2":
            mother = r[1]
    if family_id:
        rows = conn.execute(
            "SELECT fm.relation, p.sex, p.birth_date FROM familymember fm "
            "JOIN person p ON p.id = fm.person_id WHERE fm.family_id = ? AND fm.deleted = 0",
            (family_id,),
        ).fetchall()
        kids = [r for r in rows if "20" <= r[0] <= "39" and r[0] not in ("28", "38")]
        children = len(kids) if kids else None
        if mother is None:
            for rel, sex, birth in rows:
                if sex == "2" and rel in ("01", "02", "10", "12") and birth:
                    mother = birth
                    break
    return mother, children


# --- dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class DueFamily:
    family_id: str
    head_name: str
    village: str
    category: str
    last_visit: str | None
    due: str
    reason: str  # "visit" (quarterly visit) or "follow_up"


@dataclass(frozen=True)
class FollowUp:
    visit_id: str
    family_id: str
    head_name: str
    village: str
    visit_date: str
    follow_up_due: str | None
    major_event: bool
    needs: str | None


@dataclass(frozen=True)
class Dashboard:
    counts: dict[str, int]
    due: list[DueFamily]  # overdue first, then due within `soon_days`
    overdue: int
    due_soon: int
    follow_ups: list[FollowUp]
    pending: int
    last_sync: str | None
    last_outcome: str | None
    open_conflicts: int
    rejected: int


def dashboard(
    conn: sqlite3.Connection, today: date, soon_days: int = 14, limit: int = 200
) -> Dashboard:
    year = f"{today.year}-01-01"
    counts = {
        "members": _scalar(
            conn, "SELECT count(*) FROM member WHERE status = 'active' AND deleted = 0"
        ),
        "members_new": _scalar(
            conn,
            "SELECT count(*) FROM member WHERE deleted = 0 AND joined_on >= ?",
            (year,),
        ),
        "families": _scalar(
            conn,
            "SELECT count(*) FROM specialfamily WHERE deleted = 0 AND status = 'enrolled'",
        ),
        "visits_year": _scalar(
            conn, "SELECT count(*) FROM carevisit WHERE deleted = 0 AND visit_date >= ?", (year,)
        ),
        "volunteers": _scalar(
            conn, "SELECT count(*) FROM volunteer WHERE deleted = 0 AND active = 1"
        ),
        "activities_year": _scalar(
            conn, "SELECT count(*) FROM activity WHERE deleted = 0 AND held_on >= ?", (year,)
        ),
        "sites": _scalar(conn, "SELECT count(*) FROM site WHERE deleted = 0"),
    }
    soon = (today + timedelta(days=soon_days)).isoformat()
    # One pass over the enrolled families, each looked up in the covering
    # index carevisit(family_id, visit_date, deleted, mode, follow_up_due).
    rows = conn.execute(
        "SELECT f.id, coalesce(p.name, ''), "
        f"{_division_name('f.division_code')}, f.category,"
        " coalesce(f.enrolled_on, substr(f.created_at, 1, 10)),"
        " (SELECT max(v.visit_date) FROM carevisit v WHERE v.family_id = f.id"
        "  AND v.deleted = 0),"
        " (SELECT max(v.visit_date) FROM carevisit v WHERE v.family_id = f.id"
        f"  AND v.deleted = 0 AND v.mode IN {_FACE_TO_FACE}),"
        " (SELECT v.follow_up_due FROM carevisit v WHERE v.family_id = f.id AND v.deleted = 0"
        "  ORDER BY v.visit_date DESC LIMIT 1)"
        " FROM specialfamily f LEFT JOIN person p ON p.id = f.head_person_id"
        " WHERE f.deleted = 0 AND f.status = 'enrolled'"
    ).fetchall()
    due: list[DueFamily] = []
    follow_families: list[str] = []
    for fid, head, village, category, since, latest, home, follow in rows:
        if follow and follow <= soon:
            follow_families.append(fid)
        nxt = rules.next_visit(since, home, follow)
        when, reason = nxt.due.isoformat(), nxt.reason
        if when <= soon:
            due.append(DueFamily(fid, head, village or "", category, latest, when, reason))
    due.sort(key=lambda d: (d.due, d.head_name))
    today_s = today.isoformat()
    overdue = sum(1 for d in due if d.due < today_s)
    # Follow-ups: the latest visit of a family asked for one by now, or a
    # major event reported in the last 30 days.
    recent = (today - timedelta(days=30)).isoformat()
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS dash_family(id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.dash_family")
    conn.executemany(
        "INSERT OR IGNORE INTO temp.dash_family VALUES (?)", [(f,) for f in follow_families]
    )
    follow_rows = conn.execute(
        "SELECT v.id, v.family_id, coalesce(p.name, ''), "
        f"{_division_name('f.division_code')}, v.visit_date, v.follow_up_due, v.major_event, "
        "v.needs FROM carevisit v JOIN specialfamily f ON f.id = v.family_id "
        "LEFT JOIN person p ON p.id = f.head_person_id "
        "WHERE v.deleted = 0 AND f.deleted = 0 AND f.status = 'enrolled' AND ("
        " (v.family_id IN (SELECT id FROM temp.dash_family) AND v.visit_date = ("
        "   SELECT max(w.visit_date) FROM carevisit w WHERE w.family_id = v.family_id"
        "   AND w.deleted = 0) AND v.follow_up_due IS NOT NULL)"
        " OR (v.visit_date >= :recent AND v.major_event = 1)) "
        "ORDER BY coalesce(v.follow_up_due, v.visit_date) LIMIT :limit",
        {"recent": recent, "limit": limit},
    ).fetchall()
    follow_ups = [
        FollowUp(r[0], r[1], r[2], r[3] or "", r[4], r[5], bool(r[6]), r[7]) for r in follow_rows
    ]
    last = conn.execute(
        "SELECT coalesce(finished_at, started_at), outcome FROM sync_receipt "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return Dashboard(
        counts=counts,
        due=due[:limit],
        overdue=overdue,
        due_soon=len(due) - overdue,
        follow_ups=follow_ups,
        pending=pending_count(conn),
        last_sync=None if last is None else str(last[0]),
        last_outcome=None if last is None else str(last[1]),
        open_conflicts=_scalar(
            conn, "SELECT count(DISTINCT entity || row_id) FROM conflict WHERE resolved_at IS NULL"
        ),
        rejected=_scalar(conn, "SELECT count(*) FROM journal WHERE state = 'rejected'"),
    )


def _scalar(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> int:
    r = conn.execute(sql, params).fetchone()
    return int(r[0] or 0)


def pending_count(conn: sqlite3.Connection) -> int:
    return _scalar(conn, "SELECT count(*) FROM journal WHERE state = 'pending'")


@dataclass(frozen=True)
class SyncSummary:
    pending: int
    last_sync: str | None
    last_outcome: str | None
    last_success: str | None
    open_conflicts: int
    rejected: int


def sync_summary(conn: sqlite3.Connection) -> SyncSummary:
    last = conn.execute(
        "SELECT coalesce(finished_at, started_at), outcome FROM sync_receipt "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    ok = conn.execute(
        "SELECT max(coalesce(finished_at, started_at)) FROM sync_receipt "
        "WHERE outcome IN ('ok', 'success', 'done', 'completed')"
    ).fetchone()
    return SyncSummary(
        pending=pending_count(conn),
        last_sync=None if last is None else str(last[0]),
        last_outcome=None if last is None else str(last[1]),
        last_success=None if ok is None or ok[0] is None else str(ok[0]),
        open_conflicts=_scalar(
            conn, "SELECT count(DISTINCT entity || row_id) FROM conflict WHERE resolved_at IS NULL"
        ),
        rejected=_scalar(conn, "SELECT count(*) FROM journal WHERE state = 'rejected'"),
    )


# --- statistics -----------------------------------------------------------------------


@dataclass(frozen=True)
class VillageStats:
    code: str
    name: str
    members: int  # active at the end of the period
    members_joined: int  # joined within the period
    families: int  # enrolled special families
    families_visited: int  # families with a visit within the period
    visits: int
    home_visits: int
    activities: int
    volunteers: int


@dataclass(frozen=True)
class Statistics:
    start: str
    end: str
    villages: list[VillageStats]
    activities_by_type: list[tuple[str, int, int]]  # type, count, participants
    families_by_category: list[tuple[str, int]]
    members_by_role: list[tuple[str, int]]
    visits_by_mode: list[tuple[str, int]]
    subsidies_by_status: list[tuple[str, int, int]]  # status, count, amount_fen


def statistics(conn: sqlite3.Connection, township: str, start: date, end: date) -> Statistics:
    """Counts per village and by type for the period [start, end]."""
    p = {"s": start.isoformat(), "e": end.isoformat()}

    def by_village(sql: str) -> dict[str, int]:
        return {str(k): int(v) for k, v in conn.execute(sql, p).fetchall()}

    members = by_village(
        "SELECT division_code, count(*) FROM member WHERE deleted = 0 AND joined_on <= :e "
        "AND (left_on IS NULL OR left_on > :e) AND status != 'deceased' GROUP BY division_code"
    )
    joined = by_village(
        "SELECT division_code, count(*) FROM member WHERE deleted = 0 "
        "AND joined_on BETWEEN :s AND :e GROUP BY division_code"
    )
    families = by_village(
        "SELECT division_code, count(*) FROM specialfamily WHERE deleted = 0 "
        "AND status = 'enrolled' GROUP BY division_code"
    )
    visited = by_village(
        "SELECT f.division_code, count(DISTINCT v.family_id) FROM carevisit v "
        "JOIN specialfamily f ON f.id = v.family_id WHERE v.deleted = 0 "
        "AND f.deleted = 0 AND f.status = 'enrolled' "
        "AND v.visit_date BETWEEN :s AND :e GROUP BY f.division_code"
    )
    visits = by_village(
        "SELECT f.division_code, count(*) FROM carevisit v JOIN specialfamily f "
        "ON f.id = v.family_id WHERE v.deleted = 0 AND v.visit_date BETWEEN :s AND :e "
        "GROUP BY f.division_code"
    )
    home = by_village(
        "SELECT f.division_code, count(*) FROM carevisit v JOIN specialfamily f "
        "ON f.id = v.family_id WHERE v.deleted = 0 AND v.mode = 'home' "
        "AND v.visit_date BETWEEN :s AND :e GROUP BY f.division_code"
    )
    activities = by_village(
        "SELECT division_code, count(*) FROM activity WHERE deleted = 0 "
        "AND held_on BETWEEN :s AND :e GROUP BY division_code"
    )
    volunteers = by_village(
        "SELECT division_code, count(*) FROM volunteer WHERE deleted = 0 AND active = 1 "
        "GROUP BY division_code"
    )
    villages = [
        VillageStats(
            pl.code,
            pl.name,
            members.get(pl.code, 0),
            joined.get(pl.code, 0),
            families.get(pl.code, 0),
            visited.get(pl.code, 0),
            visits.get(pl.code, 0),
            home.get(pl.code, 0),
            activities.get(pl.code, 0),
            volunteers.get(pl.code, 0),
        )
        for pl in township_places(conn, township)
    ]
    return Statistics(
        start=p["s"],
        end=p["e"],
        villages=villages,
        activities_by_type=[
            (str(t), int(n), int(c or 0))
            for t, n, c in conn.execute(
                "SELECT type, count(*), sum(participant_count) FROM activity WHERE deleted = 0 "
                "AND held_on BETWEEN :s AND :e GROUP BY type ORDER BY count(*) DESC",
                p,
            )
        ],
        families_by_category=[
            (str(k), int(n))
            for k, n in conn.execute(
                "SELECT category, count(*) FROM specialfamily WHERE deleted = 0 "
                "AND status = 'enrolled' GROUP BY category ORDER BY category"
            )
        ],
        members_by_role=[
            (str(k), int(n))
            for k, n in conn.execute(
                "SELECT role, count(*) FROM member WHERE deleted = 0 AND status = 'active' "
                "GROUP BY role ORDER BY count(*) DESC"
            )
        ],
        visits_by_mode=[
            (str(k), int(n))
            for k, n in conn.execute(
                "SELECT mode, count(*) FROM carevisit WHERE deleted = 0 "
                "AND visit_date BETWEEN :s AND :e GROUP BY mode ORDER BY count(*) DESC",
                p,
            )
        ],
        subsidies_by_status=[
            (str(k), int(n), int(a or 0))
            for k, n, a in conn.execute(
                "SELECT status, count(*), sum(amount_fen) FROM caresubsidy WHERE deleted = 0 "
                "AND coalesce(admitted_on, substr(created_at, 1, 10)) BETWEEN :s AND :e "
                "GROUP BY status",
                p,
            )
        ],
    )


# --- sync page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    id: int
    started_at: str
    finished_at: str | None
    outcome: str
    sent: int
    received: int
    merged: int
    conflicts: int
    rejected: int
    duration_ms: int
    message: str | None


def receipts(conn: sqlite3.Connection, limit: int = 200) -> list[Receipt]:
    rows = conn.execute(
        "SELECT id, started_at, finished_at, outcome, sent, received, merged, conflicts, "
        "rejected, duration_ms, message FROM sync_receipt ORDER BY id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [Receipt(*r) for r in rows]


def record_label(conn: sqlite3.Connection, entity: str, row_id: str) -> str:
    """A short human name for any record (for sync lists and dialogs)."""
    from jsxcore.entities import ENTITIES

    if entity not in ENTITIES:
        return row_id
    person_col = {
        "person": "id",
        "member": "person_id",
        "volunteer": "person_id",
        "familymember": "person_id",
        "activityparticipant": "person_id",
        "specialfamily": "head_person_id",
    }.get(entity)
    if person_col:
        r = conn.execute(
            f"SELECT p.name FROM {entity} x JOIN person p ON p.id = x.{person_col} WHERE x.id = ?",
            (row_id,),
        ).fetchone()
        if r:
            return str(r[0])
    fields = set(ENTITIES[entity].data_fields)
    for col in ("name", "title"):
        if col in fields:
            r = conn.execute(f"SELECT {col} FROM {entity} WHERE id = ?", (row_id,)).fetchone()
            if r:
                return str(r[0])
    if "family_id" in fields:
        r = conn.execute(
            f"SELECT p.name FROM {entity} x JOIN specialfamily f ON f.id = x.family_id "
            "JOIN person p ON p.id = f.head_person_id WHERE x.id = ?",
            (row_id,),
        ).fetchone()
        if r:
            return str(r[0])
    return row_id[:8]


@dataclass(frozen=True)
class ConflictField:
    id: int
    field: str
    base: str | None  # JSON text
    mine: str | None
    theirs: str | None
    winner: str
    theirs_device: str | None
    created_at: str


@dataclass(frozen=True)
class ConflictGroup:
    entity: str
    row_id: str
    label: str
    fields: list[ConflictField]
    created_at: str


def open_conflicts(conn: sqlite3.Connection) -> list[ConflictGroup]:
    rows = conn.execute(
        "SELECT id, entity, row_id, field, base, mine, theirs, winner, theirs_device, created_at "
        "FROM conflict WHERE resolved_at IS NULL ORDER BY created_at, id"
    ).fetchall()
    groups: dict[tuple[str, str], list[ConflictField]] = {}
    for r in rows:
        groups.setdefault((r[1], r[2]), []).append(
            ConflictField(r[0], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
        )
    return [
        ConflictGroup(e, rid, record_label(conn, e, rid), fs, fs[0].created_at)
        for (e, rid), fs in groups.items()
    ]


def conflict_group(conn: sqlite3.Connection, entity: str, row_id: str) -> ConflictGroup | None:
    for g in open_conflicts(conn):
        if g.entity == entity and g.row_id == row_id:
            return g
    return None
