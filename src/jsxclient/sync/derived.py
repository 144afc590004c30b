"""Stores made before derived rows stopped being journaled: their `init`
journaled the township's association rows as inserts. Pushed as they are,
such an insert meets the server's row of the same id with no base and,
stamped newer, reverts every edit workers have synced since.

Before a push, each such insert still unsent becomes what it really is: no
change at all (closed as `derived`, never sent), or, when edits were folded
into it, an update of just those fields based on the derived values.
"""

from __future__ import annotations

from jsxclient.store import journal as jr
from jsxclient.store.reference import township_associations
from jsxclient.store.store import Store
from jsxcore.divisions import is_derived_row
from jsxcore.entities import ENTITIES
from jsxcore.merge import WRITE_ONCE, same

ENTITY = "association"


def settle_derived_inserts(store: Store) -> int:
    """Rewrite the unsent inserts of derived rows; returns how many."""
    conn = store.db.connection()
    township = store.township_code
    if not township:
        return 0
    entries = [
        e
        for e in jr.unsent_inserts(conn, ENTITY)
        if is_derived_row(e.entity, e.row_id, e.fields.get("division_code"))
    ]
    if not entries:
        return 0
    derived = {str(v["id"]): v for v in township_associations(conn, township)}
    defaults = ENTITIES[ENTITY].defaults()
    settled = 0
    with store.transaction() as tx:
        for e in entries:
            tree = derived.get(e.row_id)
            if tree is None:
                continue  # not this township's tree: leave it to the server
            base = {**defaults, **{k: v for k, v in tree.items() if k != "id"}, "deleted": False}
            changed = {
                f: v
                for f, v in e.fields.items()
                if f not in WRITE_ONCE and f != "deleted" and not same(v, base.get(f))
            }
            if changed:
                e.fields = changed
                e.old = {f: base.get(f) for f in changed}
                jr.rewrite_as_update(tx.conn, e)
            else:
                jr.close_entry(tx.conn, e, jr.DERIVED)
            jr.refresh_sync_state(tx.conn, [e.key])
            settled += 1
    return settled
