"""Two records of one person side by side.

A merge review (the same ID number registered on two devices, merged at
sync) shows the fields the two disagree on; a possible duplicate (same
name, birth date and village, no ID number to tell) shows both persons in
full. The worker keeps one value per differing field and merges, or says
they are two people. Every write is a synced change; the rule of what the
choices write is `jsxcore.personmerge`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.ui import errors, i18n
from jsxclient.ui.conflict_dialog import choice_cell, choice_table, field_title, show_value
from jsxclient.ui.context import AppContext
from jsxclient.ui.operations import duplicates as ops
from jsxclient.ui.operations.duplicates import Listing
from jsxcore import personmerge as pm
from jsxcore.merge import same

if TYPE_CHECKING:
    from jsxclient.sync.duplicates import Candidate


def _place(ctx: AppContext, code: Any) -> str:
    return ctx.place_name(str(code)) if code else "—"


class PersonMergeDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        candidate: Candidate,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.candidate = candidate
        review = candidate.kind == "review"
        self.setObjectName("personMergeDialog")
        self.setWindowTitle(self.tr("合并审核") if review else self.tr("可能重复的人员"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        head = QLabel(f"<b style='font-size:15px'>{candidate.kept.get('name') or ''}</b>")
        head.setObjectName("formHeading")
        lay.addWidget(head)
        note = QLabel(
            self.tr(
                "同一身份证号码的人员在两台设备上分别登记，同步时已合并为一条记录，"
                "但以下项目不一致。请逐项选择要保留的值；与现值不同的选择会在下次同步时上传。"
            )
            if review
            else self.tr(
                "这两条人员记录姓名、出生日期和所在村相同，又缺少身份证号码，可能是同一个人。"
                "合并后，关联的会员、家庭等记录都改为指向保留的人员，另一条移入回收站；"
                "如果是两个人，请选“不是同一人”。"
            )
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        cmp = candidate.comparison
        self.differing = {d.field: d for d in cmp.differences}
        if review:
            rows = [d.field for d in cmp.differences]
        else:
            rows = [
                f
                for f in pm.FIELDS
                if not pm.empty(candidate.kept.get(f)) or not pm.empty(candidate.other.get(f))
            ]
        headers = [
            self.tr("项目"),
            self.tr("保留的记录") if not review else self.tr("现在的值"),
            self.tr("另一条记录") if not review else self.tr("另一台设备登记的值"),
            self.tr("保留"),
        ]
        self.table = choice_table("mergeTable", headers, len(rows))
        self.radios: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        for r, f in enumerate(rows):
            kept_v, other_v = candidate.kept.get(f), candidate.other.get(f)
            if f in self.differing:
                kept_v, other_v = self.differing[f].kept, self.differing[f].other
            cells = [field_title("person", f), self._show(f, kept_v), self._show(f, other_v)]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
            if f in self.differing:
                self.radios[f] = choice_cell(
                    self.table,
                    r,
                    (f"kept_{f}", self.tr("左边")),
                    (f"other_{f}", self.tr("右边")),
                    left_checked=True,
                )
            else:
                if same(kept_v, other_v):
                    mark = self.tr("相同")
                elif pm.empty(other_v):
                    mark = self.tr("不变")
                else:
                    mark = self.tr("补充到保留的记录")
                self.table.setItem(r, 3, QTableWidgetItem(mark))
        self.table.resizeRowsToContents()
        lay.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setObjectName("formStatus")
        lay.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(
            self.tr("确定") if review else self.tr("合并"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok.setObjectName("mergeButton")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.apply)
        self.dismiss_button: QPushButton | None = None
        if not review:
            self.dismiss_button = self.buttons.addButton(
                self.tr("不是同一人"), QDialogButtonBox.ButtonRole.DestructiveRole
            )
            self.dismiss_button.setObjectName("dismissButton")
            self.dismiss_button.clicked.connect(self.dismiss)
        later = self.buttons.addButton(self.tr("以后再说"), QDialogButtonBox.ButtonRole.RejectRole)
        later.clicked.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(860, min(680, 250 + 36 * max(len(rows), 3)))

    def _show(self, f: str, value: Any) -> str:
        if f == "division_code":
            return _place(self.ctx, value)
        return show_value("person", f, value)

    def choices(self) -> dict[str, str]:
        return {f: "kept" if k.isChecked() else "other" for f, (k, _o) in self.radios.items()}

    def choose(self, field: str, side: str) -> None:
        kept, other = self.radios[field]
        (kept if side == "kept" else other).setChecked(True)

    def apply(self) -> None:
        self._busy(self.tr("正在合并…"))
        store, cand, choices = self.ctx.store, self.candidate, self.choices()
        self.ctx.tasks.db(lambda job: ops.merge(store, cand, choices)).owned_by(self).on_success(
            lambda _r: self._done()
        ).on_failure(self._failed).start()

    def dismiss(self) -> None:
        self._busy(self.tr("正在保存…"))
        store, cand = self.ctx.store, self.candidate
        self.ctx.tasks.db(lambda job: ops.dismiss(store, cand)).owned_by(self).on_success(
            lambda _r: self._done()
        ).on_failure(self._failed).start()

    def _busy(self, text: str) -> None:
        self.ok.setEnabled(False)
        if self.dismiss_button is not None:
            self.dismiss_button.setEnabled(False)
        self.status.setText(text)

    def _done(self) -> None:
        self.ctx.bus.emit_changed("person", "conflict")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if self.dismiss_button is not None:
            self.dismiss_button.setEnabled(True)
        self.status.setText(self.tr("未能保存"))
        errors.show(exc, self, self.windowTitle())


class DuplicatesPanel(QWidget):
    """The list of merge reviews and possible duplicates (a tab of 同步)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("duplicatesPanel")
        self.listing = Listing([])
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("duplicateList")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("类型"),
                self.tr("人员"),
                self.tr("出生日期"),
                self.tr("所在村"),
                self.tr("不一致的项目"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda r, c: self.open_row(r))
        lay.addWidget(self.table)
        row = QHBoxLayout()
        hint = QLabel(self.tr("同一个人的两条记录：比较后合并，或标为不是同一人。"))
        hint.setObjectName("hintLabel")
        row.addWidget(hint)
        row.addStretch(1)
        self.open_button = QPushButton(self.tr("比较并合并…"))
        self.open_button.setObjectName("compareButton")
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        row.addWidget(self.open_button)
        lay.addLayout(row)

    @property
    def count(self) -> int:
        return len(self.listing.candidates)

    def show_listing(self, listing: Listing) -> None:
        self.listing = listing
        t = self.table
        t.setRowCount(len(listing.candidates))
        for r, c in enumerate(listing.candidates):
            kind = self.tr("合并审核") if c.kind == "review" else self.tr("可能重复")
            names = c.kept.get("name") or ""
            if c.other.get("name") and c.other.get("name") != names:
                names = f"{names} / {c.other.get('name')}"
            sep = ", " if i18n.lang() == "en" else "、"
            fields = sep.join(field_title("person", d.field) for d in c.comparison.differences)
            cells = [
                kind,
                str(names),
                show_value("person", "birth_date", c.kept.get("birth_date")),
                _place(self.ctx, c.kept.get("division_code")),
                fields or self.tr("无"),
            ]
            for col, text in enumerate(cells):
                t.setItem(r, col, QTableWidgetItem(text))
        if listing.candidates and t.currentRow() < 0:
            t.selectRow(0)
        self.open_button.setEnabled(bool(listing.candidates))

    def open_row(self, row: int) -> PersonMergeDialog | None:
        if not 0 <= row < self.count:
            return None
        dlg = PersonMergeDialog(self.ctx, self.listing.candidates[row], self.window())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return dlg
