"""One person, one record, across devices (issue 12, the review): the
worker settles a duplicate's differences on one device, merges or dismisses
suggestions, and every device ends with one person; an ID number given by
an edit is recognised like a registration."""

from __future__ import annotations

from datetime import date

import pytest

from jsxclient.store.store import ValidationFailed
from jsxclient.sync import duplicates
from jsxclient.sync.pull import pull
from jsxcore.validation import make_id_number
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import Device, ServerProcess, person


def _live_persons(d: Device) -> dict[str, dict[str, object]]:
    return {k[1]: v for k, v in d.rows().items() if k[0] == "person" and not v["deleted"]}


def test_disagreeing_duplicate_reviewed_on_one_device_ends_as_one_everywhere(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    for d in (a, b):
        d.sync()
    number = make_id_number(township[:6], date(1971, 9, 3), 204)
    with a.store.transaction() as tx:
        pa = tx.insert(
            "person",
            person(villages[0], "王桂兰", id_number=number, sex="2", mobile="13807310001"),
        )
    with b.store.transaction() as tx:
        pb = tx.insert(
            "person",
            person(villages[0], "王桂芝", id_number=number, sex="2", mobile="13907310002"),
        )
        member = tx.insert(
            "member", {"person_id": pb, "division_code": villages[0], "joined_on": "2024-03-01"}
        )
    assert a.sync().outcome == "ok"
    assert b.sync().outcome == "ok"
    # On b: one merge review of the two differing fields, a's values kept so far.
    [review] = duplicates.reviews(b.store)
    assert review.kept["id"] == pa
    assert {d.field: (d.kept, d.other) for d in review.comparison.differences} == {
        "name": ("王桂兰", "王桂芝"),
        "mobile": ("13807310001", "13907310002"),
    }
    # The worker keeps b's name and a's mobile.
    changed = duplicates.apply_review(b.store, pa, {"name": "other", "mobile": "kept"})
    assert changed == {"name": "王桂芝"}
    assert duplicates.reviews(b.store) == [] and b.conflicts() == []
    assert b.sync().outcome == "ok"
    a.sync()
    truth = server.records(township)
    for d in (a, b):
        [(pid, p)] = _live_persons(d).items()
        assert (pid, p["name"], p["mobile"]) == (pa, "王桂芝", "13807310001")
        assert d.get("member", member)["person_id"] == pa  # type: ignore[index]
        assert d.rows() == truth
    assert a.conflicts() == [] and duplicates.reviews(a.store) == []


def test_possible_duplicates_merged_on_one_device_end_as_one_everywhere(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    for d in (a, b):
        d.sync()
    with a.store.transaction() as tx:
        pa = tx.insert("person", person(villages[0], "赵大", birth_date="1949-05-06"))
        fam = tx.insert(
            "specialfamily",
            {"division_code": villages[0], "category": "bereaved", "head_person_id": pa},
        )
    with b.store.transaction() as tx:
        pb = tx.insert(
            "person",
            person(villages[0], "赵大", birth_date="1949-05-06", sex="2", mobile="13607310003"),
        )
        member = tx.insert(
            "member", {"person_id": pb, "division_code": villages[0], "joined_on": "2024-03-01"}
        )
    for d in (a, b, a):
        assert d.sync().outcome == "ok"
    [s] = duplicates.suggestions(a.store)
    assert {s.kept["id"], s.other["id"]} == {pa, pb}
    kept, other = str(s.kept["id"]), str(s.other["id"])
    assert [d.field for d in s.comparison.differences] == ["sex"]
    duplicates.merge_persons(a.store, kept, other, {"sex": "other"})
    assert duplicates.suggestions(a.store) == []
    assert a.sync().outcome == "ok"
    assert b.sync().outcome == "ok"
    truth = server.records(township)
    for d in (a, b):
        [(pid, p)] = _live_persons(d).items()
        assert pid == kept and p["sex"] == s.other["sex"] and p["mobile"] == "13607310003"
        assert d.get("specialfamily", fam)["head_person_id"] == kept  # type: ignore[index]
        assert d.get("member", member)["person_id"] == kept  # type: ignore[index]
        assert d.get("person", other)["deleted"]  # type: ignore[index]
        assert d.rows() == truth
    assert a.conflicts() == b.conflicts() == []


def _suggested_pair(
    server: ServerProcess, make_device: MakeDevice, name: str
) -> tuple[str, Device, Device, str, str]:
    """Two laptops of a fresh township that both hold two persons of one name,
    birth date and village without an ID number (a suggested duplicate)."""
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    same = person(villages[0], name, birth_date="1960-01-01")
    with a.store.transaction() as tx:
        pa, pb = tx.insert("person", same), tx.insert("person", same)
    assert a.sync().outcome == "ok" and b.sync().outcome == "ok"
    return township, a, b, pa, pb


def test_dismissed_suggestion_is_not_shown_again_on_any_device(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, a, b, pa, pb = _suggested_pair(server, make_device, "钱二")
    assert len(duplicates.suggestions(b.store)) == 1
    [s] = duplicates.suggestions(a.store)
    duplicates.dismiss(a.store, str(s.other["id"]), str(s.kept["id"]))
    assert duplicates.suggestions(a.store) == []
    assert a.sync().outcome == "ok" and duplicates.suggestions(a.store) == []
    # The answer travels: the other laptop stops suggesting the pair too.
    assert b.sync().outcome == "ok" and duplicates.suggestions(b.store) == []
    assert {pa, pb} <= set(_live_persons(a)) and {pa, pb} <= set(_live_persons(b))
    assert a.rows() == b.rows() == server.records(township)


def test_the_same_pair_dismissed_on_two_devices_offline_is_one_answer(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, a, b, pa, pb = _suggested_pair(server, make_device, "孙四")
    duplicates.dismiss(a.store, pa, pb)
    duplicates.dismiss(b.store, pb, pa)  # the other way round, before any sync
    for d in (a, b, a):
        assert d.sync().outcome == "ok"
    decisions = {k: v for k, v in a.rows().items() if k[0] == "persondecision"}
    assert len(decisions) == 1
    assert a.rows() == b.rows() == server.records(township)
    assert a.conflicts() == b.conflicts() == []
    assert duplicates.suggestions(a.store) == duplicates.suggestions(b.store) == []


def test_an_id_number_given_by_an_edit_is_recognised_like_a_registration(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    number = make_id_number(township[:6], date(1980, 2, 2), 305)
    b.sync()
    with b.store.transaction() as tx:
        pb = tx.insert("person", person(villages[0], "孙叁", mobile="13507310004"))
        member = tx.insert(
            "member", {"person_id": pb, "division_code": villages[0], "joined_on": "2024-03-01"}
        )
    assert b.sync().outcome == "ok"
    a.sync()
    with a.store.transaction() as tx:
        pa = tx.insert("person", person(villages[0], "孙三", id_number=number))
    assert a.sync().outcome == "ok"
    # Locally the write path refuses it, as for a registration.
    with pytest.raises(ValidationFailed), a.store.transaction() as tx:
        tx.update("person", pb, {"id_number": number})
    # b has not seen a's person: it gives the number offline; the push
    # recognises the person and b merges its copy into it by synced edits.
    with b.store.transaction() as tx:
        tx.update("person", pb, {"id_number": number})
    r = b.sync()
    assert r.outcome == "ok" and b.pending() == 0, r
    truth = server.records(township)
    assert truth[("person", pb)]["deleted"] and not truth[("person", pa)]["deleted"]
    assert truth[("person", pb)]["id_number"] is None
    assert truth[("member", member)]["person_id"] == pa
    assert truth[("person", pa)]["mobile"] == "13507310004"  # filled from the copy
    [review] = duplicates.reviews(b.store)
    assert [(d.field, d.kept, d.other) for d in review.comparison.differences] == [
        ("name", "孙三", "孙叁")
    ]
    a.sync()
    assert a.rows() == b.rows() == truth


def test_lost_delete_met_by_a_pull_is_recorded_once(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """An edit saved while a sync runs meets the other device's delete in the
    pull (a conflict: the edit wins), then its push is told the same: one
    conflict, not two."""
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "周一"))
    a.sync()
    b.sync()
    with b.store.transaction() as tx:
        tx.delete("person", pid)
    b.sync()
    with a.store.transaction() as tx:
        tx.update("person", pid, {"mobile": "13900000001"})
    pull(a.store, a.transport)  # the pull of a run during which the worker saved
    assert [(c["field"], c["winner"]) for c in a.conflicts()] == [("deleted", "mine")]
    receipt = a.sync()
    assert receipt.outcome == "ok" and receipt.conflicts == 0
    assert [(c["field"], c["winner"]) for c in a.conflicts()] == [("deleted", "mine")]
    b.sync()
    assert not a.get("person", pid)["deleted"]  # type: ignore[index]
    assert a.rows() == b.rows() == server.records(township)
