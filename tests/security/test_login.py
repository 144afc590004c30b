"""Signing in on the device: passwords, the lockout (persisted, race-free,
the same answer for unknown names), password changes that re-wrap, and the
recovery code that keeps unsynced changes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from jsxclient.security import vault
from jsxclient.security.keyfile import KeyFile, keyfile_path
from jsxclient.store import accounts, audit
from jsxclient.store.accounts import Account

from .conftest import PASSWORD, USER, add_people


def _failures(path: Path) -> list[dict[str, object]]:
    return [e for e in KeyFile.load(keyfile_path(path)).pending_audit if e["result"] != "ok"]


def test_right_and_wrong_passwords(secure_path: Path) -> None:
    with pytest.raises(vault.LoginError) as wrong:
        vault.unlock(secure_path, USER, "Wrong-passw0rd")
    with pytest.raises(vault.LoginError) as unknown:
        vault.unlock(secure_path, "nobody", "Wrong-passw0rd")
    # An unknown name gets the same answer as a wrong password.
    assert wrong.value.code == unknown.value.code == "login.invalid"
    assert wrong.value.zh == unknown.value.zh
    s = vault.unlock(secure_path, USER, PASSWORD)
    assert s.role == "township_worker" and s.store.user == USER
    s.close()


def test_lockout_after_five_failures_survives_a_restart(secure_path: Path) -> None:
    for _ in range(vault.MAX_FAILURES - 1):
        with pytest.raises(vault.LoginError, match="Wrong"):
            vault.unlock(secure_path, USER, "Wrong-passw0rd")
    with pytest.raises(vault.LoginError) as fifth:
        vault.unlock(secure_path, USER, "Wrong-passw0rd")
    assert fifth.value.code == "login.locked"
    # Persisted in the key file: a new process (a fresh load) sees the lock,
    # and even the right password is refused until it ends.
    assert KeyFile.load(keyfile_path(secure_path)).failures[USER].locked_until
    with pytest.raises(vault.LoginError) as right:
        vault.unlock(secure_path, USER, PASSWORD)
    assert right.value.code == "login.locked"
    # Unknown names lock the same way.
    for _ in range(vault.MAX_FAILURES):
        with pytest.raises(vault.LoginError):
            vault.unlock(secure_path, "nobody", "x")
    with pytest.raises(vault.LoginError) as ghost:
        vault.unlock(secure_path, "nobody", "x")
    assert ghost.value.code == "login.locked"


def test_parallel_guesses_get_five_tries_in_all(secure_path: Path) -> None:
    results: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def guess(i: int) -> None:
        start.wait()
        try:
            vault.unlock(secure_path, USER, f"Guess-{i}-passw0rd")
            outcome = "ok"
        except vault.LoginError as exc:
            outcome = exc.code
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 16 and "ok" not in results
    tried = [e for e in _failures(secure_path) if e["result"] == "failure"]
    assert len(tried) <= vault.MAX_FAILURES  # tries beyond were refused before the KDF
    with pytest.raises(vault.LoginError, match=r"locked|锁定"):
        vault.unlock(secure_path, USER, PASSWORD)


def test_failed_sign_ins_reach_the_audit_log_once(secure_path: Path) -> None:
    for _ in range(2):
        with pytest.raises(vault.LoginError):
            vault.unlock(secure_path, USER, "Wrong-passw0rd")
    s = vault.unlock(secure_path, USER, PASSWORD)
    conn = s.store.db.connection()
    logins = audit.entries(conn, action="login")
    assert [e.result for e in logins][-3:] == ["failure", "failure", "ok"]
    s.close()
    again = vault.unlock(secure_path, USER, PASSWORD)
    fails = [
        e for e in audit.entries(again.store.db.connection(), action="login") if e.result != "ok"
    ]
    assert len(fails) == 2  # flushed once, not again at the next sign-in
    assert not KeyFile.load(keyfile_path(secure_path)).pending_audit
    again.close()


def test_changing_the_password_rewraps_the_key(session: vault.Session) -> None:
    path = session.path
    with pytest.raises(vault.LoginError) as weak:
        vault.change_password(session, PASSWORD, "short")
    assert weak.value.code == "password.weak"
    with pytest.raises(vault.LoginError):
        vault.change_password(session, "Not-the-0ld-one", "N3w-Passw0rd!")
    vault.change_password(session, PASSWORD, "N3w-Passw0rd!")
    session.close()
    with pytest.raises(vault.LoginError):
        vault.unlock(path, USER, PASSWORD)
    s = vault.unlock(path, USER, "N3w-Passw0rd!")
    assert s.key == session.key  # the same data key: nothing was re-encrypted
    s.close()


def test_forgotten_password_recovery_keeps_unsynced_changes(
    tmp_path: Path,
) -> None:
    from jsxclient.store.reference import init_township

    from ..conftest import TOWNSHIP

    path = tmp_path / "s.db"
    s, code = vault.create(path, USER, PASSWORD, role="township_worker")
    init_township(s.store, TOWNSHIP)
    ids = add_people(s)
    pending = s.store.pending_count()
    assert pending > 0
    s.close()
    # The worker forgot the password.
    with pytest.raises(vault.LoginError):
        vault.recover(path, "WRONG-CODE0-00000-00000-00000", USER, "N3w-Passw0rd!")
    again, new_code = vault.recover(path, code.lower().replace("-", " "), USER, "N3w-Passw0rd!")
    assert again.store.pending_count() == pending
    assert again.store.get("person", ids["a"]) is not None
    again.close()
    assert new_code != code
    with pytest.raises(vault.LoginError):  # the used code is replaced
        vault.recover(path, code, USER, "An0ther-Passw0rd")
    vault.unlock(path, USER, "N3w-Passw0rd!").close()
    third, _ = vault.recover(path, new_code, USER, "An0ther-Passw0rd")
    third.close()


def test_a_colleague_the_server_knows_is_added_offline(session: vault.Session) -> None:
    from jsxserver.core.security import offline_verifier

    with session.store.transaction() as tx:
        accounts.upsert(
            tx.conn,
            Account("li", "李娜", "read_only", "", "server", offline_verifier("Li-passw0rd")),
        )
    with pytest.raises(vault.LoginError):
        vault.register_server_user(session, "li", "wrong")
    with pytest.raises(vault.LoginError):  # unknown to the server: never added
        vault.register_server_user(session, "stranger", "Li-passw0rd")
    vault.register_server_user(session, "li", "Li-passw0rd")
    li = vault.unlock(session.path, "li", "Li-passw0rd")
    assert li.role == "read_only"  # the server's role, not the adder's
    li.close()


def test_only_an_administrator_manages_accounts(session: vault.Session) -> None:
    from jsxclient.store.store import Forbidden

    with pytest.raises(Forbidden):
        vault.new_recovery_code(session)
    with pytest.raises(Forbidden):
        vault.unlock_user(session, "li")
