"""The SQLite server's write-ahead log is copied into the database file by
the Checkpointer thread, not by the writers (core/db.py)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from jsxserver.core.config import Settings
from jsxserver.core.db import SQLITE_AUTOCHECKPOINT, SQLITE_PAGE_SIZE, make_database

PAGE = 4096


def test_the_log_reaches_the_file_beside_the_writers(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    db = make_database(Settings(database_url=f"sqlite:///{path}"))
    try:
        with db.write_engine.begin() as conn:
            # Writers leave the copying to the thread until the log is large.
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == (
                SQLITE_AUTOCHECKPOINT
            )
            conn.exec_driver_sql("CREATE TABLE t (x BLOB)")
        before = path.stat().st_size
        # 300 rows of 4 KiB (1.2 MB): under SQLite's own default of 1,000
        # pages, so no writer would have copied them; the connections stay
        # open (a last close copies).
        with db.write_engine.begin() as conn:
            conn.exec_driver_sql(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 300) INSERT INTO t SELECT randomblob(?) FROM n",
                (PAGE,),
            )
        with db.engine.connect() as reader:
            assert reader.exec_driver_sql("SELECT count(*) FROM t").scalar() == 300
            cp = db.checkpointer
            assert cp is not None
            deadline = time.monotonic() + 30
            # The file grows while the checkpoint runs, before it is counted.
            while (
                path.stat().st_size < before + 300 * PAGE or cp.runs < 1
            ) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert path.stat().st_size >= before + 300 * PAGE, "the log was not copied"
            assert cp.runs >= 1
        assert os.path.exists(f"{path}-wal")  # the writers' connections are still open
    finally:
        db.dispose()
    assert db.checkpointer is not None and not db.checkpointer._thread.is_alive()


def test_a_new_file_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:  # a file an earlier release made
        conn.execute("PRAGMA page_size=4096")
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    for path, size in ((tmp_path / "new.db", SQLITE_PAGE_SIZE), (old, 4096)):
        db = make_database(Settings(database_url=f"sqlite:///{path}"))
        try:
            with db.write_engine.begin() as c:
                c.exec_driver_sql("CREATE TABLE IF NOT EXISTS u (x)")
                assert c.exec_driver_sql("PRAGMA page_size").scalar() == size
                assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        finally:
            db.dispose()


def test_no_thread_for_a_database_in_memory() -> None:
    db = make_database(Settings(database_url="sqlite://"))
    try:
        assert db.checkpointer is None
    finally:
        db.dispose()
