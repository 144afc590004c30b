"""Does this installation work? Every part the program needs at run time,
exercised in a temporary folder (the worker's data is never touched).

    jsxclient-cli --self-test [--test-server URL --user NAME --password-stdin] [--no-gui]
    python -m jsxclient.selftest ...                      (from a source tree)

The release build runs it on the frozen program, where a missing data file,
Qt plugin, translation or lazily imported module shows up only at run time;
support staff can run it on a PC that misbehaves. It checks the reference
data, a temporary store (demo data, integrity check, verified backup),
validation, an upgrade of a store of the previous schema (backup first),
an encrypted store (SQLCipher), an Excel export read back, and, unless
--no-gui, Qt: translations, icons, fonts, printing to PDF, and the main
window with every page (offscreen when there is no display). With
--test-server, it also connects to that server and syncs its demo records of
清水塘街道 (430105003000) there: a test server only, with a user of that
township, never the province's production server.
Exit status 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jsxcore.version import APP_VERSION

TOWNSHIP = "430105003000"  # 清水塘街道, in the shipped division list
VILLAGE = "430105003001"


class CheckFailed(Exception):
    pass


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


@dataclass
class Result:
    name: str
    ok: bool
    detail: str
    seconds: float


@dataclass
class Context:
    folder: Path
    server: str | None = None
    user: str | None = None
    password: str | None = None

    @property
    def store_path(self) -> Path:
        return self.folder / "selftest.db"


# -- the checks ---------------------------------------------------------------------


def check_reference_data(ctx: Context) -> str:
    from jsxcore.codes import CODE_TABLES
    from jsxcore.divisions import read_divisions

    rows = read_divisions()
    expect(len(rows) > 30_000, f"only {len(rows)} divisions")
    expect(any(r.code == TOWNSHIP for r in rows), f"township {TOWNSHIP} missing")
    expect(len(CODE_TABLES) > 10, "code tables missing")
    return f"{len(rows):,} divisions, {len(CODE_TABLES)} code tables"


def check_store(ctx: Context) -> str:
    from jsxclient import demo
    from jsxclient.store.maintenance import backup, check, verify_backup
    from jsxclient.store.reference import init_township
    from jsxclient.store.store import Store

    store = Store.open(ctx.store_path, user="selftest")
    try:
        init_township(store, TOWNSHIP)
        # With --test-server these records are synced to that test server.
        counts = demo.generate(store, TOWNSHIP, scale=0.02, seed=1, mark=False)
        report = check(store)
        expect(report.ok, f"integrity check: {report.problems[:3]}")
        copy = backup(store, ctx.folder / "backup.db")
        verify_backup(copy, None, expect_township=TOWNSHIP)
    finally:
        store.close()
    return f"{sum(counts.values())} demo records, check and backup ok"


def check_validation(ctx: Context) -> str:
    from jsxclient.store.store import Store, ValidationFailed
    from jsxcore.entities import spec
    from jsxcore.validation import validate_record

    bad = {"name": "张三", "sex": "1", "id_number": "430105199001011235", "division_code": VILLAGE}
    codes = [i.code for i in validate_record(spec("person").rules, bad)]
    expect(any(c.startswith("id_number.") for c in codes), f"bad ID number passed: {codes}")
    good = {**bad, "id_number": None, "mobile": "13807310000"}
    expect(not validate_record(spec("person").rules, good), "a valid person was refused")
    store = Store.open(ctx.store_path, user="selftest")
    try:
        try:
            with store.transaction() as tx:
                tx.insert("person", {**bad})
        except ValidationFailed as exc:
            refused = exc.issues[0].zh
        else:
            raise CheckFailed("the store took an invalid record")
    finally:
        store.close()
    return f"refused: {refused}"


def check_upgrade(ctx: Context) -> str:
    """A store of the previous schema, as the program before this one wrote
    it, opens with its rows and leaves a verified backup."""
    from jsxclient.store import schema
    from jsxclient.store.store import Store
    from jsxclient.store.upgrade import upgrade_backups

    path = ctx.folder / "old.db"
    previous = schema.LATEST - 1
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=previous)
    conn.execute("INSERT INTO meta(key, value) VALUES('township_code', ?)", (TOWNSHIP,))
    conn.execute(
        "INSERT INTO person(id, division_code, created_at, updated_at, updated_device, "
        "updated_user, deleted, sync_state, name, sex, search_key) VALUES('selftest01', ?, "
        "'2024-01-01', '2024-01-01', 'd', 'u', 0, 'synced', '王芳', '2', 'wangfang wf')",
        (VILLAGE,),
    )
    conn.close()
    store = Store.open(path)
    try:
        expect(schema.schema_version(store.db.connection()) == schema.LATEST, "not upgraded")
        row = store.get("person", "selftest01")
        expect(row is not None and row["name"] == "王芳", "a row was lost")
    finally:
        store.close()
    expect(len(upgrade_backups(path)) == 1, "no backup before the upgrade")
    return f"schema {previous} -> {schema.LATEST}, backup kept"


def check_encrypted_store(ctx: Context) -> str:
    from jsxclient.store.db import StoreError
    from jsxclient.store.store import Store

    # A raw 32-byte data key, as the login unwraps it (jsxclient.security.vault).
    path, key = ctx.folder / "secret.db", secrets.token_bytes(32)
    store = Store.open(path, key=key)
    store.set_meta("selftest", "秘密")
    store.close()
    expect(not path.read_bytes().startswith(b"SQLite format 3"), "the file is not encrypted")
    try:
        Store.open(path, key=bytes(32)).close()
    except StoreError:
        pass
    else:
        raise CheckFailed("a wrong key opened the store")
    store = Store.open(path, key=key)
    try:
        expect(store.meta("selftest") == "秘密", "the encrypted store lost its data")
        cipher = store.db.connection().execute("PRAGMA cipher_version").fetchone()
    finally:
        store.close()
    return f"SQLCipher {cipher[0] if cipher else '?'}"


def check_spreadsheets(ctx: Context) -> str:
    """Export the member list to Excel (XlsxWriter) and read it back (calamine)."""
    from jsxclient.store.store import Store
    from jsxclient.transfer import exporter, readers

    path = ctx.folder / "members.xlsx"
    store = Store.open(ctx.store_path, user="selftest")
    try:
        rows = exporter.export_list(store, "member", path)
    finally:
        store.close()
    sheet = readers.read(path)
    expect(rows > 0, "no members exported")
    expect(len(sheet.rows) > rows, f"{rows} rows written, {len(sheet.rows)} read back")
    return f"{rows} members to xlsx and back"


def check_sync(ctx: Context) -> str:
    from jsxclient.store.maintenance import check
    from jsxclient.store.store import Store
    from jsxclient.sync.account import connect, make_transport
    from jsxclient.sync.engine import SyncEngine

    assert ctx.server and ctx.user and ctx.password is not None
    store = Store.open(ctx.store_path, user="selftest")
    try:
        connect(store, ctx.server, ctx.user, ctx.password, "jsxclient self-test")
        with make_transport(store) as transport:
            receipt = SyncEngine(store, transport).run()
        if receipt.outcome != "ok":
            refused = (
                store.db.connection()
                .execute("SELECT reason FROM journal WHERE state = 'rejected' LIMIT 1")
                .fetchone()
            )
            raise CheckFailed(f"sync outcome {receipt.outcome}: {refused[0] if refused else ''}")
        expect(store.pending_count() == 0, f"{store.pending_count()} changes not sent")
        expect(check(store).ok, "integrity check after the sync")
    finally:
        store.close()
    return f"sent {receipt.sent}, received {receipt.received}"


Check = tuple[str, Callable[[Context], str]]


def checks(gui: bool, server: bool) -> list[Check]:
    out: list[Check] = [
        ("reference data", check_reference_data),
        ("temporary store", check_store),
        ("validation", check_validation),
        ("schema upgrade", check_upgrade),
        ("encrypted store", check_encrypted_store),
        ("spreadsheets", check_spreadsheets),
    ]
    if gui:
        from jsxclient.ui import selftest as ui

        out += ui.CHECKS
    if server:
        out.append(("sync with the server", check_sync))
    return out


def run(ctx: Context, todo: Sequence[Check], say: Callable[[str], None]) -> list[Result]:
    results = []
    for name, fn in todo:
        t0 = time.perf_counter()
        try:
            detail, ok = fn(ctx), True
        except Exception as exc:
            detail, ok = f"{type(exc).__name__}: {exc}", False
            say("".join(traceback.format_exception(exc)).rstrip())
        r = Result(name, ok, detail, time.perf_counter() - t0)
        say(f"{'ok  ' if ok else 'FAIL'}  {name:22s} {r.seconds:5.2f} s  {detail}")
        results.append(r)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="jsxclient-cli --self-test",
        description="自检：在临时文件夹中检查程序的各个部分 / check that this "
        "installation works (in a temporary folder; your data is not touched)",
    )
    p.add_argument(
        "--test-server",
        metavar="URL",
        help=f"also connect to this TEST server and sync: demo records of township {TOWNSHIP} "
        "are uploaded there (never use the production server)",
    )
    p.add_argument(
        "--user",
        help=f"a township administrator of {TOWNSHIP} on that server (the demo data "
        "holds subsidy rates, which only an administrator may set)",
    )
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--no-gui", action="store_true", help="skip the Qt checks")
    p.add_argument("--keep", type=Path, help="work in this folder and keep it (for support)")
    args = p.parse_args(argv)
    if args.test_server and not (args.user and args.password_stdin):
        p.error("--test-server needs --user and --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None

    def say(text: str) -> None:
        print(text, flush=True)

    say(f"jsxclient {APP_VERSION} self-test ({sys.executable})")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        folder, cleanup = args.keep, None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="jsxclient-selftest-")
        folder = Path(cleanup.name)
    os.environ.pop("JSXCLIENT_KEY", None)  # the checks choose their own keys
    try:
        ctx = Context(folder, args.test_server, args.user, password)
        results = run(ctx, checks(not args.no_gui, bool(args.test_server)), say)
    finally:
        if cleanup is not None:
            cleanup.cleanup()
    failed = [r.name for r in results if not r.ok]
    total = sum(r.seconds for r in results)
    if failed:
        say(f"自检失败 / self-test FAILED ({', '.join(failed)})")
        return 1
    say(f"自检通过 / self-test passed: {len(results)} checks in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
