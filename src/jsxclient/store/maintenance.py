"""Integrity check, online backup and restore of the local store."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jsxclient.store import journal
from jsxclient.store.db import Database, StoreError
from jsxclient.store.store import Store
from jsxcore.entities import ENTITIES

APPLICATION_ID = 1246975043  # "JSXC", set by migration 1


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(store: Store) -> CheckReport:
    """SQLite's own integrity check plus the journal's invariants: every
    change id unique, every pending change points at a row, every row has
    a journal entry or came from the server, no row left pending without a
    pending change."""
    rep = CheckReport()
    conn = store.db.connection()
    result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        rep.problems += [f"integrity: {r}" for r in result[:20]]
    for r in conn.execute("PRAGMA foreign_key_check"):
        rep.problems.append(f"foreign key: {r}")
    dup = journal.duplicate_change_ids(conn)
    if dup:
        rep.problems.append(f"journal: {dup} duplicated change ids")
    for name in ENTITIES:
        rep.counts[name] = conn.execute(f"SELECT count(*) FROM {name} WHERE deleted=0").fetchone()[
            0
        ]
        orphans = journal.pending_without_row(conn, name)
        if orphans:
            rep.problems.append(f"{name}: {orphans} pending changes without a row")
        untracked = journal.untracked_rows(conn, name)
        if untracked:
            rep.problems.append(f"{name}: {untracked} rows neither journaled nor from the server")
        stuck = journal.pending_rows_without_change(conn, name)
        if stuck:
            rep.problems.append(f"{name}: {stuck} rows marked pending with nothing to send")
    rep.counts["journal_pending"] = store.pending_count()
    return rep


def backup(store: Store, dest: Path) -> Path:
    """A consistent copy taken while the store is in use (VACUUM INTO keeps
    the encryption and key of an encrypted store)."""
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists")
    dest.parent.mkdir(parents=True, exist_ok=True)
    store.db.connection().execute("VACUUM INTO ?", (str(dest),))
    verify_backup(dest, store.db.key, expect_township=store.township_code)
    return dest


def verify_backup(
    path: Path, key: str | None, expect_township: str | None = None
) -> dict[str, str]:
    """Open a backup read-only and check it is a whole jsxclient store; returns
    its meta. Raises StoreError with the reason otherwise."""
    if not Path(path).is_file():
        raise StoreError(f"{path}: no such file")
    db = Database(path, key)
    try:
        try:
            conn = db.connection()  # not open_connection(): db.close() must close it
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a readable store ({exc})") from exc
        if app_id != APPLICATION_ID:
            raise StoreError(f"{path}: not a jsxclient store")
        if check != ["ok"]:
            raise StoreError(f"{path}: damaged ({check[0]})")
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        township = meta.get("township_code")
        if expect_township and township != expect_township:
            raise StoreError(
                f"{path}: belongs to township {township}, this store to {expect_township}"
            )
        return meta
    finally:
        db.close()


def restore(
    store_path: Path, backup_path: Path, key: str | None, allow_other_township: bool = False
) -> Path:
    """Replace the store with a verified backup. The current store is kept
    beside it (`*.before-restore-<time>`) so a restore never loses data."""
    store_path = Path(store_path)
    expect = None
    if store_path.exists() and not allow_other_township:
        current = Database(store_path, key)
        try:
            r = (
                current.connection()
                .execute("SELECT value FROM meta WHERE key='township_code'")
                .fetchone()
            )
            expect = r[0] if r else None
        except sqlite3.DatabaseError:
            expect = None  # a broken current store must not block its own rescue
        finally:
            current.close()
    verify_backup(backup_path, key, expect_township=expect)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = store_path.with_name(f"{store_path.name}.before-restore-{stamp}")
    tmp = store_path.with_name(store_path.name + ".restoring")
    shutil.copyfile(backup_path, tmp)
    if store_path.exists():
        # Fold the WAL into the main file first so the kept copy is whole.
        db = Database(store_path, key)
        try:
            db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError:
            pass
        finally:
            db.close()
        shutil.copyfile(store_path, kept)
    for suffix in ("-wal", "-shm"):
        Path(str(store_path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, store_path)
    return kept


def report_json(rep: CheckReport) -> str:
    return json.dumps(
        {"ok": rep.ok, "problems": rep.problems, "counts": rep.counts}, ensure_ascii=False, indent=2
    )
