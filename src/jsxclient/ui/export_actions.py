"""Export and print actions of a list page: the list as it stands (search,
filters, sort) to .xlsx or .csv, and the page's registers (台账) in their
paper layout to .xlsx, the printer or PDF; and the import wizard."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jsxclient.transfer.registers import REGISTERS, Filters
from jsxclient.transfer.tables import Reveal
from jsxclient.ui import errors, i18n, printing
from jsxclient.ui.list_model import column_title
from jsxclient.ui.operations import transfer as ops

if TYPE_CHECKING:
    from jsxclient.ui.pages.list_page import ListPage


class RevealDialog(QDialog):
    """Masked numbers by default; full ones only with a reason (audited)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revealDialog")
        self.setWindowTitle(QCoreApplication.translate("Export", "导出"))
        lay = QVBoxLayout(self)
        self.full = QCheckBox(
            QCoreApplication.translate("Export", "包含完整的身份证号和手机号（默认隐藏中间位数）")
        )
        self.full.setObjectName("revealFull")
        lay.addWidget(self.full)
        self.reason = QLineEdit()
        self.reason.setObjectName("revealReason")
        self.reason.setPlaceholderText(
            QCoreApplication.translate("Export", "理由（必填，将记入操作日志），如：报县计生协核对")
        )
        self.reason.setEnabled(False)
        lay.addWidget(self.reason)
        note = QLabel(
            QCoreApplication.translate(
                "Export", "身份证号、手机号属于个人敏感信息，请妥善保管导出的文件。"
            )
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.full.toggled.connect(self.reason.setEnabled)

    def _accept(self) -> None:
        if self.full.isChecked() and not self.reason.text().strip():
            self.reason.setFocus()
            self.reason.setStyleSheet("border:1px solid #cf1322")
            return
        self.accept()

    def reveal(self, user: str = "") -> Reveal | None:
        if not self.full.isChecked():
            return None
        return Reveal(self.reason.text().strip(), user)


def register_title(name: str) -> str:
    d = REGISTERS[name]
    return d.en if i18n.lang() == "en" else d.zh


class TransferButtons:
    """The "导入" button and the "导出/打印" menu of a list page."""

    def __init__(self, page: ListPage, registers: Sequence[str], import_kind: str | None) -> None:
        self.page = page
        self.ctx = page.ctx
        self.registers = list(registers)
        self.import_kind = import_kind
        self.import_button: QToolButton | None = None
        if import_kind:
            b = QToolButton()
            b.setObjectName("importButton")
            b.setText(QCoreApplication.translate("Export", "导入…"))
            b.clicked.connect(self.open_import)
            self.import_button = b
        self.export_button = QToolButton()
        self.export_button.setObjectName("exportButton")
        self.export_button.setText(QCoreApplication.translate("Export", "导出/打印"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.setObjectName("exportMenu")
        menu.addAction(
            QCoreApplication.translate("Export", "导出当前列表（Excel）…"),
            lambda: self.export_list("xlsx"),
        )
        menu.addAction(
            QCoreApplication.translate("Export", "导出当前列表（CSV）…"),
            lambda: self.export_list("csv"),
        )
        for name in self.registers:
            menu.addSeparator()
            title = register_title(name)
            menu.addAction(
                QCoreApplication.translate("Export", "导出{name}（Excel）…").format(name=title),
                partial(self.export_register, name),
            )
            menu.addAction(
                QCoreApplication.translate("Export", "打印{name}…").format(name=title),
                partial(self.print, name),
            )
            menu.addAction(
                QCoreApplication.translate("Export", "{name}另存为 PDF…").format(name=title),
                partial(self.save_pdf, name),
            )
        self.export_button.setMenu(menu)
        self.menu = menu

    # -- import ----------------------------------------------------------------------------

    def open_import(self) -> QDialog:
        from jsxclient.ui.import_wizard import ImportWizard

        dlg = ImportWizard(self.ctx, self.import_kind or "members", self.page.window())
        dlg.open()
        return dlg

    # -- export ------------------------------------------------------------------------------

    def _ask(self, fmt: str, default: str) -> tuple[Path, Reveal | None] | None:
        filters = {"xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)", "pdf": "PDF (*.pdf)"}[fmt]
        path, _f = QFileDialog.getSaveFileName(
            self.page,
            QCoreApplication.translate("Export", "导出到"),
            f"{default}_{date.today():%Y%m%d}.{fmt}",
            filters,
        )
        if not path:
            return None
        if not path.lower().endswith("." + fmt):
            path += "." + fmt
        ok, reveal = self.ask_reveal()
        return (Path(path), reveal) if ok else None

    def ask_reveal(self) -> tuple[bool, Reveal | None]:
        """(False, None) when the worker cancelled; else the reveal asked
        for (None: masked)."""
        dlg = RevealDialog(self.page)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False, None
        return True, dlg.reveal(self.ctx.store.user)

    def _done(self, n: int, path: Path) -> None:
        self.page.count_label.setText(
            QCoreApplication.translate("Export", "已导出 {n} 行到 {path}").format(
                n=f"{n:,}", path=path.name
            )
        )

    def export_list(self, fmt: str, target: tuple[Path, Reveal | None] | None = None) -> None:
        page = self.page
        title = page.heading.text()
        target = target or self._ask(fmt, title)
        if target is None:
            return
        path, reveal = target
        store, q = self.ctx.store, page.model.query
        list_name = page.model.listdef.name
        titles = {c.key: column_title(list_name, c.key) for c in page.model.listdef.columns}
        hidden = ("sync",)
        lang = i18n.lang()
        self.ctx.tasks.db(
            lambda job: ops.export_list(
                job, store, list_name, path, q, title, titles, hidden, lang, reveal
            )
        ).with_progress(QCoreApplication.translate("Export", "正在导出…"), page).owned_by(
            page
        ).on_success(lambda n: self._done(n, path)).on_failure(
            lambda exc: errors.show(exc, page, QCoreApplication.translate("Export", "导出"))
        ).start()

    def filters(self) -> Filters:
        f = self.page.model.query.filters
        return Filters(
            f.get("village") or None, f.get("date_from") or None, f.get("date_to") or None
        )

    def export_register(self, name: str, target: tuple[Path, Reveal | None] | None = None) -> None:
        page = self.page
        target = target or self._ask("xlsx", register_title(name))
        if target is None:
            return
        path, reveal = target
        store, filters, lang = self.ctx.store, self.filters(), i18n.lang()
        self.ctx.tasks.db(
            lambda job: ops.export_register(job, store, name, path, filters, lang, reveal)
        ).with_progress(QCoreApplication.translate("Export", "正在导出…"), page).owned_by(
            page
        ).on_success(lambda n: self._done(n, path)).on_failure(
            lambda exc: errors.show(exc, page, QCoreApplication.translate("Export", "导出"))
        ).start()

    def _html(self, name: str, reveal: Reveal | None, then: Callable[[str], None]) -> None:
        page = self.page
        store, filters, lang, font = (
            self.ctx.store,
            self.filters(),
            i18n.lang(),
            printing.cjk_font(),
        )
        self.ctx.tasks.db(
            lambda job: ops.register_html(store, name, filters, lang, reveal, font)
        ).with_progress(QCoreApplication.translate("Export", "正在准备…"), page).owned_by(
            page
        ).on_success(then).on_failure(
            lambda exc: errors.show(exc, page, QCoreApplication.translate("Export", "打印"))
        ).start()

    def print(self, name: str) -> None:
        ok, reveal = self.ask_reveal()
        if not ok:
            return
        title = register_title(name)

        def show(html: str) -> None:
            dlg = printing.preview(self.page.window(), html, title)
            dlg.open()

        self._html(name, reveal, show)

    def save_pdf(self, name: str, target: tuple[Path, Reveal | None] | None = None) -> None:
        target = target or self._ask("pdf", register_title(name))
        if target is None:
            return
        path, reveal = target

        def write(html: str) -> None:
            # Laid out on the GUI thread: QTextDocument and QPrinter are GUI objects.
            try:
                printing.save_pdf(html, path)
            except OSError as exc:
                errors.show(exc, self.page, QCoreApplication.translate("Export", "另存为 PDF"))
                return
            self.page.count_label.setText(
                QCoreApplication.translate("Export", "已保存 {path}").format(path=path.name)
            )

        self._html(name, reveal, write)
