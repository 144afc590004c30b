"""Sync integrity under real use (issue 12), against the real server:
nothing the server refuses wedges a device, and rows derived from the
division list are nobody's edit."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
import requests

from jsxclient.store import maintenance
from jsxclient.store.reference import township_associations
from jsxclient.store.store import Forbidden, Store
from jsxclient.sync import conflicts, duplicates, rejected
from jsxclient.sync.account import make_transport
from jsxclient.sync.errors import OfflineError
from jsxclient.sync.transport import FaultPoint
from jsxcore.divisions import association_id
from jsxcore.entities import ENTITIES
from jsxcore.protocol import Change, PushRequest
from jsxcore.validation import make_id_number
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import Device, ServerProcess, person


def _township(server: ServerProcess) -> tuple[str, list[str], str]:
    township, villages = server.fresh_township()
    return township, villages, server.make_user(township)


def _assoc(d: Device, township: str) -> dict[str, object]:
    row = d.get("association", association_id(township))
    assert row is not None
    return row


# -- 1. nothing refused wedges a device ------------------------------------------------


def test_read_only_device_keeps_pulling_after_a_refused_edit(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, writer = _township(server)
    a = make_device(writer)
    reader = make_device(server.make_user(township, role="read_only"))
    assert reader.sync().outcome == "ok"
    # An edit made here all the same (an older program, or a local
    # administrator signed in on a store connected with a read-only account).
    with reader.store.transaction() as tx:
        mine = tx.insert("person", person(villages[0], "钱一"))
    r = reader.sync()
    assert r.outcome == "rejected" and r.rejected == 1
    [bad] = rejected.list_rejected(reader.store)
    assert (bad.row_id, bad.code) == (mine, "scope.read_only") and bad.zh and bad.en
    assert reader.pending() == 0 and reader.journal("state='pending'") == []
    # The worker goes on; the refused edit does not stop the reader pulling.
    with a.store.transaction() as tx:
        later = [tx.insert("person", person(villages[1], f"孙{i}")) for i in range(30)]
    assert a.sync().outcome == "ok"
    for _ in range(2):
        r = reader.sync()
        # Still waiting for the worker, not sent again.
        assert (r.outcome, r.sent, r.rejected) == ("rejected", 0, 0)
    assert all(reader.get("person", p) is not None for p in later)
    rows = reader.rows()
    assert rows.pop(("person", mine))["name"] == "钱一"  # kept, with its reason
    assert rows == server.records(township)
    # Given up, the device is quiet again.
    assert rejected.discard(reader.store, bad.seq)
    assert reader.sync().outcome == "ok" and reader.rows() == server.records(township)


def test_one_change_that_sinks_its_batch_is_refused_alone(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """A change that makes the server refuse the whole request (here: too big
    for the request limit) is isolated by splitting; the others go through."""
    township, villages, user = _township(server)
    a = make_device(user)
    a.sync()
    with a.store.transaction() as tx:
        ids = [tx.insert("person", person(villages[0], f"李{i}")) for i in range(7)]
    huge = "x" * (9 * 1024 * 1024)
    a.store.db.connection().execute(
        "UPDATE journal SET fields=json_set(fields, '$.address', ?) WHERE row_id=?",
        (huge, ids[3]),
    )
    r = a.sync(batch_size=50)
    assert r.outcome == "rejected" and r.rejected == 1
    [bad] = rejected.list_rejected(a.store)
    assert bad.row_id == ids[3] and bad.code == "request.too_large"
    truth = server.records(township)
    assert {i for i in ids if ("person", i) in truth} == set(ids) - {ids[3]}
    assert a.pending() == 0


def test_county_reviewer_review_goes_through_and_other_edits_are_refused_alone(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _township(server)
    a = make_device(user)
    with a.store.transaction() as tx:
        head = tx.insert("person", person(villages[0], "周母", sex="2"))
        fam = tx.insert(
            "specialfamily",
            {"division_code": villages[0], "category": "bereaved", "head_person_id": head},
        )
        sub = tx.insert(
            "caresubsidy",
            {"division_code": villages[0], "family_id": fam, "kind": "hospital_care"},
        )
    assert a.sync().outcome == "ok"
    county = township[:6] + "000000"
    rev = make_device(server.make_user(county, role="county_reviewer"))
    assert rev.sync().outcome == "ok"
    # The client's own write path takes the review and refuses the rest.
    rev.store.role = "county_reviewer"
    with rev.store.transaction() as tx:
        tx.update("caresubsidy", sub, {"status": "reviewed", "reviewer": "县审核员"})
    with pytest.raises(Forbidden), rev.store.transaction() as tx:
        tx.update("person", head, {"name": "改名"})
    assert rev.pending() == 1
    # An edit the role may not make that reached the journal anyway (an
    # older program): refused alone, the review in the same batch applied.
    rev.store.role = None
    with rev.store.transaction() as tx:
        tx.update("person", head, {"name": "改名"})
    r = rev.sync()
    assert r.outcome == "rejected" and r.rejected == 1
    [bad] = rejected.list_rejected(rev.store)
    assert (bad.entity, bad.code) == ("person", "role.forbidden") and "县级审核员" in bad.zh
    truth = server.records(township)
    assert truth[("caresubsidy", sub)]["status"] == "reviewed"
    assert truth[("person", head)]["name"] == "周母"
    a.sync()
    assert a.get("caresubsidy", sub)["reviewer"] == "县审核员"  # type: ignore[index]


@pytest.mark.parametrize("role", ["read_only", "county_reviewer"])
def test_store_made_by_init_syncs_with_a_reading_account(
    server: ServerProcess, make_device: MakeDevice, role: str
) -> None:
    township, _villages, user = _township(server)
    a = make_device(user, init=township)
    with a.store.transaction() as tx:
        tx.update("association", association_id(township), {"phone": "0731-8888"})
    assert a.sync().outcome == "ok"
    code = township if role == "read_only" else township[:6] + "000000"
    r = make_device(server.make_user(code, role=role), init=township)
    assert r.pending() == 0
    got = r.sync()
    assert (got.outcome, got.sent, got.rejected) == ("ok", 0, 0)
    assert _assoc(r, township)["phone"] == "0731-8888"
    mine = {k: v for k, v in r.rows().items() if v["division_code"].startswith(township[:9])}
    assert mine == server.records(township)


# -- 2. derived rows are nobody's edit -----------------------------------------------


def test_late_joining_device_leaves_every_synced_edit_in_place(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _township(server)
    a, b = make_device(user, init=township), make_device(user, init=township)
    assert a.journal() == [] and b.journal() == []  # derived, not journaled
    town = association_id(township)
    village = association_id(villages[0])
    a.sync()
    b.sync()
    with a.store.transaction() as tx:
        tx.update("association", town, {"name": "示范乡计生协", "phone": "0731-1111"})
    with b.store.transaction() as tx:
        tx.update("association", village, {"sector": "卫生院"})
    a.sync()
    b.sync()
    a.sync()
    before = server.records(township)
    # A third laptop, set up today, joins.
    c = make_device(user, init=township)
    assert c.sync().outcome == "ok" and c.conflicts() == []
    for d in (a, b):
        d.sync()
        assert d.conflicts() == []
    assert server.records(township) == before
    assert before[("association", town)]["phone"] == "0731-1111"
    assert before[("association", village)]["sector"] == "卫生院"
    for d in (a, b, c):
        assert d.rows() == before
    # The late device's own edit of a derived row is an ordinary update.
    with c.store.transaction() as tx:
        tx.update("association", town, {"phone": "0731-2222"})
    assert c.sync().outcome == "ok"
    a.sync()
    assert _assoc(a, township)["phone"] == "0731-2222"
    assert _assoc(a, township)["name"] == "示范乡计生协"


def test_store_of_an_older_release_does_not_revert_synced_edits(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """Stores `init` made before this release journaled their derived rows
    as inserts: the untouched ones are never sent, an edit folded into one
    (a refused insert resent) goes out as an update of just that field."""
    township, villages, user = _township(server)
    a = make_device(user, init=township)
    a.sync()
    town, village = association_id(township), association_id(villages[0])
    with a.store.transaction() as tx:
        tx.update("association", town, {"phone": "0731-3333"})
        tx.update("association", village, {"name": "甲村协会"})
    a.sync()
    old = make_device(user)
    derived = township_associations(old.store.db.connection(), township)
    with old.store.transaction() as tx:
        old.store.set_meta("township_code", township, tx.conn)
        for values in derived:  # as the old `init` did: journaled inserts
            tx.insert("association", values)
    # An edit folded into the village's insert (as `resend` does).
    conn = old.store.db.connection()
    conn.execute(
        "UPDATE journal SET fields=json_set(fields, '$.sector', '学校') WHERE row_id=?",
        (village,),
    )
    r = old.sync()
    assert r.outcome == "ok" and r.sent == 1 and old.conflicts() == []
    truth = server.records(township)
    assert truth[("association", town)]["phone"] == "0731-3333"
    assert truth[("association", village)]["name"] == "甲村协会"
    assert truth[("association", village)]["sector"] == "学校"
    assert old.rows() == truth
    a.sync()
    assert a.rows() == truth


def test_older_client_pushing_a_derived_insert_changes_nothing(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """The server's side of the same rule, for programs still in the field."""
    township, _villages, user = _township(server)
    a = make_device(user, init=township)
    a.sync()
    town = association_id(township)
    with a.store.transaction() as tx:
        tx.update("association", town, {"phone": "0731-4444"})
    a.sync()
    es = ENTITIES["association"]
    tree = {str(v["id"]): v for v in township_associations(a.store.db.connection(), township)}
    defaults = es.defaults()
    fields = {f: defaults.get(f) for f in es.data_fields}
    fields.update({k: v for k, v in tree[town].items() if k != "id"})
    fields.update(deleted=False, created_at="2024-01-01 00:00:00.000000")
    ch = Change(
        change_id=uuid.uuid4().hex,
        entity="association",
        row_id=town,
        op="insert",
        fields=fields,
        old={},
        hlc="9999999999999-00000-olddevice",
        device=a.store.device_id,
        user=user,
    )
    resp = a.transport.push(
        PushRequest(batch_id=uuid.uuid4().hex, device=a.store.device_id, changes=[ch])
    )
    [res] = resp.results
    assert res.status == "merged" and res.conflicts == []
    assert server.records(township)[("association", town)]["phone"] == "0731-4444"


