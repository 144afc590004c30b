"""An old client against a newer server, over HTTP on 127.0.0.1.

The province updates its server and sets the release policy
(`JSXSERVER_MIN_CLIENT_VERSION`, `..._LATEST_CLIENT_VERSION`,
`..._CLIENT_DOWNLOAD_URL`) to a release newer than this program. A device
of this program, with changes not yet synced, is then refused with
"please update" and where to download the update, and nothing is written:
not its store (byte for byte the same dump), not the server's database.
Requests the way a 0.1.0 client sends them (no program version header, no
handshake) are refused the same way. Once the policy allows the program
again, the same changes go through.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from jsxclient import cli
from jsxclient.security import vault
from jsxclient.store.db import Database
from jsxclient.store.store import Store
from jsxclient.sync.account import connect
from jsxclient.sync.errors import ClientTooOldError
from jsxclient.sync.handshake import known_update
from jsxclient.sync.transport import Transport
from jsxcore.protocol import API_PREFIX
from jsxcore.version import APP_VERSION, parse_version
from tests.e2e.harness import PASSWORD, Device, ServerProcess, person

NEWER = ".".join(str(n) for n in (*parse_version(APP_VERSION)[:1], 99))  # e.g. 0.99
DOWNLOAD = f"https://jsx.example.gov.cn/download/jsxclient-setup-{NEWER}.exe"
POLICY = {
    "JSXSERVER_MIN_CLIENT_VERSION": NEWER,
    "JSXSERVER_LATEST_CLIENT_VERSION": NEWER,
    "JSXSERVER_CLIENT_DOWNLOAD_URL": DOWNLOAD,
}


@pytest.fixture
def server_db(server_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "server" / "server.db"
    path.parent.mkdir()
    shutil.copyfile(server_template, path)
    return path


def serve(db: Path, env: dict[str, str] | None = None) -> ServerProcess:
    return ServerProcess(f"sqlite:///{db}", db.with_suffix(".log"), env=env or {}).start()


@pytest.fixture
def policy_free(server_db: Path) -> Iterator[ServerProcess]:
    srv = serve(server_db)
    yield srv
    srv.stop()


def dump(path: Path, key: bytes | None = None) -> list[str]:
    """The file's whole content (decrypted with `key` for an encrypted store,
    as the CLI keeps them; sqlcipher3 has no iterdump, so row by row)."""
    if key is None:
        conn = sqlite3.connect(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            return [f"user_version={version}", *conn.iterdump()]
        finally:
            conn.close()
    c = Database(path, key).open_connection()
    try:
        out = [f"user_version={c.execute('PRAGMA user_version').fetchone()[0]}"]
        names = c.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        for (name,) in names.fetchall():
            if name in ("audit", "sqlite_sequence"):
                continue  # the sign-in and the refused sync are audited, by design
            out += sorted(f"{name}: {r!r}" for r in c.execute(f'SELECT * FROM "{name}"'))
        return out
    finally:
        c.close()


def test_an_old_client_is_refused_by_a_newer_server_and_nothing_is_written(
    policy_free: ServerProcess,
    server_db: Path,
    client_template: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Connected and synced under the old server; then work that is not synced yet.
    township, villages = policy_free.fresh_township()
    user = policy_free.make_user(township)
    dev = Device(tmp_path / "laptop.db", client_template, policy_free, user)
    with dev.store.transaction() as tx:
        tx.insert("person", person(villages[0], "同步过"))
    assert dev.sync().outcome == "ok"
    with dev.store.transaction() as tx:
        tx.insert("person", person(villages[1], "未同步"))
    assert dev.pending() == 1
    policy_free.stop()

    newer = serve(server_db, POLICY)  # the province updates its server
    try:
        token_before = dev.transport.token or ""
        dev.transport = Transport(newer.url, dev.transport.token, retries=0)
        dev.store.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        client_before, server_before = dump(dev.path), dump(server_db)

        with pytest.raises(ClientTooOldError) as err:
            dev.sync()
        zh, en = err.value.text("zh"), err.value.text("en")
        assert "请更新" in zh and NEWER in zh and DOWNLOAD in zh
        assert "Please update" in en and DOWNLOAD in en
        assert err.value.receipt is None  # not even a sync receipt was written

        # The day's-end command says the same, with exit status 6. It finds the
        # store as it keeps them: encrypted, signed in from the environment.
        dev.store.close()
        session, _code = vault.migrate_plain(dev.path, user, PASSWORD)
        key = session.key
        session.store.set_meta("server_url", newer.url)
        session.store.set_meta("sync_token", token_before)
        session.store.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        session.close()
        dev.store = Store.open(dev.path, key, user=user)
        monkeypatch.setenv("JSXCLIENT_USER", user)
        monkeypatch.setenv("JSXCLIENT_PASSWORD", PASSWORD)
        client_before = dump(dev.path, key)
        assert cli.main(["--store", str(dev.path), "sync"]) == 6
        printed = capsys.readouterr().err
        assert "请更新" in printed and "Please update" in printed and DOWNLOAD in printed

        # Connecting a new laptop is refused before the login registers it.
        fresh = Store.open(tmp_path / "fresh.db")
        fresh_before = dump(tmp_path / "fresh.db")
        with pytest.raises(ClientTooOldError):
            connect(fresh, newer.url, user, PASSWORD, "new laptop")
        fresh.close()
        assert dump(tmp_path / "fresh.db") == fresh_before

        # A 0.1.0 client never asks /version and sends no program version:
        # its requests are refused before any route runs.
        token = dev.transport.token
        for method, path, body in (
            ("POST", "/push", {"batch_id": "abcdefgh12", "device": "d0123456", "changes": []}),
            ("GET", "/pull", None),
            ("POST", "/auth/login", {"username": user, "password": PASSWORD, "device_id": "old1"}),
        ):
            r = requests.request(
                method,
                f"{newer.url}{API_PREFIX}{path}",
                json=body,
                headers={
                    "X-JSX-Protocol": "1",
                    "User-Agent": "jsxclient-sync/1",
                    "Authorization": f"Bearer {token}",
                },
                timeout=30,
            )
            assert r.status_code == 426, (path, r.text)
            error = r.json()["error"]
            assert error["code"] == "client.too_old" and "请更新" in error["zh"], path

        dev.store.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert dump(dev.path, key) == client_before
        assert dump(server_db) == server_before
        assert dev.pending() == 1
    finally:
        newer.stop()

    # The province lifts the policy (or the worker updates): the same work syncs.
    again = serve(server_db, {"JSXSERVER_LATEST_CLIENT_VERSION": NEWER})
    try:
        dev.transport = Transport(again.url, dev.transport.token, retries=0)
        assert dev.sync().outcome == "ok" and dev.pending() == 0
        assert dev.rows() == again.records(township)
        # Still accepted, but told that a newer release exists and where.
        notice = known_update(dev.store)
        assert notice is not None and notice.version == NEWER
        assert DOWNLOAD not in notice.text("zh")  # this server advertises no URL
    finally:
        again.stop()
        dev.close()
