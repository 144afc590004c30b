"""Store commands: init, demo-data, check, backup, restore, and the account's
recover, password and audit."""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path
from typing import Any

from jsxclient.cli.common import (
    CliError,
    guard,
    open_store,
    read_secret,
    say_recovery,
    sign_in,
    store_path,
    township_code,
    username,
)
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
    s.add_argument(
        "--drop-unsynced",
        action="store_true",
        help="不保留备份之后尚未同步的修改（只留在原数据的副本中）/ do not carry the changes "
        "not yet synced into the restored data (they stay in the kept copy only)",
    )
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser(
        "recover",
        help="忘记密码：用恢复码设置新密码 / forgotten password: set a new one with the "
        "recovery code (JSXCLIENT_RECOVERY_CODE and JSXCLIENT_NEW_PASSWORD, or two lines "
        "on standard input)",
    )
    s.add_argument(
        "--escrow",
        action="store_true",
        help="恢复码也丢了：乡镇管理员联网取回托管的密钥 / the recovery code is lost too: a "
        "township administrator recovers the key escrowed on the server (--admin NAME; "
        "JSXCLIENT_ADMIN_PASSWORD, JSXCLIENT_ESCROW_PASSPHRASE, JSXCLIENT_NEW_PASSWORD)",
    )
    s.add_argument("--admin", default=None, help="乡镇管理员账号 / the township administrator")
    s.set_defaults(func=cmd_recover)

    s = sub.add_parser(
        "escrow-key",
        help="乡镇管理员：设置本乡镇的密钥托管 / township administrator: make the township's "
        "escrow key (the passphrase from JSXCLIENT_ESCROW_PASSPHRASE or standard input)",
    )
    s.set_defaults(func=cmd_escrow_key)

    s = sub.add_parser("password", help="修改本机密码 / change this account's password")
    s.set_defaults(func=cmd_password)

    s = sub.add_parser("audit", help="查看操作日志（管理员）/ show the audit log (administrator)")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(func=cmd_audit)


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
        if rep.damaged:
            from jsxclient.store.db import StoreDamaged

            print(f"{StoreDamaged.zh}\n{StoreDamaged.en}")
        print(
            "检查通过 / check passed"
            if rep.ok
            else f"发现 {len(rep.problems)} 个问题 / problems found"
        )
    return ExitCode.OK if rep.ok else ExitCode.ERROR


def cmd_backup(args: argparse.Namespace) -> int:
    from jsxclient.store.db import StoreDamaged
    from jsxclient.store.maintenance import backup

    store = open_store(args)
    try:
        dest = backup(store, Path(args.dest))
        store.audit("backup", dest.name)
    except FileExistsError as exc:
        raise CliError(f"备份文件已存在：{args.dest}", str(exc)) from exc
    except StoreDamaged as exc:
        raise CliError(
            f"无法备份：{StoreDamaged.zh}", f"cannot back up: {StoreDamaged.en} ({exc})"
        ) from exc
    except StoreError as exc:
        raise CliError("备份校验失败", str(exc)) from exc
    finally:
        store.close()
    print(f"已备份到 {dest} / backed up to {dest}")
    return ExitCode.OK


def cmd_restore(args: argparse.Namespace) -> int:
    from jsxclient.security import keyfile
    from jsxclient.store.maintenance import restore

    path = store_path(args)
    key: bytes | None = None
    user = username(args)
    password = read_secret("密码（或恢复码）Password (or recovery code): ")
    source = Path(args.source).name

    def note(result: str, detail: str) -> None:
        # Recorded in the store in use afterwards (the restored one on success).
        with contextlib.suppress(CliError):
            s = sign_in(args, password=password)
            s.store.audit("restore", source, result, detail)  # type: ignore[arg-type]
            s.close()

    if path.exists():
        session = sign_in(args, password=password)
        allowed, key = session.store.allowed("restore"), session.key
        session.close()  # no connection open while the file is replaced
        if not allowed:
            note("refused", "role")
            raise CliError(
                "当前账号无权从备份恢复", "this account may not restore backups", ExitCode.REFUSED
            )

    def unlock(kf: keyfile.KeyFile) -> bytes | None:
        # A backup of other data (a new computer): its own wrapped keys.
        return kf.open_with_password(user, password) or kf.open_with_recovery(password)

    try:
        done = restore(
            path,
            Path(args.source),
            key,
            allow_other_township=args.other_township,
            unlock=unlock,
            keep_unsynced=not args.drop_unsynced,
        )
    except StoreError as exc:
        if key is not None:
            note("refused", str(exc)[:200])
        raise CliError("拒绝恢复：备份文件损坏、被改动或不属于本机", str(exc)) from exc
    kept = done.kept
    note("ok", f"previous kept as {kept.name}; unsynced carried {done.replayed}")
    print(f"已恢复。原数据库保留在 {kept} / restored; the previous store is kept at {kept}")
    if done.replayed:
        print(
            f"备份之后未同步的 {done.replayed} 条修改已保留，下次同步时上传"
            f"（其中 {done.conflicts} 处冲突待核对）/ {done.replayed} changes not yet synced "
            f"were carried over and go out at the next sync ({done.conflicts} conflicts)"
        )
    for entity, n in sorted(done.dropped.items()):
        print(f"未保留 / not carried: {entity} {n}（只在 {kept.name} 中 / only in {kept.name}）")
    return ExitCode.OK


