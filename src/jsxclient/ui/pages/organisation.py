"""组织: the township's and villages' associations, their officers (every
term, so the 换届 history stays) and member groups."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries.organisation import AssociationRow, associations
from jsxclient.store.search import pinyin_key
from jsxclient.ui import format as fmt
from jsxclient.ui.context import AppContext, touches
from jsxclient.ui.widgets import ChildTable, open_form


class OrganisationPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("page_organisation")
        self.rows: dict[str, AssociationRow] = {}
        self.current: AssociationRow | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 8)
        head = QHBoxLayout()
        title = QLabel(self.tr("组织"))
        title.setObjectName("pageHeading")
        head.addWidget(title)
        head.addStretch(1)
        self.new_assoc = QPushButton(self.tr("新增行业协会"))
        self.new_assoc.clicked.connect(self._new_association)
        head.addWidget(self.new_assoc)
        lay.addLayout(head)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(self.tr("查找协会：名称或拼音首字母 (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        ll.addWidget(self.search)
        self.tree = QTreeWidget()
        self.tree.setObjectName("associationTree")
        self.tree.setHeaderLabels([self.tr("协会"), self.tr("会员"), self.tr("负责人")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The counts as narrow as they are: the long names get the room.
        for col in (1, 2):
            self.tree.header().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.currentItemChanged.connect(self._selected)
        self.tree.itemDoubleClicked.connect(lambda *_: self._edit_association())
        ll.addWidget(self.tree)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        box = QFrame()
        box.setObjectName("summaryBox")
        bl = QHBoxLayout(box)
        self.summary = QLabel(self.tr("请在左边选择一个协会"))
        self.summary.setObjectName("familySummary")
        self.summary.setWordWrap(True)
        bl.addWidget(self.summary, 1)
        self.edit_button = QPushButton(self.tr("编辑协会"))
        self.edit_button.clicked.connect(self._edit_association)
        self.edit_button.setEnabled(False)
        bl.addWidget(self.edit_button)
        rl.addWidget(box)

        def child_ctx() -> dict[str, Any] | None:
            if self.current is None:
                return None
            return {"association_id": self.current.id, "division_code": self.current.division_code}

        self.officers = ChildTable(
            ctx, "officer", "officer", self.tr("负责人（含历届任期）"), child_ctx
        )
        self.groups = ChildTable(ctx, "membergroup", "membergroup", self.tr("会员小组"), child_ctx)
        rl.addWidget(self.officers, 3)
        rl.addWidget(self.groups, 2)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        # Two fifths for the tree whatever the language (the size hints
        # alone gave the English tree less).
        split.setSizes([2000, 3000])
        lay.addWidget(split, 1)
        ctx.bus.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changed: frozenset[str]) -> None:
        if touches(changed, "association", "member", "officer"):
            self.refresh()

    # The main window's shortcuts (jsxclient.ui.shortcuts) land here.
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_record(self) -> None:
        self._new_association()

    def refresh(self) -> None:
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: associations(store.db.connection())).latest(
            "associations"
        ).owned_by(self).on_success(self._show).start()

    def _show(self, rows: list[AssociationRow]) -> None:
        keep = self.current.id if self.current else None
        self.rows = {r.id: r for r in rows}
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        pending = list(rows)
        for r in pending:
            parent = items.get(r.parent_id or "")
            item = QTreeWidgetItem([r.name, f"{r.members:,}", str(r.officers)])
            item.setData(0, Qt.ItemDataRole.UserRole, r.id)
            item.setData(0, Qt.ItemDataRole.UserRole + 1, f"{r.name} {pinyin_key(r.name)}")
            item.setIcon(0, fmt.sync_icon(r.sync_state))
            item.setToolTip(0, fmt.sync_text(r.sync_state))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            if parent is not None:
                parent.addChild(item)
            else:
                self.tree.addTopLevelItem(item)
            items[r.id] = item
        self.tree.expandToDepth(0)
        target = items.get(keep or "") or (self.tree.topLevelItem(0))
        if target is not None:
            self.tree.setCurrentItem(target)
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        t = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:
                continue
            for j in range(top.childCount()):
                ch = top.child(j)
                if ch is not None:
                    key = str(ch.data(0, Qt.ItemDataRole.UserRole + 1))
                    ch.setHidden(bool(t) and t not in key)

    def _selected(self, item: QTreeWidgetItem | None, _prev: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        row = self.rows.get(str(item.data(0, Qt.ItemDataRole.UserRole)))
        self.current = row
        self.edit_button.setEnabled(row is not None)
        if row is None:
            return
        self.summary.setText(
            f"<b>{row.name}</b>{fmt.gap()}{fmt.code('association_level', row.level)}{fmt.gap()}"
            + self.tr("在籍会员 {m} 人，现任负责人 {o} 人").format(
                m=f"{row.members:,}", o=row.officers
            )
        )
        self.officers.set_parent_id(row.id)
        self.groups.set_parent_id(row.id)

    def _edit_association(self) -> None:
        if self.current is not None:
            open_form(self.ctx, self, "association", self.current.id)

    def _new_association(self) -> None:
        town = next((r for r in self.rows.values() if r.level == "township"), None)
        open_form(
            self.ctx,
            self,
            "association",
            None,
            {"parent_id": town.id if town else None, "division_code": self.ctx.township},
            {"level": "sector"},
        )
