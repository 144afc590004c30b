"""Open field conflicts and the worker's decision on each.

A conflict already has a winner (the newer edit, or the edit over a delete),
and the record holds the winner's value. The worker confirms it or flips it;
a flip is an ordinary edit through the journaled write path, so it syncs to
every device like any other change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from jsxclient.store.store import RecordNotFound, Store, now_text
from jsxclient.sync import journal as jr
from jsxcore.merge import same

Choice = Literal["mine", "theirs"]


class ConflictGone(LookupError):
    """The conflict does not exist or was already resolved."""


@dataclass(frozen=True)
class Conflict:
    id: int
    entity: str
    row_id: str
    field: str
    base: Any
    mine: Any  # this device's value
    theirs: Any  # the other side's value
    winner: Choice
    mine_hlc: str | None
    theirs_hlc: str | None
    theirs_device: str | None
    created_at: str

    @property
    def kept(self) -> Any:
        return self.mine if self.winner == "mine" else self.theirs

    @property
    def lost(self) -> Any:
        return self.theirs if self.winner == "mine" else self.mine


_COLS = (
    "id, entity, row_id, field, base, mine, theirs, winner, mine_hlc, theirs_hlc, "
    "theirs_device, created_at"
)


def _load(v: str | None) -> Any:
    return None if v is None else json.loads(v)


def _conflict(r: tuple[Any, ...]) -> Conflict:
    return Conflict(
        r[0],
        r[1],
        r[2],
        r[3],
        _load(r[4]),
        _load(r[5]),
        _load(r[6]),
        r[7],
        r[8],
        r[9],
        r[10],
        r[11],
    )


def open_conflicts(
    store: Store, entity: str | None = None, row_id: str | None = None
) -> list[Conflict]:
    where, params = ["resolved_at IS NULL"], []
    if entity is not None:
        where.append("entity=?")
        params.append(entity)
    if row_id is not None:
        where.append("row_id=?")
        params.append(row_id)
    return [
        _conflict(r)
        for r in store.db.connection().execute(
            f"SELECT {_COLS} FROM conflict WHERE {' AND '.join(where)} ORDER BY id", params
        )
    ]


def resolve(store: Store, conflict_id: int, choose: Choice) -> dict[str, Any]:
    """Keep `choose`'s value. Returns the fields that changed (empty when the
    record already holds it). Raises `ValidationFailed` if the chosen value is
    no longer valid (e.g. it links to a record deleted since) and
    `RecordNotFound` if the record is gone or deleted."""
    if choose not in ("mine", "theirs"):
        raise ValueError(f"choose must be 'mine' or 'theirs', not {choose!r}")
    with store.transaction() as tx:
        r = tx.conn.execute(
            f"SELECT {_COLS} FROM conflict WHERE id=? AND resolved_at IS NULL", (conflict_id,)
        ).fetchone()
        if r is None:
            raise ConflictGone(conflict_id)
        c = _conflict(r)
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
        tx.conn.execute(
            "UPDATE conflict SET resolved_at=?, resolution=? WHERE id=?",
            (now_text(), choose, conflict_id),
        )
        jr.refresh_sync_state(tx.conn, [(c.entity, c.row_id)])
        return changed
