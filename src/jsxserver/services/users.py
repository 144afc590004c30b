"""Accounts, logins and devices.

Lock counters live in the database and change by single UPDATE statements,
so several worker processes count failures together.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlmodel import Session, col

from jsxcore.divisions import level_of_code
from jsxcore.protocol import LoginRequest, LoginResponse, UserInfo
from jsxcore.roles import ROLES
from jsxserver.core import errors as E
from jsxserver.core.config import Settings
from jsxserver.core.db import Database
from jsxserver.core.errors import ApiError
from jsxserver.core.security import (
    hash_password,
    needs_rehash,
    new_token,
    offline_verifier,
    password_problem,
    token_hash,
    verify_password,
)
from jsxserver.models import (
    AppUser,
    AppUserCreate,
    Device,
    Division,
    as_utc,
    utcnow,
    wire_time,
)
from jsxserver.services.scope import Scope

USERNAME_RE = re.compile(r"[A-Za-z0-9_.@-]{2,64}", re.ASCII)
DEVICE_ID_RE = re.compile(r"[A-Za-z0-9_.:-]{4,64}", re.ASCII)
# A device's last_seen is refreshed at most this often, so pulls stay reads.
LAST_SEEN_EVERY = timedelta(minutes=5)


class UserError(ValueError):
    """A bad admin request (CLI): the text says what to fix."""


@dataclass(frozen=True)
class Caller:
    """The authenticated user and device of a request."""

    username: str
    display_name: str
    role: str
    division_code: str
    device_id: str
    scope: Scope


def create_user(session: Session, new: AppUserCreate) -> AppUser:
    if not USERNAME_RE.fullmatch(new.username):
        raise UserError("username: 2-64 letters, digits or . _ @ -")
    if new.role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    division = session.get(Division, new.division_code)
    if division is None:
        raise UserError(
            f"unknown division {new.division_code!r} (run `jsxserver admin import-divisions` first)"
        )
    if new.role in ("township_worker", "township_admin") and division.level not in (
        "township",
        "village",
    ):
        raise UserError(f"a {new.role}'s division must be a township or a village")
    problem = password_problem(new.password)
    if problem is not None:
        raise UserError(problem.en)
    if session.get(AppUser, new.username) is not None:
        raise UserError(f"user {new.username!r} already exists")
    user = AppUser(
        username=new.username,
        display_name=new.display_name or new.username,
        role=new.role,
        division_code=new.division_code,
        active=new.active,
        password_hash=hash_password(new.password),
        offline_verifier=offline_verifier(new.password),
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def set_password(session: Session, username: str, password: str) -> None:
    problem = password_problem(password)
    if problem is not None:
        raise UserError(problem.en)
    user = session.get(AppUser, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    user.password_hash = hash_password(password)
    user.offline_verifier = offline_verifier(password)
    user.failed_count = 0
    user.locked_until = None
    session.add(user)
    session.commit()


def unlock_user(session: Session, username: str) -> None:
    result = session.execute(
        update(AppUser)
        .where(col(AppUser.username) == username)
        .values(failed_count=0, locked_until=None)
    )
    if cast(CursorResult[Any], result).rowcount == 0:
        raise UserError(f"no user {username!r}")
    session.commit()


def user_info(session: Session, user: AppUser) -> UserInfo:
    division = session.get(Division, user.division_code)
    level = division.level if division is not None else level_of_code(user.division_code)
    scope = Scope(user.username, user.role, user.division_code, level)
    return UserInfo(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        division_code=user.division_code,
        division_name=division.name if division else "",
        scope_prefix=scope.prefix,
    )


# -- login and tokens ------------------------------------------------------------


def login(db: Database, settings: Settings, req: LoginRequest) -> LoginResponse:
    now = utcnow()
    if not DEVICE_ID_RE.fullmatch(req.device_id):
        raise ApiError(422, E.invalid_request("device_id: 4-64 letters, digits or . _ : -"))
    with Session(db.engine) as session:
        user = session.get(AppUser, req.username)
    # No transaction is held during the slow hash check.
    if user is not None and user.locked_until is not None and as_utc(user.locked_until) > now:
        minutes = math.ceil((as_utc(user.locked_until) - now).total_seconds() / 60)
        raise ApiError(423, E.locked(minutes))
    ok = verify_password(user.password_hash if user else None, req.password)
    if user is None:
        raise ApiError(401, E.AUTH_INVALID)
    if not ok:
        if _count_failure(db, settings, user.username, now):
            raise ApiError(423, E.locked(settings.lock_minutes))
        raise ApiError(401, E.AUTH_INVALID)
    if not user.active:
        raise ApiError(403, E.USER_DISABLED)

    token = new_token()
    expires = now + timedelta(days=settings.token_days)
    with Session(db.write_engine) as session:
        fresh = session.get(AppUser, user.username)
        assert fresh is not None
        fresh.failed_count = 0
        fresh.locked_until = None
        if needs_rehash(fresh.password_hash):
            fresh.password_hash = hash_password(req.password)
        if not fresh.offline_verifier:
            fresh.offline_verifier = offline_verifier(req.password)
        session.add(fresh)
        device = session.get(Device, req.device_id)
        if device is not None and device.revoked_at is not None:
            session.rollback()
            raise ApiError(403, E.DEVICE_REVOKED)
        if device is None:
            device = Device(id=req.device_id, username=user.username, created_at=now)
        device.username = user.username
        device.name = req.device_name or device.name
        device.token_hash = token_hash(token)
        device.expires_at = expires
        device.last_seen = now
        session.add(device)
        session.commit()
        info = user_info(session, fresh)
    return LoginResponse(token=token, expires_at=wire_time(expires), user=info)


def _count_failure(db: Database, settings: Settings, username: str, now: datetime) -> bool:
    """Count a failed login; True when it locked the account."""
    with Session(db.write_engine) as session:
        count = session.execute(
            update(AppUser)
            .where(col(AppUser.username) == username)
            .values(failed_count=col(AppUser.failed_count) + 1)
            .returning(col(AppUser.failed_count))
        ).scalar_one()
        locked = count >= settings.lock_after_failures
        if locked:
            session.execute(
                update(AppUser)
                .where(col(AppUser.username) == username)
                .values(failed_count=0, locked_until=now + timedelta(minutes=settings.lock_minutes))
            )
        session.commit()
    return locked


def authenticate(db: Database, token: str) -> Caller:
    now = utcnow()
    # The primary, never a replica: a revocation or a new login counts at once.
    with Session(db.engine) as session:
        found = session.execute(
            select(Device, AppUser, col(Division.level))
            .join(AppUser, col(AppUser.username) == col(Device.username))
            .outerjoin(Division, col(Division.code) == col(AppUser.division_code))
            .where(col(Device.token_hash) == token_hash(token))
        ).first()
    if found is None:
        raise ApiError(401, E.TOKEN_INVALID, _BEARER)
    device, user, level = found
    if device.revoked_at is not None:
        raise ApiError(401, E.DEVICE_REVOKED, _BEARER)
    if device.expires_at is None or as_utc(device.expires_at) <= now:
        raise ApiError(401, E.TOKEN_EXPIRED, _BEARER)
    if not user.active:
        raise ApiError(403, E.USER_DISABLED)
    if device.last_seen is None or now - as_utc(device.last_seen) > LAST_SEEN_EVERY:
        with Session(db.write_engine) as session:
            session.execute(update(Device).where(col(Device.id) == device.id).values(last_seen=now))
            session.commit()
    scope = Scope(
        user.username, user.role, user.division_code, level or level_of_code(user.division_code)
    )
    return Caller(user.username, user.display_name, user.role, user.division_code, device.id, scope)


_BEARER = {"WWW-Authenticate": "Bearer"}


def logout(db: Database, device_id: str) -> None:
    with Session(db.write_engine) as session:
        session.execute(update(Device).where(col(Device.id) == device_id).values(token_hash=None))
        session.commit()


# -- devices (admin) ---------------------------------------------------------------


def list_devices(session: Session, username: str | None = None) -> list[Device]:
    stmt = select(Device).order_by(col(Device.username), col(Device.id))
    if username:
        stmt = stmt.where(col(Device.username) == username)
    return list(session.execute(stmt).scalars())


def revoke_device(session: Session, device_id: str, restore: bool = False) -> None:
    # The token hash stays so the device is told it was revoked, not just
    # logged out.
    values: dict[str, Any] = {"revoked_at": None if restore else utcnow()}
    result = session.execute(update(Device).where(col(Device.id) == device_id).values(**values))
    if cast(CursorResult[Any], result).rowcount == 0:
        raise UserError(f"no device {device_id!r}")
    session.commit()
