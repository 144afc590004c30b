"""Helpers for the server tests: a handle on the live server, a minimal
device-like client that journals changes the way the client's store does
(insert: all data fields, old {}; update: changed fields with their old
values; delete: {"deleted": true} with the full old row)."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
import uvicorn
from sqlmodel import Session

from jsxcore.divisions import DivisionRow, read_divisions
from jsxcore.entities import ENTITIES
from jsxcore.hlc import HybridClock
from jsxcore.protocol import API_PREFIX, PROTOCOL_HEADER
from jsxserver.core import seqs
from jsxserver.core.db import Database
from jsxserver.models import AppUserCreate
from jsxserver.services.divisions import import_divisions
from jsxserver.services.users import create_user
from tests.load import scaled

PASSWORD = "Hunan-2024!"
_DIVISIONS = read_divisions()
# Seconds the server may take to start: far more than it needs, for a loaded
# 2-core machine.
START_TIMEOUT = float(os.environ.get("JSX_SERVER_START_TIMEOUT", 0) or scaled(180))


@contextmanager
def serve_in_thread(app: Any, timeout: float = START_TIMEOUT) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port of 127.0.0.1 in a thread and
    yield its base URL. Whether it started or not, the server is stopped and
    the port closed on the way out, so a failed start leaves nothing behind."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that
    # say so, and Nagle plus delayed ACKs would add 40 ms to every request.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"jsxserver-{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("jsxserver stopped before it started")
            if time.monotonic() > deadline:
                raise RuntimeError(f"jsxserver did not start within {timeout:g} s")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@dataclass(frozen=True)
class Township:
    code: str
    villages: tuple[str, ...]
    county: str

    @property
    def village(self) -> str:
        return self.villages[0]


def _townships() -> list[Township]:
    villages: dict[str, list[str]] = {}
    for d in _DIVISIONS:
        if d.level == "village" and d.parent_code:
            villages.setdefault(d.parent_code, []).append(d.code)
    by_code: dict[str, DivisionRow] = {d.code: d for d in _DIVISIONS}
    out = []
    for d in _DIVISIONS:
        if d.level == "township" and len(villages.get(d.code, [])) >= 2:
            out.append(
                Township(d.code, tuple(sorted(villages[d.code])), by_code[d.parent_code or ""].code)
            )
    return out


TOWNSHIPS = _townships()


@dataclass
class LiveServer:
    backend: str
    database_url: str
    db: Database
    base_url: str = ""
    _next: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def import_divisions(self) -> None:
        with seqs.write_session(self.db) as session:
            import_divisions(session, _DIVISIONS)

    def fresh_township(self) -> Township:
        """A township no other test of this session uses (two per county
        are skipped so neighbouring tests also differ by county)."""
        with self._lock:
            return TOWNSHIPS[next(self._next) * 7 % len(TOWNSHIPS)]

    def make_user(self, role: str, division_code: str, active: bool = True) -> str:
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

    def login(
        self, username: str, device_id: str | None = None, password: str = PASSWORD
    ) -> Device:
        device_id = device_id or uuid.uuid4().hex[:16]
        r = requests.post(
            f"{self.base_url}{API_PREFIX}/auth/login",
            json={
                "username": username,
                "password": password,
                "device_id": device_id,
                "device_name": "test laptop",
            },
            timeout=30,
        )
        assert r.status_code == 200, r.text
        return Device(self, r.json()["token"], device_id, username)

    def device_for(self, role: str, division_code: str) -> Device:
        return self.login(self.make_user(role, division_code))

    def url(self, path: str) -> str:
        return f"{self.base_url}{API_PREFIX}{path}"

    def counter(self) -> int:
        """The highest seq handed out so far."""
        with self.db.engine.connect() as conn:
            return seqs.latest(conn)


class Device:
    """A logged-in device with its own clock and view of rows."""

    def __init__(self, server: LiveServer, token: str, device_id: str, username: str) -> None:
        self.server = server
        self.token = token
        self.device_id = device_id
        self.username = username
        self.clock = HybridClock(device_id)
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}", PROTOCOL_HEADER: "1"})

    # -- journal entries ---------------------------------------------------------

    def insert(
        self, entity: str, division_code: str, row_id: str | None = None, **values: Any
    ) -> dict[str, Any]:
        es = ENTITIES[entity]
        defaults = es.defaults()
        data = {f: defaults.get(f) for f in es.data_fields}
        data.update(
            created_at=datetime.now().isoformat(sep=" ", timespec="microseconds"),
            division_code=division_code,
            deleted=False,
            **values,
        )
        row_id = row_id or uuid.uuid4().hex
        self.rows[(entity, row_id)] = dict(data)
        return self._change(entity, row_id, "insert", data, {})

    def update(self, entity: str, row_id: str, **values: Any) -> dict[str, Any]:
        seen = self.rows[(entity, row_id)]
        old = {k: seen.get(k) for k in values}
        seen.update(values)
        return self._change(entity, row_id, "update", dict(values), old)

    def delete(self, entity: str, row_id: str) -> dict[str, Any]:
        seen = self.rows[(entity, row_id)]
        old = dict(seen)
        seen["deleted"] = True
        return self._change(entity, row_id, "delete", {"deleted": True}, old)

    def _change(
        self, entity: str, row_id: str, op: str, fields: dict[str, Any], old: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "change_id": uuid.uuid4().hex,
            "entity": entity,
            "row_id": row_id,
            "op": op,
            "fields": fields,
            "old": old,
            "hlc": self.clock.now(),
            "device": self.device_id,
            "user": self.username,
        }

    def adopt(self, entity: str, row_id: str, data: dict[str, Any]) -> None:
        self.rows[(entity, row_id)] = dict(data)

    # -- HTTP ------------------------------------------------------------------------

    def push_raw(
        self, changes: list[dict[str, Any]], batch_id: str | None = None, gzip_body: bool = False
    ) -> requests.Response:
        body = json.dumps(
            {"batch_id": batch_id or uuid.uuid4().hex, "device": self.device_id, "changes": changes}
        ).encode()
        headers = {"Content-Type": "application/json"}
        if gzip_body:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        return self.http.post(self.server.url("/push"), data=body, headers=headers, timeout=60)

    def push(self, *changes: dict[str, Any], batch_id: str | None = None) -> dict[str, Any]:
        r = self.push_raw(list(changes), batch_id)
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()
        return out

    def push_one(self, change: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.push(change)["results"][0]
        return result

    def pull(self, cursor: int = 0, limit: int = 1000) -> dict[str, Any]:
        r = self.http.get(
            self.server.url("/pull"), params={"cursor": cursor, "limit": limit}, timeout=60
        )
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()
        return out

    def pull_all(self, cursor: int = 0, limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
        rows: list[dict[str, Any]] = []
        while True:
            page = self.pull(cursor, limit)
            rows.extend(page["rows"])
            cursor = page["cursor"]
            if not page["more"]:
                return rows, cursor

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.http.get(self.server.url(path), timeout=60, **kw)


def person(name: str = "张三", **extra: Any) -> dict[str, Any]:
    return {"name": name, "sex": "1", **extra}
