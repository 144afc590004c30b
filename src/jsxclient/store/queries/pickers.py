"""Pickers: finding a person, family, site or group to link, the label of a
linked record, a person already known by an ID number, and the township's
divisions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from jsxclient.store.queries.base import division_name_sql
from jsxclient.store.queries.search import FTS_CONDS, fts_few, fts_match, like_terms
from jsxcore.masking import mask_id


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
    if match is not None and not family_id and fts_few(conn, match, None):
        src = "person_fts CROSS JOIN person_search s CROSS JOIN person p"
        conds += list(FTS_CONDS)
        params["fts"] = match
    if family_id:
        src = "familymember fm CROSS JOIN person_search s CROSS JOIN person p"
        conds += ["fm.family_id = :family", "fm.deleted = 0", "s.person_id = fm.person_id"]
        params["family"] = family_id
    conds.append("p.id = s.person_id")
    rows = conn.execute(
        f"SELECT p.id, p.name, p.id_number, p.birth_date, "
        f"{division_name_sql('p.division_code')} FROM {src} WHERE {' AND '.join(conds)} "
        "ORDER BY s.sort_key LIMIT :limit",
        params,
    ).fetchall()
    return [
        # Pickers show the ID number masked (DOMAIN.md); a full one is a reveal.
        Choice(r[0], r[1], " ".join(str(x) for x in (mask_id(r[2]), r[4] or "") if x))
        for r in rows
    ]


def find_families(conn: sqlite3.Connection, text: str, limit: int = 20) -> list[Choice]:
    params: dict[str, Any] = {"limit": limit}
    conds = ["f.deleted = 0"]
    for i, pattern in enumerate(like_terms(text)):
        params[f"t{i}"] = pattern
        conds.append(f"s.text LIKE :t{i} ESCAPE '\\'")
    rows = conn.execute(
        "SELECT f.id, coalesce(p.name, ''), f.category, "
        f"{division_name_sql('f.division_code')} FROM specialfamily f "
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
        f"SELECT t.id, t.name, {division_name_sql('t.division_code')} FROM site t "
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


def choice_label(conn: sqlite3.Connection, entity: str, row_id: str) -> Choice | None:
    """The picker label of one record (to show a stored reference)."""
    if entity == "person":
        r = conn.execute(
            f"SELECT id, name, id_number, {division_name_sql('division_code')} FROM person "
            "WHERE id = ?",
            (row_id,),
        ).fetchone()
        return (
            None
            if r is None
            else Choice(r[0], r[1], " ".join(x for x in (mask_id(r[2]), r[3]) if x))
        )
    if entity == "specialfamily":
        r = conn.execute(
            "SELECT f.id, coalesce(p.name, ''), "
            f"{division_name_sql('f.division_code')} FROM specialfamily f "
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


def find_destinations(
    conn: sqlite3.Connection, text: str, own_township: str | None, limit: int = 30
) -> list[Choice]:
    """Townships and villages of *other* townships matching `text` (name
    terms, or the leading digits of a code): where a family can move to.
    `Choice.id` is the 12-digit code, `detail` the county / township above."""
    params: dict[str, Any] = {"limit": limit}
    conds = ["d.level IN ('township', 'village')"]
    if own_township:
        params["own"] = own_township[:9] + "%"
        conds.append("d.code NOT LIKE :own")
    digits = text.strip()
    if digits.isdigit():
        params["code"] = digits + "%"
        conds.append("d.code LIKE :code")
    else:
        terms = like_terms(text)
        if not terms:
            return []
        for i, pattern in enumerate(terms):
            params[f"t{i}"] = pattern
            conds.append(
                f"(d.name || ' ' || coalesce(p.name, '') || ' ' || coalesce(c.name, '')) "
                f"LIKE :t{i} ESCAPE '\\'"
            )
    rows = conn.execute(
        "SELECT d.code, d.name, coalesce(c.name, ''), coalesce(p.name, '') FROM division d "
        "LEFT JOIN division p ON p.code = d.parent_code "
        "LEFT JOIN division c ON c.code = p.parent_code "
        f"WHERE {' AND '.join(conds)} ORDER BY d.level = 'village', d.code LIMIT :limit",
        params,
    ).fetchall()
    return [Choice(r[0], r[1], " / ".join(x for x in (r[2], r[3]) if x)) for r in rows]
