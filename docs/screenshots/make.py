"""Screenshots of every page of the main window and of the main forms, in
a real window on a 1366x768 screen, in Chinese and in English.

    .venv/bin/python docs/screenshots/make.py [--keep-store DIR]

Starts Xvfb (Debian: xvfb) with a 1366x768 screen, builds a demo store
(scale 1, 清水塘街道, about 5,000 members) and runs the app's widgets in a
real X11 window (QT_QPA_PLATFORM=xcb) the size of a maximised window on a
Windows laptop with that screen: 1366x768 less the taskbar (40 px) and the
title bar (31 px), so 1366x697 of window content. Each picture is taken
from the X server (what the screen shows), then shrunk with pngquant when
it is installed (Debian: pngquant). Needs a CJK font (fonts-noto-cjk).

Writes pages-<page>[-<tab>][-en].png and form-member[-en].png,
form-visit[-en].png here. The dialogs (conflict, recycle bin, first run
...) come from capture.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOWNSHIP = "430105003000"
SCREEN = (1366, 768)
# A maximised window's content on that screen (taskbar 40 px, title bar 31 px).
WINDOW = (1366, 768 - 40 - 31)
LANGUAGES = ("zh_CN", "en")


def build_store(path: Path) -> None:
    from jsxclient import demo
    from jsxclient.store.store import Store

    store = Store.open(path, user="demo")
    demo.generate(store, TOWNSHIP, scale=1.0, seed=3, today=date.today() - timedelta(days=20))
    store.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def free_display() -> int:
    for n in range(90, 140):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise SystemExit("no free X display number")


def driver(args: argparse.Namespace) -> int:
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is missing (Debian: apt-get install xvfb)")
    work = Path(args.keep_store or tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    template = work / "demo.db"
    if not template.exists():
        print("building the demo store …", flush=True)
        build_store(template)
    display = free_display()
    xvfb = subprocess.Popen(
        ["Xvfb", f":{display}", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"]
    )
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{display}").exists():
                break
            time.sleep(0.05)
        env = dict(os.environ, DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        written: list[Path] = []
        for lang in LANGUAGES:
            store = work / f"store-{lang}.db"
            shutil.copyfile(template, store)
            out = subprocess.run(
                [sys.executable, __file__, "--tour", lang, str(store)],
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
            written += [
                Path(line.split(" ", 1)[1])
                for line in out.splitlines()
                if line.startswith("saved ")
            ]
    finally:
        xvfb.terminate()
        xvfb.wait()
        if not args.keep_store:
            shutil.rmtree(work, ignore_errors=True)
    shrink(written)
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} pictures, {total / 1e6:.1f} MB")
    return 0


def shrink(paths: list[Path]) -> None:
    """A palette of 256 colours at most: the pictures are flat UI colours."""
    tool = shutil.which("pngquant")
    if tool is None:
        print("pngquant is missing (Debian: apt-get install pngquant): pictures left as they are")
        return
    for p in paths:
        subprocess.run(
            [
                tool,
                "--force",
                "--skip-if-larger",
                "--strip",
                "--quality",
                "70-95",
                "--ext",
                ".png",
                str(p),
            ],
            check=False,
        )


# -- the tour, in the child process under Xvfb -------------------------------------


def tour(lang: str, store_path: Path) -> int:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QSplitter, QTabWidget, QWidget

    from jsxclient.store.store import Store
    from jsxclient.ui import i18n, styles
    from jsxclient.ui.context import AppContext, DataBus
    from jsxclient.ui.main_window import PAGES, MainWindow
    from jsxclient.ui.operations import setup
    from jsxclient.ui.pages.list_page import ListPage
    from jsxclient.ui.settings import Settings
    from jsxclient.ui.sync_controller import SyncController
    from jsxclient.ui.tasks import TaskManager
    from jsxclient.ui.widgets import open_form

    app = QApplication([sys.argv[0]])
    suffix = "" if lang == "zh_CN" else "-en"
    i18n.install(lang)
    styles.apply(app)
    store = Store.open(store_path, user="demo")
    info = setup.info(store)
    assert info is not None
    tasks = TaskManager(db_exit=lambda: store.db.close())
    ctx = AppContext(
        store,
        tasks,
        Settings(store_path.with_suffix(".ini")),
        DataBus(),
        info.township,
        info.township_name,
        info.places,
    )

    def pump(ms: int = 300) -> None:
        for _ in range(400):
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if ctx.tasks.idle:
                break
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(w: QWidget, name: str) -> None:
        screen = w.screen()
        pixmap = screen.grabWindow(w.winId())
        path = HERE / f"{name}{suffix}.png"
        pixmap.save(str(path))
        print("saved", path, flush=True)

    controller = SyncController(ctx)
    win = MainWindow(ctx, controller)
    win.setGeometry(0, 31, *WINDOW)
    win.show()
    controller.refresh()
    pump(800)

    def pick_first(page: QWidget) -> None:
        """A list with a detail pane shows its first record's (one row chosen)."""
        if isinstance(page, ListPage) and page.findChild(QSplitter) is not None:
            page.table.selectRow(0)
            pump(500)

    for key, _zh in PAGES:
        page = win.show_page(key)
        pump(500)
        pick_first(page)
        # A page of tabs (sites and projects, statistics, sync): each tab.
        tabs = page if isinstance(page, QTabWidget) else getattr(page, "tabs", None)
        if isinstance(tabs, QTabWidget) and not isinstance(page, ListPage):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                pump(400)
                pick_first(tabs.currentWidget())
                save(win, f"pages-{key}" + (f"-{i + 1}" if i else ""))
            tabs.setCurrentIndex(0)
        else:
            save(win, f"pages-{key}")
    win.show_page("dashboard")
    pump()

    # The main forms, on records of the demo store.
    conn = store.db.connection()
    (member,) = conn.execute(
        "SELECT m.id FROM member m JOIN person p ON p.id = m.person_id "
        "WHERE m.deleted = 0 AND p.mobile IS NOT NULL ORDER BY m.id LIMIT 1"
    ).fetchone()
    form = open_form(ctx, win, "member", member)
    pump(600)
    save(form, "form-member")
    form.reject()
    pump()
    (visit,) = conn.execute(
        "SELECT id FROM carevisit WHERE deleted = 0 AND needs IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()
    form = open_form(ctx, win, "carevisit", visit)
    pump(600)
    save(form, "form-visit")
    form.reject()
    pump()
    controller.stop()
    tasks.shutdown()
    QCoreApplication.processEvents()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-store", help="folder for the demo store, kept for a next run")
    parser.add_argument("--tour", nargs=2, metavar=("LANG", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tour:
        return tour(args.tour[0], Path(args.tour[1]))
    return driver(args)


if __name__ == "__main__":
    sys.exit(main())
