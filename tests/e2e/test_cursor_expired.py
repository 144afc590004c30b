"""A device back after longer than the server keeps history: its pull is
answered 410 sync.cursor_expired, it downloads its area again, and an edit
still waiting to be pushed is neither lost nor overwritten. (A module of its
own: retention moves the horizon of the whole server.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jsxclient.sync.engine import SyncEngine, SyncProgress
from jsxcore.entities import ENTITIES
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


def test_download_again_forgets_rows_whose_tombstones_are_gone(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """A row deleted on another device whose tombstone the server's retention
    removed is not in the download again: it goes from this device too. A row
    of this device's own (which a pull would skip as echo) stays, and so does
    one with an edit of this device's not yet accepted, which is reported."""
    township, villages = server.fresh_township()
    user = server.make_user(township)
    a, b = make_device(user), make_device(user)
    with a.store.transaction() as tx:
        keep = tx.insert("person", person(villages[0], "李梅", sex="2"))
        gone = tx.insert("person", person(villages[0], "王刚"))
        edited = tx.insert("person", person(villages[1], "赵强"))
    a.sync()
    with b.store.transaction() as tx:
        own = tx.insert("person", person(villages[1], "孙丽", sex="2"))
    b.sync()
    assert b.get("person", gone) is not None and b.get("person", edited) is not None

    # a deletes two of them; b, away, never hears of it.
    with a.store.transaction() as tx:
        tx.delete("person", gone)
        tx.delete("person", edited)
    a.sync()
    assert server.db is not None
    with server.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE change_log SET received_at = ?", (utcnow() - timedelta(days=500),)
        )
    result = retention.run(server.db, Settings(database_url=server.database_url))
    assert result.tombstones >= 2
    assert ("person", gone) not in server.records(township)

    # b edits one of the deleted rows while its sync is under way: pending
    # when the download again ends.
    edits: list[bool] = []

    def progress(p: SyncProgress) -> None:
        if p.stage == "push" and not edits:
            with b.store.transaction() as tx:
                tx.update("person", edited, {"address": "清水塘路8号"})
            edits.append(True)

    SyncEngine(b.store, b.transport).run(progress=progress)
    assert edits
    assert b.get("person", gone) is None  # forgotten
    assert b.get("person", keep) is not None
    assert b.get("person", own) is not None  # its own insert came too
    row = b.get("person", edited)
    assert row is not None and row["address"] == "清水塘路8号"  # kept with the edit
    entries = b.journal(f"row_id='{edited}' AND state IN ('pending','rejected')")
    assert [e["fields"] for e in entries] == [{"address": "清水塘路8号"}]
    # The server has no such row: it refuses the edit, which waits for the
    # worker with the server's reason, and the download again reported it.
    assert [e["reason"] and "record.not_found" in e["reason"] for e in entries] == [True]
    conn = b.store.db.connection()
    (detail,) = conn.execute(
        "SELECT detail FROM audit WHERE action='sync' AND object='re-download'"
    ).fetchone()
    assert "removed 1 " in detail and "kept 1 " in detail and edited in detail
    for name in ENTITIES:
        assert conn.execute(f"SELECT count(*) FROM {name} WHERE server_seq<0").fetchone() == (0,)
    assert b.store.meta("sync_bootstrap") is None
    # The device and the server agree on every row but the refused one.
    mine = {k for k in b.rows() if k != ("person", edited)}
    assert mine == set(server.records(township))
