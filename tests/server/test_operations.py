"""Operating the server: liveness and readiness, Prometheus metrics, the JSON
access log, the append-only audit log and its CLI, and pulls from a replica
(the same PostgreSQL database standing in for a streaming replica)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from jsxserver.cli import main
from jsxserver.core.config import Settings
from jsxserver.main import create_app
from jsxserver.models import utcnow
from jsxserver.services import audit
from tests.server.support import (
    PASSWORD,
    START_TIMEOUT,
    LiveServer,
    person,
    serve_in_thread,
)


def _metric(server: LiveServer, name: str, **labels: str) -> float:
    body = requests.get(server.url("/metrics"), timeout=30).text
    total = 0.0
    for line in body.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_health_ready_and_metrics(server: LiveServer) -> None:
    assert requests.get(server.url("/health"), timeout=10).json()["status"] == "ok"
    r = requests.get(server.url("/ready"), timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "ready"
    m = requests.get(server.url("/metrics"), timeout=10)
    assert m.status_code == 200 and m.headers["content-type"].startswith("text/plain")

    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    applied = _metric(server, "jsxserver_changes_total", status="applied")
    rejected = _metric(server, "jsxserver_rejections_total", reason="scope.denied")
    pushes = _metric(server, "jsxserver_request_duration_seconds_count", route="/api/v1/push")
    elsewhere = server.fresh_township()
    dev.push(
        dev.insert("person", town.village, **person()),
        dev.insert("person", elsewhere.village, **person("李四")),
    )
    assert _metric(server, "jsxserver_changes_total", status="applied") == applied + 1
    assert _metric(server, "jsxserver_rejections_total", reason="scope.denied") == rejected + 1
    assert (
        _metric(server, "jsxserver_request_duration_seconds_count", route="/api/v1/push")
        == pushes + 1
    )
    # Routes by template, never raw paths: unknown addresses share one label.
    requests.get(server.url("/no/such/thing-123"), timeout=10)
    body = requests.get(server.url("/metrics"), timeout=10).text
    assert "thing-123" not in body and 'route="unmatched"' in body


def test_access_log_is_json_with_the_caller(server: LiveServer) -> None:
    lines: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("jsxserver.access")
    grab = Grab()
    level = logger.level
    logger.addHandler(grab)
    logger.setLevel(logging.INFO)
    try:
        town = server.fresh_township()
        dev = server.device_for("township_worker", town.code)
        dev.pull(0, limit=5)
        # The line is written once the response has gone out: wait for it.
        deadline = time.monotonic() + 30
        while not any('"/api/v1/pull"' in x for x in lines) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        logger.removeHandler(grab)
        logger.setLevel(level)
    entries = [json.loads(x) for x in lines]
    pulls = [e for e in entries if e["route"] == "/api/v1/pull"]
    assert pulls, entries
    e = pulls[-1]
    assert (e["method"], e["status"], e["user"], e["device"]) == (
        "GET",
        200,
        dev.username,
        dev.device_id,
    )
    assert e["ip"] == "127.0.0.1" and e["ms"] >= 0 and e["bytes"] > 0


def test_audit_of_logins_pulls_and_admin_actions(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    town = server.fresh_township()
    name = server.make_user("township_worker", town.code)
    bad = requests.post(
        server.url("/auth/login"),
        json={"username": name, "password": "wrong-Pass1!", "device_id": "dev-audit-1"},
        timeout=30,
    )
    assert bad.status_code == 401
    dev = server.login(name, device_id="dev-audit-1", password=PASSWORD)
    rows, _ = dev.pull_all(0, limit=5000)
    found = audit.events(server.db, username=name)
    kinds = [e.kind for e in found]
    assert kinds[:2] == [audit.LOGIN_FAILED, audit.LOGIN_OK]
    assert found[0].detail["code"] == "auth.invalid" and found[0].address == "127.0.0.1"
    pulls = [e for e in found if e.kind == audit.PULL]
    assert pulls and pulls[0].scope == town.code[:9] and pulls[0].device == "dev-audit-1"
    assert sum(e.rows or 0 for e in pulls) == len(rows)

    # The CLI: an admin action is audited with the operator, and shown.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["--database", server.database_url, "admin", "unlock-user", name]) == 0
    capsys.readouterr()
    assert main(["--database", server.database_url, "admin", "audit", "--kind", "admin"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"admin\.unlock-user\t\S+\t.*\"name\": \"{name}\"", out), out
    assert (
        main(["--database", server.database_url, "admin", "audit", "--user", name, "--json"]) == 0
    )
    shown = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["kind"] for x in shown][:2] == ["login.failed", "login.ok"]


def test_audit_log_is_append_only(server: LiveServer) -> None:
    audit.record(server.db, "test.event", username="nobody")
    with pytest.raises(DBAPIError, match="append-only"), server.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = 'x' WHERE kind = 'test.event'"))
    with pytest.raises(DBAPIError, match="180 days"), server.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE kind = 'test.event'"))
    # Past the floor, retention may remove rows: the trigger lets those go.
    with server.db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, kind, username, device, address, scope, detail) "
                "VALUES (:at, 'test.old', '', '', '', '', '{}')"
            ),
            {"at": utcnow() - timedelta(days=400)},
        )
        assert conn.execute(text("DELETE FROM audit_log WHERE kind = 'test.old'")).rowcount == 1


@pytest.fixture
def replica_server(server: LiveServer) -> Iterator[LiveServer]:
    if server.backend != "postgres":
        pytest.skip("replicas are PostgreSQL's")
    settings = Settings(
        database_url=server.database_url,
        read_database_url=server.database_url,  # a stand-in for the replica
        argon2_time_cost=1,
        argon2_memory_kib=8192,
        offline_scrypt_n=1024,
        auto_migrate=0,
        access_log=0,
    )
    app = create_app(settings)
    live = LiveServer("postgres", server.database_url, app.state.db)
    try:
        with serve_in_thread(app) as url:
            live.base_url = url
            yield live
    finally:
        app.state.db.dispose()


def test_pulls_from_the_replica(replica_server: LiveServer) -> None:
    live = replica_server
    assert live.db.replica and live.db.read_engine is not live.db.engine
    town = live.fresh_township()
    dev = live.device_for("township_worker", town.code)
    ins = dev.insert("person", town.village, **person("从库"))
    dev.push(ins)
    before = live.db.read_engine.pool.checkedin()  # type: ignore[attr-defined]
    rows, _ = dev.pull_all(0, limit=5000)
    assert ins["row_id"] in {r["id"] for r in rows}
    # The pull used the replica's own pool.
    assert live.db.read_engine.pool.checkedin() >= max(before, 1)  # type: ignore[attr-defined]
    assert requests.get(live.url("/ready"), timeout=10).status_code == 200


def test_metrics_add_up_over_workers(server: LiveServer) -> None:
    """`serve --workers 2`: whichever worker answers /metrics counts the
    requests of both."""
    if server.backend != "postgres":
        pytest.skip("several workers need PostgreSQL")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSXSERVER_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(JSXSERVER_ACCESS_LOG="0")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jsxserver.cli",
            "--database",
            server.database_url,
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if requests.get(f"{base}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        for _ in range(40):  # new connections: spread over both workers
            assert requests.get(f"{base}/health", timeout=10).ok
        counts = []
        for _ in range(4):
            body = requests.get(f"{base}/metrics", timeout=10).text
            counts.append(
                sum(
                    float(line.rsplit(" ", 1)[1])
                    for line in body.splitlines()
                    if line.startswith("jsxserver_requests_total{")
                    and 'route="/api/v1/health"' in line
                )
            )
        assert min(counts) >= 41, counts
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
