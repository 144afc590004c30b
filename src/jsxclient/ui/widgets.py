"""Small widgets shared by the pages: record tables with their actions, the
filter bar, dashboard cards."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries.paging import Query
from jsxclient.ui import errors, i18n
from jsxclient.ui.cell_delegate import CellDelegate
from jsxclient.ui.context import AppContext
from jsxclient.ui.forms.editors import DateEditor
from jsxclient.ui.forms.form import RecordForm
from jsxclient.ui.list_model import ListModel
from jsxclient.ui.operations import records
from jsxclient.ui.settings import Settings
from jsxcore import codes


def hidden_columns(settings: Settings) -> dict[str, list[str]]:
    """The columns the worker hid, per list (setting ui/list_columns)."""
    try:
        raw = json.loads(str(settings.get("ui/list_columns")) or "{}")
    except ValueError:
        return {}
    return {str(k): [str(x) for x in v] for k, v in raw.items()} if isinstance(raw, dict) else {}


# A list column no wider than this at first (unless the list has room).
CAPPED_WIDTH = 260


class RecordTable(QTableView):
    """A list view: Enter or double-click opens, Delete asks then deletes."""

    open_row = Signal(str)
    delete_row = Signal(str)

    def __init__(self, model: ListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.list_model = model
        self.setItemDelegate(CellDelegate(model, self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(True)
        h.setHighlightSections(False)
        self.doubleClicked.connect(self._open_index)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        model.modelReset.connect(self._fit_once)
        self._fitted = False
        # Columns cut to CAPPED_WIDTH (their whole width), and every column's fitted width.
        self._capped: dict[int, int] = {}
        self._widths: dict[int, int] = {}
        self.frozen: QTableView | None = None
        self._frozen_upto = -1
        h.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        h.customContextMenuRequested.connect(self._column_menu)
        self._apply_hidden()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_once()  # a list with no rows yet: its headers whole
        self._use_spare()  # filled while hidden (a tab behind): widen now

    def _fit_once(self) -> None:
        if self._fitted:
            return
        # An empty list fits its headers (an empty child list shows whole
        # headings), then its first rows when they come.
        self._fitted = self.list_model.rowCount() > 0
        self.resizeColumnsToContents()
        h = self.horizontalHeader()
        self._capped = {}
        for c in range(self.list_model.columnCount()):
            if self.list_model.columns[c].kind == "sync":
                h.resizeSection(c, 28)
            else:
                # As resizeColumnsToContents sizes it (not the last, stretched, size).
                fit = max(self.sizeHintForColumn(c), h.sectionSizeHint(c))
                natural = max(fit + 12, 64)
                h.resizeSection(c, min(natural, CAPPED_WIDTH))
                if natural > CAPPED_WIDTH:
                    self._capped[c] = natural
                self._widths[c] = min(natural, CAPPED_WIDTH)
        self._sync_frozen()
        self._use_spare()

    def _use_spare(self) -> None:
        """Long texts (a project's name) are capped so that the other columns
        stay in view; where the list has room to spare, rather than give it
        all to the last column, the capped ones get it first, up to their
        whole text (then left alone: a width set by hand stays)."""
        capped = self._capped
        if not capped or not self.isVisible():
            return
        h = self.horizontalHeader()
        shown = [c for c in range(h.count()) if not h.isSectionHidden(c)]
        if not shown:
            return
        last = max(shown, key=h.visualIndex)
        used = sum(h.sectionSize(c) for c in shown if c != last)
        spare = self.viewport().width() - used - self._widths.get(last, 64)
        for c, natural in sorted(capped.items()):
            add = min(spare, natural - h.sectionSize(c))
            if add > 0:
                h.resizeSection(c, h.sectionSize(c) + add)
                spare -= add
            if h.sectionSize(c) >= natural:
                del self._capped[c]  # whole: left as it is from now on
        self._sync_frozen()

    # -- columns the worker chose (remembered per list) ------------------------

    def _hidden_keys(self) -> set[str]:
        return set(
            hidden_columns(self.list_model.ctx.settings).get(self.list_model.listdef.name, [])
        )

    def _apply_hidden(self) -> None:
        hidden = self._hidden_keys()
        for c, col in enumerate(self.list_model.columns):
            self.setColumnHidden(c, col.key in hidden)

    def set_column_shown(self, key: str, shown: bool) -> None:
        """Show or hide a column of this list, remembered in the settings."""
        settings = self.list_model.ctx.settings
        all_hidden = hidden_columns(settings)
        name = self.list_model.listdef.name
        keys = set(all_hidden.get(name, []))
        keys = keys - {key} if shown else keys | {key}
        all_hidden[name] = sorted(keys)
        settings.set("ui/list_columns", json.dumps(all_hidden, sort_keys=True))
        self._apply_hidden()
        self._sync_frozen()

    def _column_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        menu.setObjectName("columnMenu")
        hidden = self._hidden_keys()
        for c, col in enumerate(self.list_model.columns):
            if col.kind == "sync" or c <= self._frozen_upto:
                continue  # the dot and the frozen name always show
            title = str(self.list_model.headerData(c, Qt.Orientation.Horizontal) or col.key)
            act = menu.addAction(title)
            act.setCheckable(True)
            act.setChecked(col.key not in hidden)
            act.toggled.connect(lambda on, k=col.key: self.set_column_shown(k, on))
        menu.popup(self.horizontalHeader().mapToGlobal(pos))

    # -- a frozen name column ---------------------------------------------------

    def freeze_through(self, key: str) -> None:
        """Keep the columns up to `key` (the name) in view while the others
        scroll sideways: a second view over the same model and selection,
        laid over the left edge."""
        keys = [c.key for c in self.list_model.columns]
        if key not in keys:
            return
        self._frozen_upto = keys.index(key)
        f = QTableView(self)
        f.setObjectName("frozenColumns")
        f.setModel(self.list_model)
        f.setItemDelegate(CellDelegate(self.list_model, f))
        f.setSelectionModel(self.selectionModel())
        f.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        f.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        f.setAlternatingRowColors(True)
        f.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        f.setWordWrap(False)
        f.verticalHeader().setVisible(False)
        f.verticalHeader().setDefaultSectionSize(self.verticalHeader().defaultSectionSize())
        f.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        f.horizontalHeader().setHighlightSections(False)
        f.horizontalHeader().setSectionsClickable(True)
        f.horizontalHeader().sectionClicked.connect(self._frozen_sort)
        f.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        f.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        f.setVerticalScrollMode(self.verticalScrollMode())
        f.setFrameShape(QFrame.Shape.NoFrame)
        f.doubleClicked.connect(self._open_index)
        f.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        f.customContextMenuRequested.connect(self._menu)
        self.viewport().stackUnder(f)
        self.frozen = f
        self.horizontalHeader().sectionResized.connect(lambda *_: self._sync_frozen())
        f.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(f.verticalScrollBar().setValue)
        self.list_model.modelReset.connect(self._sync_frozen)
        self._sync_frozen()
        f.show()

    def _frozen_sort(self, section: int) -> None:
        h = self.horizontalHeader()
        same = h.sortIndicatorSection() == section
        order = (
            Qt.SortOrder.DescendingOrder
            if same and h.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
            else Qt.SortOrder.AscendingOrder
        )
        h.setSortIndicator(section, order)

    def _sync_frozen(self) -> None:
        f = self.frozen
        if f is None:
            return
        width = 0
        for c in range(self.list_model.columnCount()):
            hidden = c > self._frozen_upto or self.isColumnHidden(c)
            f.setColumnHidden(c, hidden)
            if not hidden:
                f.setColumnWidth(c, self.columnWidth(c))
                width += self.columnWidth(c)
        f.horizontalHeader().setFixedHeight(self.horizontalHeader().height())
        fw = self.frameWidth()
        f.setGeometry(fw, fw, width, self.viewport().height() + self.horizontalHeader().height())
        f.verticalScrollBar().setValue(self.verticalScrollBar().value())

    def resizeEvent(self, e: Any) -> None:
        super().resizeEvent(e)
        self._use_spare()  # a wider window: the cut names first
        self._sync_frozen()

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = super().moveCursor(action, modifiers)
        f = self.frozen
        if f is not None and action == QAbstractItemView.CursorAction.MoveLeft:
            # Keep the cell the cursor reaches out from under the frozen part.
            left = self.visualRect(current).topLeft().x()
            if current.column() > self._frozen_upto and left < f.width():
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() + left - f.width())
        return current

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if self.frozen is None or index.column() > self._frozen_upto:
            super().scrollTo(index, hint)
            return
        # A frozen cell is always in view sideways: scroll up or down only.
        super().scrollTo(self.list_model.index(index.row(), self._frozen_upto + 1), hint)

    def current_id(self) -> str | None:
        idx = self.currentIndex()
        if not idx.isValid():
            return None
        return self.list_model.row_id(idx.row())

    def _open_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        rid = self.list_model.row_id(index.row())
        if rid:
            self.open_row.emit(rid)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            rid = self.current_id()
            if rid:
                self.open_row.emit(rid)
                return
        if e.matches(QKeySequence.StandardKey.Delete):
            rid = self.current_id()
            if rid:
                self.delete_row.emit(rid)
                return
        super().keyPressEvent(e)

    def _menu(self, pos: Any) -> None:
        rid = self.current_id()
        if not rid:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("打开/编辑"), lambda: self.open_row.emit(rid))
        store = self.list_model.ctx.store
        if store.allowed("delete", self.list_model.listdef.entity):
            menu.addAction(self.tr("删除…"), lambda: self.delete_row.emit(rid))
        menu.popup(self.viewport().mapToGlobal(pos))


def record_noun(entity: str) -> str:
    """What a record of `entity` is called ("会员", "走访记录" …)."""
    from jsxclient.ui.forms.layouts import LAYOUTS, title_text

    layout = LAYOUTS.get(entity)
    if layout is not None:
        return title_text(layout.title)
    return QCoreApplication.translate("Widgets", "人员") if entity == "person" else entity


def describe(named: records.Named | None, entity: str) -> str:
    """ "会员“张三”（2020-01-01）": the record a question or a message is about."""
    noun = record_noun(entity)
    if named is None or not (named.name or named.detail):
        return noun
    text = QCoreApplication.translate("Widgets", "{noun}“{name}”").format(
        noun=noun, name=named.name
    )
    if named.detail:
        text += QCoreApplication.translate("Widgets", "（{detail}）").format(detail=named.detail)
    return text


def confirm_delete(ctx: AppContext, parent: QWidget, entity: str, row_id: str) -> None:
    """Name the record, ask (Cancel is the default), then delete through the
    journaled write path: a tombstone that syncs, restorable for 30 days
    from the recycle bin and at once with Ctrl+Z."""
    if not ctx.store.allowed("delete", entity):
        return  # not offered to this role; the write path would refuse it
    store = ctx.store
    ctx.tasks.db(lambda job: records.name_of(store, entity, row_id)).owned_by(parent).on_success(
        lambda named: _ask_delete(ctx, parent, entity, row_id, describe(named, entity))
    ).start()


def _ask_delete(ctx: AppContext, parent: QWidget, entity: str, row_id: str, what: str) -> None:
    box = QMessageBox(parent)
    box.setObjectName("confirmDelete")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("Widgets", "删除"))
    box.setText(QCoreApplication.translate("Widgets", "确定删除{what}吗？").format(what=what))
    box.setInformativeText(
        QCoreApplication.translate(
            "Widgets",
            "删除后 30 天内可在“设置 → 回收站”中恢复，也可以马上按 Ctrl+Z 撤销。"
            "删除会在下次同步时通知服务器。",
        )
    )
    yes = box.addButton(
        QCoreApplication.translate("Widgets", "删除"), QMessageBox.ButtonRole.DestructiveRole
    )
    cancel = box.addButton(
        QCoreApplication.translate("Widgets", "取消"), QMessageBox.ButtonRole.RejectRole
    )
    # A stray Enter must not delete.
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)

    def deleted(steps: tuple[records.Step, ...]) -> None:
        ctx.remember(QCoreApplication.translate("Widgets", "删除{what}").format(what=what), steps)
        ctx.bus.emit_changed(entity)
        window = parent.window()
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(
                QCoreApplication.translate("Widgets", "已删除{what}。按 Ctrl+Z 可撤销。").format(
                    what=what
                ),
                15000,
            )

    def done() -> None:
        if box.clickedButton() is not yes:
            return
        store = ctx.store
        ctx.tasks.db(lambda job: records.delete(store, entity, row_id)).on_success(
            deleted
        ).on_failure(
            lambda exc: errors.show(exc, parent, QCoreApplication.translate("Widgets", "删除"))
        ).start()

    box.finished.connect(done)
    box.open()


def open_form(
    ctx: AppContext,
    parent: QWidget,
    entity: str,
    row_id: str | None = None,
    context: dict[str, Any] | None = None,
    initial: dict[str, Any] | None = None,
) -> RecordForm:
    form = RecordForm(ctx, entity, row_id, context, parent.window(), initial)
    form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window = parent.window()

    def saved(_s: object) -> None:
        # Said where the worker looks next, after the form has closed.
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            name = form.record_name()
            what = record_noun(entity) + (
                QCoreApplication.translate("Widgets", "“{name}”").format(name=name) if name else ""
            )
            bar().showMessage(
                QCoreApplication.translate("Widgets", "已保存{what}。按 Ctrl+Z 可撤销。").format(
                    what=what
                ),
                15000,
            )

    form.saved.connect(saved)
    form.open()
    if row_id is None:
        form.focus_first()
    return form


class ChildTable(QWidget):
    """A parent's small list (a family's visits ...) with add and open."""

    title_changed = Signal(str)  # "走访与联系记录（65）", for a tab showing it

    def __init__(
        self,
        ctx: AppContext,
        list_name: str,
        entity: str,
        title: str,
        context: Callable[[], dict[str, Any] | None],
        hidden: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entity = entity
        self.context = context
        self.setObjectName(f"child_{list_name}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        head = QHBoxLayout()
        self.title = QLabel(title)
        self.title.setObjectName("childTitle")
        self._title_text = title
        self.add_button = QPushButton(self.tr("＋ 新增"))
        self.add_button.setObjectName("addChild")
        self.add_button.clicked.connect(self.add)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.add_button)
        lay.addLayout(head)
        self.model = ListModel(ctx, list_name, self, hidden=hidden)
        self.model.active = False
        self.table = RecordTable(self.model)
        self.table.setObjectName(f"table_{list_name}")
        self.table.open_row.connect(self.edit)
        self.table.delete_row.connect(lambda rid: confirm_delete(ctx, self, self.entity, rid))
        self.model.count_changed.connect(self._count)
        lay.addWidget(self.table)
        self.add_button.setEnabled(False)

    def _count(self, n: int) -> None:
        text = (
            self.tr("{title}（{n}）").format(title=self._title_text, n=n)
            if n >= 0
            else self._title_text
        )
        self.title.setText(text)
        self.title_changed.emit(text)

    def set_parent_id(self, parent_id: str | None) -> None:
        self.model.active = parent_id is not None
        self.add_button.setEnabled(
            parent_id is not None and self.ctx.store.allowed("create", self.entity)
        )
        self.model.set_query(
            Query(filters={"parent": parent_id}, descending=self.model.listdef.descending)
        )

    def show_all(self) -> None:
        """Lists without a parent (subsidy rates): show every row."""
        self.model.active = True
        self.add_button.setEnabled(self.ctx.store.allowed("create", self.entity))
        self.model.set_query(Query(descending=self.model.listdef.descending))

    def add(self) -> None:
        ctx = self.context()
        if ctx is None:
            return
        open_form(self.ctx, self, self.entity, None, ctx)

    def edit(self, row_id: str) -> None:
        open_form(self.ctx, self, self.entity, row_id, self.context() or {})


class ChildTabs(QTabWidget):
    """A parent's child lists as tabs: each list gets the pane's full height
    (four small lists side by side showed three rows each at 1366×768)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # One "＋ 新增" in the tab bar's corner for the tab shown: a row more
        # of records than a button row under each tab.
        self.add_button = QPushButton(self.tr("＋ 新增"))
        self.add_button.setObjectName("addChild")
        self.add_button.clicked.connect(self._add)
        self.setCornerWidget(self.add_button, Qt.Corner.TopRightCorner)
        self.currentChanged.connect(lambda _i: self._sync_add())

    def add(self, child: ChildTable) -> None:
        # The tab carries the title and the count; the corner button adds.
        child.title.hide()
        child.add_button.hide()
        i = self.addTab(child, child.title.text())
        child.title_changed.connect(lambda text, i=i: self.setTabText(i, text))
        child.title_changed.connect(lambda _t: self._sync_add())
        self._sync_add()

    def _current(self) -> ChildTable | None:
        w = self.currentWidget()
        return w if isinstance(w, ChildTable) else None

    def _sync_add(self) -> None:
        child = self._current()
        self.add_button.setEnabled(child is not None and child.add_button.isEnabled())

    def _add(self) -> None:
        child = self._current()
        if child is not None:
            child.add()


