"""Desktop entry point: `run_app(store_path)`.

Start-up shows the first-run wizard for a new store, else the login
(`jsxclient.ui.login`); the store is unlocked and opened on the database
worker, then the main window shows. The GUI thread never touches the
database and never runs the password KDF.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget

from jsxclient.security import vault
from jsxclient.store import maintenance
from jsxclient.ui import errors, i18n, styles
from jsxclient.ui.context import AppContext, DataBus
from jsxclient.ui.login import IdleWatcher, LockDialog, LoginDialog, RecoveryCodeDialog
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.operations import setup
from jsxclient.ui.operations.setup import StoreInfo
from jsxclient.ui.settings import Settings
from jsxclient.ui.sync_controller import SyncController
from jsxclient.ui.tasks import TaskManager
from jsxcore.masking import mask_text

if TYPE_CHECKING:
    from jsxclient.store.store import Store
    from jsxclient.ui.first_run import FirstRunDialog

log = logging.getLogger("jsxclient.ui")

AUTO_BACKUP_DELAY_MS = 2 * 60 * 1000

Ready = Callable[[MainWindow], None]


class MaskingFilter(logging.Filter):
    """No full ID number or mobile reaches the log file (error texts and
    tracebacks can quote values)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = mask_text(text), ()
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


def _logging(folder: Path) -> Path:
    path = folder / "jsxclient.log"
    root = logging.getLogger("jsxclient")
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            h = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        except OSError:
            return path
        h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        h.addFilter(MaskingFilter())
        root.addHandler(h)
        root.setLevel(logging.INFO)
    return path


