"""户籍迁移: a special family moving to another township (issue 11).

The sending township offers the family (`OfferTransferDialog`); a worker
of the receiving township sees it among the incoming transfers and accepts
or refuses it; the sender may cancel its own pending offer
(`TransfersDialog`). Everything that touches the server runs on the `net`
worker, every store read on the `db` worker; the role is checked by the
client's operations before any request (`scope.require_transfer`), and the
buttons a role may not use are disabled with the reason beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jsxclient.ui import errors, i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.forms.editors import RefEditor
from jsxclient.ui.operations import scope as ops

if TYPE_CHECKING:
    from jsxclient.store.queries.pickers import Choice
    from jsxcore.protocol import TransferInfo


def _hint(text: str = "", name: str = "hintLabel") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class TransfersDialog(QDialog):
    """Incoming and outgoing transfers of the township, with accept, refuse
    and cancel, and the way to offer a family."""

    COLUMNS = ("id", "status", "from", "to", "names", "rows", "by", "at", "note")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.access: ops.Access | None = None
        self.data = ops.Transfers([], [])
        self.setObjectName("transfersDialog")
        self.setWindowTitle(self.tr("户籍迁移（跨乡镇）"))
        lay = QVBoxLayout(self)
        lay.addWidget(
            _hint(
                self.tr(
                    "特殊家庭迁往其他乡镇时，由本乡镇申请迁出，接收乡镇确认后，"
                    "记录才移到对方；迁移须联网办理，接收后下次同步时生效。"
                )
            )
        )
        self.notice = _hint(name="fieldError")
        self.notice.setObjectName("transferNotice")
        lay.addWidget(self.notice)

        self.tabs = QTabWidget()
        self.incoming = self._table("incomingTable")
        self.outgoing = self._table("outgoingTable")
        self.tabs.addTab(self.incoming, self.tr("迁入本乡镇"))
        self.tabs.addTab(self.outgoing, self.tr("本乡镇迁出"))
        self.tabs.currentChanged.connect(lambda _i: self._buttons())
        lay.addWidget(self.tabs, 1)

        row = QHBoxLayout()
        self.all = QCheckBox(self.tr("显示已处理的"))
        self.all.setObjectName("showDecided")
        self.all.toggled.connect(lambda _on: self.refresh())
        row.addWidget(self.all)
        row.addStretch(1)
        self.offer_button = self._button("offerTransfer", self.tr("申请迁出…"), self.offer)
        self.accept_button = self._button("acceptTransfer", self.tr("接收"), self.accept_selected)
        self.refuse_button = self._button("refuseTransfer", self.tr("拒绝"), self.refuse_selected)
        self.cancel_button = self._button(
            "cancelTransfer", self.tr("撤回申请"), self.refuse_selected
        )
        self.refresh_button = self._button("refreshTransfers", self.tr("刷新"), self.refresh)
        for b in (
            self.offer_button,
            self.accept_button,
            self.refuse_button,
            self.cancel_button,
            self.refresh_button,
        ):
            b.setEnabled(False)
            row.addWidget(b)
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        lay.addLayout(row)
        self.message = _hint(name="transferMessage")
        lay.addWidget(self.message)
        self.resize(980, 520)

        store, lang = ctx.store, i18n.lang()
        ctx.tasks.db(lambda job: ops.access(store, lang)).owned_by(self).on_success(
            self._accessed
        ).on_failure(self._failed).start()

    # -- building -------------------------------------------------------------

    def _table(self, name: str) -> QTableWidget:
        t = QTableWidget(0, len(self.COLUMNS))
        t.setObjectName(name)
        t.setHorizontalHeaderLabels(
            [
                self.tr("编号"),
                self.tr("状态"),
                self.tr("迁出乡镇"),
                self.tr("迁往"),
                self.tr("人员"),
                self.tr("记录数"),
                self.tr("申请人"),
                self.tr("申请时间"),
                self.tr("说明"),
            ]
        )
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        t.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        t.horizontalHeader().setStretchLastSection(True)
        t.verticalHeader().setVisible(False)
        t.itemSelectionChanged.connect(self._buttons)
        return t

    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.setAutoDefault(False)
        b.clicked.connect(lambda _checked=False: slot())
        return b

    def status_text(self, status: str) -> str:
        return {
            "pending": self.tr("待接收"),
            "accepted": self.tr("已接收"),
            "refused": self.tr("已拒绝"),
            "cancelled": self.tr("已撤回"),
        }.get(status, status)

    # -- state ----------------------------------------------------------------

    def _accessed(self, access: ops.Access) -> None:
        self.access = access
        notes = []
        if not access.connected:
            notes.append(self.tr("本机尚未连接服务器：迁移须联网办理，请先连接服务器。"))
        if not access.may_transfer:
            notes.append(access.refusal + self.tr("（可以查看，不能办理）"))
        self.notice.setText("\n".join(notes))
        self.notice.setVisible(bool(notes))
        self.offer_button.setToolTip(access.refusal)
        if access.connected:
            self.refresh()
        self._buttons()

    def _buttons(self) -> None:
        a = self.access
        usable = a is not None and a.connected and not self.ctx.tasks.running("transfers")
        may = usable and a is not None and a.may_transfer
        self.refresh_button.setEnabled(usable)
        self.offer_button.setEnabled(may)
        line = self.selected()
        pending = line is not None and line.status == "pending"
        incoming = self.tabs.currentIndex() == 0
        self.accept_button.setVisible(incoming)
        self.refuse_button.setVisible(incoming)
        self.cancel_button.setVisible(not incoming)
        self.accept_button.setEnabled(may and pending and incoming)
        self.refuse_button.setEnabled(may and pending and incoming)
        self.cancel_button.setEnabled(may and pending and not incoming)
        for b in (self.accept_button, self.refuse_button, self.cancel_button):
            b.setToolTip(a.refusal if a is not None else "")

    def selected(self) -> ops.TransferLine | None:
        incoming = self.tabs.currentIndex() == 0
        table = self.incoming if incoming else self.outgoing
        lines = self.data.incoming if incoming else self.data.outgoing
        rows = {i.row() for i in table.selectedIndexes()}
        if len(rows) != 1:
            return None
        (r,) = rows
        return lines[r] if 0 <= r < len(lines) else None

    # -- loading --------------------------------------------------------------

    def refresh(self) -> None:
        if self.access is None or not self.access.connected:
            return
        store, pending = self.ctx.store, not self.all.isChecked()
        self.ctx.tasks.net(lambda job: ops.listing(store, pending)).latest("transfers").owned_by(
            self
        ).on_success(self._show).on_failure(self._failed).start()
        self._buttons()

    def _show(self, data: ops.Transfers) -> None:
        self.data = data
        for table, lines in ((self.incoming, data.incoming), (self.outgoing, data.outgoing)):
            table.setRowCount(len(lines))
            for r, t in enumerate(lines):
                values = (
                    str(t.id),
                    self.status_text(t.status),
                    t.from_name,
                    t.to_name,
                    t.names or "-",
                    str(t.rows),
                    t.requested_by,
                    t.requested_at,
                    t.note,
                )
                for c, text in enumerate(values):
                    item = QTableWidgetItem(text)
                    if c == 2:
                        item.setToolTip(t.from_code)
                    if c == 3:
                        item.setToolTip(t.to_code)
                    table.setItem(r, c, item)
            table.resizeColumnsToContents()
        self.tabs.setTabText(0, self.tr("迁入本乡镇（{n}）").format(n=len(data.incoming)))
        self.tabs.setTabText(1, self.tr("本乡镇迁出（{n}）").format(n=len(data.outgoing)))
        self._buttons()

    def _failed(self, exc: BaseException) -> None:
        self._buttons()
        if errors.kind(exc) == "bug":
            errors.show(exc, self, self.tr("户籍迁移"))
            return
        self.message.setText(errors.message(exc))

    # -- actions --------------------------------------------------------------

    def offer(self, family_id: str | None = None) -> OfferTransferDialog:
        dlg = OfferTransferDialog(self.ctx, family_id, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.offered.connect(self._offered)
        dlg.open()
        return dlg

    def _offered(self, info: TransferInfo) -> None:
        self.message.setText(
            self.tr("已申请迁出（编号 {id}，{n} 条记录），等待接收乡镇确认。").format(
                id=info.id, n=len(info.rows)
            )
        )
        self.tabs.setCurrentIndex(1)
        self.refresh()

    def accept_selected(self) -> None:
        line = self.selected()
        if line is None:
            return
        self._confirm(
            self.tr(
                "接收编号 {id} 的迁移（{names}，{n} 条记录）？"
                "接收后，下次同步时这些记录下载到本机。"
            ).format(id=line.id, names=line.names or "-", n=line.rows),
            self.tr("接收"),
            lambda: self._decide(line.id, True),
        )

    def refuse_selected(self) -> None:
        line = self.selected()
        if line is None:
            return
        incoming = self.tabs.currentIndex() == 0
        text = (
            self.tr("拒绝编号 {id} 的迁移？记录留在原乡镇，对方可以重新申请。")
            if incoming
            else self.tr("撤回编号 {id} 的迁移申请？")
        ).format(id=line.id)
        self._confirm(
            text,
            self.tr("拒绝") if incoming else self.tr("撤回申请"),
            lambda: self._decide(line.id, False),
        )

    def _confirm(self, text: str, yes_text: str, then: Any) -> QMessageBox:
        box = QMessageBox(self)
        box.setObjectName("confirmTransfer")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("户籍迁移"))
        box.setText(text)
        yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: then() if box.clickedButton() is yes else None)
        box.open()
        return box

    def _decide(self, transfer_id: int, accept: bool) -> None:
        store = self.ctx.store
        self.message.setText("")
        for b in (self.accept_button, self.refuse_button, self.cancel_button):
            b.setEnabled(False)
        fn = ops.accept if accept else ops.refuse
        self.ctx.tasks.net(lambda job: fn(store, transfer_id)).owned_by(self).on_success(
            self._decided
        ).on_failure(self._failed).start()

    def _decided(self, info: TransferInfo) -> None:
        if info.status == "accepted":
            text = self.tr("已接收迁移 {id}：下次同步时这些记录下载到本机。")
        elif info.status == "refused":
            text = self.tr("已拒绝迁移 {id}。")
        else:
            text = self.tr("已撤回迁移申请 {id}。")
        self.message.setText(text.format(id=info.id))
        self.refresh()


class OfferTransferDialog(QDialog):
    """Offer one special family (its members and records) to a township or
    village of another township."""

    offered = Signal(object)  # TransferInfo

    def __init__(
        self, ctx: AppContext, family_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("offerTransferDialog")
        self.setWindowTitle(self.tr("申请迁往其他乡镇"))
        self.choices: list[Choice] = []
        self.may = False
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.family = RefEditor(ctx, "specialfamily")
        self.family.setObjectName("transferFamily")
        self.family.changed.connect(self._family_changed)
        form.addRow(self.tr("特殊家庭（户主）"), self.family)
        self.search = QLineEdit()
        self.search.setObjectName("destinationSearch")
        self.search.setPlaceholderText(self.tr("输入乡镇或村（社区）名称，或区划代码"))
        self.search.textEdited.connect(self._find)
        form.addRow(self.tr("迁往"), self.search)
        self.destination = QComboBox()
        self.destination.setObjectName("transferDestination")
        self.destination.currentIndexChanged.connect(lambda _i: self._enable())
        form.addRow("", self.destination)
        self.note = QLineEdit()
        self.note.setObjectName("transferNote")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(self.tr("如：户籍迁移"))
        form.addRow(self.tr("说明"), self.note)
        lay.addLayout(form)
        self.moves = QLabel()
        self.moves.setObjectName("transferMoves")
        self.moves.setWordWrap(True)
        lay.addWidget(self.moves)
        lay.addWidget(
            _hint(
                self.tr(
                    "申请后记录仍留在本乡镇，接收乡镇确认后才移过去。"
                    "这户有未同步的修改时，请先同步再申请。"
                )
            )
        )
        self.message = _hint(name="fieldError")
        self.message.setObjectName("offerMessage")
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("申请迁出"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("sendOffer")
        self.ok.setEnabled(False)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.clicked.connect(self.send)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setMinimumSize(600, lay.totalHeightForWidth(600))

        store, lang = ctx.store, i18n.lang()
        ctx.tasks.db(lambda job: ops.access(store, lang)).owned_by(self).on_success(
            self._accessed
        ).on_failure(lambda exc: self.message.setText(errors.message(exc))).start()
        if family_id:
            self.family.set_value(family_id)
            self._family_changed()

    def _accessed(self, access: ops.Access) -> None:
        self.may = access.may_transfer and access.connected
        if not access.may_transfer:
            self.message.setText(access.refusal)
        elif not access.connected:
            self.message.setText(self.tr("本机尚未连接服务器：迁移须联网办理，请先连接服务器。"))
        self._enable()

    def _enable(self) -> None:
        self.ok.setEnabled(
            self.may and bool(self.family.value()) and bool(self.destination.currentData())
        )

    def _family_changed(self) -> None:
        self._enable()
        family_id, store = self.family.value(), self.ctx.store
        if not family_id:
            self.moves.setText("")
            return
        self.ctx.tasks.db(lambda job: ops.family_moves(store, family_id)).latest(
            f"moves-{id(self)}"
        ).owned_by(self).on_success(self._show_moves).on_failure(
            lambda exc: self.message.setText(errors.message(exc))
        ).start()

    def _show_moves(self, counts: tuple[int, int]) -> None:
        rows, kept = counts
        text = self.tr("随这户迁出 {n} 条记录（家庭、成员、走访、补贴等）。").format(n=rows)
        if kept:
            text += self.tr("其中 {k} 人在本乡镇还有其他记录，留在本乡镇。").format(k=kept)
        self.moves.setText(text)
        self._fit()

    def _fit(self) -> None:
        """As tall as the wrapped texts need once they change."""
        lay = self.layout()
        if lay is not None:
            height = lay.totalHeightForWidth(self.width())
            self.setMinimumHeight(height)
            if self.height() < height:
                self.resize(self.width(), height)

    def _find(self, text: str) -> None:
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: ops.destinations(store, text)).latest(
            f"dest-{id(self)}"
        ).owned_by(self).on_success(self._show_choices).start()

    def _show_choices(self, choices: list[Choice]) -> None:
        self.choices = choices
        self.destination.clear()
        for c in choices:
            self.destination.addItem(f"{c.label}（{c.detail}）" if c.detail else c.label, c.id)
        self._enable()

    def send(self) -> None:
        family_id = self.family.value()
        division = self.destination.currentData()
        if not family_id or not division:
            return
        store, note = self.ctx.store, self.note.text().strip()
        self.message.setText("")
        self.ok.setEnabled(False)
        self.ctx.tasks.net(
            lambda job: ops.offer(store, str(family_id), str(division), note)
        ).owned_by(self).on_success(self._sent).on_failure(self._failed).start()

    def _sent(self, info: TransferInfo) -> None:
        self.offered.emit(info)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._enable()
        if errors.kind(exc) == "bug":
            errors.show(exc, self, self.tr("申请迁往其他乡镇"))
            return
        self.message.setText(errors.message(exc))
        self._fit()
