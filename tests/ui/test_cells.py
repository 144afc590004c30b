"""List cells are painted from laid-out texts (CellDelegate): they must look
exactly as Qt's own delegate paints them, and say what the model says."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QTableView
from pytestqt.qtbot import QtBot

from jsxclient.ui.cell_delegate import CellDelegate
from jsxclient.ui.context import AppContext
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.list_page import ListPage
from jsxclient.ui.widgets import RecordTable

from .conftest import settle


def _grab(table: RecordTable) -> QImage:
    table.viewport().repaint()
    if table.frozen is not None:
        table.frozen.viewport().repaint()
    QApplication.processEvents()
    return table.grab().toImage()


def _with_qt_delegate(table: RecordTable) -> QImage:
    views: list[QTableView] = [table] if table.frozen is None else [table, table.frozen]
    ours = [v.itemDelegate() for v in views]
    for v in views:
        v.setItemDelegate(QStyledItemDelegate(v))
    try:
        return _grab(table)
    finally:
        for v, d in zip(views, ours, strict=True):
            v.setItemDelegate(d)


def _members(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> ListPage:
    window.resize(1366, 697)
    page = window.show_page("members")
    assert isinstance(page, ListPage)
    settle(qtbot, ctx)
    assert isinstance(page.table.itemDelegate(), CellDelegate)
    return page


def test_cells_look_as_qts_own_delegate_paints_them(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    page = _members(qtbot, ctx, window)
    page.table.selectRow(2)  # a selected row, its text in the selection colour
    page.table.horizontalHeader().resizeSection(6, 40)  # the village column: elided
    ours = _grab(page.table)
    assert not ours.isNull()
    assert ours == _with_qt_delegate(page.table)  # pixel for pixel


def test_cells_say_what_the_model_says(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    page = _members(qtbot, ctx, window)
    m = page.model
    assert m.rowCount() > 20
    for r in range(20):
        for c in range(m.columnCount()):
            assert m.cell_text(r, c) == m.data(m.index(r, c), Qt.ItemDataRole.DisplayRole)
    # Masked as every list shows them, the new texts after a search too.
    col = [c.key for c in m.columns].index("id_number")
    assert "*" in m.cell_text(0, col)
    page.search.setText(m.value(5, "name"))
    settle(qtbot, ctx)
    assert m.cell_text(0, [c.key for c in m.columns].index("name")) == page.search.text()
