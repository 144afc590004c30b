"""Store commands: init, demo-data, check, backup, restore."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from jsxclient.cli.common import CliError, open_store, store_key, store_path, township_code
from jsxclient.cli.exitcodes import ExitCode
from jsxclient.store.db import StoreError


def _scale(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = -1
    if not 0 < v <= 50:
        raise argparse.ArgumentTypeError(
            f"规模应在 0 到 50 之间 / scale must be in (0, 50]: {text}"
        )
    return v


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("init", help="为一个乡镇建立数据库 / create the store for a township")
    s.add_argument("township", type=township_code, help="12 位乡镇代码 / 12-digit township code")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("demo-data", help="生成演示数据 / generate realistic demo data")
    s.add_argument("--township", type=township_code, required=True)
    s.add_argument(
        "--scale",
        type=_scale,
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
    return ExitCode.OK


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
    return ExitCode.OK


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
    return ExitCode.OK if rep.ok else ExitCode.ERROR


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
    return ExitCode.OK


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
    return ExitCode.OK
