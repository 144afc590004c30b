"""`jsxclient` command line: headless set-up, demo data, checks, backups, sync.

One module per command group (`store`, `sync`, `transfer`, `reports`,
`duplicates`, `app`), each adding its subcommands with `add_parsers`; one
table of exit codes (`exitcodes`).
Messages are Chinese first with the English after a slash, since the same
commands are run by township IT staff and by developers. Every command runs
unattended: the account and password come from `--user`/`JSXCLIENT_USER`
and `JSXCLIENT_PASSWORD` or standard input, never only from a prompt
(`jsxclient.cli.common.sign_in`).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from jsxclient.cli import app, duplicates, reports, store, sync, transfer
from jsxclient.cli.common import CliError
from jsxclient.cli.exitcodes import ExitCode, epilog

__all__ = ["ExitCode", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jsxclient",
        description="计生协乡镇数据采集客户端 / township data-entry client of the "
        "Family Planning Association",
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--store", help="数据库文件 / store file (default: the user data dir; env JSXCLIENT_STORE)"
    )
    p.add_argument(
        "--user",
        help="本机账号 / account to sign in as (env JSXCLIENT_USER; password: env "
        "JSXCLIENT_PASSWORD, standard input or a prompt)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for group in (app, store, sync, transfer, reports, duplicates):
        group.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return ExitCode.USAGE
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"{ExitCode.CANCELLED.zh} / {ExitCode.CANCELLED.en}", file=sys.stderr)
        return ExitCode.CANCELLED
    except PermissionError as exc:
        # The store's `Forbidden`: the account's role may not make this change
        # (nothing was written) — the user's condition, not a bug.
        print(f"错误 / error: {exc}", file=sys.stderr)
        return ExitCode.REFUSED
    except Exception:
        # A bug, not a condition the user can act on: the traceback is for support.
        traceback.print_exc()
        print(f"{ExitCode.BUG.zh} / {ExitCode.BUG.en}", file=sys.stderr)
        return ExitCode.BUG
