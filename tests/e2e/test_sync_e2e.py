"""Two or more real devices against the real server: merges, conflicts,
edits against deletes, refused changes, and scope moves."""

from __future__ import annotations

import time

import pytest

from jsxclient.sync import conflicts, rejected
from jsxclient.sync.scope import accept, offer_family, transfer_family, transfers
from jsxcore.divisions import association_id
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import ServerProcess, person


def _pair(server: ServerProcess, make_device: MakeDevice) -> tuple[str, list[str], str]:
    township, villages = server.fresh_township()
    return township, villages, server.make_user(township)


def test_first_sync_brings_the_township(server: ServerProcess, make_device: MakeDevice) -> None:
    township, villages, user = _pair(server, make_device)
    a = make_device(user)
    r = a.sync()
    assert r.outcome == "ok"
    rows = a.rows()
    assert ("association", association_id(township)) in rows
    assert {k for k in rows if k[0] == "association"} == {
        ("association", association_id(c)) for c in [township, *villages]
    }
    assert a.rows() == server.records(township)
    again = a.sync()
    assert (again.sent, again.received) == (0, 0)


def test_edits_of_different_fields_merge_both_ways(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _pair(server, make_device)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "王芳", sex="2"))
    a.sync()
    b.sync()
    assert b.get("person", pid)["name"] == "王芳"  # type: ignore[index]
    with a.store.transaction() as tx:
        tx.update("person", pid, {"name": "王芳芳"})
    with b.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13912345678"})
    a.sync()
    rb = b.sync()
    a.sync()
    for d in (a, b):
        row = d.get("person", pid)
        assert row is not None
        assert (row["name"], row["mobile"]) == ("王芳芳", "13912345678")
        assert row["search_key"] == "wangfangfang wff"
        assert row["sync_state"] == "synced"
        assert d.conflicts() == []
        assert d.pending() == 0
    assert (rb.sent, rb.received) == (1, 1)
    assert a.rows() == b.rows() == server.records(township)


def test_same_field_conflict_newest_wins_and_can_be_flipped(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _pair(server, make_device)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "李四"))
    a.sync()
    b.sync()
    with a.store.transaction() as tx:
        tx.update("person", pid, {"address": "一组"})
    time.sleep(0.005)  # stamps in the same millisecond would tie-break on device id
    with b.store.transaction() as tx:  # later stamp: the default winner
        tx.update("person", pid, {"address": "二组"})
    a.sync()
    rb = b.sync()
    a.sync()
    assert rb.conflicts == 1
    assert a.get("person", pid)["address"] == b.get("person", pid)["address"] == "二组"  # type: ignore[index]
    [c] = conflicts.open_conflicts(b.store)
    assert (c.field, c.mine, c.theirs, c.winner) == ("address", "二组", "一组", "mine")
    assert b.get("person", pid)["sync_state"] == "conflict"  # type: ignore[index]
    # The worker on B decides A's value was right.
    changed = conflicts.resolve(b.store, c.id, "theirs")
    assert changed == {"address": "一组"}
    assert conflicts.open_conflicts(b.store) == []
    b.sync()
    a.sync()
    for d in (a, b):
        row = d.get("person", pid)
        assert row is not None and row["address"] == "一组" and row["sync_state"] == "synced"
    assert a.rows() == b.rows() == server.records(township)


def test_confirming_the_winner_makes_no_change(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    _township, villages, user = _pair(server, make_device)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "赵六"))
    a.sync()
    b.sync()
    with a.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13800000001"})
    time.sleep(0.005)
    with b.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13800000002"})
    a.sync()
    b.sync()
    [c] = conflicts.open_conflicts(b.store)
    assert conflicts.resolve(b.store, c.id, c.winner) == {}
    assert b.pending() == 0
    assert b.get("person", pid)["sync_state"] == "synced"  # type: ignore[index]


@pytest.mark.parametrize("deleter_first", [True, False])
def test_edit_beats_delete_in_either_order(
    server: ServerProcess, make_device: MakeDevice, deleter_first: bool
) -> None:
    township, villages, user = _pair(server, make_device)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "孙七"))
    a.sync()
    b.sync()
    with a.store.transaction() as tx:
        tx.delete("person", pid)
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "三组"})
    order = (a, b) if deleter_first else (b, a)
    for d in order:
        d.sync()
    for d in order:
        d.sync()
    for d in (a, b):
        row = d.get("person", pid)
        assert row is not None
        assert not row["deleted"] and row["address"] == "三组"
    recorded = [c for d in (a, b) for c in conflicts.open_conflicts(d.store)]
    assert [c.field for c in recorded] == ["deleted"]
    assert a.rows() == b.rows() == server.records(township)


def test_delete_flip_after_edit_won(server: ServerProcess, make_device: MakeDevice) -> None:
    township, villages, user = _pair(server, make_device)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "周八"))
    a.sync()
    b.sync()
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "四组"})
    b.sync()
    with a.store.transaction() as tx:
        tx.delete("person", pid)
    a.sync()  # the server kept B's edit; A records the lost delete
    [c] = conflicts.open_conflicts(a.store)
    assert c.field == "deleted" and c.winner == "theirs"
    assert not a.get("person", pid)["deleted"]  # type: ignore[index]
    conflicts.resolve(a.store, c.id, "mine")  # the worker insists: delete it
    a.sync()
    b.sync()
    assert a.get("person", pid)["deleted"] and b.get("person", pid)["deleted"]  # type: ignore[index]
    assert a.rows() == b.rows() == server.records(township)


