"""Saving and loading records as every entry path does (jsxclient.store.records),
on real stores."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jsxclient.store import records
from jsxclient.store.records import SaveRefused, SaveRequest
from jsxclient.store.store import RecordNotFound, Store
from jsxcore.draft import Draft
from jsxcore.validation import make_id_number

from ..conftest import TOWNSHIP, VILLAGE


def count(store: Store, sql: str, *params: Any) -> int:
    return int(store.db.connection().execute(sql, params).fetchone()[0])


def new_draft(entity: str, **kw: Any) -> Draft:
    d = Draft(entity, context={"township": TOWNSHIP, **kw.pop("context", {})}, **kw)
    d.start()
    return d


def enter(d: Draft, values: dict[str, Any]) -> None:
    for dotted, value in values.items():
        part, name = dotted.split(".")
        d.enter((part, name), value)  # type: ignore[arg-type]


def a_family(store: Store) -> records.Saved:
    d = new_draft("specialfamily")
    enter(
        d,
        {
            "person.name": "谭桂英",
            "person.id_number": make_id_number("430105", date(1962, 3, 2), 702),
            "person.division_code": VILLAGE,
            "main.category": "bereaved",
        },
    )
    return records.save_draft(store, d)


def test_a_new_family_is_saved_with_its_head_as_a_family_member(store: Store) -> None:
    saved = a_family(store)
    assert saved.created and saved.person_id
    family = store.get("specialfamily", saved.row_id)
    assert family is not None
    assert family["head_person_id"] == saved.person_id
    assert family["division_code"] == VILLAGE
    assert family["enrolled_on"] == date.today().isoformat()
    member = store.db.connection().execute(
        "SELECT person_id, relation, division_code FROM familymember WHERE family_id = ?",
        (saved.row_id,),
    )
    assert member.fetchall() == [(saved.person_id, "02", VILLAGE)]


def test_a_draft_with_errors_or_without_a_reason_writes_nothing(store: Store) -> None:
    before = count(store, "SELECT count(*) FROM journal")
    d = new_draft("member")
    enter(d, {"person.sex": "1", "person.division_code": VILLAGE})  # no name
    with pytest.raises(SaveRefused) as refused:
        records.save_draft(store, d)
    assert refused.value.part == "person"
    assert [i.field for i in refused.value.issues] == ["name"]

    young = make_id_number("430105", date(1990, 4, 5), 22)
    d = new_draft("specialfamily")
    enter(
        d,
        {
            "person.name": "汤丽",
            "person.id_number": young,
            "person.division_code": VILLAGE,
            "main.category": "bereaved",
        },
    )
    with pytest.raises(SaveRefused) as refused:
        records.save_draft(store, d)
    assert [i.code for i in refused.value.issues] == ["special_family.reason_required"]
    assert count(store, "SELECT count(*) FROM journal") == before
    d.override_reason = "经村委会核实"
    records.save_draft(store, d)


def test_a_subsidy_takes_the_configured_rate(store: Store) -> None:
    rate = new_draft("subsidyrate")
    enter(rate, {"main.kind": "hospital_care", "main.year": 2024, "main.rate_fen": 5000})
    assert store.get("subsidyrate", records.save_draft(store, rate).row_id) is not None
    family = a_family(store)
    d = new_draft("caresubsidy", context={"family_id": family.row_id})
    enter(d, {"main.admitted_on": "2024-03-01", "main.discharged_on": "2024-03-11"})
    saved = records.save_draft(store, d)
    row = store.get("caresubsidy", saved.row_id)
    assert row is not None
    assert (row["days"], row["rate_fen"], row["amount_fen"]) == (10, 5000, 50000)
    assert row["division_code"] == VILLAGE  # where the family lives


def test_an_edit_leaves_alone_what_changed_since_it_was_read(store: Store) -> None:
    family = a_family(store)
    d = new_draft("carevisit", context={"family_id": family.row_id})
    enter(d, {"main.mode": "home", "main.needs": "就医"})
    visit = records.save_draft(store, d).row_id

    loaded = records.load(store, "carevisit", visit)
    edit = Draft("carevisit", row_id=visit)
    edit.load(loaded.values, loaded.person)
    for name in ("visit_date", "mode", "needs", "actions"):  # what a form shows
        edit.enter(("main", name), loaded.values[name], follow=False)
    edit.enter(("main", "actions"), "联系家庭医生")
    # Meanwhile a sync brings another worker's change to another field.
    with store.transaction() as tx:
        tx.update("carevisit", visit, {"needs": "心理疏导"})
    saved = records.save_draft(store, edit)
    assert not saved.created
    row = store.get("carevisit", visit)
    assert row is not None and (row["needs"], row["actions"]) == ("心理疏导", "联系家庭医生")


def test_the_store_refusing_names_the_part(store: Store) -> None:
    person = {"name": "龙建国", "sex": "1", "division_code": "439999999999"}
    req = SaveRequest("volunteer", None, {}, "person_id", None, person)
    with pytest.raises(SaveRefused) as refused:
        records.save(store, req)
    assert refused.value.part == "person"
    assert refused.value.issues[0].code == "division.unknown"
    assert count(store, "SELECT count(*) FROM person") == 0


def test_loading_a_deleted_record(store: Store) -> None:
    family = a_family(store)
    loaded = records.load(store, "specialfamily", family.row_id)
    assert loaded.person is not None and loaded.person["id"] == family.person_id
    with store.transaction() as tx:
        tx.delete("specialfamily", family.row_id)
    with pytest.raises(RecordNotFound):
        records.load(store, "specialfamily", family.row_id)