@dataclass(frozen=True)
class FilterSpec:
    key: str  # the ListDef filter; "date" means date_from + date_to
    kind: str  # "village", "code", "choice", "date"
    label: str  # "全部状态" for a combo's first item, "日期" for a range
    table: str = ""
    choices: tuple[tuple[Any, str], ...] = ()


class FilterBar(QWidget):
    changed = Signal(str, object)  # filter key, value (None for all)

    def __init__(self, ctx: AppContext, specs: list[FilterSpec], parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.widgets: dict[str, Any] = {}
        for spec in specs:
            if spec.kind == "date":
                lay.addWidget(QLabel(spec.label))
                for key, placeholder in (("date_from", self.tr("从")), ("date_to", self.tr("到"))):
                    d = DateEditor()
                    d.setObjectName(f"filter_{key}")
                    d.edit.setPlaceholderText(placeholder)
                    d.setFixedWidth(118)
                    d.edit.editingFinished.connect(
                        lambda k=key, w=d: self.changed.emit(k, w.value() or None)
                    )
                    self.widgets[key] = d
                    lay.addWidget(d)
                continue
            combo = QComboBox()
            combo.setObjectName(f"filter_{spec.key}")
            combo.addItem(spec.label, None)
            if spec.kind == "village":
                for p in ctx.places:
                    combo.addItem(p.name, p.code)
                combo.setMaxVisibleItems(25)
            elif spec.kind == "code":
                for code, label in codes.choices(spec.table, i18n.lang()):
                    combo.addItem(label, code)
            else:
                for value, label in spec.choices:
                    combo.addItem(label, value)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(
                lambda _i, k=spec.key, c=combo: self.changed.emit(k, c.currentData())
            )
            self.widgets[spec.key] = combo
            lay.addWidget(combo)

    def set(self, key: str, value: Any) -> None:
        w = self.widgets[key]
        if isinstance(w, QComboBox):
            i = w.findData(value)
            w.setCurrentIndex(max(i, 0))
        else:
            w.set_value(value)
            self.changed.emit(key, value)


class Card(QFrame):
    """A dashboard figure: a big number and what it counts."""

    clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 10)
        lay.setSpacing(2)
        self.value = QLabel("—")
        self.value.setObjectName("cardValue")
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.note = QLabel("")
        self.note.setObjectName("cardNote")
        lay.addWidget(self.value)
        lay.addWidget(self.title)
        lay.addWidget(self.note)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, e: Any) -> None:
        self.clicked.emit()
        super().mouseReleaseEvent(e)

    def set(self, value: Any, note: str = "") -> None:
        self.value.setText(f"{value:,}" if isinstance(value, int) else str(value))
        self.note.setText(note)
