"""Changes the server refused, kept here with its reason until the worker
fixes and resends them (or gives them up).

The record still shows the refused value, so the worker sees what was
refused and why. Fixing is an ordinary edit (a new journal entry); `resend`
then folds that fix into the refused change, so the server receives one
clean edit of what it holds instead of the bad value followed by the fix.
"""

from __future__ import annotations

import sqlite3

from jsxclient.store import journal as jr
from jsxclient.store.journal import RejectedChange
from jsxclient.store.store import Store
from jsxclient.sync import rows
from jsxcore.entities import ENTITIES
from jsxcore.models import new_id


def list_rejected(
    store: Store, entity: str | None = None, row_id: str | None = None
) -> list[RejectedChange]:
    return jr.rejected_changes(store.db.connection(), entity, row_id)


def resend(store: Store, seq: int) -> bool:
    """Queue a refused change again, with later unsent edits of the same
    fields folded into it. Returns False if `seq` is not a refused change.

    It goes out under a new change id: the server answered the old one (it
    applied nothing of it), and would answer it the same way again."""
    with store.transaction() as tx:
        e = jr.rejected_entry(tx.conn, seq)
        if e is None:
            return False
        later = [
            x
            for x in jr.open_entries(tx.conn, e.key)
            if x.seq > e.seq and x.state == "pending" and x.batch_id is None
        ]
        for x in later:
            if x.op == "delete":
                break
            fold = [f for f in x.fields if e.op == "insert" or f in e.fields]
            for f in fold:
                e.fields[f] = x.fields.pop(f)
                x.old.pop(f, None)
                e.hlc = max(e.hlc, x.hlc)
            if fold:
                jr.save_entry(tx.conn, x)
        jr.requeue(tx.conn, e, new_id())
        jr.refresh_sync_state(tx.conn, [e.key])
        return True


def resend_all(store: Store) -> int:
    return sum(resend(store, r.seq) for r in list_rejected(store))


def discard(store: Store, seq: int) -> bool:
    """Give up a refused change: the record goes back to what the server
    holds (the change's base), and the change is closed as discarded. A
    refused insert takes the record and its other unsent changes with it."""
    with store.transaction() as tx:
        e = jr.rejected_entry(tx.conn, seq)
        if e is None:
            return False
        es = ENTITIES[e.entity]
        others = [x for x in jr.open_entries(tx.conn, e.key) if x.seq != e.seq]
        if e.op == "insert":
            for x in [e, *others]:
                if x.batch_id is None or x.state == "rejected":
                    jr.close_entry(tx.conn, x, jr.DISCARDED)
            if not jr.open_entries(tx.conn, e.key):
                jr.hard_delete(tx.conn, e.entity, e.row_id)
            return True
        current = rows.get_row(tx.conn, es, e.row_id)
        if current is not None:
            if e.op == "delete":
                rows.set_deleted(tx.conn, e.entity, e.row_id, False)
            else:
                later = {f for x in others if x.seq > e.seq for f in x.fields}
                restore = {f: v for f, v in e.old.items() if f in e.fields and f not in later}
                rows.set_fields(tx.conn, es, e.row_id, restore, current)
                # A later unsent edit of the field was based on the refused
                # value; base it on what the server holds instead.
                todo = {f for f in e.fields if f in e.old}
                for x in others:
                    if x.seq < e.seq:
                        continue
                    moved = [f for f in x.old if f in todo]
                    todo.difference_update(moved)
                    if moved and x.batch_id is None:
                        for f in moved:
                            x.old[f] = e.old[f]
                        jr.save_entry(tx.conn, x)
        jr.close_entry(tx.conn, e, jr.DISCARDED)
        _settle_kept_delete(tx.conn, e.key)
        jr.refresh_sync_state(tx.conn, [e.key])
        jr.evict_ready(tx.conn)  # a row that left the scope waited only for this
        return True


def _settle_kept_delete(conn: sqlite3.Connection, key: jr.Key) -> None:
    """A pull met the refused edit with the server's delete of the row, and
    the edit kept the row here (an edit beats a delete). With the edit given
    up and nothing else of the row to send, the server's delete stands."""
    if jr.open_entries(conn, key):
        return
    kept = [
        c
        for c in jr.open_conflicts(conn, *key)
        if c.field == "deleted" and c.theirs is True and c.winner == "mine"
    ]
    if not kept:
        return
    rows.set_deleted(conn, key[0], key[1], True)
    for c in kept:
        jr.resolve_conflict(conn, c.id, "theirs")
