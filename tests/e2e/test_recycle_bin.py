"""A record restored from the recycle bin comes back on the server and on
the other devices (an update that clears the tombstone), and undo syncs."""

from __future__ import annotations

from jsxclient.store import records
from jsxclient.store.queries import recycle
from jsxclient.sync import conflicts
from jsxcore.draft import SaveRequest
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import ServerProcess, person


def test_restore_reaches_a_second_device(server: ServerProcess, make_device: MakeDevice) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "曾春燕", sex="2"))
    a.sync()
    b.sync()
    steps = records.delete(a.store, "person", pid)
    a.sync()
    b.sync()
    assert b.get("person", pid)["deleted"]  # type: ignore[index]
    assert [n.id for n in recycle.deleted(a.store.db.connection())] == [pid]
    # A restores it from the bin (the same write an undo of the delete makes).
    records.undo(a.store, steps)
    [entry] = a.journal("op='update' AND state='pending'")
    assert entry["fields"] == {"deleted": False} and entry["old"] == {"deleted": True}
    a.sync()
    b.sync()
    for d in (a, b):
        row = d.get("person", pid)
        assert row is not None and not row["deleted"]
        assert conflicts.open_conflicts(d.store) == []
        assert d.pending() == 0
    assert not server.records(township)[("person", pid)]["deleted"]
    assert a.rows() == b.rows() == server.records(township)


def test_restore_while_another_device_edits(server: ServerProcess, make_device: MakeDevice) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "单丽华", sex="2"))
    a.sync()
    b.sync()
    with a.store.transaction() as tx:
        tx.delete("person", pid)
    a.sync()
    with a.store.transaction() as tx:
        tx.restore("person", pid)
        tx.update("person", pid, {"address": "五组"})
    # B, not yet told of the delete, pulls it before A's restore arrives.
    b.sync()
    assert b.get("person", pid)["deleted"]  # type: ignore[index]
    a.sync()
    b.sync()
    for d in (a, b):
        row = d.get("person", pid)
        assert row is not None and not row["deleted"] and row["address"] == "五组"
        assert conflicts.open_conflicts(d.store) == []
    assert a.rows() == b.rows() == server.records(township)


def test_undo_of_a_save_syncs(server: ServerProcess, make_device: MakeDevice) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "解小军"))
    a.sync()
    b.sync()
    saved = records.save(a.store, SaveRequest("person", pid, {"address": "错填的地址"}))
    a.sync()
    records.undo(a.store, saved.undo)
    a.sync()
    b.sync()
    assert b.get("person", pid)["address"] is None  # type: ignore[index]
    assert a.rows() == b.rows() == server.records(township)
