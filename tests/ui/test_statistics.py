from __future__ import annotations

from pytestqt.qtbot import QtBot

from jsxclient.ui.context import AppContext
from jsxclient.ui.pages.statistics import StatisticsPage

from ..conftest import TOWNSHIP
from .conftest import settle
from .helpers import one


def test_statistics_by_village_say_when_they_are_counting(qtbot: QtBot, ctx: AppContext) -> None:
    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert "正在统计" in page.range_label.text()
    settle(qtbot, ctx)
    assert "正在统计" not in page.range_label.text()
    villages = one(ctx.store, "SELECT count(*) FROM division WHERE parent_code = ?", TOWNSHIP)
    assert page.table.rowCount() >= villages
    members = sum(
        int(page.table.item(r, 1).text())
        for r in range(page.table.rowCount())
        if page.table.item(r, 0).text() != page.tr("合计")
    )
    assert members == one(
        ctx.store, "SELECT count(*) FROM member WHERE deleted = 0 AND status = 'active'"
    )
