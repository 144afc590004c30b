"""What every command group shares: the store it works on, expected
failures as `CliError`, and argument types."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from jsxclient.cli.exitcodes import ExitCode
from jsxclient.store.db import StoreError, default_store_path

if TYPE_CHECKING:
    from jsxclient.store.store import Store


class CliError(Exception):
    """An expected failure: printed as a message, never a traceback."""

    def __init__(self, zh: str, en: str, code: ExitCode = ExitCode.ERROR) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code


def store_path(args: argparse.Namespace) -> Path:
    raw = getattr(args, "store", None) or os.environ.get("JSXCLIENT_STORE")
    return Path(raw) if raw else default_store_path()


def store_key() -> str | None:
    return os.environ.get("JSXCLIENT_KEY") or None


def open_store(args: argparse.Namespace, must_exist: bool = True) -> Store:
    """The store named by --store / JSXCLIENT_STORE (default: the user data dir)."""
    from jsxclient.store.store import Store

    path = store_path(args)
    if must_exist and not path.exists():
        raise CliError(
            f"找不到数据库 {path}，请先运行 jsxclient init",
            f"no store at {path}; run `jsxclient init` first",
        )
    try:
        return Store.open(path, key=store_key(), user=os.environ.get("JSXCLIENT_USER", ""))
    except (StoreError, sqlite3.DatabaseError) as exc:  # e.g. a folder, no permission
        # An UpgradeError says itself what happened and what to do.
        zh = getattr(exc, "zh", "无法打开数据库（密钥错误、文件损坏或无法访问）")
        raise CliError(zh, getattr(exc, "en", str(exc))) from exc


def township_code(text: str) -> str:
    if not re.fullmatch(r"\d{12}", text):
        raise argparse.ArgumentTypeError(
            f"乡镇代码应为 12 位数字 / a township code has 12 digits: {text!r}"
        )
    return text
