"""工作台: what needs doing today, and the key counts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries.dashboard import Dashboard
from jsxclient.ui import format as fmt
from jsxclient.ui.context import AppContext
from jsxclient.ui.operations import lists
from jsxclient.ui.widgets import Card


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # The last column (the reason, the matter) takes the room left, its
    # long texts elided (whole in the tooltip): no column pushed out of view.
    t.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    t.verticalHeader().setDefaultSectionSize(26)
    return t


class DashboardPage(QWidget):
    open_family = Signal(str)
    go = Signal(str)  # page key

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.data: Dashboard | None = None
        self.setObjectName("page_dashboard")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(10)
        head = QHBoxLayout()
        title = QLabel(self.tr("工作台"))
        title.setObjectName("pageHeading")
        head.addWidget(title)
        self.place = QLabel(ctx.township_name)
        self.place.setObjectName("countLabel")
        head.addSpacing(12)
        head.addWidget(self.place)
        head.addStretch(1)
        lay.addLayout(head)
        if ctx.demo:
            self.demo_banner = QLabel(
                self.tr(
                    "演示数据：这里的人员和记录都是虚构的，不能连接服务器或同步。"
                    "要正式使用，请到“设置 → 开始正式使用”。"
                )
            )
            self.demo_banner.setObjectName("demoBanner")
            self.demo_banner.setWordWrap(True)
            lay.addWidget(self.demo_banner)

        cards = QGridLayout()
        cards.setSpacing(10)
        self.cards: dict[str, Card] = {}
        specs: list[tuple[str, str, str]] = [
            ("overdue", self.tr("逾期未走访的家庭"), "families"),
            ("due_soon", self.tr("两周内应走访"), "families"),
            ("pending", self.tr("待同步的修改"), "sync"),
            ("last_sync", self.tr("上次同步"), "sync"),
            ("members", self.tr("在籍会员"), "members"),
            ("families", self.tr("在册特殊家庭"), "families"),
            ("visits_year", self.tr("今年走访记录"), "families"),
            ("activities_year", self.tr("今年活动"), "activities"),
        ]
        for i, (key, text, target) in enumerate(specs):
            card = Card(text)
            card.setObjectName(f"card_{key}")
            card.clicked.connect(lambda t=target: self.go.emit(t))
            self.cards[key] = card
            cards.addWidget(card, i // 4, i % 4)
        lay.addLayout(cards)

        lists_row = QHBoxLayout()
        left = QVBoxLayout()
        self.due_title = QLabel(self.tr("到期与逾期的走访"))
        self.due_title.setObjectName("sectionHeading")
        left.addWidget(self.due_title)
        self.due = _table(
            [
                self.tr("户主"),
                self.tr("村（社区）"),
                self.tr("类别"),
                self.tr("最近入户"),
                self.tr("此后电话等"),
                self.tr("应走访日期"),
                self.tr("原因"),
            ]
        )
        self.due.setObjectName("dueTable")
        self.due.cellDoubleClicked.connect(lambda r, c: self._open(self.due, r))
        left.addWidget(self.due)
        right = QVBoxLayout()
        self.follow_title = QLabel(self.tr("待跟进事项"))
        self.follow_title.setObjectName("sectionHeading")
        right.addWidget(self.follow_title)
        self.follow = _table(
            [
                self.tr("户主"),
                self.tr("村（社区）"),
                self.tr("跟进日期"),
                self.tr("事项"),
            ]
        )
        self.follow.setObjectName("followTable")
        # A need is a sentence: wrapped on up to three lines rather than cut
        # to its first words (English is longer still).
        self.follow.setWordWrap(True)
        self.follow.horizontalHeader().sectionResized.connect(lambda *_: self._fit_rows())
        self.follow.cellDoubleClicked.connect(lambda r, c: self._open(self.follow, r))
        right.addWidget(self.follow)
        lists_row.addLayout(left, 3)
        lists_row.addLayout(right, 2)
        lay.addLayout(lists_row, 1)
        self.hint = QLabel(self.tr("双击一行打开该家庭。按 F5 刷新。"))
        self.hint.setObjectName("hintLabel")
        lay.addWidget(self.hint)
        ctx.bus.changed.connect(lambda _c: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        store, today = self.ctx.store, self.ctx.today()
        self.ctx.tasks.db(lambda job: lists.dashboard(store, today)).latest("dashboard").owned_by(
            self
        ).on_success(self._show).start()

    def _show(self, d: Dashboard) -> None:
        self.data = d
        c = self.cards
        c["overdue"].set(d.overdue, self.tr("按每季度至少入户一次计"))
        c["due_soon"].set(d.due_soon)
        c["pending"].set(
            d.pending,
            self.tr("冲突 {c} · 被拒绝 {r}").format(c=d.open_conflicts, r=d.rejected)
            if d.open_conflicts or d.rejected
            else "",
        )
        c["last_sync"].set(
            (d.last_sync or "")[:16] or self.tr("从未同步"),
            fmt.sync_short("synced") if d.last_outcome == "ok" else (d.last_outcome or ""),
        )
        c["last_sync"].value.setObjectName("cardValueSmall")
        c["members"].set(
            d.counts["members"], self.tr("今年新入会 {n}").format(n=d.counts["members_new"])
        )
        c["families"].set(d.counts["families"])
        c["visits_year"].set(d.counts["visits_year"])
        c["activities_year"].set(d.counts["activities_year"])
        c["overdue"].setProperty("alert", d.overdue > 0)
        for card in c.values():
            card.style().unpolish(card)
            card.style().polish(card)
        today = self.ctx.today().isoformat()
        reason = {"visit": self.tr("季度走访"), "follow_up": self.tr("约定跟进")}
        self._fill(
            self.due,
            [
                (
                    x.family_id,
                    [
                        x.head_name,
                        x.village,
                        fmt.code("family_category", x.category),
                        x.last_home or self.tr("无"),
                        # A phone call since does not count as the quarter's visit.
                        x.last_visit if x.last_visit and x.last_visit != x.last_home else "",
                        x.due,
                        reason[x.reason],
                    ],
                    x.due < today,
                )
                for x in d.due
            ],
            red=(3, 4),
        )
        self._fill(
            self.follow,
            [
                (
                    x.family_id,
                    [
                        x.head_name,
                        x.village,
                        x.follow_up_due or "",
                        (self.tr("【重大事项】") if x.major_event else "") + (x.needs or ""),
                    ],
                    bool(x.follow_up_due and x.follow_up_due < today) or x.major_event,
                )
                for x in d.follow_ups
            ],
            red=(2, 3),
            # The visit's date in the tooltip: the follow-up date is what is due.
            tips=[self.tr("走访日期：{d}").format(d=x.visit_date) for x in d.follow_ups],
        )
        self._fit_rows()
        self.due_title.setText(self.tr("到期与逾期的走访（{n}）").format(n=len(d.due)))
        self.follow_title.setText(self.tr("待跟进事项（{n}）").format(n=len(d.follow_ups)))

    def _fill(
        self,
        table: QTableWidget,
        rows: list[tuple[str, list[str], bool]],
        red: tuple[int, ...],
        tips: list[str] | None = None,
    ) -> None:
        """Rows of (family id, cells, alert): an alert's `red` columns in red;
        the last cell's tooltip its whole text (and the row's `tips` line)."""
        table.setRowCount(len(rows))
        brush = QBrush(QColor("#cf1322"))
        for r, (fid, cells, alert) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(Qt.ItemDataRole.UserRole, fid)
                if c == len(cells) - 1:
                    item.setToolTip("\n".join([str(text), *([tips[r]] if tips else [])]))
                if alert and c in red:
                    item.setForeground(brush)
                table.setItem(r, c, item)

    def _fit_rows(self) -> None:
        t = self.follow
        one = t.verticalHeader().defaultSectionSize()
        most = one + 2 * t.fontMetrics().lineSpacing()  # three lines
        for r in range(t.rowCount()):
            t.setRowHeight(r, max(one, min(most, t.sizeHintForRow(r))))

    def _open(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.open_family.emit(str(item.data(Qt.ItemDataRole.UserRole)))
