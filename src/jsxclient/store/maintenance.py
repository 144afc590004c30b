"""Integrity check, backups (made by hand and automatic, rotating) and
restore of the local store.

A backup is one file: a short header and the store's pages as SQLCipher
wrote them (encrypted with the store's data key):

    JSXBACKUP1\\n
    {"created": ..., "store_id": ..., "encrypted": true, "size": N,
     "keys": {the key file's wrapped keys}, "mac": HMAC-SHA256}\\n
    <N bytes: the database>

The MAC (key derived from the data key) covers the header and every byte,
so a restore refuses a file altered anywhere, truncated, or made for another
store; SQLCipher's per-page HMAC and SQLite's integrity check are checked
too. The wrapped keys let a backup be restored on a new computer with a
password or the recovery code that was valid when it was made.

Backups, restores and checks never leave a half-written file: the work
happens in a temporary file beside the destination, renamed into place only
once verified.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jsxclient.security import files
from jsxclient.security.keyfile import KeyFile, KeyFileError, keyfile_path
from jsxclient.store import audit, journal, replay
from jsxclient.store.db import (
    DAMAGE_ERRORS,
    DB_ERRORS,
    Database,
    StoreDamaged,
    StoreError,
    is_damage,
)
from jsxclient.store.store import Store
from jsxcore.entities import ENTITIES

APPLICATION_ID = 1246975043  # "JSXC", set by migration 1
MAGIC = b"JSXBACKUP1\n"
SUFFIX = ".jsxbak"
AUTO_TAG = "auto"
AUTO_KEEP = 14
AUTO_EVERY = timedelta(days=1)
_CHUNK = 1 << 20
# What opening a store that is not whole can raise, with either driver.
_OPEN_ERRORS: tuple[type[Exception], ...] = (*DB_ERRORS, StoreError)


class BackupRefused(StoreError):
    """A backup file that must not be restored: tampered, damaged, foreign."""

    kind = "refused"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.zh = "拒绝恢复：备份文件已损坏、被改动或不属于本机数据。"
        self.en = "Restore refused: the backup is damaged, altered or not of this computer's data."

    def text(self, lang: str = "zh") -> str:
        return (self.en if lang.lower().startswith("en") else self.zh) + f"\n{self}"


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    damaged: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def damaged_error(store: Store, exc: BaseException) -> StoreDamaged:
    return StoreDamaged(f"{store.db.path}: {exc}")


def check(store: Store) -> CheckReport:
    """SQLite's own integrity check plus the journal's invariants: every
    change id unique, every pending change points at a row, every row has
    a journal entry or came from the server, no row left pending without a
    pending change; and the audit log's chain. A damaged file is reported,
    not raised."""
    rep = CheckReport()
    try:
        _check(store, rep)
    except DAMAGE_ERRORS as exc:
        if not is_damage(exc):
            raise
        rep.damaged = True
        rep.problems.append(f"damaged: {exc}")
    return rep


def _check(store: Store, rep: CheckReport) -> None:
    conn = store.db.connection()
    result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        rep.damaged = True
        rep.problems += [f"integrity: {r}" for r in result[:20]]
        return
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
    rep.problems += audit.verify(conn)
    rep.counts["journal_pending"] = store.pending_count()


def quick_check(store: Store) -> None:
    """Raise `StoreDamaged` unless every page reads back whole (SQLCipher
    checks each page's HMAC as it decrypts it)."""
    try:
        r = store.db.connection().execute("PRAGMA quick_check").fetchone()[0]
    except DAMAGE_ERRORS as exc:
        if is_damage(exc):
            raise damaged_error(store, exc) from exc
        raise
    if r != "ok":
        raise damaged_error(store, r)


# -- the backup file ---------------------------------------------------------------


def _mac_key(key: bytes | None) -> bytes:
    # A plain store (tests, benchmarks) has no key: the "MAC" then only
    # proves the file is whole, and an encrypted store never restores it.
    return hmac.new(key or b"", b"jsxclient backup mac/1", hashlib.sha256).digest()


def _public_keys(kf: KeyFile | None) -> dict[str, Any] | None:
    if kf is None:
        return None
    d = kf.to_json()
    return {k: d[k] for k in ("format", "store_id", "township", "slots", "recovery")}


def _header_bytes(header: dict[str, Any]) -> bytes:
    return json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _mac(key: bytes | None, header: dict[str, Any], body: Path) -> str:
    m = hmac.new(_mac_key(key), MAGIC + _header_bytes(header), hashlib.sha256)
    with body.open("rb") as f:
        while chunk := f.read(_CHUNK):
            m.update(chunk)
    return m.hexdigest()


def _write_container(dest: Path, db_file: Path, key: bytes | None, kf: KeyFile | None) -> None:
    header: dict[str, Any] = {
        "created": datetime.now().isoformat(sep=" ", timespec="seconds"),
        "store_id": kf.store_id if kf else "",
        "encrypted": key is not None,
        "size": db_file.stat().st_size,
        "keys": _public_keys(kf),
    }
    mac = _mac(key, header, db_file)
    part = dest.with_name(f".{dest.name}.partial")
    try:
        with part.open("wb") as out, db_file.open("rb") as src:
            files.make_private(part)
            out.write(MAGIC + _header_bytes({**header, "mac": mac}) + b"\n")
            shutil.copyfileobj(src, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class BackupFile:
    path: Path
    header: dict[str, Any]
    offset: int

    @property
    def keys(self) -> KeyFile | None:
        d = self.header.get("keys")
        if not isinstance(d, dict):
            return None
        try:
            return KeyFile.from_dict(Path(str(self.path) + ".keys"), d)
        except KeyFileError:
            return None


def read_backup(path: Path) -> BackupFile:
    try:
        with Path(path).open("rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                raise BackupRefused(f"{path}: not a jsxclient backup")
            line = f.readline(1 << 20)
            header = json.loads(line)
            offset = f.tell()
    except FileNotFoundError:
        raise BackupRefused(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BackupRefused(f"{path}: not a file") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupRefused(f"{path}: unreadable header ({exc})") from exc
    if not isinstance(header, dict) or not isinstance(header.get("mac"), str):
        raise BackupRefused(f"{path}: unreadable header")
    return BackupFile(Path(path), header, offset)


def _extract(b: BackupFile, dest: Path) -> None:
    with b.path.open("rb") as src, dest.open("wb") as out:
        files.make_private(dest)
        src.seek(b.offset)
        shutil.copyfileobj(src, out, _CHUNK)


def _verify_extracted(
    b: BackupFile, db_file: Path, key: bytes | None, expect_township: str | None
) -> dict[str, str]:
    header = {k: v for k, v in b.header.items() if k != "mac"}
    if db_file.stat().st_size != header.get("size"):
        raise BackupRefused(f"{b.path}: truncated or extended")
    if not hmac.compare_digest(_mac(key, header, db_file), str(b.header["mac"])):
        raise BackupRefused(f"{b.path}: altered, or made for other data (its MAC does not match)")
    if bool(header.get("encrypted")) != (key is not None):
        raise BackupRefused(f"{b.path}: {'not ' if key else ''}encrypted")
    return verify_store_file(db_file, key, expect_township, shown=b.path)


def verify_store_file(
    db_file: Path, key: bytes | None, expect_township: str | None, shown: Path | None = None
) -> dict[str, str]:
    """Check a store file itself (a copy taken before an upgrade, the body of
    a backup): readable with `key`, ours, whole, of the township; its meta."""
    shown = shown or db_file
    db = Database(db_file, key)
    try:
        try:
            conn = db.connection()  # not open_connection(): db.close() must close it
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except _OPEN_ERRORS as exc:
            raise BackupRefused(f"{shown}: not a readable store ({exc})") from exc
        if app_id != APPLICATION_ID:
            raise BackupRefused(f"{shown}: not a jsxclient store")
        if result != ["ok"]:
            raise BackupRefused(f"{shown}: damaged ({result[0]})")
        township = meta.get("township_code")
        if expect_township and township != expect_township:
            raise BackupRefused(
                f"{shown}: belongs to township {township}, this store to {expect_township}"
            )
        return meta
    finally:
        db.close()


def verify_backup(
    path: Path, key: bytes | None, expect_township: str | None = None
) -> dict[str, str]:
    """Check a backup file whole (MAC, pages, integrity, township); returns
    its meta. Raises `BackupRefused` with the reason otherwise."""
    b = read_backup(path)
    with files.private_tempdir(Path(path).parent) as tmp:
        db_file = tmp / "check.db"
        _extract(b, db_file)
        return _verify_extracted(b, db_file, key, expect_township)


def backup(store: Store, dest: Path) -> Path:
    """A consistent, verified copy taken while the store is in use. A
    damaged store raises `StoreDamaged` and leaves no file at `dest`."""
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists")
    dest.parent.mkdir(parents=True, exist_ok=True)
    key = store.db.key
    kf = _keyfile_of(store.db.path)
    with files.private_tempdir(store.db.path.parent) as tmp:
        snap = tmp / "snapshot.db"
        try:
            store.db.connection().execute("VACUUM INTO ?", (str(snap),))
        except DAMAGE_ERRORS as exc:
            if is_damage(exc):
                raise damaged_error(store, exc) from exc
            raise
        _write_container(dest, snap, key, kf)
    try:
        verify_backup(dest, key, expect_township=store.township_code)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return dest


def _keyfile_of(store_path: Path) -> KeyFile | None:
    try:
        return KeyFile.load(keyfile_path(store_path))
    except KeyFileError:
        return None


def backup_dir(store_path: Path) -> Path:
    return files.private_dir(Path(store_path).parent / "backups", tighten=True)


def backup_name(store_path: Path, tag: str, when: datetime | None = None) -> str:
    return f"{Path(store_path).stem}-{when or datetime.now():%Y%m%d-%H%M%S}-{tag}{SUFFIX}"


def auto_backups(store_path: Path) -> list[Path]:
    """The automatic backups of this store, oldest first."""
    d = Path(store_path).parent / "backups"
    pattern = f"{Path(store_path).stem}-*-{AUTO_TAG}{SUFFIX}"
    return sorted(d.glob(pattern)) if d.is_dir() else []


def auto_backup(
    store: Store, keep: int = AUTO_KEEP, every: timedelta = AUTO_EVERY, now: datetime | None = None
) -> Path | None:
    """The daily backup: made when the newest automatic one is older than
    `every`; only the newest `keep` are kept. Returns the new file or None."""
    now = now or datetime.now()
    existing = auto_backups(store.db.path)
    if existing:
        newest = _stamp_of(existing[-1]) or datetime.fromtimestamp(existing[-1].stat().st_mtime)
        if now - newest < every:
            return None
    dest = backup_dir(store.db.path) / backup_name(store.db.path, AUTO_TAG, now)
    made = backup(store, dest)
    store.audit("backup", made.name, detail="automatic")
    for old in auto_backups(store.db.path)[:-keep]:
        old.unlink(missing_ok=True)
    return made


def _stamp_of(path: Path) -> datetime | None:
    """The time in an automatic backup's name (a copy resets the file's own)."""
    try:
        return datetime.strptime("-".join(path.stem.split("-")[-3:-1]), "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def encrypt_copy(plain: Path, key: bytes, kf: KeyFile, backups: Path) -> Path:
    """An old plain copy of the store (`*.before-restore-*`) as an encrypted
    backup under the new key."""
    from sqlcipher3 import dbapi2

    with files.private_tempdir(plain.parent) as tmp:
        enc = tmp / "enc.db"
        c = dbapi2.connect(str(plain), isolation_level=None)
        try:
            version = c.execute("PRAGMA user_version").fetchone()[0]
            c.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(enc),))
            c.execute("SELECT sqlcipher_export('enc')")
            c.execute(f"PRAGMA enc.user_version = {int(version)}")
            c.execute(f"PRAGMA enc.application_id = {APPLICATION_ID}")
            c.execute("DETACH DATABASE enc")
        finally:
            c.close()
        dest = backups / f"{plain.name.replace('.', '-')}{SUFFIX}"
        _write_container(dest, enc, key, kf)
    return dest


# -- restore ------------------------------------------------------------------------


Unlocker = Callable[[KeyFile], "bytes | None"]


@dataclass(frozen=True)
class Restored:
    """What a restore did: where the replaced store is kept, and what became
    of its unsynced changes (`jsxclient.store.replay`)."""

    kept: Path
    replayed: int = 0  # unsynced changes carried into the restored store
    conflicts: int = 0  # of them, recorded as conflicts
    dropped: dict[str, int] = field(default_factory=dict)  # per entity, when not carried

    @property
    def dropped_count(self) -> int:
        return sum(self.dropped.values())


def unsynced_work(store_path: Path, key: bytes | None) -> replay.Work | None:
    """The changes of the store at `store_path` the server has not
    acknowledged (what a restore carries over, or drops when told to);
    None when the store cannot be read."""
    if not Path(store_path).exists():
        return None
    db = Database(store_path, key)
    try:
        return replay.read_work(db.connection())
    except _OPEN_ERRORS:
        return None  # a broken current store must not block its own rescue
    finally:
        db.close()


def restore(
    store_path: Path,
    backup_path: Path,
    key: bytes | None,
    allow_other_township: bool = False,
    unlock: Unlocker | None = None,
    keep_unsynced: bool = True,
) -> Restored:
    """Replace the store with a verified backup. The current store is kept
    beside it (`*.before-restore-<time>`, itself a backup file), and its
    changes the server has not acknowledged are carried into the restored
    store (`jsxclient.store.replay`), so a restore never loses unsynced
    work: they are synced at the next sync like any other. With
    `keep_unsynced=False` (the worker saw the list and chose so), or for a
    backup of another township, they stay only in the kept copy and the
    result says how many per entity.

    The backup must verify under the store's own key; one made for other
    data (a new computer, a reinstalled one) verifies under the key that
    `unlock` gets from the backup's own wrapped keys (a password or the
    recovery code valid when it was made), and its key file comes with it."""
    store_path = Path(store_path)
    b = read_backup(backup_path)
    expect = None
    if store_path.exists() and not allow_other_township:
        expect = _township(store_path, key)
    work = unsynced_work(store_path, key)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = store_path.with_name(f"{store_path.name}.before-restore-{stamp}")
    with files.private_tempdir(store_path.parent) as tmp:
        db_file = tmp / "restore.db"
        _extract(b, db_file)
        new_keys = None
        other: bytes | None = None
        try:
            _verify_extracted(b, db_file, key, expect)
        except BackupRefused:
            theirs = b.keys
            other = unlock(theirs) if (unlock is not None and theirs is not None) else None
            if other is None or other == key:
                raise
            _verify_extracted(b, db_file, other, expect)
            new_keys = theirs
        incoming = store_path.with_name(store_path.name + ".restoring")
        shutil.copyfile(db_file, incoming)
        files.make_private(incoming)
    if store_path.exists():
        _keep_current(store_path, key, kept)
    for suffix in ("-wal", "-shm"):
        files.shred(Path(str(store_path) + suffix))
    if new_keys is not None:
        kp = keyfile_path(store_path)
        if kp.exists():
            shutil.copyfile(kp, Path(str(kept) + ".keys"))
        new_keys.path = kp
        new_keys.save()
    os.replace(incoming, store_path)
    if work is None:
        return Restored(kept)
    restored_key = key if new_keys is None else other
    restored = Store.open(store_path, restored_key)
    try:
        with restored.transaction() as tx:
            replay.raise_own_after(tx.conn, work)
            if not (work.entries or work.conflicts):
                return Restored(kept)
            if not keep_unsynced or restored.township_code != work.township:
                return Restored(kept, dropped=replay.missing(tx.conn, work))
            done = replay.replay(tx.conn, work)
        return Restored(kept, done.entries, done.conflicts)
    finally:
        restored.close()


def _township(store_path: Path, key: bytes | None) -> str | None:
    current = Database(store_path, key)
    try:
        r = (
            current.connection()
            .execute("SELECT value FROM meta WHERE key='township_code'")
            .fetchone()
        )
        return r[0] if r else None
    except _OPEN_ERRORS:
        return None  # a broken current store must not block its own rescue
    finally:
        current.close()


def _keep_current(store_path: Path, key: bytes | None, kept: Path) -> None:
    """The store being replaced, as a backup file; a store too damaged for
    that is kept as its raw (still encrypted) bytes."""
    try:
        current = Store.open(store_path, key)
        try:
            backup(current, kept)
            return
        finally:
            current.close()
    except _OPEN_ERRORS:
        pass
    with contextlib.suppress(*DB_ERRORS):
        db = Database(store_path, key)
        try:
            db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
    shutil.copyfile(store_path, kept)
    files.make_private(kept)


def report_json(rep: CheckReport) -> str:
    return json.dumps(
        {"ok": rep.ok, "damaged": rep.damaged, "problems": rep.problems, "counts": rep.counts},
        ensure_ascii=False,
        indent=2,
    )


def set_aside_demo(store_path: Path, when: datetime | None = None) -> Path:
    """Start for real after trying the program: move a closed demo store (its
    file, WAL, shared memory and key file) into a folder of its own beside
    it, so the next start is the first run. Nothing is deleted; the folder
    can be removed by hand. The caller checked `Store.is_demo` before
    closing every connection."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    dest = store_path.parent / f"demo-{stamp}"
    dest.mkdir()
    for p in (
        store_path,
        Path(f"{store_path}-wal"),
        Path(f"{store_path}-shm"),
        keyfile_path(store_path),
    ):
        if p.exists():
            shutil.move(str(p), str(dest / p.name))
    return dest
