"""Pull page rows per protocol version (docs/sync-protocol.md section 3.5):
protocol 1 gets every field's stamp, protocol 2 one row stamp plus only the
stamps that differ, protocol 3 the same as tables (columns once, rows as
arrays), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import requests
from sqlmodel import Session

from jsxcore.entities import ENTITIES
from jsxcore.protocol import PROTOCOL_HEADER, TABLE_TAIL, PullResponse
from jsxcore.wire import expand_stamps, table_rows
from jsxserver.models import Record
from tests.server.support import Device, LiveServer, person


def _pull(dev: Device, protocol: str, cursor: int = 0) -> requests.Response:
    r = dev.http.get(
        dev.server.url("/pull"),
        params={"cursor": cursor, "limit": 1000},
        headers={PROTOCOL_HEADER: protocol},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    return r


def _stored(server: LiveServer, entity: str, row_id: str) -> dict[str, str]:
    with Session(server.db.engine) as s:
        rec = s.get(Record, (entity, row_id))
        assert rec is not None
        return dict(rec.field_hlc)


def _by_id(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in page["rows"]}


def _history(dev: Device, village: str) -> dict[str, dict[str, Any]]:
    """Four persons pushed, then one edited and one deleted: a row stamped
    whole ("plain"), one with an exception ("edited" by "upd"), a tombstone
    ("gone" by "dele") and one to move out of scope ("moved")."""
    made = {
        key: dev.insert("person", village, **person(name))
        for key, name in (
            ("plain", "王五"),
            ("edited", "赵六"),
            ("gone", "钱七"),
            ("moved", "孙八"),
        )
    }
    dev.push(*made.values())
    made["upd"] = dev.update("person", made["edited"]["row_id"], address="湘江路1号")
    made["dele"] = dev.delete("person", made["gone"]["row_id"])
    dev.push(made["upd"], made["dele"])
    return made


def _move_out(server: LiveServer, moved: dict[str, Any], village: str) -> None:
    """`moved` to another township's `village` by the province (a township's
    own push may not move a row away)."""
    admin = server.device_for("province_admin", "430000000000")
    admin.adopt("person", moved["row_id"], dict(moved["fields"]))
    move = admin.update("person", moved["row_id"], division_code=village)
    assert admin.push_one(move)["status"] == "applied"


def test_page_rows_per_protocol(server: LiveServer) -> None:
    town, other = server.fresh_township(), server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    h = _history(dev, town.village)
    plain, edited, gone, moved, upd, dele = (
        h[k] for k in ("plain", "edited", "gone", "moved", "upd", "dele")
    )
    v1, v2 = _pull(dev, "1"), _pull(dev, "2")
    old, new = v1.json(), v2.json()
    PullResponse.model_validate(old)
    PullResponse.model_validate(new)
    assert len(v2.content) < len(v1.content)
    assert [r["id"] for r in old["rows"]] == [r["id"] for r in new["rows"]]
    old_rows, new_rows = _by_id(old), _by_id(new)
    fields = ENTITIES["person"].data_fields

    # Protocol 1: every field's stamp, as stored; no row stamp.
    for row_id in (plain["row_id"], edited["row_id"], gone["row_id"], moved["row_id"]):
        r = old_rows[row_id]
        assert "hlc" not in r
        assert r["field_hlc"] == _stored(server, "person", row_id)
        assert set(r["field_hlc"]) == set(fields)

    # Protocol 2: one insert stamps every field alike: no exceptions.
    assert new_rows[plain["row_id"]]["hlc"] == plain["hlc"]
    assert new_rows[plain["row_id"]]["field_hlc"] == {}
    # An update: only the fields it wrote differ from the row stamp.
    assert new_rows[edited["row_id"]]["hlc"] == edited["hlc"]
    assert new_rows[edited["row_id"]]["field_hlc"] == {"address": upd["hlc"]}
    # A delete: the tombstone's "deleted" stamp is the exception.
    tomb = new_rows[gone["row_id"]]
    assert tomb["deleted"] is True and tomb["field_hlc"] == {"deleted": dele["hlc"]}
    # Expanded, every row has exactly the stamps protocol 1 sends.
    for row_id, r in new_rows.items():
        assert expand_stamps(r["hlc"], r["field_hlc"], r["data"]) == old_rows[row_id]["field_hlc"]

    # A row that left the scope: no stamps in either version.
    cursor = new["cursor"]
    _move_out(server, moved, other.villages[0])
    exit_old = _by_id(_pull(dev, "1", cursor).json())[moved["row_id"]]
    exit_new = _by_id(_pull(dev, "2", cursor).json())[moved["row_id"]]
    assert exit_old["in_scope"] is False and exit_old["field_hlc"] == {} and "hlc" not in exit_old
    assert exit_new["in_scope"] is False and exit_new["field_hlc"] == {}
    assert exit_new["hlc"] is None


def test_a_request_without_protocol_gets_full_stamps(server: LiveServer) -> None:
    """No protocol header (not a jsxclient): the oldest format, every stamp."""
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    ins = dev.insert("person", town.village, **person())
    dev.push(ins)
    r = requests.get(
        server.url("/pull"),
        headers={"Authorization": f"Bearer {dev.token}"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    row = _by_id(r.json())[ins["row_id"]]
    assert all("hlc" not in other for other in r.json()["rows"]) and row["field_hlc"] == _stored(
        server, "person", ins["row_id"]
    )


def test_tables_carry_the_rows_and_stamps_of_protocol_2(server: LiveServer) -> None:
    """Protocol 3 read back row by row (jsxcore.wire.table_rows) is exactly
    the protocol 2 page: data, deleted, seq, row stamp and exceptions,
    updated_*, scope exits; in pages of every size (rows and exits cut at
    the same places)."""
    town, other = server.fresh_township(), server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    h = _history(dev, town.village)
    plain, edited, gone, moved = (h[k] for k in ("plain", "edited", "gone", "moved"))
    _move_out(server, moved, other.villages[0])
    after = dev.insert("person", town.village, **person("周九"))
    dev.push(after)

    for limit in (1000, 2, 1):
        cursor, v2_rows, v3_rows = 0, [], []
        while True:
            params = {"cursor": cursor, "limit": limit}
            v2 = _get(dev, "2", params).json()
            raw = _get(dev, "3", params)
            v3 = raw.json()
            PullResponse.model_validate(v2)
            assert set(v3) == {"tables", "exits", "cursor", "more", "server_seq"}
            assert (v3["cursor"], v3["more"], v3["server_seq"]) == (
                v2["cursor"],
                v2["more"],
                v2["server_seq"],
            )
            # The tail the client's prefetch peeks at: after every array.
            assert raw.content.rsplit(b"]", 1)[1].startswith(b',"cursor":')
            v2_rows += v2["rows"]
            v3_rows += table_rows(v3)
            cursor = v2["cursor"]
            if not v2["more"]:
                break
        assert v3_rows == v2_rows
        assert {r["id"] for r in v3_rows} >= {plain["row_id"], moved["row_id"], after["row_id"]}

    whole = _get(dev, "3", {"cursor": 0, "limit": 1000}).json()
    (table,) = [t for t in whole["tables"] if t["entity"] == "person"]
    cols = table["columns"]
    assert set(cols) == set(ENTITIES["person"].data_fields)
    assert all(len(r) == 1 + len(cols) + TABLE_TAIL for r in table["rows"])
    by_id = {r[0]: r for r in table["rows"]}
    # The row stamp after the values; exceptions only for the edited rows.
    assert by_id[plain["row_id"]][len(cols) + 1] == plain["hlc"]
    assert set(table["stamps"]) == {edited["row_id"], gone["row_id"]}
    assert whole["exits"] == [["person", moved["row_id"], whole["exits"][0][2]]]
    for row_id in (plain["row_id"], edited["row_id"], gone["row_id"]):
        r = by_id[row_id]
        data = dict(zip(cols, r[1 : 1 + len(cols)], strict=True))
        stamps = expand_stamps(r[len(cols) + 1], table["stamps"].get(row_id, {}), data)
        assert stamps == _stored(server, "person", row_id)


def _get(dev: Device, protocol: str, params: dict[str, int]) -> requests.Response:
    r = dev.http.get(
        dev.server.url("/pull"), params=params, headers={PROTOCOL_HEADER: protocol}, timeout=60
    )
    assert r.status_code == 200, r.text
    return r
