"""A checkpoint on a thread and a connection of its own
(`Database.checkpoint_behind`, a bootstrap's) beside the store's writes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from jsxclient.store.store import Store

from ..conftest import VILLAGE


def _people(store: Store, n: int, tag: str) -> list[str]:
    with store.transaction() as tx:
        return tx.insert_many(
            "person",
            [  # type: ignore[arg-type]
                {"name": f"{tag}{i}", "sex": "1", "division_code": VILLAGE} for i in range(n)
            ],
        )


def _names(path: Path) -> set[str]:
    s = Store.open(path, user="tester")
    try:
        conn = s.db.connection()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {n for (n,) in conn.execute("SELECT name FROM person")}
    finally:
        s.close()


def _in_file(path: Path) -> set[str]:
    """The names the store's file itself holds (its WAL left aside): what
    checkpoints copied there."""
    copy = path.with_name("file-only.db")
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return {n for (n,) in conn.execute("SELECT name FROM person")}
    finally:
        conn.close()
        for p in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            p.unlink(missing_ok=True)


def test_it_needs_no_write_lock_and_writes_go_on_beside_it(store: Store, store_path: Path) -> None:
    conn = store.db.connection()
    conn.execute("PRAGMA wal_autocheckpoint=0")  # the rows stay in the WAL
    _people(store, 3000, "甲")
    assert "甲0" not in _in_file(store_path)
    with store.transaction() as tx:
        # A write transaction open all along: the checkpoint ends anyway
        # (a passive one takes no write lock and waits for none).
        tx.insert("person", {"name": "乙0", "sex": "2", "division_code": VILLAGE})
        t = store.db.checkpoint_behind()
        t.join(30)
        assert not t.is_alive()
    # The committed rows went to the file, the open transaction's did not.
    assert {f"甲{i}" for i in range(3000)} <= _in_file(store_path)
    assert "乙0" not in _in_file(store_path)
    # Writes racing a checkpoint of a large WAL lose nothing.
    conn.execute("PRAGMA wal_autocheckpoint=1000")
    _people(store, 3000, "丙")
    t = store.db.checkpoint_behind()
    n = 0
    while t.is_alive() or n < 20:
        _people(store, 5, f"丁{n}-")
        n += 1
    store.db.checkpointed()
    busy, log, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0 and log == done
    store.close()
    names = _names(store_path)
    assert {f"甲{i}" for i in range(3000)} | {"乙0"} | {f"丙{i}" for i in range(3000)} <= names
    assert {f"丁{k}-{i}" for k in range(n) for i in range(5)} <= names


def test_checkpoints_run_one_after_another_and_close_waits_for_them(
    store: Store, store_path: Path
) -> None:
    conn = store.db.connection()
    conn.execute("PRAGMA wal_autocheckpoint=0")
    _people(store, 6000, "戊")
    first = store.db.checkpoint_behind()
    _people(store, 5, "己")  # committed while the first one runs
    second = store.db.checkpoint_behind()
    store.db.checkpointed()
    assert not first.is_alive() and not second.is_alive()
    # The second ran after the first, not beside it (where it would have
    # found the checkpoint lock taken and copied nothing).
    assert {f"戊{i}" for i in range(6000)} | {f"己{i}" for i in range(5)} <= _in_file(store_path)
    _people(store, 2000, "庚")
    third = store.db.checkpoint_behind()
    store.close()  # waits for it
    assert not third.is_alive()
    assert {f"庚{i}" for i in range(2000)} <= _names(store_path)
