"""Sync in view: the state the status bar shows, the Sync button's run
with late progress and cancel, automatic sync when the server is back, and
the optional day's-end reminder. Runs the engine on the network worker."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from jsxclient.sync.autosync import AutoSync
from jsxclient.ui import errors, i18n
from jsxclient.ui.context import ALL, AppContext
from jsxclient.ui.operations import sync as ops
from jsxclient.ui.operations.sync import SyncView

if TYPE_CHECKING:
    from jsxclient.store.journal import SyncReceipt

log = logging.getLogger(__name__)


class SyncController(QObject):
    view_changed = Signal(object)  # SyncView
    online_changed = Signal(object)  # True, False or None (not connected / unknown)
    running_changed = Signal(bool)
    finished = Signal(object)  # SyncReceipt or the exception
    reminder = Signal(int)  # pending changes at the reminder time
    connect_wanted = Signal()  # the worker asked to sync and agreed to connect first
    _reachable = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: SyncView | None = None
        self.online: bool | None = None
        self.running = False
        self.window: QWidget | None = None
        self._reminded_on = ""
        self._reachable.connect(self._server_back)
        self.auto = AutoSync(lambda: ops.reachable(self.ctx.store), self._reachable.emit)
        self.auto.start()
        self.probe_timer = QTimer(self)
        self.probe_timer.timeout.connect(self.probe)
        self.probe_timer.start(max(10, int(ctx.settings.get("sync/check_seconds"))) * 1000)
        self.reminder_timer = QTimer(self)
        self.reminder_timer.timeout.connect(self._check_reminder)
        self.reminder_timer.start(60_000)
        ctx.bus.changed.connect(lambda _c: self.refresh())

    def stop(self) -> None:
        self.probe_timer.stop()
        self.reminder_timer.stop()
        self.auto.stop(timeout=1.0)

    # -- state ----------------------------------------------------------------

    def refresh(self) -> None:
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: ops.view(store)).latest("sync-view").owned_by(
            self
        ).on_success(self._view).on_failure(lambda exc: log.warning("sync view: %s", exc)).start()

    def _view(self, v: SyncView) -> None:
        first = self.view is None
        self.view = v
        if not v.connected:
            self._set_online(None)
        elif first:
            self.probe()
        self.ctx.bus.sync_state.emit(v)
        self.view_changed.emit(v)

    def _set_online(self, online: bool | None) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)

    def probe(self) -> None:
        if self.view is None or not self.view.connected or self.running:
            return
        store = self.ctx.store
        self.ctx.tasks.net(lambda job: ops.reachable(store)).latest("probe").owned_by(
            self
        ).on_success(self._probed).on_failure(lambda exc: self._set_online(False)).start()

    def _probed(self, up: bool) -> None:
        was = self.online
        self._set_online(up)
        if not up:
            self.auto.notify_offline()
        elif was is False:
            self._server_back()

    def _server_back(self) -> None:
        self._set_online(True)
        v = self.view
        if (
            self.ctx.settings.get("sync/auto")
            and v is not None
            and v.connected
            and v.pending > 0
            and not self.running
        ):
            self.sync_now(quiet=True)

    # -- running --------------------------------------------------------------

    def sync_now(self, quiet: bool = False) -> None:
        if self.running:
            return
        if self.view is not None and not self.view.connected:
            if not quiet:
                self.offer_connect()
            return
        self.running = True
        self.running_changed.emit(True)
        store, lang = self.ctx.store, i18n.lang()
        task = self.ctx.tasks.net(lambda job: ops.run(store, job, lang)).owned_by(self)
        if not quiet:
            task.with_progress(self.tr("正在同步"), self.window)
        task.on_success(self._done).on_failure(self._failed).start()

    def _done(self, receipt: SyncReceipt) -> None:
        self.running = False
        self.running_changed.emit(False)
        self._set_online(True)
        self.auto.cancel()
        self.ctx.bus.emit_changed(ALL)
        self.finished.emit(receipt)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.running_changed.emit(False)
        k = getattr(exc, "kind", "")
        if k == "offline":
            self._set_online(False)
            self.auto.notify_offline()
        self.refresh()
        self.finished.emit(exc)
        from jsxclient.sync.errors import NotConnectedError

        if isinstance(exc, NotConnectedError):
            self.offer_connect()
            return
        errors.show(exc, self.window, self.tr("同步"))

    def offer_connect(self) -> None:
        """Sync asked for with no server connected: say so, offer to connect."""
        box = QMessageBox(self.window)
        box.setObjectName("offerConnect")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("同步"))
        box.setText(self.tr("本机还没有连接省级服务器，无法同步。修改已安全保存在本机。"))
        box.setInformativeText(
            self.tr("要现在连接服务器吗？需要县级管理员提供的服务器地址和账号。")
        )
        go = box.addButton(self.tr("连接服务器…"), QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton(self.tr("稍后"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        box.setEscapeButton(later)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(
            lambda _r: self.connect_wanted.emit() if box.clickedButton() is go else None
        )
        box.open()

    # -- day's end ------------------------------------------------------------

    def _check_reminder(self, now: datetime | None = None) -> None:
        s = self.ctx.settings
        if not s.get("sync/reminder") or self.view is None or not self.view.pending:
            return
        now = now or datetime.now()
        today = now.date().isoformat()
        if self._reminded_on == today:
            return
        at = str(s.get("sync/reminder_time") or "17:00")
        if now.strftime("%H:%M") >= at:
            self._reminded_on = today
            self.reminder.emit(self.view.pending)
