"""`jsxclient app`: the one door from the command line into the GUI."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from jsxclient.cli.common import store_path
from jsxclient.cli.exitcodes import ExitCode


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("app", help="打开桌面程序 / open the desktop app")
    s.set_defaults(func=cmd_app)


def cmd_app(args: argparse.Namespace) -> int:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        print(
            "没有可用的图形显示（未设置 DISPLAY），无法打开窗口。可在图形桌面中运行，"
            "或使用命令行：jsxclient --help\n"
            "No graphical display (DISPLAY is not set), so no window can open. Run it on a "
            "desktop, or use the command line: jsxclient --help",
            file=sys.stderr,
        )
        return ExitCode.NO_DISPLAY
    # Imported here so that every other command runs without Qt.
    from jsxclient.ui.app import run_app

    return run_app(store_path(args))
