"""Server settings, declared once with type, default and description.

Every setting can come from the environment as ``JSXSERVER_<NAME>`` (upper
case), which is how `jsxserver serve --workers N` hands them to its worker
processes. Unknown ``JSXSERVER_*`` variables are an error, so a typo never
silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from jsxcore.version import parse_version

APP_NAME = "jsxserver"
APP_AUTHOR = "hnjsx"
ENV_PREFIX = "JSXSERVER_"
# Six months and a few days: the shortest any history may be kept.
MIN_RETENTION_DAYS = 183


def default_database_url() -> str:
    path = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)) / "jsxserver.db"
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=default_database_url,
        metadata={"doc": "SQLAlchemy URL: sqlite:///PATH or postgresql+psycopg://..."},
    )
    token_days: int = field(default=30, metadata={"doc": "device token lifetime in days"})
    lock_after_failures: int = field(
        default=5, metadata={"doc": "failed logins in a row that lock the account"}
    )
    lock_minutes: int = field(
        default=15, metadata={"doc": "how long a locked account stays locked"}
    )
    pool_size: int = field(default=5, metadata={"doc": "PostgreSQL connections kept per worker"})
    max_overflow: int = field(
        default=10, metadata={"doc": "extra PostgreSQL connections per worker under load"}
    )
    timezone: str = field(
        default="Asia/Shanghai",
        metadata={"doc": "the users' time zone: what 'today' means for date checks"},
    )
    argon2_time_cost: int = field(default=3, metadata={"doc": "argon2id passes per hash"})
    argon2_memory_kib: int = field(
        default=65536, metadata={"doc": "argon2id memory per hash in KiB (RFC 9106: 64 MiB)"}
    )
    offline_scrypt_n: int = field(
        default=2**14, metadata={"doc": "scrypt cost N of offline verifiers (a power of two)"}
    )
    gzip_level: int = field(default=5, metadata={"doc": "gzip level of large responses (1-9)"})
    min_client_version: str = field(
        default="",
        metadata={
            "doc": "refuse clients older than this program version (e.g. 0.2.0) with "
            "426 client.too_old; empty: any version that speaks the protocol"
        },
    )
    latest_client_version: str = field(
        default="",
        metadata={"doc": "the newest client release, shown to workers on older ones"},
    )
    client_download_url: str = field(
        default="",
        metadata={"doc": "where workers download the client installer (an https URL)"},
    )

    auto_migrate: int = field(
        default=1,
        metadata={
            "doc": "1: apply pending schema migrations at start; 0: refuse to start on an "
            "older schema (run `jsxserver admin migrate` as part of the upgrade)"
        },
    )
    read_database_url: str = field(
        default="",
        metadata={
            "doc": "optional read-only URL (a streaming replica) that serves pulls; "
            "empty: pulls read the primary"
        },
    )
    retention_days: int = field(
        default=400,
        metadata={
            "doc": f"days the change log, push records, conflicts, tombstones and scope "
            f"exits are kept (at least {MIN_RETENTION_DAYS})"
        },
    )
    audit_retention_days: int = field(
        default=400,
        metadata={"doc": f"days the server audit log is kept (at least {MIN_RETENTION_DAYS})"},
    )
    threads: int = field(
        default=8,
        metadata={
            "doc": "requests a worker process runs at once (its thread pool; more only "
            "trade CPU for the GIL's hand-offs)"
        },
    )
    auth_cache_ms: int = field(
        default=2000,
        metadata={
            "doc": "how long a worker process trusts a token it checked (0: every request asks "
            "the database); a revocation elsewhere counts within this time"
        },
    )
    access_log: int = field(
        default=1, metadata={"doc": "1: one JSON line per request on the jsxserver.access logger"}
    )

    def __post_init__(self) -> None:
        for name in ("retention_days", "audit_retention_days"):
            if getattr(self, name) < MIN_RETENTION_DAYS:
                raise ValueError(
                    f"{ENV_PREFIX}{name.upper()} must be at least {MIN_RETENTION_DAYS} "
                    "(the audit rules ask for six months)"
                )
        if self.read_database_url and not self.read_database_url.startswith("postgresql"):
            raise ValueError(f"{ENV_PREFIX}READ_DATABASE_URL must be a PostgreSQL URL")
        for name in ("min_client_version", "latest_client_version"):
            value = getattr(self, name)
            if value:
                try:
                    parse_version(value)
                except ValueError:
                    raise ValueError(
                        f"{ENV_PREFIX}{name.upper()} must be a version like 0.2.0, got {value!r}"
                    ) from None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, object] = {}
        for key, raw in env.items():
            if not key.startswith(ENV_PREFIX):
                continue
            name = key[len(ENV_PREFIX) :].lower()
            if name not in fields:
                known = ", ".join(ENV_PREFIX + n.upper() for n in fields)
                raise ValueError(f"unknown setting {key} (known: {known})")
            values[name] = _convert(fields[name], raw, key)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        return {ENV_PREFIX + k.upper(): str(v) for k, v in dataclasses.asdict(self).items()}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _convert(f: dataclasses.Field[object], raw: str, key: str) -> object:
    if f.type in ("int", int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{key} must be a whole number, got {raw!r}") from None
    return raw
