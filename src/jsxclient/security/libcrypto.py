"""X25519 and AES-256-GCM from the OpenSSL that Python's own `ssl` module loads.

Why not the `cryptography` package: its Rust extension adds 11 MiB to the
installer for the two primitives key escrow needs, and the bundle already
carries libcrypto for `ssl`. OpenSSL does the cryptography; this module only
calls it (EVP interfaces, OpenSSL 1.1.1 and 3.x).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import ssl  # noqa: F401  (loads the interpreter's libcrypto; see _lib)
import sys
from functools import cache

_EVP_PKEY_X25519 = 1034  # NID_X25519
_GCM_GET_TAG = 0x10  # EVP_CTRL_AEAD_GET_TAG
_GCM_SET_TAG = 0x11  # EVP_CTRL_AEAD_SET_TAG
_TAG = 16
_P = ctypes.c_void_p


class CryptoError(ValueError):
    """OpenSSL refused an operation, or a tag did not verify."""


def _candidates() -> list[str]:
    names: list[str] = []
    if sys.platform == "win32":
        names += ["libcrypto-3-x64", "libcrypto-3", "libcrypto-1_1-x64", "libcrypto-1_1"]
    elif sys.platform == "darwin":
        names += ["libcrypto.3.dylib", "libcrypto.1.1.dylib"]
    else:
        names += ["libcrypto.so.3", "libcrypto.so.1.1"]
    found = ctypes.util.find_library("crypto")
    if found:
        names.append(found)
    return names


@cache
def _lib() -> ctypes.CDLL:
    # `ssl` is imported above, so the interpreter's own libcrypto is already in
    # the process: loading it by name returns that copy (also when frozen).
    errors = []
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError as exc:
            errors.append(str(exc))
            continue
        _declare(lib)
        return lib
    raise CryptoError(f"OpenSSL's libcrypto not found: {'; '.join(errors)}")


def _declare(lib: ctypes.CDLL) -> None:
    sig = {
        "EVP_PKEY_new_raw_private_key": (_P, [ctypes.c_int, _P, ctypes.c_char_p, ctypes.c_size_t]),
        "EVP_PKEY_new_raw_public_key": (_P, [ctypes.c_int, _P, ctypes.c_char_p, ctypes.c_size_t]),
        "EVP_PKEY_get_raw_public_key": (
            ctypes.c_int,
            [_P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t)],
        ),
        "EVP_PKEY_free": (None, [_P]),
        "EVP_PKEY_CTX_new": (_P, [_P, _P]),
        "EVP_PKEY_CTX_free": (None, [_P]),
        "EVP_PKEY_derive_init": (ctypes.c_int, [_P]),
        "EVP_PKEY_derive_set_peer": (ctypes.c_int, [_P, _P]),
        "EVP_PKEY_derive": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t)]),
        "EVP_CIPHER_CTX_new": (_P, []),
        "EVP_CIPHER_CTX_free": (None, [_P]),
        "EVP_aes_256_gcm": (_P, []),
        "EVP_CipherInit_ex": (
            ctypes.c_int,
            [_P, _P, _P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int],
        ),
        "EVP_CipherUpdate": (
            ctypes.c_int,
            [_P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_int],
        ),
        "EVP_CipherFinal_ex": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
        "EVP_CIPHER_CTX_ctrl": (ctypes.c_int, [_P, ctypes.c_int, ctypes.c_int, _P]),
    }
    for name, (res, args) in sig.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args


def _ok(result: int, what: str) -> None:
    if result != 1:
        raise CryptoError(f"OpenSSL: {what} failed")


def _private(raw: bytes) -> int:
    if len(raw) != 32:
        raise CryptoError("an X25519 key is 32 bytes")
    key = _lib().EVP_PKEY_new_raw_private_key(_EVP_PKEY_X25519, None, raw, 32)
    if not key:
        raise CryptoError("OpenSSL: X25519 private key refused")
    return int(key)


def x25519_public(private: bytes) -> bytes:
    """The public half of a raw 32-byte X25519 private key."""
    lib = _lib()
    key = _private(private)
    try:
        out = ctypes.create_string_buffer(32)
        size = ctypes.c_size_t(32)
        _ok(lib.EVP_PKEY_get_raw_public_key(key, out, ctypes.byref(size)), "public key")
        return out.raw[: size.value]
    finally:
        lib.EVP_PKEY_free(key)


def x25519_exchange(private: bytes, peer_public: bytes) -> bytes:
    """The X25519 shared secret (RFC 7748) of our private and their public key."""
    if len(peer_public) != 32:
        raise CryptoError("an X25519 key is 32 bytes")
    lib = _lib()
    key = _private(private)
    peer = lib.EVP_PKEY_new_raw_public_key(_EVP_PKEY_X25519, None, peer_public, 32)
    ctx = lib.EVP_PKEY_CTX_new(key, None) if peer else None
    try:
        if not peer or not ctx:
            raise CryptoError("OpenSSL: X25519 public key refused")
        _ok(lib.EVP_PKEY_derive_init(ctx), "derive init")
        _ok(lib.EVP_PKEY_derive_set_peer(ctx, peer), "derive peer")
        out = ctypes.create_string_buffer(32)
        size = ctypes.c_size_t(32)
        # OpenSSL refuses an all-zero result (a small-order peer key) itself.
        _ok(lib.EVP_PKEY_derive(ctx, out, ctypes.byref(size)), "X25519 agreement")
        return out.raw[: size.value]
    finally:
        if ctx:
            lib.EVP_PKEY_CTX_free(ctx)
        if peer:
            lib.EVP_PKEY_free(peer)
        lib.EVP_PKEY_free(key)


def _gcm(key: bytes, nonce: bytes, data: bytes, aad: bytes, tag: bytes | None) -> bytes:
    if len(key) != 32 or len(nonce) != 12:
        raise CryptoError("AES-256-GCM takes a 32-byte key and a 12-byte nonce")
    lib = _lib()
    encrypt = tag is None
    ctx = lib.EVP_CIPHER_CTX_new()
    if not ctx:
        raise CryptoError("OpenSSL: no cipher context")
    try:
        _ok(
            lib.EVP_CipherInit_ex(ctx, lib.EVP_aes_256_gcm(), None, key, nonce, int(encrypt)),
            "init",
        )
        n = ctypes.c_int(0)
        if aad:
            _ok(lib.EVP_CipherUpdate(ctx, None, ctypes.byref(n), aad, len(aad)), "aad")
        out = ctypes.create_string_buffer(len(data) + 16)
        if data:
            _ok(lib.EVP_CipherUpdate(ctx, out, ctypes.byref(n), data, len(data)), "update")
        size = n.value if data else 0
        if tag is not None:
            buf = ctypes.create_string_buffer(tag, _TAG)
            _ok(lib.EVP_CIPHER_CTX_ctrl(ctx, _GCM_SET_TAG, _TAG, buf), "set tag")
        end = ctypes.c_int(0)
        tail = ctypes.create_string_buffer(16)
        if lib.EVP_CipherFinal_ex(ctx, tail, ctypes.byref(end)) != 1:
            raise CryptoError("the tag does not verify")  # wrong key, or altered data
        result = out.raw[:size] + tail.raw[: end.value]
        if encrypt:
            buf = ctypes.create_string_buffer(_TAG)
            _ok(lib.EVP_CIPHER_CTX_ctrl(ctx, _GCM_GET_TAG, _TAG, buf), "get tag")
            result += buf.raw
        return result
    finally:
        lib.EVP_CIPHER_CTX_free(ctx)


def aesgcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Ciphertext followed by the 16-byte tag (the layout `cryptography` used)."""
    return _gcm(key, nonce, plaintext, aad, None)


def aesgcm_decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    """The plaintext; `CryptoError` when the tag does not verify."""
    if len(data) < _TAG:
        raise CryptoError("the tag does not verify")
    return _gcm(key, nonce, data[:-_TAG], aad, data[-_TAG:])
