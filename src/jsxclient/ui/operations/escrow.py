"""The desktop's adapter over the township escrow key
(`jsxclient.sync.account.make_township_key`). `escrow_access` runs on the
`db` worker, the others on the `net` worker. The role is checked by the
client (`store.require("escrow_key")` in `make_township_key`) before the
request; the server checks again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsxclient.store.store import Store


@dataclass(frozen=True)
class EscrowState:
    connected: bool
    may_make: bool
    refusal: str  # why not, in the user's language ("" when allowed)


def escrow_access(store: Store, lang: str) -> EscrowState:
    """Role and connection, from the store (db worker)."""
    from jsxcore.roles import refusal

    may = store.allowed("escrow_key")
    text = ""
    if not may:
        r = refusal(store.role, "escrow_key")
        text = r.en if lang == "en" else r.zh
    return EscrowState(bool(store.meta("server_url")), may, text)


def escrow_key_id(store: Store) -> int | None:
    """The township's current escrow key number on the server (net worker)."""
    from jsxclient.sync import account

    return account.township_key_id(store)


def make_escrow_key(store: Store, passphrase: str) -> int:
    """Make and register the township's escrow key; its number (net worker)."""
    from jsxclient.sync import account

    return account.make_township_key(store, passphrase).key_id
