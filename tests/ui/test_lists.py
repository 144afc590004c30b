"""Lists: search on each keystroke (pinyin, ID number, mobile), filters,
sorting, lazy loading, masked ID numbers and sync state per row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from jsxclient.store.search import pinyin_key
from jsxclient.ui.context import AppContext
from jsxclient.ui.forms.form import RecordForm
from jsxclient.ui.list_model import PAGE, ListModel
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.list_page import ListPage

from .conftest import settle
from .helpers import fill, one, open_new, save


def members(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> ListPage:
    page = window.show_page("members")
    assert isinstance(page, ListPage)
    settle(qtbot, ctx)
    return page


def names(model: ListModel) -> list[str]:
    return [model.value(r, "name") for r in range(model.rowCount())]


def type_search(qtbot: QtBot, ctx: AppContext, page: ListPage, text: str) -> None:
    page.search.clear()
    page.search.setFocus()
    for ch in text:  # one query per keystroke
        if ch.isascii():
            qtbot.keyClick(page.search, ch)
        else:
            page.search.insert(ch)  # committed by the input method
    settle(qtbot, ctx)


def rare_member(ctx: AppContext) -> tuple[str, str, str, str, str]:
    """A member whose pinyin initials match few people (so it is on page one)."""
    conn = ctx.store.db.connection()
    for name, number, mobile, key in conn.execute(
        "SELECT p.name, p.id_number, p.mobile, p.search_key FROM member m "
        "JOIN person p ON p.id = m.person_id WHERE p.mobile IS NOT NULL "
        "AND p.id_number IS NOT NULL AND length(p.name) = 3 ORDER BY p.id"
    ):
        full, initials = key.split()[:2]
        n = conn.execute(
            "SELECT count(*) FROM person_search WHERE text LIKE ?", (f"%{initials}%",)
        ).fetchone()[0]
        if n < 40:
            return name, number, mobile, full, initials
    raise AssertionError("no member with rare initials")


def test_search_by_pinyin_initials_and_full(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    page = members(qtbot, ctx, window)
    name, _number, _mobile, full, initials = rare_member(ctx)
    type_search(qtbot, ctx, page, initials)
    assert name in names(page.model)
    assert all(initials in pinyin_key(n) for n in names(page.model))
    type_search(qtbot, ctx, page, full)
    assert name in names(page.model)
    type_search(qtbot, ctx, page, name[1:])  # a name substring
    assert name in names(page.model)


def test_search_by_id_number_and_mobile(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    page = members(qtbot, ctx, window)
    name, number, mobile, _full, _initials = rare_member(ctx)
    type_search(qtbot, ctx, page, number)
    assert names(page.model) == [name]
    col = [c.key for c in page.model.columns].index("id_number")
    shown = page.model.index(0, col).data()
    assert shown == number[:3] + "*" * 11 + number[-4:]  # 430***********123X
    type_search(qtbot, ctx, page, number[-6:].lower())
    assert name in names(page.model)
    type_search(qtbot, ctx, page, mobile)
    assert name in names(page.model)
    type_search(qtbot, ctx, page, "查无此人zzzz")
    assert page.model.rowCount() == 0
    qtbot.waitUntil(page.empty.isVisible)


def test_filters_and_sorting(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    page = members(qtbot, ctx, window)
    village = ctx.places[1]
    page.filters.set("village", village.code)
    settle(qtbot, ctx)
    assert page.model.rowCount() > 0
    assert {page.model.value(r, "village") for r in range(page.model.rowCount())} == {village.name}
    expected = one(
        ctx.store,
        "SELECT count(*) FROM member WHERE deleted = 0 AND division_code = ?",
        village.code,
    )
    qtbot.waitUntil(lambda: page.model.total == expected)  # counted once typing pauses
    page.filters.set("village", None)
    page.filters.set("status", "left")
    settle(qtbot, ctx)
    assert {page.model.value(r, "status") for r in range(page.model.rowCount())} <= {"left"}
    page.filters.set("status", None)
    col = [c.key for c in page.model.columns].index("joined_on")
    page.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    settle(qtbot, ctx)
    dates = [page.model.value(r, "joined_on") for r in range(page.model.rowCount())]
    assert dates == sorted(dates, reverse=True) and page.model.query.sort == "joined_on"


def test_rows_load_a_page_at_a_time(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    page = members(qtbot, ctx, window)
    total = one(ctx.store, "SELECT count(*) FROM member WHERE deleted = 0")
    assert total > 2 * PAGE
    assert page.model.rowCount() == PAGE and page.model.canFetchMore()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > PAGE)
    settle(qtbot, ctx)
    loaded = names(page.model)
    assert len(loaded) == len(set(zip(loaded, page.model._ids, strict=True)))
    keys = [pinyin_key(n) for n in loaded]
    assert keys == sorted(keys)  # pinyin order across the page boundary


def test_new_record_shows_as_pending(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    page = members(qtbot, ctx, window)
    page.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, RecordForm) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    form = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, RecordForm) and w.isVisible()
    )
    assert form.entity == "member"
    fill(
        qtbot,
        form,
        {"person.name": "覃晓燕", "person.sex": "2", "person.division_code": ctx.places[1].code},
    )
    save(qtbot, ctx, form)
    type_search(qtbot, ctx, page, "覃晓燕")
    assert names(page.model) == ["覃晓燕"]
    sync_col = [c.kind for c in page.model.columns].index("sync")
    assert sync_col == 0
    idx = page.model.index(0, sync_col)
    assert "待同步" in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert idx.data(Qt.ItemDataRole.DecorationRole) is not None


def test_ctrl_f_focuses_search(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    page = members(qtbot, ctx, window)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.search.hasFocus)


def test_a_family_page_shows_members_contacts_visits_and_subsidies(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    page = window.show_page("families")
    settle(qtbot, ctx)
    fid = one(ctx.store, "SELECT family_id FROM caresubsidy WHERE deleted = 0 LIMIT 1")
    window.open_family(fid)
    settle(qtbot, ctx)
    detail = page.family_detail  # type: ignore[attr-defined]
    counts = {
        t: one(ctx.store, f"SELECT count(*) FROM {t} WHERE family_id = ? AND deleted = 0", fid)
        for t in ("familymember", "familycontact", "carevisit", "caresubsidy")
    }
    assert detail.members.model.rowCount() == min(counts["familymember"], PAGE)
    assert detail.contacts.model.rowCount() == counts["familycontact"]
    qtbot.waitUntil(lambda: detail.visits.model.total == counts["carevisit"])
    assert detail.subsidies.model.rowCount() == counts["caresubsidy"]
    head = one(
        ctx.store,
        "SELECT p.name FROM specialfamily f JOIN person p "
        "ON p.id = f.head_person_id WHERE f.id = ?",
        fid,
    )
    assert head in detail.summary.text()
    # Recording a visit from the family page updates its list.
    qtbot.mouseClick(detail.visit_button, Qt.MouseButton.LeftButton)
    form = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, RecordForm) and w.isVisible()
    )
    fill(qtbot, form, {"main.mode": "phone"})
    save(qtbot, ctx, form)
    qtbot.waitUntil(lambda: detail.visits.model.total == counts["carevisit"] + 1)


def test_open_new_form_uses_list_filter_village(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member", {"village": ctx.places[2].code})
    assert form.value(("person", "division_code")) == ctx.places[2].code
