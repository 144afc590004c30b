"""Scope isolation on every endpoint, and scope moves."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from jsxserver.models import Record
from tests.server.support import LiveServer, Township, person


def _seed(server: LiveServer, town: Township) -> tuple[Any, dict[str, Any]]:
    dev = server.device_for("township_worker", town.code)
    ins = dev.insert("person", town.village, **person("赵六"))
    assert dev.push_one(ins)["status"] == "applied"
    return dev, ins


def _ids(rows: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in rows}


def _strip(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "change_id"}


def test_township_worker_pulls_only_own_township(server: LiveServer) -> None:
    a_town, b_town = server.fresh_township(), server.fresh_township()
    _, a_row = _seed(server, a_town)
    b_dev, b_row = _seed(server, b_town)
    rows, _ = b_dev.pull_all()
    assert b_row["row_id"] in _ids(rows)
    assert a_row["row_id"] not in _ids(rows)
    assert all(r["data"]["division_code"].startswith(b_town.code[:9]) for r in rows)


def test_foreign_row_id_is_rejected_like_a_missing_one(server: LiveServer) -> None:
    a_town, b_town = server.fresh_township(), server.fresh_township()
    _, a_row = _seed(server, a_town)
    b_dev = server.device_for("township_worker", b_town.code)
    b_dev.adopt("person", a_row["row_id"], a_row["fields"])
    b_dev.adopt("person", "f" * 32, a_row["fields"])
    foreign_upd = b_dev.push_one(b_dev.update("person", a_row["row_id"], name="篡改"))
    missing_upd = b_dev.push_one(b_dev.update("person", "f" * 32, name="篡改"))
    assert foreign_upd["status"] == "rejected"
    assert _strip(foreign_upd) == _strip(missing_upd)
    foreign_del = b_dev.push_one(b_dev.delete("person", a_row["row_id"]))
    missing_del = b_dev.push_one(b_dev.delete("person", "f" * 32))
    assert _strip(foreign_del) == _strip(missing_del)
    with Session(server.db.engine) as s:
        row = s.get(Record, ("person", a_row["row_id"]))
        assert row is not None and row.data["name"] == "赵六" and not row.deleted


def test_cannot_insert_into_another_township(server: LiveServer) -> None:
    a_town, b_town = server.fresh_township(), server.fresh_township()
    b_dev = server.device_for("township_worker", b_town.code)
    result = b_dev.push_one(b_dev.insert("person", a_town.village, **person()))
    assert (result["status"], result["reason_code"]) == ("rejected", "scope.denied")


def test_reference_to_a_row_of_another_township_is_missing(server: LiveServer) -> None:
    a_town, b_town = server.fresh_township(), server.fresh_township()
    _, a_person = _seed(server, a_town)
    b_dev = server.device_for("township_worker", b_town.code)
    vol = b_dev.insert("volunteer", b_town.village, person_id=a_person["row_id"])
    result = b_dev.push_one(vol)
    assert (result["status"], result["reason_code"]) == ("rejected", "reference.missing")


def test_county_reviewer_reads_county_and_may_only_review(server: LiveServer) -> None:
    town = server.fresh_township()
    _, row = _seed(server, town)
    reviewer = server.device_for("county_reviewer", town.county)
    rows, _ = reviewer.pull_all(limit=5000)
    assert row["row_id"] in _ids(rows)
    assert all(r["data"]["division_code"].startswith(town.county[:6]) for r in rows)
    # Its pushes are taken, and each change is checked against its role
    # (`jsxcore.roles.allowed`, as the client's write path does).
    result = reviewer.push_one(reviewer.insert("person", town.village, **person()))
    assert (result["status"], result["reason_code"]) == ("rejected", "role.forbidden")
    assert "县级审核员" in result["reason_zh"]
    reader = server.device_for("read_only", town.code)
    r = reader.push_raw([reader.insert("person", town.village, **person())])
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "scope.read_only"
    assert "只能查看" in r.json()["error"]["zh"]
    assert reader.push_raw([]).status_code == 403
    assert row["row_id"] in _ids(reader.pull_all()[0])


def test_province_admin_reads_and_writes_everywhere(server: LiveServer) -> None:
    town = server.fresh_township()
    admin = server.device_for("province_admin", "430000000000")
    ins = admin.insert("person", town.village, **person())
    assert admin.push_one(ins)["status"] == "applied"
    worker = server.device_for("township_worker", town.code)
    assert ins["row_id"] in _ids(worker.pull_all()[0])


def test_reference_data_is_scoped(server: LiveServer) -> None:
    a_town, b_town = server.fresh_township(), server.fresh_township()
    a_dev = server.device_for("township_worker", a_town.code)
    colleague = server.make_user("read_only", a_town.village)
    stranger = server.make_user("township_worker", b_town.code)
    ref = a_dev.get("/reference").json()
    codes = {d["code"] for d in ref["divisions"]}
    assert a_town.code in codes and set(a_town.villages) <= codes
    assert "430000000000" in codes and a_town.county in codes
    assert not any(c.startswith(b_town.code[:9]) for c in codes)
    assert all(c.startswith(a_town.code[:9]) or c.endswith("000") for c in codes)
    users = {o["username"] for o in ref["offline_logins"]}
    assert {a_dev.username, colleague} <= users
    assert stranger not in users
    assert "sex" in ref["code_tables"] and ref["code_tables"]["sex"]["1"]["zh"] == "男"


def test_scope_move_leaves_an_exit_in_the_old_township(server: LiveServer) -> None:
    a_town, c_town = server.fresh_township(), server.fresh_township()
    a_dev, row = _seed(server, a_town)
    c_dev = server.device_for("township_worker", c_town.code)
    _, a_cursor = a_dev.pull_all()
    _, c_cursor = c_dev.pull_all()

    # Moved by the province (a township's own push may not move it away:
    # test_transfer.py); the exits are the same as after a transfer.
    admin = server.device_for("province_admin", "430000000000")
    admin.adopt("person", row["row_id"], dict(row["fields"]))
    result = admin.push_one(admin.update("person", row["row_id"], division_code=c_town.villages[1]))
    assert result["status"] == "applied"

    a_rows, _ = a_dev.pull_all(a_cursor)
    (exit_row,) = [r for r in a_rows if r["id"] == row["row_id"]]
    assert exit_row["in_scope"] is False and exit_row["data"] is None
    assert exit_row["seq"] == result["seq"]
    c_rows, _ = c_dev.pull_all(c_cursor)
    (arrived,) = [r for r in c_rows if r["id"] == row["row_id"]]
    assert arrived["in_scope"] is True
    assert arrived["data"]["division_code"] == c_town.villages[1]
    # The old township can no longer touch it; the new one can.
    gone = a_dev.push_one(a_dev.update("person", row["row_id"], address="x"))
    assert gone["reason_code"] == "record.not_found"
    c_dev.adopt("person", row["row_id"], arrived["data"])
    assert c_dev.push_one(c_dev.update("person", row["row_id"], address="新家"))["status"] == (
        "applied"
    )
    # A fresh device of the old township never sees the row at all.
    fresh = server.login(a_dev.username)
    assert row["row_id"] not in _ids([r for r in fresh.pull_all()[0] if r["in_scope"]])
    # A county reviewer above both sees it as in scope whenever the move
    # stays inside the county (no exit for moves within the scope).
    reviewer = server.device_for("province_admin", "430000000000")
    rows = [r for r in reviewer.pull_all(a_cursor, limit=5000)[0] if r["id"] == row["row_id"]]
    assert rows and all(r["in_scope"] for r in rows)


def test_moving_within_the_township_is_not_an_exit(server: LiveServer) -> None:
    town = server.fresh_township()
    dev, row = _seed(server, town)
    _, cursor = dev.pull_all()
    dev.push_one(dev.update("person", row["row_id"], division_code=town.villages[1]))
    rows, _ = dev.pull_all(cursor)
    assert [r["in_scope"] for r in rows if r["id"] == row["row_id"]] == [True]


def test_move_back_and_forth_ends_in_scope(server: LiveServer) -> None:
    a_town, c_town = server.fresh_township(), server.fresh_township()
    a_dev, row = _seed(server, a_town)
    _, cursor = a_dev.pull_all()
    admin = server.device_for("province_admin", "430000000000")
    admin.adopt("person", row["row_id"], dict(row["fields"]))
    admin.push_one(admin.update("person", row["row_id"], division_code=c_town.village))
    admin.push_one(admin.update("person", row["row_id"], division_code=a_town.village))
    rows, _ = a_dev.pull_all(cursor)
    mine = [r for r in rows if r["id"] == row["row_id"]]
    assert [r["in_scope"] for r in mine] == [True]


def test_guessing_ids_of_other_townships_via_pull_reveals_nothing(server: LiveServer) -> None:
    a_town, b_town = server.fresh_township(), server.fresh_township()
    _seed(server, a_town)
    b_dev = server.device_for("township_worker", b_town.code)
    rows, _ = b_dev.pull_all(limit=5000)
    assert all(
        r["data"]["division_code"].startswith(b_town.code[:9]) for r in rows if r["in_scope"]
    )
    assert not [r for r in rows if not r["in_scope"]]
    r = b_dev.get("/pull", params={"cursor": -1})
    assert r.status_code == 422
