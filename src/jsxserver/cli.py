"""The ``jsxserver`` command: run the server and administer it.

jsxserver serve [--host 127.0.0.1] [--port 8600] [--database URL] [--workers N]
jsxserver admin import-divisions [--no-associations]
jsxserver admin create-user NAME --role ROLE --division CODE
                            [--display-name ..] [--password-stdin]
jsxserver admin set-password NAME [--password-stdin]
jsxserver admin list-devices [--user NAME]
jsxserver admin revoke-device ID [--restore]
jsxserver admin unlock-user NAME
jsxserver admin migrate [--check]
jsxserver admin retention
jsxserver admin audit [--days 7] [--user NAME] [--kind KIND] [--limit 200] [--json]
jsxserver admin client-audit [--device ID] [--user NAME] [--township CODE]
                             [--since YYYY-MM-DD] [--broken] [--limit N]
jsxserver admin set-target CODE INDICATOR VALUE
jsxserver report --division CODE --period 2026-10 [--xlsx FILE]

Every admin action except ``audit`` itself is written to the server's audit
log with the operating-system user who ran it.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import timedelta

from sqlmodel import Session

from jsxcore.messages import DomainError
from jsxcore.roles import ROLES
from jsxserver.core import schema, seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import Database, make_database
from jsxserver.core.errors import ApiError
from jsxserver.core.metrics import MULTIPROC_ENV
from jsxserver.core.security import configure_hasher
from jsxserver.models import AppUserCreate, utcnow, wire_time
from jsxserver.services import audit, client_audit, divisions, reports, retention, users


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

    mg = asub.add_parser(
        "migrate", help="bring the database schema to this version (also a 0.2.0 database)"
    )
    mg.add_argument(
        "--check",
        action="store_true",
        help="change nothing: exit 0 when the schema is current, 3 when it needs migrating",
    )
    asub.add_parser(
        "retention",
        help="remove history older than JSXSERVER_RETENTION_DAYS (run daily; see "
        "docs/operations.md)",
    )
    au = asub.add_parser("audit", help="show the server audit log (newest last)")
    au.add_argument("--days", type=int, default=7, help="how far back (default 7)")
    au.add_argument("--user", default=None, help="only this user's events")
    au.add_argument(
        "--kind", default=None, help="only events whose kind starts with this (login, pull, admin)"
    )
    au.add_argument("--limit", type=int, default=200, help="at most this many (the newest)")
    au.add_argument("--json", action="store_true", help="one JSON object per line")

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

    st = asub.add_parser(
        "set-target", help="set an indicator's target for a division's area (a county, ...)"
    )
    st.add_argument("division", metavar="CODE")
    st.add_argument("indicator", help="indicator id, e.g. family_doctor")
    st.add_argument("value", type=float, help="a share as a fraction (0.95), else a number")

    rep = sub.add_parser(
        "report", help="sum the monthly reports submitted in a division's area (a county ...)"
    )
    rep.add_argument("--database", metavar="URL", dest="report_database", help=argparse.SUPPRESS)
    rep.add_argument("--division", required=True, metavar="CODE", help="12-digit division code")
    rep.add_argument("--period", required=True, help="e.g. 2026-10, 2026-Q3, 2026")
    rep.add_argument("--xlsx", metavar="FILE", help="write the table as .xlsx")
    rep.add_argument("--lang", default="zh", choices=("zh", "en"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = (
        getattr(args, "serve_database", None)
        or getattr(args, "admin_database", None)
        or getattr(args, "report_database", None)
        or args.database
    )
    try:
        settings = Settings.from_env(database_url=url)
        if args.command == "serve":
            return _serve(settings, args)
        if args.command == "report":
            return _report(settings, args)
        return _admin(settings, args)
    except DomainError as exc:
        print(f"jsxserver: error: {exc.issue.zh} / {exc.issue.en}", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"jsxserver: error: {exc.reason.zh} / {exc.reason.en}", file=sys.stderr)
        return 2
    except (CliError, users.UserError, ValueError, schema.SchemaError) as exc:
        print(f"jsxserver: error: {exc}", file=sys.stderr)
        return 2


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    if args.workers > 1 and settings.is_sqlite:
        raise CliError("several workers need PostgreSQL (--database postgresql+psycopg://...)")
    db = make_database(settings)
    # Once here, before the workers fork (they only check it again).
    schema.prepare(db, bool(settings.auto_migrate))
    db.dispose()
    os.environ.update(settings.to_env())  # the workers read their settings from here
    metrics_dir = None
    if args.workers > 1 and not os.environ.get(MULTIPROC_ENV):
        # Workers add up their metrics through files here (core/metrics.py).
        metrics_dir = tempfile.mkdtemp(prefix="jsxserver-metrics-")
        os.environ[MULTIPROC_ENV] = metrics_dir
    try:
        uvicorn.run(
            "jsxserver.main:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
            proxy_headers=True,
        )
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
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
        if args.action == "migrate":
            code = _migrate(db, args.check)
            if not args.check:
                _audit_admin(db, args, {"revision": schema.head()})
            return code
        schema.prepare(db, bool(settings.auto_migrate))
        if args.action == "audit":
            return _show_audit(db, args)
        if args.action == "retention":
            result = retention.run(db, settings)
            print(result.summary())
            _audit_admin(db, args, dataclasses.asdict(result))
            return 0
        with seqs.write_session(db) as session:
            code = _admin_action(session, args)
        _audit_admin(db, args, _detail(args))
        return code
    finally:
        db.dispose()


def _detail(args: argparse.Namespace) -> dict[str, object]:
    """What an admin action was given (never a password: those come on stdin)."""
    skip = {"command", "action", "database", "admin_database", "serve_database", "password_stdin"}
    return {k: v for k, v in vars(args).items() if k not in skip and v not in (None, False)}


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _audit_admin(db: Database, args: argparse.Namespace, detail: dict[str, object]) -> None:
    audit.record(db, audit.ADMIN + args.action, username=_operator(), detail=detail)


def _show_audit(db: Database, args: argparse.Namespace) -> int:
    if args.days < 1 or args.limit < 1:
        raise CliError("--days and --limit must be positive")
    since = utcnow() - timedelta(days=args.days)
    found = audit.events(db, since=since, username=args.user, kind=args.kind, limit=args.limit)
    for e in found:
        if args.json:
            print(
                json.dumps(
                    {
                        "at": wire_time(e.at),
                        "kind": e.kind,
                        "user": e.username,
                        "device": e.device,
                        "address": e.address,
                        "scope": e.scope,
                        "rows": e.rows,
                        "detail": e.detail,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            rows = "" if e.rows is None else f"\t{e.rows} rows"
            detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
            print(
                f"{wire_time(e.at)[:19]}\t{e.kind}\t{e.username or '-'}\t{e.device or '-'}"
                f"\t{e.address or '-'}\t{e.scope or '-'}{rows}\t{detail}".rstrip()
            )
    if not found and not args.json:
        print("no events")
    return 0


# Exit status of `admin migrate --check` when a migration is pending.
EXIT_MIGRATION_PENDING = 3


def _migrate(db: Database, check_only: bool) -> int:
    if check_only:
        try:
            schema.check(db)
        except schema.SchemaError as exc:
            print(f"jsxserver: {exc}", file=sys.stderr)
            return EXIT_MIGRATION_PENDING
        print(f"schema is current ({schema.head()})")
        return 0
    result = schema.migrate(db)
    if not result.changed:
        print(f"schema is current ({result.after})")
    else:
        was = "an empty database" if result.before is None else f"revision {result.before}"
        note = " (a 0.2.0 database: stamped as the baseline first)" if result.legacy else ""
        print(f"migrated from {was} to {result.after}{note}")
    return 0


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
    elif action == "set-target":
        reports.set_target(session, args.division, args.indicator, args.value)
        print(f"target of {args.indicator} for {args.division}: {args.value:g}")
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    """The sum of the area's submitted reports, printed and optionally as .xlsx."""
    from pathlib import Path

    from jsxcore.indicators.figures import format_value
    from jsxcore.indicators.periods import parse_period
    from jsxcore.indicators.sheet import workbook_bytes

    period = parse_period(args.period)
    db: Database = make_database(settings)
    try:
        schema.prepare(db, bool(settings.auto_migrate))
        with Session(db.read_engine) as session:
            total, missing = reports.aggregate_area(session, None, args.division, period)
    finally:
        db.dispose()
    print(f"{total.division_name} {period.label(args.lang)}: {len(total.parts)} townships")
    for f in total.ordered():
        print(f"{f.spec.name(args.lang)}\t{format_value(f.spec, f.value)}")
    if missing:
        names = ", ".join(m.name for m in missing)
        print(f"not submitted ({len(missing)}): {names}")
    if args.xlsx:
        out = Path(args.xlsx)
        tmp = out.with_name(f".{out.name}.part")
        tmp.write_bytes(workbook_bytes(total, args.lang))
        tmp.replace(out)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
