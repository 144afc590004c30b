"""Sync protocol (v1 to v3): the typed messages the client and the provincial server
exchange. Shared by both sides; `docs/sync-protocol.md` describes the same
thing for implementers in other languages.

All values travel in *wire form*: dates "YYYY-MM-DD", datetimes
"YYYY-MM-DD HH:MM:SS.ffffff", booleans true/false, money as integer fen.
"""

from __future__ import annotations

from typing import Any, Literal, Required

from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict

from jsxcore.roles import Role

# The protocol versions this code speaks: the newest (what a client sends
# unless the server speaks only older ones) and the oldest it still
# understands. A wire-format change adds a version and raises
# PROTOCOL_VERSION; dropping support for an old format raises PROTOCOL_MIN.
# Both sides run `jsxcore.compat`; docs/sync-protocol.md section 1.1.
PROTOCOL_VERSION = 3
PROTOCOL_MIN = 1
# From this version on, pull pages carry one row stamp plus only the field
# stamps that differ from it (jsxcore.wire.compress_stamps); a request in an
# older version gets every field's stamp.
PROTOCOL_ROW_STAMP = 2
# From this version on, a pull page is tables (`PullTables`): per entity the
# data columns once and each row as an array; older versions get `PullPage`.
PROTOCOL_TABLES = 3
API_PREFIX = "/api/v1"

# Request headers in which a client states what it is (every request).
PROTOCOL_HEADER = "X-JSX-Protocol"  # the protocol version this request is written in
SCHEMA_HEADER = "X-JSX-Schema"  # the record schema it knows (jsxcore.entities)
CLIENT_HEADER = "X-JSX-Client"  # the program's version, e.g. 0.2.0

MAX_BATCH_CHANGES = 500
MAX_PULL_LIMIT = 5000
MAX_REQUEST_BYTES = 8 * 1024 * 1024
# The most a reply may be, compressed or once inflated: a client refuses more
# (a 1 MiB gzip bomb would otherwise inflate to gigabytes). A full pull page
# of MAX_PULL_LIMIT rows is a few megabytes.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024

