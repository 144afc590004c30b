"""Real client stores against a real `jsxserver serve` process on 127.0.0.1.

The server runs as its own process (its CLI, uvicorn, a free port), so the
client talks HTTP to exactly what a township laptop talks to, without sharing
the test's GIL. Its database is a copy of a template made once per session
(31,691 divisions and their associations take seconds to import), or a
private PostgreSQL schema.

Devices are client stores copied from a template that has the division list
loaded (as `jsxclient init` would), then connected through
`jsxclient.sync.account.connect` like a worker would.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import itertools
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import select
from sqlmodel import Session

from jsxclient.store.journal import SyncReceipt
from jsxclient.store.reference import init_township, load_divisions
from jsxclient.store.store import Store
from jsxclient.sync.account import connect, make_transport
from jsxclient.sync.engine import SyncEngine
from jsxclient.sync.transport import FaultHook, Transport
from jsxcore.divisions import read_divisions
from jsxcore.entities import ENTITIES
from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import Database, init_db, make_database
from jsxserver.models import AppUserCreate, Record
from jsxserver.services.divisions import import_divisions
from jsxserver.services.users import create_user
from tests.load import scaled

PASSWORD = "Hunan-2024!"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

Key = tuple[str, str]


def _townships() -> list[tuple[str, list[str]]]:
    divisions = read_divisions()
    villages: dict[str, list[str]] = {}
    for d in divisions:
        if d.level == "village" and d.parent_code:
            villages.setdefault(d.parent_code, []).append(d.code)
    return [
        (d.code, sorted(villages[d.code]))
        for d in divisions
        if d.level == "township" and len(villages.get(d.code, [])) >= 2
    ]


TOWNSHIPS = _townships()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Seconds a server may take to answer /health: seconds normally, but the
# suite runs on a loaded 2-core machine with other engineers' work.
START_TIMEOUT = float(os.environ.get("JSX_SERVER_START_TIMEOUT", 0) or scaled(180))


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL `proc` and anything it started (its process group), and reap it."""
    if sys.platform != "win32":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    elif proc.poll() is None:
        proc.kill()
    proc.wait()


