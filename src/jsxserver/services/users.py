"""Accounts, logins and devices.

Lock counters live in the database and change by single UPDATE statements,
so several worker processes count failures together.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    and_,
    bindparam,
    case,
    delete,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
    LOGIN_THROTTLE_TABLE,
    USER_TABLE,
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
    # A reset is what an administrator does when a password may be known
    # to someone else: every session of the account ends.
    revoke_tokens(session, username)
    session.commit()
    forget_callers()


def revoke_tokens(session: Session, username: str, keep_device: str | None = None) -> int:
    """End the account's sessions on every device but `keep_device`
    (uncommitted: the caller commits, then calls `forget_callers`); how many
    ended."""
    stmt = update(Device).where(
        col(Device.username) == username, col(Device.token_hash).is_not(None)
    )
    if keep_device is not None:
        stmt = stmt.where(col(Device.id) != keep_device)
    result = session.execute(stmt.values(token_hash=None))
    return int(cast(CursorResult[Any], result).rowcount or 0)


def change_password(db: Database, settings: Settings, caller: Caller, old: str, new: str) -> None:
    """The signed-in user's own change: the old password is checked (and
    counted against the lock like a login), the new one must follow the
    rule; the user's sessions on other devices end."""
    now = utcnow()
    with Session(db.engine) as session:
        user = session.get(AppUser, caller.username)
    check_password(db, settings, caller.username, user, old, now)
    problem = password_problem(new)
    if problem is not None:
        raise ApiError(422, E.weak_password(problem.zh, problem.en))
    if new == old:
        raise ApiError(422, E.PASSWORD_REUSED)
    with Session(db.write_engine) as session:
        fresh = session.get(AppUser, caller.username)
        assert fresh is not None
        fresh.password_hash = hash_password(new)
        fresh.offline_verifier = offline_verifier(new)
        session.add(fresh)
        revoke_tokens(session, caller.username, keep_device=caller.device_id)
        session.commit()
    forget_callers()


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
    user = check_password(db, settings, req.username, user, req.password, now)
    if not user.active:
        raise ApiError(403, E.USER_DISABLED)

    token = new_token()
    expires = now + timedelta(days=settings.token_days)
    with Session(db.write_engine) as session:
        fresh = session.get(AppUser, user.username)
        assert fresh is not None
        if needs_rehash(fresh.password_hash):
            fresh.password_hash = hash_password(req.password)
        if not fresh.offline_verifier:
            fresh.offline_verifier = offline_verifier(req.password)
        session.add(fresh)
        device = session.get(Device, req.device_id)
        if device is not None and device.revoked_at is not None:
            session.rollback()
            raise ApiError(403, E.DEVICE_REVOKED)
        if device is not None and not _may_share(session, device.username, fresh):
            session.rollback()
            raise ApiError(403, E.DEVICE_FOREIGN)
        if device is None:
            device = Device(id=req.device_id, username=user.username, created_at=now)
        device.username = user.username
        device.name = req.device_name or device.name
        device.token_hash = token_hash(token)
        device.expires_at = expires
        device.last_seen = now
        session.add(device)
        session.commit()
        forget_callers()  # the device's previous token ended with this one
        info = user_info(session, fresh)
    return LoginResponse(token=token, expires_at=wire_time(expires), user=info)


def _may_share(session: Session, holder: str, user: AppUser) -> bool:
    """Whether `user` may take over a device id last used by `holder`: the
    same account, or an account of the same township (a shared office PC
    keeps one device id for all its workers). A device id seen in pulled
    rows is not a way into another township's device, its batch ids or
    their stored answers."""
    if holder == user.username:
        return True
    other = session.get(AppUser, holder)
    if other is None:
        return False
    mine, theirs = _township(session, user), _township(session, other)
    return mine is not None and mine == theirs


def _township(session: Session, user: AppUser) -> str | None:
    division = session.get(Division, user.division_code)
    level = division.level if division is not None else level_of_code(user.division_code)
    return Scope(user.username, user.role, user.division_code, level).home_township


# -- the lockout -----------------------------------------------------------------
#
# An attempt is counted as a failure *before* the slow hash, in one
# statement that also refuses a locked name; a success then gives back what
# it counted. So parallel guesses get `lock_after_failures` tries in all
# (the statement serialises them on the row), and a right password cannot
# clear a lock it was refused by. Unknown names are counted the same way in
# `login_throttle` and checked against a dummy hash of the same cost: the
# answers and the time taken do not tell which names exist.