def test_refused_change_stays_with_its_reason_then_fix_and_resend(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _pair(server, make_device)
    a = make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "吴九"))
    a.sync()
    with a.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13700000000"})
    # A damaged journal entry (or an old client's rule): an invalid sex code.
    a.store.db.connection().execute(
        "UPDATE journal SET fields=json_set(fields, '$.sex', 'Z'), "
        "old=json_set(old, '$.sex', '1') WHERE state='pending'"
    )
    a.store.db.connection().execute("UPDATE person SET sex='Z' WHERE id=?", (pid,))
    r = a.sync()
    assert r.outcome == "rejected" and r.rejected == 1
    [bad] = rejected.list_rejected(a.store)
    assert bad.row_id == pid and bad.field == "sex" and bad.zh and bad.en
    row = a.get("person", pid)
    assert row is not None and row["sex"] == "Z" and row["sync_state"] == "rejected"
    assert server.records(township)[("person", pid)]["mobile"] is None
    # Still refused on the next sync, and nothing else is held up.
    assert a.sync().outcome == "rejected"
    with a.store.transaction() as tx:
        tx.update("person", pid, {"sex": "2"})
    assert rejected.resend(a.store, bad.seq)
    r = a.sync()
    assert r.outcome == "ok", rejected.list_rejected(a.store)
    on_server = server.records(township)[("person", pid)]
    assert (on_server["sex"], on_server["mobile"]) == ("2", "13700000000")
    assert a.get("person", pid)["sync_state"] == "synced"  # type: ignore[index]
    assert a.rows() == server.records(township)


def test_discarding_a_refused_change_restores_the_server_value(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _pair(server, make_device)
    a = make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "郑十"))
    a.sync()
    with a.store.transaction() as tx:
        tx.update("person", pid, {"sex": "2"})
    a.store.db.connection().execute(
        "UPDATE journal SET fields=json_set(fields, '$.sex', 'Q') WHERE state='pending'"
    )
    a.sync()
    [bad] = rejected.list_rejected(a.store)
    assert rejected.discard(a.store, bad.seq)
    assert a.get("person", pid)["sex"] == "1"  # type: ignore[index]
    assert a.sync().outcome == "ok"
    assert a.rows() == server.records(township)


def test_read_only_account_cannot_push_and_keeps_everything(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, _ = _pair(server, make_device)
    reader = server.make_user(township, role="read_only")
    a = make_device(reader)
    a.sync()  # pulling is allowed
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "钱一"))
    r = a.sync()  # refused with its reason, and the pull still ran
    assert (r.outcome, r.rejected) == ("rejected", 1)
    [bad] = rejected.list_rejected(a.store)
    assert bad.code == "scope.read_only" and bad.zh
    assert a.pending() == 0 and a.journal("state='pending'") == []
    assert a.get("person", pid) is not None


def test_family_moves_to_another_township(server: ServerProcess, make_device: MakeDevice) -> None:
    t1, v1, u1 = _pair(server, make_device)
    t2, v2, u2 = _pair(server, make_device)
    a, a2, c = make_device(u1), make_device(u1), make_device(u2)
    with a.store.transaction() as tx:
        head = tx.insert("person", person(v1[0], "冯母", sex="2"))
        fam = tx.insert(
            "specialfamily",
            {"division_code": v1[0], "category": "bereaved", "head_person_id": head},
        )
        tx.insert(
            "familymember",
            {"division_code": v1[0], "family_id": fam, "person_id": head, "relation": "10"},
        )
        visit = tx.insert(
            "carevisit",
            {"division_code": v1[0], "family_id": fam, "visit_date": "2024-03-01", "mode": "home"},
        )
    a.sync()
    a2.sync()
    c.sync()
    assert a2.get("carevisit", visit) is not None
    # Moving it by an edit is refused by the server: another township's
    # records are not a push away. The worker gives the edit up.
    with a.store.transaction() as tx:
        transfer_family(tx, fam, v2[0])
    assert a.sync().outcome == "rejected"
    assert {r.code for r in rejected.list_rejected(a.store)} == {"scope.transfer_required"}
    for bad in rejected.list_rejected(a.store):
        rejected.discard(a.store, bad.seq)
    assert a.get("specialfamily", fam)["division_code"] == v1[0]  # type: ignore[index]

    # A2 edits the visit offline while A offers the family to C's township.
    with a2.store.transaction() as tx:
        tx.update("carevisit", visit, {"needs": "药品"})
    offer = offer_family(a.store, a.transport, fam, v2[0], note="户籍迁移")
    assert len(offer.rows) == 4 and offer.status == "pending"
    a.sync()
    assert a.get("specialfamily", fam) is not None  # nothing moves before C accepts
    (seen,) = [t for t in transfers(c.transport).incoming if t.id == offer.id]
    assert {r.entity for r in seen.records} == {
        "person",
        "specialfamily",
        "familymember",
        "carevisit",
    }
    assert accept(c.store, c.transport, offer.id).status == "accepted"
    a.sync()
    assert a.get("specialfamily", fam) is None and a.get("carevisit", visit) is None
    assert a.get("person", head) is None
    c.sync()
    assert c.get("specialfamily", fam)["division_code"] == v2[0]  # type: ignore[index]
    assert c.get("carevisit", visit) is not None
    # A2's edit is refused (the visit is no longer its township's); the row
    # stays until the worker gives the edit up, then it leaves too.
    r = a2.sync()
    assert r.outcome == "rejected"
    assert a2.get("carevisit", visit) is not None
    assert a2.get("person", head) is None
    [bad] = rejected.list_rejected(a2.store)
    rejected.discard(a2.store, bad.seq)
    a2.sync()
    assert a2.get("carevisit", visit) is None
    assert a.rows() == a2.rows() == server.records(t1)
    assert c.rows() == server.records(t2)
