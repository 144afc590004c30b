"""Merging two records of one person on this device (no server needed):
what a merge writes, re-points and tombstones, and what it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from jsxclient.store.store import RecordNotFound, Store, ValidationFailed
from jsxclient.sync import duplicates
from jsxcore import personmerge as pm
from jsxcore.validation import make_id_number
from tests.conftest import VILLAGE


@pytest.fixture
def local(store_path: Path) -> Iterator[Store]:
    s = Store.open(store_path, user="tester")
    yield s
    s.close()


def _journal(s: Store, since: int) -> list[tuple[str, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in s.db.connection().execute(
            "SELECT entity, row_id, op FROM journal WHERE seq > ? ORDER BY seq", (since,)
        )
    ]


def test_merge_moves_the_id_number_and_keeps_one_volunteer_record(local: Store) -> None:
    number = make_id_number(VILLAGE[:6], date(1958, 3, 4), 222)
    same = {"name": "谭冬梅", "birth_date": "1958-03-04", "division_code": VILLAGE, "sex": "2"}
    with local.transaction() as tx:
        kept = tx.insert("person", same)
        other = tx.insert("person", {**same, "id_number": number})
        v_kept = tx.insert("volunteer", {"division_code": VILLAGE, "person_id": kept})
        v_other = tx.insert("volunteer", {"division_code": VILLAGE, "person_id": other})
        fam = tx.insert(
            "specialfamily",
            {"division_code": VILLAGE, "category": "bereaved", "head_person_id": other},
        )
    # The suggestion keeps the one with the ID number.
    [s] = duplicates.suggestions(local)
    assert (s.kept["id"], s.other["id"]) == (other, kept)
    # The worker keeps the other way round: the number moves with the merge.
    since = local.db.connection().execute("SELECT max(seq) FROM journal").fetchone()[0]
    m = duplicates.merge_persons(local, kept, other, {})
    assert (m.repointed, m.filled) == (2, ["id_number"])
    assert local.get("person", kept)["id_number"] == number  # type: ignore[index]
    assert local.get("person", other)["deleted"]  # type: ignore[index]
    assert local.get("specialfamily", fam)["head_person_id"] == kept  # type: ignore[index]
    # One person, one volunteer record: the other's is tombstoned, not re-pointed.
    assert local.get("volunteer", v_other)["deleted"]  # type: ignore[index]
    assert not local.get("volunteer", v_kept)["deleted"]  # type: ignore[index]
    assert _journal(local, since) == [
        ("volunteer", v_other, "delete"),
        ("specialfamily", fam, "update"),
        ("person", other, "delete"),
        ("person", kept, "update"),
    ]
    assert duplicates.suggestions(local) == []


def test_merge_refuses_what_it_cannot_do_and_writes_nothing(local: Store) -> None:
    same = {"name": "谭春", "birth_date": "1960-01-01", "division_code": VILLAGE}
    with local.transaction() as tx:
        a = tx.insert("person", {**same, "sex": "1"})
        b = tx.insert("person", {**same, "sex": "2"})
    before = local.db.connection().execute("SELECT count(*) FROM journal").fetchone()[0]
    with pytest.raises(pm.ChoiceError):
        duplicates.merge_persons(local, a, b, {"name": "other"})
    with pytest.raises(RecordNotFound):
        duplicates.merge_persons(local, a, a, {})
    with pytest.raises(RecordNotFound):
        duplicates.apply_review(local, a, {})  # no review for it
    assert local.db.connection().execute("SELECT count(*) FROM journal").fetchone()[0] == before
    assert not local.get("person", b)["deleted"]  # type: ignore[index]


def test_an_edit_giving_a_registered_id_number_is_refused_here(local: Store) -> None:
    number = make_id_number(VILLAGE[:6], date(1970, 7, 7), 331)
    with local.transaction() as tx:
        tx.insert(
            "person", {"name": "彭一", "sex": "1", "division_code": VILLAGE, "id_number": number}
        )
        b = tx.insert("person", {"name": "彭壹", "sex": "1", "division_code": VILLAGE})
    with pytest.raises(ValidationFailed) as exc, local.transaction() as tx:
        tx.update("person", b, {"id_number": number})
    assert "彭一" in str(exc.value.issues[0].zh)
    assert local.get("person", b)["id_number"] is None  # type: ignore[index]
