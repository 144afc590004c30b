"""Printing a register and saving it as PDF: the engine's HTML laid out by
QTextDocument on A4 landscape, with a font that has Chinese glyphs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QFontDatabase, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

# Windows offices have SimSun and Microsoft YaHei; Debian's fonts-noto-cjk.
CJK_FONTS = (
    "SimSun",
    "宋体",
    "Microsoft YaHei",
    "微软雅黑",
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)


def cjk_font() -> str:
    """The first installed font with Chinese glyphs ("" lets Qt choose)."""
    families = set(QFontDatabase.families())
    return next((f for f in CJK_FONTS if f in families), "")


def _printer(printer: QPrinter | None = None) -> QPrinter:
    p = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    p.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(10, 10, 10, 10),
            QPageLayout.Unit.Millimeter,
        )
    )
    return p


def document(html: str) -> QTextDocument:
    doc = QTextDocument()
    font = QFont(cjk_font())
    font.setPointSizeF(8)
    doc.setDefaultFont(font)
    doc.setHtml(html)
    return doc


def save_pdf(html: str, path: Path) -> None:
    printer = _printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    document(html).print_(printer)


def preview(parent: QWidget, html: str, title: str) -> QPrintPreviewDialog:
    """The print preview (print, page setup and printer choice from there)."""
    printer = _printer()
    printer.setDocName(title)
    dlg = QPrintPreviewDialog(printer, parent)
    dlg.setWindowTitle(title)
    doc = document(html)
    dlg.paintRequested.connect(doc.print_)
    dlg.setProperty("document", doc)  # kept alive with the dialog
    dlg._doc = doc  # type: ignore[attr-defined]
    return dlg
