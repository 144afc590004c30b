"""Server tables, on their own SQLModel registry so they never mix with the
client's tables in ``SQLModel.metadata`` (both live in one process in tests).

Records of every entity share one generic table: the server never interprets
a record beyond its division (the scope key) and the per-field merge, so a new
client field needs no server migration. ``data`` holds the data fields in wire
form, ``field_hlc`` the clock stamp of each field's last write.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

JsonType = JSON().with_variant(JSONB(), "postgresql")

SEQ_COUNTER = "seq"
# The highest seq whose history (tombstones, scope exits) retention removed:
# a device whose cursor is below it must bootstrap again (410).
HORIZON_COUNTER = "horizon"
# PostgreSQL sequence of record seqs (SQLite keeps ``counter.seq``).
SEQ_SEQUENCE = "record_seq"
# A 64-bit key that autoincrements on SQLite too (only INTEGER PRIMARY KEY does).
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they are all UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def wire_time(value: datetime) -> str:
    """A server timestamp in wire form (UTC, no zone suffix)."""
    return as_utc(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _json(nullable: bool = False) -> Any:
    return Field(sa_column=Column(JsonType, nullable=nullable))


class ServerModel(SQLModel, registry=registry()):
    pass


metadata = ServerModel.metadata


# -- records and their history ------------------------------------------------


class Record(ServerModel, table=True):
    __tablename__ = "record"
    __table_args__ = (
        Index("ix_record_township_seq", "township", "seq"),
        Index("ix_record_seq", "seq"),
    )

    entity: str = Field(primary_key=True, max_length=32)
    id: str = Field(primary_key=True, max_length=64)
    township: str = Field(max_length=9)  # first 9 digits of division_code
    division_code: str = Field(max_length=12)
    data: dict[str, Any] = _json()
    field_hlc: dict[str, str] = _json()
    deleted: bool = False
    seq: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_device: str = Field(default="", max_length=64)
    updated_user: str = Field(default="", max_length=64)


class ChangeLog(ServerModel, table=True):
    """Every pushed change, applied or not: who, when, which device, old -> new."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_row", "entity", "row_id"),
        Index("ix_change_log_received_at", "received_at"),  # retention
    )

    change_id: str = Field(primary_key=True, max_length=64)
    # Not indexed: nothing reads the log by seq or batch (migration 0005).
    seq: int | None = Field(default=None, sa_type=BigInteger)
    batch_id: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    row_id: str = Field(max_length=64)
    op: str = Field(max_length=8)
    fields: dict[str, Any] = _json()
    old: dict[str, Any] = _json()
    hlc: str = Field(max_length=96)
    device: str = Field(max_length=64)
    username: str = Field(max_length=64)
    received_at: datetime = Field(default_factory=utcnow)
    status: str = Field(max_length=10)
    result: dict[str, Any] = _json()


class ScopeExit(ServerModel, table=True):
    """A row left ``division_code`` (and so maybe ``township``) at ``seq``.

    Written on every change of a row's division; a pull reports it only to
    pullers whose scope held the old division but not the row's current one."""

    __tablename__ = "scope_exit"
    __table_args__ = (Index("ix_scope_exit_township_seq", "township", "seq"),)

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    entity: str = Field(max_length=32)
    row_id: str = Field(max_length=64)
    township: str = Field(max_length=9)
    division_code: str = Field(max_length=12)


class PushBatch(ServerModel, table=True):
    __tablename__ = "push_batch"
    __table_args__ = (Index("ix_push_batch_created_at", "created_at"),)  # retention

    batch_id: str = Field(primary_key=True, max_length=64)
    device: str = Field(max_length=64)
    response: dict[str, Any] = _json()
    created_at: datetime = Field(default_factory=utcnow)


class Counter(ServerModel, table=True):
    __tablename__ = "counter"

    name: str = Field(primary_key=True, max_length=32)
    value: int = Field(default=0, sa_type=BigInteger)


