"""统计: counts by village, by type and for a period."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries.statistics import Statistics
from jsxclient.ui import errors
from jsxclient.ui import format as fmt
from jsxclient.ui.context import AppContext
from jsxclient.ui.operations import lists


def period(year: int, quarter: int) -> tuple[date, date]:
    """Quarter 0 is the whole year."""
    if quarter == 0:
        return date(year, 1, 1), date(year, 12, 31)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


class StatisticsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.data: Statistics | None = None
        self.setObjectName("page_statistics")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        head = QHBoxLayout()
        title = QLabel(self.tr("统计"))
        title.setObjectName("pageHeading")
        head.addWidget(title)
        head.addSpacing(16)
        self.year = QComboBox()
        self.year.setObjectName("statYear")
        this = ctx.today().year
        for y in range(this, this - 6, -1):
            self.year.addItem(self.tr("{y}年").format(y=y), y)
        self.quarter = QComboBox()
        self.quarter.setObjectName("statQuarter")
        for q, text in enumerate(
            [
                self.tr("全年"),
                self.tr("第一季度"),
                self.tr("第二季度"),
                self.tr("第三季度"),
                self.tr("第四季度"),
            ]
        ):
            self.quarter.addItem(text, q)
        head.addWidget(self.year)
        head.addWidget(self.quarter)
        self.range_label = QLabel()
        self.range_label.setObjectName("countLabel")
        head.addWidget(self.range_label)
        head.addStretch(1)
        self.export = QPushButton(self.tr("导出CSV…"))
        self.export.clicked.connect(self._export)
        head.addWidget(self.export)
        lay.addLayout(head)
        self.year.currentIndexChanged.connect(self.refresh)
        self.quarter.currentIndexChanged.connect(self.refresh)

        self.headers = [
            self.tr("村（社区）"),
            self.tr("在籍会员"),
            self.tr("期间入会"),
            self.tr("在册特殊家庭"),
            self.tr("期间走访家庭"),
            self.tr("走访覆盖率"),
            self.tr("走访次数"),
            self.tr("其中入户"),
            self.tr("活动场次"),
            self.tr("在岗志愿者"),
        ]
        self.table = QTableWidget(0, len(self.headers))
        self.table.setObjectName("villageStats")
        self.table.setHorizontalHeaderLabels(self.headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setSortingEnabled(True)
        lay.addWidget(self.table, 3)

        bottom = QHBoxLayout()
        self.by_type = QTableWidget(0, 3)
        self.by_type.setObjectName("typeStats")
        self.by_type.setHorizontalHeaderLabels([self.tr("分类"), self.tr("项目"), self.tr("数量")])
        self.by_type.verticalHeader().setVisible(False)
        self.by_type.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.by_type.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        bottom.addWidget(self.by_type)
        lay.addLayout(bottom, 2)
        self.refresh()

    def refresh(self) -> None:
        start, end = period(int(self.year.currentData()), int(self.quarter.currentData()))
        self._range = f"{start.isoformat()} — {end.isoformat()}"
        # Counting five years of a large township takes a moment: say so.
        self.range_label.setText(f"{self._range}    {self.tr('正在统计…')}")
        store, township = self.ctx.store, self.ctx.township
        self.ctx.tasks.db(lambda job: lists.statistics(store, township, start, end)).latest(
            "statistics"
        ).owned_by(self).on_success(self._show).start()

    def _rows(self, s: Statistics) -> list[list[object]]:
        out: list[list[object]] = []
        for v in s.villages:
            cover = f"{v.families_visited / v.families:.0%}" if v.families else "—"
            out.append(
                [
                    v.name,
                    v.members,
                    v.members_joined,
                    v.families,
                    v.families_visited,
                    cover,
                    v.visits,
                    v.home_visits,
                    v.activities,
                    v.volunteers,
                ]
            )
        vs = s.villages
        fam = sum(v.families for v in vs)
        vis = sum(v.families_visited for v in vs)
        out.append(
            [
                self.tr("合计"),
                sum(v.members for v in vs),
                sum(v.members_joined for v in vs),
                fam,
                vis,
                f"{vis / fam:.0%}" if fam else "—",
                sum(v.visits for v in vs),
                sum(v.home_visits for v in vs),
                sum(v.activities for v in vs),
                sum(v.volunteers for v in vs),
            ]
        )
        return out

    def _show(self, s: Statistics) -> None:
        self.data = s
        self.range_label.setText(self._range)
        rows = self._rows(s)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                item = QTableWidgetItem()
                if isinstance(v, int):
                    item.setData(Qt.ItemDataRole.DisplayRole, v)
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                else:
                    item.setText(str(v))
                if r == len(rows) - 1:
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                self.table.setItem(r, c, item)
        typed: list[tuple[str, str, str]] = []
        for t, n, people in s.activities_by_type:
            typed.append(
                (
                    self.tr("活动类型"),
                    fmt.code("activity_type", t),
                    self.tr("{n} 场，{p} 人次").format(n=n, p=people),
                )
            )
        for k, n in s.families_by_category:
            typed.append((self.tr("特殊家庭类别"), fmt.code("family_category", k), str(n)))
        for k, n in s.visits_by_mode:
            typed.append((self.tr("走访方式"), fmt.code("visit_mode", k), str(n)))
        for k, n in s.members_by_role:
            typed.append((self.tr("会员角色"), fmt.code("member_role", k), str(n)))
        for k, n, fen in s.subsidies_by_status:
            typed.append(
                (
                    self.tr("关怀补贴"),
                    fmt.code("subsidy_status", k),
                    self.tr("{n} 笔，{m} 元").format(n=n, m=fmt.money(fen)),
                )
            )
        self.by_type.setRowCount(len(typed))
        for r, row3 in enumerate(typed):
            for c, text in enumerate(row3):
                self.by_type.setItem(r, c, QTableWidgetItem(text))

    def _export(self) -> None:
        if self.data is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("导出统计"),
            f"统计-{self.data.start}-{self.data.end}.csv",
            self.tr("CSV 文件 (*.csv)"),
        )
        if not name:
            return
        rows: list[list[object]] = [list(self.headers), *self._rows(self.data)]

        store = self.ctx.store

        def write(job: object) -> None:
            # Figures only, no person; still an export, so allowed and audited.
            store.require("export")
            with Path(name).open("w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f).writerows(rows)
            store.audit("export", Path(name).name, detail="statistics")

        self.ctx.tasks.db(write).on_failure(
            lambda exc: errors.show(exc, self, self.tr("导出统计"))
        ).start()
