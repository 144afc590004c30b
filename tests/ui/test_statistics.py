"""The 统计 page: cards against targets, charts, the table by village, the
drill-down list, and the monthly report saved from it."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from jsxclient.reports import evaluate
from jsxclient.ui import i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.forms.form import RecordForm
from jsxclient.ui.pages.statistics import StatisticsPage
from jsxcore.indicators.catalogue import CATALOGUE
from jsxcore.indicators.periods import parse_period

from ..conftest import TOWNSHIP
from .conftest import settle


def _open(qtbot: QtBot, ctx: AppContext, width: int = 1280, height: int = 800) -> StatisticsPage:
    p = StatisticsPage(ctx)
    qtbot.addWidget(p)
    p.resize(width, height)
    p.show()
    return p


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> StatisticsPage:
    return _open(qtbot, ctx)


def test_the_page_says_when_it_is_counting_then_shows_every_card(
    qtbot: QtBot, ctx: AppContext
) -> None:
    # Hold the database worker so the count cannot come back before the
    # page is looked at (under load show() may deliver queued results).
    gate = threading.Event()
    ctx.tasks.db(lambda job: gate.wait(30)).start()
    page = _open(qtbot, ctx)
    try:
        assert "正在统计" in page.range_label.text()
    finally:
        gate.set()
    settle(qtbot, ctx)
    assert "正在统计" not in page.range_label.text()
    assert page.report is not None and page.report.period.key == "2026-10"  # last month
    assert set(page.cards) == {i.id for i in CATALOGUE}
    expected = evaluate.compute(ctx.store.db.connection(), TOWNSHIP, parse_period("2026-10"))
    members = expected.figures["members"].numerator
    assert page.cards["members"].value.text().startswith(f"{members:,.0f}")
    doctor = expected.figures["family_doctor"]
    assert ("未达标" if not doctor.met else "达标") in page.cards["family_doctor"].state.text()
    # The table by village: one row per village plus the total.
    assert page.table.rowCount() == len(expected.parts) + 1
    assert page.bars.chart is not None and page.line.chart is not None
    assert len(page.line.chart.points) == 12


def test_period_and_village_pickers(qtbot: QtBot, ctx: AppContext, page: StatisticsPage) -> None:
    settle(qtbot, ctx)
    page.set_period("2026-Q3")
    settle(qtbot, ctx)
    assert page.report is not None and page.report.period.key == "2026-Q3"
    village = page.village.itemData(1)
    page.village.setCurrentIndex(1)
    f = page.report.figures["members"]
    n = f.parts.get(village, (0, None))[0]
    assert page.cards["members"].value.text().startswith(f"{n:,.0f}")
    # The charts follow: the village's bar stands out, the trend is its own.
    settle(qtbot, ctx)
    assert page.bars.chart is not None and page.bars.chart.highlight == 0
    assert page.line.chart is not None and "—" in page.line.chart.title


def test_a_card_opens_the_rows_behind_it(
    qtbot: QtBot, ctx: AppContext, page: StatisticsPage
) -> None:
    settle(qtbot, ctx)
    assert page.report is not None
    figure = page.report.figures["members"].numerator
    page.open_drill("members")
    settle(qtbot, ctx)
    dlg = page.drill_dialog
    qtbot.waitUntil(lambda: dlg.model.total is not None)
    assert dlg.model.total == figure and f"{int(figure)}" in dlg.count_label.text()
    # A row opens its record.
    dlg.table.open_row.emit(dlg.drill.ids[0])
    forms = [w for w in QApplication.topLevelWidgets() if isinstance(w, RecordForm)]
    assert forms and forms[-1].row_id == dlg.drill.ids[0]
    dlg.close()


def test_the_monthly_report_from_the_page(
    qtbot: QtBot, ctx: AppContext, page: StatisticsPage, tmp_path: Path
) -> None:
    settle(qtbot, ctx)
    xlsx = tmp_path / "r.xlsx"
    page.save_xlsx(xlsx)
    settle(qtbot, ctx)
    assert "清水塘街道" in openpyxl.load_workbook(xlsx).worksheets[0]["A1"].value
    pdf = tmp_path / "r.pdf"
    page.save_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "2026" in text


def test_submitting_the_report_shows_its_state(
    qtbot: QtBot, ctx: AppContext, page: StatisticsPage
) -> None:
    settle(qtbot, ctx)
    assert "尚未上报" in page.submit_state.text()
    page.submit()
    settle(qtbot, ctx)
    assert page.submission is not None and page.submission.state == "submitted"
    assert "等待县级审核" in page.submit_state.text() and "尚未同步" in page.submit_state.text()
    assert page.submit_button.text() == "重新上报…"
    # The county's answer arrives with a sync (here written as the pull would).
    conn = ctx.store.db.connection()
    conn.execute(
        "UPDATE monthlyreport SET state = 'returned', review_comment = '请补报走访', "
        "reviewed_by = 'county', sync_state = 'synced'"
    )
    page.refresh()
    settle(qtbot, ctx)
    assert "县级已退回" in page.submit_state.text() and "请补报走访" in page.submit_state.text()


def test_the_print_preview_draws_the_report(
    qtbot: QtBot, ctx: AppContext, page: StatisticsPage
) -> None:
    settle(qtbot, ctx)
    page.print_button.click()
    dlg = page.preview
    drawn: list[object] = []
    dlg.paintRequested.connect(drawn.append)
    qtbot.waitUntil(lambda: dlg.isVisible())
    dlg.findChild(QPrintPreviewWidget).updatePreview()
    qtbot.waitUntil(lambda: bool(drawn))
    assert dlg.findChild(QPrintPreviewWidget).pageCount() >= 2  # the table, then the charts
    dlg.close()


def test_any_date_range(qtbot: QtBot, ctx: AppContext, page: StatisticsPage) -> None:
    settle(qtbot, ctx)
    page.set_period("2026-09-15..2026-10-14")
    settle(qtbot, ctx)
    assert page.report is not None and page.report.period.key == "2026-09-15..2026-10-14"
    assert page.date_from.isVisible() and not page.year.isVisible()
    expected = evaluate.compute(
        ctx.store.db.connection(), TOWNSHIP, parse_period("2026-09-15..2026-10-14")
    )
    assert page.report.figures["visits"].numerator == expected.figures["visits"].numerator
    # The end cannot go before the start.
    page.date_from.setDate(page.date_to.date().addDays(5))
    assert page.date_to.date() >= page.date_from.date()


def test_quick_period_changes_show_the_last(
    qtbot: QtBot, ctx: AppContext, page: StatisticsPage
) -> None:
    settle(qtbot, ctx)
    # Each change replaces (and interrupts) the one before: no error, the last wins.
    for key in ("2026-01", "2026-Q1", "2025", "2026-03-01..2026-06-30", "2026-09"):
        page.set_period(key)
    settle(qtbot, ctx)
    assert page.report is not None and page.report.period.key == "2026-09"
    assert page.trend is not None and page.trend["members"][-1][0] == "2026-09"


def _column(page: StatisticsPage, col: int) -> list[str]:
    return [page.table.item(r, col).text() for r in range(page.table.rowCount())]


def test_a_click_on_a_header_sorts_the_table_by_village(
    qtbot: QtBot, ctx: AppContext, page: StatisticsPage
) -> None:
    settle(qtbot, ctx)
    page.tabs.setCurrentWidget(page.table)
    assert page.report is not None
    header = page.table.horizontalHeader()
    col = 1 + page._table_inds.index("members")
    villages = _column(page, 0)
    total = villages[-1]
    assert total == "合计"
    expected = sorted(
        (page.report.figures["members"].part_value(code) or 0.0, name)
        for code, name in page.report.parts
    )

    def click(c: int) -> None:
        x = header.sectionViewportPosition(c) + header.sectionSize(c) // 2
        qtbot.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
        )

    page.table.scrollTo(page.table.model().index(0, col))
    click(col)
    numbers = [float(t.replace(",", "")) for t in _column(page, col)[:-1]]
    # By number (not text: "1,000" after "999"), the total still last.
    assert numbers == sorted(numbers) and numbers == [n for n, _ in expected]
    assert _column(page, 0)[-1] == total
    click(col)
    numbers = [float(t.replace(",", "")) for t in _column(page, col)[:-1]]
    assert numbers == sorted(numbers, reverse=True)
    assert _column(page, 0)[-1] == total
    assert _column(page, 0)[0] == expected[-1][1]  # the most members first
    page.table.scrollTo(page.table.model().index(0, 0))
    click(0)
    assert _column(page, 0) == villages
    # A new period keeps the order the user chose.
    click(col)
    page.set_period("2026-Q3")
    settle(qtbot, ctx)
    numbers = [float(t.replace(",", "")) for t in _column(page, col)[:-1]]
    assert numbers == sorted(numbers) and _column(page, 0)[-1] == total


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_headers_of_the_table_by_village_are_whole(
    qtbot: QtBot, ctx: AppContext, language: str
) -> None:
    i18n.install(language)
    p = _open(qtbot, ctx, 1366, 700)
    settle(qtbot, ctx)
    p.tabs.setCurrentWidget(p.table)
    header = p.table.horizontalHeader()
    texts = [p.table.horizontalHeaderItem(c).text() for c in range(p.table.columnCount())]
    assert ("Members on the books" in texts) == (language == "en")
    bold = header.font()
    bold.setWeight(QFont.Weight.DemiBold)
    fm = QFontMetrics(bold)
    short = [
        (t, header.sectionSize(c), fm.horizontalAdvance(t))
        for c, t in enumerate(texts)
        # The header's padding (6 px a side in app.qss) and the sort arrow.
        if header.sectionSize(c) < fm.horizontalAdvance(t) + 12 + 16
    ]
    assert short == []


def test_the_pickers_read_whole_in_english(qtbot: QtBot, ctx: AppContext) -> None:
    i18n.install("en")
    p = _open(qtbot, ctx, 1366, 700)
    settle(qtbot, ctx)
    assert p.sub.currentText() == "Oct"  # not a bare "10"
    assert p.village.currentText() == "Whole township"
    # The text and the drop-down arrow fit the box.
    room = p.village.width() - p.village.fontMetrics().horizontalAdvance("Whole township")
    assert room >= 24, room


def test_a_cards_state_wraps_between_its_parts_in_english(qtbot: QtBot, ctx: AppContext) -> None:
    i18n.install("en")
    page = _open(qtbot, ctx, 1366, 697)
    settle(qtbot, ctx)
    states = [c.state.text() for c in page.cards.values() if c.state.property("met") == "false"]
    assert states
    for text in states:
        # "119 / 138  target 100.0%  not met": a narrow card breaks at the
        # double spaces only, so "not met" never ends up on two lines.
        assert text.endswith("not\u00a0met"), text
        assert all(" " not in part for part in text.split("  ")), text
