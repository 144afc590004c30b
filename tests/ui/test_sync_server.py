"""The desktop against a real `jsxserver` on 127.0.0.1: first run by
connecting an account, sync from the status bar, a conflict with another
device resolved in the dialog, and the choice synced back to the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jsxclient.security import vault
from jsxclient.sync import account
from jsxclient.ui import errors, i18n
from jsxclient.ui.app import AppShell
from jsxclient.ui.conflict_dialog import ConflictDialog
from jsxclient.ui.login import LoginDialog, RecoveryCodeDialog
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.sync_page import SyncPage
from jsxclient.ui.settings import Settings
from tests.e2e.harness import (
    PASSWORD,
    Device,
    ServerProcess,
    encrypt,
    make_client_template,
    make_server_template,
    person,
)

from .conftest import settle
from .helpers import fill, open_edit, save


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    d = tmp_path_factory.mktemp("ui-server")
    make_server_template(d / "server.db")
    srv = ServerProcess(f"sqlite:///{d / 'server.db'}", d / "server.log").start()
    yield srv
    srv.stop()


@pytest.fixture
def other_device(server: ServerProcess, tmp_path: Path) -> Iterator[tuple[Device, str, str]]:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    template = tmp_path / "client-template.db"
    make_client_template(template)
    dev = Device(tmp_path / "b.db", template, server, user, "laptop-b")
    yield dev, user, villages[0]
    dev.close()


def test_connect_sync_and_resolve_a_conflict_with_the_server(
    qtbot: QtBot, tmp_path: Path, server: ServerProcess, other_device: tuple[Device, str, str]
) -> None:
    b, user, village = other_device
    with b.store.transaction() as tx:
        pid = tx.insert("person", person(village, "彭淑芬", mobile="13800000000"))
    b.sync()

    # First run on this laptop: connect with the account, first sync.
    i18n.install("zh_CN")
    errors.CRASHES.clear()
    ready: list[MainWindow] = []
    shell = AppShell(tmp_path / "a.db", Settings(tmp_path / "ui.ini"), ready.append)
    try:
        shell.start()
        qtbot.waitUntil(lambda: shell.wizard is not None and shell.wizard.isVisible())
        wizard = shell.wizard
        assert wizard is not None
        qtbot.mouseClick(wizard.connect_choice, Qt.MouseButton.LeftButton)
        form = wizard.connect_form
        form.url.setText(server.url)
        qtbot.keyClicks(form.user, user)
        qtbot.keyClicks(form.password, PASSWORD)
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        form.start()
        qtbot.waitUntil(lambda: bool(ready), timeout=60_000)
        window = ready[0]
        qtbot.addWidget(window)
        # The new store's recovery code, shown once over the window.
        (code,) = window.findChildren(RecoveryCodeDialog)
        assert code.isVisible() and not code.ok.isEnabled()
        code.written.setChecked(True)
        qtbot.mouseClick(code.ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not code.isVisible())
        ctx = shell.ctx
        assert ctx is not None and ctx.township == b.township
        settle(qtbot, ctx)
        assert ctx.store.get("person", pid) is not None  # came with the first sync
        controller = window.controller
        qtbot.waitUntil(lambda: controller.online is True, timeout=10_000)
        assert window.indicator.state.text() == "在线"

        # Both laptops change the same mobile number; the other one syncs first.
        with b.store.transaction() as tx:
            tx.update("person", pid, {"mobile": "13800000002"})
        b.sync()
        edit = open_edit(qtbot, ctx, "person", pid)
        fill(qtbot, edit, {"main.mobile": "13900000001"})
        save(qtbot, ctx, edit)
        qtbot.waitUntil(lambda: "待同步 1 条" in window.indicator.pending.text())

        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        with qtbot.waitSignal(controller.finished, timeout=30_000):
            qtbot.keyClick(window, Qt.Key.Key_F9)
        settle(qtbot, ctx)
        page = window.show_page("sync")
        assert isinstance(page, SyncPage)
        page.refresh()
        settle(qtbot, ctx)
        assert page.conflict_table.rowCount() == 1
        assert page.conflict_table.item(0, 0).text() == "彭淑芬"

        dlg = page.resolve_row(0)
        assert isinstance(dlg, ConflictDialog)
        field = next(f for f in dlg.group.fields if f.field == "mobile")
        texts = [dlg.table.item(0, c).text() for c in range(4)]
        assert texts[1:] == ["13800000000", "13900000001", "13800000002"]
        assert field.winner == "mine"  # the later edit won
        dlg.choose(field.id, "theirs")  # the worker keeps the other laptop's number
        with qtbot.waitSignal(dlg.accepted):
            qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
        settle(qtbot, ctx)
        row = ctx.store.get("person", pid)
        assert row is not None and row["mobile"] == "13800000002"
        assert ctx.store.pending_count() == 1  # the choice is a new change

        with qtbot.waitSignal(controller.finished, timeout=30_000):
            qtbot.mouseClick(window.indicator.button, Qt.MouseButton.LeftButton)
        settle(qtbot, ctx)
        assert ctx.store.pending_count() == 0
        assert server.records(b.township)[("person", pid)]["mobile"] == "13800000002"
        b.sync()
        assert b.get("person", pid)["mobile"] == "13800000002"  # type: ignore[index]
        page.refresh()
        settle(qtbot, ctx)
        assert page.conflict_table.rowCount() == 0
        assert page.receipt_table.rowCount() >= 3
        assert page.receipt_table.item(0, 1).text() == "成功"
    finally:
        shell.shutdown()
        if shell.store is not None:
            shell.store.close()
    assert not errors.CRASHES, errors.CRASHES


def test_the_login_screen_recovers_a_store_from_the_escrow(
    qtbot: QtBot, tmp_path: Path, server: ServerProcess
) -> None:
    """Password and recovery code both lost: the township administrator
    signs in on the worker's computer and the escrowed key opens the store,
    unsynced changes and all."""
    township, villages = server.fresh_township()
    admin = server.make_user(township, role="township_admin")
    worker = server.make_user(township)
    template = tmp_path / "client-template.db"
    make_client_template(template)
    office = Device(tmp_path / "office.db", template, server, admin, "office")
    encrypt(office)
    account.make_township_key(office.store, "Sealed-Envelope-9")
    office.close()
    laptop = Device(tmp_path / "laptop.db", template, server, worker, "laptop")
    encrypt(laptop)
    laptop.sync()
    with laptop.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "未同步"))
    laptop.close()

    i18n.install("zh_CN")
    errors.CRASHES.clear()
    ready: list[MainWindow] = []
    shell = AppShell(laptop.path, Settings(tmp_path / "ui.ini"), ready.append)
    try:
        shell.start()
        qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible())
        login = shell.login
        assert isinstance(login, LoginDialog)
        login.stack.setCurrentIndex(1)
        assert login.code.isVisibleTo(login) and not login.passphrase.isVisibleTo(login)
        login.use_escrow.setChecked(True)
        assert not login.code.isVisibleTo(login) and login.passphrase.isVisibleTo(login)
        qtbot.keyClicks(login.admin_user, admin)
        qtbot.keyClicks(login.admin_password, PASSWORD)
        qtbot.keyClicks(login.passphrase, "Wrong-Phrase-99")
        login.rec_user.setCurrentText(worker)
        qtbot.keyClicks(login.new_password, "New-Passw0rd!")
        qtbot.keyClicks(login.new_password2, "New-Passw0rd!")
        qtbot.mouseClick(login.recover_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "托管口令不对" in login.rec_message.text(), timeout=60_000)
        login.passphrase.setText("Sealed-Envelope-9")
        qtbot.mouseClick(login.recover_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(ready), timeout=60_000)
        window = ready[0]
        qtbot.addWidget(window)
        (code,) = window.findChildren(RecoveryCodeDialog)  # a new code, shown once
        code.written.setChecked(True)
        qtbot.mouseClick(code.ok, Qt.MouseButton.LeftButton)
        ctx = shell.ctx
        assert ctx is not None
        settle(qtbot, ctx)
        assert ctx.store.get("person", pid) is not None
        assert ctx.store.pending_count() == 1
    finally:
        shell.shutdown()
        if shell.store is not None:
            shell.store.close()
    vault.unlock(laptop.path, worker, "New-Passw0rd!").close()
    assert not errors.CRASHES, errors.CRASHES
