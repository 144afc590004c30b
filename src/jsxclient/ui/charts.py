"""Charts drawn with QPainter: a bar per village and a monthly trend.

The same functions paint the 统计 page, the PDF and the printout, so the
three always agree. PySide6-Essentials has no Qt Charts; PySide6-Addons
would add it but grows the installer by tens of megabytes (QtCharts drags
in QtOpenGL and friends) for two simple chart kinds, and a plotting library
(matplotlib) more still. Sizes here scale with the rectangle, so a chart is
as legible on a 1200 dpi printer as on the screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#4472C4")
BAR_MISSED = QColor("#E07B39")
LINE = QColor("#2E75B6")
TARGET = QColor("#C62828")
GRID = QColor("#D9D9D9")
TEXT = QColor("#333333")
HIGHLIGHT = QColor("#F5A623")

Fmt = Callable[[float], str]


@dataclass(frozen=True)
class Chart:
    """What a chart shows: a title, labelled values, an optional target."""

    kind: str  # "bars" or "trend"
    title: str
    points: Sequence[tuple[str, float | None]]
    target: float | None = None
    higher_is_better: bool = True
    fmt: Fmt = lambda v: f"{v:g}"
    indicator: str = ""
    highlight: int | None = None  # the bar drawn in the accent colour (a chosen village)


def _font(family: str, px: float, bold: bool = False) -> QFont:
    f = QFont(family) if family else QFont()
    f.setPixelSize(max(1, int(px)))
    f.setBold(bold)
    return f


def paint(p: QPainter, rect: QRectF, chart: Chart, family: str = "") -> None:
    """Paint `chart` into `rect` (device units of whatever `p` paints on)."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    unit = min(rect.height() / 22, rect.width() / 40)  # one text line
    pen_w = max(1.0, unit / 12)
    p.setFont(_font(family, unit * 1.05, bold=True))
    p.setPen(TEXT)
    title_rect = QRectF(rect.left(), rect.top(), rect.width(), unit * 1.6)
    p.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, chart.title)
    values = [v for _, v in chart.points if v is not None]
    top = nice_top(max([*values, chart.target or 0, 0]))
    plot = QRectF(
        rect.left() + unit * 4.2,
        title_rect.bottom() + unit * 0.6,
        rect.width() - unit * 4.6,
        rect.height() - title_rect.height() - unit * 4.2,
    )
    # Grid and axis labels.
    p.setFont(_font(family, unit * 0.8))
    for k in range(5):
        y = plot.bottom() - plot.height() * k / 4
        p.setPen(QPen(GRID, pen_w))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(TEXT)
        p.drawText(
            QRectF(rect.left(), y - unit / 2, unit * 4, unit),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            chart.fmt(top * k / 4),
        )
    n = max(1, len(chart.points))
    step = plot.width() / n

    def y_of(v: float) -> float:
        return plot.bottom() - plot.height() * (v / top)

    if chart.kind == "bars":
        for i, (label, v) in enumerate(chart.points):
            x = plot.left() + step * i
            if v is not None:
                missed = chart.target is not None and (
                    v < chart.target if chart.higher_is_better else v > chart.target
                )
                bar = QRectF(x + step * 0.18, y_of(v), step * 0.64, plot.bottom() - y_of(v))
                p.fillRect(bar, QBrush(BAR_MISSED if missed else BAR))
                if i == chart.highlight:
                    p.setPen(QPen(HIGHLIGHT, pen_w * 3))
                    p.drawRect(bar)
                p.setPen(TEXT)
                p.drawText(
                    QRectF(x, y_of(v) - unit * 1.1, step, unit),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    chart.fmt(v),
                )
            _axis_label(p, QRectF(x, plot.bottom() + unit * 0.3, step, unit * 2.6), label)
    else:
        path = QPainterPath()
        started = False
        dots: list[QPointF] = []
        for i, (label, v) in enumerate(chart.points):
            x = plot.left() + step * (i + 0.5)
            if v is not None:
                pt = QPointF(x, y_of(v))
                dots.append(pt)
                if started:
                    path.lineTo(pt)
                else:
                    path.moveTo(pt)
                    started = True
            _axis_label(
                p, QRectF(x - step / 2, plot.bottom() + unit * 0.3, step, unit * 2.6), label
            )
        p.setPen(QPen(LINE, pen_w * 2.2))
        p.drawPath(path)
        p.setBrush(QBrush(LINE))
        for pt in dots:
            p.drawEllipse(pt, unit * 0.22, unit * 0.22)
    if chart.target is not None:
        y = y_of(chart.target)
        pen = QPen(TARGET, pen_w * 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
    p.setPen(QPen(TEXT, pen_w))
    p.drawLine(plot.bottomLeft(), plot.bottomRight())
    p.restore()


def nice_top(peak: float) -> float:
    """The axis maximum: four gridlines at round steps (1, 2, 2.5, 5 × 10ⁿ)
    above the peak; a share never beyond 100% when it stays within it."""
    if peak <= 0:
        return 1.0
    if peak <= 1.0 and peak > 0.5:
        return 1.0
    raw = peak / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return step * 4


def _axis_label(p: QPainter, r: QRectF, text: str) -> None:
    p.setPen(TEXT)
    p.drawText(
        r,
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
        text,
    )


class ChartView(QWidget):
    """A chart on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: Chart | None = None
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_chart(self, chart: Chart | None) -> None:
        self.chart = chart
        self.update()

    def paintEvent(self, event: object) -> None:
        if self.chart is None:
            return
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        paint(p, QRectF(self.rect()).adjusted(8, 6, -8, -6), self.chart, self.font().family())
        p.end()