def group_alive(pgid: int) -> bool:
    """Whether any process of the group `pgid` still exists (POSIX)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def make_server_template(path: Path) -> None:
    """A server database with every division and association imported."""
    db = make_database(Settings(database_url=f"sqlite:///{path}"))
    try:
        init_db(db)
        with seqs.write_session(db) as session:
            import_divisions(session)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()


def make_client_template(path: Path) -> None:
    s = Store.open(path)
    load_divisions(s.db.connection())
    s.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()


def pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # any failure: no PostgreSQL here
        return f"PostgreSQL at 127.0.0.1:5432 not reachable: {exc}"


@dataclass
class ServerProcess:
    database_url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)  # JSXSERVER_* settings
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    db: Database | None = None
    _townships: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def backend(self) -> str:
        return "postgres" if self.database_url.startswith("postgresql") else "sqlite"

    def start(self, port: int = 0, timeout: float = START_TIMEOUT) -> ServerProcess:
        """Start `jsxserver serve` and wait until /health answers. A server
        that exits or is not up within `timeout` is killed with its process
        group before the error is raised, so a failed start leaves nothing
        running (and holding the port and the database)."""
        self.port = port or free_port()
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from jsxserver.cli import main; sys.exit(main(sys.argv[1:]))",
                    "--database",
                    self.database_url,
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warning",
                ],
                stdout=log,
                stderr=log,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
                start_new_session=True,  # its own process group, killed as one
            )
        deadline = time.monotonic() + timeout
        try:
            while not self._healthy():
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"jsxserver exited with status {self.proc.returncode} "
                        f"before answering:\n{self.log_path.read_text()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"jsxserver did not answer within {timeout:g} s:\n"
                        f"{self.log_path.read_text()}"
                    )
                time.sleep(0.05)
        except BaseException:
            kill_group(self.proc)
            raise
        self.db = make_database(Settings(database_url=self.database_url))
        return self

    def _healthy(self) -> bool:
        try:
            return requests.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(15)
            kill_group(self.proc)  # whatever is left of it
        if self.db is not None:
            self.db.dispose()

    def fresh_township(self) -> tuple[str, list[str]]:
        return TOWNSHIPS[next(self._townships) * 13 % len(TOWNSHIPS)]

    def make_user(
        self, division_code: str, role: str = "township_worker", active: bool = True
    ) -> str:
        assert self.db is not None
        name = f"u{uuid.uuid4().hex[:10]}"
        with Session(self.db.write_engine) as session:
            create_user(
                session,
                AppUserCreate(
                    username=name,
                    display_name=f"测试{name}",
                    role=role,
                    division_code=division_code,
                    password=PASSWORD,
                    active=active,
                ),
            )
        return name

    def records(self, township: str) -> dict[Key, dict[str, Any]]:
        """Every row of a township as the server holds it (data incl. deleted)."""
        assert self.db is not None
        out: dict[Key, dict[str, Any]] = {}
        with Session(self.db.engine) as session:
            for r in session.execute(
                select(
                    Record.entity,
                    Record.id,
                    Record.data,  # type: ignore[call-overload]
                    Record.deleted,
                ).where(Record.township == township[:9])
            ):
                data = dict(r.data)
                data["deleted"] = bool(r.deleted)
                out[(r.entity, r.id)] = data
        return out

    def change_log_ids(self) -> list[str]:
        assert self.db is not None
        with self.db.engine.connect() as conn:
            return [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT change_id FROM change_log WHERE status != 'rejected'"
                )
            ]


def encrypt(device: Device) -> bytes:
    """Make a harness device's (plain) store what the app and the CLI use: an
    encrypted store whose key `device.username`'s PASSWORD wraps, connected
    again (the migration drops the token that sat in the plain file).
    Returns the data key; `device.store` is reopened with it."""
    from jsxclient.security import vault

    device.close()
    session, _code = vault.migrate_plain(device.path, device.username, PASSWORD)
    connect(
        session.store,
        device.server.url,
        device.username,
        PASSWORD,
        device.name,
        transport=Transport(device.server.url, retries=1, backoff=0.01),
    )
    session.close()
    device.store = Store.open(device.path, session.key, user=device.username)
    device.transport = make_transport(device.store, retries=2, backoff=0.01, backoff_max=0.05)
    return session.key


class Device:
    """One laptop: a store and a connected transport."""

    def __init__(
        self,
        path: Path,
        template: Path,
        server: ServerProcess,
        username: str,
        name: str = "",
        fault: FaultHook | None = None,
        init: str | None = None,
    ) -> None:
        """`init`: a township code to set the store up for first, as
        `jsxclient init` does (its association rows derived offline)."""
        shutil.copyfile(template, path)
        conn = sqlite3.connect(path)
        conn.execute("UPDATE meta SET value=? WHERE key='device_id'", (uuid.uuid4().hex[:16],))
        conn.commit()
        conn.close()
        self.path = path
        self.name = name or path.stem
        self.username = username
        self.store = Store.open(path, user=username)
        if init is not None:
            init_township(self.store, init)
        self.server = server
        connect(
            self.store,
            server.url,
            username,
            PASSWORD,
            self.name,
            transport=Transport(server.url, retries=1, backoff=0.01),
        )
        self.transport = make_transport(
            self.store, retries=2, backoff=0.01, backoff_max=0.05, fault=fault
        )

    IDENTITY = (
        "device_id",
        "server_url",
        "sync_token",
        "sync_token_expires",
        "sync_user",
        "sync_user_info",
        "scope_prefix",
        "township_code",
    )

    @classmethod
    def reinstalled(
        cls, other: Device, path: Path, template: Path, fault: FaultHook | None = None
    ) -> Device:
        """A fresh store with `other`'s identity and login (the same laptop
        after a reinstall): no new login, so no password hashing per copy."""
        shutil.copyfile(template, path)
        ident = {k: other.store.meta(k) for k in cls.IDENTITY}
        conn = sqlite3.connect(path)
        conn.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
            [(k, v) for k, v in ident.items() if v is not None],
        )
        conn.commit()
        conn.close()
        d = cls.__new__(cls)
        d.path, d.name, d.server = path, other.name, other.server
        d.username = other.username
        d.store = Store.open(path, user=other.store.user)
        d.transport = make_transport(
            d.store, retries=2, backoff=0.01, backoff_max=0.05, fault=fault
        )
        return d

    @property
    def township(self) -> str:
        t = self.store.township_code
        assert t is not None
        return t

    def sync(self, **kw: Any) -> SyncReceipt:
        return SyncEngine(self.store, self.transport, **kw).run()

    def close(self) -> None:
        self.transport.close()
        self.store.close()

    # -- views ------------------------------------------------------------------

    def rows(self, include_deleted: bool = True) -> dict[Key, dict[str, Any]]:
        conn = self.store.db.connection()
        out: dict[Key, dict[str, Any]] = {}
        for name, es in ENTITIES.items():
            cur = conn.execute(f"SELECT * FROM {name}")
            cols = [d[0] for d in cur.description]
            for r in cur.fetchall():
                row = es.to_wire(dict(zip(cols, r, strict=True)))
                if not include_deleted and row["deleted"]:
                    continue
                out[(name, row["id"])] = {f: row[f] for f in es.data_fields}
        return out

    def get(self, entity: str, row_id: str) -> dict[str, Any] | None:
        return self.store.get(entity, row_id)

    def journal(self, where: str = "1=1") -> list[dict[str, Any]]:
        cur = self.store.db.connection().execute(
            f"SELECT * FROM journal WHERE {where} ORDER BY seq"
        )
        cols = [d[0] for d in cur.description]
        out = []
        for r in cur.fetchall():
            d = dict(zip(cols, r, strict=True))
            d["fields"] = json.loads(d["fields"])
            d["old"] = json.loads(d["old"])
            out.append(d)
        return out

    def pending(self) -> int:
        return self.store.pending_count()

    def conflicts(self) -> list[dict[str, Any]]:
        cur = self.store.db.connection().execute(
            "SELECT * FROM conflict WHERE resolved_at IS NULL ORDER BY id"
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def person(village: str, name: str = "张三", **extra: Any) -> dict[str, Any]:
    return {"name": name, "sex": "1", "division_code": village, **extra}


class HoldingProxy:
    """An HTTP forward proxy (the client's HTTP_PROXY) that can hold one
    request of a run: the n-th after `arm`, before it reaches the server or
    after the server has answered it. A test kills the client while that
    request is held, so the kill lands at a known step of a run (inside it:
    its receipt is written after the handshake) however fast or loaded the
    machine is; held after the answer, the server has applied a push whose
    acknowledgement the client never reads."""

    def __init__(self) -> None:
        self.requests = 0  # since the last arm
        self.held = threading.Event()
        self._release = threading.Event()
        self._hold_at = 0
        self._after = False
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                with proxy._lock:
                    proxy.requests += 1
                    hold = proxy.requests == proxy._hold_at
                if hold and not proxy._after:
                    proxy._wait()
                    return
                url = urlsplit(self.path)  # absolute: http://host:port/path?query
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                skip = {"proxy-connection", "connection", "keep-alive", "host"}
                headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                conn = http.client.HTTPConnection(url.netloc, timeout=300)
                try:
                    target = url.path + (f"?{url.query}" if url.query else "")
                    conn.request(self.command, target, body or None, headers)
                    resp = conn.getresponse()
                    data = resp.read()
                finally:
                    conn.close()
                if hold:
                    proxy._wait()
                    return
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)

        # Every method jsxclient sync sends (http.server looks up do_<METHOD>).
        for method in ("GET", "POST", "PUT", "DELETE"):
            setattr(Handler, f"do_{method}", Handler._forward)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        self.held.set()
        self._release.wait(300)

    def arm(self, n: int = 0, *, after: bool = False) -> None:
        """Count requests from zero; hold the n-th (0: none)."""
        with self._lock:
            self.requests, self._hold_at, self._after = 0, n, after
        self.held.clear()
        self._release.clear()

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
