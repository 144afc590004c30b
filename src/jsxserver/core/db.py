"""Engines for SQLite (one file, WAL) and PostgreSQL (psycopg 3).

Views of the connection pools:

- ``engine``: ordinary reads and small writes (login, device bookkeeping);
- ``write_engine``: push transactions. On SQLite its transactions start with
  ``BEGIN IMMEDIATE``: the write lock is taken before the counter is read, so
  SQLite pushes run one at a time (pysqlite's deferred BEGIN would let two
  pushes read the same counter and one fail at commit). On PostgreSQL pushes
  run side by side; core/seqs.py says how their seqs stay safe to pull.
- ``read_engine``: pulls, REPEATABLE READ on PostgreSQL so the watermark and
  every page query see one snapshot (SQLite read transactions are snapshots
  already under WAL). With ``read_database_url`` it is a streaming replica.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, DateTime, Engine, Table, event, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import create_engine

from jsxserver.core.config import Settings

SQLITE_BUSY_MS = 30_000
# Pages of write-ahead log (64 MiB of 16 KiB pages) after which a writer
# checkpoints by itself: only when the Checkpointer thread falls behind.
SQLITE_AUTOCHECKPOINT = 4_000
# Bytes a page of a new server database (see _on_connect).
SQLITE_PAGE_SIZE = 16_384

# Compact UTF-8 JSON: 3 bytes for a Chinese character instead of 6 escaped,
# and pulls copy this text straight into responses.
_json_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_text(value: Any) -> str:
    """``value`` as compact UTF-8 JSON text, as the engines write JSON
    columns: orjson (a tenth of the standard encoder's time on a push's
    records), or the standard encoder for what orjson refuses (integers
    beyond 64 bits, keys that are not text)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return _json_dumps(value)


class JsonText(str):
    """A JSON column's value already encoded: ``bulk_load`` writes it as it is."""


class Checkpointer:
    """Copies SQLite's write-ahead log into the database file beside the
    writers instead of in them: the server's connections checkpoint by
    themselves only once the log passes `SQLITE_AUTOCHECKPOINT` pages, and
    this thread runs a PASSIVE checkpoint (it never waits for a writer or
    blocks one) whenever the log changed, every `interval` seconds. A push
    that crossed SQLite's default 1,000 pages did the copy (and its fsync)
    before it could answer (`python -m bench sync_bootstrap --cases members`:
    first push 7,291 and 6,969 changes/s with it there, 9,184 and 9,057 here)."""

    def __init__(self, path: str, interval: float = 0.5) -> None:
        self.path = path
        self.wal = Path(f"{path}-wal")
        self.interval = interval
        self.runs = 0  # checkpoints run (tests)
        self._conn: sqlite3.Connection | None = None  # opened once the log exists
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="jsxserver-checkpoint", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        seen = -1
        try:
            while not self._stop.wait(self.interval):
                seen = self._checkpoint(seen)
            self._checkpoint(seen)  # what the last writes left
        finally:
            if self._conn is not None:
                self._conn.close()

    def _checkpoint(self, seen: int) -> int:
        try:
            changed = self.wal.stat().st_mtime_ns
        except OSError:  # no log (yet, or any more)
            return seen
        if changed == seen:
            return seen
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, timeout=SQLITE_BUSY_MS / 1000)
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:  # busy or gone: the next round, or the writers' own
            return seen
        self.runs += 1
        return changed

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


@dataclass(frozen=True)
class Database:
    engine: Engine
    write_engine: Engine
    read_engine: Engine
    replica: bool = False  # read_engine is a separate (replica) database
    checkpointer: Checkpointer | None = None  # SQLite files
    # Held by a SQLite transaction that takes seqs (seqs.write_session).
    writer: threading.RLock = field(default_factory=threading.RLock)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.close()
        self.engine.dispose()
        if self.replica:
            self.read_engine.dispose()


def make_database(settings: Settings) -> Database:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(settings.database_url)
        path = url.database
        checkpointer = Checkpointer(path) if path and path != ":memory:" else None
        return Database(
            engine, engine.execution_options(sqlite_immediate=True), engine, False, checkpointer
        )
    if url.get_backend_name() != "postgresql":
        raise ValueError(
            f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql"
        )
    engine = _pg_engine(settings.database_url, settings)
    if settings.read_database_url:
        replica = _pg_engine(settings.read_database_url, settings)
        read = replica.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        return Database(engine, engine, read, replica=True)
    return Database(engine, engine, engine.execution_options(isolation_level="REPEATABLE READ"))


def _pg_engine(url_text: str, settings: Settings) -> Engine:
    url = make_url(url_text)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(
        url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
        json_serializer=json_text,
    )


