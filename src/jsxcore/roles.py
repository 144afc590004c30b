"""Account roles: who may do what. The server checks them on every request,
the client's write path before a change enters the journal."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["province_admin", "county_reviewer", "township_worker", "read_only"]
ROLES: tuple[str, ...] = get_args(Role)
# Roles whose accounts may create, change and delete records.
WRITER_ROLES = frozenset({"province_admin", "township_worker"})


def can_write(role: str | None) -> bool:
    return role in WRITER_ROLES
