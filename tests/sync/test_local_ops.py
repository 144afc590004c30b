"""Local operations the UI calls: resolving conflicts, refused changes,
moving a family. No server needed for these paths."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from jsxclient.store import journal as jr
from jsxclient.store.store import RecordNotFound, Store
from jsxclient.sync import conflicts, rejected
from jsxclient.sync.scope import transfer_family
from tests.conftest import VILLAGE


@pytest.fixture
def local(store_path: Path) -> Iterator[Store]:
    s = Store.open(store_path, user="tester")
    yield s
    s.close()


def _family(s: Store) -> tuple[str, str, str]:
    with s.transaction() as tx:
        head = tx.insert("person", {"name": "甲", "sex": "1", "division_code": VILLAGE})
        other = tx.insert("person", {"name": "乙", "sex": "2", "division_code": VILLAGE})
        fam = tx.insert(
            "specialfamily",
            {"division_code": VILLAGE, "category": "bereaved", "head_person_id": head},
        )
        tx.insert(
            "familymember",
            {"division_code": VILLAGE, "family_id": fam, "person_id": other, "relation": "10"},
        )
        tx.insert("volunteer", {"division_code": VILLAGE, "person_id": other})
    return fam, head, other


def test_transfer_moves_the_family_and_its_own_persons(local: Store) -> None:
    fam, head, other = _family(local)
    with local.transaction() as tx:
        out = transfer_family(tx, fam, "430105004001")
    moved = {e for e, _ in out.moved}
    assert moved == {"specialfamily", "familymember", "person"}
    assert out.persons_kept == [other]  # still a volunteer here
    assert local.get("person", head)["division_code"] == "430105004001"  # type: ignore[index]
    assert local.get("person", other)["division_code"] == VILLAGE  # type: ignore[index]
    with local.transaction() as tx, pytest.raises(RecordNotFound):
        transfer_family(tx, "0" * 32, VILLAGE)


def test_resolve_an_unknown_or_closed_conflict(local: Store) -> None:
    with pytest.raises(conflicts.ConflictGone):
        conflicts.resolve(local, 12345, "mine")
    with pytest.raises(ValueError):
        conflicts.resolve(local, 1, "both")  # type: ignore[arg-type]


def test_resolve_flips_through_the_journal(local: Store) -> None:
    with local.transaction() as tx:
        pid = tx.insert("person", {"name": "丙", "sex": "1", "division_code": VILLAGE})
        jr.record_conflict(
            tx.conn, ("person", pid), "name", "丙", "丙", "丁", "mine", "1", "0", "dev"
        )
    [c] = conflicts.open_conflicts(local, "person", pid)
    assert (c.kept, c.lost) == ("丙", "丁")
    before = local.pending_count()
    assert conflicts.resolve(local, c.id, "theirs") == {"name": "丁"}
    assert local.pending_count() == before + 1
    row = local.get("person", pid)
    assert row is not None and row["name"] == "丁" and row["search_key"] == "ding d"
    with pytest.raises(conflicts.ConflictGone):
        conflicts.resolve(local, c.id, "mine")


def test_resend_folds_a_later_fix_into_the_refused_insert(local: Store) -> None:
    with local.transaction() as tx:
        pid = tx.insert("person", {"name": "戊", "sex": "1", "division_code": VILLAGE})
    conn = local.db.connection()
    conn.execute(
        "UPDATE journal SET state='rejected', result='rejected', reason=? WHERE row_id=?",
        (json.dumps({"code": "x", "zh": "错", "en": "bad", "field": "name"}), pid),
    )
    [bad] = rejected.list_rejected(local)
    assert (bad.code, bad.text("en"), bad.text()) == ("x", "bad", "错")
    with local.transaction() as tx:
        tx.update("person", pid, {"name": "己", "mobile": "13912345678"})
    assert rejected.resend(local, bad.seq)
    rows = conn.execute(
        "SELECT op, fields, state, result, change_id FROM journal WHERE row_id=? ORDER BY seq",
        (pid,),
    ).fetchall()
    assert [(op, state, result) for op, _, state, result, _ in rows] == [
        ("insert", "pending", None),
        ("update", "acked", "superseded"),
    ]
    fields = json.loads(rows[0][1])
    assert (fields["name"], fields["mobile"]) == ("己", "13912345678")
    assert rows[0][4] != bad.change_id  # a new id: the old one was answered
    assert rejected.list_rejected(local) == []
    assert not rejected.resend(local, bad.seq)
