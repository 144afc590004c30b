"""A device back after longer than the server keeps history: its pull is
answered 410 sync.cursor_expired, it downloads its area again, and an edit
still waiting to be pushed is neither lost nor overwritten. (A module of its
own: retention moves the horizon of the whole server.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jsxclient.sync.engine import SyncEngine, SyncProgress
from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.models import utcnow
from jsxserver.services import retention
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import ServerProcess, person


def test_expired_cursor_bootstraps_again_and_keeps_pending_edits(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        p1 = tx.insert("person", person(villages[0], "李梅", sex="2"))
    a.sync()
    b.sync()
    assert b.get("person", p1) is not None

    with a.store.transaction() as tx:
        p3 = tx.insert("person", person(villages[0], "赵强"))
        tx.update("person", p1, {"mobile": "13912345678"})
    a.sync()
    # Months pass; the server's retention removes the history b would need.
    assert server.db is not None
    with server.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE change_log SET received_at = ?", (utcnow() - timedelta(days=500),)
        )
    result = retention.run(server.db, Settings(database_url=server.database_url))
    assert result.horizon > int(b.store.meta("sync_cursor") or 0) > 0

    # b edits p1 while its sync is under way (after the push stage started),
    # so the edit is still pending when the pull is refused.
    edited: list[bool] = []

    def progress(p: SyncProgress) -> None:
        if p.stage == "push" and not edited:
            with b.store.transaction() as tx:
                tx.update("person", p1, {"address": "清水塘路8号"})
            edited.append(True)

    receipt = SyncEngine(b.store, b.transport).run(progress=progress)
    assert edited and receipt.outcome == "ok"
    row = b.get("person", p1)
    assert row is not None
    # Their edit arrived with the new download, ours was kept and then sent.
    assert (row["mobile"], row["address"]) == ("13912345678", "清水塘路8号")
    assert b.get("person", p3) is not None
    assert b.pending() == 0
    on_server = server.records(township)[("person", p1)]
    assert on_server["address"] == "清水塘路8号"
    with server.db.engine.connect() as conn:
        assert int(b.store.meta("sync_cursor") or 0) >= seqs.horizon(conn)
    again: Any = b.sync()
    assert (again.sent, again.received) == (0, 0)