# -- 3. restore keeps unsynced work ----------------------------------------------------


class _LoseReply:
    """Drops the connection after the server answered the n-th push."""

    def __init__(self) -> None:
        self.armed = False

    def __call__(self, p: FaultPoint) -> None:
        if self.armed and p.phase == "after_response" and p.path == "/push":
            self.armed = False
            raise requests.ConnectionError("reply lost")


def test_restore_then_sync_loses_nothing(
    server: ServerProcess, make_device: MakeDevice, tmp_path: Path
) -> None:
    township, villages, user = _township(server)
    lose = _LoseReply()
    a = make_device(user, fault=lose)
    b = make_device(user)
    with a.store.transaction() as tx:
        p1 = tx.insert("person", person(villages[0], "吴一"))
        p2 = tx.insert("person", person(villages[0], "吴二"))
    a.sync()
    with a.store.transaction() as tx:  # before the backup, synced after it
        tx.update("person", p1, {"address": "一组"})
    bak = maintenance.backup(a.store, tmp_path / "a.jsxbak")
    a.sync()
    # After the backup: new records, edits, a delete, some synced and some
    # not, one batch whose reply is lost (applied on the server, unknown here).
    with a.store.transaction() as tx:
        p3 = tx.insert("person", person(villages[1], "吴三"))
        tx.update("person", p2, {"mobile": "13900000001"})
    lose.armed = True
    a.transport.retries = 0
    with pytest.raises(OfflineError):
        a.sync()
    assert a.journal("state='pending' AND batch_id IS NOT NULL")
    with a.store.transaction() as tx:
        fam = tx.insert(
            "specialfamily",
            {"division_code": villages[1], "category": "bereaved", "head_person_id": p3},
        )
        tx.update("person", p1, {"name": "吴一一"})
        tx.delete("person", p2)
    # Meanwhile another worker edits a field this device also changed.
    b.sync()
    with b.store.transaction() as tx:
        tx.update("person", p1, {"name": "吴壹"})
    b.sync()
    open_before = {e["change_id"]: e for e in a.journal("state IN ('pending','rejected')")}
    assert len(open_before) == 5
    a.store.close()
    done = maintenance.restore(a.path, bak, None)
    assert done.replayed == 5 and done.dropped == {}
    a.store = Store.open(a.path, user=user)
    a.transport = make_transport(a.store, retries=2, backoff=0.01, backoff_max=0.05)
    assert {e["change_id"] for e in a.journal("state='pending'")} == set(open_before)
    assert a.get("specialfamily", fam) is not None and a.get("person", p2)["deleted"]  # type: ignore[index]
    r = a.sync()
    assert r.outcome == "ok" and a.pending() == 0
    truth = server.records(township)
    assert truth[("person", p3)]["name"] == "吴三"
    assert truth[("specialfamily", fam)]["head_person_id"] == p3
    assert truth[("person", p2)]["deleted"] and truth[("person", p2)]["mobile"] == "13900000001"
    assert truth[("person", p1)]["address"] == "一组"
    # The concurrent edit of the name is a conflict, not a silent loss.
    assert truth[("person", p1)]["name"] in ("吴一一", "吴壹")
    assert any(c["row_id"] == p1 and c["field"] == "name" for c in a.conflicts())
    # Each change applied once on the server.
    applied = server.change_log_ids()
    assert len(applied) == len(set(applied))
    assert set(open_before) <= set(applied)
    b.sync()
    assert a.rows() == b.rows() == truth


