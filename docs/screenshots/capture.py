"""Capture the documentation's pictures of dialogs and moments (a search
typed, a form's messages, a conflict, the recycle bin, the first run) with
the real widgets.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/capture.py [en]

Builds a demo store (scale 1, 清水塘街道) in a temporary folder, opens the
main window at 1366x728 and saves PNGs here (shrunk with pngquant when it
is installed). Needs a CJK font (Debian: fonts-noto-cjk). The pictures of
every page and of the main forms, in a real window, come from make.py.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from jsxclient import demo
from jsxclient.store.store import Store, now_text
from jsxclient.ui import i18n, styles
from jsxclient.ui.conflict_dialog import ConflictDialog
from jsxclient.ui.context import AppContext, DataBus
from jsxclient.ui.forms.form import RecordForm
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.operations import setup
from jsxclient.ui.settings import Settings
from jsxclient.ui.sync_controller import SyncController
from jsxclient.ui.tasks import TaskManager

HERE = Path(__file__).resolve().parent
TOWNSHIP = "430105003000"


def pump(app: QApplication, ctx: AppContext, ms: int = 300) -> None:
    """Let tasks finish and the widgets repaint."""
    for _ in range(200):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if ctx.tasks.idle:
            break
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(w: QWidget, name: str) -> None:
    from make import shrink

    path = HERE / name
    w.grab().save(str(path))
    shrink([path])
    print("saved", path)


def make_conflict(store: Store) -> tuple[str, str]:
    """A conflict as the sync engine records one (for the dialog's picture)."""
    conn = store.db.connection()
    pid, name = conn.execute(
        "SELECT p.id, p.name FROM member m JOIN person p ON p.id = m.person_id LIMIT 1"
    ).fetchone()
    row = store.get("person", pid)
    assert row is not None
    rows = [
        ("mobile", row["mobile"], "13907310001", "13874120088", "theirs"),
        ("address", row["address"], "清水塘街道北正街12号", "清水塘街道北正街12号3栋", "theirs"),
        ("education", row["education"], "61", "71", "mine"),
    ]
    for field, base, mine, theirs, winner in rows:
        conn.execute(
            "INSERT INTO conflict(entity, row_id, field, base, mine, theirs, winner, mine_hlc, "
            "theirs_hlc, theirs_device, created_at) VALUES ('person', ?, ?, ?, ?, ?, ?, '', '', "
            "'device-b', ?)",
            (
                pid,
                field,
                json.dumps(base),
                json.dumps(mine),
                json.dumps(theirs),
                winner,
                now_text(),
            ),
        )
    return pid, name


def main() -> int:
    app = QApplication(sys.argv)
    lang = sys.argv[1] if len(sys.argv) > 1 else "zh_CN"
    suffix = "" if lang == "zh_CN" else f"-{lang}"
    i18n.install(lang)
    styles.apply(app)
    tmp = Path(tempfile.mkdtemp())
    store = Store.open(tmp / "demo.db", user="demo")
    demo.generate(store, TOWNSHIP, scale=1.0, seed=3, today=date.today() - timedelta(days=20))
    make_conflict(store)
    info = setup.info(store)
    assert info is not None
    tasks = TaskManager(db_exit=lambda: store.db.close())
    ctx = AppContext(
        store,
        tasks,
        Settings(tmp / "ui.ini"),
        DataBus(),
        info.township,
        info.township_name,
        info.places,
    )
    controller = SyncController(ctx)
    win = MainWindow(ctx, controller)
    # 1366×768 less the Windows taskbar: the office PCs' screens.
    win.resize(1366, 728)
    win.show()
    controller.refresh()
    pump(app, ctx, 600)

    page = win.show_page("members")
    pump(app, ctx)
    search = page.search  # type: ignore[attr-defined]
    search.setText("zh")
    pump(app, ctx, 500)
    save(win, f"members{suffix}.png")

    form = RecordForm(ctx, "member", None, {}, win)
    form.show()
    pump(app, ctx)
    form.editors[("person", "name")].setText("王秀兰")
    form.editors[("person", "id_number")].setText("43010519650302002")
    form.editors[("person", "mobile")].setText("1390731")
    form._touched.update(form.editors)
    form.save()
    pump(app, ctx, 500)
    save(form, f"form-validation{suffix}.png")
    form._original = {}
    form.done(0)

    win.show_page("sync")
    pump(app, ctx, 500)
    sync_page = win.pages["sync"]
    dlg = sync_page.resolve_row(0)  # type: ignore[attr-defined]
    assert isinstance(dlg, ConflictDialog)
    pump(app, ctx, 400)
    save(dlg, f"conflict{suffix}.png")
    dlg.reject()

    from jsxclient.ui.recycle_bin import RecycleBin
    from jsxclient.ui.shortcuts import ShortcutsDialog

    keys = ShortcutsDialog(win)
    keys.show()
    pump(app, ctx, 300)
    save(keys, f"shortcuts{suffix}.png")
    keys.close()
    conn = store.db.connection()
    with store.transaction() as tx:
        for entity in ("member", "carevisit"):
            (rid,) = conn.execute(f"SELECT id FROM {entity} WHERE deleted = 0 LIMIT 1").fetchone()
            tx.delete(entity, rid)
    trash = RecycleBin(ctx, win)
    trash.show()
    pump(app, ctx, 400)
    save(trash, f"recycle-bin{suffix}.png")
    trash.close()

    from jsxclient.ui.first_run import FirstRunDialog

    other = Store.open(tmp / "new.db", user="demo")
    wizard = FirstRunDialog(tasks, other)
    wizard.show()
    wizard._go_demo()
    assert wizard.picker is not None
    for _ in range(600):  # the divisions read (on a busy worker, a while)
        if wizard.picker.model.rowCount():
            break
        pump(app, ctx, 50)
    wizard.picker.search.setText("qst")
    pump(app, ctx, 300)
    save(wizard, f"first-run{suffix}.png")
    wizard.close()
    controller.stop()
    tasks.shutdown()
    QCoreApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
