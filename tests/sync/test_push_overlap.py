"""The push builds and sends the next batch while the server works on one
(`jsxclient.sync.push`): two batches not coupled are in flight at once, a
reply that rewrites later changes holds the next batch back, and batches
left in flight by a crash go out in batch order."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date

from jsxclient.store import journal as jr
from jsxclient.sync import push as push_stage
from jsxclient.sync import rejected
from jsxcore.validation import make_id_number
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import ServerProcess, person


def test_a_merge_in_a_reply_rebuilds_the_next_batch_before_it_is_sent(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    a.sync()
    b.sync()
    number = make_id_number(township[:6], date(1971, 3, 9), 105)
    base = {"id_number": number, "sex": "1", "birth_date": "1971-03-09"}
    with a.store.transaction() as tx:
        pa = tx.insert("person", person(villages[0], "周建国", **base))
    with b.store.transaction() as tx:
        pb = tx.insert("person", person(villages[0], "周建国", **base))
        family = tx.insert(
            "specialfamily",
            {"division_code": villages[0], "category": "bereaved", "head_person_id": pb},
        )
    assert a.sync().outcome == "ok"
    # One change a batch: the family's batch is built while the person's is
    # on the server, and the reply merges b's person into a's.
    r = b.sync(batch_size=1)
    assert r.outcome == "ok" and b.pending() == 0 and rejected.list_rejected(b.store) == []
    truth = server.records(township)
    assert truth[("specialfamily", family)]["head_person_id"] == pa
    assert ("person", pb) not in truth
    assert b.get("specialfamily", family)["head_person_id"] == pa  # type: ignore[index]
    a.sync()
    assert a.rows() == b.rows() == truth


def test_batches_left_in_flight_by_a_crash_are_sent_in_batch_order(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    d = make_device(server.make_user(township))
    with d.store.transaction() as tx:
        p0 = tx.insert("person", person(villages[0], "王一"))
    d.sync()
    with d.store.transaction() as tx:
        m0 = tx.insert(
            "member", {"person_id": p0, "division_code": villages[0], "joined_on": "2024-01-05"}
        )
        p1 = tx.insert("person", person(villages[0], "王二"))
        m1 = tx.insert(
            "member", {"person_id": p1, "division_code": villages[0], "joined_on": "2024-01-06"}
        )
        p2 = tx.insert("person", person(villages[0], "王三"))
    # The state a crash leaves when the next batch was built while the one
    # before it was on its way: two batches assigned, neither answered. The
    # members' batch holds the older first entry (m0) but needs the persons'.
    seq = {e["row_id"]: e["seq"] for e in d.journal("state='pending'")}
    conn = d.store.db.connection()
    with d.store.transaction() as tx:
        jr.assign_batch(tx.conn, uuid.uuid4().hex, [seq[p1], seq[p2]])
        jr.assign_batch(tx.conn, uuid.uuid4().hex, [seq[m0], seq[m1]])
    assert len(jr.in_flight_batches(conn)) == 2
    r = d.sync(batch_size=2)
    assert r.outcome == "ok" and d.pending() == 0 and rejected.list_rejected(d.store) == []
    truth = server.records(township)
    assert {("member", m0), ("member", m1), ("person", p1), ("person", p2)} <= set(truth)
    assert d.rows() == truth


def _batch(*entries: tuple[str, str, dict[str, object]]) -> push_stage._Batch:
    return push_stage._Batch(
        "b" * 32,
        [
            jr.Entry(i, f"c{i}", entity, row_id, "insert", fields, {}, "h", "d", "u", "pending")
            for i, (entity, row_id, fields) in enumerate(entries)
        ],
        b"",
    )


def test_batches_are_coupled_by_the_rows_they_write_link_to_and_id_numbers() -> None:
    persons = _batch(("person", "p1", {"name": "甲"}), ("person", "p2", {"name": "乙"}))
    # Members linking to persons of an earlier batch, and all to one association.
    members = _batch(
        ("member", "m1", {"person_id": "p0", "association_id": "a"}),
        ("member", "m2", {"person_id": "p9", "association_id": "a"}),
    )
    more = _batch(("member", "m3", {"person_id": "p8", "association_id": "a"}))
    assert not push_stage._coupled(persons, members)
    assert not push_stage._coupled(members, more)  # linking to one row couples nothing
    linking = _batch(("member", "m4", {"person_id": "p2"}))
    assert push_stage._coupled(persons, linking) and push_stage._coupled(linking, persons)
    same_row = _batch(("person", "p1", {"mobile": "13800000000"}))
    assert push_stage._coupled(persons, same_row)
    one = _batch(("person", "p5", {"id_number": "430000197103090000"}))
    two = _batch(("person", "p6", {"id_number": "430000197103090000"}))
    assert push_stage._coupled(one, two)
    assert not push_stage._coupled(one, _batch(("person", "p7", {"id_number": "4300001"})))


def test_a_first_push_sends_batches_that_are_not_coupled_two_at_a_time_a_third_queued(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    d = make_device(server.make_user(township))
    d.sync()
    with d.store.transaction() as tx:
        people = [tx.insert("person", person(villages[0], f"赵{i}")) for i in range(20)]
        for p in people:
            tx.insert(
                "member", {"person_id": p, "division_code": villages[0], "joined_on": "2024-02-01"}
            )
    lock = threading.Lock()
    now = peak = queued = 0
    send = d.transport.push

    def counted(body: bytes) -> object:
        nonlocal now, peak, queued
        with lock:
            now += 1
            peak = max(peak, now)
        # Batches written to the journal: handed to the sender, and the next
        # one built.
        (n,) = (
            d.store.db.connection()
            .execute("SELECT count(DISTINCT batch_id) FROM journal WHERE state='pending'")
            .fetchone()
        )
        queued = max(queued, n)
        try:
            time.sleep(0.05)  # long enough for the next batch to be sent meanwhile
            return send(body)
        finally:
            with lock:
                now -= 1

    d.transport.push = counted  # type: ignore[method-assign]
    r = d.sync(batch_size=5)
    assert r.outcome == "ok" and d.pending() == 0 and rejected.list_rejected(d.store) == []
    assert peak == push_stage.MAX_IN_FLIGHT == 2
    # A third waits for the first free request, so none waits for this
    # thread, and a fourth is built meanwhile.
    assert queued == push_stage.MAX_QUEUED + 1 == 4
    truth = server.records(township)
    assert {("person", p) for p in people} <= set(truth)
    assert len([k for k in truth if k[0] == "member"]) == 20
    assert d.rows() == truth


def test_a_batch_refused_whole_settles_those_beside_it_and_progress_reaches_the_end(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """The batches sent beside one the server refuses as a whole are applied
    first and counted at once; the change that sank it is refused alone and
    counted too, so the progress ends at the total."""
    township, villages = server.fresh_township()
    d = make_device(server.make_user(township))
    d.sync()
    with d.store.transaction() as tx:
        tx.insert("person", person(villages[0], "孙首"))
    assert d.sync().sent == 1  # from now on batches go side by side
    with d.store.transaction() as tx:
        ids = [tx.insert("person", person(villages[0], f"孙{i}")) for i in range(8)]
    d.store.db.connection().execute(  # too big for the server's request limit
        "UPDATE journal SET fields=json_set(fields, '$.address', ?) WHERE row_id=?",
        ("x" * (9 * 1024 * 1024), ids[3]),
    )
    seen: list[tuple[int, int]] = []
    stats = push_stage.push(
        d.store, d.transport, batch_size=2, progress=lambda n, t: seen.append((n, t))
    )
    assert (stats.applied, stats.rejected) == (7, 1)
    assert seen[-1] == (8, 8) and [n for n, _ in seen] == sorted(n for n, _ in seen)
    [bad] = rejected.list_rejected(d.store)
    assert bad.row_id == ids[3] and bad.code == "request.too_large"
    truth = server.records(township)
    assert {i for i in ids if ("person", i) in truth} == set(ids) - {ids[3]}
