"""Opening a store written by an older program: back it up, then upgrade it.

Before any schema migration the store is copied next to itself
(``jsxclient.db.before-upgrade-v4-<time>``, `VACUUM INTO`, so an encrypted
store stays encrypted with its key) and the copy is checked the way a
restore checks a backup. Only then do the migrations run, all of them in one
transaction (`schema.migrate`): either the store reaches the new version or
it is left exactly as it was. Either way the worker is told, in Chinese and
English, what happened and what to do next; the backup is kept.

A fresh file (schema 0, nothing in it) has nothing to lose and is not backed
up.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jsxclient.store import schema
from jsxclient.store.db import SQL_ERRORS, Database, StoreError
from jsxcore.version import APP_VERSION

log = logging.getLogger("jsxclient.store")

BACKUP_INFIX = ".before-upgrade-v"


class UpgradeError(StoreError):
    """The store could not be upgraded; it is unchanged. `zh` and `en` say what
    to do, `backup` names the verified copy taken before the attempt."""

    def __init__(self, zh: str, en: str, detail: str = "", backup: Path | None = None) -> None:
        super().__init__(f"{en} ({detail})" if detail else en)
        self.zh = zh
        self.en = en
        self.detail = detail
        self.backup = backup

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


class StoreTooNewError(UpgradeError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"这个数据库由更新版本的程序建立（数据结构版本 {found}，本程序只认识到 "
            f"{supported}）。请安装最新版本的程序；数据没有改动。",
            f"This data was written by a newer version of the program (schema {found}; "
            f"this program knows up to {supported}). Please install the newest version; "
            "nothing was changed.",
            detail=f"schema {found} > {supported}",
        )


class BackupFailedError(UpgradeError):
    def __init__(self, store: Path, detail: str) -> None:
        super().__init__(
            "升级数据库前无法完成备份，所以没有升级，数据没有改动。请检查磁盘剩余空间和"
            f"文件夹 {store.parent} 的写入权限后重新打开程序。",
            "The data could not be backed up before upgrading it, so it was not upgraded "
            f"and nothing was changed. Check the free disk space and that the folder "
            f"{store.parent} is writable, then open the program again.",
            detail=detail,
        )


class MigrationFailedError(UpgradeError):
    def __init__(self, backup: Path | None, start: int, detail: str) -> None:
        where_zh = f"升级前的备份在：{backup}。" if backup else ""
        where_en = f" A backup taken before the upgrade is at {backup}." if backup else ""
        super().__init__(
            f"新版本程序升级数据库（结构版本 {start} → {schema.latest()}）时出错，升级已撤销，"
            f"数据没有改动。{where_zh}请重新安装之前的版本继续工作，并把这条信息和日志文件"
            "发给技术支持。",
            f"Upgrading the data for this version (schema {start} -> {schema.latest()}) failed; "
            f"the upgrade was undone and nothing was changed.{where_en} Reinstall the "
            "previous version to keep working, and send this message and the log file to "
            "support.",
            detail=detail,
            backup=backup,
        )


@dataclass(frozen=True)
class Upgrade:
    from_version: int
    to_version: int
    backup: Path | None


def backup_path(store: Path, version: int, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = store.with_name(f"{store.name}{BACKUP_INFIX}{version}-{stamp}")
    candidate, n = base, 1
    while candidate.exists():  # two opens in one second (the app and a scheduled sync)
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def upgrade(db: Database) -> Upgrade | None:
    """Bring the store on `db` to the newest schema; None when it already was."""
    conn = db.connection()
    start = schema.schema_version(conn)
    if start > schema.latest():
        raise StoreTooNewError(start, schema.latest())
    if start == schema.latest():
        return None
    backup = _backup(db, conn, start) if start > 0 else None
    try:
        schema.migrate(conn, before_commit=lambda c, a, b: _log(c, a, b, backup))
    except schema.SchemaTooNewError as exc:  # a newer program upgraded it meanwhile
        raise StoreTooNewError(exc.found, exc.supported) from exc
    except Exception as exc:
        log.exception("upgrade of %s from schema %d failed", db.path, start)
        raise MigrationFailedError(backup, start, f"{type(exc).__name__}: {exc}") from exc
    done = Upgrade(start, schema.schema_version(conn), backup)
    log.info(
        "upgraded %s from schema %d to %d, backup %s",
        db.path,
        done.from_version,
        done.to_version,
        done.backup,
    )
    return done


# Either driver's errors (an encrypted store raises sqlcipher3's own classes).
_BACKUP_ERRORS: tuple[type[Exception], ...] = (*SQL_ERRORS, StoreError, OSError)


def _backup(db: Database, conn: sqlite3.Connection, version: int) -> Path:
    # Late import: maintenance imports the Store, which imports this module.
    from jsxclient.store.maintenance import verify_store_file

    dest = backup_path(db.path, version)
    try:
        township = conn.execute("SELECT value FROM meta WHERE key='township_code'").fetchone()
        conn.execute("VACUUM INTO ?", (str(dest),))
        verify_store_file(dest, db.key, expect_township=township[0] if township else None)
    except _BACKUP_ERRORS as exc:
        with contextlib.suppress(OSError):
            dest.unlink(missing_ok=True)
        raise BackupFailedError(db.path, f"{type(exc).__name__}: {exc}") from exc
    return dest


def _log(conn: sqlite3.Connection, start: int, end: int, backup: Path | None) -> None:
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='upgrade_log'"
    ).fetchone():
        return  # a migration to a version before the log existed (tests)
    conn.execute(
        "INSERT INTO upgrade_log(at, from_version, to_version, program_version, backup) "
        "VALUES(?, ?, ?, ?, ?)",
        (
            datetime.now().isoformat(sep=" ", timespec="seconds"),
            start,
            end,
            APP_VERSION,
            str(backup) if backup else None,
        ),
    )


def upgrade_backups(store: Path) -> list[Path]:
    """The pre-upgrade backups kept beside a store, oldest first."""
    return sorted(store.parent.glob(f"{glob.escape(store.name)}{BACKUP_INFIX}*"))
