"""Key escrow on the server (issue 11): the township's escrow key and the
stores' sealed data keys, which the server stores but cannot open; released
only to an administrator of the township, and every release recorded."""

from __future__ import annotations

import base64
import secrets
import uuid
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from jsxclient.security import escrow
from tests.server.support import Device, LiveServer

PASSPHRASE = "Escrow-Phrase-2025"


def _put_key(dev: Device, township: str, passphrase: str = PASSPHRASE) -> Any:
    public, wrapped = escrow.township_key(passphrase, township)
    return dev.http.put(
        dev.server.url("/keys/township"),
        json={"township_code": township, "public_key": public, "wrapped_private": wrapped},
        timeout=60,
    )


def _escrow(dev: Device, township: str, store_id: str, key: bytes) -> Any:
    tk = dev.get("/keys/township").json()
    sealed = escrow.seal(tk["public_key"], tk["key_id"], store_id, township, key)
    return dev.http.put(
        dev.server.url("/keys/escrow"),
        json={
            "store_id": store_id,
            "township_code": township,
            "device_id": dev.device_id,
            "key_id": tk["key_id"],
            "sealed": sealed,
        },
        timeout=60,
    )


def _code(r: Any) -> str:
    code: str = r.json()["error"]["code"]
    return code


def test_an_escrowed_key_opens_only_with_the_administrators_passphrase(
    server: LiveServer,
) -> None:
    town = server.fresh_township()
    admin = server.device_for("township_admin", town.code)
    worker = server.device_for("township_worker", town.village)
    assert "key_escrow" in worker.get("/version").json()["features"]
    assert _code(worker.get("/keys/township")) == "escrow.no_key"
    assert _put_key(worker, town.code).status_code == 403  # not an administrator
    assert _put_key(admin, town.code).status_code == 200

    store_id, key = uuid.uuid4().hex, secrets.token_bytes(32)
    put = _escrow(worker, town.code, store_id, key)
    assert put.status_code == 200 and "sealed" not in put.text.replace('"sealed":""', "")
    # Nothing the server holds is the key or opens it.
    with Session(server.db.engine) as s:
        held = " ".join(
            str(v)
            for table in ("key_escrow", "township_key")
            for row in s.execute(text(f"SELECT * FROM {table}"))
            for v in row
        )
    assert key.hex() not in held and base64.b64encode(key).decode() not in held

    assert _code(worker.get("/keys/escrow", params={"store_id": store_id})) == "escrow.forbidden"
    released = admin.get("/keys/escrow", params={"store_id": store_id})
    assert released.status_code == 200, released.text
    body = released.json()
    private = escrow.open_private(body["wrapped_private"], PASSPHRASE, body["township_code"])
    assert escrow.unseal(private, body["sealed"], body["key_id"], store_id, town.code) == key
    try:
        escrow.open_private(body["wrapped_private"], "Wrong-Phrase-2025", town.code)
        raise AssertionError("a wrong passphrase opened the escrow key")
    except escrow.EscrowError:
        pass
    with Session(server.db.engine) as s:
        released_to = s.execute(
            text("SELECT released_to FROM escrow_release WHERE store_id = :s"), {"s": store_id}
        ).scalars()
        assert list(released_to) == [admin.username]


def test_other_townships_and_other_devices_are_refused(server: LiveServer) -> None:
    town, other = server.fresh_township(), server.fresh_township()
    admin = server.device_for("township_admin", town.code)
    stranger = server.device_for("township_admin", other.code)
    worker = server.device_for("township_worker", town.code)
    colleague = server.device_for("township_worker", town.code)
    assert _put_key(admin, town.code).status_code == 200
    assert _code(_put_key(stranger, town.code)) == "escrow.scope"
    store_id = uuid.uuid4().hex
    assert _escrow(worker, town.code, store_id, secrets.token_bytes(32)).status_code == 200
    # A colleague's device cannot replace it (a recovery would then fail).
    r = _escrow(colleague, town.code, store_id, secrets.token_bytes(32))
    assert r.status_code == 403 and _code(r) == "escrow.foreign"
    # Another township's administrator learns nothing, not even that it exists.
    r = stranger.get("/keys/escrow", params={"store_id": store_id})
    assert r.status_code == 404 and _code(r) == "escrow.not_found"


def test_blobs_sealed_to_an_older_key_still_open(server: LiveServer) -> None:
    town = server.fresh_township()
    admin = server.device_for("township_admin", town.code)
    worker = server.device_for("township_worker", town.code)
    assert _put_key(admin, town.code, "First-Phrase-2024").status_code == 200
    store_id, key = uuid.uuid4().hex, secrets.token_bytes(32)
    assert _escrow(worker, town.code, store_id, key).status_code == 200
    assert _put_key(admin, town.code).status_code == 200  # a new key for new escrows
    body = admin.get("/keys/escrow", params={"store_id": store_id}).json()
    private = escrow.open_private(body["wrapped_private"], "First-Phrase-2024", town.code)
    assert escrow.unseal(private, body["sealed"], body["key_id"], store_id, town.code) == key
