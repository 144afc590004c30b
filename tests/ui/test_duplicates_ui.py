"""Two records of one person on the sync page: the merge review after a
duplicate ID number, and the possible duplicates (no ID number), merged or
dismissed. Every write is a journaled change that syncs."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jsxclient.store.store import Store
from jsxclient.sync import duplicates
from jsxclient.ui.context import AppContext
from jsxclient.ui.duplicates_dialog import PersonMergeDialog
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.sync_page import SyncPage
from jsxcore import personmerge as pm

from .conftest import settle
from .helpers import one


def sync_page(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> SyncPage:
    page = window.show_page("sync")
    assert isinstance(page, SyncPage)
    page.refresh()
    settle(qtbot, ctx)
    return page


def make_review(store: Store) -> tuple[str, dict[str, object]]:
    """What a push leaves when the server answered `person.duplicate`: this
    device's copy merged into the registered person, the differing fields
    kept for review (the same function the push calls)."""
    kept_id = one(
        store,
        "SELECT p.id FROM person p JOIN member m ON m.person_id = p.id "
        "WHERE p.mobile IS NOT NULL AND p.id_number IS NOT NULL LIMIT 1",
    )
    kept = store.get("person", kept_id)
    assert kept is not None
    with store.transaction() as tx:
        copy = tx.insert(
            "person",
            {
                "name": f"{kept['name']}英",
                "sex": kept["sex"],
                "division_code": kept["division_code"],
                "mobile": "13907319999",
            },
        )
    with store.transaction() as tx:
        merged = duplicates.merge_into_registered(tx, copy, {**kept, "id": kept_id}, None)
    assert merged is not None and merged.review == ["name", "mobile"]
    return kept_id, kept


def test_merge_review_field_by_field_becomes_one_change(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    pid, kept = make_review(ctx.store)
    page = sync_page(qtbot, ctx, window)
    panel = page.duplicates
    [row] = [r for r in range(panel.count) if panel.listing.candidates[r].kind == "review"]
    assert panel.table.item(row, 0).text() == "合并审核"
    assert panel.table.item(row, 4).text() == "姓名、手机号码"
    assert page.tabs.tabText(2).startswith("重复人员（")
    pending = ctx.store.pending_count()

    dlg = panel.open_row(row)
    assert isinstance(dlg, PersonMergeDialog)
    texts = [[dlg.table.item(r, c).text() for c in range(3)] for r in range(2)]
    assert texts[0] == ["姓名", kept["name"], f"{kept['name']}英"]
    assert texts[1][0] == "手机号码"  # masked or not, both sides shown
    assert dlg.choices() == {"name": "kept", "mobile": "kept"}  # the registered record
    qtbot.mouseClick(dlg.radios["name"][1], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dlg.accepted):
        qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)

    row_now = ctx.store.get("person", pid)
    assert row_now is not None
    assert (row_now["name"], row_now["mobile"]) == (f"{kept['name']}英", kept["mobile"])
    assert ctx.store.pending_count() == pending + 1
    fields = json.loads(
        one(ctx.store, "SELECT fields FROM journal WHERE row_id = ? ORDER BY seq DESC LIMIT 1", pid)
    )
    assert fields == {"name": f"{kept['name']}英"}
    assert one(ctx.store, "SELECT count(*) FROM conflict WHERE resolved_at IS NULL") == 0
    assert duplicates.reviews(ctx.store) == []
    qtbot.waitUntil(lambda: all(c.kind != "review" for c in panel.listing.candidates))


def make_pair(store: Store) -> tuple[str, str, str]:
    """Two persons without an ID number, same name, birth date and village;
    the second has a member record."""
    village, assoc = one(store, "SELECT division_code, association_id FROM member LIMIT 1")
    same = {"name": "欧阳素梅", "birth_date": "1952-07-19", "division_code": village}
    with store.transaction() as tx:
        a = tx.insert("person", {**same, "sex": "2", "address": "新屋组3号"})
        b = tx.insert("person", {**same, "sex": "1", "mobile": "13607315555"})
        m = tx.insert(
            "member",
            {
                "person_id": b,
                "association_id": assoc,
                "division_code": village,
                "joined_on": "2025-03-01",
            },
        )
    return a, b, m


def _pair_row(page: SyncPage, a: str, b: str) -> int:
    c = page.duplicates.listing.candidates
    return next(
        i
        for i, x in enumerate(c)
        if x.kind == "possible" and {x.kept["id"], x.other["id"]} == {a, b}
    )


def test_possible_duplicates_merged_side_by_side(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    a, b, member = make_pair(ctx.store)
    page = sync_page(qtbot, ctx, window)
    row = _pair_row(page, a, b)
    assert page.duplicates.table.item(row, 0).text() == "可能重复"
    assert page.duplicates.table.item(row, 4).text() == "性别"
    pending = ctx.store.pending_count()
    dlg = page.duplicates.open_row(row)
    assert isinstance(dlg, PersonMergeDialog) and dlg.dismiss_button is not None
    assert dlg.candidate.kept["id"] == a  # registered first
    shown = {dlg.table.item(r, 0).text(): r for r in range(dlg.table.rowCount())}
    assert {"姓名", "性别", "出生日期", "家庭住址", "手机号码"} <= set(shown)
    assert dlg.table.item(shown["家庭住址"], 1).text() == "新屋组3号"
    assert dlg.table.item(shown["家庭住址"], 2).text() == "—"
    assert dlg.table.item(shown["姓名"], 3).text() == "相同"
    assert dlg.table.item(shown["家庭住址"], 3).text() == "不变"
    assert dlg.table.item(shown["手机号码"], 3).text() == "补充到保留的记录"
    assert list(dlg.radios) == ["sex"]
    dlg.choose("sex", "other")
    with qtbot.waitSignal(dlg.accepted):
        qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)

    kept = ctx.store.get("person", a)
    gone = ctx.store.get("person", b)
    assert kept is not None and gone is not None and gone["deleted"]
    assert (kept["sex"], kept["mobile"], kept["address"]) == ("1", "13607315555", "新屋组3号")
    assert ctx.store.get("member", member)["person_id"] == a  # type: ignore[index]
    ops = [
        (r[0], r[1])
        for r in ctx.store.db.connection().execute(
            "SELECT entity, op FROM journal WHERE state='pending' ORDER BY seq"
        )
    ][pending:]
    assert ops == [("member", "update"), ("person", "delete"), ("person", "update")]
    qtbot.waitUntil(
        lambda: (
            not any(
                {c.kept["id"], c.other["id"]} == {a, b} for c in page.duplicates.listing.candidates
            )
        )
    )


def test_possible_duplicate_dismissed_is_not_shown_again(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    a, b, _m = make_pair(ctx.store)
    page = sync_page(qtbot, ctx, window)
    before = page.duplicates.count
    pending = ctx.store.pending_count()
    dlg = page.duplicates.open_row(_pair_row(page, a, b))
    assert dlg is not None and dlg.dismiss_button is not None
    with qtbot.waitSignal(dlg.accepted):
        qtbot.mouseClick(dlg.dismiss_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: page.duplicates.count == before - 1)
    page.refresh()
    settle(qtbot, ctx)
    assert not any(
        {c.kept["id"], c.other["id"]} == {a, b} for c in page.duplicates.listing.candidates
    )
    # One change to sync, the answer (so other laptops stop suggesting the pair).
    assert ctx.store.pending_count() == pending + 1
    decision = ctx.store.get("persondecision", pm.decision_id(a, b))
    assert decision is not None and {decision["person_a"], decision["person_b"]} == {a, b}
    assert not ctx.store.get("person", a)["deleted"]  # type: ignore[index]
    assert not ctx.store.get("person", b)["deleted"]  # type: ignore[index]
