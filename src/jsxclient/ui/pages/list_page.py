"""A page that lists one kind of record: search as you type, filters,
sortable columns, lazy loading, and the record's form on Enter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries.paging import Query
from jsxclient.ui import errors
from jsxclient.ui.context import AppContext
from jsxclient.ui.export_actions import TransferButtons
from jsxclient.ui.list_model import ListModel
from jsxclient.ui.operations.records import Saved
from jsxclient.ui.widgets import (
    FilterBar,
    FilterSpec,
    RecordTable,
    confirm_delete,
    open_form,
)

#: How far down a list a record just saved is looked for (pages of 100).
SEEK_ROWS = 3000


class ListPage(QWidget):
    selected = Signal(object)  # row id or None

    def __init__(
        self,
        ctx: AppContext,
        list_name: str,
        entity: str,
        title: str,
        search_hint: str,
        filters: list[FilterSpec],
        detail: QWidget | None = None,
        form_context: Callable[[], dict[str, Any]] | None = None,
        parent: QWidget | None = None,
        registers: Sequence[str] = (),
        import_kind: str | None = None,
        detail_share: float = 0.3,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entity = entity
        self.form_context = form_context or (lambda: {})
        self.setObjectName(f"page_{list_name}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 8)
        lay.setSpacing(8)

        head = QHBoxLayout()
        heading = QLabel(title)
        heading.setObjectName("pageHeading")
        self.heading = heading
        head.addWidget(heading)
        head.addSpacing(12)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        head.addWidget(self.count_label)
        head.addStretch(1)
        self.transfer = TransferButtons(self, registers, import_kind)
        if self.transfer.import_button is not None:
            head.addWidget(self.transfer.import_button)
        head.addWidget(self.transfer.export_button)
        self.new_button = QPushButton(self.tr("新增 (Ctrl+N)"))
        self.new_button.setObjectName("newButton")
        self.new_button.clicked.connect(self.new_record)
        # The role decides (the write path refuses anyway; here it is not offered).
        self.new_button.setEnabled(ctx.store.allowed("create", entity))
        head.addWidget(self.new_button)
        lay.addLayout(head)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(search_hint)
        self.search.setClearButtonEnabled(True)
        # It grows with the window; at its minimum the filters still fit 1366 px in English.
        self.search.setMinimumWidth(200)
        self.search.textChanged.connect(self._text_changed)
        self.search.returnPressed.connect(self._focus_table)
        bar.addWidget(self.search, 1)
        self.filters = FilterBar(ctx, filters)
        self.filters.changed.connect(self._filter_changed)
        bar.addWidget(self.filters)
        lay.addLayout(bar)

        self.model = ListModel(ctx, list_name, self)
        self.table = RecordTable(self.model)
        self.table.setObjectName(f"table_{list_name}")
        # The name (head, title) stays in view while the other columns scroll.
        first = next((c.key for c in self.model.columns if c.kind != "sync"), None)
        if first is not None:
            self.table.freeze_through(first)
        self.table.open_row.connect(self.edit_record)
        self.table.delete_row.connect(lambda rid: confirm_delete(ctx, self, entity, rid))
        self.model.count_changed.connect(self._count)
        self.model.failed.connect(lambda exc: errors.show(exc, self, self.tr("读取列表")))
        self.empty = QLabel(self.tr("没有符合条件的记录"))
        self.empty.setObjectName("emptyLabel")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table)
        tl.addWidget(self.empty)
        if detail is not None:
            split = QSplitter(Qt.Orientation.Vertical)
            split.addWidget(top)
            split.addWidget(detail)
            # The list first: at 1366×768 it shows a dozen rows, the detail
            # pane (`detail_share` of the height) its child records.
            split.setStretchFactor(0, 3)
            split.setStretchFactor(1, 2)
            split.setSizes([round(1000 * (1 - detail_share)), round(1000 * detail_share)])
            split.setChildrenCollapsible(False)
            lay.addWidget(split, 1)
        else:
            lay.addWidget(top, 1)
        self.selected_id: str | None = None
        sel = self.table.selectionModel()
        sel.selectionChanged.connect(self._selection)
        self.model.modelReset.connect(self._reselect)
        self.model.rowsInserted.connect(lambda *_: self._reselect())
        self._seek: str | None = None  # a saved record to find and select

        default = self.model.listdef.default_sort
        keys = [c.key for c in self.model.columns]
        self.table.horizontalHeader().setSortIndicator(
            keys.index(default) if default in keys else 0,
            Qt.SortOrder.DescendingOrder if self._default_desc() else Qt.SortOrder.AscendingOrder,
        )
        self.table.setSortingEnabled(True)
        self.model.set_query(Query(sort=default, descending=self._default_desc()))

    def _default_desc(self) -> bool:
        return self.model.listdef.descending

    def _text_changed(self, text: str) -> None:
        self.model.set_text(text)

    def _filter_changed(self, key: str, value: Any) -> None:
        self.model.set_filter(key, value)

    def _count(self, n: int) -> None:
        if n < 0:
            self.count_label.setText(self.tr("正在统计…"))
            self.empty.hide()
            return
        self.count_label.setText(self.tr("共 {n} 条").format(n=f"{n:,}"))
        self.empty.setVisible(n == 0)

    def _selection(self, *_: QItemSelection) -> None:  # the current row says it all
        rid = self.table.current_id()
        if rid is not None and rid != self.selected_id:
            self.selected_id = rid
            self.selected.emit(rid)

    def _reselect(self) -> None:
        """After a reload keep the record that was shown, wherever it moved;
        a record just saved is looked for in the next pages too."""
        if self.selected_id is None:
            return
        row = self.model.row_of(self.selected_id)
        if row >= 0:
            self.table.selectRow(row)
            if self._seek == self.selected_id:
                self.table.scrollTo(self.model.index(row, 0))
                self._seek = None
        elif (
            self._seek == self.selected_id
            and self.model.canFetchMore()
            and self.model.rowCount() < SEEK_ROWS
        ):
            self.model.fetchMore()

    def show_record(self, row_id: str) -> None:
        """Show `row_id` in the detail pane (and select it if it is listed)."""
        self.selected_id = row_id
        row = self.model.row_of(row_id)
        if row >= 0:
            self.table.selectRow(row)
        self.selected.emit(row_id)

    def _focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def refresh(self) -> None:
        self.model.refresh()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_record(self) -> None:
        if not self.ctx.store.allowed("create", self.entity):
            return
        ctx = dict(self.form_context())
        village = self.model.query.filters.get("village")
        if village:
            ctx.setdefault("village", village)
        form = open_form(self.ctx, self, self.entity, None, ctx)
        form.saved.connect(self._saved)

    def edit_record(self, row_id: str) -> None:
        form = open_form(self.ctx, self, self.entity, row_id, self.form_context())
        form.saved.connect(self._saved)

    def _saved(self, saved: Saved) -> None:
        """Select the record just saved once the list has reloaded; a new one
        the current search or filters hide is still shown in the detail pane."""
        if saved.entity == self.entity:
            self._seek = saved.row_id
            self.show_record(saved.row_id)
