"""The security part of a sync, after the data: the audit log's new entries
go to the server, and the store's data key is escrowed once, each only when
the server lists the feature in `/version` (older servers do not; nothing is
sent then and the entries wait on the device).

`POST /api/v1/audit` (AuditPushRequest → AuditPushResponse); the escrow is
`jsxclient.sync.account.escrow_key` (`PUT /api/v1/keys/escrow`, the data key
sealed to the township's escrow key). The messages are in `jsxcore.protocol`.
"""

from __future__ import annotations

import contextlib
from datetime import date

from jsxclient.store.store import Store
from jsxclient.sync import account
from jsxclient.sync.errors import SyncError
from jsxclient.sync.transport import Transport
from jsxcore.protocol import (
    FEATURE_AUDIT,
    MAX_AUDIT_ENTRIES,
    AuditEntryWire,
    AuditPushRequest,
    AuditPushResponse,
)

SENT_THROUGH = "audit_sent_through"


def features(transport: Transport) -> list[str]:
    """The server's optional features, asked once per transport (one request
    per sync would cost every device at day's end)."""
    if transport.server_features is None:
        try:
            transport.server_features = list(transport.version().features)
        except SyncError:
            return []
    return transport.server_features


def push_audit(store: Store, transport: Transport, feats: list[str]) -> int:
    """Send the entries the server does not have yet; returns how many."""
    if FEATURE_AUDIT not in feats:
        return 0
    conn = store.db.connection()
    sent = 0
    while True:
        after = int(store.meta(SENT_THROUGH) or 0)
        batch = conn.execute(
            "SELECT id, at, user, device, action, object, result, detail, prev_hash, hash "
            "FROM audit "
            "WHERE id > ? ORDER BY id LIMIT ?",
            (after, MAX_AUDIT_ENTRIES),
        ).fetchall()
        if not batch:
            return sent
        req = AuditPushRequest(
            device=store.device_id,
            entries=[
                AuditEntryWire(
                    id=r[0],
                    at=r[1],
                    user=r[2],
                    device=r[3],
                    action=r[4],
                    object=r[5],
                    result=r[6],
                    detail=r[7],
                    prev_hash=r[8],
                    hash=r[9],
                )
                for r in batch
            ],
        )
        resp = transport.call("POST", "/audit", AuditPushResponse, body=req)
        with store.transaction() as tx:
            store.set_meta(SENT_THROUGH, str(max(resp.stored_through, after)), tx.conn)
        sent += len(batch)
        if resp.stored_through < batch[-1][0]:
            return sent  # the server kept fewer: try the rest next time


def after_sync(store: Store, transport: Transport) -> None:
    """Best effort: a failure here never fails the sync of the data."""
    feats = features(transport)
    if not feats:
        return
    with contextlib.suppress(SyncError):
        push_audit(store, transport, feats)
    # The township's escrow key is asked once a day: the administrator may
    # have made one (or a new one) since.
    today = date.today().isoformat()
    if store.meta(account.ESCROW_CHECKED) != today:
        with contextlib.suppress(SyncError):
            account.escrow_key(store, transport, feats)
            with store.transaction() as tx:
                store.set_meta(account.ESCROW_CHECKED, today, tx.conn)
