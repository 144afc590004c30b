"""The bootstrap's bulk load (indexes, person search and its FTS index built
in one pass at the end, jsxclient.store.bulk) leaves exactly what a plain
pull leaves, search finds people by name, pinyin (surname readings too) and
ID number, and a bootstrap killed before the index build, or between pages,
leaves a store that opens with its index whole and finishes at the next
sync."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jsxclient.store.bulk import DEFERRED_KEY
from jsxclient.store.queries import paging, pickers
from jsxclient.store.queries.paging import Query
from jsxclient.store.store import Store
from jsxclient.sync.account import make_transport
from jsxclient.sync.bootstrap import BOOTSTRAP_KEY
from jsxclient.sync.engine import SyncEngine, SyncProgress
from jsxclient.sync.pull import pull
from jsxcore.divisions import association_id
from jsxcore.entities import ENTITIES
from jsxcore.validation import make_id_number
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import Device, ServerProcess

# Surnames read as surnames, with what a worker types (initials, full).
READINGS = [
    ("曾春燕", "zcy", "zengchunyan"),
    ("单丽华", "slh", "shanlihua"),
    ("解小军", "xxj", "xiexiaojun"),
    ("仇红梅", "qhm", "qiuhongmei"),
    ("区明", "om", "ouming"),
    ("查良镛", "zly", "zhaliangyong"),
    ("朴成浩", "pch", "piaochenghao"),
    ("覃华", "qh", "qinhua"),
    ("尉迟敬德", "ycjd", "yuchijingde"),
    ("万俟雅", "mqy", "moqiya"),
]
PAGE = 40  # rows per page: a township's worth of pages from a few hundred rows


def _fill(dev: Device, villages: list[str]) -> dict[str, str]:
    """People with ID numbers, members, a deleted person and an edited one;
    returns name -> ID number."""
    dev.sync()  # the associations come from the server
    ids: dict[str, str] = {}
    names = [n for n, _, _ in READINGS] + [f"村民{i}" for i in range(150)]
    with dev.store.transaction() as tx:
        pids = []
        for i, name in enumerate(names):
            number = make_id_number("430105", date(1970 + i % 30, 1 + i % 12, 1 + i % 28), i)
            ids[name] = number
            pids.append(
                tx.insert(
                    "person",
                    {
                        "name": name,
                        "sex": "1" if i % 2 else "2",
                        "division_code": villages[i % 2],
                        "id_number": number,
                        "mobile": f"139{i:08d}",
                    },
                )
            )
        for i, pid in enumerate(pids[:120]):
            tx.insert(
                "member",
                {
                    "person_id": pid,
                    "association_id": association_id(villages[i % 2]),
                    "division_code": villages[i % 2],
                    "joined_on": "2020-01-01",
                },
            )
        tx.delete("person", pids[-1])
        tx.update("person", pids[-2], {"name": "曾改名", "address": "清水塘路8号"})
    ids["曾改名"] = ids.pop(names[-2])
    del ids[names[-1]]
    dev.sync()
    return ids


def _snapshot(conn: sqlite3.Connection) -> dict[str, Any]:
    """Everything a pull writes, and the schema objects around it."""
    out: dict[str, Any] = {
        name: conn.execute(f"SELECT * FROM {name} ORDER BY id").fetchall() for name in ENTITIES
    }
    out["person_search"] = conn.execute(
        "SELECT person_id, sort_key, text FROM person_search ORDER BY person_id"
    ).fetchall()
    out["schema"] = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    out["meta"] = conn.execute(
        "SELECT key, value FROM meta WHERE key IN ('sync_cursor', 'server_seq', ?, ?) ORDER BY key",
        (DEFERRED_KEY, BOOTSTRAP_KEY),
    ).fetchall()
    # FTS: whole, and answering as the plain pull's does.
    conn.execute("INSERT INTO person_fts(person_fts) VALUES('integrity-check')")
    out["fts"] = {
        term: sorted(
            r[0]
            for r in conn.execute(
                "SELECT s.person_id FROM person_fts JOIN person_search s "
                "ON s.id = person_fts.rowid WHERE person_fts MATCH ?",
                (f'"{term}"',),
            )
        )
        for term in ("zengchunyan", "村民1", "430105", "13900000", "qingshui", "改名")
    }
    return out


def _reference(make_device: MakeDevice, user: str) -> dict[str, Any]:
    """What a plain pull (no bulk load: triggers and indexes kept current
    row by row) leaves on a fresh device."""
    ref = make_device(user, "plain")
    pull(ref.store, ref.transport, page_size=PAGE)
    return _snapshot(ref.store.db.connection())


def _search_finds_people(conn: sqlite3.Connection, ids: dict[str, str]) -> None:
    for name, initials, full in READINGS:
        assert name in [c.label for c in pickers.find_people(conn, initials)], initials
        assert name in [r[0] for r in paging.page(conn, "member", Query(full)).rows], full
    # The dictionary reading of a polyphonic surname still finds her.
    assert "曾春燕" in [c.label for c in pickers.find_people(conn, "ccy")]
    # A renamed person by the new name's pinyin, not the old one.
    assert "曾改名" in [c.label for c in pickers.find_people(conn, "zenggaiming")]
    # ID numbers, whole and in part (the trigram index), and names.
    for name in ("曾春燕", "尉迟敬德", "村民42"):
        number = ids[name]
        assert [c.label for c in pickers.find_people(conn, number)] == [name]
        assert name in [c.label for c in pickers.find_people(conn, number[-8:])]
        assert name in [c.label for c in pickers.find_people(conn, name)]
    assert pickers.find_people(conn, "村民149") == []  # deleted


def test_bootstrap_leaves_what_a_plain_pull_does_and_finds_people(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    ids = _fill(make_device(user, "filler"), villages)
    expected = _reference(make_device, user)

    fresh = make_device(user, "fresh")
    stages: set[str] = set()

    def progress(p: SyncProgress) -> None:
        stages.add(p.stage)

    receipt = SyncEngine(fresh.store, fresh.transport, page_size=PAGE).run(progress=progress)
    assert receipt.outcome == "ok" and "bootstrap" in stages
    conn = fresh.store.db.connection()
    assert _snapshot(conn) == expected
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _search_finds_people(conn, ids)
    again = fresh.sync()
    assert (again.sent, again.received) == (0, 0)


# Killed with SIGKILL at a point of its bootstrap, in a process of its own.
_KILLED = """
import os, signal, sys, time
from jsxclient.store import bulk
from jsxclient.store.store import Store
from jsxclient.sync import pull as pl
from jsxclient.sync.account import make_transport
from jsxclient.sync.engine import SyncEngine

