"""Scope on the server (issue 11): a push cannot move a record out of its
township; a transfer the receiving township sees and accepts does; every
change passes the core's role rule (a county reviewer only the review
fields, subsidy rates only the township administrator)."""

from __future__ import annotations

from typing import Any

from tests.server.support import Device, LiveServer, Township, person


def _ids(rows: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in rows if r["in_scope"]}


def _seed(server: LiveServer, town: Township) -> tuple[Device, dict[str, Any]]:
    dev = server.device_for("township_worker", town.code)
    ins = dev.insert("person", town.village, **person("钱七"))
    assert dev.push_one(ins)["status"] == "applied"
    return dev, ins


def test_a_push_cannot_move_a_record_into_another_township(server: LiveServer) -> None:
    mine, theirs = server.fresh_township(), server.fresh_township()
    dev = server.device_for("township_worker", mine.code)
    victim = server.device_for("township_worker", theirs.code)
    _, cursor = victim.pull_all()
    # Insert here, move there, in one batch: the move is refused.
    ins = dev.insert("person", mine.village, **person("孙八"))
    move = dev.update("person", ins["row_id"], division_code=theirs.village)
    first, second = dev.push(ins, move)["results"]
    assert first["status"] == "applied"
    assert (second["status"], second["reason_code"], second["reason_field"]) == (
        "rejected",
        "scope.transfer_required",
        "division_code",
    )
    assert "接收乡镇" in second["reason_zh"] and "transfer" in second["reason_en"]
    assert ins["row_id"] not in _ids(victim.pull_all(cursor)[0])
    # Within the township a move is an ordinary edit.
    dev.rows[("person", ins["row_id"])]["division_code"] = mine.village
    inside = dev.push_one(dev.update("person", ins["row_id"], division_code=mine.villages[1]))
    assert inside["status"] == "applied"


def test_a_transfer_moves_when_the_receiving_township_accepts(server: LiveServer) -> None:
    a_town, b_town, c_town = (server.fresh_township() for _ in range(3))
    a_dev, row = _seed(server, a_town)
    b_dev = server.device_for("township_worker", b_town.code)
    c_dev = server.device_for("township_worker", c_town.code)
    _, a_cursor = a_dev.pull_all()
    _, b_cursor = b_dev.pull_all()
    assert "transfer" in a_dev.get("/version").json()["features"]

    r = a_dev.http.post(
        server.url("/transfers"),
        json={
            "rows": [{"entity": "person", "row_id": row["row_id"]}],
            "to_division": b_town.villages[1],
            "note": "随女儿迁居",
        },
        timeout=30,
    )
    assert r.status_code == 200, r.text
    offer = r.json()
    assert offer["status"] == "pending" and offer["from_township"] == a_town.code[:9]
    # The receiving township sees what it is asked to take; nothing moved yet.
    incoming = b_dev.get("/transfers").json()["incoming"]
    (seen,) = [t for t in incoming if t["id"] == offer["id"]]
    assert seen["records"][0]["data"]["name"] == "钱七"
    assert offer["id"] in [t["id"] for t in a_dev.get("/transfers").json()["outgoing"]]
    assert row["row_id"] not in _ids(b_dev.pull_all(b_cursor)[0])
    # A third township neither sees nor accepts it.
    assert offer["id"] not in [t["id"] for t in c_dev.get("/transfers").json()["incoming"]]
    nope = c_dev.http.post(server.url(f"/transfers/{offer['id']}/accept"), timeout=30)
    assert nope.status_code == 404 and nope.json()["error"]["code"] == "transfer.not_found"
    # The sender cannot accept its own offer.
    own = a_dev.http.post(server.url(f"/transfers/{offer['id']}/accept"), timeout=30)
    assert own.status_code == 403 and own.json()["error"]["code"] == "transfer.not_receiver"

    ok = b_dev.http.post(server.url(f"/transfers/{offer['id']}/accept"), timeout=30)
    assert ok.status_code == 200 and ok.json()["status"] == "accepted", ok.text
    again = b_dev.http.post(server.url(f"/transfers/{offer['id']}/accept"), timeout=30)
    assert again.status_code == 409 and again.json()["error"]["code"] == "transfer.decided"

    (gone,) = [r for r in a_dev.pull_all(a_cursor)[0] if r["id"] == row["row_id"]]
    assert gone["in_scope"] is False and gone["data"] is None
    (arrived,) = [r for r in b_dev.pull_all(b_cursor)[0] if r["id"] == row["row_id"]]
    assert arrived["in_scope"] and arrived["data"]["division_code"] == b_town.villages[1]
    assert arrived["field_hlc"]["division_code"] > row["hlc"]
    late = a_dev.push_one(a_dev.update("person", row["row_id"], address="旧址"))
    assert late["reason_code"] == "record.not_found"
    b_dev.adopt("person", row["row_id"], arrived["data"])
    assert b_dev.push_one(b_dev.update("person", row["row_id"], address="新家"))["status"] == (
        "applied"
    )


