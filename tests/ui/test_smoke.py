from __future__ import annotations

from pytestqt.qtbot import QtBot

from jsxclient.ui.context import AppContext
from jsxclient.ui.main_window import PAGES, MainWindow

from .conftest import settle


def test_every_page_opens(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    for i, (key, _) in enumerate(PAGES):
        window.nav.setCurrentRow(i)
        settle(qtbot, ctx)
        assert window.stack.currentWidget() is window.pages[key]
