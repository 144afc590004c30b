"""The pull stage merging server rows into rows with unpushed changes.

The engine pushes before it pulls, so these call the stages directly to put
a pull in front of pending entries (as happens when the worker saves while
a sync runs, or when changes were refused)."""

from __future__ import annotations

import time

from jsxclient.sync import conflicts
from jsxclient.sync.pull import pull
from jsxclient.sync.push import push
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import Device, ServerProcess, person


def _setup(server: ServerProcess, make_device: MakeDevice) -> tuple[Device, Device, str, str]:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "陈一"))
    a.sync()
    b.sync()
    return a, b, pid, township


def _pull(d: Device) -> None:
    pull(d.store, d.transport)


def test_other_field_merges_and_pending_edit_survives(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a, b, pid, township = _setup(server, make_device)
    with a.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13900000001"})
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "五组"})
    b.sync()
    _pull(a)
    row = a.get("person", pid)
    assert row is not None and (row["mobile"], row["address"]) == ("13900000001", "五组")
    assert row["sync_state"] == "pending"
    [entry] = a.journal("state='pending'")
    assert entry["fields"] == {"mobile": "13900000001"} and entry["old"] == {"mobile": None}
    stats = push(a.store, a.transport)
    assert stats.applied == 1
    a.sync()
    assert a.rows() == server.records(township)


def test_newer_remote_value_wins_and_pending_field_is_dropped(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a, b, pid, township = _setup(server, make_device)
    with a.store.transaction() as tx:
        tx.update("person", pid, {"address": "旧址", "mobile": "13900000002"})
    time.sleep(0.005)
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "新址"})
    b.sync()
    _pull(a)
    row = a.get("person", pid)
    assert row is not None and (row["address"], row["mobile"]) == ("新址", "13900000002")
    [entry] = a.journal("state='pending'")
    assert entry["fields"] == {"mobile": "13900000002"}
    [c] = conflicts.open_conflicts(a.store)
    assert (c.field, c.mine, c.theirs, c.winner) == ("address", "旧址", "新址", "theirs")
    a.sync()
    assert a.rows() == server.records(township)
    assert server.records(township)[("person", pid)]["address"] == "新址"


def test_newer_local_value_stands_and_is_rebased(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a, b, pid, township = _setup(server, make_device)
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "乙"})
    b.sync()
    time.sleep(0.005)
    with a.store.transaction() as tx:
        tx.update("person", pid, {"address": "甲"})
    _pull(a)
    assert a.get("person", pid)["address"] == "甲"  # type: ignore[index]
    [entry] = a.journal("state='pending'")
    assert entry["old"] == {"address": "乙"}  # rebased onto the server's value
    [c] = conflicts.open_conflicts(a.store)
    assert (c.field, c.winner) == ("address", "mine")
    stats = push(a.store, a.transport)
    assert stats.applied == 1 and stats.conflicts == 0  # the server takes it cleanly
    a.sync()
    b.sync()
    assert a.rows() == b.rows() == server.records(township)
    assert b.get("person", pid)["address"] == "甲"  # type: ignore[index]


def test_same_value_on_both_sides_leaves_nothing_to_push(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a, b, pid, _ = _setup(server, make_device)
    for d in (a, b):
        with d.store.transaction() as tx:
            tx.update("person", pid, {"address": "同"})
    b.sync()
    _pull(a)
    assert a.pending() == 0 and conflicts.open_conflicts(a.store) == []
    assert a.get("person", pid)["sync_state"] == "synced"  # type: ignore[index]
    [entry] = a.journal("result='superseded'")
    assert entry["state"] == "acked"


def test_pending_delete_loses_to_remote_edit(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a, b, pid, township = _setup(server, make_device)
    with a.store.transaction() as tx:
        tx.delete("person", pid)
    with b.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13900000003"})
    b.sync()
    _pull(a)
    row = a.get("person", pid)
    assert row is not None and not row["deleted"] and row["mobile"] == "13900000003"
    assert a.pending() == 0
    [c] = conflicts.open_conflicts(a.store)
    assert (c.field, c.mine, c.theirs, c.winner) == ("deleted", True, False, "theirs")
    a.sync()
    assert a.rows() == server.records(township)


def test_pending_edit_beats_remote_delete(server: ServerProcess, make_device: MakeDevice) -> None:
    a, b, pid, township = _setup(server, make_device)
    with a.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13900000004"})
    with b.store.transaction() as tx:
        tx.delete("person", pid)
    b.sync()
    _pull(a)
    row = a.get("person", pid)
    assert row is not None and not row["deleted"]
    [c] = conflicts.open_conflicts(a.store)
    assert (c.field, c.winner) == ("deleted", "mine")
    a.sync()
    b.sync()
    for d in (a, b):
        row = d.get("person", pid)
        assert row is not None and not row["deleted"] and row["mobile"] == "13900000004"
    assert a.rows() == b.rows() == server.records(township)


def test_deleted_on_both_sides(server: ServerProcess, make_device: MakeDevice) -> None:
    a, b, pid, township = _setup(server, make_device)
    with a.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13900000005"})
        tx.delete("person", pid)
    with b.store.transaction() as tx:
        tx.delete("person", pid)
    b.sync()
    _pull(a)
    assert a.pending() == 0 and conflicts.open_conflicts(a.store) == []
    assert a.get("person", pid)["deleted"]  # type: ignore[index]
    a.sync()
    assert a.rows() == server.records(township)


def test_pull_resumes_after_interruption_between_pages(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a = make_device(user)
    a.sync()
    with a.store.transaction() as tx:
        for i in range(12):
            tx.insert("person", person(villages[i % 2], f"人{i}"))
    a.sync()
    calls = {"n": 0}

    def drop_third_page(point: object) -> None:
        from jsxclient.sync.transport import FaultPoint

        assert isinstance(point, FaultPoint)
        if point.path == "/pull" and point.phase == "before_send":
            calls["n"] += 1
            if calls["n"] == 3:
                import requests

                raise requests.ConnectionError("cable pulled")

    b = make_device(user, fault=drop_third_page)
    b.transport.retries = 0
    import pytest

    from jsxclient.sync.errors import OfflineError

    with pytest.raises(OfflineError):
        b.sync(page_size=5)
    assert int(b.store.meta("sync_cursor") or 0) > 0
    partial = len(b.rows())
    assert 0 < partial < len(server.records(township))
    b.sync(page_size=5)
    assert b.rows() == server.records(township)
