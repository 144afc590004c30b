"""How values look in lists and labels (no database, no widgets)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from jsxclient.ui import i18n
from jsxcore import codes
from jsxcore.masking import mask, mask_id, mask_mobile

__all__ = ["mask_id", "mask_mobile"]


def money(fen: int | None) -> str:
    if fen is None:
        return ""
    return f"{fen / 100:,.2f}"


def code(table: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    return codes.label(table, str(value), i18n.lang())


def gap() -> str:
    """Between the parts of a summary line: an ideographic space in Chinese,
    a middle dot in English (rich text folds plain spaces into one)."""
    return "\u3000" if i18n.lang() == "zh" else " · "


def yes_no(value: Any) -> str:
    if value is None:
        return ""
    return (
        QCoreApplication.translate("Format", "是")
        if value
        else QCoreApplication.translate("Format", "否")
    )


def display(kind: str, value: Any) -> str:
    """A list cell's text for a column of `kind` (see queries.lists.Col)."""
    if value is None:
        return ""
    if kind.startswith("code:"):
        return code(kind[5:], value)
    if kind in ("idnum", "mobile", "bank"):
        return mask(kind, value)
    if kind == "money":
        return money(int(value))
    if kind == "bool":
        return yes_no(value)
    if kind == "sync":
        return ""
    if kind == "date":
        return str(value)[:10]
    return str(value)


SYNC_COLOURS = {
    "synced": "#3a9a5b",
    "pending": "#d48806",
    "rejected": "#cf1322",
    "conflict": "#9254de",
}


def sync_text(state: str) -> str:
    return {
        "synced": QCoreApplication.translate("Format", "已同步"),
        "pending": QCoreApplication.translate("Format", "待同步：修改只保存在本机，下次同步时上传"),
        "rejected": QCoreApplication.translate(
            "Format", "被服务器拒绝：请打开“同步”页查看原因并修改"
        ),
        "conflict": QCoreApplication.translate(
            "Format", "有冲突：与其他设备的修改不一致，请在“同步”页处理"
        ),
    }.get(state, state)


def sync_short(state: str) -> str:
    return {
        "synced": QCoreApplication.translate("Format", "已同步"),
        "pending": QCoreApplication.translate("Format", "待同步"),
        "rejected": QCoreApplication.translate("Format", "被拒绝"),
        "conflict": QCoreApplication.translate("Format", "冲突"),
    }.get(state, state)


@lru_cache(maxsize=16)
def dot(colour: str, size: int = 10) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pm)


def sync_icon(state: str) -> QIcon:
    return dot(SYNC_COLOURS.get(state, "#8c8c8c"))
