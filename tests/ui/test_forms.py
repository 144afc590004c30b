"""Every record type is created and edited through its form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from jsxclient.store.store import Store
from jsxclient.ui.context import AppContext
from jsxclient.ui.forms.layouts import LAYOUTS
from jsxcore.divisions import association_id
from jsxcore.entities import ENTITIES
from jsxcore.validation import make_id_number

from ..conftest import TOWNSHIP
from .helpers import fill, one, open_edit, open_new, save

VILLAGE_SQL = "SELECT code FROM division WHERE parent_code = ? ORDER BY code LIMIT 1"


def village(store: Store) -> str:
    return str(one(store, VILLAGE_SQL, TOWNSHIP))


def a_family(store: Store) -> dict[str, Any]:
    fid, code = one(
        store,
        "SELECT id, division_code FROM specialfamily WHERE deleted = 0 "
        "AND status = 'enrolled' ORDER BY id LIMIT 1",
    )
    return {"family_id": fid, "division_code": code}


def a_person(store: Store) -> str:
    return str(one(store, "SELECT id FROM person WHERE deleted = 0 ORDER BY id LIMIT 1"))


def new_id_number(n: int) -> str:
    from datetime import date

    return make_id_number("430105", date(1966, 3, 2), 700 + n)


@dataclass
class Case:
    entity: str
    values: Callable[[Store], dict[str, Any]]
    context: Callable[[Store], dict[str, Any]] = lambda s: {}
    edit: tuple[str, Any] = ("", None)
    extra: dict[str, Any] = field(default_factory=dict)


def person_values(n: int, name: str) -> Callable[[Store], dict[str, Any]]:
    def values(store: Store) -> dict[str, Any]:
        return {
            "person.name": name,
            "person.id_number": new_id_number(n),
            "person.mobile": f"1390731{n:04d}",
            "person.division_code": village(store),
        }

    return values


CASES = [
    Case("member", person_values(1, "周慧敏"), edit=("main.card_no", "HN-0001")),
    Case("volunteer", person_values(2, "龙建国"), edit=("main.skills", "心理疏导")),
    Case(
        "specialfamily",
        lambda s: {
            **person_values(3, "谭桂英")(s),
            "main.category": "bereaved",
            "main.event_date": "2019-05-01",
            "main.doc_certificate": True,
        },
        edit=("main.notes", "户主独居"),
    ),
    Case(
        "familymember",
        lambda s: {"person.name": "谭小军", "person.sex": "1", "main.relation": "10"},
        context=a_family,
        edit=("person.mobile", "13907310099"),
    ),
    Case(
        "familycontact",
        lambda s: {
            "main.kind": "village_cadre",
            "main.name": "李村支书",
            "main.mobile": "13907310011",
        },
        context=a_family,
        edit=("main.since", "2024-01-02"),
    ),
    Case(
        "carevisit",
        lambda s: {
            "main.visit_date": "2024-06-01",
            "main.mode": "home",
            "main.needs": "希望有人陪同就医",
            "main.aid_fen": 50000,
        },
        context=a_family,
        edit=("main.actions", "联系家庭医生"),
    ),
    Case(
        "caresubsidy",
        lambda s: {
            "main.kind": "hospital_care",
            "main.hospital": "湘雅医院",
            "main.admitted_on": "2024-03-01",
            "main.discharged_on": "2024-03-11",
            "main.rate_fen": 5000,
        },
        context=a_family,
        edit=("main.status", "reviewed"),
    ),
    Case(
        "activity",
        lambda s: {
            "main.title": "5·29会员活动日宣传",
            "main.type": "publicity",
            "main.held_on": "2024-05-29",
            "main.division_code": village(s),
            "main.participant_count": 80,
        },
        edit=("main.place", "村委会广场"),
    ),
    Case(
        "activityparticipant",
        lambda s: {"main.person_id": a_person(s)},
        context=lambda s: {
            "activity_id": one(s, "SELECT id FROM activity LIMIT 1"),
            "division_code": village(s),
        },
    ),
    Case(
        "site",
        lambda s: {
            "main.name": "芙蓉路暖心家园",
            "main.kind": "warm_home",
            "main.division_code": village(s),
            "main.has_place": True,
        },
        edit=("main.has_sign", True),
    ),
    Case(
        "project",
        lambda s: {
            "main.name": "优生优育进万家",
            "main.level": "county",
            "main.year": 2024,
            "main.amount_fen": 1_000_000,
        },
        edit=("main.status", "running"),
    ),
    Case(
        "projectsite",
        lambda s: {"main.site_id": one(s, "SELECT id FROM site LIMIT 1")},
        context=lambda s: {
            "project_id": one(s, "SELECT id FROM project LIMIT 1"),
            "division_code": TOWNSHIP,
        },
    ),
    Case(
        "association",
        lambda s: {
            "main.name": "湘雅医院计生协",
            "main.level": "sector",
            "main.division_code": TOWNSHIP,
            "main.sector": "医院",
        },
        context=lambda s: {"parent_id": association_id(TOWNSHIP)},
        edit=("main.phone", "073188880000"),
    ),
    Case(
        "officer",
        lambda s: {
            "main.name": "黄会长",
            "main.post": "president",
            "main.term_start": "2023-01-01",
        },
        context=lambda s: {
            "association_id": association_id(village(s)),
            "division_code": village(s),
        },
        edit=("main.term_end", "2024-12-31"),
    ),
    Case(
        "membergroup",
        lambda s: {"main.name": "第九村民小组"},
        context=lambda s: {
            "association_id": association_id(village(s)),
            "division_code": village(s),
        },
        edit=("main.name", "第十村民小组"),
    ),
    Case(
        "volunteerpairing",
        lambda s: {"main.family_id": a_family(s)["family_id"], "main.since": "2024-02-01"},
        context=lambda s: {
            "volunteer_id": one(s, "SELECT id FROM volunteer LIMIT 1"),
            "division_code": village(s),
        },
        edit=("main.since", "2024-03-01"),
    ),
    Case(
        "subsidyrate",
        lambda s: {"main.kind": "birth_care", "main.year": 2025, "main.rate_fen": 8000},
        edit=("main.rate_fen", 9000),
    ),
    Case(
        "person",
        lambda s: {
            "main.name": "陈秋菊",
            "main.id_number": new_id_number(9),
            "main.division_code": village(s),
        },
        edit=("main.address", "便河边社区5栋"),
    ),
]


def test_every_record_type_has_a_form_case() -> None:
    # A monthly report is submitted from the 统计 page, a duplicate decision
    # made in the merge review: neither is typed into a form.
    unformed = {"monthlyreport", "persondecision"}
    assert {c.entity for c in CASES} == set(ENTITIES) - unformed == set(LAYOUTS)


@pytest.mark.parametrize("case", CASES, ids=[c.entity for c in CASES])
def test_create_and_edit_through_the_form(qtbot: QtBot, ctx: AppContext, case: Case) -> None:
    store = ctx.store
    context = case.context(store)
    before = one(store, f"SELECT count(*) FROM {case.entity} WHERE deleted = 0")
    form = open_new(qtbot, ctx, case.entity, context)
    fill(qtbot, form, case.values(store))
    saved = save(qtbot, ctx, form)
    assert not form.isVisible()
    assert one(store, f"SELECT count(*) FROM {case.entity} WHERE deleted = 0") == before + 1
    row = store.get(case.entity, saved.row_id)
    assert row is not None and row["sync_state"] == "pending"
    for dotted, value in case.values(store).items():
        part, name = dotted.split(".")
        src = store.get("person", saved.person_id) if part == "person" else row
        assert src is not None and src[name] == value, (dotted, src[name] if src else None)
    for k, v in context.items():
        if k in ENTITIES[case.entity].data_fields:
            assert row[k] == v

    if not case.edit[0]:
        return
    form = open_edit(qtbot, ctx, case.entity, saved.row_id, context)
    dotted, value = case.edit
    fill(qtbot, form, {dotted: value})
    assert form.dirty()
    save(qtbot, ctx, form)
    part, name = dotted.split(".")
    src = (
        store.get("person", saved.person_id)
        if part == "person"
        else store.get(case.entity, saved.row_id)
    )
    assert src is not None and src[name] == value
    journal = (
        store.db.connection()
        .execute(
            "SELECT op, fields FROM journal WHERE row_id = ? ORDER BY seq",
            (saved.person_id if part == "person" else saved.row_id,),
        )
        .fetchall()
    )
    assert journal[-1][0] == "update" and name in journal[-1][1]


def test_member_is_linked_to_the_village_association(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    fill(qtbot, form, person_values(11, "易春花")(ctx.store))
    saved = save(qtbot, ctx, form)
    row = ctx.store.get("member", saved.row_id)
    assert row is not None
    assert row["association_id"] == association_id(village(ctx.store))
    assert row["division_code"] == village(ctx.store)


def test_new_family_lists_its_head_as_a_family_member(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "specialfamily")
    fill(qtbot, form, {**person_values(12, "聂冬梅")(ctx.store), "main.category": "bereaved"})
    saved = save(qtbot, ctx, form)
    rel = one(
        ctx.store,
        "SELECT relation FROM familymember WHERE family_id = ? AND person_id = ?",
        saved.row_id,
        saved.person_id,
    )
    assert rel == "02"


def test_subsidy_days_and_amount_follow_the_dates(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "caresubsidy", a_family(ctx.store))
    fill(
        qtbot,
        form,
        {
            "main.admitted_on": "2024-03-01",
            "main.discharged_on": "2024-03-11",
            "main.rate_fen": 6000,
        },
    )
    qtbot.waitUntil(lambda: form.value(("main", "days")) == 10)
    assert form.value(("main", "amount_fen")) == 60000


def test_picking_a_person_fills_name_and_mobile(qtbot: QtBot, ctx: AppContext) -> None:
    from jsxclient.store.queries.pickers import Choice

    from .conftest import settle

    store = ctx.store
    pid, name, mobile = one(
        store,
        "SELECT id, name, mobile FROM person WHERE deleted = 0 AND mobile IS NOT NULL "
        "ORDER BY id LIMIT 1",
    )
    context = {"association_id": association_id(village(store)), "division_code": village(store)}
    form = open_new(qtbot, ctx, "officer", context)
    form.editors[("main", "person_id")].choose(Choice(pid, name))  # type: ignore[attr-defined]
    settle(qtbot, ctx)
    assert form.editors[("main", "name")].value() == name
    assert form.editors[("main", "mobile")].value() == mobile
    # What the worker typed is never overwritten.
    form2 = open_new(qtbot, ctx, "officer", context)
    fill(qtbot, form2, {"main.name": "黄会长"})
    form2.editors[("main", "person_id")].choose(Choice(pid, name))  # type: ignore[attr-defined]
    settle(qtbot, ctx)
    assert form2.editors[("main", "name")].value() == "黄会长"
    assert form2.editors[("main", "mobile")].value() == mobile
