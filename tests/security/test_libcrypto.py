"""X25519 and AES-256-GCM through OpenSSL (the escrow's primitives): RFC 7748's
test vector, a round trip, and tampering refused."""

from __future__ import annotations

import pytest

from jsxclient.security import libcrypto

# RFC 7748 §6.1 (Alice and Bob).
ALICE = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
ALICE_PUB = bytes.fromhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
BOB_PUB = bytes.fromhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
SHARED = bytes.fromhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")


def test_x25519_matches_rfc_7748() -> None:
    assert libcrypto.x25519_public(ALICE) == ALICE_PUB
    assert libcrypto.x25519_exchange(ALICE, BOB_PUB) == SHARED


def test_a_small_order_peer_key_is_refused() -> None:
    with pytest.raises(libcrypto.CryptoError):
        libcrypto.x25519_exchange(ALICE, bytes(32))


def test_aes_gcm_matches_the_nist_vector_and_refuses_tampering() -> None:
    # NIST GCM test case 14 (AES-256, zero key, zero IV, one zero block).
    key, nonce = bytes(32), bytes(12)
    out = libcrypto.aesgcm_encrypt(key, nonce, bytes(16), b"")
    assert out.hex() == ("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919")
    assert libcrypto.aesgcm_decrypt(key, nonce, out, b"") == bytes(16)
    for bad in (out[:-1] + bytes([out[-1] ^ 1]), bytes([out[0] ^ 1]) + out[1:]):
        with pytest.raises(libcrypto.CryptoError):
            libcrypto.aesgcm_decrypt(key, nonce, bad, b"")
    with pytest.raises(libcrypto.CryptoError):
        libcrypto.aesgcm_decrypt(key, nonce, out, b"other aad")