# -- 5. one person, one record, across devices -----------------------------------------


def test_same_person_entered_on_two_devices_ends_as_one_on_all_three(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _township(server)
    a, b, c = make_device(user), make_device(user), make_device(user)
    for d in (a, b, c):
        d.sync()
    number = make_id_number(township[:6], date(1968, 4, 12), 102)
    base = {"id_number": number, "sex": "2", "birth_date": "1968-04-12"}
    # Both register her offline, each with records of their own.
    with a.store.transaction() as tx:
        pa = tx.insert("person", person(villages[0], "张秀英", **base))
        member = tx.insert(
            "member", {"person_id": pa, "division_code": villages[0], "joined_on": "2024-01-05"}
        )
    with b.store.transaction() as tx:
        pb = tx.insert("person", person(villages[0], "张秀瑛", mobile="13807310000", **base))
        fam = tx.insert(
            "specialfamily",
            {"division_code": villages[0], "category": "bereaved", "head_person_id": pb},
        )
        fm = tx.insert(
            "familymember",
            {"division_code": villages[0], "family_id": fam, "person_id": pb, "relation": "10"},
        )
    assert a.sync().outcome == "ok"
    r = b.sync()
    assert r.outcome == "ok" and b.pending() == 0 and rejected.list_rejected(b.store) == []
    # b's copy is gone, its records point at a's person.
    assert b.get("person", pb) is None
    assert b.get("specialfamily", fam)["head_person_id"] == pa  # type: ignore[index]
    assert b.get("familymember", fm)["person_id"] == pa  # type: ignore[index]
    # A value only b had fills the kept record; the names disagree: review.
    truth = server.records(township)
    kept = truth[("person", pa)]
    assert (kept["name"], kept["mobile"]) == ("张秀英", "13807310000")
    assert [(x["field"], json.loads(x["mine"])) for x in b.conflicts()] == [("name", "张秀瑛")]
    live = [k for k, v in truth.items() if k[0] == "person" and v["id_number"] == number]
    assert live == [("person", pa)] and ("person", pb) not in truth
    assert truth[("familymember", fm)]["person_id"] == pa
    assert truth[("member", member)]["person_id"] == pa
    for d in (a, c):
        d.sync()
    assert a.rows() == b.rows() == c.rows() == truth
    # The worker takes her spelling: an ordinary synced edit.
    [review] = conflicts.open_conflicts(b.store)
    conflicts.resolve(b.store, review.id, "mine")
    b.sync()
    for d in (a, c):
        d.sync()
        assert d.get("person", pa)["name"] == "张秀瑛"  # type: ignore[index]
    assert a.rows() == b.rows() == c.rows() == server.records(township)


def test_persons_without_id_number_are_only_suggested(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _township(server)
    a, b = make_device(user), make_device(user)
    same = person(villages[0], "李四", birth_date="1950-02-03")
    with a.store.transaction() as tx:
        pa = tx.insert("person", same)
    with b.store.transaction() as tx:
        pb = tx.insert("person", same)
    a.sync()
    b.sync()
    a.sync()
    assert a.get("person", pa) is not None and a.get("person", pb) is not None
    offered = [(c.kind, {c.kept["id"], c.other["id"]}) for c in duplicates.suggestions(a.store)]
    assert offered == [("possible", {pa, pb})]
    assert a.rows() == b.rows() == server.records(township)


def _refused_edit_meets_a_delete(
    server: ServerProcess, make_device: MakeDevice
) -> tuple[str, Device, Device, str]:
    """A read-only laptop's refused edit of a person that a writer then
    deletes; the reader's pull brings the delete (kept there: an edit beats a
    delete, a conflict). Returns the township, a second writer that has not
    seen the delete, the reader and the person."""
    township, villages, writer = _township(server)
    a, b = make_device(writer), make_device(writer)
    reader = make_device(server.make_user(township, role="read_only"))
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "郑一"))
    for d in (a, b, reader):
        d.sync()
    with reader.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13900000009"})
    assert reader.sync().outcome == "rejected"
    with a.store.transaction() as tx:
        tx.delete("person", pid)
    a.sync()
    reader.sync()
    return township, b, reader, pid


