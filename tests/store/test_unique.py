"""One person per ID number, one member (volunteer) record per person: the
write path refuses a second registration and names the existing person."""

from __future__ import annotations

import pytest

from jsxclient.store.store import Store, ValidationFailed
from jsxcore.divisions import association_id

from ..conftest import VILLAGE
from .test_store import person


def test_a_second_person_with_the_same_id_number_is_refused(store: Store) -> None:
    with store.transaction() as tx:
        first = tx.insert("person", person(name="曾春燕"))
    with pytest.raises(ValidationFailed) as caught, store.transaction() as tx:
        tx.insert("person", person(name="曾春艳"))
    issue = caught.value.issues[0]
    assert issue.field == "id_number" and issue.code == "id_number.taken"
    assert "曾春燕" in issue.zh and "曾春燕" in issue.en and "registered" in issue.en
    # Nothing was written, and the first person is untouched.
    c = store.db.connection()
    assert (
        c.execute("SELECT count(*) FROM person WHERE id_number='11010519491231002X'").fetchone()[0]
        == 1
    )
    assert store.get("person", first) is not None


def test_a_batch_may_not_hold_one_id_number_twice(store: Store) -> None:
    with pytest.raises(ValidationFailed), store.transaction() as tx:
        tx.insert_many("person", [person(name="甲"), person(name="乙")])


def test_changing_an_id_number_to_a_taken_one_is_refused(store: Store) -> None:
    with store.transaction() as tx:
        tx.insert("person", person(name="曾春燕"))
        other = tx.insert("person", person(name="单丽", id_number=None, birth_date=None))
    with pytest.raises(ValidationFailed) as caught, store.transaction() as tx:
        tx.update("person", other, {"id_number": "11010519491231002X", "birth_date": "1949-12-31"})
    assert caught.value.issues[0].code == "id_number.taken"
    # Editing anything else of a person is not held up by the check.
    with store.transaction() as tx:
        tx.update("person", other, {"mobile": "13700000000"})


def test_a_deleted_person_no_longer_holds_the_number(store: Store) -> None:
    with store.transaction() as tx:
        first = tx.insert("person", person())
    with store.transaction() as tx:
        tx.delete("person", first)
    with store.transaction() as tx:
        tx.insert("person", person(name="李秀英"))


def test_one_member_record_per_person(store: Store) -> None:
    member = dict(association_id=association_id(VILLAGE), division_code=VILLAGE)
    with store.transaction() as tx:
        pid = tx.insert("person", person())
        tx.insert("member", {**member, "person_id": pid, "joined_on": "2020-01-01"})
    with pytest.raises(ValidationFailed) as caught, store.transaction() as tx:
        tx.insert("member", {**member, "person_id": pid, "joined_on": "2021-01-01"})
    assert caught.value.issues[0].code == "person.record_exists"
    assert "会员" in caught.value.issues[0].zh