def cmd_recover(args: argparse.Namespace) -> int:
    from jsxclient.security import vault

    if args.escrow:
        session, new_code = _recover_from_escrow(args)
    else:
        code = read_secret("恢复码 Recovery code: ", "JSXCLIENT_RECOVERY_CODE")
        new = read_secret("新密码 New password: ", "JSXCLIENT_NEW_PASSWORD")
        session, new_code = guard(
            lambda: vault.recover(store_path(args), code, username(args), new)
        )
    pending = session.store.pending_count()
    session.close()
    print(
        f"已设置新密码，{pending} 条未同步的修改都在 / new password set; "
        f"{pending} unsynced changes kept"
    )
    say_recovery(new_code)
    return ExitCode.OK


def _recover_from_escrow(args: argparse.Namespace) -> tuple[Any, str]:
    from jsxclient.cli.sync import EXIT_BY_KIND
    from jsxclient.security import vault
    from jsxclient.security.escrow import EscrowError
    from jsxclient.sync import account
    from jsxclient.sync.errors import SyncError

    if not args.admin:
        raise CliError("请用 --admin 指定乡镇管理员账号", "name the administrator with --admin")
    path = store_path(args)
    admin_pw = read_secret("管理员密码 Administrator password: ", "JSXCLIENT_ADMIN_PASSWORD")
    passphrase = read_secret("托管口令 Escrow passphrase: ", "JSXCLIENT_ESCROW_PASSPHRASE")
    new = read_secret("新密码 New password: ", "JSXCLIENT_NEW_PASSWORD")
    try:
        key = account.fetch_escrowed_key(path, args.admin, admin_pw, passphrase)
    except SyncError as exc:
        raise CliError(
            f"无法取回托管的密钥：{exc.zh}",
            f"the escrowed key could not be recovered: {exc.en}",
            EXIT_BY_KIND[exc.kind],
        ) from exc
    except EscrowError as exc:
        raise CliError("托管口令不对，或托管的密钥无法打开", str(exc), ExitCode.AUTH) from exc
    return guard(
        lambda: vault.recover_with_key(
            path, key, username(args), new, f"key released to {args.admin} from the escrow"
        )
    )


def cmd_escrow_key(args: argparse.Namespace) -> int:
    from jsxclient.cli.sync import EXIT_BY_KIND
    from jsxclient.sync import account
    from jsxclient.sync.errors import SyncError

    session = sign_in(args)
    try:
        passphrase = read_secret("托管口令 Escrow passphrase: ", "JSXCLIENT_ESCROW_PASSPHRASE")
        try:
            tk = account.make_township_key(session.store, passphrase)
        except SyncError as exc:
            raise CliError(exc.zh, exc.en, EXIT_BY_KIND[exc.kind]) from exc
    finally:
        session.close()
    print(
        f"已设置本乡镇的托管密钥（第 {tk.key_id} 号）。请把托管口令密封保存；"
        "各电脑下次同步时托管各自的数据密钥。\n"
        f"Township escrow key {tk.key_id} made. Keep the passphrase sealed; each computer "
        "escrows its data key at its next sync."
    )
    return ExitCode.OK


def cmd_password(args: argparse.Namespace) -> int:
    from jsxclient.cli.sync import EXIT_BY_KIND
    from jsxclient.security import vault
    from jsxclient.sync import account
    from jsxclient.sync.errors import SyncError

    session = sign_in(args)
    try:
        old = read_secret("原密码 Current password: ")
        new = read_secret("新密码 New password: ", "JSXCLIENT_NEW_PASSWORD")
        store = session.store
        try:
            sent = guard(
                lambda: vault.change_password(
                    session, old, new, lambda: account.change_server_password(store, old, new)
                )
            )
        except SyncError as exc:  # the server refused: nothing changed anywhere
            raise CliError(
                f"服务器拒绝修改密码，本机密码也未修改：{exc.zh}",
                f"the server refused the change; nothing was changed here either: {exc.en}",
                EXIT_BY_KIND[exc.kind],
            ) from exc
    finally:
        session.close()
    if sent:
        print("密码已修改（本机和服务器）/ password changed here and on the server")
    else:
        print(
            "本机密码已修改；服务器密码未改（未连接服务器）/ password changed on this computer; "
            "the server password is unchanged (not connected)"
        )
    return ExitCode.OK


def cmd_audit(args: argparse.Namespace) -> int:
    from jsxclient.store import audit

    session = sign_in(args)
    try:
        if not session.store.allowed("audit_view"):
            raise CliError(
                "只有乡镇管理员可以查看操作日志", "only an administrator may", ExitCode.REFUSED
            )
        for e in audit.entries(session.store.db.connection(), limit=args.limit, newest_first=True):
            print(f"{e.at}  {e.user:12s} {e.action:8s} {e.result:8s} {e.object}  {e.detail}")
    finally:
        session.close()
    return ExitCode.OK