def test_refused_edit_given_up_leaves_the_servers_delete(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """A refused edit kept the row here when a pull brought its delete (an
    edit beats a delete); given up, the delete stands, as on the server."""
    township, _b, reader, pid = _refused_edit_meets_a_delete(server, make_device)
    assert not reader.get("person", pid)["deleted"]  # type: ignore[index]
    [bad] = rejected.list_rejected(reader.store)
    rejected.discard(reader.store, bad.seq)
    assert reader.get("person", pid)["deleted"]  # type: ignore[index]
    assert reader.conflicts() == []
    assert reader.sync().outcome == "ok" and reader.rows() == server.records(township)


def test_refused_edit_given_up_after_the_delete_was_undone_keeps_the_row(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """As above, but another device's edit brought the row back on the
    server before the worker gave the refused edit up: the row stays, as on
    the server (the delete the refused edit had kept here is moot). Found by
    the convergence property."""
    township, b, reader, pid = _refused_edit_meets_a_delete(server, make_device)
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "新屋组1号"})  # an edit beats the delete
    b.sync()
    assert not server.records(township)[("person", pid)]["deleted"]
    reader.sync()
    [bad] = rejected.list_rejected(reader.store)
    rejected.discard(reader.store, bad.seq)
    assert not reader.get("person", pid)["deleted"]  # type: ignore[index]
    assert reader.sync().outcome == "ok" and reader.rows() == server.records(township)


