"""Connecting a device to the provincial server: log in, remember the server,
the token and the user's township, and download the reference data.

The token lives in the store's `meta` through `TokenStore`: inside the
encrypted store (and its encrypted backups), never in a file of its own.
The server's role for each township user lands in the `account` table,
which is what the write path enforces; the offline verifiers of the
township's users come with it, so a colleague can be added to a shared
computer without the network (`jsxclient.security.vault`).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from jsxclient.security import escrow, keyfile
from jsxclient.store import accounts
from jsxclient.store.accounts import Account
from jsxclient.store.reference import load_divisions
from jsxclient.store.store import Store
from jsxclient.sync.errors import (
    DemoStoreError,
    NotConnectedError,
    OfflineError,
    RejectedError,
    SyncError,
)
from jsxclient.sync.handshake import handshake, remember_release
from jsxclient.sync.transport import Transport
from jsxcore.divisions import DivisionRow
from jsxcore.passwords import password_problem
from jsxcore.protocol import (
    FEATURE_KEY_ESCROW,
    FEATURE_PASSWORD_CHANGE,
    KeyEscrowRequest,
    KeyEscrowResponse,
    LoginRequest,
    PasswordChangeRequest,
    ReferenceResponse,
    TargetsResponse,
    TownshipKey,
    TownshipKeyRequest,
    UserInfo,
)
from jsxcore.roles import ROLES

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
    for a wrong password, `OfflineError`, `DemoStoreError` for demo data,
    `AccountMismatchError` when the
    store already belongs to another township."""
    if store.is_demo:
        raise DemoStoreError()  # before anything reaches the network
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
        targets = fetch_targets(t)
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
        accounts.upsert(
            tx.conn,
            Account(user.username, user.display_name, user.role, user.division_code, "server"),
        )
        store.audit("login", user.username, detail=f"online, {server_url}", conn=tx.conn)
    TokenStore(store).set(resp.token, resp.expires_at)
    save_reference(store, ref)
    if targets is not None:
        save_targets(store, targets)
    remember_release(store, info)
    if store.user in ("", user.username) or store.role is None:
        store.user = user.username
        if store.role is not None:
            store.role = user.role  # the server's word replaces what this device had
    _remember_public(store, server_url, ca_bundle, township or existing)
    return user


def _remember_public(store: Store, url: str, ca_bundle: str | None, township: str | None) -> None:
    """What the login screen needs before the store is unlocked: the server
    to check a password against, and the township."""
    path = keyfile.keyfile_path(store.db.path)
    if not path.exists():
        return

    def go(kf: keyfile.KeyFile) -> None:
        kf.server_url = url.rstrip("/")
        kf.ca_bundle = ca_bundle or kf.ca_bundle
        kf.township = township or kf.township

    keyfile.update(path, go)


def change_server_password(store: Store, old: str, new: str) -> bool:
    """The signed-in worker's password change, sent to the server when this
    store is connected with their account and the server takes it (the
    server ends their sessions on other devices). False when not sent: not
    connected, another account's connection, an older server, or offline;
    the server password then stays as it was. A refusal (the server's old
    password differs, the new one is too weak) raises with the server's
    words, and the caller changes nothing here either."""
    if not store.user or store.meta("sync_user") != store.user:
        return False
    try:
        t = make_transport(store)
    except (NotConnectedError, DemoStoreError):
        return False
    try:
        if FEATURE_PASSWORD_CHANGE not in t.version().features:
            return False
        t.fetch(
            "POST",
            "/auth/password",
            body=PasswordChangeRequest(old_password=old, new_password=new),
        )
    except OfflineError:
        return False
    finally:
        t.close()
    return True


ESCROWED = "key_escrowed"  # meta: the township key id the data key is sealed to
ESCROW_CHECKED = "key_escrow_checked"  # meta: the day the township key was last asked


def escrow_key(store: Store, transport: Transport, features: list[str]) -> bool:
    """Seal the store's data key to the township's escrow key and give the
    server the blob (which it cannot open), when the server offers escrow
    and the township administrator has made a key; again when they make a
    new one. True when sent."""
    if FEATURE_KEY_ESCROW not in features or store.db.key is None or not store.township_code:
        return False
    try:
        tk = transport.call("GET", "/keys/township", TownshipKey)
    except RejectedError as exc:
        if exc.code == "escrow.no_key":
            return False
        raise
    if store.meta(ESCROWED) == str(tk.key_id):
        return False
    kf = keyfile.KeyFile.load(keyfile.keyfile_path(store.db.path))
    township = store.township_code
    transport.call(
        "PUT",
        "/keys/escrow",
        KeyEscrowResponse,
        body=KeyEscrowRequest(
            store_id=kf.store_id,
            township_code=township,
            device_id=store.device_id,
            key_id=tk.key_id,
            sealed=escrow.seal(tk.public_key, tk.key_id, kf.store_id, township, store.db.key),
        ),
    )
    with store.transaction() as tx:
        store.set_meta(ESCROWED, str(tk.key_id), tx.conn)
        store.audit(
            "account",
            "key escrow",
            detail=f"data key sealed to township key {tk.key_id}",
            conn=tx.conn,
        )
    return True


