"""The key file beside the store (`<store>.keys`): the store's random data
key wrapped once per local user's password and once by the recovery code,
never the key itself (STYLE 19, "keys wrap keys").

A wrap: ``k = Argon2id(secret, salt)`` gives 64 bytes; the first 32 XOR the
data key, the last 32 key an HMAC-SHA256 over the slot's kind, name, store
id and wrapped bytes. The salt is fresh for every wrap, so each pad is used
once; a wrong secret fails the HMAC. Changing a password re-wraps one slot;
the data never re-encrypts.

The file also holds what must be readable before the store is unlocked:
the township, the server address, the per-user failure counters for the
device lockout, and failed logins waiting to enter the (encrypted) audit
log. Every change is a read-modify-write under an OS lock, so the app and a
scheduled `jsxclient sync` never lose each other's counts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from jsxclient.security import files, kdf
from jsxclient.security.kdf import KdfParams

FORMAT = "jsxclient-keys/1"
DATA_KEY_BYTES = 32
RECOVERY = "recovery"
MAX_PENDING_AUDIT = 500
T = TypeVar("T")

# Crockford's base32: no I, L, O, U, so a code copied by hand reads back.
_B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_CHARS = 25  # 125 bits


class KeyFileError(Exception):
    """The key file is missing, damaged or not ours."""


def keyfile_path(store_path: Path) -> Path:
    return Path(str(store_path) + ".keys")


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: Any) -> bytes:
    return base64.b64decode(str(s), validate=True)


@dataclass
class Slot:
    kind: str  # "password" or "recovery"
    name: str  # the username, or "recovery"
    kdf: KdfParams
    salt: bytes
    wrapped: bytes
    tag: bytes
    created: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "kdf": self.kdf.as_dict(),
            "salt": _b64(self.salt),
            "wrapped": _b64(self.wrapped),
            "tag": _b64(self.tag),
            "created": self.created,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Slot:
        return cls(
            str(d["kind"]),
            str(d["name"]),
            KdfParams.from_dict(d["kdf"]),
            _unb64(d["salt"]),
            _unb64(d["wrapped"]),
            _unb64(d["tag"]),
            str(d.get("created", "")),
        )


def _tag(mac_key: bytes, kind: str, name: str, store_id: str, wrapped: bytes) -> bytes:
    msg = b"\0".join((b"jsxclient-keyslot/1", kind.encode(), name.encode(), store_id.encode()))
    return hmac.new(mac_key, msg + b"\0" + wrapped, hashlib.sha256).digest()


def wrap(
    data_key: bytes,
    secret: str,
    kind: str,
    name: str,
    store_id: str,
    params: KdfParams | None = None,
) -> Slot:
    params = params or kdf.current()
    salt = secrets.token_bytes(16)
    k = kdf.derive(secret, salt, params)
    wrapped = bytes(a ^ b for a, b in zip(data_key, k[:DATA_KEY_BYTES], strict=True))
    return Slot(
        kind,
        name,
        params,
        salt,
        wrapped,
        _tag(k[DATA_KEY_BYTES:], kind, name, store_id, wrapped),
        _now(),
    )


def unwrap(slot: Slot, secret: str, store_id: str) -> bytes | None:
    """The data key, or None when `secret` is wrong (or the slot altered)."""
    if not kdf.acceptable(slot.kdf) or len(slot.wrapped) != DATA_KEY_BYTES:
        return None
    k = kdf.derive(secret, slot.salt, slot.kdf)
    if not hmac.compare_digest(
        _tag(k[DATA_KEY_BYTES:], slot.kind, slot.name, store_id, slot.wrapped), slot.tag
    ):
        return None
    return bytes(a ^ b for a, b in zip(slot.wrapped, k[:DATA_KEY_BYTES], strict=True))


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_B32) for _ in range(RECOVERY_CHARS))
    return "-".join(raw[i : i + 5] for i in range(0, RECOVERY_CHARS, 5))


def normalize_recovery_code(text: str) -> str:
    t = "".join(c for c in text.upper() if c.isalnum())
    t = t.translate(str.maketrans("OILU", "011V"))
    return "-".join(t[i : i + 5] for i in range(0, len(t), 5))


def _now() -> str:
    return datetime.now().isoformat(sep=" ", timespec="seconds")


@dataclass
class Failures:
    count: int = 0
    locked_until: str | None = None  # local time, ISO


@dataclass
class KeyFile:
    path: Path
    store_id: str
    township: str | None = None
    server_url: str | None = None
    ca_bundle: str | None = None
    slots: dict[str, Slot] = field(default_factory=dict)  # username -> slot
    recovery: Slot | None = None
    failures: dict[str, Failures] = field(default_factory=dict)
    pending_audit: list[dict[str, Any]] = field(default_factory=list)

    # -- file ------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            d = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise KeyFileError(f"{path}: missing") from None
        except (OSError, ValueError) as exc:
            raise KeyFileError(f"{path}: unreadable ({exc})") from exc
        return cls.from_dict(path, d)

    @classmethod
    def from_dict(cls, path: Path, d: Any) -> KeyFile:
        try:
            if d.get("format") != FORMAT:
                raise ValueError(f"format {d.get('format')!r}")
            return cls(
                path,
                str(d["store_id"]),
                d.get("township"),
                d.get("server_url"),
                d.get("ca_bundle"),
                {s["name"]: Slot.from_json(s) for s in d.get("slots", [])},
                Slot.from_json(d["recovery"]) if d.get("recovery") else None,
                {
                    k: Failures(int(v["count"]), v.get("locked_until"))
                    for k, v in d.get("failures", {}).items()
                },
                list(d.get("pending_audit", [])),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise KeyFileError(f"{path}: damaged ({exc})") from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "store_id": self.store_id,
            "township": self.township,
            "server_url": self.server_url,
            "ca_bundle": self.ca_bundle,
            "slots": [s.to_json() for s in self.slots.values()],
            "recovery": self.recovery.to_json() if self.recovery else None,
            "failures": {
                k: {"count": v.count, "locked_until": v.locked_until}
                for k, v in self.failures.items()
                if v.count or v.locked_until
            },
            "pending_audit": self.pending_audit[-MAX_PENDING_AUDIT:],
        }

    def save(self) -> None:
        data = json.dumps(self.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
        files.write_private(self.path, data)

    # -- slots -----------------------------------------------------------------

    def set_password(self, data_key: bytes, username: str, password: str) -> None:
        self.slots[username] = wrap(data_key, password, "password", username, self.store_id)

    def set_recovery(self, data_key: bytes) -> str:
        code = new_recovery_code()
        self.recovery = wrap(
            data_key, normalize_recovery_code(code), "recovery", RECOVERY, self.store_id
        )
        return code

    def open_with_password(self, username: str, password: str) -> bytes | None:
        slot = self.slots.get(username)
        if slot is None:
            # The same work for an unknown name, so timing does not tell.
            kdf.derive(password, b"\0" * 16, kdf.current())
            return None
        return unwrap(slot, password, self.store_id)

    def open_with_recovery(self, code: str) -> bytes | None:
        if self.recovery is None:
            return None
        return unwrap(self.recovery, normalize_recovery_code(code), self.store_id)


@contextmanager
def updating(path: Path) -> Iterator[KeyFile]:
    """Load, let the caller change, save; all under the file's OS lock."""
    with files.locked(path.with_name(path.name + ".lock")):
        kf = KeyFile.load(path)
        yield kf
        kf.save()


def update(path: Path, fn: Callable[[KeyFile], T]) -> T:
    with updating(path) as kf:
        return fn(kf)
