"""The ``jsxserver`` command: run the server and administer it.

jsxserver serve [--host 127.0.0.1] [--port 8600] [--database URL] [--workers N]
jsxserver admin import-divisions [--no-associations]
jsxserver admin create-user NAME --role ROLE --division CODE
                            [--display-name ..] [--password-stdin]
jsxserver admin set-password NAME [--password-stdin]
jsxserver admin list-devices [--user NAME]
jsxserver admin revoke-device ID [--restore]
jsxserver admin unlock-user NAME
jsxserver admin client-audit [--device ID] [--user NAME] [--township CODE]
                             [--since YYYY-MM-DD] [--broken] [--limit N]
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from sqlmodel import Session

from jsxcore.roles import ROLES
from jsxserver.core.config import Settings
from jsxserver.core.db import Database, init_db, make_database
from jsxserver.core.security import configure_hasher
from jsxserver.models import AppUserCreate, wire_time
from jsxserver.services import client_audit, divisions, users


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jsxserver", description="jsxclient provincial sync server")
    p.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $JSXSERVER_DATABASE_URL or a SQLite file in "
        "the user data directory)",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8600)
    serve.add_argument("--database", metavar="URL", dest="serve_database", help=argparse.SUPPRESS)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL)")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )

    admin = sub.add_parser("admin", help="administer users, devices and reference data")
    admin.add_argument("--database", metavar="URL", dest="admin_database", help=argparse.SUPPRESS)
    asub = admin.add_subparsers(dest="action", required=True, metavar="ACTION")

    imp = asub.add_parser(
        "import-divisions", help="load Hunan's divisions and derive every association"
    )
    imp.add_argument(
        "--no-associations",
        action="store_true",
        help="load divisions only, derive no association rows",
    )

    cu = asub.add_parser("create-user", help="add an account")
    cu.add_argument("name")
    cu.add_argument("--role", required=True, choices=ROLES)
    cu.add_argument(
        "--division",
        required=True,
        metavar="CODE",
        help="12-digit division code: the root of the user's area",
    )
    cu.add_argument("--display-name", default="")
    cu.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )

    sp = asub.add_parser(
        "set-password", help="set a new password (also unlocks, and ends every session)"
    )
    sp.add_argument("name")
    sp.add_argument("--password-stdin", action="store_true")

    ld = asub.add_parser("list-devices", help="show registered devices")
    ld.add_argument("--user", default=None)

    rd = asub.add_parser("revoke-device", help="stop a device's token and block its logins")
    rd.add_argument("id")
    rd.add_argument("--restore", action="store_true", help="lift an earlier revocation")

    uu = asub.add_parser("unlock-user", help="clear a login lock")
    uu.add_argument("name")

    ca = asub.add_parser(
        "client-audit", help="show the audit entries devices uploaded (newest first)"
    )
    ca.add_argument("--device", default=None)
    ca.add_argument("--user", default=None)
    ca.add_argument("--township", default=None, metavar="CODE")
    ca.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="device time")
    ca.add_argument(
        "--broken", action="store_true", help="only entries whose hash chain does not hold"
    )
    ca.add_argument("--limit", type=int, default=200)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = (
        getattr(args, "serve_database", None)
        or getattr(args, "admin_database", None)
        or args.database
    )
    try:
        settings = Settings.from_env(database_url=url)
        if args.command == "serve":
            return _serve(settings, args)
        return _admin(settings, args)
    except (CliError, users.UserError, ValueError) as exc:
        print(f"jsxserver: error: {exc}", file=sys.stderr)
        return 2


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    if args.workers > 1 and settings.is_sqlite:
        raise CliError("several workers need PostgreSQL (--database postgresql+psycopg://...)")
    db = make_database(settings)
    init_db(db)  # once here, so workers never race to create the schema
    db.dispose()
    os.environ.update(settings.to_env())  # the workers read their settings from here
    uvicorn.run(
        "jsxserver.main:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        proxy_headers=True,
    )
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise CliError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise CliError("the passwords differ")
    return first


def _admin(settings: Settings, args: argparse.Namespace) -> int:
    configure_hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.offline_scrypt_n
    )
    db: Database = make_database(settings)
    try:
        init_db(db)
        with Session(db.write_engine) as session:
            return _admin_action(session, args)
    finally:
        db.dispose()


def _admin_action(session: Session, args: argparse.Namespace) -> int:
    action = args.action
    if action == "import-divisions":
        result = divisions.import_divisions(session, associations=not args.no_associations)
        print(
            f"{result.divisions} divisions loaded, "
            f"{result.associations_created} associations created"
        )
    elif action == "create-user":
        password = _read_password(args.password_stdin)
        user = users.create_user(
            session,
            AppUserCreate(
                username=args.name,
                display_name=args.display_name,
                role=args.role,
                division_code=args.division,
                password=password,
            ),
        )
        print(f"created {user.role} {user.username} for {user.division_code}")
    elif action == "set-password":
        users.set_password(session, args.name, _read_password(args.password_stdin))
        print(f"password of {args.name} changed; their sessions on every device ended")
    elif action == "list-devices":
        rows = users.list_devices(session, args.user)
        if not rows:
            print("no devices")
        for d in rows:
            state = "revoked" if d.revoked_at else ("logged in" if d.token_hash else "logged out")
            seen = wire_time(d.last_seen)[:19] if d.last_seen else "-"
            print(f"{d.id}\t{d.username}\t{d.name or '-'}\t{state}\tlast seen {seen} UTC")
    elif action == "revoke-device":
        users.revoke_device(session, args.id, restore=args.restore)
        print(f"device {args.id} {'restored' if args.restore else 'revoked'}")
    elif action == "unlock-user":
        users.unlock_user(session, args.name)
        print(f"{args.name} unlocked")
    elif action == "client-audit":
        found = client_audit.entries(
            session,
            client_audit.Query(
                device=args.device,
                user=args.user,
                township=args.township,
                since=args.since,
                broken_only=args.broken,
                limit=max(1, args.limit),
            ),
        )
        if not found:
            print("no entries")
        for r in found:
            chain = "ok" if r.chain_ok else "BROKEN"
            print(
                f"{r.at}\t{r.device}#{r.id}\t{r.username}\t{r.action}\t{r.result}\t"
                f"{r.object}\t{r.detail}\tchain {chain}\treceived {wire_time(r.received_at)[:19]}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
