"""Open field conflicts and the worker's decision on each.

A conflict already has a winner (the newer edit, or the edit over a delete),
and the record holds the winner's value. The worker confirms it or flips it;
a flip is an ordinary edit through the journaled write path, so it syncs to
every device like any other change.
"""

from __future__ import annotations

from typing import Any

from jsxclient.store import journal as jr
from jsxclient.store.journal import Conflict
from jsxclient.store.store import RecordNotFound, Store
from jsxcore.merge import same

Choice = jr.Side


class ConflictGone(LookupError):
    """The conflict does not exist or was already resolved."""


def open_conflicts(
    store: Store, entity: str | None = None, row_id: str | None = None
) -> list[Conflict]:
    return jr.open_conflicts(store.db.connection(), entity, row_id)


def resolve(store: Store, conflict_id: int, choose: Choice) -> dict[str, Any]:
    """Keep `choose`'s value. Returns the fields that changed (empty when the
    record already holds it). Raises `ValidationFailed` if the chosen value is
    no longer valid (e.g. it links to a record deleted since) and
    `RecordNotFound` if the record is gone or deleted."""
    if choose not in ("mine", "theirs"):
        raise ValueError(f"choose must be 'mine' or 'theirs', not {choose!r}")
    with store.transaction() as tx:
        c = jr.open_conflict(tx.conn, conflict_id)
        if c is None:
            raise ConflictGone(conflict_id)
        value = c.mine if choose == "mine" else c.theirs
        row = tx.get(c.entity, c.row_id)
        if row is None:
            raise RecordNotFound(f"{c.entity} {c.row_id}")
        changed: dict[str, Any] = {}
        if c.field == "deleted":
            if value and not row["deleted"]:
                tx.delete(c.entity, c.row_id)
                changed = {"deleted": True}
            elif not value and row["deleted"]:
                # Bringing a row back is not an edit the protocol carries.
                raise RecordNotFound(f"{c.entity} {c.row_id} was deleted since")
        elif not same(row.get(c.field), value):
            changed = tx.update(c.entity, c.row_id, {c.field: value})
        jr.resolve_conflict(tx.conn, conflict_id, choose)
        jr.refresh_sync_state(tx.conn, [(c.entity, c.row_id)])
        return changed