class PushOpen(ServerModel, table=True):
    """A PostgreSQL push transaction still open: it may yet commit seqs above
    ``floor``, so pulls stop at ``floor`` until it ends (services/sequence.py).
    Written and deleted in their own short transactions around the push."""

    __tablename__ = "push_open"

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    floor: int = Field(sa_type=BigInteger)
    pid: int
    started_at: datetime = Field(default_factory=utcnow)


class AuditEvent(ServerModel, table=True):
    """Append-only server audit: logins and failures, pulls (who read which
    scope, how many rows), admin actions. Triggers refuse updates and the
    deletion of anything younger than the retention floor (migration 0002)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_user_at", "username", "at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    at: datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=32)
    username: str = Field(default="", max_length=64)
    device: str = Field(default="", max_length=64)
    address: str = Field(default="", max_length=64)
    scope: str = Field(default="", max_length=12)
    rows: int | None = None
    detail: dict[str, Any] = _json()


class ServerConflict(ServerModel, table=True):
    """A field both sides changed; kept so reviewers can see what lost."""

    __tablename__ = "server_conflict"
    __table_args__ = (
        Index("ix_server_conflict_row", "entity", "row_id"),
        Index("ix_server_conflict_created_at", "created_at"),  # retention
    )

    id: int | None = Field(default=None, primary_key=True)
    change_id: str = Field(max_length=64)
    seq: int | None = Field(default=None, sa_type=BigInteger)
    entity: str = Field(max_length=32)
    row_id: str = Field(max_length=64)
    field: str = Field(max_length=64)
    base: Any = _json(nullable=True)
    mine: Any = _json(nullable=True)
    theirs: Any = _json(nullable=True)
    winner: str = Field(max_length=6)
    mine_hlc: str = Field(max_length=96)
    theirs_hlc: str | None = Field(default=None, max_length=96)
    device: str = Field(max_length=64)
    username: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Transfer(ServerModel, table=True):
    """Records offered by one township to another: moved only when a worker
    of the receiving township accepts (a push cannot move a record out of
    its township)."""

    __tablename__ = "transfer"
    __table_args__ = (
        Index("ix_transfer_to", "to_township", "status"),
        Index("ix_transfer_from", "from_township", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    from_township: str = Field(max_length=9)
    to_township: str = Field(max_length=9)
    to_division: str = Field(max_length=12)
    rows: list[list[str]] = _json()  # [[entity, row_id], ...]
    note: str = Field(default="", max_length=200)
    status: str = Field(default="pending", max_length=10)
    requested_by: str = Field(max_length=64)
    requested_device: str = Field(max_length=64)
    requested_at: datetime = Field(default_factory=utcnow)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = None


class ClientAudit(ServerModel, table=True):
    """Audit entries uploaded by devices (POST /audit), as each device wrote
    them: keyed by (device, the device's own id), so a resend is harmless.
    Append-only: triggers refuse every UPDATE, and a DELETE of entries
    received less than six months ago (MLPS 2.0, as the client keeps its own
    log; the triggers are made by migration 0004_security).
    ``chain_ok`` is False where the device's hash chain does not hold (an
    entry altered or removed on the device before the upload)."""

    __tablename__ = "client_audit"
    __table_args__ = (
        Index("ix_client_audit_received", "received_at"),
        Index("ix_client_audit_user", "username", "at"),
    )

    device: str = Field(primary_key=True, max_length=64)
    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    at: str = Field(max_length=26)  # the device's local time, as written there
    username: str = Field(max_length=64)
    entry_device: str = Field(max_length=64)  # the entry's own device field
    action: str = Field(max_length=20)
    object: str = Field(default="", max_length=300)
    result: str = Field(max_length=10)
    detail: str = Field(default="", max_length=1000)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    chain_ok: bool = True
    uploaded_by: str = Field(max_length=64)
    township: str = Field(default="", max_length=9)  # the uploader's, for scoped viewing
    received_at: datetime = Field(default_factory=utcnow)


class TownshipKey(ServerModel, table=True):
    """A township's escrow public key; its private half only as the
    administrator's computer wrapped it (the server cannot unwrap it).
    The newest row of a township is its current key."""

    __tablename__ = "township_key"

    id: int | None = Field(default=None, primary_key=True)  # the key id
    township: str = Field(max_length=9, index=True)
    public_key: str = Field(max_length=44)
    wrapped_private: str = Field(max_length=2000)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class KeyEscrow(ServerModel, table=True):
    """A store's data key sealed to its township's key `key_id`."""

    __tablename__ = "key_escrow"

    store_id: str = Field(primary_key=True, max_length=64)
    township: str = Field(max_length=9, index=True)
    device_id: str = Field(max_length=64)
    key_id: int
    sealed: str = Field(max_length=400)
    updated_by: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


class EscrowRelease(ServerModel, table=True):
    """Every release of an escrowed key: to whom, from which device, when."""

    __tablename__ = "escrow_release"

    id: int | None = Field(default=None, primary_key=True)
    store_id: str = Field(max_length=64, index=True)
    township: str = Field(max_length=9)
    key_id: int
    released_to: str = Field(max_length=64)
    device_id: str = Field(max_length=64)
    released_at: datetime = Field(default_factory=utcnow)


# -- users and devices --------------------------------------------------------


class AppUserBase(ServerModel):
    username: str = Field(primary_key=True, max_length=64)
    display_name: str = Field(default="", max_length=100)
    role: str = Field(max_length=20)  # one of ROLES
    division_code: str = Field(max_length=12)
    active: bool = True


class AppUser(AppUserBase, table=True):
    __tablename__ = "app_user"

    password_hash: str = Field(max_length=255)
    offline_verifier: str | None = Field(default=None, max_length=255)
    failed_count: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class LoginThrottle(ServerModel, table=True):
    """Failed logins of user names that do not exist, counted like a real
    account's (`AppUser.failed_count`), so a lock does not tell which names
    exist. Keyed by a hash: people type passwords into the name field."""

    __tablename__ = "login_throttle"

    name_hash: str = Field(primary_key=True, max_length=64)
    failed_count: int = 0
    locked_until: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class AppUserCreate(AppUserBase):
    password: str


class DeviceBase(ServerModel):
    id: str = Field(primary_key=True, max_length=64)  # the client's device id
    username: str = Field(max_length=64, index=True)
    name: str = Field(default="", max_length=100)


class Device(DeviceBase, table=True):
    __tablename__ = "device"

    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


# -- reference -----------------------------------------------------------------


class Division(ServerModel, table=True):
    __tablename__ = "division"

    code: str = Field(primary_key=True, max_length=12)
    name: str = Field(max_length=60)
    level: str = Field(max_length=10)
    parent_code: str | None = Field(default=None, max_length=12, index=True)


class IndicatorTarget(ServerModel, table=True):
    """A target a county (or city, or the province) sets for an indicator in
    its area, overriding the shipped default (jsxcore.indicators.targets)."""

    __tablename__ = "indicator_target"

    division_code: str = Field(primary_key=True, max_length=12)
    indicator: str = Field(primary_key=True, max_length=40)
    value: float
    updated_at: datetime = Field(default_factory=utcnow)


# Core tables, for bulk statements (typed, unlike ``Model.__table__``).
RECORD_TABLE = metadata.tables["record"]
CHANGE_LOG_TABLE = metadata.tables["change_log"]
SCOPE_EXIT_TABLE = metadata.tables["scope_exit"]
SERVER_CONFLICT_TABLE = metadata.tables["server_conflict"]
DIVISION_TABLE = metadata.tables["division"]
USER_TABLE = metadata.tables["app_user"]
DEVICE_TABLE = metadata.tables["device"]
CLIENT_AUDIT_TABLE = metadata.tables["client_audit"]
LOGIN_THROTTLE_TABLE = metadata.tables["login_throttle"]
AUDIT_TABLE = metadata.tables["audit_log"]
PUSH_BATCH_TABLE = metadata.tables["push_batch"]
