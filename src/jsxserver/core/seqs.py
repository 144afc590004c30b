"""Sequence numbers: handing them out to writers and the watermark pulls stop at.

SQLite: a push transaction is ``BEGIN IMMEDIATE`` (core/db.py), so pushes run
one at a time and take their seqs from ``counter.seq`` in commit order; the
counter read in a pull's snapshot is the watermark.

PostgreSQL: pushes run side by side and take seqs from the sequence
``record_seq``. Because a push that took seq 7 may commit after one that took
8, a pull may only return seqs up to a *watermark* below which nothing can
still appear. Each push registers itself in ``push_open`` (its own committed
transaction) with ``floor`` = the sequence's last value *before* it takes any
seq, and removes the row with its last statement (``registration``,
``unregistered``: it goes the moment the push's rows appear) or, when it did
not commit, after its transaction ended. A pull, in one REPEATABLE READ snapshot
S, computes

    watermark = min(max(record.seq), min(push_open.floor))

Why no row with seq <= watermark can commit after S (so a cursor never passes
a row still to come; docs/sync-protocol.md §5 gives the whole argument): a
push P not yet visible in S either has its registration visible in S, and
then all its seqs are > floor >= watermark; or registered after S began, and
then took its seqs after every push visible in S had finished, so they are
above max(record.seq) >= watermark.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Connection, text
from sqlmodel import Session

from jsxserver.core.db import Database, DriverCursor
from jsxserver.models import HORIZON_COUNTER, SEQ_COUNTER, SEQ_SEQUENCE, utcnow

log = logging.getLogger("jsxserver")

# A registration this old whose backend is no longer in a transaction (its
# process died between commit and clean-up) is removed by ``reap_stale``.
STALE_AFTER = timedelta(seconds=60)
_NO_FLOOR = 2**63 - 1
# The last value the sequence handed out (0 before the first).
_LAST = "CASE WHEN is_called THEN last_value ELSE last_value - 1 END"


# Where write_session leaves the registration's id (Session.info), and the
# mark of a transaction that removed it itself (``unregistered``).
_REG = "push_open_id"
_GONE = "push_open_removed"


@contextmanager
def write_session(db: Database) -> Iterator[Session]:
    """A session for one transaction that takes seqs (a push, the
    associations of a division import). Commit it inside the block."""
    if db.is_sqlite:
        # SQLite has one writer: the others wait here, woken as it ends,
        # rather than in SQLite's busy handler, which sleeps and tries again
        # (a device sends its next batch while the server applies one).
        with db.writer, Session(db.write_engine) as session:
            yield session
        return
    with db.write_engine.connect() as conn:
        reg = _register(conn)
        gone = False
        try:
            with Session(bind=conn) as session:
                session.info[_REG] = reg
                yield session
                gone = bool(session.info.get(_GONE))
        finally:
            if conn.in_transaction():
                conn.rollback()
            if not gone:
                _deregister(conn, reg)


def registration(session: Session) -> int | None:
    """The id of ``session``'s push_open row (None on SQLite). A transaction
    that deletes it itself (``DELETE FROM push_open WHERE id = ...`` in its
    last statement) calls ``unregistered`` once it committed."""
    reg: int | None = session.info.get(_REG)
    return reg


def unregistered(session: Session) -> None:
    session.info[_GONE] = True


# Losing a registration in a crash loses its push too (same WAL, written
# first); losing a removal leaves a row for reap_stale: neither waits for its
# commit to reach the disk (set_config(..., true): this transaction only).
_NO_SYNC = "SELECT set_config('synchronous_commit', 'off', true) AS off"


_REGISTER = (
    f"WITH ns AS ({_NO_SYNC}) INSERT INTO push_open (floor, pid, started_at) "
    f"SELECT {_LAST}, pg_backend_pid(), now() FROM {SEQ_SEQUENCE}, ns RETURNING id"
)


def _register(conn: Connection) -> int:
    """Insert the registration in a transaction of its own: one statement in
    autocommit (one round trip; BEGIN and COMMIT were two more)."""
    row = DriverCursor(conn).execute_autocommit(_REGISTER).fetchone()
    reg: int = row[0]
    return reg


_DEREGISTER = (
    f"WITH ns AS ({_NO_SYNC}) DELETE FROM push_open WHERE id = %s AND EXISTS (SELECT 1 FROM ns)"
)


def _deregister(conn: Connection, reg: int) -> None:
    try:
        DriverCursor(conn).execute_autocommit(_DEREGISTER, (reg,))
    except Exception:  # the connection broke: reap_stale removes the row
        log.warning("could not remove push registration %s", reg, exc_info=True)


_ALLOCATE = f"SELECT nextval('{SEQ_SEQUENCE}') FROM generate_series(1, %s)"


def allocate(session: Session, n: int) -> list[int]:
    """``n`` new seqs in increasing order, inside the caller's transaction."""
    if n <= 0:
        return []
    if session.get_bind().dialect.name == "sqlite":
        top: int = session.execute(
            text("UPDATE counter SET value = value + :n WHERE name = :c RETURNING value"),
            {"n": n, "c": SEQ_COUNTER},
        ).scalar_one()
        return list(range(top - n + 1, top + 1))
    got = DriverCursor(session.connection()).execute(_ALLOCATE, (n,)).fetchall()
    return sorted(v for (v,) in got)


