"""The local audit log: one append-only entry per audited action (time,
user, device, action, object, result), kept at least six months.

Audited: logins and failed logins, unlocks, sign-outs, reveals of masked
numbers, record creates, updates and deletes (by `Tx`, in the same
transaction as the change), imports, exports, prints, backups, restores,
syncs, account changes. Details never hold a full ID number or mobile
(`jsxcore.masking.mask_text`).

Each entry's hash covers its fields and the previous entry's hash, so
`verify` finds an entry altered or removed with the file open in another
tool. Entries are sent to the server when it supports it (`jsxclient.sync.audit`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from jsxcore.auditchain import GENESIS, digest
from jsxcore.masking import mask_text

AuditAction = Literal[
    "login",
    "unlock",
    "logout",
    "lock",
    "password",
    "recover",
    "account",
    "reveal",
    "create",
    "update",
    "delete",
    "import",
    "export",
    "print",
    "backup",
    "restore",
    "sync",
    "migrate",
]
Result = Literal["ok", "failure", "refused"]

KEEP_DAYS = 183  # at least six months (MLPS 2.0); the triggers enforce it
PRUNE_AFTER_DAYS = 400


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    device: str
    action: str
    object: str
    result: str
    detail: str


def now_text() -> str:
    return datetime.now().isoformat(sep=" ", timespec="seconds")


def record(
    conn: sqlite3.Connection,
    *,
    user: str,
    device: str,
    action: AuditAction,
    obj: str = "",
    result: Result = "ok",
    detail: str = "",
    at: str | None = None,
) -> int:
    """Append one entry (inside the caller's transaction, if any)."""
    at = at or now_text()
    detail = mask_text(detail)[:1000]
    obj = mask_text(obj)[:300]
    r = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev = r[0] if r else GENESIS
    h = digest(prev, at, user, device, action, obj, result, detail)
    cur = conn.execute(
        "INSERT INTO audit(at, user, device, action, object, result, detail, prev_hash, hash) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        (at, user, device, action, obj, result, detail, prev, h),
    )
    return int(cur.lastrowid or 0)


def entries(
    conn: sqlite3.Connection,
    *,
    after_id: int = 0,
    limit: int = 1000,
    action: str | None = None,
    user: str | None = None,
    newest_first: bool = False,
) -> list[AuditEntry]:
    conds, params = ["id > ?"], [after_id]
    if action:
        conds.append("action = ?")
        params.append(action)  # type: ignore[arg-type]
    if user:
        conds.append("user = ?")
        params.append(user)  # type: ignore[arg-type]
    order = "DESC" if newest_first else "ASC"
    rows = conn.execute(
        "SELECT id, at, user, device, action, object, result, detail FROM audit "
        f"WHERE {' AND '.join(conds)} ORDER BY id {order} LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [AuditEntry(*r) for r in rows]


def verify(conn: sqlite3.Connection) -> list[str]:
    """Problems with the chain (empty when whole). The first entry kept may
    follow pruned ones, so its own link is not checked."""
    problems: list[str] = []
    prev: str | None = None
    for row in conn.execute(
        "SELECT id, at, user, device, action, object, result, detail, prev_hash, hash "
        "FROM audit ORDER BY id"
    ):
        i, at, user, device, action, obj, result, detail, prev_hash, h = row
        if prev is not None and prev_hash != prev:
            problems.append(f"audit: entry {i} does not follow the one before (removed?)")
        if digest(prev_hash, at, user, device, action, obj, result, detail) != h:
            problems.append(f"audit: entry {i} was altered")
        prev = h
    return problems


def prune(conn: sqlite3.Connection, keep_days: int = PRUNE_AFTER_DAYS) -> int:
    """Drop entries older than `keep_days` (never younger than six months:
    the trigger refuses)."""
    keep_days = max(keep_days, KEEP_DAYS + 1)
    cutoff = (datetime.now() - timedelta(days=keep_days)).isoformat(sep=" ", timespec="seconds")
    return int(conn.execute("DELETE FROM audit WHERE at < ?", (cutoff,)).rowcount)
