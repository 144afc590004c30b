"""Demo data: valid, consistent, realistic in shape, deterministic, journaled."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from jsxclient import demo
from jsxclient.store.reference import villages_of
from jsxclient.store.store import Store
from jsxcore.entities import ENTITIES
from jsxcore.validation import (
    cross_check_person,
    parse_id_number,
    special_family_eligibility,
    validate_mobile,
    validate_record,
)

from ..conftest import TOWNSHIP

TODAY = date(2024, 6, 30)  # fixed, so that runs compare; must not be after the real today
SCALE = 0.05
SEED = 7

Row = dict[str, Any]


def _copy(template: Path, dest: Path) -> Store:
    dest.write_bytes(template.read_bytes())
    return Store.open(dest, user="demo")


def _make(
    template: Path,
    dest: Path,
    scale: float = SCALE,
    seed: int = SEED,
) -> tuple[Store, dict[str, int]]:
    store = _copy(template, dest)
    return store, demo.generate(store, TOWNSHIP, scale=scale, seed=seed, today=TODAY)


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory, template_store: Path
) -> Iterator[tuple[Store, dict[str, int]]]:
    store, counts = _make(template_store, tmp_path_factory.mktemp("demo") / "demo.db")
    yield store, counts
    store.close()


@pytest.fixture(scope="module")
def store(generated: tuple[Store, dict[str, int]]) -> Store:
    return generated[0]


@pytest.fixture(scope="module")
def counts(generated: tuple[Store, dict[str, int]]) -> dict[str, int]:
    return generated[1]


def rows(store: Store, entity: str) -> list[Row]:
    cur = store.db.connection().execute(f"SELECT * FROM {entity} ORDER BY id")
    cols = [d[0] for d in cur.description]
    es = ENTITIES[entity]
    return [es.to_wire(dict(zip(cols, r, strict=True))) for r in cur.fetchall()]


def by_id(store: Store, entity: str) -> dict[str, Row]:
    return {r["id"]: r for r in rows(store, entity)}


def test_every_entity_is_generated_and_counted(store: Store, counts: dict[str, int]) -> None:
    for entity in demo.WRITE_ORDER:
        n = len(rows(store, entity))
        assert n >= 1, entity
        assert counts[entity] == n, entity


def test_id_numbers_valid_unique_and_consistent(store: Store) -> None:
    persons = rows(store, "person")
    numbers = [p["id_number"] for p in persons]
    assert all(numbers)
    assert len(set(numbers)) == len(numbers)
    county = TOWNSHIP[:6]
    local = 0
    for p in persons:
        ident = parse_id_number(p["id_number"], TODAY)
        assert ident.number == p["id_number"]
        assert ident.sex == p["sex"]
        assert ident.birth_date.isoformat() == p["birth_date"]
        assert ident.address_code.startswith("43")  # Hunan
        local += ident.address_code == county
        assert cross_check_person(p, TODAY) == []
    assert 0.85 <= local / len(persons) < 1.0  # a few from other Hunan counties


def test_every_record_passes_validation(store: Store) -> None:
    for entity in demo.WRITE_ORDER:
        rules = ENTITIES[entity].rules
        for r in rows(store, entity):
            errors = [i for i in validate_record(rules, r, TODAY) if i.severity == "error"]
            assert errors == [], (entity, r["id"], errors)


def test_references_and_divisions_resolve(store: Store) -> None:
    conn = store.db.connection()
    ids = {e: set(by_id(store, e)) for e in ENTITIES}
    villages = {v.code for v in villages_of(conn, TOWNSHIP)}
    for entity in demo.WRITE_ORDER:
        es = ENTITIES[entity]
        for r in rows(store, entity):
            assert r["division_code"] in villages | {TOWNSHIP}, (entity, r["division_code"])
            for fld, target in es.references.items():
                if r[fld] is not None:
                    assert r[fld] in ids[target], (entity, fld)


def test_no_date_after_today(store: Store) -> None:
    last = datetime.combine(TODAY, datetime.max.time()).isoformat(sep=" ")
    for entity in demo.WRITE_ORDER:
        es = ENTITIES[entity]
        for r in rows(store, entity):
            for fld in es.date_fields:
                assert r[fld] is None or r[fld] <= TODAY.isoformat(), (entity, fld, r[fld])
            assert r["created_at"] <= last
            assert r["updated_at"] == r["created_at"]


def test_journal_has_one_entry_per_row(store: Store) -> None:
    conn = store.db.connection()
    entries = conn.execute(
        "SELECT entity, row_id, op, fields FROM journal WHERE entity != 'association'"
    ).fetchall()
    keyed = Counter((e, i) for e, i, _, _ in entries)
    assert set(keyed.values()) == {1}
    table_rows = {(e, r["id"]) for e in demo.WRITE_ORDER for r in rows(store, e)}
    assert set(keyed) == table_rows
    assert {op for _, _, op, _ in entries} == {"insert"}
    sample = next(f for e, _, _, f in entries if e == "carevisit")
    assert set(json.loads(sample)) == set(ENTITIES["carevisit"].data_fields)


def test_same_seed_same_records_other_seed_others(
    tmp_path: Path, template_store: Path, store: Store
) -> None:
    again, _ = _make(template_store, tmp_path / "again.db")
    other, _ = _make(template_store, tmp_path / "other.db", seed=SEED + 1)
    try:
        for entity in demo.WRITE_ORDER:
            fields = ENTITIES[entity].data_fields
            mine = [{f: r[f] for f in ("id", *fields)} for r in rows(store, entity)]
            assert mine == [{f: r[f] for f in ("id", *fields)} for r in rows(again, entity)]
        names = {r["name"] for r in rows(store, "person")}
        other_names = {r["name"] for r in rows(other, "person")}
        assert names != other_names
        assert not set(by_id(store, "person")) & set(by_id(other, "person"))
    finally:
        again.close()
        other.close()


def test_counts_proportional_to_scale(
    tmp_path: Path, template_store: Path, counts: dict[str, int]
) -> None:
    assert counts["member"] == round(demo.MEMBERS * SCALE)
    assert counts["specialfamily"] == round(demo.FAMILIES * SCALE)
    # Four times the scale: small samples (8 families) vary too much for a ratio of 2.
    bigger, more = _make(template_store, tmp_path / "bigger.db", scale=4 * SCALE)
    bigger.close()
    for entity in (
        "person",
        "member",
        "specialfamily",
        "volunteer",
        "carevisit",
        "activity",
        "familymember",
        "activityparticipant",
    ):
        assert 3.0 <= more[entity] / counts[entity] <= 5.0, (entity, counts, more)
    per_year = counts["activity"] / 5
    assert (
        0.7 * demo.ACTIVITIES_PER_YEAR * SCALE
        <= per_year
        <= 1.6 * (demo.ACTIVITIES_PER_YEAR * SCALE)
    )


def test_members_groups_and_officers(store: Store) -> None:
    conn = store.db.connection()
    groups = rows(store, "membergroup")
    per_assoc = Counter(g["association_id"] for g in groups)
    assert len(per_assoc) == len(villages_of(conn, TOWNSHIP))
    assert all(3 <= n <= 10 for n in per_assoc.values())
    assert all(g["name"].startswith("第") and g["name"].endswith("小组") for g in groups)
    members = rows(store, "member")
    assert {m["role"] for m in members} >= {"member", "group_leader", "liaison_head"}
    assert len({m["card_no"] for m in members}) == len(members)
    for m in members:
        assert (m["left_on"] is None) == (m["status"] == "active")
    officers = rows(store, "officer")
    posts = Counter(o["post"] for o in officers if o["term_end"] is None)
    assert posts["president"] == len(per_assoc) + 1  # villages and the township
    assert any(o["term_end"] is not None for o in officers)  # 换届 history kept
    persons = by_id(store, "person")
    for o in officers:
        if o["person_id"] is not None:
            assert persons[o["person_id"]]["name"] == o["name"]


def test_special_families_meet_the_criteria(store: Store) -> None:
    persons = by_id(store, "person")
    members_of: dict[str, list[Row]] = {}
    for fm in rows(store, "familymember"):
        members_of.setdefault(fm["family_id"], []).append(fm)
    families = rows(store, "specialfamily")
    for f in families:
        fam = members_of[f["id"]]
        assert 2 <= len(fam) <= 4
        assert [m["person_id"] for m in fam if m["relation"] == "02"] == [f["head_person_id"]]
        women = [
            persons[m["person_id"]]
            for m in fam
            if m["relation"] in ("02", "12") and persons[m["person_id"]]["sex"] == "2"
        ]
        mother = women[0]["birth_date"] if women else None
        warnings = special_family_eligibility(
            f["category"],
            mother,
            date.fromisoformat(f["enrolled_on"]),
            1,
            False,
            f["disability_grade"],
        )
        assert warnings == [], (f, warnings)
        assert f["event_date"] <= f["enrolled_on"]
        assert (f["status"] == "exited") == (f["exit_reason"] is not None)
        assert (f["status"] == "exited") == (f["exit_date"] is not None)
    assert {f["category"] for f in families} <= {"bereaved", "disabled"}
    contacts = Counter((c["family_id"], c["kind"]) for c in rows(store, "familycontact"))
    for f in families:
        assert contacts[(f["id"], "township_cadre")] == 1
        assert contacts[(f["id"], "village_cadre")] == 1


def test_care_visits_and_subsidies_look_real(store: Store) -> None:
    families = by_id(store, "specialfamily")
    visits = rows(store, "carevisit")
    modes = Counter(v["mode"] for v in visits)
    assert set(modes) >= {"home", "phone", "wechat"}
    assert 0.2 <= modes["home"] / len(visits) <= 0.6
    for v in visits:
        f = families[v["family_id"]]
        assert f["enrolled_on"] <= v["visit_date"]
        assert f["exit_date"] is None or v["visit_date"] <= f["exit_date"]
        if v["follow_up_due"] is not None:
            assert v["follow_up_due"] > v["visit_date"]
    rates = {(r["kind"], r["year"]): r["rate_fen"] for r in rows(store, "subsidyrate")}
    for s in rows(store, "caresubsidy"):
        assert s["rate_fen"] == rates[(s["kind"], int(s["admitted_on"][:4]))]
        assert s["amount_fen"] == s["days"] * s["rate_fen"]
        assert (s["paid_on"] is not None) == (s["status"] == "paid")
        assert (s["reviewer"] is None) == (s["status"] == "applied")


def test_people_look_real(store: Store) -> None:
    persons = rows(store, "person")
    adults = [p for p in persons if p["birth_date"] <= "2006-06-30"]
    with_mobile = [p for p in adults if p["mobile"]]
    assert len(with_mobile) / len(adults) > 0.8
    assert all(validate_mobile(p["mobile"]) is None for p in with_mobile)
    assert len({p["mobile"] for p in with_mobile}) == len(with_mobile)
    ethnicity = Counter(p["ethnicity"] for p in persons)
    assert ethnicity["01"] / len(persons) > 0.75
    assert all(2 <= len(p["name"]) <= 4 for p in persons)
    surnames = Counter(p["name"][0] for p in persons)
    assert sum(surnames[s] for s in "刘李陈王张") / len(persons) > 0.2
    assert len(surnames) > 15
    member_persons = {m["person_id"] for m in rows(store, "member")}
    shared = {fm["person_id"] for fm in rows(store, "familymember")} & member_persons
    shared |= {v["person_id"] for v in rows(store, "volunteer")} & member_persons
    assert shared  # one person can be member, family member and volunteer


def test_activities_include_members_day_each_may(store: Store) -> None:
    acts = rows(store, "activity")
    days = {a["held_on"] for a in acts if a["campaign"] == "member_day_529"}
    assert days == {f"{y}-05-29" for y in range(2020, 2025)}
    parts = rows(store, "activityparticipant")
    per = Counter(p["activity_id"] for p in parts)
    held = {a["id"]: a for a in acts}
    assert all(held[a]["participant_count"] >= n for a, n in per.items())
    assert len(set((p["activity_id"], p["person_id"]) for p in parts)) == len(parts)


def test_sites_and_projects(store: Store) -> None:
    sites = by_id(store, "site")
    links = rows(store, "projectsite")
    assert all(link["site_id"] in sites for link in links)
    years = {p["year"] for p in rows(store, "project")}
    assert years == set(range(2019, 2025))


def test_progress_rerun_and_bad_arguments(tmp_path: Path, template_store: Path) -> None:
    s = _copy(template_store, tmp_path / "p.db")
    seen: list[tuple[str, int]] = []
    try:
        counts = demo.generate(
            s,
            TOWNSHIP,
            scale=0.01,
            seed=1,
            years=1,
            today=TODAY,
            progress=lambda e, n: seen.append((e, n)),
        )
        assert [e for e, _ in seen] == [e for e in demo.WRITE_ORDER if counts[e]]
        assert all(n == counts[e] for e, n in seen)
        with pytest.raises(ValueError, match="already"):
            demo.generate(s, TOWNSHIP, scale=0.01, seed=1, years=1, today=TODAY)
        with pytest.raises(ValueError):
            demo.generate(s, TOWNSHIP, today=date.today().replace(year=date.today().year + 1))
        with pytest.raises(ValueError):
            demo.generate(s, TOWNSHIP, scale=0)
        with pytest.raises(ValueError):
            demo.generate(s, "430105004000")  # another township
    finally:
        s.close()


def test_fresh_store_gets_its_township(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "fresh.db", user="demo")
    try:
        counts = demo.generate(s, TOWNSHIP, scale=0.01, years=1, today=TODAY)
        assert s.township_code == TOWNSHIP
        assert counts["association"] == 1 + len(villages_of(s.db.connection(), TOWNSHIP))
    finally:
        s.close()
