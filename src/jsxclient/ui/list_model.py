"""A table model over a store list, read a page at a time on the database
worker (keyset pages, `canFetchMore`/`fetchMore`); never the whole table.

`set_query` is meant to be called on every keystroke: the newest query
replaces a queued one and interrupts a running one, and a reply for an old
query is dropped. The total count is read after the first page, also
interruptible, so it never delays the next keystroke's page.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from jsxclient.store.queries.lists import LISTS, Col, ListDef
from jsxclient.store.queries.paging import Page, Query
from jsxclient.ui import format as fmt
from jsxclient.ui.context import AppContext, touches
from jsxclient.ui.i18n import QT_TRANSLATE_NOOP
from jsxclient.ui.operations import lists
from jsxclient.ui.tasks import Task

PAGE = 100
COUNT_DELAY_MS = 250
ID_ROLE = Qt.ItemDataRole.UserRole + 1
RAW_ROLE = Qt.ItemDataRole.UserRole + 2

ModelIndex = QModelIndex | QPersistentModelIndex


def column_title(list_name: str, key: str) -> str:
    """A list column's header (translated; context "Column")."""
    text = LIST_COLUMN_TITLES.get((list_name, key)) or COLUMN_TITLES.get(key, key)
    return QCoreApplication.translate("Column", text)


# Where a list's column means something else than the same key elsewhere:
# a site's or a group's "name" is not a person's 姓名.
LIST_COLUMN_TITLES: dict[tuple[str, str], str] = {
    ("site", "name"): QT_TRANSLATE_NOOP("Column", "阵地名称"),
    ("project", "name"): QT_TRANSLATE_NOOP("Column", "项目名称"),
    ("membergroup", "name"): QT_TRANSLATE_NOOP("Column", "小组名称"),
    ("projectsite", "name"): QT_TRANSLATE_NOOP("Column", "阵地名称"),
}


# Column headers in Chinese; English comes from the translation file.
COLUMN_TITLES: dict[str, str] = {
    "name": QT_TRANSLATE_NOOP("Column", "姓名"),
    "sex": QT_TRANSLATE_NOOP("Column", "性别"),
    "birth_date": QT_TRANSLATE_NOOP("Column", "出生日期"),
    "id_number": QT_TRANSLATE_NOOP("Column", "身份证号"),
    "mobile": QT_TRANSLATE_NOOP("Column", "手机号码"),
    "village": QT_TRANSLATE_NOOP("Column", "村（社区）"),
    "group": QT_TRANSLATE_NOOP("Column", "会员小组"),
    "member_type": QT_TRANSLATE_NOOP("Column", "会员类型"),
    "role": QT_TRANSLATE_NOOP("Column", "角色"),
    "card_no": QT_TRANSLATE_NOOP("Column", "会员证号"),
    "joined_on": QT_TRANSLATE_NOOP("Column", "入会日期"),
    "status": QT_TRANSLATE_NOOP("Column", "状态"),
    "sync": QT_TRANSLATE_NOOP("Column", "同步"),
    "team_level": QT_TRANSLATE_NOOP("Column", "队伍层级"),
    "registration_no": QT_TRANSLATE_NOOP("Column", "注册编号"),
    "skills": QT_TRANSLATE_NOOP("Column", "服务特长"),
    "registered_on": QT_TRANSLATE_NOOP("Column", "注册日期"),
    "active": QT_TRANSLATE_NOOP("Column", "在岗"),
    "pairings": QT_TRANSLATE_NOOP("Column", "结对家庭"),
    "head": QT_TRANSLATE_NOOP("Column", "户主"),
    "category": QT_TRANSLATE_NOOP("Column", "类别"),
    "disability_grade": QT_TRANSLATE_NOOP("Column", "伤残等级"),
    "enrolled_on": QT_TRANSLATE_NOOP("Column", "纳入日期"),
    "family_doctor_signed": QT_TRANSLATE_NOOP("Column", "家庭医生签约"),
    "last_visit": QT_TRANSLATE_NOOP("Column", "最近走访"),
    "held_on": QT_TRANSLATE_NOOP("Column", "日期"),
    "title": QT_TRANSLATE_NOOP("Column", "活动名称"),
    "type": QT_TRANSLATE_NOOP("Column", "类型"),
    "campaign": QT_TRANSLATE_NOOP("Column", "主题活动"),
    "place": QT_TRANSLATE_NOOP("Column", "地点"),
    "participant_count": QT_TRANSLATE_NOOP("Column", "参与人数"),
    "families_visited": QT_TRANSLATE_NOOP("Column", "走访家庭"),
    "funds_raised_fen": QT_TRANSLATE_NOOP("Column", "募集资金（元）"),
    "kind": QT_TRANSLATE_NOOP("Column", "类别"),
    "address": QT_TRANSLATE_NOOP("Column", "地址"),
    "opened_on": QT_TRANSLATE_NOOP("Column", "建成日期"),
    "six": QT_TRANSLATE_NOOP("Column", "“六有”达标项"),
    "year": QT_TRANSLATE_NOOP("Column", "年度"),
    "level": QT_TRANSLATE_NOOP("Column", "级别"),
    "fund_source": QT_TRANSLATE_NOOP("Column", "资金来源"),
    "amount_fen": QT_TRANSLATE_NOOP("Column", "金额（元）"),
    "sites": QT_TRANSLATE_NOOP("Column", "阵地数"),
    "rate_fen": QT_TRANSLATE_NOOP("Column", "日补贴标准（元）"),
    "post": QT_TRANSLATE_NOOP("Column", "职务"),
    "term_start": QT_TRANSLATE_NOOP("Column", "任期开始"),
    "term_end": QT_TRANSLATE_NOOP("Column", "任期结束"),
    "leader": QT_TRANSLATE_NOOP("Column", "组长"),
    "members": QT_TRANSLATE_NOOP("Column", "会员数"),
    "relation": QT_TRANSLATE_NOOP("Column", "与户主关系"),
    "since": QT_TRANSLATE_NOOP("Column", "起始日期"),
    "visit_date": QT_TRANSLATE_NOOP("Column", "走访日期"),
    "mode": QT_TRANSLATE_NOOP("Column", "方式"),
    "visitor": QT_TRANSLATE_NOOP("Column", "走访人"),
    "physical_state": QT_TRANSLATE_NOOP("Column", "身体状况"),
    "mental_state": QT_TRANSLATE_NOOP("Column", "心理状况"),
    "needs": QT_TRANSLATE_NOOP("Column", "需求"),
    "aid_fen": QT_TRANSLATE_NOOP("Column", "慰问金额（元）"),
    "major_event": QT_TRANSLATE_NOOP("Column", "重大事项"),
    "follow_up_due": QT_TRANSLATE_NOOP("Column", "下次跟进"),
    "person": QT_TRANSLATE_NOOP("Column", "人员"),
    "hospital": QT_TRANSLATE_NOOP("Column", "医院"),
    "admitted_on": QT_TRANSLATE_NOOP("Column", "入院日期"),
    "days": QT_TRANSLATE_NOOP("Column", "天数"),
    "paid_on": QT_TRANSLATE_NOOP("Column", "发放日期"),
    "family": QT_TRANSLATE_NOOP("Column", "结对家庭"),
}


