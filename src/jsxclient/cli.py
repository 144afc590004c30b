"""`jsxclient` command line: headless set-up, demo data, checks, backups, sync.

Messages are Chinese first with the English after a slash, since the same
commands are run by township IT staff and by developers.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jsxclient.store.db import StoreError, default_store_path

if TYPE_CHECKING:
    from jsxclient.store.store import Store

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NO_DISPLAY = 3


class CliError(Exception):
    """An expected failure: printed as a message, never a traceback."""

    def __init__(self, zh: str, en: str, code: int = EXIT_ERROR) -> None:
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
    except StoreError as exc:
        raise CliError("无法打开数据库（密钥错误或文件损坏）", str(exc)) from exc


def _township_code(text: str) -> str:
    if not re.fullmatch(r"\d{12}", text):
        raise argparse.ArgumentTypeError(
            f"乡镇代码应为 12 位数字 / a township code has 12 digits: {text!r}"
        )
    return text


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = -1
    if not 0 < v <= 50:
        raise argparse.ArgumentTypeError(
            f"规模应在 0 到 50 之间 / scale must be in (0, 50]: {text}"
        )
    return v


# -- commands -----------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from jsxclient.store.reference import init_township

    store = open_store(args, must_exist=False)
    try:
        created = init_township(store, args.township)
    except ValueError as exc:
        raise CliError(f"无效的乡镇代码 {args.township}", str(exc)) from exc
    finally:
        store.close()
    print(
        f"已初始化 {store_path(args)}：乡镇 {args.township}，新建协会 {created} 个 / "
        f"initialised, {created} associations created"
    )
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace) -> int:
    from jsxclient.demo import generate

    store = open_store(args, must_exist=False)
    try:
        t0 = time.perf_counter()
        try:
            counts = generate(store, args.township, scale=args.scale, seed=args.seed)
        except ValueError as exc:
            raise CliError("无法生成演示数据", str(exc)) from exc
        elapsed = time.perf_counter() - t0
    finally:
        store.close()
    total = sum(counts.values())
    for name, n in counts.items():
        print(f"  {name:22s} {n:8d}")
    print(f"演示数据 {total} 条，用时 {elapsed:.1f} 秒 / {total} demo rows in {elapsed:.1f} s")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from jsxclient.store.maintenance import check, report_json

    store = open_store(args)
    try:
        rep = check(store)
    finally:
        store.close()
    if args.json:
        print(report_json(rep))
    else:
        for p in rep.problems:
            print(f"问题 / problem: {p}")
        print(
            "检查通过 / check passed"
            if rep.ok
            else f"发现 {len(rep.problems)} 个问题 / problems found"
        )
    return EXIT_OK if rep.ok else EXIT_ERROR


def cmd_backup(args: argparse.Namespace) -> int:
    from jsxclient.store.maintenance import backup

    store = open_store(args)
    try:
        dest = backup(store, Path(args.dest))
    except FileExistsError as exc:
        raise CliError(f"备份文件已存在：{args.dest}", str(exc)) from exc
    except StoreError as exc:
        raise CliError("备份校验失败", str(exc)) from exc
    finally:
        store.close()
    print(f"已备份到 {dest} / backed up to {dest}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from jsxclient.store.maintenance import restore

    try:
        kept = restore(
            store_path(args),
            Path(args.source),
            store_key(),
            allow_other_township=args.other_township,
        )
    except StoreError as exc:
        raise CliError("拒绝恢复：备份文件损坏或不属于本机", str(exc)) from exc
    print(f"已恢复。原数据库保留在 {kept} / restored; the previous store is kept at {kept}")
    return EXIT_OK


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
        return EXIT_NO_DISPLAY
    from jsxclient.ui.app import run_app

    return run_app(store_path(args), store_key())


# -- parser -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jsxclient",
        description="计生协乡镇数据采集客户端 / township data-entry client of the "
        "Family Planning Association",
    )
    p.add_argument(
        "--store", help="数据库文件 / store file (default: the user data dir; env JSXCLIENT_STORE)"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("app", help="打开桌面程序 / open the desktop app")
    s.set_defaults(func=cmd_app)

    s = sub.add_parser("init", help="为一个乡镇建立数据库 / create the store for a township")
    s.add_argument("township", type=_township_code, help="12 位乡镇代码 / 12-digit township code")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("demo-data", help="生成演示数据 / generate realistic demo data")
    s.add_argument("--township", type=_township_code, required=True)
    s.add_argument(
        "--scale",
        type=_positive_float,
        default=1.0,
        help="1 = 典型乡镇 (约 5000 会员) / a typical township (~5,000 members)",
    )
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(func=cmd_demo_data)

    s = sub.add_parser("check", help="检查数据库与同步日志 / integrity check of store and journal")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("backup", help="在线备份 / consistent online backup")
    s.add_argument("dest", help="备份文件 / backup file to create")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", help="从备份恢复 / restore from a backup")
    s.add_argument("source", help="备份文件 / backup file")
    s.add_argument(
        "--other-township",
        action="store_true",
        help="允许恢复其他乡镇的备份 / allow a backup of another township",
    )
    s.set_defaults(func=cmd_restore)

    from jsxclient.sync.cli import add_parsers  # connect, sync: they live with the engine
    from jsxclient.transfer import cli as transfer_cli  # import, export

    add_parsers(sub)
    transfer_cli.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("已取消 / cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
