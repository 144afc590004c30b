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
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

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


MIN_PASSWORD_LENGTH = 8
MIN_PASSWORD_CLASSES = 3

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32


@dataclass(frozen=True)
class PolicyViolation:
    zh: str
    en: str


def password_problem(password: str) -> PolicyViolation | None:
    """Why ``password`` is too weak, or None: 8+ characters of at least 3 of
    lower case, upper case, digits and other characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return PolicyViolation(
            f"密码至少需要{MIN_PASSWORD_LENGTH}个字符",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters",
        )
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < MIN_PASSWORD_CLASSES:
        return PolicyViolation(
            "密码须包含小写字母、大写字母、数字、符号中的至少三类",
            "The password must mix at least three of: lower case, upper case, digits, symbols",
        )
    return None


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


def check_offline_verifier(verifier: str, password: str) -> bool:
    """What a device does offline; here for tests and as the reference."""
    try:
        scheme, n, r, p, salt, want = verifier.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want) // 2,
            maxmem=256 * 1024 * 1024,
        )
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), want)
