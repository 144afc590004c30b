"""Capture the duplicate persons' screenshots (the 重复人员 tab of 同步, the
merge review and a possible duplicate side by side).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/capture_duplicates.py [en]

A small demo store with one person registered on two devices (merged the
way a sync merges it, two fields to review) and two records without an ID
number that may be one person. Needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

from capture import TOWNSHIP, pump, save  # noqa: E402

from jsxclient import demo  # noqa: E402
from jsxclient.store.store import Store  # noqa: E402
from jsxclient.sync import duplicates  # noqa: E402
from jsxclient.ui import i18n, styles  # noqa: E402
from jsxclient.ui.context import AppContext, DataBus  # noqa: E402
from jsxclient.ui.main_window import MainWindow  # noqa: E402
from jsxclient.ui.operations import setup  # noqa: E402
from jsxclient.ui.pages.sync_page import SyncPage  # noqa: E402
from jsxclient.ui.settings import Settings  # noqa: E402
from jsxclient.ui.sync_controller import SyncController  # noqa: E402
from jsxclient.ui.tasks import TaskManager  # noqa: E402


def make_cases(store: Store) -> None:
    conn = store.db.connection()
    (kept_id,) = conn.execute(
        "SELECT p.id FROM person p JOIN member m ON m.person_id = p.id "
        "WHERE p.mobile IS NOT NULL AND p.id_number IS NOT NULL LIMIT 1"
    ).fetchone()
    kept = store.get("person", kept_id)
    assert kept is not None
    with store.transaction() as tx:
        copy = tx.insert(
            "person",
            {
                "name": f"{kept['name']}英",
                "sex": kept["sex"],
                "division_code": kept["division_code"],
                "mobile": "13907319999",
                "address": "新屋组3号",
            },
        )
    with store.transaction() as tx:
        duplicates.merge_into_registered(tx, copy, {**kept, "id": kept_id}, None)
    village, assoc = conn.execute("SELECT division_code, association_id FROM member").fetchone()
    same = {"name": "欧阳素梅", "birth_date": "1952-07-19", "division_code": village}
    with store.transaction() as tx:
        tx.insert("person", {**same, "sex": "2", "address": "新屋组3号", "education": "20"})
        b = tx.insert("person", {**same, "sex": "1", "mobile": "13607315555", "marital": "20"})
        tx.insert(
            "member",
            {"person_id": b, "association_id": assoc, "division_code": village,
             "joined_on": "2025-03-01"},
        )  # fmt: skip


def main() -> int:
    app = QApplication(sys.argv)
    lang = "en" if sys.argv[1:] == ["en"] else "zh_CN"
    suffix = "" if lang == "zh_CN" else "-en"
    i18n.install(lang)
    styles.apply(app)
    tmp = Path(tempfile.mkdtemp())
    store = Store.open(tmp / "demo.db", user="demo")
    demo.generate(store, TOWNSHIP, scale=0.1, seed=3)
    make_cases(store)
    info = setup.info(store)
    assert info is not None
    tasks = TaskManager(db_exit=lambda: store.db.close())
    ctx = AppContext(
        store, tasks, Settings(tmp / "ui.ini"), DataBus(), info.township, info.township_name,
        info.places,
    )  # fmt: skip
    controller = SyncController(ctx)
    win = MainWindow(ctx, controller)
    win.resize(1366, 728)
    win.show()
    controller.refresh()
    page = win.show_page("sync")
    assert isinstance(page, SyncPage)
    pump(app, ctx, 600)
    page.tabs.setCurrentWidget(page.duplicates)
    pump(app, ctx, 300)
    save(win, f"duplicates{suffix}.png")
    for row, c in enumerate(page.duplicates.listing.candidates):
        dlg = page.duplicates.open_row(row)
        assert dlg is not None
        pump(app, ctx, 300)
        save(dlg, f"merge-{c.kind}{suffix}.png")
        dlg.reject()
        pump(app, ctx)
    controller.stop()
    tasks.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
