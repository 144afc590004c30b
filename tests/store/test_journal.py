"""The journal repository: entries through their states, the sync state they
give a record, conflicts, evictions, receipts and the store check's
invariants."""

from __future__ import annotations

import sqlite3

from jsxclient.store import journal as jr
from jsxclient.store.db import now_text
from jsxclient.store.maintenance import check
from jsxclient.store.store import Store
from jsxcore.merge import MISSING

from ..conftest import VILLAGE


def people(store: Store, n: int) -> list[str]:
    with store.transaction() as tx:
        return tx.insert_many(
            "person", [{"name": f"人{i}", "sex": "1", "division_code": VILLAGE} for i in range(n)]
        )


def seqs(conn: sqlite3.Connection, pids: list[str]) -> list[int]:
    return [
        conn.execute("SELECT seq FROM journal WHERE row_id=?", (pid,)).fetchone()[0] for pid in pids
    ]


def sync_state(store: Store, pid: str) -> str:
    row = store.get("person", pid)
    assert row is not None
    return str(row["sync_state"])


def test_an_entry_from_pending_through_a_batch_to_acked_or_rejected(store: Store) -> None:
    conn = store.db.connection()
    base = jr.pending_count(conn)
    a, b = people(store, 2)
    sa, sb = seqs(conn, [a, b])
    assert jr.pending_count(conn) == base + 2 and jr.has_pending(conn)
    assert jr.pending_by_entity(conn)["person"] == 2
    assert not jr.has_in_flight(conn)

    jr.assign_batch(conn, "b1", [sa, sb])
    assert jr.in_flight_batches(conn) == [[(sa, "person"), (sb, "person")]]
    assert jr.in_flight_count(conn) == 2 and (sa, "person") not in jr.unsent(conn)
    assert [e.seq for e in jr.pending_entries(conn, [sb, sa])] == [sa, sb]
    jr.unassign_batch(conn, "b1")
    assert jr.in_flight_count(conn) == 0 and {(sa, "person"), (sb, "person")} <= set(
        jr.unsent(conn)
    )

    jr.assign_batch(conn, "b2", [sa, sb])
    jr.ack(conn, [("applied", 41, now_text(), sa)])
    assert jr.waiting_for_reply(conn, "b2", [sa, sb]) == {sb}
    jr.mark_rejected(conn, sb, "person.name", None, "Bad name", "name")
    jr.refresh_sync_state(conn, [("person", a), ("person", b)])
    assert (sync_state(store, a), sync_state(store, b)) == ("synced", "rejected")
    assert jr.rejected_count(conn) == 1 and jr.open_keys(conn) >= {("person", b)}
    [r] = jr.rejected_changes(conn, "person", b)
    assert (r.seq, r.code, r.field, r.en) == (sb, "person.name", "name", "Bad name")
    assert r.zh == "服务器拒绝了此更改"  # the server gave no Chinese reason

    e = jr.rejected_entry(conn, sb)
    assert e is not None and jr.rejected_entry(conn, sa) is None
    e.fields["name"] = "人二"
    jr.requeue(conn, e, "c" * 32)
    [again] = jr.open_entries(conn, ("person", b))
    assert (again.state, again.change_id, again.batch_id) == ("pending", "c" * 32, None)
    assert again.fields["name"] == "人二" and jr.rejected_count(conn) == 0

    jr.close_entry(conn, again, jr.DISCARDED)
    assert jr.open_entries(conn, ("person", b)) == []


def test_a_merge_emptied_entry_is_closed_as_superseded(store: Store) -> None:
    conn = store.db.connection()
    [pid] = people(store, 1)
    [e] = jr.open_entries(conn, ("person", pid))
    e.fields.pop("name")
    jr.save_entry(conn, e)
    [kept] = jr.open_entries(conn, ("person", pid))
    assert "name" not in kept.fields and kept.state == "pending"
    kept.fields.clear()
    jr.save_entry(conn, kept)
    assert jr.open_entries(conn, ("person", pid)) == []
    result = conn.execute("SELECT state, result FROM journal WHERE seq=?", (e.seq,)).fetchone()
    assert result == ("acked", jr.SUPERSEDED)


