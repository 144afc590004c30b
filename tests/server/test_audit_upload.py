"""Devices' audit logs on the server (issue 11): uploads are resumable and
idempotent, the hash chain is checked, the history cannot be rewritten, and
the table refuses updates and early deletes in the database itself."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from jsxcore.auditchain import GENESIS, digest
from tests.server.support import Device, LiveServer


def _chain(device: str, n: int, start: int = 1, prev: str = GENESIS) -> list[dict[str, Any]]:
    out = []
    for i in range(start, start + n):
        e = {
            "id": i,
            "at": f"2026-11-30 09:{i % 60:02d}:00",
            "user": "wang",
            "device": device,
            "action": "reveal" if i % 2 else "update",
            "object": f"person {i}",
            "result": "ok",
            "detail": "核对身份证号",
            "prev_hash": prev,
        }
        e["hash"] = prev = digest(prev, *_fields(e))
        out.append(e)
    return out


def _fields(e: dict[str, Any]) -> list[str]:
    return [e[k] for k in ("at", "user", "device", "action", "object", "result", "detail")]


def _push(dev: Device, entries: list[dict[str, Any]], device: str | None = None) -> Any:
    return dev.http.post(
        dev.server.url("/audit"),
        json={"device": device or dev.device_id, "entries": entries},
        timeout=60,
    )


def _stored(server: LiveServer, device: str) -> list[tuple[int, bool]]:
    with Session(server.db.engine) as s:
        return [
            (r[0], bool(r[1]))
            for r in s.execute(
                text("SELECT id, chain_ok FROM client_audit WHERE device = :d ORDER BY id"),
                {"d": device},
            )
        ]


def test_uploads_are_resumable_idempotent_and_checked(server: LiveServer) -> None:
    dev = server.device_for("township_worker", server.fresh_township().code)
    assert "audit" in dev.get("/version").json()["features"]
    log = _chain(dev.device_id, 8)
    assert _push(dev, log[:3]).json() == {"stored_through": 3}
    assert _push(dev, log[:3]).json() == {"stored_through": 3}  # a resend changes nothing
    assert _push(dev, log[1:5]).json() == {"stored_through": 5}  # overlapping: resumes
    assert _stored(server, dev.device_id) == [(i, True) for i in range(1, 6)]

    skipped = _push(dev, log[6:])
    assert skipped.status_code == 422 and skipped.json()["error"]["code"] == "audit.gap"
    assert "第 6 条" in skipped.json()["error"]["zh"]

    forged = _chain(dev.device_id, 2)  # entry 2 told differently, hash and all
    forged[1]["detail"] = "无"
    forged[1]["hash"] = digest(forged[0]["hash"], *_fields(forged[1]))
    rewrite = _push(dev, forged)
    assert rewrite.status_code == 409 and rewrite.json()["error"]["code"] == "audit.rewrite"

    # Entry 6 altered on the device after it was written: kept, but marked.
    altered = [dict(e) for e in log[5:]]
    altered[0]["detail"] = "改过的"
    assert _push(dev, altered).json() == {"stored_through": 8}
    assert _stored(server, dev.device_id)[5:] == [(6, False), (7, True), (8, True)]

    other = _push(dev, _chain("someone-else", 1), device="someone-else")
    assert other.status_code == 403 and other.json()["error"]["code"] == "audit.device_foreign"


def test_a_first_upload_may_start_after_pruned_entries(server: LiveServer) -> None:
    dev = server.device_for("township_worker", server.fresh_township().code)
    early = _chain(dev.device_id, 40)
    assert _push(dev, early[30:]).json() == {"stored_through": 40}
    assert _stored(server, dev.device_id)[0] == (31, True)


def test_the_administrator_lists_uploads_and_broken_chains(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    log = _chain(dev.device_id, 3)
    log[2]["object"] = "person 999"  # altered after the hash was taken
    assert _push(dev, log).status_code == 200
    base = [sys.executable, "-m", "jsxserver.cli", "--database", server.database_url, "admin"]
    out = subprocess.run(
        [*base, "client-audit", "--device", dev.device_id],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert out.count(dev.device_id) == 3 and "核对身份证号" in out
    broken = subprocess.run(
        [*base, "client-audit", "--township", town.code, "--broken"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert f"{dev.device_id}#3" in broken and "BROKEN" in broken and "#1" not in broken


def test_the_table_is_append_only(server: LiveServer) -> None:
    dev = server.device_for("township_worker", server.fresh_township().code)
    assert _push(dev, _chain(dev.device_id, 1)).status_code == 200
    for stmt in (
        "UPDATE client_audit SET detail = 'x' WHERE device = :d",
        "DELETE FROM client_audit WHERE device = :d",
    ):
        with Session(server.db.write_engine) as s, pytest.raises(DBAPIError):
            s.execute(text(stmt), {"d": dev.device_id})
            s.commit()
    assert _stored(server, dev.device_id) == [(1, True)]


def test_audit_needs_a_login(server: LiveServer) -> None:
    r = requests.post(server.url("/audit"), json={"device": "x", "entries": []}, timeout=10)
    assert r.status_code == 401
