"""The SQLite server's write-ahead log is copied into the database file by
the Checkpointer thread, not by the writers (core/db.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from jsxserver.core.config import Settings
from jsxserver.core.db import SQLITE_AUTOCHECKPOINT, make_database

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
        # 300 pages: under SQLite's own default of 1,000, so no writer would
        # have copied them; the connections stay open (a last close copies).
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


def test_no_thread_for_a_database_in_memory() -> None:
    db = make_database(Settings(database_url="sqlite://"))
    try:
        assert db.checkpointer is None
    finally:
        db.dispose()
