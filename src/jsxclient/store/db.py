"""Opening the local SQLite file, plain or SQLCipher-encrypted.

Connections run in autocommit mode (`isolation_level=None`); the write path
issues `BEGIN IMMEDIATE` itself so a write transaction takes the lock at its
start instead of failing half-way. Each thread gets its own connection.
"""

from __future__ import annotations

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


class Database:
    def __init__(self, path: Path | str, key: str | None = None) -> None:
        self.path = Path(path)
        self.key = key
        self._local = threading.local()
        self._engine: Engine | None = None

    def _driver(self) -> Any:
        if self.key is None:
            return sqlite3
        from sqlcipher3 import dbapi2  # imported lazily: only encrypted stores need it

        return dbapi2

    def open_connection(self) -> sqlite3.Connection:
        """A new connection with the key applied and the pragmas set."""
        driver = self._driver()
        conn = driver.connect(
            str(self.path), isolation_level=None, check_same_thread=False, timeout=30
        )
        if self.key is not None:
            conn.execute("PRAGMA key = \"x'" + _hex_key(self.key) + "'\"")
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except driver.DatabaseError as exc:
            conn.close()
            raise StoreError(f"cannot open {self.path}: {exc} (wrong key or not a store)") from exc
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        # 64 MB page cache: bulk writes (demo data, bootstrap) touch many index pages.
        conn.execute("PRAGMA cache_size=-65536")
        return conn

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
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _hex_key(key: str) -> str:
    """Raw 256-bit key as hex; a passphrase is stretched by the security module
    before it gets here, so a hex key is passed through unchanged."""
    if len(key) == 64 and all(c in "0123456789abcdefABCDEF" for c in key):
        return key
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()
