"""Passwords, device tokens and the offline verifier.

- Passwords are hashed with argon2id (argon2-cffi defaults, RFC 9106 low
  memory profile); hashes are upgraded on the next login when the defaults
  change.
- Device tokens are 256 random bits; the server keeps only their SHA-256, so
  a copy of the database does not hold usable tokens.
- The offline verifier lets a device unlock for a user without the network.
  It is scrypt (in the standard library on every client) with its own salt:
  ``scrypt$N$r$p$salt_hex$hash_hex``. It is deliberately a different,
  cheaper construction than the server hash; a stolen laptop exposes only
  its own township's verifiers.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# The password rule is the core's, shared with the desktop's local passwords.
from jsxcore.passwords import PolicyViolation, check_offline_verifier, password_problem

# Re-exported: the services and the tests import them from here.
__all__ = ["PolicyViolation", "check_offline_verifier", "password_problem"]

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong username costs
# the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-Aa1!")


def configure_hasher(time_cost: int, memory_kib: int, scrypt_n: int = 2**14) -> None:
    """Set the cost of new hashes and verifiers (existing ones carry their own
    parameters; password hashes are upgraded on the next successful login)."""
    global _hasher, _DUMMY_HASH, SCRYPT_N
    if scrypt_n < 2 or scrypt_n & (scrypt_n - 1):
        raise ValueError("the scrypt cost N must be a power of two")
    SCRYPT_N = scrypt_n
    if (time_cost, memory_kib) != (_hasher.time_cost, _hasher.memory_cost):
        _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        _DUMMY_HASH = _hasher.hash("not-a-real-password-Aa1!")


SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def offline_verifier(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_DKLEN
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"
