"""The desktop's adapter over the sync engine (`jsxclient.sync`): connect,
run, status, conflicts and refused changes. Every function runs on a worker
thread; the sync engine opens that thread's own connection."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jsxclient.store import journal
from jsxclient.store.journal import RejectedChange, SyncReceipt
from jsxclient.store.queries import sync_views
from jsxclient.ui.tasks import Job

if TYPE_CHECKING:  # the sync engine (requests, protocol models) loads on first use
    from jsxclient.store.store import Store
    from jsxclient.sync.engine import SyncProgress
    from jsxcore.protocol import UserInfo


@dataclass(frozen=True)
class SyncView:
    """What the status bar and the sync page show."""

    connected: bool
    server_url: str | None
    username: str | None
    pending: int
    rejected: int
    conflicts: int
    last_sync: str | None
    last_outcome: str | None
    update_version: str | None = None  # a newer release the server told us about
    update_url: str | None = None


def view(store: Store) -> SyncView:
    """The cheap part of the engine's status (its per-entity row counts take
    a second at 100,000 members, and the status bar asks after every save)."""
    from jsxclient.sync import account
    from jsxclient.sync.handshake import known_update

    conn = store.db.connection()
    summary = sync_views.sync_summary(conn)
    notice = known_update(store)
    meta = dict(
        conn.execute(
            "SELECT key, value FROM meta WHERE key IN "
            "('server_url', 'sync_user', 'last_sync', 'last_sync_outcome')"
        ).fetchall()
    )
    return SyncView(
        connected=bool(meta.get("server_url")) and account.TokenStore(store).get() is not None,
        server_url=meta.get("server_url"),
        username=meta.get("sync_user"),
        pending=summary.pending,
        rejected=summary.rejected,
        conflicts=summary.open_conflicts,
        last_sync=meta.get("last_sync") or summary.last_sync,
        last_outcome=meta.get("last_sync_outcome") or summary.last_outcome,
        update_version=notice.version if notice else None,
        update_url=notice.download_url if notice else None,
    )


def connect(
    store: Store, server_url: str, username: str, password: str, ca_bundle: str | None = None
) -> UserInfo:
    from jsxclient.sync import account

    user = account.connect(
        store, server_url, username, password, socket.gethostname(), ca_bundle=ca_bundle
    )
    return user


def disconnect(store: Store) -> None:
    from jsxclient.sync import account

    account.disconnect(store)


def run(store: Store, job: Job, lang: str) -> SyncReceipt:
    """One sync with progress in `job`; cancel is checked between batches."""
    from jsxclient.sync import account
    from jsxclient.sync.engine import SyncEngine

    def progress(p: SyncProgress) -> None:
        job.progress(p.done, p.total, p.en if lang == "en" else p.zh)

    with account.make_transport(store) as transport:
        return SyncEngine(store, transport).run(progress, job._cancel)


def reachable(store: Store) -> bool:
    """Whether the server answers (False when not connected)."""
    from jsxclient.sync import account
    from jsxclient.sync.errors import NotConnectedError

    try:
        transport = account.make_transport(store)
    except NotConnectedError:
        return False
    with transport:
        return bool(transport.health())


def open_conflicts(store: Store) -> list[sync_views.ConflictGroup]:
    return sync_views.open_conflicts(store.db.connection())


def conflict_group(store: Store, entity: str, row_id: str) -> sync_views.ConflictGroup | None:
    return sync_views.conflict_group(store.db.connection(), entity, row_id)


def resolve(store: Store, choices: dict[int, str]) -> dict[str, Any]:
    """Keep the chosen side of each field (conflict id -> "mine"/"theirs");
    a choice that differs from what the record holds becomes a new change."""
    from jsxclient.sync import conflicts

    changed: dict[str, Any] = {}
    for cid, choose in choices.items():
        changed.update(conflicts.resolve(store, cid, choose))  # type: ignore[arg-type]
    return changed


def list_rejected(store: Store) -> list[RejectedChange]:
    from jsxclient.sync import rejected

    return rejected.list_rejected(store)


def resend(store: Store, seq: int) -> bool:
    from jsxclient.sync import rejected

    return rejected.resend(store, seq)


def resend_all(store: Store) -> int:
    from jsxclient.sync import rejected

    return rejected.resend_all(store)


def discard(store: Store, seq: int) -> bool:
    from jsxclient.sync import rejected

    return rejected.discard(store, seq)


def receipts(store: Store) -> list[SyncReceipt]:
    return journal.receipts(store.db.connection(), 200)
