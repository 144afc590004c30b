"""The recycle bin: records deleted in the last 30 days, and Restore. A
restore is an ordinary journaled write (the tombstone cleared), so it
reaches the server and the other devices at the next sync."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries.recycle import KEEP_DAYS
from jsxclient.store.store import ValidationFailed
from jsxclient.ui import errors, i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.operations import records
from jsxclient.ui.operations.records import Named
from jsxclient.ui.widgets import describe, record_noun


class RecycleBin(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("recycleBin")
        self.setWindowTitle(self.tr("回收站"))
        self.items: list[Named] = []
        lay = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "最近 {days} 天内删除的记录。选中后点“恢复”，恢复会在下次同步时通知服务器。"
            ).format(days=KEEP_DAYS)
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("recycleTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("类别"), self.tr("名称"), self.tr("日期"), self.tr("删除时间")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        lay.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setObjectName("formStatus")
        lay.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = self.buttons.addButton(
            self.tr("恢复"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.clicked.connect(self.restore_selected)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(720, 480)
        self.refresh()

    def refresh(self) -> None:
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: records.trash(store)).owned_by(self).on_success(
            self._show
        ).on_failure(lambda exc: errors.show(exc, self, self.tr("回收站"))).start()

    def _show(self, items: list[Named]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for r, n in enumerate(items):
            noun = record_noun(n.entity)  # "care visit" in a sentence, "Care visit" as a label
            kind = noun[:1].upper() + noun[1:]
            for c, text in enumerate((kind, n.name, n.detail, n.deleted_at[:16])):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)
        if items:
            self.table.selectRow(0)
        elif not self.status.text():  # keep "已恢复…" after the last one
            self.status.setText(self.tr("回收站是空的"))
        self.restore_button.setEnabled(bool(items))

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.items):
            return
        n = self.items[row]
        store = self.ctx.store
        self.restore_button.setEnabled(False)
        self.ctx.tasks.db(lambda job: records.restore(store, n.entity, n.id)).owned_by(
            self
        ).on_success(lambda _r: self._restored(n)).on_failure(self._failed).start()

    def _restored(self, n: Named) -> None:
        self.ctx.remember("", ())
        self.ctx.bus.emit_changed(n.entity)
        self.status.setText(self.tr("已恢复{what}").format(what=describe(n, n.entity)))
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.restore_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            # Its family or person is deleted too, or the person is registered again.
            self.status.setText(
                self.tr("无法恢复：{why}").format(why=exc.issues[0].text(i18n.lang()))
            )
            return
        errors.show(exc, self, self.tr("恢复"))


def open_bin(ctx: AppContext, parent: QWidget) -> RecycleBin:
    dlg = RecycleBin(ctx, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg
