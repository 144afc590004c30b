"""The 统计 page keeps what it counted: a period chosen again shows at once,
until the records change; the cards' met/unmet colours come from app.qss."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from jsxclient.ui.context import AppContext
from jsxclient.ui.pages.statistics import StatisticsPage

from .conftest import settle


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> StatisticsPage:
    p = StatisticsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    return p


def test_a_period_counted_before_shows_at_once(
    qtbot: QtBot, ctx: AppContext, page: StatisticsPage
) -> None:
    settle(qtbot, ctx)
    october, trend = page.report, page.trend
    assert october is not None and october.period.key == "2026-10" and trend is not None
    page.set_period("2026-Q3")
    assert "正在统计" in page.range_label.text()
    settle(qtbot, ctx)
    assert page.report is not None and page.report.period.key == "2026-Q3"
    page.set_period("2026-10")
    # Shown before any answer from the database worker: no recount asked.
    assert page.report is october and page.trend is trend
    assert "正在统计" not in page.range_label.text()
    assert not ctx.tasks.running("statistics") and not ctx.tasks.running("statistics-trend")
    settle(qtbot, ctx)


def test_a_change_to_the_records_counts_again(
    qtbot: QtBot, ctx: AppContext, page: StatisticsPage
) -> None:
    settle(qtbot, ctx)
    october = page.report
    page.set_period("2026-Q3")
    settle(qtbot, ctx)
    ctx.bus.emit_changed("member")  # as every save does
    page.set_period("2026-10")
    assert "正在统计" in page.range_label.text()
    assert ctx.tasks.running("statistics")
    settle(qtbot, ctx)
    assert page.report is not None and page.report is not october
    assert page.report.period.key == "2026-10"


def test_a_card_says_met_or_not_in_its_colour(
    qtbot: QtBot, ctx: AppContext, qapp: QApplication
) -> None:
    from jsxclient.ui import styles

    font, sheet = qapp.font(), qapp.styleSheet()
    styles.apply(qapp)  # the app's own stylesheet, as shipped
    try:
        _card_colours(qtbot, ctx)
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setFont(font)


def _card_colours(qtbot: QtBot, ctx: AppContext) -> None:
    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, ctx)
    assert page.report is not None
    seen = set()
    for ind, card in page.cards.items():
        f = page.report.figures[ind]
        met = card.state.property("met")
        if f.target is None:
            assert met in (None, "")
        elif "未达标" in card.state.text():
            assert met == "false"
            assert card.state.palette().windowText().color().name().lower() == "#c62828"
        elif "达标" in card.state.text():
            assert met == "true"
            assert card.state.palette().windowText().color().name().lower() == "#2e7d32"
        seen.add(met)
    assert {"true", "false"} <= seen  # the demo data has both
