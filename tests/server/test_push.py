"""Push semantics: applied, merged, conflict and rejected results, deletes,
insert collisions, idempotent replay and atomic batches."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from jsxcore.divisions import association_id
from jsxserver.models import ChangeLog, Record
from tests.server.support import Device, LiveServer, person


def _worker(server: LiveServer) -> tuple[Device, str]:
    town = server.fresh_township()
    return server.device_for("township_worker", town.code), town.village


def _row(server: LiveServer, entity: str, row_id: str) -> Record | None:
    with Session(server.db.engine) as s:
        return s.get(Record, (entity, row_id))


def test_insert_applied_and_pulled(server: LiveServer) -> None:
    dev, village = _worker(server)
    ins = dev.insert("person", village, **person("李四", mobile="13812345678"))
    before = server.counter()
    resp = dev.push(ins)
    result = resp["results"][0]
    assert result["status"] == "applied"
    assert result["seq"] == resp["server_seq"] > before
    rows, _ = dev.pull_all()
    mine = [r for r in rows if r["id"] == ins["row_id"]]
    assert len(mine) == 1
    assert mine[0]["data"]["name"] == "李四"
    assert mine[0]["data"]["mobile"] == "13812345678"
    assert mine[0]["seq"] == result["seq"]
    assert mine[0]["updated_device"] == dev.device_id
    assert mine[0]["field_hlc"]["name"] == ins["hlc"]


def test_update_applied_sets_field_hlc(server: LiveServer) -> None:
    dev, village = _worker(server)
    ins = dev.insert("person", village, **person())
    dev.push(ins)
    upd = dev.update("person", ins["row_id"], address="湘江路1号")
    result = dev.push_one(upd)
    assert result["status"] == "applied"
    row = _row(server, "person", ins["row_id"])
    assert row is not None
    assert row.data["address"] == "湘江路1号"
    assert row.field_hlc["address"] == upd["hlc"]
    assert row.field_hlc["name"] == ins["hlc"]
    assert row.seq == result["seq"]


def test_concurrent_edits_of_different_fields_merge(server: LiveServer) -> None:
    a, village = _worker(server)
    b = server.login(a.username)
    ins = a.insert("person", village, **person())
    a.push(ins)
    b.adopt("person", ins["row_id"], ins["fields"])
    assert a.push_one(a.update("person", ins["row_id"], address="一号"))["status"] == "applied"
    result = b.push_one(b.update("person", ins["row_id"], mobile="13900000000"))
    assert result["status"] == "applied"
    row = _row(server, "person", ins["row_id"])
    assert row is not None
    assert (row.data["address"], row.data["mobile"]) == ("一号", "13900000000")


def test_same_field_conflict_newer_stamp_wins(server: LiveServer) -> None:
    a, village = _worker(server)
    b = server.login(a.username)
    ins = a.insert("person", village, **person())
    a.push(ins)
    b.adopt("person", ins["row_id"], ins["fields"])
    older = a.update("person", ins["row_id"], address="旧地址")
    b.clock.observe(older["hlc"])  # b's edit is later, even within one millisecond
    newer = b.update("person", ins["row_id"], address="新地址")
    assert older["hlc"] < newer["hlc"]
    # The newer edit arrives second: it wins, and the conflict is reported.
    assert a.push_one(older)["status"] == "applied"
    result = b.push_one(newer)
    assert result["status"] == "conflict"
    (c,) = result["conflicts"]
    assert (c["field"], c["base"], c["mine"], c["theirs"], c["winner"]) == (
        "address",
        None,
        "新地址",
        "旧地址",
        "mine",
    )
    assert c["theirs_hlc"] == older["hlc"]
    assert result["server"]["address"] == "新地址"
    assert result["field_hlc"]["address"] == newer["hlc"]


def test_same_field_conflict_older_stamp_loses(server: LiveServer) -> None:
    a, village = _worker(server)
    b = server.login(a.username)
    ins = a.insert("person", village, **person())
    a.push(ins)
    b.adopt("person", ins["row_id"], ins["fields"])
    older = a.update("person", ins["row_id"], address="旧地址")
    b.clock.observe(older["hlc"])  # b's edit is later, even within one millisecond
    newer = b.update("person", ins["row_id"], address="新地址")
    b.push_one(newer)
    before = server.counter()
    result = a.push_one(older)
    assert result["status"] == "conflict"
    assert result["conflicts"][0]["winner"] == "theirs"
    assert result["server"]["address"] == "新地址"
    assert server.counter() == before  # nothing written
    row = _row(server, "person", ins["row_id"])
    assert row is not None and row.data["address"] == "新地址"


def test_no_op_update_is_merged(server: LiveServer) -> None:
    a, village = _worker(server)
    b = server.login(a.username)
    ins = a.insert("person", village, **person())
    a.push(ins)
    b.adopt("person", ins["row_id"], ins["fields"])
    a.push_one(a.update("person", ins["row_id"], address="同一个"))
    before = server.counter()
    result = b.push_one(b.update("person", ins["row_id"], address="同一个"))
    assert result["status"] == "merged"
    assert result["server"]["address"] == "同一个"
    assert server.counter() == before


def test_stale_base_takes_theirs_without_conflict(server: LiveServer) -> None:
    a, village = _worker(server)
    b = server.login(a.username)
    ins = a.insert("person", village, **person())
    a.push(ins)
    b.adopt("person", ins["row_id"], ins["fields"])
    a.push_one(a.update("person", ins["row_id"], address="A改的"))
    # b "changes" address to the value it already saw (mine == base) and
    # changes mobile: address takes theirs, mobile takes mine.
    ch = b.update("person", ins["row_id"], mobile="13700000000")
    ch["fields"]["address"] = None
    ch["old"]["address"] = None
    result = b.push_one(ch)
    assert result["status"] == "merged"
    assert result["server"]["address"] == "A改的"
    assert result["server"]["mobile"] == "13700000000"


def test_rejections(server: LiveServer) -> None:
    dev, village = _worker(server)
    good = dev.insert("person", village, **person())
    cases: list[tuple[dict[str, Any], str, str | None]] = []
    bad_entity = dict(good, change_id=uuid.uuid4().hex, entity="nosuch")
    cases.append((bad_entity, "entity.unknown", None))
    unknown_field = dev.insert("person", village, **person())
    unknown_field["fields"]["shoe_size"] = 42
    cases.append((unknown_field, "field.unknown", "shoe_size"))
    bad_code = dev.insert("person", village, **person(sex="7"))
    cases.append((bad_code, "code.invalid", "sex"))
    bad_type = dev.insert("person", village, **person(birth_date=19800101))
    cases.append((bad_type, "field.type", "birth_date"))
    too_long = dev.insert("person", village, **person(name="长" * 51))
    cases.append((too_long, "field.type", "name"))
    missing = dev.insert("person", village, name="", sex="1")
    cases.append((missing, "required", "name"))
    future = dev.insert("person", village, **person(birth_date="2999-01-01"))
    cases.append((future, "date.future", "birth_date"))
    bad_id = dev.insert("person", village, **person(id_number="430102199001011234"))
    cases.append((bad_id, "id_number.checksum", "id_number"))
    orphan = dev.insert(
        "carevisit", village, family_id=uuid.uuid4().hex, visit_date="2024-05-01", mode="home"
    )
    cases.append((orphan, "reference.missing", "family_id"))
    no_row = dev._change("person", uuid.uuid4().hex, "update", {"name": "x"}, {"name": "y"})
    cases.append((no_row, "record.not_found", None))
    bad_delete = dev._change("person", good["row_id"], "delete", {"deleted": False}, {})
    cases.append((bad_delete, "change.delete_shape", None))
    bad_hlc = dict(dev.insert("person", village, **person()), hlc="yesterday")
    cases.append((bad_hlc, "change.hlc_invalid", None))
    unknown_division = dev.insert("person", "439999999999", **person())
    cases.append((unknown_division, "division.unknown", "division_code"))
    null_required = dev.insert("person", village, **person(sex=None))
    cases.append((null_required, "field.type", "sex"))

    before = server.counter()
    resp = dev.push(*(c for c, _, _ in cases))
    assert server.counter() == before
    for (_change, code, fld), result in zip(cases, resp["results"], strict=True):
        assert result["status"] == "rejected", (code, result)
        assert result["reason_code"] == code, (code, result)
        assert result["reason_field"] == fld, (code, result)
        assert result["reason_zh"] and result["reason_en"]
        assert result["seq"] is None
    # Rejected changes are kept for audit, without a seq.
    with Session(server.db.engine) as s:
        logged = s.execute(
            select(ChangeLog.status, ChangeLog.seq).where(
                ChangeLog.change_id.in_([c["change_id"] for c, _, _ in cases])
            )
        ).all()  # type: ignore[attr-defined]
    assert len(logged) == len(cases)
    assert {(st, sq) for st, sq in logged} == {("rejected", None)}


def test_update_that_breaks_the_record_is_rejected(server: LiveServer) -> None:
    dev, village = _worker(server)
    ins = dev.insert("person", village, **person())
    dev.push(ins)
    result = dev.push_one(dev.update("person", ins["row_id"], mobile="12345"))
    assert result["status"] == "rejected"
    assert (result["reason_code"], result["reason_field"]) == ("mobile.format", "mobile")
    row = _row(server, "person", ins["row_id"])
    assert row is not None and row.data["mobile"] is None


def test_references_within_batch_and_deleted(server: LiveServer) -> None:
    dev, village = _worker(server)
    fam = dev.insert("specialfamily", village, category="bereaved")
    visit = dev.insert(
        "carevisit", village, family_id=fam["row_id"], visit_date="2024-05-01", mode="home"
    )
    resp = dev.push(fam, visit)
    assert [r["status"] for r in resp["results"]] == ["applied", "applied"]
    dev.push(dev.delete("specialfamily", fam["row_id"]))
    late = dev.insert(
        "carevisit", village, family_id=fam["row_id"], visit_date="2024-05-02", mode="phone"
    )
    result = dev.push_one(late)
    assert (result["status"], result["reason_code"]) == ("rejected", "reference.missing")


def test_delete_applied_then_repeated_is_merged(server: LiveServer) -> None:
    dev, village = _worker(server)
    ins = dev.insert("person", village, **person())
    dev.push(ins)
    first = dev.delete("person", ins["row_id"])
    assert dev.push_one(first)["status"] == "applied"
    row = _row(server, "person", ins["row_id"])
    assert row is not None and row.deleted and row.data["deleted"] is True
    again = dev._change("person", ins["row_id"], "delete", {"deleted": True}, first["old"])
    before = server.counter()
    assert dev.push_one(again)["status"] == "merged"
    assert server.counter() == before
    rows, _ = dev.pull_all()
    (pulled,) = [r for r in rows if r["id"] == ins["row_id"]]
    assert pulled["deleted"] is True and pulled["in_scope"] is True


def test_delete_after_someone_edited_keeps_the_row(server: LiveServer) -> None:
    a, village = _worker(server)
    b = server.login(a.username)
    ins = a.insert("person", village, **person())
    a.push(ins)
    b.adopt("person", ins["row_id"], ins["fields"])
    a.push_one(a.update("person", ins["row_id"], address="刚改的"))
    result = b.push_one(b.delete("person", ins["row_id"]))
    assert result["status"] == "conflict"
    (c,) = result["conflicts"]
    assert (c["field"], c["base"], c["mine"], c["theirs"], c["winner"]) == (
        "deleted",
        False,
        True,
        False,
        "theirs",
    )
    assert result["server"]["address"] == "刚改的"
    row = _row(server, "person", ins["row_id"])
    assert row is not None and not row.deleted


def test_edit_after_delete_undeletes(server: LiveServer) -> None:
    a, village = _worker(server)
    b = server.login(a.username)
    ins = a.insert("person", village, **person())
    a.push(ins)
    b.adopt("person", ins["row_id"], ins["fields"])
    a.push_one(a.delete("person", ins["row_id"]))
    result = b.push_one(b.update("person", ins["row_id"], address="还在"))
    assert result["status"] == "conflict"
    deleted = [c for c in result["conflicts"] if c["field"] == "deleted"]
    assert len(deleted) == 1
    assert (deleted[0]["mine"], deleted[0]["theirs"], deleted[0]["winner"]) == (False, True, "mine")
    assert result["server"]["deleted"] is False
    assert result["server"]["address"] == "还在"
    row = _row(server, "person", ins["row_id"])
    assert row is not None and not row.deleted


def test_insert_collision_of_derived_association(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    village = town.villages[0]
    town_assoc = association_id(town.code)
    with Session(server.db.engine) as s:
        existing = s.get(Record, ("association", association_id(village)))
        assert existing is not None
        name = existing.data["name"]
    same = dev.insert(
        "association",
        village,
        row_id=association_id(village),
        name=name,
        level="village",
        parent_id=town_assoc,
    )
    before = server.counter()
    result = dev.push_one(same)
    assert result["status"] == "merged"  # created_at differs: write-once, no conflict
    assert server.counter() == before
    assert result["server"]["created_at"] == existing.data["created_at"]

    other = town.villages[1]
    differs = dev.insert(
        "association",
        other,
        row_id=association_id(other),
        name="改名协会",
        level="village",
        parent_id=town_assoc,
    )
    with Session(server.db.engine) as s:
        kept = s.get(Record, ("association", association_id(other)))
        assert kept is not None
    # An insert of a derived row is no one's edit (its values are its base):
    # it changes nothing, whatever it carries and however new its stamp.
    before = server.counter()
    result = dev.push_one(differs)
    assert (result["status"], result["conflicts"]) == ("merged", [])
    assert result["server"]["name"] == kept.data["name"] != "改名协会"
    assert server.counter() == before


def test_replayed_batch_returns_stored_response(server: LiveServer) -> None:
    dev, village = _worker(server)
    ins = dev.insert("person", village, **person())
    upd = dev.update("person", ins["row_id"], address="一")
    batch_id = uuid.uuid4().hex
    first = dev.push(ins, upd, batch_id=batch_id)
    after_first = server.counter()
    second = dev.push(ins, upd, batch_id=batch_id)
    assert second == {**first, "server_seq": first["server_seq"]}
    assert server.counter() == after_first
    # The same changes in a new batch: each change id answers from the log.
    third = dev.push(ins, upd)
    assert third["results"] == first["results"]
    assert server.counter() == after_first
    # Another device cannot read a batch by its id.
    other = server.login(dev.username)
    r = other.push_raw([ins], batch_id=batch_id)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "push.batch_foreign"


def test_change_id_of_another_device_is_rejected(server: LiveServer) -> None:
    dev, village = _worker(server)
    ins = dev.insert("person", village, **person())
    dev.push(ins)
    other = server.login(dev.username)
    result = other.push_one(ins)
    assert result["status"] == "rejected"
    assert result["reason_code"] == "change.duplicate_id"
    assert result["server"] is None


def test_batch_is_atomic(server: LiveServer) -> None:
    dev, village = _worker(server)
    ins = dev.insert("person", village, **person())
    other = dev.insert("person", village, **person("王五"))
    dup = dict(other, row_id=uuid.uuid4().hex)  # same change id, so the log write fails
    before = server.counter()
    r = dev.push_raw([ins, other, dup])
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "push.batch_failed"
    if server.backend == "sqlite":  # a PostgreSQL sequence is not transactional
        assert server.counter() == before
    assert _row(server, "person", ins["row_id"]) is None
    assert _row(server, "person", other["row_id"]) is None
    with Session(server.db.engine) as s:
        assert s.get(ChangeLog, ins["change_id"]) is None
    # The whole batch can be sent again without the duplicate.
    assert [x["status"] for x in dev.push(ins, other)["results"]] == ["applied", "applied"]


def test_several_changes_to_one_row_in_a_batch(server: LiveServer) -> None:
    dev, village = _worker(server)
    ins = dev.insert("person", village, **person())
    u1 = dev.update("person", ins["row_id"], address="一")
    u2 = dev.update("person", ins["row_id"], address="二")
    resp = dev.push(ins, u1, u2)
    seqs = [r["seq"] for r in resp["results"]]
    assert [r["status"] for r in resp["results"]] == ["applied"] * 3
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert resp["server_seq"] == seqs[-1]
    row = _row(server, "person", ins["row_id"])
    assert row is not None and row.data["address"] == "二" and row.seq == seqs[-1]
    rows, _ = dev.pull_all()
    assert len([r for r in rows if r["id"] == ins["row_id"]]) == 1


def test_a_restore_brings_a_tombstone_back_and_nothing_else_sets_deleted(
    server: LiveServer,
) -> None:
    dev, village = _worker(server)
    fam = dev.insert("specialfamily", village, category="bereaved", enrolled_on="2020-01-01")
    ins = dev.insert("person", village, **person())
    dev.push(ins)
    dev.push(dev.delete("person", ins["row_id"]))
    # Only {"deleted": false} alone is a restore.
    bad = dev._change("person", ins["row_id"], "update", {"deleted": True}, {"deleted": False})
    assert dev.push_one(bad)["reason_code"] == "change.deleted_field"
    mixed = dev._change(
        "person", ins["row_id"], "update", {"deleted": False, "address": "x"}, {"deleted": True}
    )
    assert dev.push_one(mixed)["reason_code"] == "change.deleted_field"
    restore = dev._change("person", ins["row_id"], "update", {"deleted": False}, {"deleted": True})
    result = dev.push_one(restore)
    assert (result["status"], result["conflicts"]) == ("applied", [])
    row = _row(server, "person", ins["row_id"])
    assert row is not None and not row.deleted
    # Restoring a live row writes nothing.
    before = server.counter()
    assert dev.push_one(dict(restore, change_id="r" * 32))["status"] == "merged"
    assert server.counter() == before
    # A visit of a deleted family cannot come back alone.
    dev.push(fam)
    visit = dev.insert(
        "carevisit", village, family_id=fam["row_id"], visit_date="2024-05-01", mode="home"
    )
    dev.push(visit)
    dev.push(dev.delete("carevisit", visit["row_id"]))
    dev.push(dev.delete("specialfamily", fam["row_id"]))
    back = dev._change(
        "carevisit", visit["row_id"], "update", {"deleted": False}, {"deleted": True}
    )
    assert dev.push_one(back)["reason_code"] == "reference.missing"


def test_results_are_built_as_the_model_dumps_them() -> None:
    """services/push.py builds result dicts by hand: they must be exactly
    what ChangeResult.model_dump(mode="json") gives."""
    from jsxcore.protocol import ChangeResult, FieldConflict
    from jsxserver.services import push as svc

    conflict = FieldConflict(
        field="address", base=None, mine="一", theirs="二", winner="mine", theirs_hlc=None
    )
    cases = [
        svc._result("c1", "applied", seq=7),
        svc._result("c2", "conflict", seq=8, conflicts=[conflict], server={"a": 1}, field_hlc={}),
        svc._result("c3", "rejected", reason=svc.SCOPE_DENIED, reason_field="division_code"),
    ]
    for built in cases:
        model = ChangeResult.model_validate(built)
        assert model.model_dump(mode="json") == built
        assert list(model.model_dump(mode="json")) == list(built)


def test_update_giving_a_registered_id_number_is_refused_like_an_insert(
    server: LiveServer,
) -> None:
    from datetime import date

    from jsxcore.validation import make_id_number

    dev, village = _worker(server)
    number = make_id_number(village[:6], date(1966, 6, 6), 117)
    registered = dev.insert("person", village, **person("陈一", id_number=number))
    other = dev.insert("person", village, **person("陈壹"))
    dev.push(registered, other)
    upd = dev.update("person", other["row_id"], id_number=number, mobile="13900000005")
    result = dev.push_one(upd)
    assert (result["status"], result["reason_code"]) == ("rejected", "person.duplicate_edit")
    assert result["reason_field"] == "id_number"
    assert result["server"]["id"] == registered["row_id"]
    assert result["server"]["name"] == "陈一"
    row = _row(server, "person", other["row_id"])
    assert row is not None and row.data["id_number"] is None and row.data["mobile"] is None
    # Its own number again goes through.
    same = dev.update("person", registered["row_id"], id_number=number, address="一组")
    assert dev.push_one(same)["status"] == "applied"


def test_text_with_copy_escapes_is_stored_as_pushed(server: LiveServer) -> None:
    """Inserts go to PostgreSQL as hand-built COPY text and updates as one
    JSON parameter (core/db.py, services/push.py): a backslash, tab, newline,
    carriage return or a literal \\N in a value must come back unchanged."""
    dev, village = _worker(server)
    tricky = 'a\\b\tc\nd\re "q" \\N \\\\t 湘江路'
    a = dev.insert("person", village, **person("张三", address=tricky))
    b = dev.insert("person", village, **person("李四", address="\\N"))
    assert [r["status"] for r in dev.push(a, b)["results"]] == ["applied", "applied"]
    edited = "\\N\t" + tricky[::-1]
    ua = dev.update("person", a["row_id"], address=edited)
    ub = dev.update("person", b["row_id"], address="\r\n\\")
    assert [r["status"] for r in dev.push(ua, ub)["results"]] == ["applied", "applied"]
    for change, expected in ((a, edited), (b, "\r\n\\")):
        row = _row(server, "person", change["row_id"])
        assert row is not None and row.data["address"] == expected
        assert row.data["name"] == change["fields"]["name"]
        assert row.field_hlc["address"] != row.field_hlc["name"]
    with Session(server.db.engine) as s:
        logged = s.get(ChangeLog, a["change_id"])
        assert logged is not None and logged.fields["address"] == tricky
        assert logged.result["status"] == "applied"
    rows, _ = dev.pull_all()
    pulled = {r["id"]: r["data"].get("address") for r in rows}
    assert (pulled[a["row_id"]], pulled[b["row_id"]]) == (edited, "\r\n\\")


def test_a_person_linked_and_registered_again_in_one_batch_is_recognised(
    server: LiveServer,
) -> None:
    """A batch whose member links to a person and whose new person carries
    that person's ID number: the linked person is read for the link only
    (services/push.py reads such rows without their data), and must still be
    found as the registered holder of the number."""
    from datetime import date

    from jsxcore.validation import make_id_number

    dev, village = _worker(server)
    number = make_id_number(village[:6], date(1971, 3, 9), 231)
    registered = dev.insert("person", village, **person("周一", id_number=number))
    assert dev.push_one(registered)["status"] == "applied"
    member = dev.insert(
        "member",
        village,
        person_id=registered["row_id"],
        association_id=association_id(village),
        joined_on="2021-05-01",
    )
    again = dev.insert("person", village, **person("周壹", id_number=number))
    linked, duplicate = dev.push(member, again)["results"]
    assert linked["status"] == "applied"
    assert (duplicate["status"], duplicate["reason_code"]) == ("rejected", "person.duplicate")
    assert duplicate["server"]["id"] == registered["row_id"]
    assert _row(server, "person", again["row_id"]) is None
