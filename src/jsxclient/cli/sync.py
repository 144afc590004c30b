"""`jsxclient connect` and `jsxclient sync`.

`sync` is meant to be scheduled at day's end, so its exit status says what
happened without reading the output (`ExitCode`: OFFLINE, AUTH, REJECTED,
INCOMPATIBLE, BUSY, SERVER, REFUSED, BUG, CANCELLED).
"""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
import threading
from typing import Any, TextIO

from jsxclient.cli.common import open_store
from jsxclient.cli.exitcodes import ExitCode
from jsxclient.store.journal import SyncReceipt
from jsxclient.store.store import Store
from jsxclient.sync.account import connect, make_transport
from jsxclient.sync.engine import SyncEngine, SyncProgress
from jsxclient.sync.errors import ErrorKind, SyncError

EXIT_BY_KIND: dict[ErrorKind, ExitCode] = {
    "offline": ExitCode.OFFLINE,
    "auth": ExitCode.AUTH,
    "incompatible": ExitCode.INCOMPATIBLE,
    # A whole request refused (account disabled, read-only); refused
    # *changes* come back in the receipt and exit REJECTED.
    "rejected": ExitCode.REFUSED,
    "server": ExitCode.SERVER,
    "busy": ExitCode.BUSY,
    "bug": ExitCode.BUG,
    "cancelled": ExitCode.CANCELLED,
    "damaged": ExitCode.ERROR,  # a damaged store is not synced (check says more)
    "demo": ExitCode.DEMO,  # demo data is never connected nor synced
}


def add_parsers(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "connect", help="连接省级服务器 / connect this computer to the provincial server"
    )
    p.add_argument("server_url", metavar="SERVER_URL", help="e.g. https://jsx.example.gov.cn")
    p.add_argument("--user", required=True, help="user name given by the county or province")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )
    p.add_argument(
        "--device-name",
        default=socket.gethostname(),
        help="name of this computer as the admins see it",
    )
    p.add_argument(
        "--ca-bundle",
        default=None,
        help="CA certificate file for a server with a private certificate",
    )
    p.set_defaults(func=cmd_connect)

    s = subparsers.add_parser("sync", help="与服务器同步 / sync with the provincial server")
    s.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    s.set_defaults(func=cmd_sync)

    t = subparsers.add_parser(
        "transfer",
        help="迁往其他乡镇的家庭：申请、查看、接收 / families moving to another township: "
        "offer, list, accept",
    )
    tsub = t.add_subparsers(dest="transfer_action", required=True, metavar="ACTION")
    o = tsub.add_parser("offer", help="把一户特殊家庭迁往其他乡镇 / offer a special family")
    o.add_argument("family_id")
    o.add_argument("division", help="接收地的村或乡镇代码 / the village or township there")
    o.add_argument("--note", default="")
    tsub.add_parser("list", help="待处理的迁入和迁出 / pending offers in and out")
    for name, text in (("accept", "接收 / accept"), ("refuse", "拒绝或撤回 / refuse or cancel")):
        a = tsub.add_parser(name, help=text)
        a.add_argument("id", type=int)
    t.set_defaults(func=cmd_transfer)


def _say(out: TextIO, zh: str, en: str) -> None:
    print(f"{zh}\n{en}", file=out)


def _error(exc: SyncError) -> int:
    _say(sys.stderr, f"错误：{exc.zh}", f"Error: {exc.en}")
    if exc.detail and exc.kind in ("bug", "server", "rejected", "incompatible"):
        print(f"  ({exc.detail})", file=sys.stderr)
    return EXIT_BY_KIND[exc.kind]


def cmd_connect(args: argparse.Namespace) -> int:
    from jsxclient.cli.common import guard, say_recovery, sign_in, store_path
    from jsxclient.security import vault
    from jsxclient.sync.transport import check_url

    try:
        check_url(args.server_url)  # before the password is even asked for
    except SyncError as exc:
        return _error(exc)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = os.environ.get("JSXCLIENT_PASSWORD") or getpass.getpass("密码 Password: ")
    if not password:
        _say(sys.stderr, "错误：密码不能为空", "Error: the password is empty")
        return ExitCode.AUTH
    path = store_path(args)
    created: str | None = None
    if not path.exists() and not vault.keyfile_path(path).exists():
        # A new computer: the server checks the password; the same password
        # wraps the new store's key (the role comes from the server below).
        session, created = guard(
            lambda: vault.create(
                path, args.user, password, role="read_only", source="server", check_policy=False
            )
        )
    else:
        session = sign_in(args, password=password)
    store = session.store
    try:
        user = connect(
            store, args.server_url, args.user, password, args.device_name, ca_bundle=args.ca_bundle
        )
    except SyncError as exc:
        store.close()
        if created:
            for p in (path, vault.keyfile_path(path)):
                p.unlink(missing_ok=True)
        return _error(exc)
    finally:
        store.close()
    if created:
        say_recovery(created)
    _say(
        sys.stdout,
        f"已连接：{user.display_name or user.username}（{user.division_name}）",
        f"Connected as {user.username} ({user.division_code})",
    )
    return ExitCode.OK


