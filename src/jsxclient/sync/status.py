"""Status stage: what is waiting to sync, read in one snapshot.

Read-only and cheap (indexed counts), so the UI can call it on every refresh;
it never takes the write lock, so it never waits for a running sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jsxclient.store import journal
from jsxclient.store.journal import SyncReceipt
from jsxclient.store.store import Store
from jsxcore.entities import ENTITIES


@dataclass(frozen=True)
class SyncStatus:
    pending_changes: dict[str, int] = field(default_factory=dict)  # entity -> journal entries
    rows_by_state: dict[str, dict[str, int]] = field(default_factory=dict)  # not 'synced'
    rejected: int = 0
    in_flight: int = 0  # entries sent in a batch whose reply never came
    cursor: int = 0
    server_seq: int = 0
    last_sync: str | None = None
    last_outcome: str | None = None
    last_receipt: SyncReceipt | None = None
    server_url: str | None = None
    username: str | None = None
    township_code: str | None = None

    @property
    def pending_total(self) -> int:
        return sum(self.pending_changes.values())

    @property
    def connected(self) -> bool:
        return bool(self.server_url)

    @property
    def first_sync(self) -> bool:
        return self.cursor == 0


def status(store: Store) -> SyncStatus:
    with store.reading() as conn:
        pending = journal.pending_by_entity(conn)
        rejected = journal.rejected_count(conn)
        in_flight = journal.in_flight_count(conn)
        by_state: dict[str, dict[str, int]] = {}
        for name in ENTITIES:
            counts = dict(
                conn.execute(
                    f"SELECT sync_state, count(*) FROM {name} WHERE sync_state != 'synced' "
                    "GROUP BY sync_state"
                )
            )
            if counts:
                by_state[name] = counts
        meta = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('sync_cursor', 'server_seq', "
                "'last_sync', 'last_sync_outcome', 'server_url', 'sync_user', 'township_code')"
            )
        )
        receipt = journal.last_receipt(conn)
    return SyncStatus(
        pending_changes=pending,
        rows_by_state=by_state,
        rejected=rejected,
        in_flight=in_flight,
        cursor=int(meta.get("sync_cursor") or 0),
        server_seq=int(meta.get("server_seq") or 0),
        last_sync=meta.get("last_sync"),
        last_outcome=meta.get("last_sync_outcome"),
        last_receipt=receipt,
        server_url=meta.get("server_url"),
        username=meta.get("sync_user"),
        township_code=meta.get("township_code"),
    )
