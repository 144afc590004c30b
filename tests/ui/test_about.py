"""Help → About: the program's version and what the sync speaks, in Chinese
and English, and a newer release the server announced."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from jsxclient.store.schema import LATEST
from jsxclient.sync.handshake import DOWNLOAD_KEY, LATEST_KEY
from jsxclient.ui.context import AppContext
from jsxclient.ui.main_window import MainWindow
from jsxcore.protocol import PROTOCOL_VERSION
from jsxcore.version import APP_VERSION

from .conftest import settle


def open_about(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> QMessageBox:
    window.about_action.trigger()
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "aboutBox") is not None)
    box = window.findChild(QMessageBox, "aboutBox")
    assert isinstance(box, QMessageBox) and box.isVisible()
    return box


def close(qtbot: QtBot, box: QMessageBox) -> None:
    box.close()
    qtbot.waitUntil(lambda: not box.isVisible())


def test_the_about_box_shows_the_version(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    menu = window.menuBar().actions()[-1]  # 编辑 first, 帮助 last
    assert menu.text() == "帮助(&H)" and window.about_action.text() == "关于(&A)…"
    box = open_about(qtbot, ctx, window)
    text = box.text()
    assert f"版本 {APP_VERSION}" in text and f"数据结构 {LATEST}" in text
    assert f"同步协议 {PROTOCOL_VERSION}" in text and str(ctx.store.db.path) in text
    assert "新版本" not in text  # no server has announced one
    assert box.windowTitle() == "关于 计生协数据采集"
    close(qtbot, box)

    window.switch_language("en")
    assert window.menuBar().actions()[-1].text() == "&Help"
    box = open_about(qtbot, ctx, window)
    assert (
        f"Version {APP_VERSION}" in box.text() and f"sync protocol {PROTOCOL_VERSION}" in box.text()
    )
    assert box.windowTitle() == "About FPA data entry"
    close(qtbot, box)


def test_a_newer_release_is_announced(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    url = "https://jsx.example.gov.cn/download/jsxclient-setup-9.0.0.exe"
    ctx.store.set_meta(LATEST_KEY, "9.0.0")
    ctx.store.set_meta(DOWNLOAD_KEY, url)
    window.controller.refresh()
    settle(qtbot, ctx)
    label = window.indicator.update_notice
    assert label.isVisible() and label.text() == "新版本 9.0.0 可用" and url in label.toolTip()
    box = open_about(qtbot, ctx, window)
    assert "新版本 9.0.0 已发布" in box.text() and f'href="{url}"' in box.text()
    close(qtbot, box)
