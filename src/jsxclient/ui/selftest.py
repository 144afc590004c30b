"""The Qt half of the self-test (jsxclient.selftest): translations, icons,
fonts, printing to PDF, and the main window with every page on a temporary
store.

Windows are created with `WA_DontShowOnScreen`: real platform windows that
never appear, so the check can run on a worker's PC; on Linux without a
display the offscreen platform is used.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from jsxclient.selftest import Context


def _fail(what: str) -> None:
    from jsxclient.selftest import CheckFailed

    raise CheckFailed(what)


def application() -> QApplication:
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    return app


def wait_until(done: Callable[[], bool], seconds: float = 30) -> bool:
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents()
        time.sleep(0.005)
    return True


def check_translations(ctx: Context) -> str:
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

    from jsxclient.ui import i18n

    application()
    try:
        if not i18n.install("en"):
            _fail("jsxclient_en.qm did not load")
        sync = QCoreApplication.translate("MainWindow", "同步")
        if sync != "Sync":
            _fail(f"English text missing (同步 -> {sync!r})")
    finally:
        i18n.install("zh_CN")
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_zh_CN", path):
        _fail(f"Qt's own Chinese (qtbase_zh_CN) is not in {path}")
    return "English catalogue, qtbase_zh_CN"


def check_icons(ctx: Context) -> str:
    from PySide6.QtGui import QIcon, QPixmap

    application()
    icon = resources.files("jsxclient.resources.icons").joinpath("jsxclient.png")
    if QIcon(str(icon)).isNull():
        _fail(f"window icon {icon} does not load")
    styles = resources.files("jsxclient.resources.styles")
    images = [p for p in styles.iterdir() if p.name.endswith(".png")]
    broken = [p.name for p in images if QPixmap(str(p)).isNull()]
    if broken or not images:
        _fail(f"style images do not load: {broken or 'none found'}")
    return f"window icon, {len(images)} style images"


def check_fonts(ctx: Context) -> str:
    from PySide6.QtGui import QFontDatabase, QFontInfo

    from jsxclient.ui import styles

    app = application()
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not chinese:
        _fail("no font with Chinese characters")
    styles.apply(app)
    return f"{QFontInfo(app.font()).family()}; {len(chinese)} Chinese families"


def check_printing(ctx: Context) -> str:
    """A register as the app prints it, saved as PDF (Qt's print support)."""
    from jsxclient.ui import printing

    application()
    path = ctx.folder / "register.pdf"
    printing.save_pdf("<h1>会员花名册</h1><table><tr><td>张秀英</td></tr></table>", path)
    if not path.is_file() or not path.read_bytes().startswith(b"%PDF"):
        _fail("no PDF written")
    return f"PDF {path.stat().st_size:,} bytes, font {printing.cjk_font() or 'default'}"


def check_main_window(ctx: Context) -> str:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from jsxclient.store.store import Store
    from jsxclient.ui import errors
    from jsxclient.ui.context import AppContext, DataBus
    from jsxclient.ui.main_window import PAGES, MainWindow
    from jsxclient.ui.operations import setup
    from jsxclient.ui.settings import Settings
    from jsxclient.ui.sync_controller import SyncController
    from jsxclient.ui.tasks import TaskManager

    application()
    problems: list[BaseException] = []
    store = Store.open(ctx.store_path, user="selftest")
    info = setup.info(store)
    if info is None:
        store.close()
        _fail("the temporary store has no township")
        return ""
    tasks = TaskManager(
        db_exit=lambda: store.db.close(),
        net_exit=lambda: store.db.close(),
        unhandled=problems.append,
    )
    app_ctx = AppContext(
        store=store,
        tasks=tasks,
        settings=Settings(ctx.folder / "selftest-ui.ini"),
        bus=DataBus(),
        township=info.township,
        township_name=info.township_name,
        places=info.places,
    )
    controller = SyncController(app_ctx)
    window = MainWindow(app_ctx, controller)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    crashes = len(errors.CRASHES)
    try:
        t0 = time.perf_counter()
        window.show()
        controller.refresh()
        for row in range(len(PAGES)):
            window.nav.setCurrentRow(row)
            if not wait_until(lambda: tasks.idle):
                _fail(f"page {PAGES[row][0]} still loading after 30 s")
        window.show_about()
        if not wait_until(lambda: window.findChild(QMessageBox, "aboutBox") is not None):
            _fail("the About box did not open")
        elapsed = time.perf_counter() - t0
        if problems or len(errors.CRASHES) > crashes:
            _fail(f"errors while opening pages: {(problems or errors.CRASHES)[:2]}")
    finally:
        controller.stop()
        window.close()
        tasks.shutdown()
        store.close()
    return f"{len(PAGES)} pages and the About box in {elapsed:.1f} s"


CHECKS: list[tuple[str, Callable[[Context], str]]] = [
    ("translations", check_translations),
    ("icons", check_icons),
    ("fonts", check_fonts),
    ("printing", check_printing),
    ("main window", check_main_window),
]