def check_password(
    db: Database,
    settings: Settings,
    username: str,
    user: AppUser | None,
    password: str,
    now: datetime,
) -> AppUser:
    """`user` when `password` is theirs; raises 401 or 423 (locked) otherwise.
    Every call counts against the name's lock until it succeeds."""
    count = _reserve(db, settings, username, user is not None, now)
    if count is None:
        raise ApiError(423, E.locked(_minutes_locked(db, settings, username, user, now)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        if count >= settings.lock_after_failures:
            raise ApiError(423, E.locked(settings.lock_minutes))
        raise ApiError(401, E.AUTH_INVALID)
    _give_back(db, settings, username, count)
    return user


def _name_hash(username: str) -> str:
    return hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()


def _reserve(
    db: Database, settings: Settings, username: str, known: bool, now: datetime
) -> int | None:
    """Count one attempt; the count including it, or None when locked."""
    table = USER_TABLE if known else LOGIN_THROTTLE_TABLE
    c = table.c
    expired = and_(c.locked_until.is_not(None), c.locked_until <= now)
    count = case((expired, 1), else_=c.failed_count + 1)
    until = literal(now + timedelta(minutes=settings.lock_minutes), c.locked_until.type)
    lock = case((count >= settings.lock_after_failures, until), else_=null())
    open_ = or_(c.locked_until.is_(None), c.locked_until <= now)
    with Session(db.write_engine) as session:
        if known:
            stmt: Any = (
                update(table)
                .where(c.username == username, open_)
                .values(failed_count=count, locked_until=lock)
                .returning(c.failed_count)
            )
        else:
            # Names nobody tried for a day are forgotten, so guessed names
            # do not pile up.
            session.execute(
                delete(table).where(
                    c.updated_at < now - timedelta(days=1),
                    or_(c.locked_until.is_(None), c.locked_until < now),
                )
            )
            first = settings.lock_after_failures <= 1
            ins = _upsert(db)(table).values(
                name_hash=_name_hash(username),
                failed_count=1,
                locked_until=now + timedelta(minutes=settings.lock_minutes) if first else None,
                updated_at=now,
            )
            stmt = ins.on_conflict_do_update(
                index_elements=[c.name_hash],
                set_={"failed_count": count, "locked_until": lock, "updated_at": now},
                where=open_,
            ).returning(c.failed_count)
        got = session.execute(stmt).scalar()
        session.commit()
    return None if got is None else int(got)


def _upsert(db: Database) -> Any:
    return sqlite_insert if db.is_sqlite else pg_insert


def _give_back(db: Database, settings: Settings, username: str, count: int) -> None:
    """A success: forget this attempt and the failures before it. Attempts
    counted after it stay counted; only the one that reached the limit (no
    other could be counted after it) lifts the lock it set."""
    c = USER_TABLE.c
    with Session(db.write_engine) as session:
        values: dict[str, Any] = {
            "failed_count": case((c.failed_count > count, c.failed_count - count), else_=0)
        }
        if count >= settings.lock_after_failures:
            values["locked_until"] = None
        session.execute(update(USER_TABLE).where(c.username == username).values(**values))
        session.commit()


def _minutes_locked(
    db: Database, settings: Settings, username: str, user: AppUser | None, now: datetime
) -> int:
    with Session(db.engine) as session:
        if user is not None:
            until = session.execute(
                select(USER_TABLE.c.locked_until).where(USER_TABLE.c.username == username)
            ).scalar()
        else:
            until = session.execute(
                select(LOGIN_THROTTLE_TABLE.c.locked_until).where(
                    LOGIN_THROTTLE_TABLE.c.name_hash == _name_hash(username)
                )
            ).scalar()
    if until is None:
        return settings.lock_minutes
    return max(1, math.ceil((as_utc(until) - now).total_seconds() / 60))


# Token checks remembered per process: (monotonic deadline, caller, token
# expiry) by token hash. A revocation, logout, login or password change made
# through this process forgets them all once committed; one made by another
# worker process or the admin command counts within ``_auth_ttl`` seconds
# (JSXSERVER_AUTH_CACHE_MS, 0 = every request asks the database). A check
# that read the database before such a forget is not remembered (the
# generation it started in has passed), so it cannot bring a token back.
_auth_cache: dict[str, tuple[float, Caller, datetime]] = {}
_auth_ttl = [0.0]
_auth_gen = [0]
_AUTH_CACHE_MAX = 20_000


def configure_auth_cache(milliseconds: int) -> None:
    _auth_ttl[0] = max(0, milliseconds) / 1000
    _auth_cache.clear()


def forget_callers() -> None:
    """Every remembered token check (a token or an account changed): call it
    after the change is committed."""
    _auth_gen[0] += 1
    _auth_cache.clear()


def cached_caller(token: str) -> Caller | None:
    """The caller of a token checked within the last ``_auth_ttl`` seconds
    and not expired since; None means: ask ``authenticate``."""
    if not _auth_ttl[0]:
        return None
    hit = _auth_cache.get(token_hash(token))
    if hit is None:
        return None
    deadline, caller, expires = hit
    if time.monotonic() > deadline or expires <= utcnow():
        return None
    return caller


def authenticate(db: Database, token: str) -> Caller:
    now = utcnow()
    hashed, gen = token_hash(token), _auth_gen[0]
    # The primary, never a replica: a revocation or a new login counts at once.
    # The columns it needs, no ORM objects: every request of every device
    # runs this.
    with db.engine.connect() as conn:
        found = conn.execute(_AUTH.params(token_hash=hashed)).first()
    if found is None:
        raise ApiError(401, E.TOKEN_INVALID, _BEARER)
    device, user, level = found, found, found.level
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
    caller = Caller(
        user.username, user.display_name, user.role, user.division_code, device.id, scope
    )
    if _auth_ttl[0] and gen == _auth_gen[0]:
        if len(_auth_cache) >= _AUTH_CACHE_MAX:
            _auth_cache.clear()
        _auth_cache[hashed] = (
            time.monotonic() + _auth_ttl[0],
            caller,
            as_utc(device.expires_at),
        )
    return caller


_BEARER = {"WWW-Authenticate": "Bearer"}
_AUTH = (
    select(
        col(Device.id),
        col(Device.revoked_at),
        col(Device.expires_at),
        col(Device.last_seen),
        col(AppUser.username),
        col(AppUser.display_name),
        col(AppUser.role),
        col(AppUser.division_code),
        col(AppUser.active),
        col(Division.level),
    )
    .join(AppUser, col(AppUser.username) == col(Device.username))
    .outerjoin(Division, col(Division.code) == col(AppUser.division_code))
    .where(col(Device.token_hash) == bindparam("token_hash"))
)


def logout(db: Database, device_id: str) -> None:
    with Session(db.write_engine) as session:
        session.execute(update(Device).where(col(Device.id) == device_id).values(token_hash=None))
        session.commit()
    forget_callers()


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
    forget_callers()
