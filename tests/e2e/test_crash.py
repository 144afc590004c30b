"""`jsxclient sync` killed with SIGKILL again and again, while the worker
keeps saving between runs: at random moments (every other run), and while
a request of the run is held at a proxy, before the server sees it or after
the server has applied it (the others), so some kills land inside runs
however fast the machine. After a final clean run: the store passes
`jsxclient check`, every journal entry was acknowledged exactly once, the
server holds each change once, and device and server agree."""

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
from tests.e2e.harness import PASSWORD, HoldingProxy, ServerProcess, encrypt, person

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

TRIALS = int(os.environ.get("JSX_CRASH_TRIALS", "24"))


def _cli(store: Path, *args: str, proxy: HoldingProxy | None = None) -> subprocess.Popen[bytes]:
    url = proxy.url if proxy else ""
    via = {"HTTP_PROXY": url, "http_proxy": url, "NO_PROXY": "", "no_proxy": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "jsxclient.cli", "--store", str(store), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "JSXCLIENT_PASSWORD": PASSWORD,
            "JSXCLIENT_SYNC_BATCH": "40",
            "JSXCLIENT_SYNC_PAGE": "60",
            **(via if proxy else {}),
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
    # A first run through the proxy: how long a whole run takes here and
    # now (start-up included), and how many requests it makes.
    store = Store.open(path, key, user=user)
    _edit(store, villages, rng, 100)
    store.close()
    proxy = HoldingProxy()
    proxy.arm()
    t0 = time.monotonic()
    calib = _cli(path, "sync", "--quiet", proxy=proxy)
    calib.communicate(timeout=300)
    span = time.monotonic() - t0
    assert calib.returncode == 0
    per_run = proxy.requests  # requests of a whole run (the 1st is the handshake)
    killed_at: list[str] = []
    held: list[str] = []
    try:
        for trial in range(TRIALS):
            store = Store.open(path, key, user=user)
            _edit(store, villages, rng, rng.randint(20, 200))
            store.close()
            if trial % 4 == 3:  # the other laptop keeps working too
                _edit(b.store, villages, rng, 60)
                b.sync()
            runs = _receipts(path, key)
            if trial % 2:
                # A request of the run (after the handshake: its receipt is
                # written) held before or after the server handles it.
                n, after = rng.randint(2, max(2, per_run)), rng.random() < 0.5
                proxy.arm(n, after=after)
                proc = _cli(path, "sync", "--quiet", proxy=proxy)
                while proc.poll() is None and not proxy.held.wait(0.05):
                    pass
                if proxy.held.is_set():
                    proc.send_signal(signal.SIGKILL)
                    proc.communicate()
                    proxy.release()
                    killed_at.append(f"trial {trial}")
                    held.append(f"request {n} {'answered' if after else 'unsent'}")
                else:  # the run had fewer requests than that
                    proc.communicate()
                    per_run = proxy.requests
                continue
            # Kills spread over how long a whole run takes here and now
            # (start-up included), so they land in every stage, local ones
            # too. The span follows the load: each run that finishes sets it,
            # each kill before a run began stretches it.
            t1 = time.monotonic()
            proc = _cli(path, "sync", "--quiet")
            try:
                proc.wait(rng.uniform(0.1, 1.1) * span)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.communicate()
                killed_at.append(f"trial {trial}")
                if _receipts(path, key) == runs:
                    # Killed before its run began: the machine is slower now
                    # than when the span was measured (other tests share it).
                    span *= 1.5
            else:
                proc.communicate()
                span = time.monotonic() - t1  # the newest whole run, the best guess
    finally:
        proxy.close()
    # Held requests are inside their runs: at least half of those trials.
    assert len(held) >= TRIALS // 4, held
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