HexId = Field(min_length=8, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- errors ------------------------------------------------------------------


class ErrorBody(_Msg):
    code: str  # stable, e.g. "auth.invalid", "scope.denied", "request.too_large"
    zh: str
    en: str


class ErrorResponse(_Msg):
    error: ErrorBody


# -- auth --------------------------------------------------------------------


class LoginRequest(_Msg):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device_id: str = Field(min_length=4, max_length=64)
    device_name: str = Field(default="", max_length=100)


class UserInfo(_Msg):
    username: str
    display_name: str
    role: Role
    division_code: str  # root of the user's scope
    division_name: str = ""
    scope_prefix: str  # every division code in scope starts with this


class LoginResponse(_Msg):
    token: str
    expires_at: str
    user: UserInfo


class VersionInfo(BaseModel):
    """`GET /version`: what the server speaks and which clients it takes.

    Unknown fields are ignored (not refused, unlike every other message), so a
    newer server can say more without breaking the check of an older client.
    """

    model_config = ConfigDict(extra="ignore")

    protocol: int  # the newest protocol version the server speaks
    server_version: str
    min_client_protocol: int = 1  # the oldest it still speaks
    schema_version: int = 1  # the record schema it holds
    min_client_schema: int = 1  # the oldest record schema of a client it serves
    # Release policy (server settings): clients older than min_client_version
    # are refused with 426 client.too_old; latest_client_version and
    # download_url tell the worker that, and where, a newer program is
    # available.
    min_client_version: str | None = None
    latest_client_version: str | None = None
    download_url: str | None = None
    # Optional parts of the protocol this server implements (FEATURE_*): a
    # client uses them only when listed, so it works with older servers.
    features: list[str] = Field(default_factory=list)


# -- security (issue 11; the server half implements these) --------------------

FEATURE_AUDIT = "audit"  # POST /audit takes AuditPushRequest
FEATURE_KEY_ESCROW = "key_escrow"  # PUT/GET /keys/township and /keys/escrow
FEATURE_PASSWORD_CHANGE = "password_change"  # POST /auth/password

MAX_AUDIT_ENTRIES = 500

AuditResult = Literal["ok", "failure", "refused"]


class AuditEntryWire(_Msg):
    """One entry of a device's audit log (`jsxclient.store.audit`): the
    server stores it as is, keyed by (device, id), so a resend is harmless."""

    id: int = Field(ge=1)  # the device's own sequence
    at: str = Field(max_length=26)  # device local time, "YYYY-MM-DD HH:MM:SS"
    user: str = Field(max_length=64)
    device: str = Field(max_length=64)
    action: str = Field(max_length=20)
    object: str = Field(default="", max_length=300)
    result: AuditResult
    detail: str = Field(default="", max_length=1000)
    # The device's hash chain (jsxcore.auditchain): the entry before's hash
    # and this one's, which the server checks.
    prev_hash: str = Field(min_length=64, max_length=64)
    hash: str = Field(min_length=64, max_length=64)


class AuditPushRequest(_Msg):
    device: str = Field(max_length=64)
    entries: list[AuditEntryWire] = Field(max_length=MAX_AUDIT_ENTRIES)


class AuditPushResponse(_Msg):
    # The highest entry id the server now holds for this device; the client
    # sends from there next time.
    stored_through: int


_TOWNSHIP = Field(min_length=12, max_length=12, pattern=r"^[0-9]{12}$")
_B64_KEY = Field(min_length=44, max_length=44, pattern=r"^[A-Za-z0-9+/]{43}=$")


class TownshipKeyRequest(_Msg):
    """PUT /keys/township (a township or province administrator): the
    township's escrow public key, and its private half wrapped on the
    administrator's computer under an escrow passphrase the server never
    sees (`jsxclient.security.escrow`). A new key replaces the current one
    for new escrows; blobs sealed to older keys stay openable with theirs."""

    township_code: str = _TOWNSHIP
    public_key: str = _B64_KEY  # X25519, base64 of 32 bytes
    wrapped_private: str = Field(min_length=1, max_length=2000)  # opaque to the server


class TownshipKey(_Msg):
    """GET /keys/township[?township_code=]: the current escrow public key of
    the caller's township (any account of it), what devices seal to."""

    township_code: str
    key_id: int
    public_key: str


class KeyEscrowRequest(_Msg):
    """PUT /keys/escrow: the device's store data key sealed to its
    township's public key `key_id` (X25519 + HKDF-SHA256 + AES-256-GCM): the
    server stores a blob it cannot open."""

    store_id: str = HexId
    township_code: str = _TOWNSHIP
    device_id: str = Field(min_length=4, max_length=64)
    key_id: int = Field(ge=1)
    sealed: str = Field(min_length=16, max_length=400)  # base64


class KeyEscrowResponse(_Msg):
    """The reply to PUT (no secrets), and to GET /keys/escrow?store_id=,
    which releases `sealed` and the key's `wrapped_private` only to a
    township or province administrator whose scope covers the township,
    signed in online; every release is recorded."""

    store_id: str
    township_code: str
    key_id: int
    sealed: str = ""
    wrapped_private: str = ""


class PasswordChangeRequest(_Msg):
    """POST /auth/password: change the signed-in user's server password
    (the server revokes the user's other tokens)."""

    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


# -- push --------------------------------------------------------------------


class Change(_Msg):
    change_id: str = HexId
    entity: str = Field(max_length=32)
    row_id: str = HexId
    op: Literal["insert", "update", "delete"]
    fields: dict[str, Any]  # new values; for a delete {"deleted": true}
    old: dict[str, Any]  # the values this device saw before: the merge base
    hlc: str = Field(max_length=96)
    device: str = Field(max_length=64)
    user: str = Field(default="", max_length=64)


class PushRequest(_Msg):
    batch_id: str = HexId  # idempotency key: a replayed batch gets the same answer
    device: str = Field(max_length=64)
    changes: list[Change] = Field(max_length=MAX_BATCH_CHANGES)


class FieldConflict(_Msg):
    field: str
    base: Any = None
    mine: Any = None  # the pushed value
    theirs: Any = None  # the value the server held
    winner: Literal["mine", "theirs"]  # as seen by the pushing device
    theirs_hlc: str | None = None
    theirs_device: str | None = None


ChangeStatus = Literal["applied", "merged", "conflict", "rejected"]


class ChangeResult(_Msg):
    change_id: str
    status: ChangeStatus
    seq: int | None = None  # server sequence of the row after this change
    conflicts: list[FieldConflict] = Field(default_factory=list)
    # The row's data after the change (merged and conflict results), so the
    # device adopts exactly what the server holds.
    server: dict[str, Any] | None = None
    field_hlc: dict[str, str] | None = None
    reason_code: str | None = None  # rejected: why, for the worker to fix
    reason_zh: str | None = None
    reason_en: str | None = None
    reason_field: str | None = None


class PushResponse(_Msg):
    batch_id: str
    results: list[ChangeResult]
    server_seq: int


# -- pull and bootstrap ------------------------------------------------------


class PulledRow(_Msg):
    entity: str
    id: str
    seq: int
    # False: the row has left this device's scope (a family moved to another
    # township); the device drops it once its own pending edits are pushed.
    in_scope: bool = True
    deleted: bool = False
    data: dict[str, Any] | None = None  # data fields; None when not in scope
    # Protocol 1: every field's stamp. Protocol 2: `hlc` is the row stamp and
    # field_hlc holds only the fields whose stamp differs (None: no stamp);
    # jsxcore.wire.expand_stamps gives back every field's stamp.
    hlc: str | None = None
    field_hlc: dict[str, str | None] = Field(default_factory=dict)
    updated_at: str | None = None
    updated_device: str | None = None
    updated_user: str | None = None


class PullResponse(_Msg):
    rows: list[PulledRow]
    cursor: int  # pass back as ?cursor= for the next page
    more: bool  # another page is ready now
    server_seq: int


# The same page as plain dicts (validated just as strictly), for a reader
# that applies tens of thousands of rows and needs no object per row (the
# client's bootstrap). Keys left out take PulledRow's defaults.
@with_config(ConfigDict(extra="forbid"))
class PulledRowDict(TypedDict, total=False):
    entity: Required[str]
    id: Required[str]
    seq: Required[int]
    in_scope: bool
    deleted: bool
    data: dict[str, Any] | None
    hlc: str | None
    field_hlc: dict[str, str | None]
    updated_at: str | None
    updated_device: str | None
    updated_user: str | None


@with_config(ConfigDict(extra="forbid"))
class PullPage(TypedDict):
    rows: list[PulledRowDict]
    cursor: int
    more: bool
    server_seq: int


# Protocol 3 (PROTOCOL_TABLES): the same rows as tables, per entity and set
# of data fields the data columns once and each row as an array:
#   [id, value of each column..., row stamp, updated_at, updated_device,
#    updated_user, seq]
# (TABLE_TAIL items after the values; "deleted" is always a column, the
# record's flag). `stamps` holds, by row id, only the rows whose field
# stamps are not all the row stamp: the exceptions, as in protocol 2.
# `exits` are the rows that left the scope: [entity, id, seq].
# docs/sync-protocol.md section 3.5; jsxcore.wire.table_rows reads them
# back as PulledRowDict.
TABLE_TAIL = 5


class PullTable(TypedDict):
    entity: str
    columns: list[str]
    rows: list[list[Any]]
    stamps: dict[str, dict[str, str | None]]


class PullTables(TypedDict):
    tables: list[PullTable]
    exits: list[list[Any]]
    cursor: int
    more: bool
    server_seq: int


# -- transfers between townships ----------------------------------------------

FEATURE_TRANSFER = "transfer"  # POST/GET /transfers, POST /transfers/{id}/accept|refuse

TransferStatus = Literal["pending", "accepted", "refused", "cancelled"]


class TransferRow(_Msg):
    entity: str = Field(max_length=32)
    row_id: str = HexId


class TransferRequest(_Msg):
    """POST /transfers: records of the caller's township offered to another
    one (a family moving away). Nothing moves until a worker of the
    receiving township accepts; a push cannot move a record out of its
    township (it is refused with ``scope.transfer_required``)."""

    rows: list[TransferRow] = Field(min_length=1, max_length=MAX_BATCH_CHANGES)
    to_division: str = Field(min_length=12, max_length=12, pattern=r"^[0-9]{12}$")
    note: str = Field(default="", max_length=200)


class TransferInfo(_Msg):
    id: int
    status: TransferStatus
    from_township: str
    to_division: str
    rows: list[TransferRow]
    note: str = ""
    requested_by: str
    requested_at: str
    decided_by: str | None = None
    decided_at: str | None = None
    # What the receiving side is asked to take: the records' data while
    # pending, for both sides to see.
    records: list[PulledRow] = Field(default_factory=list)


class TransferList(_Msg):
    incoming: list[TransferInfo]  # to a township of the caller's scope
    outgoing: list[TransferInfo]  # from one


# -- reference data ----------------------------------------------------------


class DivisionOut(_Msg):
    code: str
    name: str
    level: str
    parent_code: str | None = None


class OfflineLogin(_Msg):
    """What a device keeps so a township's users can unlock it offline: a
    verifier derived from the password, never the password itself."""

    username: str
    display_name: str
    role: str
    division_code: str
    verifier: str  # scrypt$N$r$p$salt_hex$hash_hex


class ReferenceResponse(_Msg):
    divisions: list[DivisionOut]
    code_tables: dict[str, dict[str, dict[str, str]]]
    offline_logins: list[OfflineLogin] = Field(default_factory=list)


# -- reports upward ------------------------------------------------------------
# Monthly reports travel as `monthlyreport` records; these routes are the
# county's side: what was submitted in its area, the answer, the sum.


class TargetsResponse(_Msg):
    """`GET /reports/targets`: the target overrides set for the caller's
    division and those above it (division code -> indicator -> target)."""

    targets: dict[str, dict[str, float]] = Field(default_factory=dict)


class ReportSummary(_Msg):
    id: str
    division_code: str
    division_name: str
    period: str
    state: str
    submitted_by: str | None = None
    submitted_at: str | None = None
    review_comment: str | None = None
    reviewed_by: str | None = None
    reviewed_at: str | None = None


class ReportListResponse(_Msg):
    reports: list[ReportSummary]


class ReviewRequest(_Msg):
    state: Literal["accepted", "returned"]
    comment: str = Field(default="", max_length=500)


class AggregateResponse(_Msg):
    """The sum of the reports submitted (or accepted) in a division's area:
    a snapshot (`jsxcore.indicators.figures.to_snapshot`) whose parts are the
    townships, and the townships that have not submitted."""

    snapshot: dict[str, Any]
    missing: list[DivisionOut] = Field(default_factory=list)
