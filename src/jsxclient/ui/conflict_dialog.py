"""A record's conflicting fields side by side: the value before both edits,
this computer's and the server's. The worker keeps one side per field; a
choice that differs from what the record holds becomes a new change that
syncs like any other edit."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries.sync_views import ConflictGroup
from jsxclient.ui import errors, i18n
from jsxclient.ui import format as fmt
from jsxclient.ui.context import AppContext
from jsxclient.ui.forms.form import editor_kind
from jsxclient.ui.forms.layouts import LAYOUTS, F, field_label
from jsxclient.ui.operations import sync as ops
from jsxcore.entities import ENTITIES


def field_title(entity: str, name: str) -> str:
    """The form label of a field (the record's own layout first)."""
    if name == "deleted":
        return QCoreApplication.translate("ConflictDialog", "删除")
    for layout in (LAYOUTS.get(entity), LAYOUTS["person"] if entity == "person" else None):
        if layout is None:
            continue
        for part in ("main", "person"):
            for f in layout.fields(part):
                if f.name == name and (part == "main" or entity == "person"):
                    return field_label(f.label)
    return name


def show_value(entity: str, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    es = ENTITIES.get(entity)
    if es is None or name not in es.model.model_fields:
        return str(value)
    kind = editor_kind(es, F(name, name))
    if kind == "code":
        return fmt.code(es.rules.codes[name], value)
    if kind == "bool":
        return fmt.yes_no(value)
    if kind == "money":
        return fmt.money(int(value))
    if kind == "idnum":
        return fmt.mask_id(str(value))
    return str(value)


def choice_table(name: str, headers: list[str], rows: int) -> QTableWidget:
    """A read-only table comparing two sides field by field, its last column
    the worker's choice (`choice_cell`)."""
    t = QTableWidget(rows, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    t.verticalHeader().setDefaultSectionSize(34)
    t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    hh = t.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    hh.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.ResizeToContents)
    return t


def choice_cell(
    table: QTableWidget,
    row: int,
    left: tuple[str, str],
    right: tuple[str, str],
    left_checked: bool,
) -> tuple[QRadioButton, QRadioButton]:
    """Two exclusive radio buttons ((object name, text) each) in the row's
    last cell."""
    box = QWidget()
    bl = QHBoxLayout(box)
    bl.setContentsMargins(6, 0, 6, 0)
    buttons = []
    group = QButtonGroup(box)
    for name, text in (left, right):
        b = QRadioButton(text)
        b.setObjectName(name)
        group.addButton(b)
        bl.addWidget(b)
        buttons.append(b)
    buttons[0 if left_checked else 1].setChecked(True)
    table.setCellWidget(row, table.columnCount() - 1, box)
    return buttons[0], buttons[1]


class ConflictDialog(QDialog):
    def __init__(self, ctx: AppContext, group: ConflictGroup, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.group = group
        self.setObjectName("conflictDialog")
        self.setWindowTitle(self.tr("处理冲突"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        es = ENTITIES.get(group.entity)
        noun = (es.en if i18n.lang() == "en" else es.zh) if es else group.entity
        head = QLabel(f"<b style='font-size:15px'>{group.label}</b>　{noun}")
        head.setObjectName("formHeading")
        lay.addWidget(head)
        note = QLabel(
            self.tr(
                "这条记录在本机和其他设备上被同时修改了。请逐项选择要保留的值；"
                "选择与现值不同时，会作为一次新的修改在下次同步时上传。"
            )
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        headers = [
            self.tr("项目"),
            self.tr("修改前"),
            self.tr("本机的值"),
            self.tr("服务器的值"),
            self.tr("保留"),
        ]
        self.table = choice_table("conflictTable", headers, len(group.fields))
        self.table.setWordWrap(True)
        self.radios: dict[int, tuple[QRadioButton, QRadioButton]] = {}
        for r, f in enumerate(group.fields):
            cells = [
                field_title(group.entity, f.field),
                show_value(group.entity, f.field, f.base),
                show_value(group.entity, f.field, f.mine),
                show_value(group.entity, f.field, f.theirs),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if (c == 2 and f.winner == "mine") or (c == 3 and f.winner == "theirs"):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
            self.radios[f.id] = choice_cell(
                self.table,
                r,
                (f"mine_{f.id}", self.tr("本机")),
                (f"theirs_{f.id}", self.tr("服务器")),
                left_checked=f.winner == "mine",
            )
        self.table.resizeRowsToContents()
        lay.addWidget(self.table, 1)
        hint = QLabel(self.tr("粗体为当前保存的值（较新的修改）。"))
        hint.setObjectName("hintLabel")
        lay.addWidget(hint)
        self.status = QLabel()
        self.status.setObjectName("formStatus")
        lay.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(self.tr("确定"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("resolveButton")
        self.ok.setDefault(True)
        cancel = self.buttons.addButton(self.tr("以后再说"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.clicked.connect(self.apply)
        cancel.clicked.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(820, min(640, 260 + 44 * len(group.fields)))

    def choices(self) -> dict[int, str]:
        return {cid: "mine" if m.isChecked() else "theirs" for cid, (m, _t) in self.radios.items()}

    def choose(self, conflict_id: int, side: str) -> None:
        mine, theirs = self.radios[conflict_id]
        (mine if side == "mine" else theirs).setChecked(True)

    def apply(self) -> None:
        self.ok.setEnabled(False)
        self.status.setText(self.tr("正在保存…"))
        store, choices, entity = self.ctx.store, self.choices(), self.group.entity
        self.ctx.tasks.db(lambda job: ops.resolve(store, choices)).owned_by(self).on_success(
            lambda changed: self._done(entity)
        ).on_failure(self._failed).start()

    def _done(self, entity: str) -> None:
        self.ctx.bus.emit_changed(entity, "conflict")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.status.setText(self.tr("未能保存选择"))
        errors.show(exc, self, self.tr("处理冲突"))