class AppShell(QObject):
    """Owns the workers, the signed-in session and the top-level windows.

    Start-up: the first-run wizard for a new store, else the login; then
    the main window. The idle lock hides every window (open forms keep what
    was typed) until the password is typed again; signing out closes the
    session and shows the login again."""

    def __init__(
        self,
        store_path: Path,
        settings: Settings,
        on_ready: Ready | None = None,
        session: vault.Session | None = None,
        quit_when_closed: bool = False,
    ) -> None:
        super().__init__()
        # The program runs with quitOnLastWindowClosed off (between the login
        # and the main window, and behind the lock, no window is open): it
        # ends when the main window is closed, or the login or wizard refused.
        self.quit_when_closed = quit_when_closed
        self.store_path = store_path
        self.settings = settings
        self.on_ready = on_ready
        self.session: vault.Session | None = session
        self.store: Store | None = None
        self.window: MainWindow | None = None
        self.wizard: FirstRunDialog | None = None
        self.login: LoginDialog | None = None
        self.lock_dialog: LockDialog | None = None
        self.idle: IdleWatcher | None = None
        self.controller: SyncController | None = None
        self.ctx: AppContext | None = None
        self._hidden: list[QWidget] = []
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(60 * 60 * 1000)  # the daily backup is looked at hourly
        self.backup_timer.timeout.connect(self.auto_backup)
        self.tasks = TaskManager(
            db_exit=self._close_thread_connection,
            net_exit=self._close_thread_connection,
            unhandled=lambda exc: errors.show(exc, self.window),
        )

    def _close_thread_connection(self) -> None:
        store = self.ctx.store if self.ctx else self.store
        if store is not None:
            store.db.close()

    def start(self) -> None:
        if self.session is not None:
            self._signed_in(self.session, None)
        elif vault.needs_setup(self.store_path):
            self._wizard()
        else:
            self._login()

    # -- signing in -----------------------------------------------------------------

    def _login(self) -> None:
        self.login = LoginDialog(self.tasks, self.store_path)
        self.login.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.login.signed_in.connect(self._signed_in)
        self.login.rejected.connect(lambda: QApplication.quit())
        self.login.show()

    def _signed_in(self, session: vault.Session, code: str | None) -> None:
        self.login = None
        self.session = session

        def open_(job: Any) -> StoreInfo | None:
            setup.tune_reader(session.store)
            return setup.info(session.store)

        self.tasks.db(open_).on_success(lambda info: self._opened(info, code)).on_failure(
            self._open_failed
        ).start()

    def _opened(self, info: StoreInfo | None, code: str | None = None) -> None:
        assert self.session is not None
        self.store = self.session.store
        if info is None:
            # Signed in to a store whose first run never finished.
            self._wizard()
        else:
            self._main(info, code)

    def _wizard(self) -> None:
        from jsxclient.ui.first_run import FirstRunDialog  # only on the first run

        self.wizard = FirstRunDialog(self.tasks, self.store_path)
        self.wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.wizard.accepted.connect(self._wizard_done)
        self.wizard.rejected.connect(lambda: QApplication.quit())
        self.wizard.language_changed.connect(self._wizard_language)
        self.wizard.show()

    def _wizard_language(self, language: str) -> None:
        self.settings.set("ui/language", language)
        i18n.install(language)
        old = self.wizard
        if old is not None:
            old.rejected.disconnect()
            old.close()
        self._wizard()

    def _wizard_done(self) -> None:
        assert self.wizard is not None
        info, session, code = self.wizard.info, self.wizard.session, self.wizard.recovery_code
        self.wizard = None
        if info is not None and session is not None:
            self.session = session
            self.store = session.store
            self._main(info, code)

    def _main(self, info: StoreInfo, code: str | None = None) -> None:
        assert self.session is not None
        self.store = self.session.store
        self.ctx = AppContext(
            store=self.store,
            tasks=self.tasks,
            settings=self.settings,
            bus=DataBus(),
            township=info.township,
            township_name=info.township_name,
            places=info.places,
            demo=info.demo,
        )
        self.controller = SyncController(self.ctx)
        self.window = MainWindow(self.ctx, self.controller, session=self.session)
        self.window.sign_out_requested.connect(self.sign_out)
        self.window.start_fresh_requested.connect(self.start_fresh)
        self.window.lock_requested.connect(self.lock)
        self.window.closed.connect(self._window_closed)
        self.window.show()
        self.controller.refresh()
        self.idle = IdleWatcher(int(self.settings.get("security/idle_minutes")), self)
        self.idle.idle.connect(self.lock)
        self.settings.changed.connect(self._setting_changed)
        # The daily backup waits until the first screens have their data: the
        # database worker serves those first.
        QTimer.singleShot(AUTO_BACKUP_DELAY_MS, self.auto_backup)
        self.backup_timer.start()
        if code:
            dlg = RecoveryCodeDialog(code, self.window)
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dlg.open()
        if self.on_ready is not None:
            self.on_ready(self.window)

    def _window_closed(self) -> None:
        w = self.window
        if self.quit_when_closed and w is not None and not w.closing_for_sign_out:
            QApplication.quit()

    def _setting_changed(self, key: str) -> None:
        if key == "security/idle_minutes" and self.idle is not None:
            self.idle.set_minutes(int(self.settings.get(key)))

    def auto_backup(self) -> None:
        """The daily encrypted backup (14 kept), on the database worker."""
        store = self.store
        if store is None or store.db.key is None:
            return
        self.tasks.db(lambda job: maintenance.auto_backup(store)).on_failure(
            lambda exc: log.warning("automatic backup failed: %s", exc)
        ).start()

    # -- lock and sign out ------------------------------------------------------------

    def lock(self) -> None:
        """Hide every window behind the lock; forms stay as they are."""
        if self.session is None or self.lock_dialog is not None:
            return
        if self.idle is not None:
            self.idle.pause()
        self._hidden = [
            w for w in QApplication.topLevelWidgets() if w.isVisible() and not isinstance(w, QMenu)
        ]
        for w in self._hidden:
            w.hide()
        store, user = self.session.store, self.session.username
        self.tasks.db(lambda job: store.audit("lock", user)).start()
        self.lock_dialog = LockDialog(self.tasks, self.session)
        self.lock_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.lock_dialog.unlocked.connect(self._unlocked)
        self.lock_dialog.sign_out.connect(self.sign_out)
        self.lock_dialog.show()

    def _unlocked(self) -> None:
        self.lock_dialog = None
        for w in self._hidden:
            if shiboken6.isValid(w):
                w.show()
        self._hidden = []
        if self.idle is not None:
            self.idle.resume()

    def start_fresh(self) -> None:
        """Demo data set aside (never deleted), then the first run again."""
        if self.ctx is None or not self.ctx.demo:
            return
        self.sign_out(then=self._set_aside)

    def _set_aside(self) -> None:
        try:
            maintenance.set_aside_demo(self.store_path)
        except OSError as exc:
            errors.show(exc, None, QApplication.translate("AppShell", "开始正式使用"))
            self._login()
            return
        self._wizard()

    def sign_out(self, then: Callable[[], None] | None = None) -> None:
        """Close the session: open forms are discarded, the store is closed,
        the login shows again (or `then` runs)."""
        from jsxclient.ui.forms.form import RecordForm

        self.lock_dialog = None
        self._hidden = []
        if self.idle is not None:
            self.idle.stop()
            self.idle = None
        self.backup_timer.stop()
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        for w in QApplication.topLevelWidgets():
            if isinstance(w, RecordForm):
                w.discard_changes()
                w.close()
        session = self.session
        if self.window is not None:
            self.window.closing_for_sign_out = True
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.ctx = None
        self.session = None
        self.store = None
        if session is not None:

            def close(job: Any) -> None:
                session.store.close()

            def audit_and_close(job: Any) -> None:
                session.store.audit("logout", session.username)
                close(job)

            after = then or self._login

            def close_db(_r: object) -> None:
                self.tasks.db(audit_and_close).on_success(lambda _r2: after()).start()

            # Both workers' connections closed before `after` (files may move).
            self.tasks.net(close).on_success(close_db).start()
        else:
            (then or self._login)()

    def _open_failed(self, exc: BaseException) -> None:
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QApplication.translate("AppShell", "无法打开数据"))
        box.setText(errors.message(exc))
        box.exec()
        QApplication.exit(1)

    def shutdown(self) -> None:
        if self.idle is not None:
            self.idle.stop()
        self.backup_timer.stop()
        if self.controller is not None:
            self.controller.stop()
        self.tasks.shutdown()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    log.error("uncaught", exc_info=(kind, exc, tb))
    if QApplication.instance() is not None:
        errors.crash(exc)


def run_app(
    store_path: Path,
    on_ready: Ready | None = None,
    settings_path: Path | None = None,
    session: vault.Session | None = None,
) -> int:
    """The desktop app; `session` skips the login (benchmarks and tools that
    have unlocked the store themselves)."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("jsxclient")
    app.setOrganizationName("hnjsx")
    store_path = Path(store_path)
    errors.LOG_FILE = _logging(store_path.parent)
    settings = Settings(settings_path or store_path.parent / "jsxclient-ui.ini")
    i18n.install(str(settings.get("ui/language")))
    styles.apply(app)
    sys.excepthook = _excepthook
    app.setQuitOnLastWindowClosed(False)
    shell = AppShell(store_path, settings, on_ready, session, quit_when_closed=True)
    shell.start()
    try:
        return int(app.exec())
    finally:
        shell.shutdown()