def test_conflicts_are_kept_per_field_until_resolved(store: Store) -> None:
    conn = store.db.connection()
    a, b = people(store, 2)
    jr.record_conflict(conn, ("person", a), "name", MISSING, "甲", "乙", "theirs", "1", "2", "d2")
    jr.record_conflict(conn, ("person", a), "mobile", None, "139", None, "mine", "3", "1", "d2")
    jr.record_conflict(conn, ("person", b), "deleted", False, True, False, "theirs", "", "4", None)
    assert len(jr.open_conflicts(conn)) == 3 and jr.conflicted_row_count(conn) == 2
    assert jr.open_conflict_keys(conn) == {("person", a), ("person", b)}
    name, mobile = jr.open_conflicts(conn, "person", a)
    assert (name.base, name.kept, name.lost) == (None, "乙", "甲")
    assert (mobile.kept, mobile.lost) == ("139", None)
    jr.refresh_sync_state(conn, [("person", a)])
    assert sync_state(store, a) == "conflict"  # conflict outranks its pending insert

    jr.resolve_conflict(conn, name.id, "mine")
    assert jr.open_conflict(conn, name.id) is None
    assert jr.open_conflict(conn, mobile.id) == mobile
    assert len(jr.open_conflicts(conn)) == 2 and jr.conflicted_row_count(conn) == 2


def test_a_row_out_of_scope_waits_for_its_changes(store: Store) -> None:
    conn = store.db.connection()
    [pid] = people(store, 1)
    key = ("person", pid)
    jr.record_conflict(conn, key, "name", None, "甲", "乙", "mine", "1", "2", "d2")
    jr.queue_evict(conn, key, 7)
    assert key in jr.evict_keys(conn)
    assert jr.evict_ready(conn) == 0 and store.get("person", pid) is not None
    [e] = jr.open_entries(conn, key)
    jr.ack(conn, [("applied", 7, now_text(), e.seq)])
    assert jr.evict_ready(conn) == 1
    assert store.get("person", pid) is None and key not in jr.evict_keys(conn)
    assert jr.open_conflicts(conn, "person", pid) == []  # resolved as 'moved'

    [other] = people(store, 1)
    jr.queue_evict(conn, ("person", other), 8)
    jr.unqueue_evict(conn, ("person", other))  # back in scope
    assert jr.evict_keys(conn) == set()


def test_receipts_newest_first(store: Store) -> None:
    conn = store.db.connection()
    assert jr.last_receipt(conn) is None
    first = jr.start_receipt(conn, "2025-01-01 08:00:00.000000")
    second = jr.start_receipt(conn, "2025-01-02 08:00:00.000000")
    r = jr.SyncReceipt(second, "2025-01-02 08:00:00.000000", "2025-01-02 08:00:03.000000")
    r.outcome, r.sent, r.bytes_received, r.message = "ok", 3, 2048, None
    jr.save_receipt(conn, r)
    assert jr.last_receipt(conn) == r and r.ok
    assert [x.id for x in jr.receipts(conn, 10)] == [second, first]
    assert jr.receipts(conn, 1)[0].outcome == "ok"
    assert jr.receipts(conn, 10)[1].outcome == "running"


def test_the_store_check_reports_a_broken_journal(store: Store) -> None:
    assert check(store).ok
    conn = store.db.connection()
    a, b = people(store, 2)
    [sb] = seqs(conn, [b])
    conn.execute("UPDATE journal SET state='acked' WHERE seq=?", (sb,))  # b: pending, no change
    conn.execute("DELETE FROM person WHERE id=?", (a,))  # a: a change without a row
    conn.execute(
        "INSERT INTO person(id, division_code, created_at, updated_at, updated_device, "
        "updated_user, deleted, sync_state, name, sex) "
        "VALUES ('stray', ?, '2024-01-01', '2024-01-01', 'd', 'u', 0, 'synced', '某', '1')",
        (VILLAGE,),
    )
    assert check(store).problems == [
        "person: 1 pending changes without a row",
        "person: 1 rows neither journaled nor from the server",
        "person: 1 rows marked pending with nothing to send",
    ]


def test_entries_read_back_exactly_what_was_written(store: Store) -> None:
    # Read with orjson, except what orjson would read differently: an integer
    # beyond 64 bits (it gives a float) and a non-finite number (it refuses).
    conn = store.db.connection()
    [pid] = people(store, 1)
    [seq] = seqs(conn, [pid])
    fields = {"name": "人0", "x": 123456789012345678901234567890, "n": -(2**63)}
    with store.transaction() as tx:
        tx.conn.execute(
            "UPDATE journal SET fields=?, old=? WHERE seq=?",
            (
                '{"name":"人0","x":123456789012345678901234567890,"n":-9223372036854775808}',
                '{"v":NaN}',
                seq,
            ),
        )
    [e] = jr.pending_entries(conn, [seq])
    assert e.fields == fields and type(e.fields["x"]) is int
    assert list(e.old) == ["v"] and e.old["v"] != e.old["v"]  # NaN
