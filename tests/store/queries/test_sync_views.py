"""Where sync stands, and the records with open conflicts named for the worker."""

from __future__ import annotations

from jsxclient.store import journal as jr
from jsxclient.store.queries.sync_views import conflict_group, open_conflicts, sync_summary
from jsxclient.store.store import Store

from ...conftest import VILLAGE
from .builders import conn, family


def test_summary_counts_records_with_conflicts_and_the_last_run(store: Store) -> None:
    s = sync_summary(conn(store))
    assert (s.last_sync, s.last_outcome, s.open_conflicts, s.rejected) == (None, None, 0, 0)
    fid = family(store)
    with store.transaction() as tx:
        pid = tx.insert("person", dict(name="张三", sex="1", division_code=VILLAGE))
        for f in ("name", "mobile"):
            jr.record_conflict(tx.conn, ("person", pid), f, None, "1", "2", "mine", "1", "2", None)
        jr.record_conflict(
            tx.conn, ("specialfamily", fid), "category", None, "a", "b", "theirs", "1", "2", None
        )
        running = jr.start_receipt(tx.conn, "2025-03-01 09:00:00.000000")
    s = sync_summary(conn(store))
    assert s.open_conflicts == 2  # two records, three fields
    assert (s.last_sync, s.last_outcome) == ("2025-03-01 09:00:00.000000", "running")
    assert s.pending == store.pending_count()
    r = jr.SyncReceipt(running, "2025-03-01 09:00:00.000000", "2025-03-01 09:00:05.000000")
    r.outcome = "offline"
    jr.save_receipt(conn(store), r)
    s = sync_summary(conn(store))
    assert (s.last_sync, s.last_outcome) == ("2025-03-01 09:00:05.000000", "offline")

    groups = open_conflicts(conn(store))
    assert [(g.entity, g.label, [f.field for f in g.fields]) for g in groups] == [
        ("person", "张三", ["name", "mobile"]),
        ("specialfamily", "邓淑兰", ["category"]),
    ]
    g = conflict_group(conn(store), "person", pid)
    assert g is not None and g.fields[0].mine == "1" and g.fields[0].winner == "mine"
    assert conflict_group(conn(store), "person", fid) is None