# -- 6. no echo ------------------------------------------------------------------------


def test_first_sync_of_a_filled_store_does_not_download_its_own_rows(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages, user = _township(server)
    a = make_device(user, init=township)
    with a.store.transaction() as tx:
        mine = tx.insert_many("person", [person(villages[i % 2], f"周{i}") for i in range(120)])
    r = a.sync(batch_size=50, page_size=40)
    assert r.outcome == "ok" and r.sent == 120
    truth = server.records(township)
    # Only what the server had besides: the derived association rows.
    assert r.received == sum(1 for k in truth if k[0] == "association")
    assert a.rows() == truth and all(("person", p) in truth for p in mine)
    # Another device's rows still come, and so do rows this device updated
    # (its update may have been merged into edits it has not pulled yet).
    b = make_device(user)
    b.sync()
    with b.store.transaction() as tx:
        tx.update("person", mine[0], {"address": "二组"})
    with a.store.transaction() as tx:
        tx.update("person", mine[1], {"address": "三组"})
    b.sync()
    r = a.sync()
    assert (r.sent, r.received) == (1, 2)
    b.sync()
    assert a.rows() == b.rows() == server.records(township)


def test_reinstalled_or_restored_store_gets_its_own_rows_back(
    server: ServerProcess, make_device: MakeDevice, client_template: Path, tmp_path: Path
) -> None:
    township, villages, user = _township(server)
    a = make_device(user)
    with a.store.transaction() as tx:
        first = tx.insert("person", person(villages[0], "冯一"))
    a.sync()
    bak = maintenance.backup(a.store, tmp_path / "a.jsxbak")
    with a.store.transaction() as tx:  # after the backup, synced: no open change
        later = tx.insert("person", person(villages[0], "冯二"))
        tx.update("person", first, {"address": "一组"})
    a.sync()
    # The same laptop reinstalled (same device id, empty store).
    again = Device.reinstalled(a, tmp_path / "again.db", client_template)
    try:
        again.sync()
        assert again.rows() == server.records(township)
    finally:
        again.close()
    # The store restored from the backup, with nothing unsynced to carry.
    a.store.close()
    done = maintenance.restore(a.path, bak, None)
    assert done.replayed == 0
    a.store = Store.open(a.path, user=user)
    a.transport = make_transport(a.store, retries=2, backoff=0.01, backoff_max=0.05)
    a.sync()
    assert a.get("person", later) is not None
    assert a.get("person", first)["address"] == "一组"  # type: ignore[index]
    assert a.rows() == server.records(township)
