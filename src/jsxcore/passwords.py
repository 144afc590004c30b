"""The password rule (DOMAIN.md, MLPS 2.0): 8+ characters of at least three
of lower case, upper case, digits and other characters. One rule for the
server's accounts and the desktop's local passwords."""

from __future__ import annotations

from dataclasses import dataclass

MIN_PASSWORD_LENGTH = 8
MIN_PASSWORD_CLASSES = 3
MAX_PASSWORD_LENGTH = 256


@dataclass(frozen=True)
class PolicyViolation:
    zh: str
    en: str


def password_problem(password: str) -> PolicyViolation | None:
    """Why ``password`` is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return PolicyViolation(
            f"密码至少需要{MIN_PASSWORD_LENGTH}个字符",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return PolicyViolation(
            f"密码不能超过{MAX_PASSWORD_LENGTH}个字符",
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters",
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


def check_offline_verifier(verifier: str, password: str) -> bool:
    """Whether `password` matches a server-issued offline verifier
    (``scrypt$N$r$p$salt_hex$hash_hex``). The device uses it to let a worker
    the server knows be added to a shared computer without the network."""
    import hashlib
    import hmac

    try:
        scheme, n, r, p, salt, want = verifier.split("$")
        if scheme != "scrypt" or not (2 <= int(n) <= 2**20 and 1 <= int(r) <= 32):
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
