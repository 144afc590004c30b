"""Login, lockout, logout, revoked and expired tokens, protocol version."""

from __future__ import annotations

import uuid
from datetime import timedelta

import requests
from sqlalchemy import update
from sqlmodel import Session

from jsxcore.compat import MIN_CLIENT_SCHEMA
from jsxcore.entities import SCHEMA_VERSION
from jsxcore.protocol import PROTOCOL_MIN, PROTOCOL_VERSION, LoginResponse, VersionInfo
from jsxserver.core.security import check_offline_verifier
from jsxserver.models import Device as DeviceRow
from jsxserver.models import utcnow
from jsxserver.services.users import revoke_device
from tests.server.support import PASSWORD, LiveServer


def _login(
    server: LiveServer, username: str, password: str, device_id: str | None = None
) -> requests.Response:
    # A device id of its own: an id is bound to the township that used it.
    device_id = device_id or f"dev-{uuid.uuid4().hex[:12]}"
    return requests.post(
        server.url("/auth/login"),
        json={"username": username, "password": password, "device_id": device_id},
        timeout=30,
    )


def _error(r: requests.Response) -> str:
    body = r.json()
    assert set(body) == {"error"} and body["error"]["zh"] and body["error"]["en"]
    code: str = body["error"]["code"]
    return code


def test_health_and_version(server: LiveServer) -> None:
    r = requests.get(server.url("/health"), timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    v = VersionInfo.model_validate(requests.get(server.url("/version"), timeout=10).json())
    assert v.protocol == PROTOCOL_VERSION and v.min_client_protocol == PROTOCOL_MIN
    # Schema 2 added an entity older clients skip: they are still served.
    assert v.schema_version == SCHEMA_VERSION and v.min_client_schema == MIN_CLIENT_SCHEMA == 1
    assert v.min_client_version is None and v.download_url is None  # no release policy set


def test_login_returns_token_and_scope(server: LiveServer) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    r = _login(server, name, PASSWORD)
    assert r.status_code == 200
    resp = LoginResponse.model_validate(r.json())
    assert resp.user.username == name
    assert resp.user.role == "township_worker"
    assert resp.user.scope_prefix == town.code[:9]
    assert resp.user.division_name
    assert len(resp.token) >= 40


def test_wrong_password_and_unknown_user_look_alike(server: LiveServer) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    wrong = _login(server, name, "Not-the-password-1")
    nobody = _login(server, "nobody-" + name, "Not-the-password-1")
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()
    assert _error(wrong) == "auth.invalid"


def test_lockout_after_five_failures_and_unlock(server: LiveServer) -> None:
    from jsxserver.cli import main as cli

    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    codes = [_login(server, name, "Wrong-password-9").status_code for _ in range(5)]
    assert codes == [401, 401, 401, 401, 423]
    locked = _login(server, name, PASSWORD)  # even the right password
    assert locked.status_code == 423
    assert _error(locked) == "auth.locked"
    assert "锁定" in locked.json()["error"]["zh"]
    assert cli(["--database", server.database_url, "admin", "unlock-user", name]) == 0
    assert _login(server, name, PASSWORD).status_code == 200


def test_success_resets_the_failure_count(server: LiveServer) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    for _ in range(4):
        assert _login(server, name, "Wrong-password-9").status_code == 401
    assert _login(server, name, PASSWORD).status_code == 200
    for _ in range(4):
        assert _login(server, name, "Wrong-password-9").status_code == 401
    assert _login(server, name, PASSWORD).status_code == 200


def test_logout_revokes_the_token(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    assert dev.get("/pull").status_code == 200
    r = dev.http.post(server.url("/auth/logout"), timeout=10)
    assert r.status_code == 204
    after = dev.get("/pull")
    assert after.status_code == 401
    assert _error(after) == "auth.token_invalid"
    # Logging in again on the same device works.
    assert server.login(dev.username, dev.device_id).get("/pull").status_code == 200


def test_revoked_device_cannot_use_its_token_or_log_in(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    with Session(server.db.write_engine) as s:
        revoke_device(s, dev.device_id)
    r = dev.get("/pull")
    assert r.status_code == 401
    assert _error(r) == "auth.device_revoked"
    again = _login(server, dev.username, PASSWORD, dev.device_id)
    assert again.status_code == 403
    assert _error(again) == "auth.device_revoked"
    # Another device of the same user is unaffected.
    assert server.login(dev.username).get("/pull").status_code == 200


def test_expired_token(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    with Session(server.db.write_engine) as s:
        s.execute(
            update(DeviceRow)
            .where(DeviceRow.id == dev.device_id)  # type: ignore[arg-type]
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        s.commit()
    r = dev.get("/pull")
    assert r.status_code == 401
    assert _error(r) == "auth.token_expired"


def test_missing_and_garbage_tokens(server: LiveServer) -> None:
    for path in ("/pull", "/reference"):
        r = requests.get(server.url(path), timeout=10)
        assert r.status_code == 401 and _error(r) == "auth.required"
        r = requests.get(server.url(path), headers={"Authorization": "Bearer nonsense"}, timeout=10)
        assert r.status_code == 401 and _error(r) == "auth.token_invalid"
    r = requests.post(
        server.url("/push"), json={"batch_id": "abcdefgh", "device": "d", "changes": []}, timeout=10
    )
    assert r.status_code == 401


def test_disabled_user(server: LiveServer) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code, active=False)
    r = _login(server, name, PASSWORD)
    assert r.status_code == 403 and _error(r) == "auth.user_disabled"


def test_protocol_header(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    assert dev.get("/pull", headers={"X-JSX-Protocol": "1"}).status_code == 200
    assert dev.get("/pull", headers={"X-JSX-Protocol": "2"}).status_code == 200
    assert dev.get("/pull", headers={"X-JSX-Protocol": "3"}).status_code == 200
    # Newer than the server speaks (or unreadable): the server is too old.
    for bad in ("4", "x"):
        r = dev.get("/pull", headers={"X-JSX-Protocol": bad})
        assert r.status_code == 426, bad
        assert _error(r) == "protocol.incompatible"
    # Older than the server still speaks: the client must update.
    r = dev.get("/pull", headers={"X-JSX-Protocol": "0"})
    assert r.status_code == 426 and _error(r) == "client.too_old"
    assert "请更新" in r.json()["error"]["zh"]
    r = requests.post(
        server.url("/auth/login"), headers={"X-JSX-Protocol": "4"}, json={}, timeout=10
    )
    assert r.status_code == 426
    # The record schema is checked the same way.
    newer = str(SCHEMA_VERSION + 1)
    r = dev.get("/pull", headers={"X-JSX-Protocol": "1", "X-JSX-Schema": newer})
    assert r.status_code == 426 and _error(r) == "protocol.incompatible"
    r = dev.get("/pull", headers={"X-JSX-Protocol": "1", "X-JSX-Schema": "0"})
    assert r.status_code == 426 and _error(r) == "client.too_old"
    # /version answers whatever the client says: it is how a client finds out.
    r = requests.get(server.url("/version"), headers={"X-JSX-Protocol": "9"}, timeout=10)
    assert r.status_code == 200 and r.json()["protocol"] == PROTOCOL_VERSION


def test_offline_verifier_matches_password(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    ref = dev.get("/reference").json()
    (mine,) = [o for o in ref["offline_logins"] if o["username"] == dev.username]
    assert mine["verifier"].startswith("scrypt$")
    assert check_offline_verifier(mine["verifier"], PASSWORD)
    assert not check_offline_verifier(mine["verifier"], PASSWORD + "x")


def test_login_refuses_unstorable_text_and_bad_device_ids(server: LiveServer) -> None:
    r = _login(server, "nul\u0000", "Whatever-123")
    assert r.status_code == 400 and _error(r) == "request.bad_text"
    r = _login(server, "\ud800x", "Whatever-123")  # pydantic refuses it as a str
    assert r.status_code == 422 and _error(r) == "request.invalid"
    r = _login(server, "someone", "Whatever-123", device_id="bad id with spaces")
    assert r.status_code == 422 and _error(r) == "request.invalid"
