"""A server that answers garbage changes nothing here.

The device is connected to the real server and has synced data and unsent
changes; then its transport is pointed at a scripted server on 127.0.0.1
whose replies do not fit the protocol. Every record, journal entry,
conflict and the cursor must be exactly as before; afterwards the real
server takes everything as if nothing had happened."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from jsxclient.sync.engine import SyncEngine
from jsxclient.sync.errors import SyncBugError
from jsxclient.sync.transport import Transport
from jsxcore.entities import ENTITIES
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import Device, ServerProcess, person
from tests.sync.fake_server import Reply, Seen, fake_server


def _state(d: Device) -> dict[str, Any]:
    """Everything a reply could change. journal.batch_id is left out: it is
    written before sending, not from the reply."""
    conn: sqlite3.Connection = d.store.db.connection()
    out: dict[str, Any] = {}
    for name in ENTITIES:
        out[name] = conn.execute(f"SELECT * FROM {name} ORDER BY id").fetchall()
    out["journal"] = conn.execute(
        "SELECT seq, change_id, fields, old, hlc, state, result, reason, server_seq, acked_at "
        "FROM journal ORDER BY seq"
    ).fetchall()
    out["conflict"] = conn.execute("SELECT * FROM conflict ORDER BY id").fetchall()
    out["sync_evict"] = conn.execute("SELECT * FROM sync_evict").fetchall()
    out["meta"] = conn.execute(
        "SELECT key, value FROM meta WHERE key NOT IN ('last_sync_outcome', "
        "'last_sync_attempt') ORDER BY key"
    ).fetchall()
    return out


def _push_reply(transform: Callable[[dict[str, Any]], Any]) -> Callable[[Seen], Reply]:
    import gzip

    def script(req: Seen) -> Reply:
        if req.method == "POST":
            sent = json.loads(gzip.decompress(req.body))
            return Reply(200, json.dumps(transform(sent)).encode())
        return Reply(200, b'{"rows":[],"cursor":0,"more":false,"server_seq":0}')

    return script


def _pull_reply(body: bytes) -> Callable[[Seen], Reply]:
    def script(req: Seen) -> Reply:
        return Reply(200, body)

    return script


def _applied(sent: dict[str, Any]) -> dict[str, Any]:
    return {
        "batch_id": sent["batch_id"],
        "server_seq": 99,
        "results": [
            {"change_id": c["change_id"], "status": "applied", "seq": 99} for c in sent["changes"]
        ],
    }


BAD_REPLIES: dict[str, Callable[[Seen], Reply]] = {
    "push: not json": lambda req: Reply(200, b"\x00\x01garbage"),
    "push: html error page": lambda req: Reply(
        200, b"<html><body>502 gateway</body></html>", {"Content-Type": "text/html"}
    ),
    "push: truncated": _push_reply(lambda s: json.dumps(_applied(s))[:40]),
    "push: wrong batch": _push_reply(lambda s: {**_applied(s), "batch_id": "f" * 32}),
    "push: a result missing": _push_reply(lambda s: {**_applied(s), "results": []}),
    "push: unknown status": _push_reply(
        lambda s: {
            **_applied(s),
            "results": [
                {"change_id": c["change_id"], "status": "maybe", "seq": 1} for c in s["changes"]
            ],
        }
    ),
    "push: applied without seq": _push_reply(
        lambda s: {
            **_applied(s),
            "results": [{"change_id": c["change_id"], "status": "applied"} for c in s["changes"]],
        }
    ),
    "push: extra field": _push_reply(lambda s: {**_applied(s), "surprise": 1}),
}

BAD_PULLS: dict[str, bytes] = {
    "pull: garbage": b"][",
    "pull: row without id": json.dumps(
        {"rows": [{"entity": "person", "seq": 5}], "cursor": 5, "more": False, "server_seq": 5}
    ).encode(),
    "pull: in scope without data": json.dumps(
        {
            "rows": [{"entity": "person", "id": "a" * 32, "seq": 5, "in_scope": True}],
            "cursor": 5,
            "more": False,
            "server_seq": 5,
        }
    ).encode(),
    "pull: cursor going back": json.dumps(
        {"rows": [], "cursor": 0, "more": False, "server_seq": 0}
    ).encode(),
}


def _tables(**change: Any) -> bytes:
    """A protocol 3 page of one person row, with `change` applied: "row"
    edits the row array (index -> value, or "cut" to drop the last item),
    the other keys replace the table's or the page's."""
    cols = list(ENTITIES["person"].data_fields)
    values = {c: None for c in cols} | {"name": "某人", "sex": "1", "deleted": False}
    values |= {"division_code": "430105003001", "created_at": "2024-01-01 00:00:00.000000"}
    row: list[Any] = ["a" * 32, *(values[c] for c in cols)]
    row += ["1716945164120-00000-a1b2c3d4e5f60718", "2024-01-01 00:00:00.000000", "d", "u", 5]
    for i, v in change.pop("row", {}).items():
        row[i] = v
    if change.pop("cut", False):
        row.pop()
    table = {"entity": "person", "columns": cols, "rows": [row], "stamps": {}}
    table |= {k: change.pop(k) for k in list(change) if k in table}
    page = {"tables": [table], "exits": [], "cursor": 5, "more": False, "server_seq": 5}
    return json.dumps(page | change).encode()


# Protocol 3 pages (tables) that do not fit; the first one does.
BAD_TABLES: dict[str, bytes] = {
    "tables: a row one item short": _tables(cut=True),
    "tables: seq not a number": _tables(row={-1: "5"}),
    "tables: id not a string": _tables(row={0: 7}),
    "tables: a value SQLite cannot take": _tables(row={1: ["430105003001"]}),
    "tables: stamps of a row not in the table": _tables(stamps={"b" * 32: {"name": None}}),
    "tables: no deleted column": _tables(
        columns=[c for c in ENTITIES["person"].data_fields if c != "deleted"]
    ),
    "tables: an unknown key": _tables(surprise=1),
    "tables: an exit without its seq": _tables(exits=[["person", "a" * 32]]),
}
BAD_PULLS.update(BAD_TABLES)


@pytest.fixture
def loaded(server: ServerProcess, make_device: MakeDevice) -> tuple[Device, Device, str]:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "何二"))
    a.sync()
    b.sync()
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "远方"})
    b.sync()
    with a.store.transaction() as tx:  # unsent, and the server has B's edit to pull
        tx.update("person", pid, {"mobile": "13600000000"})
        tx.insert("person", person(villages[1], "何三"))
    return a, b, township


@pytest.mark.parametrize("case", list(BAD_REPLIES))
def test_bad_push_reply_changes_nothing(
    loaded: tuple[Device, Device, str], server: ServerProcess, case: str
) -> None:
    a, _, township = loaded
    before = _state(a)
    with fake_server(BAD_REPLIES[case]) as (url, seen), pytest.raises(SyncBugError) as err:
        SyncEngine(a.store, Transport(url, "tok", retries=0)).run()
    assert seen and seen[0].path == "/api/v1/push"
    assert err.value.receipt.outcome == "bug"
    assert _state(a) == before
    # The real server then takes the same batch (same batch_id) as usual.
    in_flight = {e["batch_id"] for e in a.journal("state='pending'")}
    assert len(in_flight) == 1 and None not in in_flight
    assert a.sync().outcome == "ok"
    assert a.rows() == server.records(township)


@pytest.mark.parametrize(
    ("case", "bulk"), [(c, False) for c in BAD_PULLS] + [(c, True) for c in BAD_TABLES]
)
def test_bad_pull_reply_changes_nothing(
    loaded: tuple[Device, Device, str], server: ServerProcess, case: str, bulk: bool
) -> None:
    a, b, township = loaded
    a.sync()
    # B changes something, so the real pull afterwards has work to do.
    pid = next(k[1] for k in b.rows() if k[0] == "person")
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "更远"})
    b.sync()
    before = _state(a)
    with fake_server(_pull_reply(BAD_PULLS[case])) as (url, _seen):
        from jsxclient.sync.pull import pull

        with pytest.raises(SyncBugError):
            pull(a.store, Transport(url, "tok", retries=0), bulk=bulk)
    assert _state(a) == before
    assert a.sync().outcome == "ok"
    assert a.rows() == server.records(township)


def test_the_page_of_tables_spoilt_above_is_taken_unspoilt() -> None:
    page = Transport.parse_page(_tables())
    assert "tables" in page and page["cursor"] == 5
