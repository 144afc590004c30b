"""The desktop's screens for issue 11's leftovers, against a real `jsxserver`
on 127.0.0.1: a family offered to another township from the transfers
dialog reaches the receiving township, whose worker accepts it in the same
dialog and pulls it in; a role that may not move records sees the actions
disabled, with the reason, and the client refuses it before any request;
the township administrator makes the escrow key from the settings dialog,
a worker cannot."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from jsxclient.security import vault
from jsxclient.store.queries.pickers import Choice, find_destinations
from jsxclient.store.store import Forbidden
from jsxclient.sync import account, scope
from jsxclient.ui import errors, i18n
from jsxclient.ui.context import AppContext, DataBus
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.operations import escrow as escrow_ops
from jsxclient.ui.operations import scope as scope_ops
from jsxclient.ui.operations import setup
from jsxclient.ui.pages.settings_page import SettingsPage
from jsxclient.ui.security_dialogs import AccountsDialog, EscrowKeyDialog
from jsxclient.ui.settings import Settings
from jsxclient.ui.sync_controller import SyncController
from jsxclient.ui.tasks import TaskManager
from jsxclient.ui.transfers_dialog import OfferTransferDialog, TransfersDialog
from tests.e2e.harness import Device, ServerProcess, make_client_template, make_server_template

from .conftest import settle
from .helpers import one

PASSPHRASE = "Escr0w-Passphrase!"

MakeCtx = Callable[[Device, str], AppContext]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    d = tmp_path_factory.mktemp("scope-ui-server")
    make_server_template(d / "server.db")
    srv = ServerProcess(f"sqlite:///{d / 'server.db'}", d / "server.log").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scope-ui-client") / "client.db"
    make_client_template(path)
    return path


@pytest.fixture
def devices(
    server: ServerProcess, template: Path, tmp_path: Path
) -> Iterator[Callable[[str, str], Device]]:
    made: list[Device] = []

    def make(division: str, role: str) -> Device:
        user = server.make_user(division, role=role)
        d = Device(tmp_path / f"d{len(made)}.db", template, server, user, f"pc-{len(made)}")
        # As the vault opens it for this account: its role decides.
        d.store.role = role
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()


@pytest.fixture
def make_ctx(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeCtx]:
    i18n.install("zh_CN")
    errors.CRASHES.clear()
    made: list[AppContext] = []

    def make(device: Device, lang: str = "zh_CN") -> AppContext:
        i18n.install(lang)
        store = device.store
        info = setup.info(store)
        assert info is not None
        tasks = TaskManager(
            db_exit=store.db.close,
            net_exit=store.db.close,
            unhandled=lambda exc: errors.crash(exc),
        )
        c = AppContext(
            store=store,
            tasks=tasks,
            settings=Settings(tmp_path / f"ui{len(made)}.ini"),
            bus=DataBus(),
            township=info.township,
            township_name=info.township_name,
            places=info.places,
        )
        made.append(c)
        return c

    yield make
    try:
        for c in made:
            settle(qtbot, c)
    finally:
        for c in made:
            c.tasks.shutdown()
        i18n.install("zh_CN")
    assert not errors.CRASHES, errors.CRASHES


def _family(dev: Device, village: str, head_name: str) -> str:
    with dev.store.transaction() as tx:
        head = tx.insert("person", {"name": head_name, "sex": "2", "division_code": village})
        fam = tx.insert(
            "specialfamily",
            {"division_code": village, "category": "bereaved", "head_person_id": head},
        )
        tx.insert(
            "familymember",
            {"division_code": village, "family_id": fam, "person_id": head, "relation": "10"},
        )
    return fam


D = TypeVar("D", bound=QDialog)


def _shown(qtbot: QtBot, ctx: AppContext, dlg: D) -> D:
    """`dlg` on screen with what it loads on the workers in."""
    qtbot.addWidget(dlg)
    dlg.show()
    settle(qtbot, ctx)
    return dlg


def _confirm(qtbot: QtBot, text: str) -> None:
    """Click `text` in the transfer confirmation box."""
    boxes: list[QMessageBox] = []

    def shown() -> bool:
        boxes[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "confirmTransfer" and w.isVisible()
        ]
        return bool(boxes)

    qtbot.waitUntil(shown)
    (yes,) = [b for b in boxes[0].buttons() if b.text() == text]
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)


def test_a_family_offered_from_the_dialog_reaches_the_other_township(
    qtbot: QtBot, server: ServerProcess, devices: Callable[[str, str], Device], make_ctx: MakeCtx
) -> None:
    t1, v1 = server.fresh_township()
    t2, v2 = server.fresh_township()
    a = devices(t1, "township_worker")
    c = devices(t2, "township_worker")
    fam = _family(a, v1[0], "冯母")
    a.sync()
    c.sync()

    # Township 1: the worker offers the family from the transfers dialog.
    ctx_a = make_ctx(a, "zh_CN")
    dlg = _shown(qtbot, ctx_a, TransfersDialog(ctx_a))
    assert dlg.offer_button.isEnabled()
    assert not dlg.notice.isVisible()
    offer = dlg.offer()
    assert isinstance(offer, OfferTransferDialog)
    offer.family.set_value(fam)
    offer._family_changed()
    settle(qtbot, ctx_a)
    assert offer.family.text() == "冯母"
    assert "3 条记录" in offer.moves.text()  # person, family, member
    assert not offer.ok.isEnabled()  # no destination yet
    qtbot.keyClicks(offer.search, v2[0])
    settle(qtbot, ctx_a)
    assert offer.destination.currentData() == v2[0]
    offer.note.setText("户籍迁移")
    assert offer.ok.isEnabled()
    qtbot.mouseClick(offer.ok, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx_a)
    assert not shiboken6.isValid(offer)  # closed (and deleted) once sent
    assert "等待接收乡镇确认" in dlg.message.text()
    assert dlg.tabs.currentIndex() == 1
    assert dlg.outgoing.rowCount() == 1
    assert dlg.outgoing.item(0, 1).text() == "待接收"
    assert dlg.outgoing.item(0, 4).text() == "冯母"
    a.sync()
    assert a.get("specialfamily", fam) is not None  # nothing moves before C accepts

    # Township 2: the worker sees it incoming, accepts, the next sync brings it.
    ctx_c = make_ctx(c, "zh_CN")
    dlg_c = _shown(qtbot, ctx_c, TransfersDialog(ctx_c))
    assert dlg_c.incoming.rowCount() == 1
    assert dlg_c.incoming.item(0, 4).text() == "冯母"
    assert dlg_c.incoming.item(0, 8).text() == "户籍迁移"
    assert not dlg_c.accept_button.isEnabled()  # nothing selected
    dlg_c.incoming.selectRow(0)
    assert dlg_c.accept_button.isEnabled() and dlg_c.refuse_button.isEnabled()
    qtbot.mouseClick(dlg_c.accept_button, Qt.MouseButton.LeftButton)
    _confirm(qtbot, "接收")
    settle(qtbot, ctx_c)
    assert "已接收迁移" in dlg_c.message.text()
    assert dlg_c.incoming.rowCount() == 0  # pending ones only
    c.sync()
    got = c.get("specialfamily", fam)
    assert got is not None and got["division_code"] == v2[0]
    a.sync()
    assert a.get("specialfamily", fam) is None
    # Decided transfers are listed on request.
    dlg_c.all.setChecked(True)
    settle(qtbot, ctx_c)
    assert [dlg_c.incoming.item(r, 1).text() for r in range(dlg_c.incoming.rowCount())] == [
        "已接收"
    ]


def test_the_sender_cancels_and_the_dialog_speaks_english(
    qtbot: QtBot, server: ServerProcess, devices: Callable[[str, str], Device], make_ctx: MakeCtx
) -> None:
    t1, v1 = server.fresh_township()
    _t2, v2 = server.fresh_township()
    a = devices(t1, "township_admin")
    fam = _family(a, v1[0], "冯父")
    a.sync()
    info = scope.offer_family(a.store, a.transport, fam, v2[0])
    ctx_a = make_ctx(a, "en")
    dlg = _shown(qtbot, ctx_a, TransfersDialog(ctx_a))
    dlg.tabs.setCurrentIndex(1)
    assert dlg.outgoing.rowCount() == 1
    assert dlg.outgoing.item(0, 1).text() == "Awaiting acceptance"
    assert not dlg.accept_button.isVisible() and dlg.cancel_button.isVisible()
    dlg.outgoing.selectRow(0)
    qtbot.mouseClick(dlg.cancel_button, Qt.MouseButton.LeftButton)
    _confirm(qtbot, "Cancel the offer")
    settle(qtbot, ctx_a)
    assert dlg.message.text() == f"Transfer offer {info.id} cancelled."
    listing = scope.transfers(a.transport, pending=False)
    assert [t.status for t in listing.outgoing if t.id == info.id] == ["cancelled"]
    # A second decision on it: the server's refusal, in English.
    dlg._decide(info.id, False)
    settle(qtbot, ctx_a)
    assert dlg.message.text() == "This transfer has already been decided"


def test_a_read_only_viewer_sees_transfers_but_cannot_decide(
    qtbot: QtBot, server: ServerProcess, devices: Callable[[str, str], Device], make_ctx: MakeCtx
) -> None:
    t1, v1 = server.fresh_township()
    t2, v2 = server.fresh_township()
    a = devices(t1, "township_worker")
    viewer = devices(t2, "read_only")
    fam = _family(a, v1[0], "冯叔")
    a.sync()
    info = scope.offer_family(a.store, a.transport, fam, v2[0])

    ctx_v = make_ctx(viewer, "zh_CN")
    dlg = _shown(qtbot, ctx_v, TransfersDialog(ctx_v))
    assert dlg.incoming.rowCount() == 1  # may look
    dlg.incoming.selectRow(0)
    for b in (dlg.offer_button, dlg.accept_button, dlg.refuse_button):
        assert not b.isEnabled()
        assert "无权迁移记录" in b.toolTip()
    assert dlg.notice.isVisible() and "只读用户" in dlg.notice.text()
    # The offer dialog says why and keeps its button off.
    offer = dlg.offer()
    settle(qtbot, ctx_v)
    assert "无权迁移记录" in offer.message.text()
    assert not offer.ok.isEnabled()
    offer.reject()
    # The client's own check, before any request: the offer stays pending.
    with pytest.raises(Forbidden) as exc:
        scope_ops.accept(viewer.store, info.id)
    assert exc.value.code == "transfer.forbidden"
    with pytest.raises(Forbidden):
        scope.refuse(viewer.store, viewer.transport, info.id)
    assert [t.status for t in scope.transfers(a.transport).outgoing if t.id == info.id] == [
        "pending"
    ]


def test_destinations_are_other_townships_only(
    server: ServerProcess, devices: Callable[[str, str], Device]
) -> None:
    t1, v1 = server.fresh_township()
    a = devices(t1, "township_worker")
    conn = a.store.db.connection()
    own = find_destinations(conn, v1[0], t1)
    assert own == []
    (name,) = conn.execute("SELECT name FROM division WHERE code=?", (v1[1],)).fetchone()
    (town,) = conn.execute("SELECT name FROM division WHERE code=?", (t1,)).fetchone()
    # Terms match the village with its township and county names.
    others = find_destinations(conn, f"{town} {name}", None)
    assert v1[1] in {c.id for c in others}
    assert next(c for c in others if c.id == v1[1]).detail.endswith(town)
    assert find_destinations(conn, f"{town} {name}", t1) == []
    assert all(
        isinstance(c, Choice) and c.id[:9] != t1[:9] for c in find_destinations(conn, name, t1)
    )


def test_the_township_administrator_makes_the_escrow_key(
    qtbot: QtBot, server: ServerProcess, devices: Callable[[str, str], Device], make_ctx: MakeCtx
) -> None:
    t1, _v1 = server.fresh_township()
    admin = devices(t1, "township_admin")
    ctx = make_ctx(admin, "zh_CN")
    dlg = _shown(qtbot, ctx, EscrowKeyDialog(ctx))
    assert dlg.current.text() == "本乡镇还没有托管密钥。"
    assert dlg.ok.isEnabled()
    # A weak passphrase is refused with the rule, nothing registered.
    dlg.passphrase.setText("short")
    dlg.passphrase2.setText("short")
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert "8" in dlg.message.text()
    assert account.township_key_id(admin.store) is None
    dlg.passphrase.setText(PASSPHRASE)
    dlg.passphrase2.setText(PASSPHRASE + "x")
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    assert dlg.message.text() == "两次输入的托管口令不一致"
    dlg.passphrase2.setText(PASSPHRASE)
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    key_id = account.township_key_id(admin.store)
    assert key_id is not None
    assert f"第 {key_id} 号" in dlg.message.text()
    assert f"第 {key_id} 号" in dlg.current.text()
    assert dlg.passphrase.text() == ""
    # What the township's devices seal their data keys to from now on.
    worker = devices(t1, "township_worker")
    assert escrow_ops.escrow_key_id(worker.store) == key_id


def test_a_worker_cannot_make_the_escrow_key(
    qtbot: QtBot, server: ServerProcess, devices: Callable[[str, str], Device], make_ctx: MakeCtx
) -> None:
    t1, _v1 = server.fresh_township()
    worker = devices(t1, "township_worker")
    ctx = make_ctx(worker, "en")
    dlg = _shown(qtbot, ctx, EscrowKeyDialog(ctx))
    assert not dlg.ok.isEnabled()
    assert dlg.message.text() == (
        "This account (Data-entry worker) may not set the township's escrow key"
    )
    with pytest.raises(Forbidden):
        account.make_township_key(worker.store, PASSPHRASE)
    # The server agrees (its own check, asked without the client's).
    worker.store.role = None
    with pytest.raises(Exception) as exc:
        account.make_township_key(worker.store, PASSPHRASE)
    assert getattr(exc.value, "code", "") == "escrow.forbidden"


# -- without a server: the demo store, never connected -------------------------


@pytest.fixture
def gui_thread_reads(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The store connections asked for on the GUI thread from now on."""
    seen: list[str] = []
    db = ctx.store.db
    real = db.connection

    def connection() -> Any:
        if threading.current_thread() is threading.main_thread():
            seen.append("".join(traceback.format_stack(limit=6)))
        return real()

    monkeypatch.setattr(db, "connection", connection)
    return seen


