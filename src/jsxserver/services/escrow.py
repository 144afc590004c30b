"""Key escrow (issue 11): township escrow keys and the stores' sealed data
keys. The server keeps only what it cannot open: public keys, private keys
wrapped under a passphrase it never sees, and blobs sealed to the public
keys (`jsxclient.security.escrow` does all the cryptography).

Who may do what: a township or province administrator whose scope covers
the township sets its key and, signed in online, has a store's blob
released (each release recorded in `escrow_release`); any account of the
township reads the public key and escrows its device's store; a store's
escrow is replaced only from the device that made it or by an administrator.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlmodel import Session, col

from jsxcore.protocol import KeyEscrowRequest, KeyEscrowResponse, TownshipKeyRequest
from jsxcore.protocol import TownshipKey as TownshipKeyOut
from jsxserver.core.errors import ApiError, Reason
from jsxserver.models import EscrowRelease, KeyEscrow, TownshipKey, utcnow
from jsxserver.services.scope import township_of
from jsxserver.services.users import Caller

log = logging.getLogger("jsxserver.escrow")

ADMINS = frozenset({"township_admin", "province_admin"})

NOT_ADMIN = Reason(
    "escrow.forbidden",
    "只有本乡镇的管理员（或省级管理员）可以设置托管密钥或取回托管的数据密钥",
    "Only an administrator of the township (or the province) may set the escrow key "
    "or have an escrowed key released",
)
OUT_OF_SCOPE = Reason(
    "escrow.scope",
    "该乡镇不在您的管辖范围内",
    "That township is outside your area",
)
NO_KEY = Reason(
    "escrow.no_key",
    "本乡镇还没有设置托管密钥，请乡镇管理员先设置",
    "The township has no escrow key yet; its administrator sets one first",
)
NO_ESCROW = Reason(
    "escrow.not_found",
    "服务器上没有这台电脑的数据密钥托管",
    "The server holds no escrowed key for this store",
)
BAD_KEY_ID = Reason(
    "escrow.key_id",
    "托管用的乡镇密钥已不是当前的密钥，请再同步一次",
    "The township key used is not the current one; sync again",
)
FOREIGN = Reason(
    "escrow.foreign",
    "这份托管由另一台设备提交，不能覆盖",
    "This escrow was made by another device and cannot be replaced from this one",
)


def _covers(caller: Caller, code: str) -> bool:
    """The caller's own township (a village account's too), or one inside
    a wider scope."""
    township = township_of(code)
    return township == caller.scope.home_township or caller.scope.contains(township.ljust(12, "0"))


def _township_in_scope(caller: Caller, code: str) -> str:
    if not _covers(caller, code):
        raise ApiError(403, OUT_OF_SCOPE)
    return township_of(code)


def set_township_key(session: Session, caller: Caller, req: TownshipKeyRequest) -> TownshipKeyOut:
    if caller.role not in ADMINS:
        raise ApiError(403, NOT_ADMIN)
    township = _township_in_scope(caller, req.township_code)
    row = TownshipKey(
        township=township,
        public_key=req.public_key,
        wrapped_private=req.wrapped_private,
        created_by=caller.username,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    assert row.id is not None
    log.warning("escrow key %s of township %s set by %s", row.id, township, caller.username)
    return TownshipKeyOut(
        township_code=township.ljust(12, "0"), key_id=row.id, public_key=row.public_key
    )


def current_key(session: Session, caller: Caller, township_code: str | None) -> TownshipKeyOut:
    code = township_code or caller.scope.home_township
    if code is None:
        raise ApiError(404, NO_KEY)
    township = _township_in_scope(caller, code)
    row = _current(session, township)
    if row is None or row.id is None:
        raise ApiError(404, NO_KEY)
    return TownshipKeyOut(
        township_code=township.ljust(12, "0"), key_id=row.id, public_key=row.public_key
    )


def _current(session: Session, township: str) -> TownshipKey | None:
    return session.execute(
        select(TownshipKey)
        .where(col(TownshipKey.township) == township)
        .order_by(col(TownshipKey.id).desc())
        .limit(1)
    ).scalar()


def put(session: Session, caller: Caller, req: KeyEscrowRequest) -> KeyEscrowResponse:
    township = _township_in_scope(caller, req.township_code)
    if req.device_id != caller.device_id:
        raise ApiError(403, FOREIGN)
    key = session.get(TownshipKey, req.key_id)
    if key is None or key.township != township:
        raise ApiError(409, BAD_KEY_ID)
    row = session.get(KeyEscrow, req.store_id)
    if row is not None and row.device_id != caller.device_id and caller.role not in ADMINS:
        raise ApiError(403, FOREIGN)
    if row is None:
        row = KeyEscrow(
            store_id=req.store_id,
            township=township,
            device_id=req.device_id,
            key_id=0,
            sealed="",
            updated_by=caller.username,
        )
    row.township = township
    row.device_id = req.device_id
    row.key_id = req.key_id
    row.sealed = req.sealed
    row.updated_by = caller.username
    row.updated_at = utcnow()
    session.add(row)
    session.commit()
    return KeyEscrowResponse(
        store_id=req.store_id, township_code=township.ljust(12, "0"), key_id=req.key_id
    )


def release(session: Session, caller: Caller, store_id: str) -> KeyEscrowResponse:
    if caller.role not in ADMINS:
        raise ApiError(403, NOT_ADMIN)
    row = session.get(KeyEscrow, store_id)
    # Another township's store answers as a missing one: its id tells nothing.
    if row is None or not _covers(caller, row.township):
        raise ApiError(404, NO_ESCROW)
    key = session.get(TownshipKey, row.key_id)
    assert key is not None
    session.add(
        EscrowRelease(
            store_id=store_id,
            township=row.township,
            key_id=row.key_id,
            released_to=caller.username,
            device_id=caller.device_id,
        )
    )
    session.commit()
    log.warning("escrowed key of store %s released to %s", store_id, caller.username)
    return KeyEscrowResponse(
        store_id=store_id,
        township_code=row.township.ljust(12, "0"),
        key_id=row.key_id,
        sealed=row.sealed,
        wrapped_private=key.wrapped_private,
    )
