"""Desktop entry point: `run_app(store_path, key)`.

Start-up opens (and migrates) the store on the database worker, then shows
the first-run wizard for a new store or the main window. The GUI thread
never touches the database.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from jsxclient.ui import errors, i18n, styles
from jsxclient.ui.context import AppContext, DataBus
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.operations import setup
from jsxclient.ui.operations.setup import StoreInfo
from jsxclient.ui.settings import Settings
from jsxclient.ui.sync_controller import SyncController
from jsxclient.ui.tasks import TaskManager

if TYPE_CHECKING:
    from jsxclient.store.store import Store
    from jsxclient.ui.first_run import FirstRunDialog

log = logging.getLogger("jsxclient.ui")

Ready = Callable[[MainWindow], None]


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
        root.addHandler(h)
        root.setLevel(logging.INFO)
    return path


class AppShell(QObject):
    """Owns the workers, the store and the top-level windows."""

    def __init__(
        self,
        store_path: Path,
        key: str | None,
        settings: Settings,
        on_ready: Ready | None = None,
    ) -> None:
        super().__init__()
        self.store_path = store_path
        self.key = key
        self.settings = settings
        self.on_ready = on_ready
        self.store: Store | None = None
        self.window: MainWindow | None = None
        self.wizard: FirstRunDialog | None = None
        self.controller: SyncController | None = None
        self.ctx: AppContext | None = None
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
        path, key = self.store_path, self.key

        def open_(job: Any) -> tuple[Store, StoreInfo | None]:
            store = setup.open_store(path, key)
            return store, setup.info(store)

        self.tasks.db(open_).on_success(self._opened).on_failure(self._open_failed).start()

    def _opened(self, result: tuple[Store, StoreInfo | None]) -> None:
        self.store, info = result
        if info is None:
            self._wizard()
        else:
            self._main(info)

    def _wizard(self) -> None:
        from jsxclient.ui.first_run import FirstRunDialog  # only on the first run

        assert self.store is not None
        self.wizard = FirstRunDialog(self.tasks, self.store)
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
        info = self.wizard.info
        self.wizard = None
        if info is not None:
            self._main(info)

    def _main(self, info: StoreInfo) -> None:
        assert self.store is not None
        self.ctx = AppContext(
            store=self.store,
            tasks=self.tasks,
            settings=self.settings,
            bus=DataBus(),
            township=info.township,
            township_name=info.township_name,
            places=info.places,
        )
        self.controller = SyncController(self.ctx)
        self.window = MainWindow(self.ctx, self.controller, self.key)
        self.window.show()
        self.controller.refresh()
        if self.on_ready is not None:
            self.on_ready(self.window)

    def _open_failed(self, exc: BaseException) -> None:
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QApplication.translate("AppShell", "无法打开数据"))
        box.setText(errors.message(exc))
        box.exec()
        QApplication.exit(1)

    def shutdown(self) -> None:
        if self.controller is not None:
            self.controller.stop()
        self.tasks.shutdown()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    log.error("uncaught", exc_info=(kind, exc, tb))
    if QApplication.instance() is not None:
        errors.crash(exc)


def run_app(
    store_path: Path,
    key: str | None,
    on_ready: Ready | None = None,
    settings_path: Path | None = None,
) -> int:
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
    shell = AppShell(store_path, key, settings, on_ready)
    shell.start()
    try:
        return int(app.exec())
    finally:
        shell.shutdown()