def test_the_dialogs_say_a_store_must_be_connected(
    qtbot: QtBot, ctx: AppContext, gui_thread_reads: list[str]
) -> None:
    dlg = _shown(qtbot, ctx, TransfersDialog(ctx))
    assert "尚未连接服务器" in dlg.notice.text()
    for b in (dlg.offer_button, dlg.accept_button, dlg.refuse_button, dlg.refresh_button):
        assert not b.isEnabled()
    esc = _shown(qtbot, ctx, EscrowKeyDialog(ctx))
    assert "尚未连接服务器" in esc.current.text()
    assert not esc.ok.isEnabled()
    assert gui_thread_reads == []


def test_the_accounts_dialog_reads_the_store_on_the_worker(
    qtbot: QtBot, ctx: AppContext, gui_thread_reads: list[str]
) -> None:
    session, _code = vault.migrate_plain(ctx.store.db.path, "admin", "Passw0rd!x")
    try:
        dlg = AccountsDialog(ctx, session)
        qtbot.addWidget(dlg)
        add = dlg.buttons["addColleague"]
        assert dlg.local is None and not add.isEnabled()
        dlg.show()
        settle(qtbot, ctx)
        # A store never connected: the role of a colleague is chosen here.
        assert dlg.local is True and add.isEnabled()
        assert dlg.new_role.isVisible()
        assert dlg.table.rowCount() >= 1
        assert gui_thread_reads == []
    finally:
        settle(qtbot, ctx)
        session.close()


