"""The server half of issue 11 at the login: a lockout counted before the
slow hash (parallel guesses get the limit in all), unknown names answered
and locked like real ones, password changes and resets that end the other
sessions, and device ids bound to the township of their account."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlmodel import Session

from jsxserver.services.users import set_password
from tests.server.support import PASSWORD, LiveServer

LIMIT = 5  # Settings.lock_after_failures
WRONG = "Wrong-password-9"
NEW = "Changed-2025!x"


def _login(
    server: LiveServer, username: str, password: str, device_id: str | None = None
) -> requests.Response:
    return requests.post(
        server.url("/auth/login"),
        json={
            "username": username,
            "password": password,
            "device_id": device_id or uuid.uuid4().hex[:16],
        },
        timeout=60,
    )


def _code(r: requests.Response) -> str:
    code: str = r.json()["error"]["code"]
    return code


def _parallel(server: LiveServer, name: str, n: int) -> Counter[int]:
    with ThreadPoolExecutor(n) as pool:
        statuses = list(pool.map(lambda _: _login(server, name, WRONG).status_code, range(n)))
    return Counter(statuses)


def test_twenty_parallel_wrong_logins_get_the_limit_in_all(server: LiveServer) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    got = _parallel(server, name, 20)
    # Each of the first LIMIT attempts reaches the hash: LIMIT - 1 answer
    # "wrong", the LIMIT-th locks; the rest are refused before the hash.
    assert set(got) <= {401, 423}, got
    assert got[401] <= LIMIT - 1, got
    assert got[423] >= 20 - (LIMIT - 1), got
    # The right password is refused too: a lock is not cleared by a success.
    r = _login(server, name, PASSWORD)
    assert r.status_code == 423 and _code(r) == "auth.locked"


def test_parallel_guesses_at_an_unknown_name_lock_it_the_same_way(server: LiveServer) -> None:
    name = f"nobody{uuid.uuid4().hex[:8]}"
    got = _parallel(server, name, 20)
    assert set(got) <= {401, 423}, got
    assert got[401] <= LIMIT - 1, got
    assert _login(server, name, PASSWORD).status_code == 423


def test_unknown_names_answer_and_lock_like_real_ones(server: LiveServer) -> None:
    town = server.fresh_township()
    real = server.make_user("township_worker", town.code)
    unknown = "x" + real[1:]
    answers = {
        who: [(r.status_code, r.json()) for r in (_login(server, who, WRONG) for _ in range(7))]
        for who in (real, unknown)
    }
    assert answers[real] == answers[unknown]
    assert [s for s, _ in answers[real]] == [401] * (LIMIT - 1) + [423] * 3


def test_a_success_forgets_the_failures_before_it(server: LiveServer) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    for _ in range(2):
        for _ in range(LIMIT - 1):
            assert _login(server, name, WRONG).status_code == 401
        assert _login(server, name, PASSWORD).status_code == 200


def _change(server: LiveServer, token: str, old: str, new: str, **extra: str) -> requests.Response:
    return requests.post(
        server.url("/auth/password"),
        json={"old_password": old, "new_password": new, **extra},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def test_a_password_change_ends_the_other_sessions(server: LiveServer) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    here, there = server.login(name), server.login(name)
    assert "password_change" in requests.get(server.url("/version"), timeout=10).json()["features"]

    r = _change(server, here.token, WRONG, NEW)
    assert r.status_code == 401 and _code(r) == "auth.invalid"
    r = _change(server, here.token, PASSWORD, "short")
    assert r.status_code == 422 and _code(r) == "auth.password_weak"
    assert "密码" in r.json()["error"]["zh"]
    assert there.get("/pull").status_code == 200  # nothing changed yet

    assert _change(server, here.token, PASSWORD, NEW).status_code == 204
    gone = there.get("/pull")
    assert gone.status_code == 401 and _code(gone) == "auth.token_invalid"
    assert here.get("/pull").status_code == 200  # the device that changed it stays in
    assert _login(server, name, PASSWORD).status_code == 401
    assert _login(server, name, NEW).status_code == 200


def test_wrong_old_passwords_count_towards_the_lock(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    codes = [_change(server, dev.token, WRONG, NEW).status_code for _ in range(LIMIT)]
    assert codes == [401] * (LIMIT - 1) + [423]
    assert _login(server, dev.username, PASSWORD).status_code == 423


def test_an_admin_reset_ends_every_session(server: LiveServer) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    devices = [server.login(name) for _ in range(2)]
    with Session(server.db.write_engine) as s:
        set_password(s, name, NEW)
    for d in devices:
        r = d.get("/pull")
        assert r.status_code == 401 and _code(r) == "auth.token_invalid"
    assert server.login(name, password=NEW).get("/pull").status_code == 200


def test_a_device_id_of_another_township_is_refused(server: LiveServer) -> None:
    mine, theirs = server.fresh_township(), server.fresh_township()
    victim = server.device_for("township_worker", mine.code)
    attacker = server.make_user("township_worker", theirs.code)
    r = _login(server, attacker, PASSWORD, victim.device_id)
    assert r.status_code == 403 and _code(r) == "auth.device_foreign"
    assert "乡镇" in r.json()["error"]["zh"]
    # The victim was not logged out, and its batches stay its own.
    assert victim.get("/pull").status_code == 200


def test_a_shared_office_pc_serves_the_accounts_of_its_township(server: LiveServer) -> None:
    town = server.fresh_township()
    first = server.device_for("township_worker", town.code)
    colleague = server.make_user("township_admin", town.village)
    shared = server.login(colleague, first.device_id)
    assert shared.get("/pull").status_code == 200
    # Back to the first worker on the same PC.
    assert server.login(first.username, first.device_id).get("/pull").status_code == 200
    # A county reviewer above the township is another scope: refused.
    reviewer = server.make_user("county_reviewer", town.county)
    assert _login(server, reviewer, PASSWORD, first.device_id).status_code == 403
