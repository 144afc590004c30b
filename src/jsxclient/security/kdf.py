"""The password KDF that wraps the store's data key: Argon2id (RFC 9106).

Chosen over scrypt after measuring both on the 2-core test machine (see
`bench/kdf.py` and docs/security.md): Argon2id t=3, m=64 MiB, p=1 takes about
0.3 s and 64 MiB at login, where scrypt needs N=2^17 (128 MiB, ~1 s) for a
comparable cost to an attacker with GPUs. argon2-cffi adds ~0.5 MB to the
installer and is what the server already uses for its own hashes.

Every wrapped key records its own parameters, so raising the cost later
only affects new wraps; a slot below the current cost is re-wrapped at the
next successful login.

Tests may lower the cost (`JSXCLIENT_KDF_PROFILE=test`), never a frozen
(installed) build: there the variable is ignored and weak slots refused.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw

KEY_BYTES = 64  # 32 to encrypt the data key, 32 to authenticate it


@dataclass(frozen=True)
class KdfParams:
    alg: str = "argon2id"
    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 1

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> KdfParams:
        alg = str(d.get("alg"))
        if alg != "argon2id":
            raise ValueError(f"unknown KDF {alg!r}")
        p = cls(
            alg,
            int(d["time_cost"]),  # type: ignore[call-overload]
            int(d["memory_kib"]),  # type: ignore[call-overload]
            int(d["parallelism"]),  # type: ignore[call-overload]
        )
        # Bounds so a crafted key file cannot make a login take minutes or
        # all the memory.
        if not (1 <= p.time_cost <= 20 and 8 <= p.memory_kib <= 1024 * 1024):
            raise ValueError("KDF parameters out of range")
        if not 1 <= p.parallelism <= 8:
            raise ValueError("KDF parameters out of range")
        return p

    def weaker_than(self, other: KdfParams) -> bool:
        return self.time_cost < other.time_cost or self.memory_kib < other.memory_kib


PRODUCTION = KdfParams()
# For the test suite only: the same algorithm at a cost of milliseconds.
TEST = KdfParams(time_cost=1, memory_kib=64, parallelism=1)


def frozen() -> bool:
    """True in the installed (PyInstaller) build."""
    return bool(getattr(sys, "frozen", False))


def current() -> KdfParams:
    """The parameters for new wraps."""
    if not frozen() and os.environ.get("JSXCLIENT_KDF_PROFILE") == "test":
        return TEST
    return PRODUCTION


def acceptable(p: KdfParams) -> bool:
    """Whether a stored wrap may be used at all: an installed build refuses
    the test profile, so a weak key file cannot be slipped in."""
    return not (frozen() and p.weaker_than(PRODUCTION))


def derive(secret: str, salt: bytes, p: KdfParams) -> bytes:
    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=p.time_cost,
        memory_cost=p.memory_kib,
        parallelism=p.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )
