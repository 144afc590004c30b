"""`jsxclient connect` and `jsxclient sync` as a scheduled job runs them:
the exit status tells what happened."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from jsxclient.cli.exitcodes import ExitCode
from jsxclient.security import vault
from jsxclient.store.journal import SyncReceipt
from jsxclient.sync.engine import SyncEngine, SyncProgress
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import PASSWORD, ServerProcess, encrypt, free_port, person


def _run(store: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jsxclient.cli", "--store", str(store), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        # The one account on the store is the default; its password as a
        # scheduled job would have it.
        env={**os.environ, "JSXCLIENT_USER": "", "JSXCLIENT_PASSWORD": PASSWORD},
    )


def test_connect_sync_and_exit_codes(
    server: ServerProcess, tmp_path: Path, client_template: Path
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    path = tmp_path / "laptop.db"

    # Plain http to another computer is refused before a password is read.
    clear = _run(path, "connect", "http://192.0.2.10:8600", "--user", user, "--password-stdin")
    assert clear.returncode == ExitCode.REFUSED and "https://" in clear.stderr
    assert not path.exists()

    bad = _run(
        path, "connect", server.url, "--user", user, "--password-stdin", stdin="wrong-password\n"
    )
    assert bad.returncode == ExitCode.AUTH, bad.stderr

    ok = _run(
        path, "connect", server.url, "--user", user, "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert ok.returncode == ExitCode.OK, ok.stdout + ok.stderr
    assert user in ok.stdout

    first = _run(path, "sync")
    assert first.returncode == ExitCode.OK, first.stdout + first.stderr
    assert "下载" in first.stdout and "received" in first.stdout

    assert not vault.is_plain(path) and vault.registered_users(path) == [user]
    store = vault.unlock(path, user, PASSWORD).store
    with store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "命令行"))
    assert store.meta("sync_user") == user
    store.close()

    quiet = _run(path, "sync", "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (ExitCode.OK, "", "")

    # A refused change: exit 5, and it says so.
    store = vault.unlock(path, user, PASSWORD).store
    with store.transaction() as tx:
        tx.update("person", pid, {"address": "x"})
    store.db.connection().execute(
        "UPDATE journal SET fields=json_set(fields, '$.sex', 'Z') WHERE state='pending'"
    )
    url = store.meta("server_url")
    store.close()
    refused = _run(path, "sync", "--quiet")
    assert refused.returncode == ExitCode.REJECTED, refused.stdout + refused.stderr
    assert "拒绝" in refused.stdout

    # Offline: exit 3, quietly explained.
    store = vault.unlock(path, user, PASSWORD).store
    store.set_meta("server_url", f"http://127.0.0.1:{free_port()}")
    store.close()
    off = _run(path, "sync")
    assert off.returncode == ExitCode.OFFLINE, off.stdout + off.stderr
    assert "无法连接服务器" in off.stderr

    # A token the server no longer knows: exit 4.
    store = vault.unlock(path, user, PASSWORD).store
    store.set_meta("server_url", url or "")
    store.set_meta("sync_token", "not-a-token")
    store.close()
    auth = _run(path, "sync")
    assert auth.returncode == ExitCode.AUTH, auth.stdout + auth.stderr


def test_a_second_sync_of_the_same_store_exits_busy(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    """The UI (here: the test) is syncing when the scheduled job starts: the
    job exits BUSY at once, touching nothing, and runs fine afterwards."""
    township, villages = server.fresh_township()
    device = make_device(server.make_user(township))
    encrypt(device)  # as the CLI finds a store: encrypted, the password in the environment
    with device.store.transaction() as tx:
        tx.insert("person", person(villages[0], "并发"))
    inside, release = threading.Event(), threading.Event()
    result: dict[str, SyncReceipt | BaseException] = {}

    def hold(p: SyncProgress) -> None:
        if not inside.is_set():  # the first report comes with the lock held
            inside.set()
            assert release.wait(60)

    def run() -> None:
        try:
            result["receipt"] = SyncEngine(device.store, device.transport).run(hold)
        except BaseException as exc:
            result["error"] = exc
        finally:
            device.store.db.close()  # this thread's connection

    t = threading.Thread(target=run)
    t.start()
    try:
        assert inside.wait(60)
        busy = _run(device.path, "sync")
    finally:
        release.set()
        t.join(120)
    assert busy.returncode == ExitCode.BUSY == 7, busy.stdout + busy.stderr
    assert "另一个同步正在进行" in busy.stderr and "Another sync" in busy.stderr
    assert busy.stdout == ""
    receipt = result.get("receipt")
    assert isinstance(receipt, SyncReceipt) and receipt.outcome == "ok", result
    assert receipt.sent == 1
    # The lock went with the run that held it.
    again = _run(device.path, "sync", "--quiet")
    assert again.returncode == ExitCode.OK, again.stdout + again.stderr


def test_a_disabled_account_exits_refused(server: ServerProcess, tmp_path: Path) -> None:
    township, _ = server.fresh_township()
    user = server.make_user(township, active=False)
    r = _run(
        tmp_path / "laptop.db",
        "connect",
        server.url,
        "--user",
        user,
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )
    # Not AUTH: connecting again will not help, an administrator must.
    assert r.returncode == ExitCode.REFUSED == 9, r.stdout + r.stderr
    assert "停用" in r.stderr and "disabled" in r.stderr
