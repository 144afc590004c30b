"""The desktop's side of issue 11: the idle lock keeps a half-filled form,
signing out closes everything, roles decide what is offered, and masked
numbers are revealed only with a reason that is audited."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from jsxclient.security import vault
from jsxclient.store import audit
from jsxclient.ui import errors, i18n
from jsxclient.ui.app import AppShell
from jsxclient.ui.forms.editors import IdNumberEditor, MobileEditor
from jsxclient.ui.forms.form import RecordForm
from jsxclient.ui.login import LockDialog, LoginDialog
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.list_page import ListPage
from jsxclient.ui.settings import Settings

from .conftest import settle
from .helpers import one

PASSWORD = "Passw0rd!x"


@pytest.fixture
def secure_demo(tmp_path: Path, demo_template: Path) -> Path:
    """The demo store, encrypted, with an administrator and a read-only viewer."""
    path = tmp_path / "store.db"
    shutil.copyfile(demo_template, path)
    session, _code = vault.migrate_plain(path, "tester", PASSWORD)
    vault.add_local_user(session, "viewer", "View3r-passw0rd", "read_only", "只读")
    session.close()
    return path


@pytest.fixture
def shell_for(qtbot: QtBot, tmp_path: Path) -> Iterator[object]:
    shells: list[AppShell] = []

    def make(path: Path, user: str, password: str) -> tuple[AppShell, MainWindow]:
        i18n.install("zh_CN")
        errors.CRASHES.clear()
        ready: list[MainWindow] = []
        session = vault.unlock(path, user, password)
        shell = AppShell(path, Settings(tmp_path / "ui.ini"), ready.append, session=session)
        shells.append(shell)
        shell.start()
        qtbot.waitUntil(lambda: bool(ready), timeout=20_000)
        qtbot.waitUntil(lambda: shell.tasks.idle)
        return shell, ready[0]

    yield make
    for shell in shells:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, RecordForm):
                w.discard_changes()
        qtbot.waitUntil(lambda s=shell: s.tasks.idle)
        # Windows a sign-out did not already delete.
        for w in QApplication.topLevelWidgets():
            if shiboken6.isValid(w) and isinstance(w, MainWindow | LoginDialog | LockDialog):
                w.close()
                w.deleteLater()
        shell.shutdown()
        if shell.store is not None:
            shell.store.close()
    assert not errors.CRASHES, errors.CRASHES


def _new_member_form(qtbot: QtBot, shell: AppShell, window: MainWindow) -> RecordForm:
    page = window.show_page("members")
    assert isinstance(page, ListPage)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    forms = [w for w in QApplication.topLevelWidgets() if isinstance(w, RecordForm)]
    assert len(forms) == 1
    form = forms[0]
    assert shell.ctx is not None
    settle(qtbot, shell.ctx)
    return form


def test_idle_lock_keeps_a_half_filled_form(
    qtbot: QtBot, secure_demo: Path, shell_for: object
) -> None:
    shell, window = shell_for(secure_demo, "tester", PASSWORD)  # type: ignore[operator]
    form = _new_member_form(qtbot, shell, window)
    name = form.editors[("person", "name")]
    name.insert("锁屏测试")
    assert shell.idle is not None
    shell.idle.set_interval_ms(1500)  # 15 minutes in the app; the same timer
    qtbot.keyClicks(name, "x")  # input restarts the wait…
    assert shell.lock_dialog is None
    qtbot.waitUntil(
        lambda: shell.lock_dialog is not None and shell.lock_dialog.isVisible(), timeout=10_000
    )
    lock = shell.lock_dialog
    assert isinstance(lock, LockDialog)
    assert not form.isVisible() and not window.isVisible()
    qtbot.keyClicks(lock.password, "Wrong-passw0rd")
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(lock.message.text()))
    assert "密码错误" in lock.message.text()
    qtbot.keyClicks(lock.password, PASSWORD)
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.isVisible() and window.isVisible())
    assert name.value() == "锁屏测试x"  # nothing typed was lost
    assert shell.lock_dialog is None
    assert shell.store is not None
    actions = [e.action for e in audit.entries(shell.store.db.connection(), limit=100_000)]
    assert actions.count("lock") == 1 and actions.count("unlock") == 1


def test_sign_out_closes_everything_and_asks_again(
    qtbot: QtBot, secure_demo: Path, shell_for: object
) -> None:
    shell, window = shell_for(secure_demo, "tester", PASSWORD)  # type: ignore[operator]
    form = _new_member_form(qtbot, shell, window)
    form.editors[("person", "name")].insert("未保存")
    qtbot.mouseClick(window.sign_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible())
    assert shell.session is None and shell.window is None
    assert not any(
        isinstance(w, RecordForm) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    login = shell.login
    assert isinstance(login, LoginDialog)
    assert login.user.findText("viewer") >= 0 and login.user.findText("tester") >= 0
    login.user.setCurrentText("tester")
    qtbot.keyClicks(login.password, "Wrong-passw0rd")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "密码错误" in login.message.text())
    qtbot.keyClicks(login.password, PASSWORD)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.window is not None and shell.window.isVisible(), timeout=20_000)


def test_a_read_only_viewer_is_offered_no_edits(
    qtbot: QtBot, secure_demo: Path, shell_for: object
) -> None:
    shell, window = shell_for(secure_demo, "viewer", "View3r-passw0rd")  # type: ignore[operator]
    assert shell.ctx is not None and shell.ctx.store.role == "read_only"
    assert "只读用户" in window.who.text()
    page = window.show_page("members")
    assert isinstance(page, ListPage)
    settle(qtbot, shell.ctx)
    assert not page.new_button.isEnabled()
    mid = page.model.row_id(0)
    assert mid is not None
    page.edit_record(mid)
    settle(qtbot, shell.ctx)
    (form,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, RecordForm)]
    assert form.read_only and not form.save_button.isEnabled()
    ident = form.editors[("person", "id_number")]
    assert isinstance(ident, IdNumberEditor)
    assert not ident.reveal_action.isEnabled()  # no reveal for this role
    form.discard_changes()
    form.close()
    settings = window.show_page("settings")
    assert not settings.restore_button.isEnabled()  # type: ignore[attr-defined]
    assert not settings.audit_button.isVisibleTo(settings)  # type: ignore[attr-defined]


def test_numbers_show_masked_and_a_reveal_is_audited(
    qtbot: QtBot, secure_demo: Path, shell_for: object
) -> None:
    shell, window = shell_for(secure_demo, "tester", PASSWORD)  # type: ignore[operator]
    ctx = shell.ctx
    assert ctx is not None
    page = window.show_page("members")
    assert isinstance(page, ListPage)
    settle(qtbot, ctx)
    cols = [c.key for c in page.model.columns]
    ident, mobile = cols.index("id_number"), cols.index("mobile")
    shown = [page.model.index(r, ident).data() for r in range(page.model.rowCount())]
    assert shown and all("*" in s for s in shown if s)
    assert all("*" in (page.model.index(r, mobile).data() or "*") for r in range(10))
    mid = page.model.row_id(0)
    assert mid is not None
    page.edit_record(mid)
    settle(qtbot, ctx)
    (form,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, RecordForm)]
    editor = form.editors[("person", "mobile")]
    assert isinstance(editor, MobileEditor)
    full = one(ctx.store, "SELECT mobile FROM person WHERE id = ?", form.draft.person_id)
    if full is None:
        editor = form.editors[("person", "id_number")]  # type: ignore[assignment]
        full = one(ctx.store, "SELECT id_number FROM person WHERE id = ?", form.draft.person_id)
    assert editor.masked and editor.text() != full and editor.isReadOnly()
    before = len(audit.entries(ctx.store.db.connection(), action="reveal"))
    editor.reveal_action.trigger()
    qtbot.waitUntil(lambda: form.findChild(QInputDialog, "revealReason") is not None)
    dlg = form.findChild(QInputDialog, "revealReason")
    assert isinstance(dlg, QInputDialog)
    dlg.setTextValue("核对补贴发放")
    dlg.accept()
    qtbot.waitUntil(lambda: not editor.masked)
    settle(qtbot, ctx)
    assert editor.text() == full and not editor.isReadOnly()
    reveals = audit.entries(ctx.store.db.connection(), action="reveal")
    assert len(reveals) == before + 1 and reveals[-1].detail == "核对补贴发放"
    form.discard_changes()
    form.close()
