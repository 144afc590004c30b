"""Page rows as the pull writes them: keys a row leaves out take PulledRow's
defaults, a data field left out takes the column's default, the row's
`deleted` wins over the one in its data, rows of an entity this version does
not know are passed over. Served by a scripted server on 127.0.0.1 (the real
server always sends every key), into a real store file, by a pull and by a
bootstrap (whose rows take a leaner path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jsxclient.store.store import Store
from jsxclient.sync.bootstrap import bootstrap
from jsxclient.sync.pull import pull
from jsxclient.sync.transport import Transport
from jsxcore.entities import ENTITIES
from tests.sync.fake_server import Reply, Seen, fake_server

VILLAGE = "430102001001"
FULL = "1" * 32
BARE = "2" * 32
PARTIAL = "3" * 32
STAMP = "1796081165023-00001-abcdef0123456789"


def _person(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "deleted": False,
        "id_number": None,
        "sex": "1",
        "birth_date": None,
        "ethnicity": "02",
        "education": None,
        "political": None,
        "marital": None,
        "mobile": None,
        "address": None,
        "division_code": VILLAGE,
        "created_at": "2026-01-02 03:04:05.000000",
        "name": name,
        **extra,
    }


PAGE = {
    "rows": [
        {
            "entity": "person",
            "id": FULL,
            "seq": 1,
            "in_scope": True,
            "deleted": True,
            "data": _person("曾春燕", mobile="13800000000"),
            "hlc": STAMP,
            "field_hlc": {},
            "updated_at": "2026-01-02 03:04:06.000000",
            "updated_device": "dev1",
            "updated_user": "u1",
        },
        # Only what PulledRow requires, and the data.
        {"entity": "person", "id": BARE, "seq": 2, "data": _person("李四")},
        {"entity": "future_thing", "id": "4" * 32, "seq": 3, "data": {"x": 1}},
        # A data field left out (ethnicity): the column's default.
        {
            "entity": "person",
            "id": PARTIAL,
            "seq": 4,
            "data": {k: v for k, v in _person("王五").items() if k != "ethnicity"},
        },
    ],
    "cursor": 4,
    "more": False,
    "server_seq": 4,
}


def _serve(req: Seen) -> Reply:
    return Reply(200, json.dumps(PAGE, ensure_ascii=False).encode())


@pytest.mark.parametrize("how", ["pull", "bootstrap"])
def test_rows_leaving_out_keys_take_the_defaults(tmp_path: Path, how: str) -> None:
    store = Store.open(tmp_path / "s.db")
    try:
        with fake_server(_serve) as (url, _seen):
            transport = Transport(url, "tok", retries=0)
            stats = pull(store, transport) if how == "pull" else bootstrap(store, transport)
        assert stats.received == 3
        conn = store.db.connection()
        got = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT id, name, deleted, mobile, ethnicity, search_key, updated_device,"
                " updated_user, server_seq, sync_state, updated_at FROM person"
            )
        }
        assert got[FULL][:9] == (
            "曾春燕",
            1,
            "13800000000",
            "02",
            "zengchunyan zcy cengchunyan ccy",
            "dev1",
            "u1",
            1,
            "synced",
        )
        assert got[FULL][9] == "2026-01-02 03:04:06.000000"
        assert got[BARE][:9] == ("李四", 0, None, "02", "lisi ls", "", "", 2, "synced")
        assert got[BARE][9]  # the time of the pull
        # Ethnicity left out: the field's default, not another row's value.
        assert got[PARTIAL][3] == ENTITIES["person"].defaults()["ethnicity"] != "02"
        assert store.meta("sync_cursor") == "4"
        # The person search index holds them (a bootstrap builds it at its end).
        found = {
            r[0] for r in conn.execute("SELECT person_id FROM person_search WHERE text LIKE '%li%'")
        }
        assert found == {BARE}
    finally:
        store.close()
