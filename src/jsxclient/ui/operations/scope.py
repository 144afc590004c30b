"""The desktop's adapter over `jsxclient.sync.scope`: a family moving to
another township. Every function runs on a worker thread: the network ones
on the `net` worker (they read the store's connection meta there, as the
sync does), the lookups on the `db` worker. The role is checked by
the client (`scope.require_transfer`), before any request; the server
checks again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from jsxclient.store.queries import pickers

if TYPE_CHECKING:
    from jsxclient.store.store import Store
    from jsxcore.protocol import TransferInfo


@dataclass(frozen=True)
class TransferLine:
    """One transfer as the dialog lists it."""

    id: int
    status: str  # pending / accepted / refused / cancelled
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    rows: int
    names: str  # the persons who move (while pending)
    requested_by: str
    requested_at: str
    decided_by: str
    note: str


@dataclass(frozen=True)
class Transfers:
    incoming: list[TransferLine]
    outgoing: list[TransferLine]


@dataclass(frozen=True)
class Access:
    """What the signed-in account may do here (read once, on the db worker)."""

    connected: bool
    may_transfer: bool
    refusal: str  # why not, in the user's language ("" when allowed)
    township: str | None


def access(store: Store, lang: str) -> Access:
    from jsxclient.store.store import Forbidden
    from jsxclient.sync import scope

    refusal = ""
    try:
        scope.require_transfer(store)
    except Forbidden as exc:
        refusal = exc.text(lang)
    return Access(
        connected=bool(store.meta("server_url")),
        may_transfer=not refusal,
        refusal=refusal,
        township=store.township_code,
    )


def local_time(wire: str) -> str:
    """A server time (UTC, wire form) as this computer's local time."""
    try:
        at = datetime.fromisoformat(wire.replace("T", " ").removesuffix("Z"))
    except ValueError:
        return wire[:16]
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def _line(store: Store, t: TransferInfo) -> TransferLine:
    from jsxclient.sync.scope import person_names

    conn = store.db.connection()
    township = t.from_township.ljust(12, "0")
    return TransferLine(
        id=t.id,
        status=t.status,
        from_code=township,
        from_name=pickers.division_name(conn, township),
        to_code=t.to_division,
        to_name=pickers.division_name(conn, t.to_division),
        rows=len(t.rows),
        names="、".join(person_names(t)),
        requested_by=t.requested_by,
        requested_at=local_time(t.requested_at),
        decided_by=t.decided_by or "",
        note=t.note,
    )


def listing(store: Store, pending: bool = True) -> Transfers:
    """Incoming and outgoing transfers from the server (any role may look)."""
    from jsxclient.sync import account, scope

    with account.make_transport(store) as transport:
        got = scope.transfers(transport, pending)
    return Transfers(
        incoming=[_line(store, t) for t in got.incoming],
        outgoing=[_line(store, t) for t in got.outgoing],
    )


def offer(store: Store, family_id: str, division_code: str, note: str) -> TransferInfo:
    from jsxclient.sync import account, scope

    with account.make_transport(store) as transport:
        return scope.offer_family(store, transport, family_id, division_code, note)


def accept(store: Store, transfer_id: int) -> TransferInfo:
    from jsxclient.sync import account, scope

    with account.make_transport(store) as transport:
        return scope.accept(store, transport, transfer_id)


def refuse(store: Store, transfer_id: int) -> TransferInfo:
    from jsxclient.sync import account, scope

    with account.make_transport(store) as transport:
        return scope.refuse(store, transport, transfer_id)


def destinations(store: Store, text: str) -> list[pickers.Choice]:
    return pickers.find_destinations(store.db.connection(), text, store.township_code)


def family_moves(store: Store, family_id: str) -> tuple[int, int]:
    """How many records would go with the family, and how many persons stay
    (still referred to here): shown before the worker offers it."""
    from jsxclient.sync import scope

    with store.transaction() as tx:
        out = scope.family_rows(tx, family_id)
    return len(out.rows), len(out.persons_kept)
