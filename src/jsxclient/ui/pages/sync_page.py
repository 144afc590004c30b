"""同步: the state of sync, the receipts of past runs, changes the server
refused (open, fix, resend) and conflicts (resolved in a dialog)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.journal import RejectedChange, SyncReceipt
from jsxclient.store.queries.sync_views import ConflictGroup
from jsxclient.ui import errors, i18n
from jsxclient.ui.conflict_dialog import ConflictDialog, field_title
from jsxclient.ui.context import AppContext
from jsxclient.ui.duplicates_dialog import DuplicatesPanel
from jsxclient.ui.forms.layouts import LAYOUTS
from jsxclient.ui.i18n import QT_TRANSLATE_NOOP
from jsxclient.ui.operations import duplicates as dup_ops
from jsxclient.ui.operations import sync as ops
from jsxclient.ui.operations.duplicates import Listing
from jsxclient.ui.operations.sync import SyncView
from jsxclient.ui.sync_controller import SyncController
from jsxclient.ui.transfers_dialog import TransfersDialog
from jsxclient.ui.widgets import open_form
from jsxcore.entities import ENTITIES


def _table(headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setDefaultSectionSize(26)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def entity_name(entity: str) -> str:
    es = ENTITIES.get(entity)
    if es is None:
        return entity
    return es.en if i18n.lang() == "en" else es.zh


OUTCOMES = {
    "ok": QT_TRANSLATE_NOOP("SyncPage", "成功"),
    "rejected": QT_TRANSLATE_NOOP("SyncPage", "部分被拒绝"),
    "cancelled": QT_TRANSLATE_NOOP("SyncPage", "已取消"),
    "offline": QT_TRANSLATE_NOOP("SyncPage", "未连上服务器"),
    "auth": QT_TRANSLATE_NOOP("SyncPage", "需要重新登录"),
    "incompatible": QT_TRANSLATE_NOOP("SyncPage", "版本不兼容"),
    "server": QT_TRANSLATE_NOOP("SyncPage", "服务器故障"),
    "bug": QT_TRANSLATE_NOOP("SyncPage", "出错"),
    "running": QT_TRANSLATE_NOOP("SyncPage", "进行中"),
}


class SyncPage(QWidget):
    connect_requested = Signal()

    def __init__(self, ctx: AppContext, controller: SyncController) -> None:
        super().__init__()
        self.ctx = ctx
        self.controller = controller
        self.setObjectName("page_sync")
        self.conflicts: list[ConflictGroup] = []
        self.rejected: list[RejectedChange] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        title = QLabel(self.tr("同步"))
        title.setObjectName("pageHeading")
        lay.addWidget(title)

        box = QFrame()
        box.setObjectName("summaryBox")
        bl = QHBoxLayout(box)
        self.state = QLabel()
        self.state.setObjectName("syncState")
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.RichText)
        bl.addWidget(self.state, 1)
        self.connect_button = QPushButton(self.tr("连接服务器…"))
        self.connect_button.clicked.connect(self.connect_requested)
        self.sync_button = QPushButton(self.tr("立即同步"))
        self.sync_button.setObjectName("syncNow")
        self.sync_button.clicked.connect(lambda: controller.sync_now())
        self.transfers_button = QPushButton(self.tr("户籍迁移…"))
        self.transfers_button.setObjectName("transfersButton")
        self.transfers_button.setToolTip(
            self.tr("特殊家庭迁往其他乡镇：申请迁出，接收或拒绝迁入（须联网）")
        )
        self.transfers_button.clicked.connect(self.open_transfers)
        bl.addWidget(self.connect_button)
        bl.addWidget(self.sync_button)
        bl.addWidget(self.transfers_button)
        lay.addWidget(box)

        self.tabs = QTabWidget()
        # Conflicts
        cw = QWidget()
        cl = QVBoxLayout(cw)
        self.conflict_table = _table(
            [self.tr("记录"), self.tr("类型"), self.tr("冲突项目"), self.tr("发现时间")],
            "conflictList",
        )
        self.conflict_table.cellDoubleClicked.connect(lambda r, c: self.resolve_row(r))
        cl.addWidget(self.conflict_table)
        crow = QHBoxLayout()
        crow.addStretch(1)
        self.resolve_button = QPushButton(self.tr("处理冲突…"))
        self.resolve_button.setObjectName("resolveConflict")
        self.resolve_button.clicked.connect(
            lambda: self.resolve_row(self.conflict_table.currentRow())
        )
        crow.addWidget(self.resolve_button)
        cl.addLayout(crow)
        # Rejected
        rw = QWidget()
        rl = QVBoxLayout(rw)
        self.rejected_table = _table(
            [self.tr("记录"), self.tr("类型"), self.tr("被拒绝的原因"), self.tr("修改时间")],
            "rejectedList",
        )
        self.rejected_table.cellDoubleClicked.connect(lambda r, c: self.open_rejected(r))
        rl.addWidget(self.rejected_table)
        rrow = QHBoxLayout()
        hint = QLabel(self.tr("先打开记录按原因修改并保存，再重新提交。"))
        hint.setObjectName("hintLabel")
        rrow.addWidget(hint)
        rrow.addStretch(1)
        self.open_button = QPushButton(self.tr("打开修改…"))
        self.open_button.clicked.connect(
            lambda: self.open_rejected(self.rejected_table.currentRow())
        )
        self.resend_button = QPushButton(self.tr("重新提交"))
        self.resend_button.setObjectName("resendButton")
        self.resend_button.clicked.connect(lambda: self.resend(self.rejected_table.currentRow()))
        self.discard_button = QPushButton(self.tr("放弃这次修改…"))
        self.discard_button.clicked.connect(lambda: self.discard(self.rejected_table.currentRow()))
        for b in (self.open_button, self.resend_button, self.discard_button):
            rrow.addWidget(b)
        rl.addLayout(rrow)
        # Receipts
        self.receipt_table = _table(
            [
                self.tr("开始时间"),
                self.tr("结果"),
                self.tr("上传"),
                self.tr("下载"),
                self.tr("合并"),
                self.tr("冲突"),
                self.tr("被拒绝"),
                self.tr("用时"),
                self.tr("说明"),
            ],
            "receiptList",
        )
        # Two records of one person: merge reviews and suggestions
        self.duplicates = DuplicatesPanel(ctx)
        self.tabs.addTab(cw, self.tr("冲突"))
        self.tabs.addTab(rw, self.tr("被拒绝的修改"))
        self.tabs.addTab(self.duplicates, self.tr("重复人员"))
        self.tabs.addTab(self.receipt_table, self.tr("同步记录"))
        lay.addWidget(self.tabs, 1)
        controller.view_changed.connect(self._view)
        controller.online_changed.connect(lambda _o: self._view(controller.view))
        controller.running_changed.connect(lambda r: self.sync_button.setEnabled(not r))
        ctx.bus.changed.connect(self._changed)
        if controller.view is not None:
            self._view(controller.view)
        self.refresh()

    def _changed(self, changed: frozenset[str]) -> None:
        self.refresh()

    def _view(self, v: SyncView | None) -> None:
        if v is None:
            return
        online = self.controller.online
        if not v.connected:
            where = self.tr("尚未连接省级服务器。修改都保存在本机。")
        else:
            if online is None:
                status = self.tr("正在检查…")
            else:
                status = self.tr("在线") if online else self.tr("离线")
            where = self.tr("服务器 {url}，账号 {user}，{status}").format(
                url=v.server_url, user=v.username or "", status=status
            )
        last = (v.last_sync or "")[:16] or self.tr("从未同步")
        outcome = self.tr(OUTCOMES.get(v.last_outcome or "", v.last_outcome or ""))
        self.state.setText(
            f"{where}<br>"
            + self.tr(
                "待同步的修改 <b>{p}</b> 条　冲突 <b>{c}</b> 个　被拒绝 <b>{r}</b> 条"
            ).format(p=f"{v.pending:,}", c=v.conflicts, r=v.rejected)
            + "<br>"
            + self.tr("上次同步：{last} {outcome}").format(last=last, outcome=outcome)
        )
        # Offered when not connected too: it then says so and offers to connect.
        self.sync_button.setEnabled(not self.controller.running)
        self.transfers_button.setEnabled(v.connected)
        self.connect_button.setText(self.tr("重新登录…") if v.connected else self.tr("连接服务器…"))
        self.tabs.setTabText(0, self.tr("冲突（{n}）").format(n=v.conflicts))
        self.tabs.setTabText(1, self.tr("被拒绝的修改（{n}）").format(n=v.rejected))

    def open_transfers(self) -> TransfersDialog:
        dlg = TransfersDialog(self.ctx, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return dlg

    def refresh(self) -> None:
        store = self.ctx.store

        def work(
            job: Any,
        ) -> tuple[list[ConflictGroup], list[RejectedChange], list[SyncReceipt], Listing]:
            return (
                ops.open_conflicts(store),
                ops.list_rejected(store),
                ops.receipts(store),
                dup_ops.listing(store),
            )

        self.ctx.tasks.db(work).latest("sync-page").owned_by(self).on_success(self._show).start()

    def _show(
        self, data: tuple[list[ConflictGroup], list[RejectedChange], list[SyncReceipt], Listing]
    ) -> None:
        self.conflicts, self.rejected, receipts, dups = data
        self.duplicates.show_listing(dups)
        self.tabs.setTabText(2, self.tr("重复人员（{n}）").format(n=self.duplicates.count))
        lang = i18n.lang()
        t = self.conflict_table
        t.setRowCount(len(self.conflicts))
        for r, g in enumerate(self.conflicts):
            names = "、".join(field_title(g.entity, f.field) for f in g.fields)
            for c, text in enumerate([g.label, entity_name(g.entity), names, g.created_at[:16]]):
                t.setItem(r, c, QTableWidgetItem(text))
        if self.conflicts and t.currentRow() < 0:
            t.selectRow(0)
        self.resolve_button.setEnabled(bool(self.conflicts))
        t = self.rejected_table
        t.setRowCount(len(self.rejected))
        for r, ch in enumerate(self.rejected):
            reason = ch.text(lang) or ch.code
            if ch.field:
                reason = f"{field_title(ch.entity, ch.field)}：{reason}"
            label = self._label_for(ch)
            for c, text in enumerate([label, entity_name(ch.entity), reason, ch.created_at[:16]]):
                t.setItem(r, c, QTableWidgetItem(text))
        if self.rejected and t.currentRow() < 0:
            t.selectRow(0)
        for b in (self.open_button, self.resend_button, self.discard_button):
            b.setEnabled(bool(self.rejected))
        t = self.receipt_table
        t.setRowCount(len(receipts))
        for r, rc in enumerate(receipts):
            cells = [
                rc.started_at[:19],
                self.tr(OUTCOMES.get(rc.outcome, rc.outcome)),
                rc.sent,
                rc.received,
                rc.merged,
                rc.conflicts,
                rc.rejected,
                f"{rc.duration_ms / 1000:.1f} s",
                rc.message or "",
            ]
            for c, v in enumerate(cells):
                t.setItem(r, c, QTableWidgetItem(str(v)))

    def _label_for(self, ch: RejectedChange) -> str:
        for key in ("name", "title"):
            v = ch.fields.get(key) or ch.old.get(key)
            if v:
                return str(v)
        return ch.row_id[:8]

    # -- actions --------------------------------------------------------------

    def resolve_row(self, row: int) -> ConflictDialog | None:
        if not 0 <= row < len(self.conflicts):
            return None
        dlg = ConflictDialog(self.ctx, self.conflicts[row], self.window())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return dlg

    def open_rejected(self, row: int) -> None:
        if not 0 <= row < len(self.rejected):
            return
        ch = self.rejected[row]
        if ch.entity in LAYOUTS:
            open_form(self.ctx, self, ch.entity, ch.row_id)

    def resend(self, row: int) -> None:
        if not 0 <= row < len(self.rejected):
            return
        store, seq = self.ctx.store, self.rejected[row].seq
        self.ctx.tasks.db(lambda job: ops.resend(store, seq)).on_success(
            lambda ok: self.ctx.bus.emit_changed(self.rejected[row].entity) if ok else None
        ).on_failure(lambda exc: errors.show(exc, self, self.tr("重新提交"))).start()

    def discard(self, row: int) -> None:
        if not 0 <= row < len(self.rejected):
            return
        ch = self.rejected[row]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("放弃修改"))
        box.setText(self.tr("放弃这次被拒绝的修改？记录将恢复为服务器上的内容。"))
        yes = box.addButton(self.tr("放弃修改"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)

        def done() -> None:
            if box.clickedButton() is yes:
                store = self.ctx.store
                self.ctx.tasks.db(lambda job: ops.discard(store, ch.seq)).on_success(
                    lambda _ok: self.ctx.bus.emit_changed(ch.entity)
                ).on_failure(lambda exc: errors.show(exc, self, self.tr("放弃修改"))).start()

        box.finished.connect(done)
        box.open()
