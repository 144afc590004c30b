"""The recycle bin and undo over the one write path: a restore is an update
that clears the tombstone; an undo takes back a save or a delete."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jsxclient.store import records
from jsxclient.store.queries import recycle
from jsxclient.store.store import Store, ValidationFailed
from jsxcore.draft import SaveRequest
from jsxcore.merge import merge_record

from .queries.builders import conn, family
from .test_store import journal, person


def test_restore_is_a_journaled_update_of_the_tombstone(store: Store) -> None:
    with store.transaction() as tx:
        pid = tx.insert("person", person())
    records.delete(store, "person", pid)
    [named] = recycle.deleted(conn(store))
    assert (named.entity, named.id, named.name) == ("person", pid, "李秀英")
    with store.transaction() as tx:
        tx.restore("person", pid)
    row = store.get("person", pid)
    assert row is not None and not row["deleted"] and row["sync_state"] == "pending"
    last = journal(store)[-1]
    assert (last["op"], last["fields"], last["old"]) == (
        "update",
        '{"deleted": false}',
        '{"deleted": true}',
    )
    assert recycle.deleted(conn(store)) == []


def test_the_bin_keeps_thirty_days(store: Store) -> None:
    with store.transaction() as tx:
        pid = tx.insert("person", person())
    records.delete(store, "person", pid)
    assert recycle.deleted(conn(store), now=datetime.now() + timedelta(days=29))
    assert recycle.deleted(conn(store), now=datetime.now() + timedelta(days=31)) == []


def test_a_visit_of_a_deleted_family_cannot_come_back_alone(store: Store) -> None:
    fid = family(store)
    saved = records.save(
        store,
        SaveRequest(
            "carevisit",
            None,
            {"family_id": fid, "visit_date": "2024-05-01", "mode": "home"},
        ),
    )
    records.delete(store, "carevisit", saved.row_id)
    records.delete(store, "specialfamily", fid)
    with pytest.raises(ValidationFailed) as caught, store.transaction() as tx:
        tx.restore("carevisit", saved.row_id)
    assert caught.value.issues[0].code == "reference.missing"
    with store.transaction() as tx:  # the family first, then its visit
        tx.restore("specialfamily", fid)
        tx.restore("carevisit", saved.row_id)


def test_a_restored_person_may_not_duplicate_one_registered_since(store: Store) -> None:
    with store.transaction() as tx:
        pid = tx.insert("person", person())
    records.delete(store, "person", pid)
    with store.transaction() as tx:
        tx.insert("person", person(name="李秀英"))
    with pytest.raises(ValidationFailed) as caught, store.transaction() as tx:
        tx.restore("person", pid)
    assert caught.value.issues[0].code == "id_number.taken"


def test_undo_takes_back_an_insert_an_update_and_a_delete(store: Store) -> None:
    new = records.save(store, SaveRequest("person", None, person()))
    assert [s.op for s in new.undo] == ["delete"]
    records.undo(store, new.undo)
    assert store.get("person", new.row_id)["deleted"]  # type: ignore[index]

    with store.transaction() as tx:
        pid = tx.insert("person", person(id_number=None, birth_date=None, name="曾春燕"))
    edit = records.save(store, SaveRequest("person", pid, {"address": "三组", "mobile": None}))
    # A sync changes the mobile meanwhile: undo leaves that alone.
    with store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13700000000"})
    records.undo(store, edit.undo)
    row = store.get("person", pid)
    assert row is not None and row["address"] is None and row["mobile"] == "13700000000"

    steps = records.delete(store, "person", pid)
    records.undo(store, steps)
    assert not store.get("person", pid)["deleted"]  # type: ignore[index]


def test_a_restore_brings_a_tombstone_back_without_a_conflict() -> None:
    rm = merge_record(
        written={},
        seen={},
        mine_hlc={},
        deletes=False,
        delete_hlc=None,
        theirs={"name": "x"},
        theirs_hlc={"name": "1"},
        theirs_deleted=True,
        restores=True,
    )
    assert rm.deleted is False and rm.conflicts == []
    # Without the restore, an edit that changes nothing leaves the tombstone.
    rm = merge_record(
        written={},
        seen={},
        mine_hlc={},
        deletes=False,
        delete_hlc=None,
        theirs={"name": "x"},
        theirs_hlc={"name": "1"},
        theirs_deleted=True,
    )
    assert rm.deleted is True
