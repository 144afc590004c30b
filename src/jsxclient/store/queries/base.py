"""What the read models share: statements a newer query can interrupt, a
single count, and the division-name subquery."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from jsxclient.store.db import OPERATIONAL_ERRORS

Interrupt = Callable[[], bool]


class Interrupted(Exception):
    """A query was stopped because a newer one replaced it."""


@contextmanager
def _guard(conn: sqlite3.Connection, interrupt: Interrupt | None) -> Iterator[None]:
    """Stop the statement when `interrupt()` turns true (a newer query replaced it)."""
    if interrupt is None:
        yield
        return

    def handler() -> int:
        return int(interrupt())

    conn.set_progress_handler(handler, 5000)
    try:
        yield
    finally:
        conn.set_progress_handler(None, 0)


def run(
    conn: sqlite3.Connection, sql: str, params: Mapping[str, Any], interrupt: Interrupt | None
) -> list[Any]:
    try:
        with _guard(conn, interrupt):
            return conn.execute(sql, params).fetchall()
    except OPERATIONAL_ERRORS as exc:
        if "interrupt" in str(exc) and interrupt is not None and interrupt():
            raise Interrupted() from exc
        raise


def scalar(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> int:
    r = conn.execute(sql, params).fetchone()
    return int(r[0] or 0)


def division_name_sql(code: str) -> str:
    """A subquery naming the division whose code is the expression `code`."""
    return f"(SELECT d.name FROM division d WHERE d.code = {code})"
