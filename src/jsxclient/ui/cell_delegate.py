"""How a list's cells are painted: their texts laid out once and kept.

Every keystroke of a search repaints the visible page of a list (about 300
cells at 1366×768), and Qt's default delegate lays out each cell's text anew
on every paint (QTextLayout, elision, the style sheet's rules): 8–9 ms of the
GUI thread per keystroke on a 2-core laptop, a third of the search's 30 ms
budget. Here a cell's text is laid out once per text and width
(`QStaticText`), the row's background and selection stay the view's (it
paints them before the delegate), and cells with an icon (the sync dot) are
painted by the default delegate as before.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from jsxclient.ui.list_model import ListModel

#: Laid-out texts kept per view; past this many the cache starts again.
CACHE_MAX = 2000


class CellDelegate(QStyledItemDelegate):
    """Paints a `ListModel`'s text cells from laid-out texts."""

    def __init__(self, model: ListModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.list_model = model
        style = parent.style()
        # Qt's own text margin in an item view cell.
        self._margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, parent) + 1
        self._texts: dict[tuple[str, int], tuple[QStaticText, float, int]] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        m = self.list_model
        r, c = index.row(), index.column()
        text = m.cell_text(r, c)
        if not text:
            if m.columns[c].kind == "sync" or option.state & QStyle.StateFlag.State_Selected:
                super().paint(painter, option, index)  # the sync dot, a selected empty cell
            return
        state = option.state
        palette = option.palette
        group = (
            QPalette.ColorGroup.Disabled
            if not state & QStyle.StateFlag.State_Enabled
            else QPalette.ColorGroup.Active
            if state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        selected = bool(state & QStyle.StateFlag.State_Selected)
        rect = option.rect
        if selected:
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.Highlight))
        width = rect.width() - 2 * self._margin
        if width <= 0:
            return
        laid = self._texts.get((text, width))
        if laid is None:
            laid = self._lay_out(option, text, width)
        static, advance, height = laid
        painter.setPen(
            palette.color(
                group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        # Placed as Qt's own delegate places a line: centred on whole pixels
        # (its height includes fallback fonts' glyphs), right-aligned on the
        # line's natural width.
        x = rect.x() + self._margin + (width - advance if m.right_aligned(c) else 0.0)
        painter.drawStaticText(QPointF(x, rect.y() + (rect.height() - height) // 2), static)

    def _lay_out(
        self, option: QStyleOptionViewItem, text: str, width: int
    ) -> tuple[QStaticText, float, int]:
        fm = option.fontMetrics
        # One line, as the default delegate shows it when words do not wrap.
        line = text.replace("\r\n", " ").replace("\n", " ")
        if fm.horizontalAdvance(line) > width:
            line = fm.elidedText(line, Qt.TextElideMode.ElideRight, width)
        static = QStaticText(line)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(font=option.font)
        if len(self._texts) >= CACHE_MAX:
            self._texts.clear()
        size = static.size()
        laid = (static, size.width(), int(size.height()))
        self._texts[(text, width)] = laid
        return laid
