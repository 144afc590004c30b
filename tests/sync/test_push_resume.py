"""A push interrupted at each point resends the same batch, and the server's
answer is applied exactly once."""

from __future__ import annotations

import pytest
import requests

from jsxclient.sync.errors import OfflineError
from jsxclient.sync.transport import FaultPoint
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import ServerProcess, person


class DropOnce:
    def __init__(self, phase: str, path: str) -> None:
        self.phase, self.path, self.fired = phase, path, 0

    def __call__(self, p: FaultPoint) -> None:
        if not self.fired and p.phase == self.phase and p.path == self.path:
            self.fired += 1
            raise requests.ConnectionError("dropped")


@pytest.mark.parametrize("phase", ["before_send", "after_response"])
def test_interrupted_push_resends_the_same_batch(
    server: ServerProcess, make_device: MakeDevice, phase: str
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "林一"))
    a.sync()
    b.sync()
    with a.store.transaction() as tx:
        tx.update("person", pid, {"address": "甲地"})
    with b.store.transaction() as tx:
        tx.update("person", pid, {"address": "乙地"})
    b.sync()
    a.transport.retries = 0
    a.transport.fault = DropOnce(phase, "/push")
    with pytest.raises(OfflineError):
        a.sync()
    [entry] = a.journal("state='pending'")
    assert entry["batch_id"], "the batch id is kept for the resend"
    logged = server.change_log_ids()
    assert (entry["change_id"] in logged) == (phase == "after_response")
    r = a.sync()
    assert r.outcome == "ok" and r.sent == 1
    [again] = a.journal(f"change_id='{entry['change_id']}'")
    assert again["batch_id"] == entry["batch_id"] and again["state"] == "acked"
    assert server.change_log_ids().count(entry["change_id"]) == 1
    # The conflict of that change is recorded once, not once per delivery.
    assert len(a.conflicts()) == 1
    assert a.rows() == server.records(township)
