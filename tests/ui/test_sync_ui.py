"""The sync page without a server: conflicts resolved in the dialog become
new changes; refused changes are listed, opened and resent; the status bar
says what is waiting."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from jsxclient.store import journal as jr
from jsxclient.store.store import Store
from jsxclient.ui.conflict_dialog import ConflictDialog
from jsxclient.ui.connect_dialog import ConnectDialog
from jsxclient.ui.context import AppContext
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.sync_page import SyncPage

from .conftest import settle
from .helpers import one


def make_conflict(store: Store) -> tuple[str, str, str, str]:
    """What a pull leaves behind when the server's newer edit won: the row
    holds their value, the conflict keeps both."""
    pid, name, base = one(
        store,
        "SELECT p.id, p.name, p.mobile FROM person p JOIN member m ON m.person_id = p.id "
        "WHERE p.mobile IS NOT NULL LIMIT 1",
    )
    mine, theirs = "13907310001", "13874120088"
    conn = store.db.connection()
    conn.execute(
        "UPDATE person SET mobile = ?, address = ?, sync_state = 'conflict' WHERE id = ?",
        (theirs, "北正街12号", pid),
    )
    jr.record_conflict(
        conn, ("person", pid), "mobile", base, mine, theirs, "theirs", "0001", "0002", "device-b"
    )
    jr.record_conflict(
        conn,
        ("person", pid),
        "address",
        None,
        "北正街12号",
        None,
        "mine",
        "0003",
        "0001",
        "device-b",
    )
    return pid, name, mine, theirs


def sync_page(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> SyncPage:
    page = window.show_page("sync")
    assert isinstance(page, SyncPage)
    settle(qtbot, ctx)
    return page


def test_conflict_resolved_in_the_dialog_becomes_a_change(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    pid, name, mine, theirs = make_conflict(ctx.store)
    page = sync_page(qtbot, ctx, window)
    page.refresh()
    settle(qtbot, ctx)
    assert page.conflict_table.rowCount() == 1
    assert page.conflict_table.item(0, 0).text() == name
    assert "手机号码" in page.conflict_table.item(0, 2).text()
    pending = ctx.store.pending_count()

    dlg = page.resolve_row(0)
    assert isinstance(dlg, ConflictDialog)  # a child of the window, deleted on close
    texts = [[dlg.table.item(r, c).text() for c in range(4)] for r in range(2)]
    assert texts[0][0] == "手机号码" and texts[0][2] == mine and texts[0][3] == theirs
    assert texts[1][0] == "家庭住址" and texts[1][3] == "—"
    mobile_id = next(f.id for f in dlg.group.fields if f.field == "mobile")
    assert dlg.choices()[mobile_id] == "theirs"  # the default: the newer edit
    qtbot.mouseClick(dlg.radios[mobile_id][0], Qt.MouseButton.LeftButton)  # keep mine
    with qtbot.waitSignal(dlg.accepted):
        qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)

    row = ctx.store.get("person", pid)
    assert row is not None and row["mobile"] == mine
    assert one(ctx.store, "SELECT count(*) FROM conflict WHERE resolved_at IS NULL") == 0
    assert one(ctx.store, "SELECT resolution FROM conflict WHERE field = 'mobile'") == "mine"
    assert ctx.store.pending_count() == pending + 1
    fields = json.loads(
        one(ctx.store, "SELECT fields FROM journal WHERE row_id = ? ORDER BY seq DESC LIMIT 1", pid)
    )
    assert fields == {"mobile": mine}
    qtbot.waitUntil(lambda: page.conflict_table.rowCount() == 0)


def test_refused_change_is_listed_opened_and_resent(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    store = ctx.store
    seq, row_id = one(
        store, "SELECT seq, row_id FROM journal WHERE entity = 'activity' ORDER BY seq LIMIT 1"
    )
    reason = {
        "code": "activity.title",
        "zh": "活动名称与已有活动重复",
        "en": "Duplicate title",
        "field": "title",
    }
    store.db.connection().execute(
        "UPDATE journal SET state = 'rejected', reason = ? WHERE seq = ?",
        (json.dumps(reason, ensure_ascii=False), seq),
    )
    page = sync_page(qtbot, ctx, window)
    page.refresh()
    settle(qtbot, ctx)
    assert page.rejected_table.rowCount() == 1
    assert "活动名称与已有活动重复" in page.rejected_table.item(0, 2).text()
    assert "活动名称" in page.rejected_table.item(0, 2).text()
    page.rejected_table.selectRow(0)
    qtbot.mouseClick(page.resend_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert (
        one(store, "SELECT state FROM journal WHERE row_id = ? ORDER BY seq LIMIT 1", row_id)
        == "pending"
    )
    qtbot.waitUntil(lambda: page.rejected_table.rowCount() == 0)


def test_status_bar_shows_pending_and_not_connected(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    ind = window.indicator
    pending = ctx.store.pending_count()
    qtbot.waitUntil(lambda: f"{pending:,}" in ind.pending.text())
    assert ind.state.text() == "未连接服务器"
    # Sync is offered anyway: it says why it cannot and offers to connect.
    assert ind.button.isEnabled()
    qtbot.mouseClick(ind.button, Qt.MouseButton.LeftButton)
    box = window.findChild(QMessageBox, "offerConnect")
    assert box is not None and box.isVisible() and "没有连接" in box.text()
    default = box.defaultButton()
    assert default is not None and default.text() == "连接服务器…"
    qtbot.mouseClick(default, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(ConnectDialog) is not None)
    dlg = window.findChild(ConnectDialog)
    assert dlg is not None and dlg.isVisible()
    dlg.reject()


def test_progress_appears_late_and_cancels(qtbot: QtBot, ctx: AppContext) -> None:
    """The task helper's dialog: nothing for quick work, a dialog with a
    working Cancel for slow work (STYLE rule 4)."""
    import threading

    from PySide6.QtWidgets import QApplication, QProgressDialog

    from jsxclient.ui.tasks import Cancelled

    def dialogs() -> list[QProgressDialog]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()
        ]

    quick = ctx.tasks.db(lambda job: 1).with_progress("quick").start()
    settle(qtbot, ctx)
    assert quick.done and not dialogs()

    started = threading.Event()
    failures: list[BaseException] = []

    def slow(job: object) -> None:
        started.set()
        for i in range(500):
            job.progress(i, 500, "working")  # type: ignore[attr-defined]
            job.check()  # type: ignore[attr-defined]
            threading.Event().wait(0.01)

    task = ctx.tasks.db(slow).with_progress("slow").on_failure(failures.append).start()
    qtbot.waitUntil(lambda: bool(dialogs()), timeout=3000)
    dlg = dialogs()[0]
    qtbot.waitUntil(lambda: dlg.value() > 0)
    from PySide6.QtWidgets import QPushButton

    qtbot.mouseClick(dlg.findChild(QPushButton), Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert task.done and isinstance(failures[0], Cancelled)
    assert not dialogs()
