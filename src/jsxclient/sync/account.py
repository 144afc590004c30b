"""Connecting a device to the provincial server: log in, remember the server,
the token and the user's township, and download the reference data.

The token lives in `meta` through `TokenStore`; the security work will give
TokenStore an encrypted home without its callers changing.
"""

from __future__ import annotations

import json

from jsxclient.store.reference import load_divisions
from jsxclient.store.store import Store
from jsxclient.sync.errors import NotConnectedError, SyncError
from jsxclient.sync.handshake import handshake, remember_release
from jsxclient.sync.transport import Transport
from jsxcore.divisions import DivisionRow
from jsxcore.protocol import LoginRequest, ReferenceResponse, UserInfo

TOWNSHIP_DIGITS = 9


class AccountMismatchError(SyncError):
    kind = "auth"
    default_zh = "此账号属于其他乡镇，不能在本机的数据上使用。"
    default_en = "This account belongs to another township than the data on this computer."


class TokenStore:
    KEY = "sync_token"
    EXPIRES = "sync_token_expires"

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self) -> str | None:
        return self.store.meta(self.KEY) or None

    def expires_at(self) -> str | None:
        return self.store.meta(self.EXPIRES)

    def set(self, token: str, expires_at: str) -> None:
        with self.store.transaction() as tx:
            self.store.set_meta(self.KEY, token, tx.conn)
            self.store.set_meta(self.EXPIRES, expires_at, tx.conn)

    def clear(self) -> None:
        with self.store.transaction() as tx:
            tx.conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (self.KEY, self.EXPIRES))


def township_of_user(user: UserInfo) -> str | None:
    """The 12-digit township code of a township or village user; None for
    wider scopes (county reviewers, province admins)."""
    prefix = user.scope_prefix
    return prefix[:TOWNSHIP_DIGITS] + "000" if len(prefix) >= TOWNSHIP_DIGITS else None


def connect(
    store: Store,
    server_url: str,
    username: str,
    password: str,
    device_name: str = "",
    *,
    ca_bundle: str | None = None,
    transport: Transport | None = None,
) -> UserInfo:
    """Log in and make this store the user's device. Raises `AuthExpiredError`
    for a wrong password, `OfflineError`, `AccountMismatchError` when the
    store already belongs to another township."""
    t = transport or Transport(server_url, ca_bundle=ca_bundle)
    try:
        # A server that no longer takes this program refuses here, before the
        # login registers this device.
        info = handshake(t)
        resp = t.login(
            LoginRequest(
                username=username,
                password=password,
                device_id=store.device_id,
                device_name=device_name[:100],
            )
        )
        user = resp.user
        township = township_of_user(user)
        existing = store.township_code
        if existing and township and existing != township:
            raise AccountMismatchError(f"store {existing}, user {township}")
        t.token = resp.token
        ref = t.reference()
    finally:
        if transport is None:
            t.close()
    with store.transaction() as tx:
        for key, value in {
            "server_url": server_url.rstrip("/"),
            "sync_user": user.username,
            "sync_user_info": user.model_dump_json(),
            "scope_prefix": user.scope_prefix,
        }.items():
            store.set_meta(key, value, tx.conn)
        if ca_bundle:
            store.set_meta("ca_bundle", ca_bundle, tx.conn)
        if township and not existing:
            store.set_meta("township_code", township, tx.conn)
    TokenStore(store).set(resp.token, resp.expires_at)
    save_reference(store, ref)
    remember_release(store, info)
    store.user = user.username
    return user


def save_reference(store: Store, ref: ReferenceResponse) -> None:
    if ref.divisions:
        load_divisions(
            store.db.connection(),
            [DivisionRow(d.code, d.name, d.level, d.parent_code) for d in ref.divisions],
        )
    with store.transaction() as tx:
        store.set_meta("ref_code_tables", json.dumps(ref.code_tables, ensure_ascii=False), tx.conn)
        store.set_meta(
            "offline_logins",
            json.dumps([o.model_dump() for o in ref.offline_logins], ensure_ascii=False),
            tx.conn,
        )


def make_transport(store: Store, **options: object) -> Transport:
    """A transport to the server this store is connected to, with its token."""
    url = store.meta("server_url")
    token = TokenStore(store).get()
    if not url or not token:
        raise NotConnectedError()
    ca = store.meta("ca_bundle")
    return Transport(url, token, ca_bundle=ca, **options)  # type: ignore[arg-type]


def disconnect(store: Store) -> None:
    """Forget the token (the data and the pending changes stay)."""
    TokenStore(store).clear()
