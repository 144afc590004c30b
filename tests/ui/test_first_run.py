"""Start-up: a new store gets the first-run wizard (demo data of a chosen
township, generated in the background with progress); a set-up store opens
the main window. The GUI thread never opens the store itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from jsxclient.security import vault
from jsxclient.ui import errors, i18n
from jsxclient.ui.app import AppShell
from jsxclient.ui.first_run import FirstRunDialog
from jsxclient.ui.login import RecoveryCodeDialog
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.settings import Settings

from ..conftest import TOWNSHIP


def test_first_run_generates_demo_data_for_a_chosen_township(qtbot: QtBot, tmp_path: Path) -> None:
    i18n.install("zh_CN")
    errors.CRASHES.clear()
    ready: list[MainWindow] = []
    shell = AppShell(tmp_path / "new.db", Settings(tmp_path / "ui.ini"), ready.append)
    try:
        shell.start()
        qtbot.waitUntil(lambda: shell.wizard is not None and shell.wizard.isVisible())
        wizard = shell.wizard
        assert isinstance(wizard, FirstRunDialog)
        qtbot.mouseClick(wizard.demo_choice, Qt.MouseButton.LeftButton)
        picker = wizard.picker
        assert picker is not None
        qtbot.waitUntil(lambda: picker.model.rowCount() == 14)  # Hunan's 14 cities
        qtbot.keyClicks(picker.search, "qst")  # 清水塘, by pinyin initials
        qtbot.waitUntil(lambda: picker.code() is not None)
        assert picker.status.text() == "找到 2 个乡镇（街道）"  # 开福区 and 石峰区
        qtbot.keyClicks(picker.search, "zzz")
        assert picker.status.text().startswith("没有找到")
        assert picker.select(TOWNSHIP)
        wizard.scale.addItem("tiny", 0.02)
        wizard.scale.setCurrentIndex(wizard.scale.count() - 1)
        wizard.admin_password.setText("short")
        wizard.start_demo()
        assert "8" in wizard.demo_message.text()  # the password rule, before anything is made
        assert not (tmp_path / "new.db").exists()
        wizard.admin_password.setText("Passw0rd!x")
        wizard.admin_password2.setText("Passw0rd!x")
        wizard.start_demo()
        assert wizard.stack.currentIndex() == 3 and wizard.bar.isVisible()
        qtbot.waitUntil(lambda: bool(ready), timeout=30_000)
        window = ready[0]  # closed and deleted by "start for real" below
        assert shell.ctx is not None and shell.ctx.township == TOWNSHIP
        assert "清水塘街道" in window.windowTitle()
        assert len(shell.ctx.places) > 1
        # Encrypted from the first byte; the recovery code is shown once.
        assert vault.keyfile_path(tmp_path / "new.db").exists()
        assert not vault.is_plain(tmp_path / "new.db")
        assert shell.ctx.store.role == "township_admin"
        codes = window.findChildren(RecoveryCodeDialog)
        assert len(codes) == 1 and codes[0].isVisible()
        qtbot.waitUntil(lambda: shell.tasks.idle)
        codes[0].close()
        # Demo data is marked: the title bar and the dashboard say so.
        assert "演示数据" in window.windowTitle()
        dashboard = window.pages["dashboard"]
        banner = dashboard.findChild(QLabel, "demoBanner")
        assert banner is not None and banner.isVisible() and "不能连接服务器" in banner.text()
        # Settings → 开始正式使用: the demo set aside, the first run again.
        settings = window.show_page("settings")
        qtbot.mouseClick(settings.fresh_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
        box = settings.findChild(QMessageBox, "confirmStartFresh")
        assert box is not None and box.defaultButton().text() == "取消"  # type: ignore[union-attr]
        [go] = [b for b in box.buttons() if b.text() == "开始正式使用"]
        qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: shell.wizard is not None and shell.wizard.isVisible(), timeout=20_000
        )
        assert not (tmp_path / "new.db").exists()
        [aside] = tmp_path.glob("demo-*")
        assert (aside / "new.db").exists() and (aside / "new.db.keys").exists()
        shell.wizard.close()
    finally:
        for w in ready:
            if shiboken6.isValid(w):
                w.close()
        shell.shutdown()
        if shell.store is not None:
            shell.store.close()
    assert not errors.CRASHES


def test_a_set_up_store_asks_for_the_password_then_opens_the_main_window(
    qtbot: QtBot, tmp_path: Path, demo_template: Path
) -> None:
    """Here an old plain store: the first sign-in encrypts it."""
    i18n.install("zh_CN")
    path = tmp_path / "store.db"
    shutil.copyfile(demo_template, path)
    ready: list[MainWindow] = []
    shell = AppShell(path, Settings(tmp_path / "ui.ini"), ready.append)
    try:
        shell.start()
        qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible())
        login = shell.login
        assert login is not None and login.plain
        login.user.setCurrentText("tester")
        qtbot.keyClicks(login.password, "Passw0rd!x")
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(ready), timeout=30_000)
        qtbot.addWidget(ready[0])
        assert shell.wizard is None
        assert not vault.is_plain(path) and vault.registered_users(path) == ["tester"]
        qtbot.waitUntil(lambda: shell.tasks.idle)
    finally:
        shell.shutdown()
        if shell.store is not None:
            shell.store.close()


def test_a_search_typed_before_the_list_is_read_is_answered(qtbot: QtBot) -> None:
    from jsxclient.ui.first_run import TownshipPicker
    from jsxclient.ui.tasks import TaskManager

    i18n.install("zh_CN")
    tasks = TaskManager()
    try:
        picker = TownshipPicker(tasks)
        qtbot.addWidget(picker)
        picker.show()
        # Typed at once, while the divisions are still being read.
        picker.search.setText("qst")
        qtbot.waitUntil(lambda: tasks.idle)
        qtbot.waitUntil(lambda: picker.model.rowCount() == 14)
        assert picker.status.text() == "找到 2 个乡镇（街道）"
        assert picker.code() is not None
    finally:
        tasks.shutdown()
