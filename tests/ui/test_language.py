"""Chinese by default, English selectable at runtime, everything through
Qt's translator (and the domain's bilingual texts for codes and messages)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jsxclient.ui import i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.list_page import ListPage
from jsxclient.ui.pages.settings_page import SettingsPage

from .conftest import settle
from .helpers import fill, open_new


def nav_texts(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_switch_to_english_and_back(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    assert nav_texts(window)[:3] == ["工作台", "组织", "会员"]
    settings = window.show_page("settings")
    assert isinstance(settings, SettingsPage)
    with qtbot.waitSignal(window.language_switched):
        settings.language.setCurrentIndex(settings.language.findData("en"))
    settle(qtbot, ctx)
    assert ctx.settings.get("ui/language") == "en"
    assert nav_texts(window) == [
        "Dashboard",
        "Organisation",
        "Members",
        "Special families",
        "Activities",
        "Volunteers",
        "Sites & projects",
        "Statistics",
        "Sync",
        "Settings",
    ]
    assert window.indicator.state.text() == "Not connected"
    members = window.show_page("members")
    assert isinstance(members, ListPage)
    settle(qtbot, ctx)
    headers = [
        members.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(members.model.columnCount())
    ]
    assert {"Name", "ID number", "Mobile", "Joined"} <= set(headers)
    sex_col = [c.key for c in members.model.columns].index("sex")
    assert members.model.index(0, sex_col).data() in ("Male", "Female")
    assert members.new_button.text() == "New (Ctrl+N)"

    form = open_new(qtbot, ctx, "member", parent=window)
    assert form.windowTitle() == "New member"
    fill(qtbot, form, {"person.mobile": "123"})
    qtbot.waitUntil(lambda: "person.mobile" in form.current_messages())
    assert form.current_messages()["person.mobile"].startswith("The mobile number is not valid")
    form.discard_changes()
    form.reject()

    settings = window.show_page("settings")
    assert isinstance(settings, SettingsPage)
    with qtbot.waitSignal(window.language_switched):
        settings.language.setCurrentIndex(settings.language.findData("zh_CN"))
    settle(qtbot, ctx)
    assert i18n.lang() == "zh"
    assert nav_texts(window)[2] == "会员"


def test_every_source_string_has_an_english_translation() -> None:
    import xml.etree.ElementTree as ET

    tree = ET.parse(i18n.qm_path("jsxclient_en.ts"))
    untranslated = [
        m.findtext("source")
        for m in tree.getroot().iter("message")
        if not (m.findtext("translation") or "").strip()
        or m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert untranslated == []


def test_no_english_translation_uses_chinese_punctuation() -> None:
    """Full-width brackets, commas and stops belong to the Chinese text only."""
    import xml.etree.ElementTree as ET

    tree = ET.parse(i18n.qm_path("jsxclient_en.ts"))
    odd = [
        text
        for m in tree.getroot().iter("message")
        if any(ch in (text := m.findtext("translation") or "") for ch in "（）【】，。：；、\u3000")
    ]
    assert odd == []