class _Bar:
    """A one-line progress bar on a terminal; nothing when piped."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.last = ""

    def __call__(self, p: SyncProgress) -> None:
        width = 30
        frac = p.fraction
        bar = "#" * int(width * frac) if frac is not None else ""
        count = f" {p.done}/{p.total}" if p.total else ""
        line = f"\r{p.zh} [{bar:<{width}}]{count}"
        if line != self.last:
            self.out.write(line.ljust(72))
            self.out.flush()
            self.last = line

    def close(self) -> None:
        if self.last:
            self.out.write("\n")
            self.out.flush()


def cmd_sync(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        try:
            transport = make_transport(store)
        except SyncError as exc:
            return _error(exc)
        with transport:
            return _run(store, transport, quiet=bool(getattr(args, "quiet", False)))
    finally:
        store.close()


def _run(store: Store, transport: Any, quiet: bool) -> int:
    bar = _Bar(sys.stderr) if not quiet and sys.stderr.isatty() else None
    cancel = threading.Event()
    result: dict[str, Any] = {}

    # Tuning knobs for support staff and the crash tests; the defaults are
    # the protocol's maxima.
    sizes = {
        k: int(v)
        for k, v in (
            ("batch_size", os.environ.get("JSXCLIENT_SYNC_BATCH")),
            ("page_size", os.environ.get("JSXCLIENT_SYNC_PAGE")),
        )
        if v
    }

    def work() -> None:
        try:
            result["receipt"] = SyncEngine(store, transport, **sizes).run(bar, cancel)
        except BaseException as exc:
            result["error"] = exc
        finally:
            store.db.close()  # this thread's connection

    # The engine runs on a worker thread so Ctrl-C can cancel it between
    # batches instead of tearing through a transaction.
    t = threading.Thread(target=work, name="jsx-sync")
    t.start()
    try:
        while t.is_alive():
            t.join(0.2)
    except KeyboardInterrupt:
        cancel.set()
        _say(sys.stderr, "\n正在取消……", "Cancelling...")
        t.join()
    if bar is not None:
        bar.close()
    err = result.get("error")
    if isinstance(err, SyncError):
        return _error(err)
    if err is not None:
        raise err
    receipt: SyncReceipt = result["receipt"]
    if not quiet or receipt.outcome != "ok":
        _summary(receipt)
    if receipt.outcome == "cancelled":
        return ExitCode.CANCELLED
    return ExitCode.REJECTED if receipt.outcome == "rejected" else ExitCode.OK


def _summary(r: SyncReceipt) -> None:
    kb = (r.bytes_sent + r.bytes_received) / 1024
    _say(
        sys.stdout,
        f"同步{'完成' if r.outcome in ('ok', 'rejected') else '已取消'}：上传 {r.sent} 条，"
        f"下载 {r.received} 条，合并 {r.merged} 条，冲突 {r.conflicts} 处，"
        f"被拒 {r.rejected} 条，{kb:.0f} KB，{r.duration_ms / 1000:.1f} 秒",
        f"Sync {r.outcome}: sent {r.sent}, received {r.received}, merged {r.merged}, "
        f"conflicts {r.conflicts}, rejected {r.rejected}, {kb:.0f} KB, "
        f"{r.duration_ms / 1000:.1f} s",
    )
    if r.outcome == "rejected":
        _say(
            sys.stdout,
            "有修改被服务器拒绝，请在“同步”页面查看原因并修改后重新同步。",
            "Some changes were refused by the server: see the reasons on the Sync page, "
            "fix them and sync again.",
        )


def cmd_transfer(args: argparse.Namespace) -> int:
    """The transfers of the store's township (the server must offer them)."""
    from jsxclient.store.store import Forbidden
    from jsxclient.sync import scope

    store = open_store(args)
    try:
        try:
            transport = make_transport(store)
        except SyncError as exc:
            return _error(exc)
        with transport:
            action = args.transfer_action
            try:
                if action == "offer":
                    info = scope.offer_family(
                        store, transport, args.family_id, args.division, args.note
                    )
                    _say(
                        sys.stdout,
                        f"已申请迁移（编号 {info.id}，{len(info.rows)} 条记录），等待接收乡镇确认",
                        f"Transfer {info.id} offered ({len(info.rows)} records); "
                        "the receiving township accepts it",
                    )
                elif action == "list":
                    listing = scope.transfers(transport)
                    for label, items in (
                        ("迁入 incoming", listing.incoming),
                        ("迁出 outgoing", listing.outgoing),
                    ):
                        print(label)
                        for t in items:
                            print(_transfer_line(t))
                else:
                    if action == "accept":
                        info = scope.accept(store, transport, args.id)
                    else:
                        info = scope.refuse(store, transport, args.id)
                    print(f"{info.id}\t{info.status}")
            except SyncError as exc:
                return _error(exc)
            except Forbidden as exc:
                _say(sys.stderr, f"错误：{exc.zh}", f"Error: {exc.en}")
                return ExitCode.REFUSED
    finally:
        store.close()
    return ExitCode.OK


def _transfer_line(t: Any) -> str:
    from jsxclient.sync.scope import person_names

    names = person_names(t)
    who = "、".join(names[:5]) or "-"
    return (
        f"  {t.id}\t{t.status}\t{t.from_township} -> {t.to_division}\t{len(t.rows)} rows\t"
        f"{who}\t{t.requested_by} {t.requested_at[:16]}\t{t.note}"
    )