def test_an_offer_is_refused_or_cancelled_and_checked(server: LiveServer) -> None:
    a_town, b_town = server.fresh_township(), server.fresh_township()
    a_dev, row = _seed(server, a_town)
    b_dev = server.device_for("township_worker", b_town.code)
    rows = [{"entity": "person", "row_id": row["row_id"]}]

    def offer(dev: Device, to: str, what: list[dict[str, str]] = rows) -> Any:
        return dev.http.post(
            server.url("/transfers"), json={"rows": what, "to_division": to}, timeout=30
        )

    # Rows of another township, or to one's own township: refused.
    assert offer(b_dev, a_town.village).json()["error"]["code"] == "transfer.rows"
    assert offer(a_dev, a_town.villages[1]).json()["error"]["code"] == "transfer.target"
    reader = server.device_for("read_only", a_town.code)
    assert offer(reader, b_town.village).status_code == 403

    first = offer(a_dev, b_town.village).json()
    refused = b_dev.http.post(server.url(f"/transfers/{first['id']}/refuse"), timeout=30)
    assert refused.json()["status"] == "refused"
    second = offer(a_dev, b_town.village).json()
    cancelled = a_dev.http.post(server.url(f"/transfers/{second['id']}/refuse"), timeout=30)
    assert cancelled.json()["status"] == "cancelled"
    # Deleted after the offer: the accept says so and moves nothing.
    third = offer(a_dev, b_town.village).json()
    assert a_dev.push_one(a_dev.delete("person", row["row_id"]))["status"] == "applied"
    stale = b_dev.http.post(server.url(f"/transfers/{third['id']}/accept"), timeout=30)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "transfer.stale"


def test_a_county_reviewer_pushes_only_the_review_fields(server: LiveServer) -> None:
    town = server.fresh_township()
    worker = server.device_for("township_worker", town.code)
    head = worker.insert("person", town.village, **person("李母", sex="2"))
    fam = worker.insert(
        "specialfamily", town.village, category="bereaved", head_person_id=head["row_id"]
    )
    sub = worker.insert(
        "caresubsidy",
        town.village,
        family_id=fam["row_id"],
        person_id=head["row_id"],
        kind="hospital_care",
    )
    assert [r["status"] for r in worker.push(head, fam, sub)["results"]] == ["applied"] * 3

    reviewer = server.device_for("county_reviewer", town.county)
    for ch in (head, fam, sub):
        reviewer.adopt(ch["entity"], ch["row_id"], ch["fields"])
    review = reviewer.update("caresubsidy", sub["row_id"], status="reviewed", reviewer="王审核")
    assert reviewer.push_one(review)["status"] == "applied"
    for bad in (
        reviewer.update("caresubsidy", sub["row_id"], amount_fen=999_00),
        reviewer.update("person", head["row_id"], address="x"),
        reviewer.insert("person", town.village, **person()),
        reviewer.delete("caresubsidy", sub["row_id"]),
    ):
        result = reviewer.push_one(bad)
        assert (result["status"], result["reason_code"]) == ("rejected", "role.forbidden"), bad
        assert "县级审核员" in result["reason_zh"]


def test_subsidy_rates_are_the_township_administrators(server: LiveServer) -> None:
    town = server.fresh_township()
    worker = server.device_for("township_worker", town.code)
    admin = server.device_for("township_admin", town.code)
    rate = {"kind": "hospital_care", "year": 2025, "rate_fen": 5000}
    refused = worker.push_one(worker.insert("subsidyrate", town.code, **rate))
    assert refused["reason_code"] == "role.forbidden"
    assert admin.push_one(admin.insert("subsidyrate", town.code, **rate))["status"] == "applied"
