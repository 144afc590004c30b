"""The schema's version: Alembic migrations (package ``jsxserver.migrations``).

``migrate`` brings any database to the newest revision: an empty one is
built from the baseline up, one made by 0.2.0's ``create_all`` (tables but no
``alembic_version``) is stamped as the baseline first, and one already newer
than this program is refused. All revisions run in one transaction (DDL is
transactional on PostgreSQL and SQLite), under an advisory lock on
PostgreSQL so several processes starting at once wait for each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from jsxserver.core.db import Database

BASELINE = "0001"
_LOCK_KEY = 7316202401


class SchemaError(Exception):
    """The database's schema is not the one this program needs."""


@dataclass(frozen=True)
class MigrateResult:
    before: str | None  # None: an empty database
    after: str
    legacy: bool  # a 0.2.0 database stamped as the baseline

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _config(conn: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "jsxserver:migrations")
    cfg.attributes["connection"] = conn
    return cfg


@cache
def _scripts() -> ScriptDirectory:
    """The revisions shipped with this program (read once: /ready asks often)."""
    return ScriptDirectory.from_config(_config())


def head() -> str:
    rev = _scripts().get_current_head()
    assert rev is not None
    return rev


def _known(rev: str) -> bool:
    return _scripts().get_revision(rev) is not None


def current(conn: Connection) -> str | None:
    """The revision the database is at; ``BASELINE`` for an unstamped 0.2.0
    database, None for an empty one."""
    rev = MigrationContext.configure(conn).get_current_revision()
    if rev is None and inspect(conn).has_table("record"):
        return BASELINE
    return rev


def _current_checked(conn: Connection) -> str | None:
    rev = current(conn)
    if rev is not None:
        try:
            known = _known(rev)
        except Exception:  # alembic raises its own errors for unknown ids
            known = False
        if not known:
            raise SchemaError(
                f"the database is at schema revision {rev}, newer than this program "
                f"knows (newest {head()}): run the newer jsxserver"
            )
    return rev


def migrate(db: Database) -> MigrateResult:
    with db.write_engine.begin() as conn:
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        stamped = MigrationContext.configure(conn).get_current_revision()
        before = _current_checked(conn)
        cfg = _config(conn)
        legacy = before == BASELINE and stamped is None
        if legacy:
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, "head")
        return MigrateResult(before, head(), legacy)


def check(db: Database) -> None:
    """Raise ``SchemaError`` unless the database is at the newest revision."""
    with db.engine.connect() as conn:
        rev = _current_checked(conn)
    if rev != head():
        have = "an empty database" if rev is None else f"schema revision {rev}"
        raise SchemaError(
            f"{have}, this program needs {head()}: run `jsxserver admin migrate` "
            "(or start with JSXSERVER_AUTO_MIGRATE=1)"
        )


def prepare(db: Database, auto_migrate: bool) -> None:
    """At start: migrate, or refuse an out-of-date schema."""
    if auto_migrate:
        migrate(db)
    else:
        check(db)
