"""统计: the indicators of a period against their targets, as cards, charts
(by village, month by month) and a table by village; every figure opens the
rows behind it; the monthly report saved as .xlsx or PDF, or printed.

Figures are computed on the database worker (a newer period replaces an
older request); the trend follows in a second task, so a period change shows
its figures first.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jsxclient.reports.evaluate import Drill
from jsxclient.reports.submit import Submission
from jsxclient.store.queries.base import Interrupted
from jsxclient.store.queries.paging import Query
from jsxclient.ui import errors, i18n, reportpdf
from jsxclient.ui.charts import ChartView
from jsxclient.ui.context import AppContext
from jsxclient.ui.list_model import ListModel
from jsxclient.ui.operations import reports as ops
from jsxclient.ui.widgets import RecordTable, open_form
from jsxcore.indicators import periods
from jsxcore.indicators.catalogue import CATALOGUE, GROUPS, INDICATORS
from jsxcore.indicators.figures import Figure, Report, format_value, unit_label

# Period kinds the picker offers, and the sub-periods of each.
KINDS = ("month", "quarter", "half", "year", "range")
NBSP = "\u00a0"


class IndicatorCard(QFrame):
    """One figure: its value, target and whether it is met; a click opens
    the rows behind it."""

    clicked = Signal(str)

    def __init__(self, indicator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.indicator = indicator
        spec = INDICATORS[indicator]
        self.setObjectName("indicatorCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(170)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(2)
        self.name = QLabel(spec.name(i18n.lang()), self)
        self.name.setWordWrap(True)
        self.name.setToolTip(spec.definition(i18n.lang()))
        self.value = QLabel("…", self)  # "…" until the figures come
        self.value.setObjectName("cardValue")
        self.state = QLabel("", self)
        self.state.setObjectName("cardState")
        self.state.setWordWrap(True)
        lay.addWidget(self.name)
        lay.addWidget(self.value)
        lay.addWidget(self.state)
        if spec.drill is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    def show_figure(self, f: Figure, village: str | None) -> None:
        spec = f.spec
        lang = i18n.lang()
        value = f.value if village is None else f.part_value(village)
        unit = "" if spec.unit == "percent" else f" {unit_label(spec, lang)}"
        self.value.setText(f"{format_value(spec, value)}{unit}")
        n, d = (
            (f.numerator, f.denominator)
            if village is None
            else f.parts.get(village, (0.0, 0.0 if f.denominator is not None else None))
        )
        detail = f"{n:,.0f} / {d:,.0f}" if spec.is_ratio and d is not None else ""
        if f.target is None:
            self.state.setText(detail)
            self._set_met(None)
            return
        met = _met(f, value)
        parts = [detail] if detail else []
        parts.append(self.tr("目标 {t}").format(t=format_value(spec, f.target)))
        if met is not None:
            parts.append(self.tr("达标") if met else self.tr("未达标"))
        # A narrow card wraps between the parts, never inside one ("not / met").
        self.state.setText("  ".join(p.replace(" ", NBSP) for p in parts))
        self._set_met(met)

    def _set_met(self, met: bool | None) -> None:
        """Green when met, red when not (app.qss: #cardState[met=...])."""
        value = "" if met is None else "true" if met else "false"
        if self.state.property("met") != value:
            self.state.setProperty("met", value)
            style = self.state.style()
            style.unpolish(self.state)
            style.polish(self.state)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if INDICATORS[self.indicator].drill is not None:
            self.clicked.emit(self.indicator)
        super().mouseReleaseEvent(event)


def _day(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def _met(f: Figure, value: float | None) -> bool | None:
    if value is None or f.target is None:
        return None
    if f.spec.better == "lower":
        return value <= f.target + 1e-9
    return value >= f.target - 1e-9


# The sort key of a cell in the table by village (UserRole holds the code).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class StatItem(QTableWidgetItem):
    """A cell of the table by village: figures sort as numbers (a missing
    one below all), names in the villages' order; the total row stays last."""

    def __init__(self, text: str, key: float | None, total: bool) -> None:
        super().__init__(text)
        self.setData(SORT_ROLE, key)
        self.total = total

    def __lt__(self, other: QTableWidgetItem) -> bool:
        table = self.tableWidget()
        descending = (
            table is not None
            and table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        )
        mine, theirs = self.total, bool(getattr(other, "total", False))
        if mine != theirs:
            # Ascending, the total is the greatest; descending, the least.
            return mine if descending else theirs
        a, b = self.data(SORT_ROLE), other.data(SORT_ROLE)
        # No figure ("—") sorts below every figure.
        if a is None or b is None:
            return a is None and b is not None
        return float(a) < float(b)


class DrillDialog(QDialog):
    """The rows behind a figure: the record list, filtered to them."""

    def __init__(self, ctx: AppContext, drill: Drill, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("drillDialog")
        self.drill = drill
        self.setWindowTitle(title)
        self.resize(900, 480)
        lay = QVBoxLayout(self)
        self.count_label = QLabel(self.tr("共 {n} 条").format(n=len(drill.ids)))
        lay.addWidget(self.count_label)
        self.model = ListModel(ctx, drill.entity, self)
        self.table = RecordTable(self.model)
        # A row opens its record, as in the list pages.
        self.table.open_row.connect(lambda rid: open_form(ctx, self, drill.entity, rid))
        lay.addWidget(self.table, 1)
        self.model.set_query(Query(filters={"ids": json.dumps(drill.ids)}))


class StatisticsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.report: Report | None = None
        self.trend: ops.Trend | None = None
        self.submission: Submission | None = None
        # The figures and trend of the periods already counted, until the
        # data change: going back to one shows it at once, no recount.
        self._reports: dict[periods.Period, Report] = {}
        self._trends: dict[periods.Period, ops.Trend] = {}
        ctx.bus.changed.connect(self._forget)
        self.setObjectName("page_statistics")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        head = QHBoxLayout()
        title = QLabel(self.tr("统计"))
        title.setObjectName("pageHeading")
        head.addWidget(title)
        head.addSpacing(16)
        self.kind = QComboBox()
        self.kind.setObjectName("statKind")
        for k, text in zip(
            KINDS,
            (self.tr("月"), self.tr("季度"), self.tr("半年"), self.tr("年"), self.tr("日期范围")),
            strict=True,
        ):
            self.kind.addItem(text, k)
        self.year = QComboBox()
        self.year.setObjectName("statYear")
        this = ctx.today().year
        for y in range(this, this - 6, -1):
            self.year.addItem(self.tr("{y}年").format(y=y), y)
        self.sub = QComboBox()
        self.sub.setObjectName("statSub")
        self.village = QComboBox()
        self.village.setObjectName("statVillage")
        # Sized for a short name, not the longest: the header fits 1366 px.
        self.village.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        whole = self.tr("全乡镇")
        # ... but "Whole township" whole.
        self.village.setMinimumContentsLength(max(9, len(whole) + 1))
        self.village.addItem(whole, None)
        for pl in ctx.places:
            if pl.code != ctx.township:
                self.village.addItem(pl.name, pl.code)
        # Any date range: from and to, both days included.
        last = periods.previous_month(ctx.today())
        self.date_from = QDateEdit(QDate(last.start.year, last.start.month, last.start.day))
        self.date_to = QDateEdit(QDate(last.end.year, last.end.month, last.end.day))
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setMaximumDate(QDate(ctx.today().year, ctx.today().month, ctx.today().day))
            d.hide()
        self.date_from.setObjectName("statFrom")
        self.date_to.setObjectName("statTo")
        self.date_to.setMinimumDate(self.date_from.date())
        self.date_from.dateChanged.connect(self._from_changed)
        self.date_to.dateChanged.connect(self.refresh)
        for w in (self.kind, self.year, self.sub, self.date_from, self.date_to, self.village):
            head.addWidget(w)
        self.range_label = QLabel()
        self.range_label.setObjectName("countLabel")
        head.addStretch(1)
        self.xlsx_button = QPushButton(self.tr("导出月报…"))
        self.xlsx_button.setObjectName("reportXlsx")
        self.pdf_button = QPushButton(self.tr("另存为 PDF…"))
        self.print_button = QPushButton(self.tr("打印…"))
        self.submit_button = QPushButton(self.tr("上报县级…"))
        self.submit_button.setObjectName("reportSubmit")
        self.submit_button.setEnabled(ctx.store.allowed("create", "monthlyreport"))
        for b in (self.xlsx_button, self.pdf_button, self.print_button, self.submit_button):
            head.addWidget(b)
        lay.addLayout(head)
        # The submission of this period and the county's answer.
        self.submit_state = QLabel()
        self.submit_state.setObjectName("submitState")
        self.submit_state.setWordWrap(True)
        # The period's dates (and "counting…") on the line below the pickers.
        status_row = QHBoxLayout()
        status_row.addWidget(self.range_label)
        status_row.addSpacing(16)
        status_row.addWidget(self.submit_state, 1)
        lay.addLayout(status_row)
        self.submit_button.clicked.connect(self._ask_submit)
        self.xlsx_button.clicked.connect(self._save_xlsx)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.print_button.clicked.connect(self._print)

        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        # Cards, by group: made inside their parents (top down), not put
        # into them afterwards, which would polish them again at each level.
        self.cards: dict[str, IndicatorCard] = {}
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.tabs.addTab(scroll, self.tr("指标"))
        inner = QWidget()
        scroll.setWidget(inner)
        grid = QGridLayout(inner)
        row = 0
        for g in GROUPS:
            heading = QLabel(g.en if i18n.lang() == "en" else g.zh, inner)
            heading.setObjectName("statGroupHeading")
            grid.addWidget(heading, row, 0, 1, 5)
            row += 1
            inds = [i for i in CATALOGUE if i.group == g.id]
            for n, ind in enumerate(inds):
                card = IndicatorCard(ind.id, inner)
                card.clicked.connect(self.open_drill)
                self.cards[ind.id] = card
                grid.addWidget(card, row + n // 5, n % 5)
            row += (len(inds) + 4) // 5
        grid.setRowStretch(row, 1)
        # Charts.
        charts = QWidget()
        cl = QVBoxLayout(charts)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(self.tr("图表指标")))
        self.chart_pick = QComboBox()
        self.chart_pick.setObjectName("chartIndicator")
        for i in CATALOGUE:
            if i.chart:
                self.chart_pick.addItem(i.name(i18n.lang()), i.id)
        pick.addWidget(self.chart_pick)
        pick.addStretch(1)
        cl.addLayout(pick)
        row2 = QHBoxLayout()
        self.bars = ChartView()
        self.bars.setObjectName("chartBars")
        self.line = ChartView()
        self.line.setObjectName("chartTrend")
        row2.addWidget(self.bars)
        row2.addWidget(self.line)
        cl.addLayout(row2, 1)
        self.chart_pick.currentIndexChanged.connect(self._show_charts)
        self.tabs.addTab(charts, self.tr("图表"))
        # By village.
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("villageStats")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # A click on a header sorts by it; the first column's puts the
        # villages back in their order.
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.cellDoubleClicked.connect(self._table_drill)
        self.tabs.addTab(self.table, self.tr("分村"))

        self.kind.currentIndexChanged.connect(self._fill_sub)
        self.year.currentIndexChanged.connect(self.refresh)
        self.sub.currentIndexChanged.connect(self.refresh)
        self.village.currentIndexChanged.connect(self._show)
        self._fill_sub()

    # -- the period ---------------------------------------------------------------

    def _fill_sub(self) -> None:
        kind = self.kind.currentData()
        self.sub.blockSignals(True)
        self.sub.clear()
        if kind == "month":
            english = QLocale(QLocale.Language.English)
            for m in range(1, 13):
                # English says the month's name ("Oct"), not a bare "10".
                name = english.monthName(m, QLocale.FormatType.ShortFormat)
                self.sub.addItem(self.tr("{m}月").format(m=m, name=name), m)
            last = periods.previous_month(self.ctx.today())
            self.sub.setCurrentIndex(last.start.month - 1)
            if last.start.year != self.ctx.today().year:
                self.year.blockSignals(True)
                self.year.setCurrentIndex(1)
                self.year.blockSignals(False)
        elif kind == "quarter":
            for q, text in enumerate(
                (
                    self.tr("第一季度"),
                    self.tr("第二季度"),
                    self.tr("第三季度"),
                    self.tr("第四季度"),
                ),
                1,
            ):
                self.sub.addItem(text, q)
        elif kind == "half":
            self.sub.addItem(self.tr("上半年"), 1)
            self.sub.addItem(self.tr("下半年"), 2)
        self.sub.setVisible(kind not in ("year", "range"))
        self.year.setVisible(kind != "range")
        self.date_from.setVisible(kind == "range")
        self.date_to.setVisible(kind == "range")
        self.sub.blockSignals(False)
        self.refresh()

    def _from_changed(self) -> None:
        # The end never before the start (a later start moves it along).
        self.date_to.setMinimumDate(self.date_from.date())
        self.refresh()

    def period(self) -> periods.Period:
        y = int(self.year.currentData())
        kind = self.kind.currentData()
        if kind == "range":
            return periods.date_range(_day(self.date_from.date()), _day(self.date_to.date()))
        n = int(self.sub.currentData() or 1)
        if kind == "month":
            return periods.month(y, n)
        if kind == "quarter":
            return periods.quarter(y, n)
        if kind == "half":
            return periods.half(y, n)
        return periods.year(y)

    def set_period(self, key: str) -> None:
        """Select the period written as `key` (2026-10, 2026-Q3 ...)."""
        p = periods.parse_period(key)
        for w in (self.kind, self.year, self.sub, self.date_from, self.date_to):
            w.blockSignals(True)
        if p.kind == "range":
            self.date_from.setDate(QDate(p.start.year, p.start.month, p.start.day))
            self.date_to.setMinimumDate(self.date_from.date())
            self.date_to.setDate(QDate(p.end.year, p.end.month, p.end.day))
        for w in (self.date_from, self.date_to):
            w.blockSignals(False)
        self.kind.setCurrentIndex(KINDS.index(p.kind) if p.kind in KINDS else 0)
        self.year.setCurrentIndex(max(0, self.year.findData(p.start.year)))
        for w in (self.kind, self.year):
            w.blockSignals(False)
        self._fill_sub()
        self.sub.blockSignals(True)
        sub = {"month": p.start.month, "quarter": (p.start.month - 1) // 3 + 1,
               "half": 1 if p.start.month == 1 else 2}.get(p.kind)  # fmt: skip
        if sub is not None:
            self.sub.setCurrentIndex(max(0, self.sub.findData(sub)))
        self.sub.blockSignals(False)
        self.refresh()

    def selected_village(self) -> str | None:
        data = self.village.currentData()
        return str(data) if data else None

    def _forget(self, _changed: object = None) -> None:
        """Records changed: a period counted before is counted again."""
        self._reports.clear()
        self._trends.clear()

    def refresh(self) -> None:
        """Show the chosen period: at once if it was counted already, else
        "counting…" while the database worker counts it (the page never
        waits for the figures)."""
        period = self.period()
        self._range = f"{period.start.isoformat()} — {period.end.isoformat()}"
        self._period = period
        store, township = self.ctx.store, self.ctx.township
        report, trend = self._reports.get(period), self._trends.get(period)
        if report is None:
            self.range_label.setText(f"{self._range}    {self.tr('正在统计…')}")
            self.ctx.tasks.db(lambda job: ops.compute(store, township, period, job)).latest(
                "statistics"
            ).owned_by(self).on_success(self._computed).on_failure(self._failed).start()
        if trend is None:
            self.ctx.tasks.db(lambda job: ops.trend(store, township, period, job)).latest(
                "statistics-trend"
            ).owned_by(self).on_success(lambda t: self._trended(t, period)).on_failure(
                self._failed
            ).start()
        else:
            self.trend = trend
        if report is not None:
            self._computed(report)

    def _failed(self, exc: BaseException) -> None:
        # A newer period replaced the request: its own answer follows.
        if isinstance(exc, Interrupted):
            return
        errors.show(exc, self, self.tr("统计"))

    def _computed(self, report: Report) -> None:
        self._reports[report.period] = report
        if report.period != self._period:
            return  # an older period's answer, after the choice moved on
        self.report = report
        self.range_label.setText(self._range)
        self._show()
        store, township, period = self.ctx.store, self.ctx.township, report.period
        self.ctx.tasks.db(lambda job: ops.submission(store, township, period)).latest(
            "statistics-submission"
        ).owned_by(self).on_success(self._show_submission).on_failure(self._failed).start()

    def _show_submission(self, s: Submission | None) -> None:
        self.submission = s
        if s is None:
            self.submit_state.setText(self.tr("本期月报尚未上报"))
            self.submit_state.setStyleSheet("")
            self.submit_button.setText(self.tr("上报县级…"))
            return
        when = (s.submitted_at or "")[:16]
        pending = s.sync_state != "synced"
        texts = {
            "submitted": self.tr("已于 {t} 上报，等待县级审核").format(t=when),
            "accepted": self.tr("县级已审核通过（{who} {t}）").format(
                who=s.reviewed_by or "", t=(s.reviewed_at or "")[:16]
            ),
            "returned": self.tr("县级已退回（{who} {t}）：{c}").format(
                who=s.reviewed_by or "", t=(s.reviewed_at or "")[:16], c=s.review_comment or ""
            ),
        }
        text = texts.get(s.state, s.state)
        if pending:
            text += self.tr("（尚未同步到服务器）")
        self.submit_state.setText(text)
        color = {"accepted": "#2E7D32", "returned": "#C62828"}.get(s.state, "")
        self.submit_state.setStyleSheet(f"color: {color};" if color else "")
        self.submit_button.setText(
            self.tr("重新上报…") if s.state != "accepted" else self.tr("已通过")
        )
        self.submit_button.setEnabled(
            s.state != "accepted" and self.ctx.store.allowed("update", "monthlyreport")
        )

    def _ask_submit(self) -> None:
        if self.report is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("上报县级"),
            self.tr("把 {p} 的月报上报到县级？下次同步时发送；县级审核前可以重新上报。").format(
                p=self.report.period.label(i18n.lang())
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.submit()

    def submit(self) -> None:
        report, store = self.report, self.ctx.store
        assert report is not None

        def done(s: Submission | None) -> None:
            self.ctx.bus.emit_changed("monthlyreport")
            self._show_submission(s)

        self.ctx.tasks.db(lambda job: ops.submit_report(store, report)).owned_by(self).on_success(
            done
        ).on_failure(lambda exc: errors.show(exc, self, self.tr("上报县级"))).start()

    def _trended(self, trend: ops.Trend, period: periods.Period) -> None:
        self._trends[period] = trend
        if period != self._period:
            return  # an older period's, after the choice moved on
        self.trend = trend
        self._show_charts()

    # -- showing ----------------------------------------------------------------------

    def _show(self) -> None:
        r = self.report
        if r is None:
            return
        village = self.selected_village()
        for ind_id, card in self.cards.items():
            f = r.figures.get(ind_id)
            if f is not None:
                card.show_figure(f, village)
        self._fill_table(r)
        self._show_charts()

    def _fill_table(self, r: Report) -> None:
        inds = [i for i in CATALOGUE if i.id in r.figures]
        lang = i18n.lang()
        table = self.table
        # Filled unsorted (rows stay where they are put), then sorted again
        # by the column the user chose.
        table.setSortingEnabled(False)
        table.clearContents()
        table.setColumnCount(len(inds) + 1)
        table.setHorizontalHeaderLabels([self.tr("村（社区）"), *(i.name(lang) for i in inds)])
        parts = [*r.parts_with_figures(), ("", self.tr("合计"))]
        table.setRowCount(len(parts))
        for row, (code, name) in enumerate(parts):
            total = not code
            item = StatItem(name, row, total)  # sorts into the villages' order
            item.setData(Qt.ItemDataRole.UserRole, code or None)
            table.setItem(row, 0, item)
            for col, ind in enumerate(inds, 1):
                f = r.figures[ind.id]
                v = f.value if total else f.part_value(code)
                cell = StatItem(format_value(ind, v), v, total)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, col, cell)
        self._table_inds = [i.id for i in inds]
        self._fit_columns()
        table.setSortingEnabled(True)

    def _fit_columns(self) -> None:
        """Every column as wide as its figures and its whole header (the
        header's bold font and padding, the sort arrow): nothing elided."""
        table = self.table
        header = table.horizontalHeader()
        table.resizeColumnsToContents()
        bold = header.font()
        bold.setWeight(QFont.Weight.DemiBold)
        fm = QFontMetrics(bold)
        for col in range(table.columnCount()):
            item = table.horizontalHeaderItem(col)
            text = item.text() if item is not None else ""
            # Padding 6 px each side (app.qss), the sort arrow and a margin.
            need = fm.horizontalAdvance(text) + 12 + 16 + 6
            if header.sectionSize(col) < need:
                header.resizeSection(col, need)

    def _show_charts(self) -> None:
        if self.report is None:
            return
        charts = reportpdf.charts_for(self.report, self.trend, i18n.lang(), self.selected_village())
        chosen = self.chart_pick.currentData()
        bars = next((c for c in charts if c.kind == "bars" and c.indicator == chosen), None)
        line = next((c for c in charts if c.kind == "trend" and c.indicator == chosen), None)
        self.bars.show_chart(bars)
        self.line.show_chart(line)

    # -- drill-down -------------------------------------------------------------------

    def open_drill(self, indicator: str, part: str | None = None) -> None:
        if self.report is None or INDICATORS[indicator].drill is None:
            return
        part = part if part is not None else self.selected_village()
        store, township, period = self.ctx.store, self.ctx.township, self.report.period
        name = INDICATORS[indicator].name(i18n.lang())
        where = dict(self.report.parts).get(part or "", "") if part else ""
        title = f"{name}  {period.label(i18n.lang())}  {where}".strip()

        def show(d: Drill) -> None:
            dlg = DrillDialog(self.ctx, d, title, self)
            self.drill_dialog = dlg
            dlg.open()

        self.ctx.tasks.db(lambda job: ops.drill(store, township, period, indicator, part)).owned_by(
            self
        ).on_success(show).on_failure(lambda exc: errors.show(exc, self, self.tr("统计"))).start()

    def _table_drill(self, row: int, col: int) -> None:
        if col == 0:
            return
        item = self.table.item(row, 0)
        part = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        ind = self._table_inds[col - 1]
        if part:
            self.open_drill(ind, str(part))
        else:
            self.open_drill_all(ind)

    def open_drill_all(self, indicator: str) -> None:
        saved = self.village.currentIndex()
        self.village.blockSignals(True)
        self.village.setCurrentIndex(0)
        self.open_drill(indicator)
        self.village.setCurrentIndex(saved)
        self.village.blockSignals(False)

    # -- the monthly report as a file or on paper ----------------------------------

    def _file_name(self, suffix: str) -> str:
        assert self.report is not None
        return f"{self.report.division_name}月报-{self.report.period.key}.{suffix}"

    def _save_xlsx(self) -> None:
        if self.report is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出月报"), self._file_name("xlsx"), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if name:
            self.save_xlsx(Path(name))

    def save_xlsx(self, path: Path) -> None:
        report, store = self.report, self.ctx.store
        assert report is not None
        self.ctx.tasks.db(lambda job: ops.save_xlsx(store, report, path)).owned_by(self).on_success(
            lambda _: self.range_label.setText(self.tr("已保存 {p}").format(p=path.name))
        ).on_failure(lambda exc: errors.show(exc, self, self.tr("导出月报"))).start()

    def _save_pdf(self) -> None:
        if self.report is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("另存为 PDF"), self._file_name("pdf"), self.tr("PDF 文件 (*.pdf)")
        )
        if name:
            self.save_pdf(Path(name))

    def save_pdf(self, path: Path) -> None:
        """Drawn on the GUI thread: QPainter on a printer is a GUI object."""
        report, store = self.report, self.ctx.store
        assert report is not None
        try:
            store.require("export")  # the role only: no database work here
            reportpdf.save_pdf(report, path, self.trend, i18n.lang())
        except OSError as exc:  # Forbidden is a PermissionError too
            errors.show(exc, self, self.tr("另存为 PDF"))
            return
        self.range_label.setText(self.tr("已保存 {p}").format(p=path.name))
        self._audit("export", report, path.name)

    def _audit(self, action: Literal["export", "print"], report: Report, obj: str) -> None:
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: ops.audit_file(store, report, action, obj)).owned_by(
            self
        ).on_failure(lambda exc: errors.show(exc, self, self.tr("操作日志"))).start()

    def _print(self) -> None:
        if self.report is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        reportpdf.setup(printer)
        dlg = QPrintPreviewDialog(printer, self)
        dlg.setWindowTitle(self.tr("打印月报"))
        report, trend, lang = self.report, self.trend, i18n.lang()
        dlg.paintRequested.connect(
            lambda p: reportpdf.render(p, report, reportpdf.charts_for(report, trend, lang), lang)
        )
        dlg.accepted.connect(lambda: self._audit("print", report, f"report:{report.period.key}"))
        self.preview = dlg
        dlg.open()
