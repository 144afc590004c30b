"""The desktop's own settings, declared once with type, default and meaning.

Stored with QSettings (an INI file beside the store, so a test or a second
store gets its own). Reading or writing a key that is not declared here is a
programming error and raises KeyError. Server and account live with the sync
engine, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    description: str


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("ui/language", str, "zh_CN", "界面语言：zh_CN 中文，en 英文 / UI language"),
        Setting("ui/geometry", bytes, b"", "主窗口位置与大小 / main window geometry"),
        Setting("ui/page", int, 0, "上次打开的页面 / last page shown"),
        Setting(
            "ui/list_columns",
            str,
            "{}",
            "各列表隐藏的列（JSON：列表名 → 列） / columns hidden per list (JSON)",
        ),
        Setting(
            "sync/auto",
            bool,
            True,
            "服务器恢复可用时自动同步 / sync when the server is reachable again",
        ),
        Setting(
            "sync/check_seconds",
            int,
            60,
            "检查服务器是否可用的间隔（秒） / how often to check the server",
        ),
        Setting(
            "sync/reminder", bool, False, "下班前提醒同步 / remind to sync at the end of the day"
        ),
        Setting("sync/reminder_time", str, "17:00", "提醒时间 HH:MM / reminder time"),
        Setting("backup/dir", str, "", "上次备份的目录 / folder of the last backup"),
        Setting(
            "security/idle_minutes",
            int,
            15,
            "无操作多少分钟后锁定屏幕 / minutes without input before the screen locks",
        ),
        Setting("backup/last", str, "", "上次备份的时间 / when the last backup was made"),
    )
}


class Settings(QObject):
    changed = Signal(str)

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if path is None:
            self._qs = QSettings("hnjsx", "jsxclient")
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @staticmethod
    def declared(key: str) -> Setting:
        try:
            return SETTINGS[key]
        except KeyError:
            raise KeyError(f"undeclared setting {key!r}") from None

    def get(self, key: str) -> Any:
        s = self.declared(key)
        raw = self._qs.value(key, s.default)
        if s.type is bool:
            return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
        if s.type is int:
            try:
                return int(str(raw))
            except ValueError:
                return s.default
        if s.type is bytes:
            if isinstance(raw, QByteArray):
                return bytes(raw.data())
            return bytes(raw) if isinstance(raw, bytes | bytearray) else b""
        return str(raw) if raw is not None else s.default

    def set(self, key: str, value: Any) -> None:
        s = self.declared(key)
        if s.type is not bytes and not isinstance(value, s.type):
            raise TypeError(f"setting {key} takes {s.type.__name__}, not {type(value).__name__}")
        if self.get(key) == value:
            return
        self._qs.setValue(key, value)
        self._qs.sync()
        self.changed.emit(key)
