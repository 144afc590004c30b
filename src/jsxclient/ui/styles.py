"""The application's look: one stylesheet, a CJK-capable font and the icon."""

from __future__ import annotations

import sys
from importlib import resources

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

FONT_CANDIDATES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)


def apply(app: QApplication) -> None:
    families = set(QFontDatabase.families())
    for name in FONT_CANDIDATES:
        if name in families:
            font = QFont(name)
            font.setPointSizeF(10.0 if sys.platform == "win32" else 10.5)
            app.setFont(font)
            break
    icon = resources.files("jsxclient.resources.icons").joinpath("jsxclient.png")
    app.setWindowIcon(QIcon(str(icon)))
    folder = resources.files("jsxclient.resources.styles")
    qss = folder.joinpath("app.qss").read_text("utf-8")
    app.setStyleSheet(qss.replace("@STYLES@", str(folder).replace("\\", "/")))
