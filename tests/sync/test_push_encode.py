"""A batch's changes are checked against the protocol before they are sent
(`jsxclient.sync.push`): a quick check built from `Change`'s constraints,
and the model itself for what the quick check refuses."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from jsxclient.store import journal as jr
from jsxclient.sync import rejected
from jsxclient.sync.push import _FITS
from jsxcore.protocol import Change
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import ServerProcess, person

GOOD: dict[str, Any] = {
    "change_id": "a" * 32,
    "entity": "person",
    "row_id": "B-c_0123",
    "op": "update",
    "fields": {"name": "王一", "n": 1},
    "old": {},
    "hlc": "0001733000000000-00000-dev",
    "device": "dev",
    "user": "",
}

BAD: list[dict[str, Any]] = [
    {"change_id": "a" * 7},  # too short
    {"change_id": "a" * 65},  # too long
    {"row_id": "abcdefg!"},  # outside the pattern
    {"row_id": "abcdefgh\n"},  # `$` would let the newline through
    {"entity": "e" * 33},
    {"op": "upsert"},
    {"op": None},
    {"fields": [1]},
    {"fields": None},
    {"old": {1: "x"}},
    {"hlc": "h" * 97},
    {"device": "d" * 65},
    {"user": 7},
    {"extra": 1},
]


def _model_takes(change: dict[str, Any]) -> bool:
    try:
        Change.model_validate(change)
    except ValidationError:
        return False
    return True


def test_the_quick_check_takes_a_good_change_and_is_as_strict_as_the_model() -> None:
    assert _FITS(GOOD) and _model_takes(GOOD)
    for bad in BAD:
        change = {**GOOD, **bad}
        assert not _FITS(change), bad
        assert not _model_takes(change), bad
    for name in GOOD:
        assert not _FITS({k: v for k, v in GOOD.items() if k != name}), name
    edge = {**GOOD, "change_id": "a" * 64, "row_id": "a" * 8, "entity": "e" * 32, "hlc": "h" * 96}
    assert _FITS(edge) and _model_takes(edge)


@pytest.mark.parametrize("damage", ["fields='[1]'", "row_id='x!'", "hlc=printf('%.100c', 'h')"])
def test_a_damaged_entry_is_refused_here_and_the_rest_of_its_batch_is_sent(
    server: ServerProcess, make_device: MakeDevice, damage: str
) -> None:
    township, villages = server.fresh_township()
    d = make_device(server.make_user(township))
    d.sync()
    with d.store.transaction() as tx:
        ids = [tx.insert("person", person(villages[0], f"王{i}")) for i in range(3)]
    conn = d.store.db.connection()
    [seq] = [s for (s,) in conn.execute("SELECT seq FROM journal WHERE row_id=?", (ids[1],))]
    with d.store.transaction() as tx:
        tx.conn.execute(f"UPDATE journal SET {damage} WHERE seq=?", (seq,))
    d.sync()
    [refused] = rejected.list_rejected(d.store)
    assert refused.seq == seq and refused.code == "client.invalid"
    truth = server.records(township)
    assert ("person", ids[0]) in truth and ("person", ids[2]) in truth
    assert ("person", ids[1]) not in truth
    assert jr.pending_count(conn) == 0