def _sqlite_engine(url_text: str) -> Engine:
    url = make_url(url_text)
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000},
        json_serializer=json_text,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's begin event below issue BEGIN itself.
        dbapi_conn.isolation_level = None
        # Set before the first table of a new file (a file made keeps its own):
        # a record and its change log entry are 2-3 KiB, and a commit writes
        # a frame per page (a first push's commit of 500 changes: 1.8 ms at
        # 4 KiB pages, 1.1 ms at 16 KiB; fewer levels of B-tree too).
        dbapi_conn.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")
        # The log is copied into the file beside the writers (Checkpointer);
        # a writer does it itself only when the log has grown this far.
        dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT}")
        dbapi_conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def init_db(db: Database) -> None:
    """Bring the schema to the newest revision (core/schema.py)."""
    from jsxserver.core.schema import migrate  # schema imports this module

    migrate(db)


def check_db(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT many rows in one executemany (psycopg pipelines it: one round
    trip for the lot)."""
    if not rows:
        return
    if conn.dialect.name == "sqlite" and _sqlite_insert(conn, table, rows):
        return
    conn.execute(insert(table), list(rows))


def _sqlite_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> bool:
    """The executemany of ``insert_rows`` on SQLite without SQLAlchemy's
    per-row parameter handling. False when the statement needs more than
    the given values (column defaults): the caller falls back."""
    columns = list(rows[0])
    return execute_many(conn, insert(table), rows, columns)


def execute_many(
    conn: Connection,
    stmt: Any,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str] | None = None,
) -> bool:
    """Run ``stmt`` once per row of ``rows`` (same keys in each), on SQLite
    straight through the driver: the bind types' own processors, run once
    per timestamp object (a push stamps all its rows with one), and rows as
    tuples; SQLAlchemy's per-row handling of an executemany costs more than
    the statement. Other dialects, or a statement whose parameters are not
    exactly ``keys``, go through ``conn.execute``; returns False only when
    ``keys`` was given and did not fit (nothing executed)."""
    if not rows:
        return True
    names = list(keys if keys is not None else rows[0])
    if conn.dialect.name == "sqlite":
        dialect = conn.dialect
        compiled = stmt.compile(dialect=dialect, column_keys=names)
        order = list(compiled.positiontup or ())
        if sorted(order) == sorted(names):
            procs: list[Any] = []
            for name in order:
                btype = compiled.binds[name].type
                proc = btype._cached_bind_processor(dialect)
                if proc is not None and btype._type_affinity is DateTime:
                    proc = _memo(proc)
                procs.append(proc)
            if all(p is None for p in procs):
                params = [tuple([r[c] for c in order]) for r in rows]
            else:
                pairs = tuple(zip(order, procs, strict=True))
                params = [tuple([r[c] if p is None else p(r[c]) for c, p in pairs]) for r in rows]
            conn.exec_driver_sql(compiled.string, params)
            return True
        if keys is not None:
            return False
    conn.execute(stmt, list(rows))
    return True


def _memo(proc: Any) -> Any:
    """``proc`` that remembers its last argument (by identity)."""
    last: list[Any] = [_UNSET, None]

    def process(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, proc(value)
        return last[1]

    return process


_UNSET = object()


def _as_json(value: Any) -> str:
    return value if type(value) is JsonText else json_text(value)


def bulk_load(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Load many thousand rows: COPY on PostgreSQL (its parameter handling
    of large statements is the bottleneck otherwise), executemany on SQLite."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        insert_rows(conn, table, rows)
        return
    columns = list(rows[0])
    json_cols = {c.name for c in table.columns if isinstance(c.type, JSON | JSONB)}
    _copy(conn, table, columns, [[row[c] for c in columns] for row in rows], json_cols)


def load_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows given as tuples in ``columns`` order, their JSON columns
    already as text and their timestamps as ``stamp`` gives them: COPY on
    PostgreSQL, one executemany straight through the driver on SQLite (no
    per-row parameter handling: a push's rows are ready to write)."""
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        _copy(conn, table, columns, rows, set())
        return
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', list(rows))


def stamp(conn: Connection, column: Any, value: datetime) -> Any:
    """``value`` as ``load_rows`` and raw statements take it for ``column``:
    on SQLite the text SQLAlchemy would store, formatted once per push."""
    if conn.dialect.name == "postgresql":
        return value
    proc = column.type._cached_bind_processor(conn.dialect)
    return value if proc is None else proc(value)


def _copy(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    json_cols: set[str],
) -> None:
    import psycopg

    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    names = ", ".join(f'"{c}"' for c in columns)
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    is_json = [c in json_cols for c in columns]
    text_rows = _copy_text(rows, is_json)
    try:
        with dbapi.cursor() as cur, cur.copy(statement) as copy:
            if text_rows is not None:
                copy.write(text_rows)
            else:
                for row in rows:
                    copy.write_row(
                        [_as_json(v) if j else v for v, j in zip(row, is_json, strict=True)]
                    )
    except psycopg.Error as exc:
        # As SQLAlchemy would raise it (IntegrityError, DataError, ...), so
        # callers and the app's error handlers see one kind.
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


# COPY's text format: a backslash, tab, newline or carriage return in a value
# is written as its backslash escape; \\N is NULL.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(rows: Sequence[Sequence[Any]], is_json: list[bool]) -> str | None:
    """``rows`` as COPY text, or None when a value is of a type this does not
    write (psycopg formats those rows). Built here, not by ``write_row``:
    psycopg's per-value dispatch cost more than the COPY itself (bench
    dayend); a push stamps every row with one timestamp, formatted once."""
    stamps: dict[int, str] = {}
    lines: list[str] = []
    tabs = len(is_json) - 1
    for row in rows:
        got = _copy_fields(row, is_json, stamps, escape=False)
        if got is None:
            return None
        fields, nulls = got
        line = "\t".join(fields)
        # A row of plain values (the usual one) is checked as one line: only
        # its separators are tabs and only its NULLs hold a backslash.
        if line.count("\t") != tabs or line.count("\\") != nulls or "\n" in line or "\r" in line:
            escaped = _copy_fields(row, is_json, stamps, escape=True)
            assert escaped is not None
            line = "\t".join(escaped[0])
        lines.append(line)
    lines.append("")
    return "\n".join(lines)


_COPY_NULL = "\\N"


def _copy_fields(
    row: Sequence[Any],
    is_json: list[bool],
    stamps: dict[int, str],
    escape: bool,
) -> tuple[list[str], int] | None:
    """One row's values as COPY text fields, and how many are NULL."""
    fields: list[str] = []
    nulls = 0
    for v, as_json in zip(row, is_json, strict=True):
        t = type(v)
        if as_json:
            v = v if t is JsonText else json_text(v)
        elif t is str:
            pass
        elif v is None:
            fields.append(_COPY_NULL)
            nulls += 1
            continue
        elif t is bool:
            fields.append("t" if v else "f")
            continue
        elif t is int:
            fields.append(str(v))
            continue
        elif t is datetime or t is date:
            text_ = stamps.get(id(v))
            if text_ is None:
                text_ = stamps[id(v)] = v.isoformat()
            fields.append(text_)
            continue
        else:
            return None
        if escape and _COPY_SPECIAL.search(v) is not None:
            v = v.translate(_COPY_ESCAPES)
        fields.append(v)
    return fields, nulls


class SqliteDriver:
    """Reads straight through sqlite3 on a SQLAlchemy connection's
    transaction (no result processing: hot paths only), raising database
    errors as SQLAlchemy's."""

    def __init__(self, conn: Connection) -> None:
        dbapi = conn.connection.driver_connection
        assert isinstance(dbapi, sqlite3.Connection)
        self._conn = dbapi

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(statement, params).fetchall()
        except sqlite3.Error as exc:
            raise DBAPIError.instance(statement, params, exc, sqlite3.Error) from exc


class DriverCursor:
    """Statements straight through psycopg on a SQLAlchemy connection's
    transaction (no statement compiling, no result processing: hot paths
    only), raising database errors as SQLAlchemy's like ``bulk_load``."""

    def __init__(self, conn: Connection) -> None:
        dbapi = conn.connection.driver_connection
        assert dbapi is not None
        self._cur = dbapi.cursor()

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        import psycopg

        try:
            return self._cur.execute(statement, params)
        except psycopg.Error as exc:
            raise DBAPIError.instance(statement, params, exc, psycopg.Error) from exc

    def execute_autocommit(self, statement: str, params: Sequence[Any] = ()) -> Any:
        """``statement`` as a transaction of its own: one round trip, where
        BEGIN and COMMIT would be two more (the connection is outside any
        transaction; it is left in psycopg's usual mode after)."""
        conn = self._cur.connection
        conn.autocommit = True
        try:
            return self.execute(statement, params)
        finally:
            conn.autocommit = False

    def execute_all(
        self, statements: Sequence[tuple[str, Sequence[Any]]], commit: bool = False
    ) -> None:
        """Run ``statements`` in order, all sent in one round trip (psycopg's
        pipeline mode), their results unread; the first error is raised.
        With ``commit`` the transaction's COMMIT goes with them: the
        SQLAlchemy commit that must still follow finds nothing left to do."""
        import psycopg

        conn = self._cur.connection
        try:
            with conn.pipeline():
                for statement, params in statements:
                    self._cur.execute(statement, params)
                if commit:
                    conn.commit()
        except psycopg.Error as exc:
            raise DBAPIError.instance(
                "; ".join(q for q, _ in statements), None, exc, psycopg.Error
            ) from exc

    def fetch_all(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[Any]]:
        """The rows of each query, all sent in one round trip (psycopg's
        pipeline mode; the transaction's BEGIN goes with them), run in order."""
        import psycopg

        conn = self._cur.connection
        try:
            with conn.pipeline():
                cursors = []
                for statement, params in queries:
                    cur = conn.cursor()
                    cur.execute(statement, params)
                    cursors.append(cur)
            return [cur.fetchall() for cur in cursors]
        except psycopg.Error as exc:
            raise DBAPIError.instance(
                "; ".join(q for q, _ in queries), None, exc, psycopg.Error
            ) from exc
