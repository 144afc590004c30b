"""Key escrow without giving the server the key (issue 11).

A township administrator makes the township's escrow key pair once
(`township_key`): an X25519 key whose private half is wrapped under an
escrow passphrase they choose (Argon2id, as the login slots, then AES-GCM)
and kept by the server only in that wrapped form. Each device seals its
store's data key to the township's public key (`seal`: an ephemeral X25519
agreement, HKDF-SHA256, AES-256-GCM bound to the store id, the township and
the key id) and the server keeps the sealed blob. When a worker has lost
both their password and the recovery code, the administrator signs in on
that computer, the server releases the blob and the wrapped private key to
them, and only their passphrase opens it (`unseal`). The server holds
neither the passphrase nor any key that opens a blob.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from jsxclient.security import kdf, libcrypto


class PrivateKey:
    """A raw X25519 private key (32 bytes)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def exchange(self, peer_public: bytes) -> bytes:
        try:
            return libcrypto.x25519_exchange(self.raw, peer_public)
        except libcrypto.CryptoError as exc:
            raise EscrowError(str(exc)) from exc


class EscrowError(ValueError):
    """A wrong passphrase, or a blob that is not what it claims to be."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def township_key(passphrase: str, township: str) -> tuple[str, str]:
    """A new key pair: (public key, private key wrapped under `passphrase`),
    both text for the server."""
    raw = secrets.token_bytes(32)  # any 32 bytes: X25519 clamps them
    params = kdf.current()
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    key = kdf.derive(passphrase, salt, params)[:32]
    ct = libcrypto.aesgcm_encrypt(key, nonce, raw, _private_aad(township))
    wrapped = json.dumps(
        {
            "v": 1,
            "kdf": params.as_dict(),
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "ct": _b64(ct),
        },
        separators=(",", ":"),
    )
    return _b64(libcrypto.x25519_public(raw)), wrapped


def open_private(wrapped: str, passphrase: str, township: str) -> PrivateKey:
    try:
        d = json.loads(wrapped)
        params = kdf.KdfParams.from_dict(d["kdf"])
        salt, nonce, ct = _unb64(d["salt"]), _unb64(d["nonce"]), _unb64(d["ct"])
    except (ValueError, KeyError, TypeError) as exc:
        raise EscrowError(f"unreadable escrow key: {exc}") from exc
    if not kdf.acceptable(params):
        raise EscrowError("escrow key wrapped below today's cost")
    key = kdf.derive(passphrase, salt, params)[:32]
    try:
        raw = libcrypto.aesgcm_decrypt(key, nonce, ct, _private_aad(township))
    except libcrypto.CryptoError:
        raise EscrowError("wrong escrow passphrase") from None
    return PrivateKey(raw)


def seal(public_key: str, key_id: int, store_id: str, township: str, data_key: bytes) -> str:
    """The data key sealed to the township's public key."""
    ephemeral = PrivateKey(secrets.token_bytes(32))
    shared = ephemeral.exchange(_unb64(public_key))
    info = _info(key_id, store_id, township)
    nonce = secrets.token_bytes(12)
    ct = libcrypto.aesgcm_encrypt(_hkdf(shared, info), nonce, data_key, info)
    return _b64(libcrypto.x25519_public(ephemeral.raw) + nonce + ct)


def unseal(private: PrivateKey, sealed: str, key_id: int, store_id: str, township: str) -> bytes:
    try:
        blob = _unb64(sealed)
    except ValueError as exc:
        raise EscrowError("unreadable sealed key") from exc
    if len(blob) < 32 + 12 + 16:
        raise EscrowError("unreadable sealed key")
    peer, nonce, ct = blob[:32], blob[32:44], blob[44:]
    shared = private.exchange(peer)
    info = _info(key_id, store_id, township)
    try:
        return libcrypto.aesgcm_decrypt(_hkdf(shared, info), nonce, ct, info)
    except libcrypto.CryptoError:
        raise EscrowError("the sealed key does not open with this township's key") from None


def _hkdf(shared: bytes, info: bytes) -> bytes:
    # HKDF-SHA256 (RFC 5869), no salt, one output block.
    prk = hmac.new(b"\0" * 32, shared, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def _info(key_id: int, store_id: str, township: str) -> bytes:
    return f"jsxclient-escrow/1|{key_id}|{store_id}|{township}".encode()


def _private_aad(township: str) -> bytes:
    return f"jsxclient-escrow-private/1|{township}".encode()
