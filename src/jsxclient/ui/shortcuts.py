"""The one table of keyboard shortcuts: the main window and the record form
bind their keys from it, Help → 快捷键 shows it, and the user guide's table
is checked against it (tests/ui/test_shortcuts.py).

Page actions (new, find, refresh) are window-wide shortcuts that the main
window hands to the page on screen, so they work wherever the focus is: in
the sidebar after a click or Ctrl+1…0, in a detail pane, in the status bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.ui import i18n


@dataclass(frozen=True)
class Shortcut:
    action: str
    keys: str  # QKeySequence text, as shown
    zh: str
    en: str
    where: str  # "window", "list" or "form"


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("new", "Ctrl+N", "新增一条记录", "New record", "window"),
    Shortcut("find", "Ctrl+F", "查找（到搜索框）", "Find (go to the search box)", "window"),
    Shortcut("refresh", "F5", "刷新当前页", "Refresh the page", "window"),
    Shortcut(
        "undo",
        "Ctrl+Z",
        "撤销上一次保存或删除",
        "Undo the last save or delete",
        "window",
    ),
    Shortcut("sync", "F9", "立即同步", "Sync now", "window"),
    Shortcut("lock", "Ctrl+L", "锁定屏幕", "Lock the screen", "window"),
    Shortcut(
        "page",
        "Ctrl+1 … Ctrl+0",
        "切换到左侧第 1…10 页",
        "Go to page 1…10 of the sidebar",
        "window",
    ),
    Shortcut("help", "F1", "显示快捷键", "Show the shortcuts", "window"),
    Shortcut("open", "Enter", "打开选中的记录", "Open the selected record", "list"),
    Shortcut(
        "delete", "Delete", "删除选中的记录（先确认）", "Delete the selected record (asks)", "list"
    ),
    Shortcut(
        "save",
        "Ctrl+S",
        "保存（在单行输入框中按 Enter 也保存；多行输入框中 Enter 换行）",
        "Save (Enter in a one-line box too; in a multi-line box Enter starts a new line)",
        "form",
    ),
    Shortcut(
        "save_next",
        "Ctrl+Shift+Enter",
        "保存并新增下一条",
        "Save and start the next record",
        "form",
    ),
    Shortcut(
        "cancel",
        "Esc",
        "取消（有未保存内容时先询问）",
        "Cancel (asks if anything was typed)",
        "form",
    ),
)

WHERE = {
    "window": ("任何页面", "Anywhere"),
    "list": ("列表中", "In a list"),
    "form": ("表单中", "In a form"),
}


def keys(action: str) -> str:
    """The key sequence of `action`, as QKeySequence reads it."""
    for s in SHORTCUTS:
        if s.action == action:
            return s.keys
    raise KeyError(action)


def text(s: Shortcut, lang: str) -> str:
    return s.en if lang.startswith("en") else s.zh


def where(s: Shortcut, lang: str) -> str:
    zh, en = WHERE[s.where]
    return en if lang.startswith("en") else zh


def markdown(lang: str) -> str:
    """The table as the user guide has it."""
    en = lang.startswith("en")
    head = "| Keys | What | Where |" if en else "| 按键 | 作用 | 适用 |"
    lines = [head, "| --- | --- | --- |"]
    lines += [f"| {s.keys} | {text(s, lang)} | {where(s, lang)} |" for s in SHORTCUTS]
    return "\n".join(lines)


class ShortcutsDialog(QDialog):
    """Help → 快捷键: the table, in the language shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("快捷键"))
        lang = i18n.lang()
        lay = QVBoxLayout(self)
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels([self.tr("按键"), self.tr("作用"), self.tr("适用")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, s in enumerate(SHORTCUTS):
            for c, value in enumerate((s.keys, text(s, lang), where(s, lang))):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.table = table
        self.resize(720, 540)  # every row in view, the longest line whole
