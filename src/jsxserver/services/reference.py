"""Reference data for a device: its divisions, the code tables, and the
offline verifiers of its township's users."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session, col

from jsxcore.codes import CODE_TABLES
from jsxcore.divisions import LEVEL_DIGITS
from jsxcore.protocol import DivisionOut, OfflineLogin, ReferenceResponse
from jsxserver.models import AppUser, Division
from jsxserver.services.scope import Scope


def ancestor_codes(code: str) -> list[str]:
    """The 12-digit codes of the province, city, county and township above."""
    out = []
    for digits in LEVEL_DIGITS.values():
        if digits < 12:
            ancestor = code[:digits].ljust(12, "0")
            if ancestor != code:
                out.append(ancestor)
    return out


def reference(session: Session, scope: Scope) -> ReferenceResponse:
    lo, hi = scope.prefix.ljust(12, "0"), scope.prefix.ljust(12, "9")
    divisions = session.execute(
        select(
            col(Division.code),
            col(Division.name),
            col(Division.level),
            col(Division.parent_code),
        )
        .where(
            or_(
                col(Division.code).between(lo, hi),
                col(Division.code).in_(ancestor_codes(scope.division_code)),
            )
        )
        .order_by(col(Division.code))
    ).all()
    township = scope.home_township
    if township is not None:
        users_where: Any = col(AppUser.division_code).startswith(township)
    else:  # wider scopes do not unlock devices for others
        users_where = col(AppUser.username) == scope.username
    users = session.execute(
        select(AppUser)
        .where(users_where, col(AppUser.active), col(AppUser.offline_verifier).is_not(None))
        .order_by(col(AppUser.username))
    ).scalars()
    return ReferenceResponse(
        divisions=[
            DivisionOut(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in divisions
        ],
        code_tables={name: {k: dict(v) for k, v in t.items()} for name, t in CODE_TABLES.items()},
        offline_logins=[
            OfflineLogin(
                username=u.username,
                display_name=u.display_name,
                role=u.role,
                division_code=u.division_code,
                verifier=u.offline_verifier or "",
            )
            for u in users
        ],
    )
