"""A real jsxserver on 127.0.0.1, once per backend per test session.

The server runs uvicorn in a thread over a fresh SQLite file or a fresh
PostgreSQL schema (``jsx_<random>``, dropped afterwards, so pytest-xdist
workers never share one). Tests talk to it over HTTP with ``requests`` and
stay out of each other's way by taking a township of their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from jsxserver.core.config import Settings
from jsxserver.core.db import init_db
from jsxserver.main import create_app
from tests.server.support import LiveServer, serve_in_thread

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: no PostgreSQL here
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable ({exc.__class__.__name__}: {exc})"


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    import psycopg

    schema = f"jsx_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield schema
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _database_url(request: pytest.FixtureRequest, tmp: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp / 'server.db'}"
    schema = request.getfixturevalue("pg_schema")
    # No fsync wait per commit: the tests check behaviour, not durability.
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    return f"{PG_URL}?options={quote(options)}"


@pytest.fixture(
    scope="session",
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)],
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    url = _database_url(request, tmp_path_factory.mktemp(f"server-{request.param}"))
    # Cheap password hashes: the suite logs in hundreds of times.
    settings = Settings(
        database_url=url,
        pool_size=10,
        max_overflow=20,
        argon2_time_cost=1,
        argon2_memory_kib=8192,
        offline_scrypt_n=1024,
        access_log=0,  # test_operations.py reads the access log itself
    )
    app = create_app(settings)
    db = app.state.db
    init_db(db)
    live = LiveServer(backend=request.param, database_url=url, db=db)
    live.import_divisions()

    try:
        with serve_in_thread(app) as base_url:
            live.base_url = base_url
            yield live
    finally:
        db.dispose()
