"""Validation beside the fields, never a lost form, duplicates offered,
warnings with a reason, unsaved changes kept, Enter and Esc."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jsxclient.ui.context import AppContext
from jsxcore.validation import make_id_number

from .conftest import settle
from .helpers import click_box_button, fill, message_box, one, open_new, save
from .test_forms import a_family, village


def test_messages_appear_beside_the_field_while_typing(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    assert form.current_messages() == {}  # nothing shouts at an empty form
    fill(qtbot, form, {"person.id_number": "43010519650302002"})  # 17 characters
    qtbot.waitUntil(lambda: "person.id_number" in form.current_messages())
    assert "18位" in form.current_messages()["person.id_number"]
    qtbot.keyClicks(form.editors[("person", "id_number")], "9")  # now a bad checksum
    qtbot.waitUntil(lambda: "校验位" in form.current_messages().get("person.id_number", ""))
    fill(qtbot, form, {"person.mobile": "1390731"})
    qtbot.waitUntil(lambda: "person.mobile" in form.current_messages())
    assert form.editors[("person", "mobile")].property("invalid") is True


def test_a_refused_save_keeps_everything_typed(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    typed = {
        "person.name": "黎秋月",
        "person.id_number": make_id_number("430105", date(1965, 3, 2), 2),
        "person.mobile": "139073",
    }
    fill(qtbot, form, typed)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert form.isVisible()
    msgs = form.current_messages()
    assert set(msgs) == {"person.mobile", "person.division_code"}
    for dotted, value in typed.items():
        part, name = dotted.split(".")
        assert form.value((part, name)) == value
    assert form.focusWidget() is not None
    # Fixing the fields lets it through, with what was typed first.
    fill(qtbot, form, {"person.mobile": "13907310123", "person.division_code": village(ctx.store)})
    saved = save(qtbot, ctx, form)
    person = ctx.store.get("person", saved.person_id)
    assert person is not None and person["name"] == "黎秋月"


def test_the_store_refusing_a_save_keeps_the_form(qtbot: QtBot, ctx: AppContext) -> None:
    family = a_family(ctx.store)
    form = open_new(qtbot, ctx, "carevisit", family)
    fill(qtbot, form, {"main.mode": "phone", "main.needs": "想了解补贴政策"})
    # Meanwhile the family is deleted (say, by a sync).
    with ctx.store.transaction() as tx:
        tx.delete("specialfamily", family["family_id"])
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert form.isVisible()
    assert form.save_button.isEnabled()
    assert "删除" in form.status.text() or "不存在" in form.status.text()
    assert form.value(("main", "needs")) == "想了解补贴政策"


def test_an_existing_person_is_offered_instead_of_a_duplicate(
    qtbot: QtBot, ctx: AppContext
) -> None:
    pid, number, name = one(
        ctx.store,
        "SELECT p.id, p.id_number, p.name FROM person p JOIN member m ON m.person_id = p.id "
        "WHERE p.id_number IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volunteer v "
        "WHERE v.person_id = p.id) LIMIT 1",
    )
    persons = one(ctx.store, "SELECT count(*) FROM person")
    form = open_new(qtbot, ctx, "volunteer")
    fill(qtbot, form, {"person.id_number": number})
    qtbot.waitUntil(lambda: form.banner.isVisible())
    assert name in form.banner_text.text()
    assert number not in form.banner_text.text()  # shown masked
    # The ID number filled in birth date and sex.
    assert form.value(("person", "birth_date")) == f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    assert form.value(("person", "sex")) in ("1", "2")
    qtbot.mouseClick(form.banner_use, Qt.MouseButton.LeftButton)
    assert form.value(("person", "name")) == name
    saved = save(qtbot, ctx, form)
    assert saved.person_id == pid
    assert one(ctx.store, "SELECT count(*) FROM person") == persons


def test_a_member_typed_twice_opens_the_existing_record(qtbot: QtBot, ctx: AppContext) -> None:
    mid, number = one(
        ctx.store,
        "SELECT m.id, p.id_number FROM member m JOIN person p ON p.id = m.person_id "
        "WHERE p.id_number IS NOT NULL LIMIT 1",
    )
    form = open_new(qtbot, ctx, "member")
    fill(qtbot, form, {"person.id_number": number})
    qtbot.waitUntil(lambda: form.banner.isVisible())
    assert "已有" in form.banner_text.text()
    qtbot.mouseClick(form.banner_use, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert form.row_id == mid
    assert form.windowTitle().startswith("编辑")


def test_eligibility_warning_needs_a_reason(qtbot: QtBot, ctx: AppContext) -> None:
    young = make_id_number("430105", date(1990, 4, 5), 22)  # a woman of 30-odd
    form = open_new(qtbot, ctx, "specialfamily")
    fill(
        qtbot,
        form,
        {
            "person.name": "汤丽",
            "person.id_number": young,
            "person.division_code": village(ctx.store),
            "main.category": "disabled",
            "main.disability_grade": "4",
        },
    )
    qtbot.waitUntil(lambda: "49" in form.warn_text.text() and form.warn_box.isVisible())
    assert "main.disability_grade" in form.current_messages()  # amber, beside the field
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert form.isVisible() and form.reason_message.isVisible()
    assert form.focusWidget() is form.reason
    form.reason.insert("经村委会核实，子女伤残等级正在复评")
    saved = save(qtbot, ctx, form)
    row = ctx.store.get("specialfamily", saved.row_id)
    assert row is not None and row["override_reason"].startswith("经村委会核实")


def test_unsaved_changes_are_never_dropped_without_asking(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "activity")
    fill(qtbot, form, {"main.title": "优生优育讲座"})
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    box = message_box(form, "confirmDiscard")
    assert box is not None and form.isVisible()
    click_box_button(qtbot, box, "继续编辑")
    assert form.isVisible() and form.value(("main", "title")) == "优生优育讲座"
    form.close()  # the window's close button asks too
    box = message_box(form, "confirmDiscard")
    assert box is not None
    click_box_button(qtbot, box, "不保存")
    qtbot.waitUntil(lambda: not form.isVisible())
    assert one(ctx.store, "SELECT count(*) FROM activity WHERE title = '优生优育讲座'") == 0


def test_esc_on_an_untouched_form_just_closes(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert message_box(form, "confirmDiscard") is None


def test_enter_saves(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "familycontact", a_family(ctx.store))
    fill(
        qtbot,
        form,
        {"main.kind": "township_cadre", "main.name": "欧阳干事", "main.mobile": "13907319999"},
    )
    with qtbot.waitSignal(form.saved):
        qtbot.keyClick(form.editors[("main", "mobile")], Qt.Key.Key_Return)
    settle(qtbot, ctx)
    assert not form.isVisible()
    assert one(ctx.store, "SELECT count(*) FROM familycontact WHERE name = '欧阳干事'") == 1


def test_save_and_new_keeps_the_village(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    code = village(ctx.store)
    fill(qtbot, form, {"person.name": "甘一", "person.sex": "1", "person.division_code": code})
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.next_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert form.isVisible()
    assert form.value(("person", "name")) is None
    assert form.value(("person", "division_code")) == code
    assert not form.dirty()


def test_tab_order_follows_the_register(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    name = form.editors[("person", "name")]
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    order = []
    w = name
    for _ in range(4):
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isVisible():
            w = w.nextInFocusChain()
        order.append(w.objectName() or w.parent().objectName())
    assert order[:3] == ["person.id_number", "person.sex", "person.birth_date"]


def test_a_typed_subsidy_amount_stays_when_the_dates_change(qtbot: QtBot, ctx: AppContext) -> None:
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
    settle(qtbot, ctx)
    assert form.value(("main", "amount_fen")) == 60000
    fill(qtbot, form, {"main.amount_fen": 55000})  # what was really paid
    fill(qtbot, form, {"main.discharged_on": "2024-03-12"})
    settle(qtbot, ctx)
    assert form.value(("main", "days")) == 11
    assert form.value(("main", "amount_fen")) == 55000


def test_editing_a_member_does_not_offer_its_own_person(qtbot: QtBot, ctx: AppContext) -> None:
    from .helpers import open_edit

    mid = one(
        ctx.store,
        "SELECT m.id FROM member m JOIN person p ON p.id = m.person_id "
        "WHERE p.id_number IS NOT NULL LIMIT 1",
    )
    form = open_edit(qtbot, ctx, "member", mid)
    settle(qtbot, ctx)
    assert not form.banner.isVisible()


def test_save_and_new_starts_a_quiet_form(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    fill(
        qtbot,
        form,
        {"person.name": "甘二", "person.sex": "2", "person.division_code": village(ctx.store)},
    )
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.next_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    qtbot.wait(200)  # past the live validation's delay
    assert form.current_messages() == {}


def test_picking_another_person_replaces_what_was_copied(qtbot: QtBot, ctx: AppContext) -> None:
    from jsxclient.store.queries.pickers import Choice
    from jsxcore.divisions import association_id

    rows = (
        ctx.store.db.connection()
        .execute(
            "SELECT id, name, mobile FROM person WHERE deleted = 0 AND mobile IS NOT NULL "
            "ORDER BY id LIMIT 2"
        )
        .fetchall()
    )
    code = village(ctx.store)
    form = open_new(
        qtbot, ctx, "officer", {"association_id": association_id(code), "division_code": code}
    )
    picker = form.editors[("main", "person_id")]
    for pid, name, mobile in rows:
        picker.choose(Choice(pid, name))  # type: ignore[attr-defined]
        settle(qtbot, ctx)
        assert form.value(("main", "name")) == name
        assert form.value(("main", "mobile")) == mobile


def test_every_form_with_a_person_part_links_it() -> None:
    from jsxclient.ui.forms.layouts import LAYOUTS
    from jsxcore.rules import PERSON_LINK

    with_person = {e for e, lay in LAYOUTS.items() if lay.fields("person")}
    assert with_person == set(PERSON_LINK)
