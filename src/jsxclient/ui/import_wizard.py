"""The import wizard: file → column mapping → preview with the row report →
import with progress and cancel. Every step's work runs on the database
worker through the engine (`jsxclient.transfer`); this module only shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.transfer import importer
from jsxclient.transfer import report as row_report
from jsxclient.transfer.fields import KINDS, kind
from jsxclient.transfer.mapping import Mapping
from jsxclient.transfer.plan import Options, Plan, Policy
from jsxclient.transfer.readers import Sheet
from jsxclient.ui import errors, i18n
from jsxclient.ui.context import ALL, AppContext
from jsxclient.ui.operations import transfer as ops

FILE_FILTER = "表格 / Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;* (*)"
# Entities an import of each kind may write: the pages to refresh.
TOUCHES = {
    "members": ("member", "person", "membergroup"),
    "volunteers": ("volunteer", "person"),
    "families": ("specialfamily", "familymember", "person"),
    "contacts": ("familycontact",),
    "visits": ("carevisit", "specialfamily"),
    "subsidies": ("caresubsidy",),
    "activities": ("activity", "activityparticipant", "person"),
}


class ImportWizard(QDialog):
    def __init__(self, ctx: AppContext, kind_name: str = "members", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("从 Excel 导入"))
        self.resize(980, 640)
        self.sheet: Sheet | None = None
        self.mapping: Mapping | None = None
        self.plan: Plan | None = None
        self.path: Path | None = None
        lay = QVBoxLayout(self)
        self.steps = QLabel()
        self.steps.setObjectName("wizardSteps")
        lay.addWidget(self.steps)
        self.stack = QStackedWidget()
        lay.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.back = QPushButton(self.tr("上一步"))
        self.next = QPushButton(self.tr("下一步"))
        self.next.setObjectName("wizardNext")
        self.next.setDefault(True)
        self.cancel = QPushButton(self.tr("取消"))
        for b in (self.back, self.next, self.cancel):
            b.setAutoDefault(b is self.next)
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self.back.clicked.connect(self._back)
        self.next.clicked.connect(self._next)
        self.cancel.clicked.connect(self.reject)

        self._build_file_page(kind_name)
        self._build_mapping_page()
        self._build_preview_page()
        self._build_done_page()
        self._show(0)

    # -- pages ------------------------------------------------------------------------

    def _build_file_page(self, kind_name: str) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("importKind")
        for k in KINDS.values():
            self.kind_box.addItem(k.label(i18n.lang()), k.name)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind_name)))
        form.addRow(self.tr("导入内容"), self.kind_box)
        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("importFile")
        self.file_edit.setPlaceholderText(self.tr("选择 .xlsx、.xls、.ods 或 .csv 文件"))
        choose = QPushButton(self.tr("浏览…"))
        choose.clicked.connect(self._choose)
        row.addWidget(self.file_edit, 1)
        row.addWidget(choose)
        form.addRow(self.tr("文件"), row)
        self.village_box = QComboBox()
        self.village_box.setObjectName("importVillage")
        self.village_box.addItem(self.tr("按表中的“村（社区）”列"), None)
        for p in self.ctx.places:
            self.village_box.addItem(p.name, p.code)
        form.addRow(self.tr("村（社区）"), self.village_box)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(
            self.tr("特殊家庭不完全符合条件时仍要登记的理由（如：经县计生协审核认定）")
        )
        form.addRow(self.tr("登记理由"), self.reason_edit)
        hint = QLabel(
            self.tr(
                "可以直接导入各乡镇现有的花名册和台账：标题行、合并表头、合计行都会自动识别。"
                "下一步可以核对每一列对应的内容。"
            )
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self.stack.addWidget(page)

    def _build_mapping_page(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.mapping_info = QLabel()
        self.mapping_info.setWordWrap(True)
        lay.addWidget(self.mapping_info)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setObjectName("mappingTable")
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("表中的列"), self.tr("示例"), self.tr("导入为")]
        )
        h = self.mapping_table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping_table.verticalHeader().setVisible(False)
        lay.addWidget(self.mapping_table, 1)
        self.missing = QLabel()
        self.missing.setObjectName("mappingMissing")
        self.missing.setStyleSheet("color:#cf1322")
        lay.addWidget(self.missing)
        self.stack.addWidget(page)

    def _build_preview_page(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        dup = QHBoxLayout()
        dup.addWidget(QLabel(self.tr("已有的记录：")))
        self.policy = QButtonGroup(self)
        for i, (key, text) in enumerate(
            (
                ("skip", self.tr("跳过")),
                ("update", self.tr("用表中的内容更新")),
                ("ask", self.tr("逐条选择（勾选要更新的）")),
            )
        ):
            b = QRadioButton(text)
            b.setObjectName(f"policy_{key}")
            b.setProperty("policy", key)
            self.policy.addButton(b, i)
            dup.addWidget(b)
        self.policy.button(0).setChecked(True)
        self.policy.idToggled.connect(lambda _i, _on: self._fill_report())
        dup.addStretch(1)
        self.save_report = QPushButton(self.tr("保存错误报告…"))
        self.save_report.setObjectName("saveReport")
        self.save_report.clicked.connect(self._save_report)
        dup.addWidget(self.save_report)
        lay.addLayout(dup)
        self.report_table = QTableWidget(0, 4)
        self.report_table.setObjectName("rowReport")
        self.report_table.setHorizontalHeaderLabels(
            [self.tr("行号"), self.tr("姓名/名称"), self.tr("结果"), self.tr("原因")]
        )
        h = self.report_table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.report_table.verticalHeader().setVisible(False)
        self.report_table.setWordWrap(True)
        lay.addWidget(self.report_table, 1)
        self.stack.addWidget(page)

    def _build_done_page(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.done_label = QLabel()
        self.done_label.setObjectName("importDone")
        self.done_label.setWordWrap(True)
        lay.addWidget(self.done_label)
        lay.addStretch(1)
        self.stack.addWidget(page)

    # -- navigation ---------------------------------------------------------------------

    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        names = [self.tr("1 选择文件"), self.tr("2 核对列"), self.tr("3 预览"), self.tr("4 完成")]
        self.steps.setText(
            "　›　".join(f"<b>{n}</b>" if i == index else n for i, n in enumerate(names))
        )
        self.back.setEnabled(index in (1, 2))
        self.cancel.setVisible(index != 3)
        self.next.setText({2: self.tr("导入"), 3: self.tr("完成")}.get(index, self.tr("下一步")))

    def _back(self) -> None:
        self._show(max(0, self.stack.currentIndex() - 1))

    def _next(self) -> None:
        i = self.stack.currentIndex()
        if i == 0:
            self._read()
        elif i == 1:
            self._preview()
        elif i == 2:
            self._commit()
        else:
            self.accept()

    def _choose(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("选择要导入的文件"), "", FILE_FILTER)
        if path:
            self.file_edit.setText(path)

    def _busy(self, on: bool) -> None:
        self.next.setEnabled(not on)
        self.back.setEnabled(not on and self.stack.currentIndex() in (1, 2))

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        errors.show(exc, self, self.tr("导入"))

    # -- step 1: read the file ---------------------------------------------------------------

    def _read(self) -> None:
        text = self.file_edit.text().strip()
        if not text:
            self.file_edit.setFocus()
            return
        self.path = Path(text)
        store, path, k = self.ctx.store, self.path, str(self.kind_box.currentData())
        self._busy(True)
        self.ctx.tasks.db(lambda job: ops.open_file(store, path, k)).with_progress(
            self.tr("正在读取文件…"), self
        ).owned_by(self).on_success(self._read_done).on_failure(self._failed).start()

    def _read_done(self, result: tuple[Sheet, Mapping]) -> None:
        self._busy(False)
        self.sheet, self.mapping = result
        self._fill_mapping()
        self._show(1)

    def load(self, path: Path, kind_name: str | None = None) -> None:
        """Start with a file (tests, drag and drop)."""
        if kind_name:
            self.kind_box.setCurrentIndex(self.kind_box.findData(kind_name))
        self.file_edit.setText(str(path))
        self._read()

    # -- step 2: the mapping ------------------------------------------------------------------

    def _fill_mapping(self) -> None:
        m, sheet = self.mapping, self.sheet
        assert m is not None and sheet is not None
        k = kind(m.kind)
        rows = ", ".join(str(r + 1) for r in m.header_rows)
        self.mapping_info.setText(
            self.tr(
                "工作表“{sheet}”：表头在第 {rows} 行，数据从第 {start} 行开始，共 {n} 行。"
                "请核对每一列要导入为什么；不需要的列选“不导入”。"
            ).format(
                sheet=sheet.name,
                rows=rows,
                start=m.data_start + 1,
                n=len(sheet.rows) - m.data_start,
            )
        )
        t = self.mapping_table
        t.setRowCount(len(m.columns))
        lang = i18n.lang()
        for r, c in enumerate(m.columns):
            head = QTableWidgetItem(
                c.header or self.tr("（无表头）第 {n} 列").format(n=c.index + 1)
            )
            head.setFlags(head.flags() & ~Qt.ItemFlag.ItemIsEditable)
            t.setItem(r, 0, head)
            sample = QTableWidgetItem("；".join(c.samples))
            sample.setFlags(sample.flags() & ~Qt.ItemFlag.ItemIsEditable)
            sample.setForeground(QBrush(QColor("#595959")))
            t.setItem(r, 1, sample)
            box = QComboBox()
            box.addItem(self.tr("不导入"), None)
            for f in k.fields:
                box.addItem(f.label(lang) + (" *" if f.required else ""), f.key)
            box.setCurrentIndex(max(0, box.findData(c.field)))
            box.currentIndexChanged.connect(lambda _i, col=c.index, b=box: self._remap(col, b))
            t.setCellWidget(r, 2, box)
        self._update_missing()

    def _remap(self, column: int, box: QComboBox) -> None:
        assert self.mapping is not None
        self.mapping.set(column, box.currentData())
        # A field moved from another column: show that column unmapped.
        for r, c in enumerate(self.mapping.columns):
            w = self.mapping_table.cellWidget(r, 2)
            if isinstance(w, QComboBox) and w.currentData() != c.field:
                w.blockSignals(True)
                w.setCurrentIndex(max(0, w.findData(c.field)))
                w.blockSignals(False)
        self._update_missing()

    def _update_missing(self) -> None:
        assert self.mapping is not None
        k = kind(self.mapping.kind)
        missing = importer.missing_fields(self.mapping)
        lang = i18n.lang()
        self.missing.setText(
            self.tr("还需指定：{fields}").format(
                fields="、".join(k.field(f).label(lang) for f in missing)
            )
            if missing
            else ""
        )

    # -- step 3: preview -----------------------------------------------------------------------

    def _preview(self) -> None:
        assert self.mapping is not None and self.sheet is not None
        if importer.missing_fields(self.mapping):
            self._update_missing()
            return
        store, sheet, m = self.ctx.store, self.sheet, self.mapping
        options = Options(village=self.village_box.currentData(), reason=self.reason_edit.text())
        self._busy(True)
        self.ctx.tasks.db(lambda job: ops.preview(job, store, sheet, m, options)).with_progress(
            self.tr("正在检查每一行…"), self
        ).owned_by(self).on_success(self._preview_done).on_failure(self._failed).start()

    def _preview_done(self, plan: Plan) -> None:
        self._busy(False)
        self.plan = plan
        unchanged = sum(1 for u in plan.duplicates if not u.changed)
        self.summary.setText(
            self.tr(
                "<b>{kind}</b>：可新增 <b>{new}</b> 条；"
                "已有 <b>{dup}</b> 条（其中内容相同 {same} 条）；"
                "<span style='color:#cf1322'>有错误 <b>{bad}</b> 条</span>，不会导入；"
                "空行、合计行等 {skipped} 行已跳过。"
            ).format(
                kind=plan.kind.label(i18n.lang()),
                new=len(plan.new),
                dup=len(plan.duplicates),
                same=unchanged,
                bad=len(plan.refused),
                skipped=len(plan.skipped),
            )
        )
        self.save_report.setEnabled(bool(plan.refused))
        self._fill_report()
        self._show(2)

    def _policy(self) -> Policy:
        b = self.policy.checkedButton()
        p: Policy = b.property("policy") if b is not None else "skip"
        return p

    COLOURS: ClassVar[dict[str, str]] = {"refused": "#cf1322", "duplicate": "#d48806"}

    def _fill_report(self) -> None:
        plan = self.plan
        if plan is None:
            return
        lang = i18n.lang()
        ask = self._policy() == "ask"
        # Refused rows and duplicates are what the worker must look at; new
        # rows are counted in the summary (a 25,000-row table helps no one).
        shown = [(i, u) for i, u in enumerate(plan.units) if not u.ok or u.duplicate]
        shown.sort(key=lambda iu: (iu[1].ok, iu[1].rows[0]))
        t = self.report_table
        t.setRowCount(len(shown))
        self._dup_rows: dict[int, int] = {}
        texts = {
            "refused": self.tr("错误"),
            "duplicate": self.tr("已有"),
        }
        for r, (i, u) in enumerate(shown):
            status = "refused" if not u.ok else "duplicate"
            if not u.ok:
                reason = row_report.unit_reason(plan.kind, u, lang)
            elif u.duplicate == "file":
                reason = self.tr("与第 {n} 行重复").format(n=(u.first_row or 0) + 1)
            else:
                reason = self.tr("数据库中已有") + ("" if u.changed else self.tr("（内容相同）"))
            num = QTableWidgetItem(str(u.rows[0] + 1))
            num.setData(Qt.ItemDataRole.UserRole, i)
            if status == "duplicate" and ask and u.changed:
                num.setFlags(num.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                num.setCheckState(Qt.CheckState.Unchecked)
                self._dup_rows[r] = i
            t.setItem(r, 0, num)
            t.setItem(r, 1, QTableWidgetItem(u.label))
            st = QTableWidgetItem(texts[status])
            st.setForeground(QBrush(QColor(self.COLOURS[status])))
            t.setItem(r, 2, st)
            t.setItem(r, 3, QTableWidgetItem(reason))
            for c in range(4):
                item = t.item(r, c)
                if item is not None:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        t.resizeRowsToContents()

    def chosen_updates(self) -> set[int]:
        out = set()
        for r, i in getattr(self, "_dup_rows", {}).items():
            item = self.report_table.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.add(i)
        return out

    def _save_report(self) -> None:
        if self.plan is None or self.path is None:
            return
        default = str(self.path.with_name(self.path.stem + "_错误报告.xlsx"))
        path, _f = QFileDialog.getSaveFileName(
            self, self.tr("保存错误报告"), default, "Excel (*.xlsx)"
        )
        if path:
            self.write_report(Path(path))

    def write_report(self, path: Path) -> None:
        plan, lang = self.plan, i18n.lang()
        assert plan is not None
        self.ctx.tasks.db(lambda job: ops.save_report(plan, path, lang)).owned_by(self).on_success(
            lambda n: self.summary.setText(
                self.summary.text()
                + "<br>"
                + self.tr("错误报告已保存：{path}（{n} 行）").format(path=path, n=n)
            )
        ).on_failure(self._failed).start()

    # -- step 4: commit ------------------------------------------------------------------------

    def _commit(self) -> None:
        plan = self.plan
        assert plan is not None
        if not plan.new and not (plan.duplicates and self._policy() != "skip"):
            QMessageBox.information(self, self.windowTitle(), self.tr("没有可以导入的行。"))
            return
        store, policy, chosen = self.ctx.store, self._policy(), self.chosen_updates()
        self._busy(True)
        self.ctx.tasks.db(lambda job: ops.commit(job, store, plan, policy, chosen)).with_progress(
            self.tr("正在导入…"), self
        ).owned_by(self).on_success(self._committed).on_failure(self._commit_failed).start()

    def _commit_failed(self, exc: BaseException) -> None:
        self._busy(False)
        if errors.kind(exc) == "quiet":
            self.summary.setText(
                self.summary.text() + "<br>" + self.tr("已取消，没有写入任何数据。")
            )
            return
        self._failed(exc)

    def _committed(self, result: Any) -> None:
        self._busy(False)
        plan = self.plan
        assert plan is not None
        self.done_label.setText(
            self.tr(
                "<h3>导入完成</h3><p>新增 {inserted} 条记录，更新 {updated} 条；"
                "有错误未导入 {bad} 行。</p><p>这些记录已保存在本机，下次同步时上传到服务器。</p>"
            ).format(
                inserted=sum(result.inserted.values()),
                updated=sum(result.updated.values()),
                bad=len(plan.refused),
            )
        )
        self.ctx.bus.emit_changed(*TOUCHES.get(plan.kind.name, (ALL,)))
        self._show(3)
