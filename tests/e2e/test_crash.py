"""`jsxclient sync` killed with SIGKILL at random moments, again and again,
while the worker keeps saving between runs. After a final clean run: the
store passes `jsxclient check`, every journal entry was acknowledged exactly
once, the server holds each change once, and device and server agree."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jsxclient.store.store import Store
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import PASSWORD, ServerProcess, encrypt, person

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

TRIALS = int(os.environ.get("JSX_CRASH_TRIALS", "24"))


def _cli(store: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "jsxclient.cli", "--store", str(store), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "JSXCLIENT_PASSWORD": PASSWORD,
            "JSXCLIENT_SYNC_BATCH": "40",
            "JSXCLIENT_SYNC_PAGE": "60",
            **(env or {}),
        },
    )


def _receipts(path: Path, key: bytes) -> int:
    """How many runs got as far as starting (each leaves a receipt)."""
    store = Store.open(path, key)
    try:
        conn = store.db.connection()
        return int(conn.execute("SELECT count(*) FROM sync_receipt").fetchone()[0])
    finally:
        store.close()


def _edit(store: Store, villages: list[str], rng: random.Random, n: int) -> None:
    with store.transaction() as tx:
        ids = [r[0] for r in tx.conn.execute("SELECT id FROM person WHERE deleted=0 ORDER BY id")]
        for _ in range(n):
            roll = rng.random()
            if ids and roll < 0.4:
                tx.update("person", rng.choice(ids), {"address": f"第{rng.randint(1, 9)}组"})
            elif ids and roll < 0.45:
                victim = rng.choice(ids)
                ids.remove(victim)
                tx.delete("person", victim)
            else:
                ids.append(
                    tx.insert(
                        "person", person(rng.choice(villages[:2]), f"村民{rng.randint(1, 999)}")
                    )
                )


def test_sync_survives_being_killed_anywhere(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    rng = random.Random(int(os.environ.get("JSX_CRASH_SEED", "20240601")))
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user, "crashy"), make_device(user, "other")
    # Another laptop's work for the killed one to pull.
    _edit(b.store, villages, rng, 400)
    b.sync()
    path = a.path
    key = encrypt(a)  # as the CLI finds it: encrypted, the password in the environment
    a.close()
    # How long a whole run takes here and now (start-up included): kills
    # are spread over that span, so they land in every stage on a fast or
    # a loaded machine alike. The span follows the load: each run that
    # finishes sets it, each kill before a run began stretches it.
    store = Store.open(path, key, user=user)
    _edit(store, villages, rng, 100)
    store.close()
    t0 = time.monotonic()
    calib = _cli(path, "sync", "--quiet")
    calib.communicate(timeout=300)
    span = time.monotonic() - t0
    assert calib.returncode == 0
    killed_at: list[str] = []
    for trial in range(TRIALS):
        store = Store.open(path, key, user=user)
        _edit(store, villages, rng, rng.randint(20, 200))
        store.close()
        if trial % 4 == 3:  # the other laptop keeps working too
            _edit(b.store, villages, rng, 60)
            b.sync()
        runs = _receipts(path, key)
        t1 = time.monotonic()
        proc = _cli(path, "sync", "--quiet")
        try:
            if trial % 2:
                # Once its run has begun (its receipt is written), so that a
                # loaded machine, where start-up takes most of the span, still
                # sees runs killed in their stages, not only before them.
                while proc.poll() is None and _receipts(path, key) == runs:
                    time.sleep(0.05)
                proc.wait(rng.uniform(0.0, 1.0) * max(span - (time.monotonic() - t1), 0.1))
            else:
                proc.wait(rng.uniform(0.1, 1.1) * span)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            killed_at.append(f"trial {trial}")
            if _receipts(path, key) == runs:
                # Killed before its run began: the machine is slower now than
                # when the span was measured (other tests share its 2 cores).
                span *= 1.5
        else:
            proc.communicate()
            span = time.monotonic() - t1  # the newest whole run, the best guess
    assert len(killed_at) >= TRIALS // 3, "most runs should have been killed mid-way"

    done = _cli(path, "sync")
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, (out + err).decode()
    check = _cli(path, "check")
    out, err = check.communicate(timeout=120)
    assert check.returncode == 0, (out + err).decode()
    b.sync()

    store = Store.open(path, key, user=user)
    try:
        conn = store.db.connection()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        states = dict(conn.execute("SELECT state, count(*) FROM journal GROUP BY state"))
        assert set(states) == {"acked"}, states
        mine = {
            c
            for (c,) in conn.execute(
                "SELECT change_id FROM journal WHERE result IN ('applied','merged','conflict')"
            )
        }
        assert (
            conn.execute(
                "SELECT count(*) FROM journal WHERE result IS NULL OR acked_at IS NULL"
            ).fetchone()[0]
            == 0
        )
        receipts = dict(conn.execute("SELECT outcome, count(*) FROM sync_receipt GROUP BY outcome"))
    finally:
        store.close()
    logged = server.change_log_ids()
    assert len(logged) == len(set(logged))
    assert mine <= set(logged), "an acknowledged change is missing on the server"
    a2 = make_device(user, "reader")  # a fresh view, not the killed store's own
    a2.sync()
    from tests.e2e.harness import Device

    view = Device.__new__(Device)
    view.store = Store.open(path, key, user=user)
    try:
        truth = server.records(township)
        assert view.rows() == truth == a2.rows() == b.rows()
    finally:
        view.store.close()
    assert receipts.get("running", 0) >= 1  # the killed runs left their trace
