"""Retention never takes what a device still needs: a device whose cursor
is older than the horizon is told to bootstrap (410), the others pull on,
and live records stay. On a server of its own (the horizon is global)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.main import create_app
from jsxserver.models import utcnow
from jsxserver.services import retention
from tests.server.conftest import PG_ADMIN_URL, _database_url
from tests.server.support import LiveServer, person, serve_in_thread


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    url = _database_url(request, tmp_path)
    schema = ""
    if request.param == "postgres":
        # A schema of its own beside the session server's, dropped afterwards.
        url = url.replace("search_path%3D", "search_path%3Dret_")
        schema = "ret_" + request.getfixturevalue("pg_schema")
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")
    settings = Settings(
        database_url=url, argon2_time_cost=1, argon2_memory_kib=8192, offline_scrypt_n=1024
    )
    app = create_app(settings)
    live = LiveServer(backend=request.param, database_url=url, db=app.state.db)
    try:
        with serve_in_thread(app) as base_url:
            live.base_url = base_url
            live.import_divisions()
            yield live
    finally:
        live.db.dispose()
        if schema:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


def test_retention_and_the_horizon(own_server: LiveServer) -> None:
    server = own_server
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    _, before = dev.pull_all()
    p1 = dev.insert("person", town.village, **person("留下"))
    p2 = dev.insert("person", town.village, **person("删掉"))
    dev.push(p1, p2)
    gone = dev.delete("person", p2["row_id"])
    dev.push(gone)
    _, after = dev.pull_all()
    p3 = dev.insert("person", town.village, **person("新的"))
    dev.push(p3)

    old = [p1["change_id"], p2["change_id"], gone["change_id"]]
    long_ago = utcnow() - timedelta(days=500)
    with server.db.engine.begin() as conn:
        for table, col, key in (
            ("change_log", "received_at", "change_id"),
            ("server_conflict", "created_at", "change_id"),
        ):
            for cid in old:
                conn.execute(
                    text(f"UPDATE {table} SET {col} = :t WHERE {key} = :c"),
                    {"t": long_ago, "c": cid},
                )
        conn.execute(
            text(
                "UPDATE push_batch SET created_at = :t WHERE batch_id IN "
                "(SELECT batch_id FROM change_log WHERE change_id IN (:a, :b, :c))"
            ),
            {"t": long_ago, "a": old[0], "b": old[1], "c": old[2]},
        )

    result = retention.run(server.db, Settings(database_url=server.database_url))
    assert result.change_log == 3 and result.push_batches == 2 and result.tombstones == 1
    with server.db.engine.connect() as conn:
        assert seqs.horizon(conn) == result.horizon
        ids = set(conn.execute(text("SELECT id FROM record WHERE entity = 'person'")).scalars())
        logged = set(conn.execute(text("SELECT change_id FROM change_log")).scalars())
    assert before < result.horizon <= after
    assert p1["row_id"] in ids and p3["row_id"] in ids and p2["row_id"] not in ids
    assert p3["change_id"] in logged and not logged & set(old)

    # Behind the horizon: told to bootstrap, in both languages.
    r = dev.http.get(server.url("/pull"), params={"cursor": before}, timeout=30)
    assert r.status_code == 410
    err = r.json()["error"]
    assert err["code"] == "sync.cursor_expired" and "重新下载" in err["zh"]
    # At or past it: pulls go on and nothing they need is gone.
    rows, _ = dev.pull_all(after)
    assert [x["id"] for x in rows] == [p3["row_id"]]
    rows, _ = dev.pull_all(0)
    mine = {x["id"] for x in rows if x["entity"] == "person"}
    assert mine == {p1["row_id"], p3["row_id"]}
    # Run again: nothing more to remove, the horizon stays.
    again = retention.run(server.db, Settings(database_url=server.database_url))
    assert again.horizon == result.horizon and again.change_log == 0


def test_retention_is_at_least_six_months() -> None:
    with pytest.raises(ValueError, match="at least 183"):
        Settings(retention_days=30)
    with pytest.raises(ValueError, match="at least 183"):
        Settings.from_env({"JSXSERVER_AUDIT_RETENTION_DAYS": "90"})
