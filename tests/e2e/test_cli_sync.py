"""`jsxclient connect` and `jsxclient sync` as a scheduled job runs them:
the exit status tells what happened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from jsxclient.store.store import Store
from jsxclient.sync.cli import EXIT_AUTH, EXIT_OFFLINE, EXIT_OK, EXIT_REJECTED
from tests.e2e.harness import PASSWORD, ServerProcess, free_port, person


def _run(store: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jsxclient.cli", "--store", str(store), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "JSXCLIENT_USER": ""},
    )


def test_connect_sync_and_exit_codes(
    server: ServerProcess, tmp_path: Path, client_template: Path
) -> None:
    township, villages = server.fresh_township()
    user = server.make_user(township)
    path = tmp_path / "laptop.db"

    bad = _run(
        path, "connect", server.url, "--user", user, "--password-stdin", stdin="wrong-password\n"
    )
    assert bad.returncode == EXIT_AUTH, bad.stderr

    ok = _run(
        path, "connect", server.url, "--user", user, "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert ok.returncode == EXIT_OK, ok.stdout + ok.stderr
    assert user in ok.stdout

    first = _run(path, "sync")
    assert first.returncode == EXIT_OK, first.stdout + first.stderr
    assert "下载" in first.stdout and "received" in first.stdout

    store = Store.open(path)
    with store.transaction() as tx:
        pid = tx.insert("person", person(villages[0], "命令行"))
    assert store.meta("sync_user") == user
    store.close()

    quiet = _run(path, "sync", "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (EXIT_OK, "", "")

    # A refused change: exit 5, and it says so.
    store = Store.open(path)
    with store.transaction() as tx:
        tx.update("person", pid, {"address": "x"})
    store.db.connection().execute(
        "UPDATE journal SET fields=json_set(fields, '$.sex', 'Z') WHERE state='pending'"
    )
    url = store.meta("server_url")
    store.close()
    refused = _run(path, "sync", "--quiet")
    assert refused.returncode == EXIT_REJECTED, refused.stdout + refused.stderr
    assert "拒绝" in refused.stdout

    # Offline: exit 3, quietly explained.
    store = Store.open(path)
    store.set_meta("server_url", f"http://127.0.0.1:{free_port()}")
    store.close()
    off = _run(path, "sync")
    assert off.returncode == EXIT_OFFLINE, off.stdout + off.stderr
    assert "无法连接服务器" in off.stderr

    # A token the server no longer knows: exit 4.
    store = Store.open(path)
    store.set_meta("server_url", url or "")
    store.set_meta("sync_token", "not-a-token")
    store.close()
    auth = _run(path, "sync")
    assert auth.returncode == EXIT_AUTH, auth.stdout + auth.stderr
