"""What every command group shares: signing in to the store it works on,
expected failures as `CliError`, and argument types.

Stores are always encrypted. Every command that opens one signs in like the
desktop does: the user from `--user` or `JSXCLIENT_USER` (or the store's one
account), the password from `JSXCLIENT_PASSWORD` (for scheduled runs; keep it
in the scheduler's protected settings, not in a script), else one line of
standard input when it is not a terminal, else a prompt."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from jsxclient.cli.exitcodes import ExitCode
from jsxclient.store.db import DB_ERRORS, StoreError, default_store_path

if TYPE_CHECKING:
    from jsxclient.security.vault import Session
    from jsxclient.store.store import Store

T = TypeVar("T")
# What opening a file that is not a usable store raises, with either driver.
OPEN_ERRORS: tuple[type[Exception], ...] = (StoreError, *DB_ERRORS)


class CliError(Exception):
    """An expected failure: printed as a message, never a traceback."""

    def __init__(self, zh: str, en: str, code: ExitCode = ExitCode.ERROR) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code


def store_path(args: argparse.Namespace) -> Path:
    raw = getattr(args, "store", None) or os.environ.get("JSXCLIENT_STORE")
    return Path(raw) if raw else default_store_path()


def username(args: argparse.Namespace) -> str:
    """--user, JSXCLIENT_USER, or the one account registered on this store."""
    user = getattr(args, "user", None) or os.environ.get("JSXCLIENT_USER", "")
    if not user:
        from jsxclient.security import vault

        registered = vault.registered_users(store_path(args))
        user = registered[0] if len(registered) == 1 else ""
    if not user:
        raise CliError(
            "请用 --user 或环境变量 JSXCLIENT_USER 指定账号",
            "name the account with --user or JSXCLIENT_USER",
            ExitCode.AUTH,
        )
    return str(user)


def read_secret(prompt: str, env: str = "JSXCLIENT_PASSWORD") -> str:
    """A password from the environment, a pipe, or the terminal."""
    value = os.environ.get(env)
    if value:
        return value
    if sys.stdin is not None and not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(prompt)


def say_recovery(code: str) -> None:
    print(
        "恢复码（只显示这一次，请抄写并交乡镇管理员密封保存；忘记密码时用它设置新密码）：\n"
        "Recovery code (shown this once: write it down and have the township administrator "
        "keep it sealed; it sets a new password when one is forgotten):\n"
        f"    {code}"
    )


def guard(fn: Callable[[], T]) -> T:
    """Sign-in refusals and unusable files as messages with their exit codes."""
    from jsxclient.security.vault import LoginError

    try:
        return fn()
    except LoginError as exc:
        raise CliError(exc.zh, exc.en, ExitCode.AUTH) from exc
    except OPEN_ERRORS as exc:  # e.g. a folder, no permission
        # An UpgradeError says itself what happened and what to do.
        text = getattr(exc, "text", None)
        if callable(text):
            raise CliError(str(text("zh")), str(text("en"))) from exc
        raise CliError(
            "无法打开数据库（文件损坏、无法访问或不是本程序的数据库）", str(exc)
        ) from exc


def sign_in(
    args: argparse.Namespace, must_exist: bool = True, password: str | None = None
) -> Session:
    """Unlock the store named by --store / JSXCLIENT_STORE (default: the user
    data dir) as the CLI's user, like the login screen; a new store is made
    encrypted, an old plain one (or one of the old JSXCLIENT_KEY) is
    encrypted first. The recovery code of a new key is printed once."""
    from jsxclient.security import vault

    path = store_path(args)
    user = username(args)
    if not path.exists():
        if must_exist:
            raise CliError(
                f"找不到数据库 {path}，请先运行 jsxclient init",
                f"no store at {path}; run `jsxclient init` first",
            )
        new_pw = password or read_secret("新密码 New password: ")
        session, code = guard(
            lambda: vault.create(path, user, new_pw, role="township_admin", source="local")
        )
        say_recovery(code)
        return session
    legacy = os.environ.get("JSXCLIENT_KEY") or None
    pw = password or read_secret("密码 Password: ")
    if not vault.keyfile_path(path).exists() and (vault.is_plain(path) or legacy):
        session, code = guard(lambda: vault.migrate_plain(path, user, pw, legacy_passphrase=legacy))
        print("已将旧数据库加密 / the old store is now encrypted")
        say_recovery(code)
        return session
    return guard(lambda: vault.unlock(path, user, pw))


def open_store(args: argparse.Namespace, must_exist: bool = True) -> Store:
    """The signed-in store (see `sign_in`)."""
    return sign_in(args, must_exist).store


def township_code(text: str) -> str:
    if not re.fullmatch(r"\d{12}", text):
        raise argparse.ArgumentTypeError(
            f"乡镇代码应为 12 位数字 / a township code has 12 digits: {text!r}"
        )
    return text