@pytest.mark.parametrize(
    ("role", "enabled"), [("township_admin", True), ("township_worker", False)]
)
def test_the_escrow_button_follows_the_role(
    qtbot: QtBot, ctx: AppContext, role: str, enabled: bool
) -> None:
    ctx.store.role = role
    controller = SyncController(ctx)
    page = SettingsPage(ctx, controller)
    qtbot.addWidget(page)
    assert page.escrow_button.isEnabled() is enabled
    if not enabled:
        assert page.escrow_button.toolTip() == "当前账号（乡镇录入员）无权设置本乡镇的托管密钥"
    settle(qtbot, ctx)
    controller.stop()


@pytest.mark.parametrize(("role", "enabled"), [(None, True), ("read_only", False)])
def test_the_family_page_offers_the_family_it_shows(
    qtbot: QtBot, ctx: AppContext, role: str | None, enabled: bool
) -> None:
    ctx.store.role = role
    controller = SyncController(ctx)
    window = MainWindow(ctx, controller)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("families")
    settle(qtbot, ctx)
    fid = one(ctx.store, "SELECT id FROM specialfamily WHERE deleted = 0 LIMIT 1")
    window.open_family(fid)
    settle(qtbot, ctx)
    detail = page.family_detail  # type: ignore[attr-defined]
    assert detail.move_button.isEnabled() is enabled
    if enabled:
        dlg = detail._move()
        assert isinstance(dlg, OfferTransferDialog)
        settle(qtbot, ctx)
        assert dlg.family.value() == fid and dlg.family.text()
        assert "条记录" in dlg.moves.text()
        # Never connected (demo data): it says so and sends nothing.
        assert "尚未连接服务器" in dlg.message.text()
        assert not dlg.ok.isEnabled()
        dlg.reject()
    controller.stop()