# The watermark's parts on PostgreSQL as SQL, and the watermark itself (a
# pull may bound each of its statements by it: in one snapshot they agree).
PG_TOP = "(SELECT coalesce(max(seq), 0) FROM record)"
PG_FLOOR = "(SELECT min(floor) FROM push_open)"
PG_OLDEST = "(SELECT min(started_at) FROM push_open)"
PG_WATERMARK = f"LEAST({PG_TOP}, coalesce({PG_FLOOR}, {_NO_FLOOR}))"


def watermark(session: Session) -> tuple[int, bool]:
    """The highest seq a pull in this (snapshot) session may return, and
    whether a registration looks stale (then call ``reap_stale``). Run it
    first in the pull's transaction: it fixes the snapshot."""
    if session.get_bind().dialect.name == "sqlite":
        value: int = session.execute(
            text("SELECT value FROM counter WHERE name = :c"), {"c": SEQ_COUNTER}
        ).scalar_one()
        return value, False
    top, floor, oldest = session.execute(text(f"SELECT {PG_TOP}, {PG_FLOOR}, {PG_OLDEST}")).one()
    return watermark_of(top, floor), is_stale(oldest)


def watermark_of(top: int, floor: int | None) -> int:
    """The watermark from PostgreSQL's parts (PG_TOP, PG_FLOOR): the highest
    seq written, but below every open push's floor."""
    return min(top, _NO_FLOOR if floor is None else floor)


def is_stale(oldest_registration: datetime | None) -> bool:
    """Whether the oldest push registration is old enough to look stale."""
    return oldest_registration is not None and oldest_registration < utcnow() - STALE_AFTER


def reap_stale(db: Database) -> int:
    """Remove registrations whose push can no longer commit: its backend is
    gone, or is no longer inside a transaction. Returns how many."""
    if db.is_sqlite:
        return 0
    with db.engine.begin() as conn:
        n = conn.execute(
            text(
                "DELETE FROM push_open o WHERE o.started_at < now() - make_interval(secs => :s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = o.pid "
                "AND a.backend_start <= o.started_at AND a.xact_start IS NOT NULL)"
            ),
            {"s": STALE_AFTER.total_seconds()},
        ).rowcount
    if n:
        log.warning("removed %d stale push registration(s)", n)
    return n


def latest(conn: Connection) -> int:
    """The highest seq handed out so far (committed or not)."""
    if conn.dialect.name == "sqlite":
        value: int = conn.execute(
            text("SELECT value FROM counter WHERE name = :c"), {"c": SEQ_COUNTER}
        ).scalar_one()
        return value
    last: int = conn.execute(text(f"SELECT {_LAST} FROM {SEQ_SEQUENCE}")).scalar_one()
    return last


def horizon(session: Session | Connection) -> int:
    """Seqs at or below this lost their history to retention (0: none)."""
    value = session.execute(
        text("SELECT value FROM counter WHERE name = :c"), {"c": HORIZON_COUNTER}
    ).scalar()
    return int(value or 0)