_RIGHT = ("int", "money")
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_ALIGN_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
# The roles data() answers; every other role is None without a look at the row.
_ROLES = frozenset((_DISPLAY, _DECORATION, _TOOLTIP, _FOREGROUND, _ALIGN, ID_ROLE, RAW_ROLE))


class ListModel(QAbstractTableModel):
    """Rows of one `ListDef`, loaded lazily."""

    loaded = Signal(float)  # ms from set_query to the first page shown
    count_changed = Signal(int)
    failed = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        list_name: str,
        parent: QObject | None = None,
        hidden: tuple[str, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.listdef: ListDef = LISTS[list_name]
        shown = [c for c in self.listdef.columns if c.key not in hidden]
        # The sync state leads every row as a coloured dot (tooltip says more).
        self.columns: list[Col] = sorted(shown, key=lambda c: c.kind != "sync")
        self._index = [self.listdef.columns.index(c) for c in self.columns]
        self._ids: list[str] = []
        self._rows: list[tuple[Any, ...]] = []
        self._shown: list[tuple[str, ...] | None] = []  # cell texts, made when painted
        self._after: tuple[Any, ...] | None = None
        self._fetching = False
        self._generation = 0
        self._key = f"list-{id(self)}"
        self.query = Query()
        self.total: int | None = None
        self.active = True  # False: a parent filter is missing, show nothing
        self.last_plan = ""
        self._count_task: Task[int] | None = None
        self._more_task: Task[Page] | None = None
        # The total is counted once typing pauses, never between keystrokes.
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(lambda: self._count(self._generation))
        ctx.bus.changed.connect(self._data_changed)

    # -- queries --------------------------------------------------------------

    def set_query(self, q: Query, keep: int = 0) -> None:
        """Show `q`'s rows; `keep` re-reads that many rows at once (a refresh)."""
        self.query = q
        self._generation += 1
        gen = self._generation
        # A count or a next page of the old query only delays the new one.
        self._count_timer.stop()
        for side in (self._count_task, self._more_task):
            if side is not None and not side.done:
                side.cancel()
        t0 = time.perf_counter()
        if not self.active:
            self._apply(gen, Page([], [], None), t0)
            return
        limit = max(PAGE, keep)
        store = self.ctx.store
        name = self.listdef.name
        self.ctx.tasks.db(lambda job: lists.page(store, name, q, None, limit, job)).latest(
            self._key
        ).owned_by(self).on_success(lambda page: self._apply(gen, page, t0)).on_failure(
            self._failed
        ).start()

    def refresh(self) -> None:
        self.set_query(self.query, keep=len(self._ids))

    def set_text(self, text: str) -> None:
        self.set_query(replace(self.query, text=text))

    def set_filter(self, key: str, value: Any) -> None:
        filters = dict(self.query.filters)
        filters[key] = value
        self.set_query(replace(self.query, filters=filters))

    def _apply(self, gen: int, page: Page, t0: float) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self._ids = list(page.ids)
        self._rows = list(page.rows)
        self._shown = [None] * len(self._rows)
        self._after = page.after
        self._fetching = False
        self.last_plan = page.plan
        self.endResetModel()
        self.loaded.emit((time.perf_counter() - t0) * 1000)
        if page.after is None:
            self._set_total(len(self._ids))
        else:
            self.total = None
            self.count_changed.emit(-1)
            self._count_timer.start()

    def _count(self, gen: int) -> None:
        store, name, q = self.ctx.store, self.listdef.name, self.query
        self._count_task = (
            self.ctx.tasks.db(lambda job: lists.count(store, name, q, job))
            .latest(self._key + "-count")
            .owned_by(self)
            .on_success(lambda n: self._set_total(n) if gen == self._generation else None)
            .on_failure(self._failed)
            .start()
        )

    def _set_total(self, n: int) -> None:
        self.total = n
        self.count_changed.emit(n)

    def _failed(self, exc: BaseException) -> None:
        from jsxclient.store.queries.base import Interrupted

        if isinstance(exc, Interrupted):
            return
        self._fetching = False
        self.failed.emit(exc)

    def _data_changed(self, changed: frozenset[str]) -> None:
        ld = self.listdef
        related = {ld.entity, "person"} if ld.person or "person p" in ld.source else {ld.entity}
        if "JOIN specialfamily" in ld.source:
            related.add("specialfamily")
        if ld.entity == "specialfamily":
            related.add("carevisit")
        if touches(changed, *related):
            self.refresh()

    # -- lazy loading ---------------------------------------------------------

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._after is not None and not self._fetching

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._after is None or self._fetching:
            return
        self._fetching = True
        gen = self._generation
        store, name, q, after = self.ctx.store, self.listdef.name, self.query, self._after
        self._more_task = (
            self.ctx.tasks.db(lambda job: lists.page(store, name, q, after, PAGE, job))
            .latest(self._key + "-more")
            .owned_by(self)
            .on_success(lambda page: self._append(gen, page))
            .on_failure(self._failed)
            .start()
        )

    def _append(self, gen: int, page: Page) -> None:
        if gen != self._generation:
            return
        self._fetching = False
        if page.ids:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(page.ids) - 1)
            self._ids.extend(page.ids)
            self._rows.extend(page.rows)
            self._shown.extend([None] * len(page.rows))
            self._after = page.after
            self.endInsertRows()
        else:
            self._after = None

    # -- model ----------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def row_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, row_id: str) -> int:
        try:
            return self._ids.index(row_id)
        except ValueError:
            return -1

    def value(self, row: int, key: str) -> Any:
        i = self.listdef.keys.index(key)
        return self._rows[row][i]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Painting asks every visible cell for about seven roles, most of
        # which this model never sets: those return at once (the list's
        # repaint after each keystroke is in the search's latency).
        if role not in _ROLES or not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == _DISPLAY:
            return self.cell_text(r, c)
        col = self.columns[c]
        value = self._rows[r][self._index[c]]
        if role == _DECORATION:
            return fmt.sync_icon(str(value)) if col.kind == "sync" else None
        if role == _TOOLTIP:
            if col.kind == "sync":
                return fmt.sync_text(str(value))
            if col.kind in ("idnum", "mobile") and value:
                return QCoreApplication.translate(
                    "ListModel", "已隐去中间位；打开记录后可说明理由查看完整号码"
                )
            return None
        if role == _FOREGROUND:
            if col.kind == "sync" and value != "synced":
                return QBrush(QColor(fmt.SYNC_COLOURS.get(str(value), "#595959")))
            return None
        if role == _ALIGN:
            return _ALIGN_RIGHT if col.kind in _RIGHT else None
        if role == ID_ROLE:
            return self._ids[r]
        return value  # RAW_ROLE

    def cell_text(self, r: int, c: int) -> str:
        """The text a cell shows (what data() answers for DisplayRole)."""
        shown = self._shown[r]
        if shown is None:
            shown = self._shown[r] = self._format(r)
        return shown[c]

    def right_aligned(self, c: int) -> bool:
        return self.columns[c].kind in _RIGHT

    def _format(self, r: int) -> tuple[str, ...]:
        """A row's cell texts, made once when the row is first painted."""
        row = self._rows[r]
        return tuple(
            fmt.display(col.kind, row[i]) for col, i in zip(self.columns, self._index, strict=True)
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        sync = self.columns[section].kind == "sync"
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if sync else column_title(self.listdef.name, self.columns[section].key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column_title(self.listdef.name, self.columns[section].key) + (
                QCoreApplication.translate(
                    "ListModel", "：绿色已同步，橙色待同步，红色被拒绝，紫色有冲突"
                )
                if sync
                else ""
            )
        return None

    def sortable(self, section: int) -> bool:
        return self.columns[section].sort is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or not self.sortable(column):
            return
        key = self.columns[column].key
        desc = order == Qt.SortOrder.DescendingOrder
        if key == self.query.sort and desc == self.query.descending:
            return
        self.set_query(replace(self.query, sort=key, descending=desc))
