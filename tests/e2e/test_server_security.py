"""The server half of issue 11 seen from real client stores and the CLI,
against a `jsxserver serve` process: a password change reaches the server
and ends the account's other sessions, the audit log is uploaded, and a
store's key escrowed for its township administrator."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from sqlmodel import Session

from jsxclient.cli.exitcodes import ExitCode
from jsxclient.security import vault
from jsxclient.sync.errors import AuthExpiredError
from jsxserver.services.users import set_password
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import PASSWORD, ServerProcess, encrypt, person

NEW = "Changed-2025!x"


def _run(
    store: Path, *args: str, password: str = PASSWORD, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jsxclient.cli", "--store", str(store), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "JSXCLIENT_USER": "", "JSXCLIENT_PASSWORD": password, **env},
    )


def _login(server: ServerProcess, user: str, password: str) -> int:
    r = requests.post(
        f"{server.url}/api/v1/auth/login",
        json={"username": user, "password": password, "device_id": uuid.uuid4().hex[:16]},
        timeout=60,
    )
    return r.status_code


def test_a_password_change_on_a_connected_store_reaches_the_server(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, _villages = server.fresh_township()
    user = server.make_user(township)
    laptop = make_device(user, "laptop")
    encrypt(laptop)
    laptop.close()
    office = make_device(user, "office")  # the same account on a second computer

    done = _run(laptop.path, "password", JSXCLIENT_NEW_PASSWORD=NEW)
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    assert "服务器" in done.stdout and "server" in done.stdout

    assert _login(server, user, PASSWORD) == 401
    assert _login(server, user, NEW) == 200
    with pytest.raises(AuthExpiredError):
        office.sync()  # its session ended with the change
    vault.unlock(laptop.path, user, NEW).close()
    again = _run(laptop.path, "sync", password=NEW)  # this computer's session stays
    assert again.returncode == ExitCode.OK, again.stdout + again.stderr


def test_a_change_the_server_refuses_changes_nothing_here(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, _villages = server.fresh_township()
    user = server.make_user(township)
    laptop = make_device(user, "laptop")
    encrypt(laptop)
    laptop.close()
    # The administrator reset the server password meanwhile (this ends the
    # laptop's session too: its change cannot be sent).
    assert server.db is not None
    with Session(server.db.write_engine) as s:
        set_password(s, user, "Reset-by-admin-7")
    refused = _run(laptop.path, "password", JSXCLIENT_NEW_PASSWORD=NEW)
    assert refused.returncode == ExitCode.AUTH, refused.stdout + refused.stderr
    assert "未修改" in refused.stderr
    vault.unlock(laptop.path, user, PASSWORD).close()  # the old one still opens it
    assert _login(server, user, "Reset-by-admin-7") == 200


def _server_audit(server: ServerProcess, device: str) -> list[tuple[int, str, bool]]:
    assert server.db is not None
    with Session(server.db.engine) as s:
        return [
            (r[0], r[1], bool(r[2]))
            for r in s.execute(
                text("SELECT id, action, chain_ok FROM client_audit WHERE device=:d ORDER BY id"),
                {"d": device},
            )
        ]


def test_a_sync_uploads_the_audit_log(server: ServerProcess, make_device: MakeDevice) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    laptop = make_device(user, "laptop")
    encrypt(laptop)
    with laptop.store.transaction() as tx:
        tx.insert("person", person(villages[0], "审计"))
    laptop.sync()
    sent = int(laptop.store.meta("audit_sent_through") or 0)
    local = laptop.store.db.connection().execute("SELECT id, action FROM audit ORDER BY id")
    local_rows = [tuple(r) for r in local.fetchall()]
    uploaded = _server_audit(server, laptop.store.device_id)
    assert sent > 0 and [(i, a) for i, a, _ in uploaded] == [r for r in local_rows if r[0] <= sent]
    assert "create" in {a for _, a, _ in uploaded} and all(ok for _, _, ok in uploaded)

    laptop.store.audit("export", "member list", detail="xlsx")
    laptop.sync()
    later = _server_audit(server, laptop.store.device_id)
    assert int(laptop.store.meta("audit_sent_through") or 0) > sent
    assert later[: len(uploaded)] == uploaded  # nothing sent twice or changed
    assert "export" in {a for _, a, _ in later[len(uploaded) :]}


def test_a_township_administrator_recovers_a_store_from_the_escrow(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, villages = server.fresh_township()
    admin = server.make_user(township, role="township_admin")
    worker = server.make_user(township)
    office = make_device(admin, "office")
    encrypt(office)
    office.close()
    phrase = "Sealed-Envelope-9"
    made = _run(office.path, "escrow-key", JSXCLIENT_ESCROW_PASSPHRASE=phrase)
    assert made.returncode == ExitCode.OK, made.stdout + made.stderr

    laptop = make_device(worker, "laptop")
    encrypt(laptop)
    laptop.sync()  # escrows the data key, sealed to the township's key
    assert laptop.store.meta("key_escrowed")
    with laptop.store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "未同步"))
    laptop.close()

    base = {"JSXCLIENT_USER": worker, "JSXCLIENT_NEW_PASSWORD": NEW}
    wrong = _run(
        laptop.path,
        "recover",
        "--escrow",
        "--admin",
        admin,
        **base,
        JSXCLIENT_ADMIN_PASSWORD=PASSWORD,
        JSXCLIENT_ESCROW_PASSPHRASE="Not-The-Phrase-1",
    )
    assert wrong.returncode == ExitCode.AUTH, wrong.stdout + wrong.stderr
    not_admin = _run(
        laptop.path,
        "recover",
        "--escrow",
        "--admin",
        worker,  # a worker cannot have the key released
        **base,
        JSXCLIENT_ADMIN_PASSWORD=PASSWORD,
        JSXCLIENT_ESCROW_PASSPHRASE=phrase,
    )
    assert not_admin.returncode != ExitCode.OK and "管理员" in not_admin.stderr

    done = _run(
        laptop.path,
        "recover",
        "--escrow",
        "--admin",
        admin,
        **base,
        JSXCLIENT_ADMIN_PASSWORD=PASSWORD,
        JSXCLIENT_ESCROW_PASSPHRASE=phrase,
    )
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    assert "1 条未同步" in done.stdout
    session = vault.unlock(laptop.path, worker, NEW)
    try:
        assert session.store.get("person", pid) is not None
        assert session.store.pending_count() == 1
    finally:
        session.close()


def test_a_family_moves_by_a_transfer_from_the_command_line(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    a_town, a_villages = server.fresh_township()
    b_town, b_villages = server.fresh_township()
    a = make_device(server.make_user(a_town), "a")
    b = make_device(server.make_user(b_town), "b")
    encrypt(a)
    encrypt(b)
    with a.store.transaction() as tx:
        head = tx.insert("person", person(a_villages[0], "冯母", sex="2"))
        fam = tx.insert(
            "specialfamily",
            {"division_code": a_villages[0], "category": "bereaved", "head_person_id": head},
        )
    a.sync()
    a.close()
    b.close()

    offer = _run(a.path, "transfer", "offer", fam, b_villages[0], "--note", "户籍迁移")
    assert offer.returncode == ExitCode.OK, offer.stdout + offer.stderr
    assert "等待接收乡镇确认" in offer.stdout
    listed = _run(b.path, "transfer", "list")
    assert listed.returncode == ExitCode.OK, listed.stdout + listed.stderr
    incoming = listed.stdout.split("迁出")[0]
    assert "冯母" in incoming and "pending" in incoming
    tid = incoming.split("\n")[1].split()[0]
    assert _run(a.path, "transfer", "accept", tid).returncode == ExitCode.REFUSED  # the sender
    took = _run(b.path, "transfer", "accept", tid)
    assert took.returncode == ExitCode.OK and "accepted" in took.stdout, took.stderr

    assert _run(b.path, "sync").returncode == ExitCode.OK
    assert _run(a.path, "sync").returncode == ExitCode.OK
    there = vault.unlock(b.path, b.username, PASSWORD)
    try:
        moved = there.store.get("specialfamily", fam)
        assert moved is not None and moved["division_code"] == b_villages[0]
    finally:
        there.close()
    here = vault.unlock(a.path, a.username, PASSWORD)
    try:
        assert here.store.get("specialfamily", fam) is None
        assert here.store.get("person", head) is None
    finally:
        here.close()
