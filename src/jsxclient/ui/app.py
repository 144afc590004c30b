"""Desktop entry point (the full UI replaces this minimal window)."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(store_path: Path, key: str | None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    win = QMainWindow()
    win.setWindowTitle("计生协数据采集 jsxclient")
    win.setCentralWidget(QLabel(f"数据库 / store: {store_path}"))
    win.resize(900, 600)
    win.show()
    return int(app.exec())
