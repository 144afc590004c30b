"""Schema migrations on SQLite and PostgreSQL: from an empty database and
from one made by 0.2.0's ``create_all`` (the frozen DDL in data/) with data
in it; the result always matches the models exactly."""

from __future__ import annotations

import io
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session

from jsxserver.cli import EXIT_MIGRATION_PENDING, main
from jsxserver.core import schema, seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import Database, make_database
from jsxserver.models import metadata
from tests.server.conftest import PG_ADMIN_URL, PG_URL, _pg_reachable

DATA = Path(__file__).parent / "data"
OLD_SEQ = 4321  # the 0.2.0 counter in the fixture database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"jsx_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{PG_URL}?options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture
def db(url: str) -> Iterator[Database]:
    d = make_database(Settings(database_url=url))
    yield d
    d.dispose()


def _diffs(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


def _load_0_2_0(db: Database) -> None:
    """The 0.2.0 schema with a township's worth of history in it."""
    ddl = (DATA / f"schema_0_2_0_{db.engine.dialect.name}.sql").read_text()
    ddl = "\n".join(ln for ln in ddl.splitlines() if not ln.startswith("--"))
    with db.engine.begin() as conn:
        for stmt in ddl.split(";\n"):
            if stmt.strip():
                conn.exec_driver_sql(stmt)
        conn.exec_driver_sql(f"INSERT INTO counter (name, value) VALUES ('seq', {OLD_SEQ})")
        for i in range(3):
            data = json.dumps({"name": f"张{i}", "division_code": "430105003001"})
            conn.execute(
                text(
                    "INSERT INTO record (entity, id, township, division_code, data, field_hlc, "
                    "deleted, seq, created_at, updated_at, updated_device, updated_user) VALUES "
                    "('person', :id, '430105003', '430105003001', :data, '{}', false, :seq, "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 'dev', 'u')"
                ),
                {"id": f"p{i}", "data": data, "seq": OLD_SEQ - 3 + i},
            )


def test_empty_database_to_head(db: Database) -> None:
    with pytest.raises(schema.SchemaError, match="empty database"):
        schema.check(db)
    result = schema.migrate(db)
    assert (result.before, result.after, result.legacy) == (None, schema.head(), False)
    schema.check(db)
    assert _diffs(db) == []
    with db.engine.connect() as conn:
        assert seqs.latest(conn) == 0
        assert seqs.horizon(conn) == 0
    # Idempotent, and several starts at once do not race (the advisory lock).
    assert not schema.migrate(db).changed


def test_0_2_0_database_with_data(db: Database) -> None:
    _load_0_2_0(db)
    with db.engine.connect() as conn:
        assert schema.current(conn) == schema.BASELINE
    with pytest.raises(schema.SchemaError, match="admin migrate"):
        schema.check(db)
    result = schema.migrate(db)
    assert result.legacy and result.before == schema.BASELINE
    assert _diffs(db) == []
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, seq FROM record ORDER BY seq")).all()
        assert [r.id for r in rows] == ["p0", "p1", "p2"]
        assert seqs.latest(conn) == OLD_SEQ  # numbering continues where 0.2.0 stopped
    with seqs.write_session(db) as session:
        assert seqs.allocate(session, 2) == [OLD_SEQ + 1, OLD_SEQ + 2]
        session.commit()
    with Session(db.read_engine) as s:
        # SQLite: the counter (its pushes commit in seq order); PostgreSQL:
        # the highest committed row, no push being open.
        want = OLD_SEQ + 2 if db.is_sqlite else OLD_SEQ - 1
        assert seqs.watermark(s) == (want, False)


def test_down_to_the_baseline_and_up_again(db: Database) -> None:
    from alembic import command

    schema.migrate(db)
    with db.write_engine.begin() as conn:
        command.downgrade(schema._config(conn), schema.BASELINE)
        assert not inspect(conn).has_table("audit_log")
    with db.write_engine.begin() as conn:
        command.upgrade(schema._config(conn), "head")
    assert _diffs(db) == []


def test_newer_database_is_refused(db: Database) -> None:
    schema.migrate(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(schema.SchemaError, match="newer than this program"):
        schema.migrate(db)


def test_cli_migrate_and_check(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["--database", url, "admin", "migrate", "--check"]) == EXIT_MIGRATION_PENDING
    assert "admin migrate" in capsys.readouterr().err
    # With automatic migration off, other admin commands refuse an old schema.
    monkeypatch.setenv("JSXSERVER_AUTO_MIGRATE", "0")
    assert main(["--database", url, "admin", "list-devices"]) == 2
    assert "admin migrate" in capsys.readouterr().err
    assert main(["--database", url, "admin", "migrate"]) == 0
    assert f"to {schema.head()}" in capsys.readouterr().out
    assert main(["--database", url, "admin", "migrate", "--check"]) == 0
    assert main(["--database", url, "admin", "list-devices"]) == 0
    assert "no devices" in capsys.readouterr().out