def make_township_key(store: Store, passphrase: str) -> TownshipKey:
    """A township administrator's new escrow key for their township: made
    here, the private half wrapped under `passphrase` before it leaves.
    Raises `Forbidden` for a role that may not (the server refuses it too)."""
    store.require("escrow_key")
    problem = password_problem(passphrase)
    if problem is not None:
        raise WeakPassphraseError(problem.en, problem.zh, problem.en)
    township = store.township_code
    if not township:
        raise NotConnectedError("no township")
    public, wrapped = escrow.township_key(passphrase, township)
    t = make_transport(store)
    try:
        tk = t.call(
            "PUT",
            "/keys/township",
            TownshipKey,
            body=TownshipKeyRequest(
                township_code=township, public_key=public, wrapped_private=wrapped
            ),
        )
    finally:
        t.close()
    store.audit("account", "escrow key", detail=f"township escrow key {tk.key_id} made")
    return tk


def township_key_id(store: Store) -> int | None:
    """The number of the township's current escrow key on the server, None
    when its administrator has made none yet."""
    with make_transport(store) as t:
        try:
            return t.call("GET", "/keys/township", TownshipKey).key_id
        except RejectedError as exc:
            if exc.code == "escrow.no_key":
                return None
            raise


class WeakPassphraseError(SyncError):
    kind = "rejected"
    default_zh = "托管口令太弱"
    default_en = "The escrow passphrase is too weak"


def fetch_escrowed_key(
    path: Path,
    admin: str,
    admin_password: str,
    passphrase: str,
    *,
    transport: Transport | None = None,
) -> bytes:
    """A locked store's data key, recovered by a township administrator
    online: they sign in, the server releases the sealed key and the
    township key wrapped under their escrow passphrase, which opens both
    here. Raises SyncError (sign-in, scope, nothing escrowed) or
    `escrow.EscrowError` (a wrong passphrase)."""
    kf = keyfile.KeyFile.load(keyfile.keyfile_path(path))
    if not kf.server_url:
        raise NotConnectedError("the key file names no server")
    t = transport or Transport(kf.server_url, ca_bundle=kf.ca_bundle)
    try:
        handshake(t)
        resp = t.login(
            LoginRequest(
                username=admin,
                password=admin_password,
                device_id=f"escrow-{kf.store_id[:32]}",
                device_name="key recovery",
            )
        )
        t.token = resp.token
        rel = t.call("GET", "/keys/escrow", KeyEscrowResponse, params={"store_id": kf.store_id})
        with contextlib.suppress(SyncError):
            t.fetch("POST", "/auth/logout")
    finally:
        if transport is None:
            t.close()
    private = escrow.open_private(rel.wrapped_private, passphrase, rel.township_code)
    return escrow.unseal(private, rel.sealed, rel.key_id, kf.store_id, rel.township_code)


def save_reference(store: Store, ref: ReferenceResponse) -> None:
    if ref.divisions:
        load_divisions(
            store.db.connection(),
            [DivisionRow(d.code, d.name, d.level, d.parent_code) for d in ref.divisions],
        )
    with store.transaction() as tx:
        store.set_meta("ref_code_tables", json.dumps(ref.code_tables, ensure_ascii=False), tx.conn)
        for o in ref.offline_logins:
            if o.role in ROLES:
                accounts.upsert(
                    tx.conn,
                    Account(
                        o.username,
                        o.display_name,
                        o.role,
                        o.division_code,
                        "server",
                        o.verifier or None,
                    ),
                )


def fetch_targets(t: Transport) -> dict[str, dict[str, float]] | None:
    """The indicator targets set above this user's division; None from a
    server that keeps none (older than reports upward)."""
    try:
        return t.call("GET", "/reports/targets", TargetsResponse).targets
    except RejectedError as exc:
        if exc.status == 404:
            return None
        raise


def save_targets(store: Store, targets: dict[str, dict[str, float]]) -> None:
    """Kept in meta; `jsxclient.reports.evaluate.load_targets` reads them."""
    with store.transaction() as tx:
        store.set_meta("ref_targets", json.dumps(targets, sort_keys=True), tx.conn)


def make_transport(store: Store, **options: object) -> Transport:
    """A transport to the server this store is connected to, with its token."""
    if store.is_demo:
        raise DemoStoreError()
    url = store.meta("server_url")
    token = TokenStore(store).get()
    if not url or not token:
        raise NotConnectedError()
    ca = store.meta("ca_bundle")
    return Transport(url, token, ca_bundle=ca, **options)  # type: ignore[arg-type]


def disconnect(store: Store) -> None:
    """Forget the token (the data and the pending changes stay)."""
    TokenStore(store).clear()
