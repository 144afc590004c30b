"""Account roles: who may do what. The server checks them on every request,
the client's write path (`jsxclient.store.store.Tx`) before a change enters
the journal, and the desktop hides or disables what a role cannot do. All
three ask `allowed` here, so they cannot disagree.

- province_admin: everything.
- township_admin: every record, subsidy rates included; the accounts on the
  device, the audit log, the township's escrow key, restores, reveals,
  backups, import, export, print.
- township_worker: every record but subsidy rates; reveal, backup, import,
  export, print, sync.
- county_reviewer: only the review fields of care subsidies and monthly reports; reveal,
  export, print, sync.
- read_only: no record; export and print (masked), sync (pull).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Role = Literal[
    "province_admin", "county_reviewer", "township_admin", "township_worker", "read_only"
]
ROLES: tuple[str, ...] = get_args(Role)

Action = Literal[
    "create",  # a record
    "update",
    "delete",
    "reveal",  # show a masked ID number, mobile or bank account in full
    "export",
    "import",
    "print",
    "backup",
    "restore",
    "sync",
    "audit_view",
    "manage_accounts",  # add or remove workers on this computer, unlock, recovery code
    "escrow_key",  # make the township's key escrow key (the server checks it too)
]
ACTIONS: tuple[str, ...] = get_args(Action)
RECORD_ACTIONS = frozenset({"create", "update", "delete"})

# Roles whose accounts may create, change and delete records (a county
# reviewer's review fields are the one narrower case, see `allowed`; the
# server's push takes changes from both, each checked by `allowed`).
WRITER_ROLES = frozenset({"province_admin", "township_admin", "township_worker"})

# Configuration a township administrator keeps, not the data-entry worker.
ADMIN_ENTITIES = frozenset({"subsidyrate"})

# What a county reviewer may change: the review of a care subsidy.
REVIEW_FIELDS: dict[str, frozenset[str]] = {
    "caresubsidy": frozenset({"status", "reviewer", "paid_on"}),
    # The county's answer to a township's monthly report.
    "monthlyreport": frozenset({"state", "review_comment", "reviewed_by", "reviewed_at"}),
}

_OTHER: dict[str, frozenset[str]] = {
    "province_admin": frozenset(ACTIONS) - RECORD_ACTIONS,
    "township_admin": frozenset(ACTIONS) - RECORD_ACTIONS,
    "township_worker": frozenset({"reveal", "backup", "import", "export", "print", "sync"}),
    "county_reviewer": frozenset({"reveal", "export", "print", "sync"}),
    "read_only": frozenset({"export", "print", "sync"}),
}

ROLE_LABELS: dict[str, tuple[str, str]] = {
    "province_admin": ("省级管理员", "Province administrator"),
    "county_reviewer": ("县级审核员", "County reviewer"),
    "township_admin": ("乡镇管理员", "Township administrator"),
    "township_worker": ("乡镇录入员", "Data-entry worker"),
    "read_only": ("只读用户", "Read-only viewer"),
}

_ACTION_LABELS: dict[str, tuple[str, str]] = {
    "create": ("新增记录", "add records"),
    "update": ("修改记录", "change records"),
    "delete": ("删除记录", "delete records"),
    "reveal": ("查看完整证件号码", "see full ID numbers"),
    "export": ("导出", "export"),
    "import": ("导入", "import"),
    "print": ("打印", "print"),
    "backup": ("备份", "make backups"),
    "restore": ("从备份恢复", "restore backups"),
    "sync": ("同步", "sync"),
    "audit_view": ("查看操作日志", "view the audit log"),
    "manage_accounts": ("管理本机账号", "manage the accounts on this computer"),
    "escrow_key": ("设置本乡镇的托管密钥", "set the township's escrow key"),
}


def can_write(role: str | None) -> bool:
    """Whether the role may change records in general."""
    return role in WRITER_ROLES


def may_push(role: str | None) -> bool:
    """Whether the server takes pushes from the role at all (the push gate):
    the writers, and a county reviewer for its review fields; each change is
    then checked with `allowed`."""
    return can_write(role) or role in _REVIEWERS


_REVIEWERS = frozenset({"county_reviewer"})

_OP_ACTIONS = {"insert": "create", "update": "update", "delete": "delete"}


def op_action(op: str) -> str:
    return _OP_ACTIONS.get(op, op)


def change_allowed(role: str | None, op: str, entity: str, fields: set[str]) -> bool:
    """`allowed` for one synced change (op insert, update or delete)."""
    action = _OP_ACTIONS.get(op)
    return action is not None and allowed(
        role, action, entity, fields if action == "update" else None
    )


def allowed(
    role: str | None,
    action: str,
    entity: str | None = None,
    fields: frozenset[str] | set[str] | None = None,
) -> bool:
    """May `role` do `action` (to `entity`, changing `fields`)? Unknown roles
    and actions may do nothing."""
    if role not in ROLES or action not in ACTIONS:
        return False
    if action not in RECORD_ACTIONS:
        return action in _OTHER[role]
    if role == "province_admin":
        return True
    if role in ("township_admin", "township_worker"):
        return role == "township_admin" or entity not in ADMIN_ENTITIES
    if role == "county_reviewer":
        review = REVIEW_FIELDS.get(entity or "")
        return (
            action == "update"
            and review is not None
            and fields is not None
            and (set(fields) <= review)
        )
    return False


def may_edit(role: str | None, entity: str) -> bool:
    """Whether the role may change some field of `entity` (the desktop
    enables a form's Save on this; `allowed` decides per change)."""
    if allowed(role, "update", entity):
        return True
    return role == "county_reviewer" and entity in REVIEW_FIELDS


@dataclass(frozen=True)
class Refusal:
    """Why a role may not do something, in Chinese and English."""

    code: str
    zh: str
    en: str


def refusal(role: str | None, action: str, entity: str | None = None) -> Refusal:
    zh_role, en_role = ROLE_LABELS.get(role or "", ("未登录用户", "a signed-out user"))
    zh_act, en_act = _ACTION_LABELS.get(action, (action, action))
    what_zh = f"（{entity}）" if entity else ""
    what_en = f" ({entity})" if entity else ""
    return Refusal(
        "role.forbidden",
        f"当前账号（{zh_role}）无权{zh_act}{what_zh}",
        f"This account ({en_role}) may not {en_act}{what_en}",
    )


def role_label(role: str | None, lang: str = "zh") -> str:
    zh, en = ROLE_LABELS.get(role or "", (role or "", role or ""))
    return en if lang.lower().startswith("en") else zh
