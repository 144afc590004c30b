"""Capture the first pages of the monthly report's PDF (the 统计 page
itself comes from make.py).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/capture_reports.py [en]

Builds a demo store (scale 1, 清水塘街道); needs a CJK font (Debian:
fonts-noto-cjk) and pdftoppm (poppler-utils) for the PDF pages.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from jsxclient import demo
from jsxclient.store.store import Store
from jsxclient.ui import i18n, styles
from jsxclient.ui.context import AppContext, DataBus
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.operations import setup
from jsxclient.ui.settings import Settings
from jsxclient.ui.sync_controller import SyncController
from jsxclient.ui.tasks import TaskManager

sys.path.insert(0, str(Path(__file__).resolve().parent))
from capture import HERE, TOWNSHIP, pump


def main() -> int:
    app = QApplication(sys.argv)
    lang = sys.argv[1] if len(sys.argv) > 1 else "zh_CN"
    suffix = "" if lang == "zh_CN" else f"-{lang}"
    i18n.install(lang)
    styles.apply(app)
    tmp = Path(tempfile.mkdtemp())
    store = Store.open(tmp / "demo.db", user="demo")
    demo.generate(store, TOWNSHIP, scale=1.0, seed=3, today=date.today() - timedelta(days=1))
    info = setup.info(store)
    assert info is not None
    tasks = TaskManager(db_exit=lambda: store.db.close())
    ctx = AppContext(
        store, tasks, Settings(tmp / "ui.ini"), DataBus(), info.township, info.township_name,
        info.places,
    )  # fmt: skip
    controller = SyncController(ctx)
    win = MainWindow(ctx, controller)
    win.resize(1366, 728)  # as capture.py: a 1366x768 screen less the taskbar
    win.show()
    page = win.show_page("statistics")
    pump(app, ctx, 800)
    pdf = tmp / "report.pdf"
    page.save_pdf(pdf)  # type: ignore[attr-defined]
    for n in (1, 3):
        out = HERE / f"report-pdf-page{n}{suffix}"
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(n), "-l", str(n), pdf, out],
            check=True,
        )
        print("saved", out.with_suffix(".png"))
    controller.stop()
    tasks.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
