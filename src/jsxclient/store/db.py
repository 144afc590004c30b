"""Opening the local SQLite file, plain or SQLCipher-encrypted.

The desktop and the CLI always open stores encrypted, with the random data
key that `jsxclient.security.vault` unwraps at login (a raw 256-bit key:
SQLCipher's own PBKDF2 is skipped, the KDF is in front of it). A plain
store (`key=None`) is for the test suite, the benchmarks' `--plain` runs and
the one-time migration of an old plain store only.

Connections run in autocommit mode (`isolation_level=None`); the write path
issues `BEGIN IMMEDIATE` itself so a write transaction takes the lock at its
start instead of failing half-way. Each thread gets its own connection.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

APP_NAME = "jsxclient"
APP_AUTHOR = "hnjsx"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_store_path() -> Path:
    return default_data_dir() / "jsxclient.db"


def now_text() -> str:
    """The local time as the store's timestamp columns hold it."""
    return datetime.now().isoformat(sep=" ", timespec="microseconds")


class StoreError(Exception):
    """The store file cannot be used (wrong key, corrupt, foreign, locked)."""


class StoreDamaged(StoreError):
    """The file is damaged: pages unreadable or failing their checks."""

    zh = "数据文件已损坏，请从备份恢复（设置 → 数据备份 → 从备份恢复），或联系技术支持。"
    en = (
        "The data file is damaged: restore a backup (Settings → Backups → Restore) or call support."
    )


def _db_errors() -> tuple[type[Exception], ...]:
    from sqlcipher3 import dbapi2

    return (sqlite3.DatabaseError, dbapi2.DatabaseError)


# Errors of both drivers: sqlcipher3 has its own exception classes, which an
# `except sqlite3.OperationalError` would not catch on an encrypted store.
DB_ERRORS: tuple[type[Exception], ...] = _db_errors()


def _both(name: str) -> tuple[type[Exception], ...]:
    from sqlcipher3 import dbapi2

    return (getattr(sqlite3, name), getattr(dbapi2, name))


SQL_ERRORS = _both("Error")
OPERATIONAL_ERRORS = _both("OperationalError")
INTEGRITY_ERRORS = _both("IntegrityError")
# A value of a type SQLite cannot bind (a list, a dict).
PROGRAMMING_ERRORS = _both("ProgrammingError") + _both("InterfaceError")


def _null(value: None) -> None:
    return None


def _bind_fast(driver: Any) -> None:
    """Bind None and bools without the driver's adaptation look-up.

    Both drivers send every parameter that is not exactly an int, float or
    str through their adapter registry; for None and bool nothing is found
    there and the search ends by raising and clearing an error, per value:
    a bootstrap binds millions of them (about half of all its binding time
    on plain SQLite, far more on SQLCipher). Registered adapters give the
    same values (NULL; 0 and 1) straight away. Process-wide, like the
    registry itself."""
    driver.register_adapter(type(None), _null)
    driver.register_adapter(bool, int)


def _bind_fast_both() -> None:
    from sqlcipher3 import dbapi2

    _bind_fast(sqlite3)
    _bind_fast(dbapi2)


_bind_fast_both()


# What reading a damaged page can raise: SQLCipher reports a page failing
# its HMAC as "file is not a database", and some reads of one as SQLITE_NOMEM
# (Python's MemoryError).
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (*DB_ERRORS, MemoryError)


def is_damage(exc: BaseException) -> bool:
    """Whether an error from SQLite means damaged pages."""
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return isinstance(exc, DB_ERRORS) and any(
        w in text for w in ("malformed", "not a database", "corrupt", "hmac")
    )


KEY_BYTES = 32


class Database:
    def __init__(self, path: Path | str, key: bytes | None = None) -> None:
        if key is not None and len(key) != KEY_BYTES:
            raise ValueError("the data key is 32 bytes")
        self.path = Path(path)
        self.key = key
        self._local = threading.local()
        self._engine: Engine | None = None
        # The last checkpoint `checkpoint_behind` started (each waits for
        # the one before it).
        self._behind: threading.Thread | None = None
        self._behind_lock = threading.Lock()

    def _driver(self) -> Any:
        if self.key is None:
            return sqlite3
        from sqlcipher3 import dbapi2  # imported lazily: only encrypted stores need it

        return dbapi2

    def open_connection(self) -> sqlite3.Connection:
        """A new connection with the key applied and the pragmas set."""
        driver = self._driver()
        from jsxclient.security.files import create_private, make_private

        if not self.path.exists():
            # SQLite gives -wal and -shm the main file's mode: create it
            # private first and they are private too.
            create_private(self.path)
        else:
            # A store an older build left readable by everyone.
            for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                with contextlib.suppress(OSError):
                    make_private(p)
        conn = driver.connect(
            str(self.path), isolation_level=None, check_same_thread=False, timeout=30
        )
        if self.key is not None:
            conn.execute("PRAGMA key = \"x'" + self.key.hex() + "'\"")
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except driver.DatabaseError as exc:
            conn.close()
            raise StoreError(f"cannot open {self.path}: {exc} (wrong key or not a store)") from exc
        # Sorts and temporary tables stay in memory, never in a plain temp file.
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        # 64 MB page cache: bulk writes (demo data, bootstrap) touch many index pages.
        conn.execute("PRAGMA cache_size=-65536")
        return conn

    def checkpoint_behind(self) -> threading.Thread:
        """A PASSIVE checkpoint of the WAL on a connection and a thread of
        their own (returned), after those started before it (`checkpointed`
        waits for them; `close` does).

        A passive checkpoint copies committed frames only and takes neither
        the write lock nor a reader's place: writes on other connections go
        on meanwhile (their frames follow in the WAL), and their commits'
        own automatic checkpoints skip while it holds the checkpoint lock.
        It mostly waits on the disk (its fsyncs), so a bootstrap has its
        rows checkpointed while it builds its indexes, and those indexes
        after it returns. Housekeeping only: an error leaves the frames to
        the next commit's automatic checkpoint."""
        with self._behind_lock:
            before = self._behind

            def run() -> None:
                if before is not None:
                    before.join()
                try:
                    conn = self.open_connection()
                except DB_ERRORS:
                    return
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except DB_ERRORS:
                    pass
                finally:
                    conn.close()

            t = self._behind = threading.Thread(target=run, name="jsx-checkpoint", daemon=True)
            t.start()
            return t

    def checkpointed(self) -> None:
        """Wait for the checkpoints `checkpoint_behind` started."""
        with self._behind_lock:
            t = self._behind
        if t is not None:
            t.join()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.open_connection()
            self._local.conn = conn
        return conn

    @property
    def engine(self) -> Engine:
        """SQLAlchemy engine for read queries through SQLModel sessions."""
        if self._engine is None:
            self._engine = create_engine(
                "sqlite://", creator=self.open_connection, poolclass=NullPool
            )
        return self._engine

    def close(self) -> None:
        # No connection of a checkpoint left behind on the file once closed.
        self.checkpointed()
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def legacy_key(passphrase: str) -> bytes:
    """The key an old build derived from `JSXCLIENT_KEY` (one SHA-256, or
    the hex itself): only to migrate such a store to a wrapped random key."""
    import hashlib

    if len(passphrase) == 64 and all(c in "0123456789abcdefABCDEF" for c in passphrase):
        return bytes.fromhex(passphrase)
    return hashlib.sha256(passphrase.encode()).digest()