path, user, where, page = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = Store.open(path, user=user)
if where == "index":  # every page in, the index not built yet
    bulk.rebuild = lambda conn: os.kill(os.getpid(), signal.SIGKILL)
elif where == "behind":  # all committed, its checkpoint under way on its own thread
    from jsxclient.store.db import Database

    behind, started = Database.checkpoint_behind, []

    def killing(self):
        t = behind(self)
        started.append(t)
        if len(started) == 2:
            time.sleep(0.002)
            os.kill(os.getpid(), signal.SIGKILL)
        return t

    Database.checkpoint_behind = killing
else:  # after the second page
    apply_page, done = pl.apply_page, []

    def killing(*a, **k):
        apply_page(*a, **k)
        done.append(1)
        if len(done) == 2:
            os.kill(os.getpid(), signal.SIGKILL)

    pl.apply_page = killing
SyncEngine(store, make_transport(store), page_size=page).run()
sys.exit(3)
"""


def _killed_bootstrap(
    server: ServerProcess, make_device: MakeDevice, where: str
) -> tuple[str, dict[str, str], dict[str, Any], Path]:
    """A filled township, the snapshot a plain bootstrap gives, and a device
    whose bootstrap was killed at `where` (see _KILLED): its user, the people
    filled (name -> ID number), that snapshot and the store's path."""
    township, villages = server.fresh_township()
    user = server.make_user(township)
    ids = _fill(make_device(user, "filler"), villages)
    expected = _reference(make_device, user)
    dev = make_device(user, "killed")
    path = dev.path
    dev.close()
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED, str(path), user, where, str(PAGE)],
        capture_output=True,
        timeout=300,
        env=os.environ.copy(),
    )
    assert proc.returncode == -9, proc.stderr.decode()
    return user, ids, expected, path


@pytest.mark.parametrize("where", ["index", "pages"])
def test_bootstrap_killed_opens_with_its_index_whole_and_finishes(
    server: ServerProcess, make_device: MakeDevice, tmp_path: Path, where: str
) -> None:
    user, ids, expected, path = _killed_bootstrap(server, make_device, where)

    raw = sqlite3.connect(path)
    meta = dict(raw.execute("SELECT key, value FROM meta"))
    triggers = {n for (n,) in raw.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    persons = raw.execute("SELECT count(*) FROM person").fetchone()[0]
    indexed = raw.execute("SELECT count(*) FROM person_search").fetchone()[0]
    raw.close()
    # Left as the kill found it: rows in, their index not.
    assert DEFERRED_KEY in meta and BOOTSTRAP_KEY in meta
    assert "person_search_ai" not in triggers
    assert persons > 0 and indexed == 0

    store = Store.open(path, user=user)  # builds what the bootstrap deferred
    try:
        conn = store.db.connection()
        assert store.meta(DEFERRED_KEY) is None
        opened = _snapshot(conn)
        assert opened["schema"] == expected["schema"]
        have = {r[0] for r in opened["person_search"]}
        assert opened["person_search"] == [r for r in expected["person_search"] if r[0] in have]
        assert len(opened["person_search"]) == persons
        if where == "index":
            _search_finds_people(conn, ids)

        # The next sync goes on as a bootstrap and ends as one.
        stages: set[str] = set()
        receipt = SyncEngine(store, make_transport(store), page_size=PAGE).run(
            progress=lambda p: stages.add(p.stage)
        )
        assert receipt.outcome == "ok" and "bootstrap" in stages
        assert _snapshot(conn) == expected
        _search_finds_people(conn, ids)
    finally:
        store.close()


def test_bootstrap_killed_while_its_checkpoint_runs_behind_loses_nothing(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """The end of a bootstrap's checkpoint runs on a thread of its own after
    the rebuild committed: a kill then leaves a whole store, no bootstrap
    left to resume."""
    user, ids, expected, path = _killed_bootstrap(server, make_device, "behind")

    store = Store.open(path, user=user)
    try:
        conn = store.db.connection()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.meta(DEFERRED_KEY) is None and store.meta(BOOTSTRAP_KEY) is None
        assert _snapshot(conn) == expected
        _search_finds_people(conn, ids)
        stages: set[str] = set()
        receipt = SyncEngine(store, make_transport(store), page_size=PAGE).run(
            progress=lambda p: stages.add(p.stage)
        )
        assert receipt.outcome == "ok" and "bootstrap" not in stages
        assert (receipt.sent, receipt.received) == (0, 0)
    finally:
        store.close()
