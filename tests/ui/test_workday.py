"""Issue 15: the form and the pages fit a township worker's day (duplicates
refused, Esc safe, Enter in a multi-line box, shortcuts anywhere, undo and the
recycle bin, demo marking, status after a save)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabBar,
    QTabWidget,
    QTreeWidgetItemIterator,
    QWidget,
)
from pytestqt.qtbot import QtBot

from jsxclient.ui import i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.forms.form import RecordForm
from jsxclient.ui.main_window import PAGES, MainWindow
from jsxclient.ui.pages.list_page import ListPage
from jsxclient.ui.shortcuts import SHORTCUTS, ShortcutsDialog, markdown

from .conftest import settle
from .helpers import click_box_button, fill, message_box, one, open_new, save, switch_language
from .test_forms import a_family, person_values, village


def _existing(ctx: AppContext) -> tuple[str, str]:
    number, name = one(
        ctx.store,
        "SELECT id_number, name FROM person WHERE id_number IS NOT NULL AND deleted = 0 "
        "ORDER BY id LIMIT 1",
    )
    return str(number), str(name)


def test_a_duplicate_id_number_is_refused_on_save(qtbot: QtBot, ctx: AppContext) -> None:
    number, name = _existing(ctx)
    persons = one(ctx.store, "SELECT count(*) FROM person")
    form = open_new(qtbot, ctx, "member")
    fill(
        qtbot,
        form,
        {
            "person.name": "冒名者",
            "person.id_number": number,
            "person.mobile": "13907310001",
            "person.division_code": village(ctx.store),
        },
    )
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert form.isVisible()
    msg = form.current_messages().get("person.id_number", "")
    assert "已登记" in msg and name in msg
    # The existing person is offered (use or open it).
    qtbot.waitUntil(lambda: form.banner.isVisible() and form.banner_use.isVisible())
    assert name in form.banner_text.text()
    assert one(ctx.store, "SELECT count(*) FROM person") == persons


def test_esc_then_enter_keeps_editing_and_saves_nothing(qtbot: QtBot, ctx: AppContext) -> None:
    number, _ = _existing(ctx)
    persons = one(ctx.store, "SELECT count(*) FROM person")
    form = open_new(qtbot, ctx, "member")
    fill(
        qtbot,
        form,
        {
            "person.name": "冒名者",
            "person.id_number": number,
            "person.division_code": village(ctx.store),
        },
    )
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    box = message_box(form, "confirmDiscard")
    assert box is not None
    default = box.defaultButton()
    assert default is not None and default.text() == "继续编辑"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: message_box(form, "confirmDiscard") is None)
    settle(qtbot, ctx)
    assert form.isVisible() and form.value(("person", "name")) == "冒名者"
    assert one(ctx.store, "SELECT count(*) FROM person") == persons
    assert isinstance(box, QMessageBox)


def _forms(window: MainWindow) -> list[RecordForm]:
    return [w for w in window.findChildren(RecordForm) if w.isVisible()]


def test_shortcuts_work_after_a_sidebar_click(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    window.activateWindow()
    members = window.show_page("members")
    assert isinstance(members, ListPage)
    settle(qtbot, ctx)
    # A click on the sidebar leaves the focus there.
    rect = window.nav.visualItemRect(window.nav.item(2))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    window.nav.setFocus()
    assert window.nav.hasFocus() or QApplication.focusWidget() is window.nav
    qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is members.search
    qtbot.keyClicks(members.search, "zs")
    assert members.search.text() == "zs"
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(_forms(window)) == 1)
    form = _forms(window)[0]
    assert form.entity == "member"
    form.discard_changes()
    form.reject()


def test_ctrl_digit_goes_to_the_page_and_its_search_box(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, ctx)
    families = window.pages["families"]
    assert isinstance(families, ListPage)
    assert window.stack.currentWidget() is families
    assert QApplication.focusWidget() is families.search
    # The sites page has two lists: the tab shown takes the keys.
    qtbot.keyClick(window.nav, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, ctx)
    sites = window.pages["sites"]
    assert QApplication.focusWidget() is sites.sites.search  # type: ignore[attr-defined]


def test_help_shows_the_one_shortcut_table(qtbot: QtBot, window: MainWindow) -> None:
    window.shortcuts_action.trigger()
    dlg = window.findChild(ShortcutsDialog, "shortcutsDialog")
    assert dlg is not None and dlg.isVisible()
    assert dlg.table.rowCount() == len(SHORTCUTS)
    keys = {dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())}
    assert {"Ctrl+N", "Ctrl+F", "Ctrl+Z", "F9", "Esc"} <= keys
    dlg.close()


def test_the_user_guide_holds_the_same_table() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "user-guide.md").read_text("utf-8")
    assert markdown("zh") in guide
    assert markdown("en") in guide


def test_enter_in_a_multi_line_box_starts_a_new_line(qtbot: QtBot, ctx: AppContext) -> None:
    family = a_family(ctx.store)
    visits = one(ctx.store, "SELECT count(*) FROM carevisit")
    form = open_new(qtbot, ctx, "carevisit", family)
    fill(qtbot, form, {"main.mode": "home"})
    needs = form.editors[("main", "needs")]
    needs.setFocus()
    qtbot.keyClicks(needs, "medicine")
    qtbot.keyClick(needs, Qt.Key.Key_Return)
    qtbot.keyClicks(needs, "rent")
    settle(qtbot, ctx)
    assert form.isVisible()
    assert form.value(("main", "needs")) == "medicine\nrent"
    assert one(ctx.store, "SELECT count(*) FROM carevisit") == visits
    # Ctrl+S saves from the same box.
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        qtbot.keyClick(needs, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, ctx)
    assert one(ctx.store, "SELECT count(*) FROM carevisit") == visits + 1


def _member_page(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> ListPage:
    page = window.show_page("members")
    assert isinstance(page, ListPage)
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    return page


def test_delete_names_the_record_defaults_to_cancel_and_undoes(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    page = _member_page(qtbot, ctx, window)
    page.table.selectRow(0)
    rid = page.table.current_id()
    assert rid is not None
    name = one(
        ctx.store,
        "SELECT p.name FROM member m JOIN person p ON p.id = m.person_id WHERE m.id=?",
        rid,
    )
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: message_box(page, "confirmDelete") is not None)
    box = message_box(page, "confirmDelete")
    assert box is not None and name in box.text() and "会员" in box.text()
    default = box.defaultButton()
    assert default is not None and default.text() == "取消"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # a stray Enter deletes nothing
    settle(qtbot, ctx)
    assert one(ctx.store, "SELECT deleted FROM member WHERE id=?", rid) == 0

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: message_box(page, "confirmDelete") is not None)
    box = message_box(page, "confirmDelete")
    assert box is not None
    click_box_button(qtbot, box, "删除")
    settle(qtbot, ctx)
    assert one(ctx.store, "SELECT deleted FROM member WHERE id=?", rid) == 1
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    # Ctrl+Z from the sidebar brings it back, as a change that syncs.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, ctx)
    assert one(ctx.store, "SELECT deleted, sync_state FROM member WHERE id=?", rid) == (
        0,
        "pending",
    )
    assert "已撤销" in window.statusBar().currentMessage()


def test_undo_of_a_new_record(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    page = _member_page(qtbot, ctx, window)
    form = open_new(qtbot, ctx, "member", parent=window)
    fill(qtbot, form, person_values(31, "覃小华")(ctx.store))
    saved = save(qtbot, ctx, form)
    assert one(ctx.store, "SELECT deleted FROM member WHERE id=?", saved.row_id) == 0
    window.undo()
    settle(qtbot, ctx)
    assert one(ctx.store, "SELECT deleted FROM member WHERE id=?", saved.row_id) == 1
    assert one(ctx.store, "SELECT deleted FROM person WHERE id=?", saved.person_id) == 1
    assert "覃小华" in window.statusBar().currentMessage()
    assert page.isVisible()


def test_the_recycle_bin_restores(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    from jsxclient.ui.recycle_bin import RecycleBin

    rid, name = one(
        ctx.store,
        "SELECT m.id, p.name FROM member m JOIN person p ON p.id = m.person_id "
        "WHERE m.deleted = 0 ORDER BY m.id LIMIT 1",
    )
    with ctx.store.transaction() as tx:
        tx.delete("member", rid)
    window.bin_action.trigger()
    dlg = window.findChild(RecycleBin, "recycleBin")
    assert dlg is not None
    settle(qtbot, ctx)
    assert dlg.table.rowCount() >= 1
    names = [dlg.table.item(r, 1).text() for r in range(dlg.table.rowCount())]
    dlg.table.selectRow(names.index(name))
    qtbot.mouseClick(dlg.restore_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert one(ctx.store, "SELECT deleted FROM member WHERE id=?", rid) == 0
    assert "已恢复" in dlg.status.text() and name in dlg.status.text()
    dlg.close()


def test_the_recycle_bin_labels_its_kinds_in_english(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    from jsxclient.ui.recycle_bin import RecycleBin

    i18n.install("en")
    rid = one(ctx.store, "SELECT id FROM member WHERE deleted = 0 ORDER BY id LIMIT 1")
    with ctx.store.transaction() as tx:
        tx.delete("member", rid)
    window.bin_action.trigger()
    dlg = window.findChild(RecycleBin, "recycleBin")
    assert dlg is not None
    settle(qtbot, ctx)
    kinds = {dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())}
    assert "Member" in kinds, kinds
    dlg.close()


def test_save_and_new_starts_clean(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    fill(qtbot, form, person_values(32, "仇红梅")(ctx.store))
    with qtbot.waitSignal(form.saved, timeout=10_000):
        qtbot.mouseClick(form.next_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    qtbot.wait(300)  # the delayed validation has run
    settle(qtbot, ctx)
    assert form.current_messages() == {}
    assert "已保存" in form.status.text()


def test_the_problem_note_goes_once_fixed(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    fill(qtbot, form, {"person.name": "区明"})
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert form.status.text() == "请按提示修改标红的内容"
    fill(qtbot, form, person_values(33, "区明")(ctx.store))
    qtbot.waitUntil(lambda: form.current_messages() == {})
    qtbot.waitUntil(lambda: form.status.text() == "")


def test_a_visit_form_names_its_family(qtbot: QtBot, ctx: AppContext) -> None:
    family = a_family(ctx.store)
    head = one(
        ctx.store,
        "SELECT p.name FROM specialfamily f JOIN person p ON p.id = f.head_person_id "
        "WHERE f.id = ?",
        family["family_id"],
    )
    form = open_new(qtbot, ctx, "carevisit", family)
    qtbot.waitUntil(lambda: head in form.heading.text())


def test_a_plain_save_says_so_and_selects_the_new_row(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    page = _member_page(qtbot, ctx, window)
    page.new_record()
    qtbot.waitUntil(lambda: len(_forms(window)) == 1)
    form = _forms(window)[0]
    fill(qtbot, form, person_values(34, "查良镛")(ctx.store))
    saved = save(qtbot, ctx, form)
    qtbot.waitUntil(lambda: "已保存" in window.statusBar().currentMessage())
    assert "查良镛" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: page.table.current_id() == saved.row_id)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_page_fits_1366_pixels(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, language: str
) -> None:
    switch_language(qtbot, ctx, window, language)
    texts: list[str] = []
    for key, _zh in PAGES:
        page = window.show_page(key)
        settle(qtbot, ctx)
        if key == "families":
            page.table.selectRow(0)  # type: ignore[attr-defined]
            settle(qtbot, ctx)
        assert window.minimumSizeHint().width() <= 1366, (language, key)
        texts += _visible_texts(window)
    assert texts
    if language == "en":
        # Half-width brackets in English (a village name may keep its own).
        odd = [t for t in texts if ("（" in t or "）" in t) and t.isascii() is False]
        odd = [t for t in odd if not any("\u4e00" <= ch <= "\u9fff" for ch in t)]
        assert odd == [], odd[:5]


def _visible_texts(window: MainWindow) -> list[str]:
    out: list[str] = []
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window):
            continue
        if isinstance(w, QLabel | QPushButton):
            out.append(w.text())
        elif isinstance(w, QTabBar):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QHeaderView) and w.model() is not None:
            m = w.model()
            out += [str(m.headerData(i, w.orientation()) or "") for i in range(w.count())]
    return [t for t in out if t]


def test_the_name_column_is_frozen_and_column_choice_remembered(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    page = _member_page(qtbot, ctx, window)
    table = page.table
    frozen = table.frozen
    assert frozen is not None and frozen.isVisible()
    keys = [c.key for c in page.model.columns]
    shown = [keys[c] for c in range(len(keys)) if not frozen.isColumnHidden(c)]
    assert shown == ["sync", "name"]
    # Scrolled to the far right, the name is still in view beside 状态.
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    settle(qtbot, ctx)
    assert frozen.geometry().right() < table.width() // 2
    assert frozen.model() is table.model() and frozen.selectionModel() is table.selectionModel()
    # Hiding a column is remembered for the next window.
    table.set_column_shown("card_no", False)
    assert table.isColumnHidden(keys.index("card_no"))
    assert '"member": ["card_no"]' in ctx.settings.get("ui/list_columns")
    from jsxclient.ui.pages.records import members_page

    again = members_page(ctx)
    qtbot.addWidget(again)
    assert again.table.isColumnHidden(keys.index("card_no"))
    table.set_column_shown("card_no", True)
    assert not table.isColumnHidden(keys.index("card_no"))


def test_a_short_code_list_takes_typed_pinyin(qtbot: QtBot, ctx: AppContext) -> None:
    form = open_new(qtbot, ctx, "member")
    sex = form.editors[("person", "sex")]
    assert not sex.isEditable()
    sex.setFocus()
    qtbot.keyClicks(sex, "nv")  # 女
    assert sex.value() == "2"
    qtbot.wait(int(1000 * 1.1))
    qtbot.keyClicks(sex, "n")  # a new search: 男 comes first
    assert sex.value() == "1"


def test_sites_and_groups_are_headed_by_their_name(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    from jsxclient.ui.list_model import column_title

    assert column_title("site", "name") == "阵地名称"
    assert column_title("membergroup", "name") == "小组名称"
    assert column_title("member", "name") == "姓名"


def test_a_picked_person_shows_the_name_and_the_popup_masks_the_id(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from .test_forms import association_id

    name, number = one(
        ctx.store,
        "SELECT name, id_number FROM person WHERE deleted = 0 AND id_number IS NOT NULL "
        "ORDER BY id LIMIT 1",
    )
    context = {
        "association_id": association_id(village(ctx.store)),
        "division_code": village(ctx.store),
    }
    form = open_new(qtbot, ctx, "officer", context)
    picker = form.editors[("main", "person_id")]
    picker.setFocus()
    qtbot.keyClicks(picker, number[-6:])
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: bool(picker._choices))
    comp = picker.completer()
    if not comp.popup().isVisible():  # a later keystroke's search closed it
        picker.setFocus()
        comp.complete()
    assert comp.popup().isVisible()
    model = comp.popup().model()
    shown = [str(model.index(r, 0).data()) for r in range(model.rowCount())]
    assert shown and all(number not in s for s in shown)
    assert any(name in s for s in shown)
    comp.popup().setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(comp.popup(), Qt.Key.Key_Return)
    settle(qtbot, ctx)
    assert picker.value() is not None
    # Only the name goes in the box: nothing pushes it out of view.
    assert picker.text() == picker._label and " " not in picker.text()


def test_lists_use_the_height_of_a_1366x768_screen(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    window.showNormal()
    window.resize(1366, 728)  # less the Windows taskbar
    settle(qtbot, ctx)
    room = {}
    for key in ("members", "families", "activities", "volunteers"):
        page = window.show_page(key)
        settle(qtbot, ctx)
        qtbot.wait(50)
        table = page.table  # type: ignore[attr-defined]
        room[key] = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    assert room["members"] >= 18, room
    assert min(room["families"], room["activities"], room["volunteers"]) >= 9, room


@pytest.fixture
def styled(qapp: QApplication) -> Iterator[None]:
    """The app's own stylesheet and font (bold, padded headers), as shipped."""
    from jsxclient.ui import styles

    font, sheet = qapp.font(), qapp.styleSheet()
    styles.apply(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def _short_headers(window: MainWindow) -> list[tuple[str, int, int]]:
    """Headers narrower than their text (bold, 6 px padding a side)."""
    out = []
    for h in window.findChildren(QHeaderView):
        if (
            not h.isVisibleTo(window)
            or h.orientation() != Qt.Orientation.Horizontal
            or h.model() is None
        ):
            continue
        bold = h.font()
        bold.setWeight(QFont.Weight.DemiBold)
        fm = QFontMetrics(bold)
        for c in range(h.count()):
            text = str(h.model().headerData(c, Qt.Orientation.Horizontal) or "")
            if text and not h.isSectionHidden(c):
                need = fm.horizontalAdvance(text) + 12
                if h.sectionSize(c) < need:
                    out.append((text, h.sectionSize(c), need))
    return out


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.usefixtures("styled")
def test_no_column_heading_is_cut_on_any_page(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, language: str
) -> None:
    switch_language(qtbot, ctx, window, language)
    window.resize(1366, 697)  # a maximised window on a 1366x768 laptop screen
    short: dict[str, list[tuple[str, int, int]]] = {}
    for key, _zh in PAGES:
        page = window.show_page(key)
        settle(qtbot, ctx)
        tabs = page if isinstance(page, QTabWidget) else getattr(page, "tabs", None)
        for i in range(tabs.count() if isinstance(tabs, QTabWidget) else 1):
            if isinstance(tabs, QTabWidget):
                tabs.setCurrentIndex(i)
                settle(qtbot, ctx)
            qtbot.wait(20)
            if found := _short_headers(window):
                short[f"{key}/{i}"] = found
    assert short == {}


def test_a_long_code_label_shows_its_start(qtbot: QtBot, ctx: AppContext) -> None:
    i18n.install("en")
    form = open_new(qtbot, ctx, "member")
    political = form.editors[("person", "political")]
    assert political.isEditable()
    political.set_value("13")  # 群众: "General public (no affiliation)", longer than the box
    line = political.lineEdit()
    assert line.text().startswith("General public")
    assert line.cursorPosition() == 0
    form.discard_changes()
    form.reject()


def test_a_form_has_no_empty_band_under_its_fields(qtbot: QtBot, ctx: AppContext) -> None:
    family = a_family(ctx.store)
    for entity, context in (("member", None), ("carevisit", family)):
        form = open_new(qtbot, ctx, entity, context)
        boxes = [b for b in form.findChildren(QGroupBox) if b.isVisible()]
        last = max(b.mapTo(form, b.rect().bottomLeft()).y() for b in boxes)
        buttons = form.save_button.mapTo(form, form.save_button.rect().topLeft()).y()
        # Room for a few lines of messages, not a blank panel.
        assert buttons - last <= 90, (entity, buttons - last)
        form.discard_changes()
        form.reject()


@pytest.mark.usefixtures("styled")
def test_the_export_menu_arrow_does_not_cover_its_text(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    page = _member_page(qtbot, ctx, window)
    button = page.findChild(QWidget, "exportButton")
    assert button is not None and button.isVisible()
    text = button.fontMetrics().horizontalAdvance(button.text())  # type: ignore[attr-defined]
    # 14 px padding left, the arrow in the 28 px on the right.
    assert button.width() >= text + 14 + 28, (button.width(), text)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.usefixtures("styled")
def test_the_dashboard_lists_show_every_column(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, language: str
) -> None:
    switch_language(qtbot, ctx, window, language)
    window.resize(1366, 697)
    page = window.show_page("dashboard")
    ctx.bus.emit_changed("member")  # the lists filled in this language
    settle(qtbot, ctx)
    qtbot.wait(50)
    for table in (page.due, page.follow):  # type: ignore[attr-defined]
        assert table.rowCount() > 0
        last = table.columnCount() - 1
        # Nothing to scroll sideways to; the matter keeps some room.
        assert table.horizontalScrollBar().maximum() == 0, table.objectName()
        assert table.columnWidth(last) >= 80, (table.objectName(), table.columnWidth(last))
    # A need is a sentence: its column has room for one, wrapped on up to three lines.
    follow = page.follow  # type: ignore[attr-defined]
    assert follow.columnWidth(follow.columnCount() - 1) >= 150, follow.columnWidth(3)
    assert follow.wordWrap()
    line = follow.fontMetrics().lineSpacing()
    assert all(follow.rowHeight(r) <= 26 + 2 * line for r in range(follow.rowCount()))
    # The reason for a visit reads whole.
    due = page.due  # type: ignore[attr-defined]
    reasons = {due.item(r, due.columnCount() - 1).text() for r in range(due.rowCount())}
    widest = max(due.fontMetrics().horizontalAdvance(t) for t in reasons)
    assert due.columnWidth(due.columnCount() - 1) >= widest + 8, reasons


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.usefixtures("styled")
def test_association_names_read_whole_in_the_tree(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, language: str
) -> None:
    switch_language(qtbot, ctx, window, language)
    window.resize(1366, 697)
    page = window.show_page("organisation")
    settle(qtbot, ctx)
    qtbot.wait(50)
    tree = page.tree  # type: ignore[attr-defined]
    fm = tree.fontMetrics()
    cut = []
    it = QTreeWidgetItemIterator(tree)
    while it.value() is not None:
        item = it.value()
        rect = tree.visualItemRect(item)
        text = item.text(0)
        left = rect.left() + (tree.iconSize().width() + 8 if not item.icon(0).isNull() else 4)
        if left + fm.horizontalAdvance(text) > tree.columnWidth(0):
            cut.append(text)
        it += 1
    assert tree.topLevelItemCount() > 0
    assert cut == []


def test_summary_lines_keep_their_parts_apart_in_english(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    switch_language(qtbot, ctx, window, "en")
    families = window.show_page("families")
    settle(qtbot, ctx)
    families.table.selectRow(0)  # type: ignore[attr-defined]
    settle(qtbot, ctx)
    summaries = [w.text() for w in window.findChildren(QLabel, "familySummary") if w.isVisible()]
    sync = window.show_page("sync")
    settle(qtbot, ctx)
    summaries.append(sync.state.text())  # type: ignore[attr-defined]
    organisation = window.show_page("organisation")
    settle(qtbot, ctx)
    summaries.append(organisation.summary.text())  # type: ignore[attr-defined]
    assert len(summaries) == 3
    for text in summaries:
        # Rich text folds runs of spaces into one: a dot keeps the parts apart.
        assert "\u3000" not in text and "   " not in text and " · " in text, text
    pending = ctx.store.pending_count()
    assert f"<b>{pending:,}</b>" in summaries[1]


@pytest.mark.usefixtures("styled")
def test_a_long_name_gets_the_room_the_list_has_to_spare(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    window.resize(1366, 697)
    sites = window.show_page("sites")
    sites.setCurrentIndex(1)  # type: ignore[attr-defined]  # the projects
    page = sites.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(page, ListPage)
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    qtbot.wait(50)
    table = page.table
    col = [c.key for c in page.model.columns].index("name")
    fm = table.fontMetrics()
    rows = range(min(page.model.rowCount(), 12))
    names = [str(page.model.index(r, col).data()) for r in rows]
    widest = max(fm.horizontalAdvance(n) for n in names)
    from jsxclient.ui.widgets import CAPPED_WIDTH

    assert widest + 12 > CAPPED_WIDTH  # a name longer than a column is at first
    assert table.columnWidth(col) >= widest + 8, (table.columnWidth(col), widest)
    # ... and nothing to scroll sideways to.
    assert table.horizontalScrollBar().maximum() == 0


@pytest.mark.usefixtures("styled")
def test_a_family_and_its_visits_share_a_maximised_laptop_window(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    from jsxclient.ui.widgets import RecordTable

    window.showNormal()
    window.resize(1366, 697)  # 1366x768 less the taskbar and the title bar
    page = window.show_page("families")
    settle(qtbot, ctx)
    page.table.selectRow(0)  # type: ignore[attr-defined]
    settle(qtbot, ctx)
    qtbot.wait(50)
    rows = {
        t.objectName(): t.viewport().height() // t.verticalHeader().defaultSectionSize()
        for t in page.findChildren(RecordTable)
        if t.isVisible()
    }
    assert rows["table_specialfamily"] >= 9, rows
    assert rows["table_carevisit"] >= 3, rows
