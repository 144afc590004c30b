"""The engine as the UI uses it: progress, receipts, status, cancel, worker
threads, offline and AutoSync."""

from __future__ import annotations

import threading
import time

import pytest

from jsxclient.sync.autosync import AutoSync
from jsxclient.sync.engine import SyncEngine, SyncProgress
from jsxclient.sync.errors import OfflineError
from jsxclient.sync.finish import receipts
from jsxclient.sync.status import status
from jsxclient.sync.transport import Transport
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import Device, ServerProcess, free_port, person


def _device(server: ServerProcess, make_device: MakeDevice) -> tuple[Device, list[str], str]:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    return make_device(user), villages, user


def test_progress_receipt_and_status(server: ServerProcess, make_device: MakeDevice) -> None:
    a, villages, _ = _device(server, make_device)
    st = status(a.store)
    assert st.connected and st.first_sync and st.pending_total == 0
    seen: list[SyncProgress] = []
    r = SyncEngine(a.store, a.transport).run(seen.append)
    assert seen[0].stage == "status"
    assert "bootstrap" in {p.stage for p in seen} and seen[-1].stage == "finish"
    assert all(p.zh and p.en for p in seen)
    with a.store.transaction() as tx:
        for i in range(5):
            tx.insert("person", person(villages[0], f"人{i}"))
    st = status(a.store)
    assert st.pending_changes == {"person": 5}
    assert st.rows_by_state == {"person": {"pending": 5}}
    seen.clear()
    r = SyncEngine(a.store, a.transport, batch_size=2).run(seen.append)
    pushes = [p for p in seen if p.stage == "push"]
    assert pushes[-1].done == pushes[-1].total == 5 and pushes[-1].fraction == 1.0
    assert "bootstrap" not in {p.stage for p in seen}
    assert (r.outcome, r.sent, r.received) == ("ok", 5, 0)  # its own inserts: no echo
    assert r.bytes_sent > 0 and r.bytes_received > 0 and r.duration_ms >= 0
    assert receipts(a.store)[0] == r
    st = status(a.store)
    assert st.pending_total == 0 and st.rows_by_state == {} and st.last_outcome == "ok"
    assert st.last_receipt == r and st.cursor > 0 and st.last_sync


def test_cancel_between_batches_keeps_what_was_done(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a, villages, _ = _device(server, make_device)
    a.sync()
    # A first change on the server: from then on two batches may be in flight.
    with a.store.transaction() as tx:
        tx.insert("person", person(villages[0], "人甲"))
    assert a.sync().sent == 1
    with a.store.transaction() as tx:
        for i in range(10):
            tx.insert("person", person(villages[0], f"人{i}"))
    cancel = threading.Event()

    def after_first_batch(p: SyncProgress) -> None:
        if p.stage == "push" and p.done >= 2:
            cancel.set()

    r = SyncEngine(a.store, a.transport, batch_size=2).run(after_first_batch, cancel)
    # The second to fourth batches were on their way while the first reply
    # was applied (the push hands the sender up to three batches that are
    # not coupled, the fourth when the first is answered): their replies
    # are awaited and applied, no fifth goes.
    assert r.outcome == "cancelled" and r.sent == 8
    assert a.pending() == 2 and a.journal("batch_id IS NOT NULL AND state='pending'") == []
    r = a.sync()
    assert r.outcome == "ok" and r.sent == 2


def test_runs_on_worker_threads_while_the_worker_saves(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a, villages, _ = _device(server, make_device)
    engine = SyncEngine(a.store, a.transport, batch_size=3)
    engine.run()
    errors: list[BaseException] = []

    def sync_loop() -> None:
        try:
            for _ in range(4):
                engine.run()
        except BaseException as exc:
            errors.append(exc)
        finally:
            a.store.db.close()  # this thread's connection

    threads = [threading.Thread(target=sync_loop) for _ in range(2)]
    for t in threads:
        t.start()
    for i in range(30):
        with a.store.transaction() as tx:
            tx.insert("person", person(villages[i % 2], f"并发{i}"))
        time.sleep(0.01)
    for t in threads:
        t.join()
    assert errors == []
    a.sync()
    assert a.pending() == 0
    assert a.rows() == server.records(a.township)


def test_offline_is_quiet_and_autosync_fires_when_back(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a, villages, _ = _device(server, make_device)
    a.sync()
    with a.store.transaction() as tx:
        tx.insert("person", person(villages[0], "离线"))
    down = Transport(f"http://127.0.0.1:{free_port()}", "tok", retries=1, backoff=0.001)
    with pytest.raises(OfflineError) as err:
        SyncEngine(a.store, down).run()
    assert err.value.receipt.outcome == "offline" and a.pending() == 1
    assert status(a.store).last_outcome == "offline"

    up = threading.Event()
    reachable = {"now": False}
    fired = threading.Event()

    def probe() -> bool:
        return reachable["now"] and a.transport.health()

    auto = AutoSync(probe, fired.set, min_delay=0.01, max_delay=0.05)
    auto.start()
    try:
        auto.notify_offline()
        time.sleep(0.2)
        assert not fired.is_set() and auto.probes >= 2 and auto.probing
        reachable["now"] = True
        assert fired.wait(5)
        assert not auto.probing
        up.set()
    finally:
        auto.stop()
    assert a.sync().sent == 1


def test_autosync_stops_cleanly_while_waiting() -> None:
    auto = AutoSync(lambda: False, lambda: None, min_delay=30, max_delay=60)
    auto.start()
    auto.notify_offline()
    t0 = time.monotonic()
    auto.stop()
    assert time.monotonic() - t0 < 2
