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
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jsxclient.security import kdf

_RAW = serialization.Encoding.Raw
_PUB = serialization.PublicFormat.Raw
_PRIV = serialization.PrivateFormat.Raw
_NONE = serialization.NoEncryption()


class EscrowError(ValueError):
    """A wrong passphrase, or a blob that is not what it claims to be."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def township_key(passphrase: str, township: str) -> tuple[str, str]:
    """A new key pair: (public key, private key wrapped under `passphrase`),
    both text for the server."""
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(_RAW, _PRIV, _NONE)
    params = kdf.current()
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    key = kdf.derive(passphrase, salt, params)[:32]
    ct = AESGCM(key).encrypt(nonce, raw, _private_aad(township))
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
    return _b64(private.public_key().public_bytes(_RAW, _PUB)), wrapped


def open_private(wrapped: str, passphrase: str, township: str) -> X25519PrivateKey:
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
        raw = AESGCM(key).decrypt(nonce, ct, _private_aad(township))
    except InvalidTag:
        raise EscrowError("wrong escrow passphrase") from None
    return X25519PrivateKey.from_private_bytes(raw)


def seal(public_key: str, key_id: int, store_id: str, township: str, data_key: bytes) -> str:
    """The data key sealed to the township's public key."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(_unb64(public_key)))
    info = _info(key_id, store_id, township)
    nonce = secrets.token_bytes(12)
    ct = AESGCM(_hkdf(shared, info)).encrypt(nonce, data_key, info)
    return _b64(ephemeral.public_key().public_bytes(_RAW, _PUB) + nonce + ct)


def unseal(
    private: X25519PrivateKey, sealed: str, key_id: int, store_id: str, township: str
) -> bytes:
    try:
        blob = _unb64(sealed)
    except ValueError as exc:
        raise EscrowError("unreadable sealed key") from exc
    if len(blob) < 32 + 12 + 16:
        raise EscrowError("unreadable sealed key")
    peer, nonce, ct = blob[:32], blob[32:44], blob[44:]
    shared = private.exchange(X25519PublicKey.from_public_bytes(peer))
    info = _info(key_id, store_id, township)
    try:
        return AESGCM(_hkdf(shared, info)).decrypt(nonce, ct, info)
    except InvalidTag:
        raise EscrowError("the sealed key does not open with this township's key") from None


def _hkdf(shared: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _info(key_id: int, store_id: str, township: str) -> bytes:
    return f"jsxclient-escrow/1|{key_id}|{store_id}|{township}".encode()


def _private_aad(township: str) -> bytes:
    return f"jsxclient-escrow-private/1|{township}".encode()
