"""Pull pages in protocol 1 (every field's stamp), 2 (a row stamp plus
the stamps that differ) and 3 (tables: columns once, rows as arrays), over
HTTP on 127.0.0.1: devices speaking any of them, mixed in one township,
converge to the same rows, conflicts and merges.

A device speaking protocol N below this program's is told by `GET /version`
that the server speaks only up to N: it then writes every request in
protocol N, as an older client does, and the server answers it in protocol N
(what a server of protocol N sends too)."""

from __future__ import annotations

import time

import pytest

from jsxclient.sync.pull import pull
from jsxcore.entities import ENTITIES
from jsxcore.protocol import PROTOCOL_VERSION, VersionInfo
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import Device, ServerProcess, person


def speak(dev: Device, protocol: int) -> Device:
    if protocol < PROTOCOL_VERSION:
        asked = dev.transport.version

        def older_server() -> VersionInfo:
            return asked().model_copy(update={"protocol": protocol})

        dev.transport.version = older_server  # type: ignore[method-assign]
    return dev


@pytest.mark.parametrize(
    ("pa", "pb"), [(3, 3), (3, 2), (2, 3), (3, 1), (1, 3), (2, 2), (2, 1), (1, 2), (1, 1)]
)
def test_edits_merge_and_conflict_alike_in_every_protocol(
    server: ServerProcess, make_device: MakeDevice, pa: int, pb: int
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = speak(make_device(user), pa), speak(make_device(user), pb)
    with a.store.transaction() as tx:
        p1 = tx.insert("person", person(villages[0], "陈一"))
        p2 = tx.insert("person", person(villages[0], "陈二"))
        p3 = tx.insert("person", person(villages[0], "陈三"))
        p4 = tx.insert("person", person(villages[0], "陈四"))
    a.sync()
    b.sync()
    assert (a.transport.protocol, b.transport.protocol) == (pa, pb)

    # Different fields of one row, the same field of another (b's edit is
    # the later one), a delete against an edit (the edit wins).
    # p4: b's edit is the older one, and a rewrites most fields after it,
    # so on a protocol 2 page a's stamp is the row stamp, not an exception.
    with b.store.transaction() as tx:
        tx.update("person", p4, {"mobile": "13900000004"})
    time.sleep(0.01)  # stamps of one millisecond are ordered by device id
    with a.store.transaction() as tx:
        # 7 of the 13 fields in one change: a's stamp is the row stamp
        tx.update(
            "person",
            p4,
            {"name": "陈肆", "mobile": "13900000005", "address": "七组"}
            | {"ethnicity": "02", "education": "11", "marital": "20", "political": "02"},
        )
        tx.update("person", p1, {"mobile": "13900000001"})
        tx.update("person", p2, {"name": "甲改"})
        tx.delete("person", p3)
    time.sleep(0.01)
    with b.store.transaction() as tx:
        tx.update("person", p1, {"address": "五组"})
        tx.update("person", p2, {"name": "乙改"})
        tx.update("person", p3, {"address": "六组"})
    assert a.sync().outcome == "ok"
    a_stamps = {(j["row_id"], f): j["hlc"] for j in a.journal() for f in j["fields"]}
    # b pulls a's changes onto its own pending ones: the pull merges them
    # field by field with the stamps of the page (expanded in protocols 2
    # and 3).
    pull(b.store, b.transport)
    for dev in (b, a, b, a):
        assert dev.sync().outcome == "ok"

    want = server.records(township)
    assert a.rows() == b.rows() == want
    assert a.pending() == b.pending() == 0
    one, two, three = (want[("person", p)] for p in (p1, p2, p3))
    assert (one["mobile"], one["address"]) == ("13900000001", "五组")
    assert two["name"] == "乙改"
    assert three["deleted"] is False and three["address"] == "六组"
    assert want[("person", p4)]["mobile"] == "13900000005"
    assert a.conflicts() == []
    # b's pull recorded the sides it lost, with a's stamps from the page.
    assert {(c["field"], c["theirs"], c["theirs_hlc"]) for c in b.conflicts()} == {
        ("name", '"甲改"', a_stamps[(p2, "name")]),
        ("deleted", "true", a_stamps[(p3, "deleted")]),
        ("mobile", '"13900000005"', a_stamps[(p4, "mobile")]),
    }


def _tables(dev: Device) -> dict[str, list[tuple[object, ...]]]:
    """Every column of every record table: server_seq, updated_*, person's
    search key and sync state too."""
    conn = dev.store.db.connection()
    return {name: conn.execute(f"SELECT * FROM {name} ORDER BY id").fetchall() for name in ENTITIES}


def test_a_bootstrap_in_protocol_2_is_smaller_and_the_same(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    writer = make_device(user)
    with writer.store.transaction() as tx:
        ids = [tx.insert("person", person(villages[i % 2], f"人{i}")) for i in range(40)]
    writer.sync()
    with writer.store.transaction() as tx:
        for i in ids[::3]:
            tx.update("person", i, {"address": "改过"})
        for i in ids[1::7]:
            tx.delete("person", i)
    writer.sync()

    tables, new, old = (speak(make_device(user), p) for p in (3, 2, 1))
    for dev in (tables, new, old):
        dev.sync()
    assert tables.rows() == new.rows() == old.rows() == writer.rows() == server.records(township)
    assert _tables(tables) == _tables(new) == _tables(old)
    assert [d.transport.protocol for d in (tables, new, old)] == [3, 2, 1]
    assert new.transport.bytes_received < old.transport.bytes_received
    assert tables.transport.bytes_received < old.transport.bytes_received
