"""Bootstrap stage: the first sync of a device, from cursor 0, and the
download again after the server answered that it no longer keeps the
history since this device's cursor (410 `sync.cursor_expired`).

The same page application as the pull (each page and its cursor commit
together, so an interrupted bootstrap resumes where it stopped), with the
largest pages the server allows and the next page fetched while the current
one is written. Rows are written with one executemany per entity and page,
straight from the parsed reply: no ORM objects, no per-row queries. The
person search index is left aside while the pages go in and built in one
pass at the end (`jsxclient.store.bulk`).

A bootstrap under way is marked in the meta table (`BOOTSTRAP_KEY`) until
its last page is in, so a run that stopped half-way resumes as a bootstrap.

A download *again* must also forget what the server no longer holds: rows
deleted on another device whose tombstones the server's retention removed
since (and rows that left the scope while their scope exits went the same
way) are simply not in the new download. So `start_again` marks every row
that came from the server as unseen (its `server_seq` negated), each row of
the download clears the mark (it sets the row's `server_seq` anew), and when
the last page is in, the rows still marked are removed, except those with
changes not yet accepted by the server (pending or rejected): those are
kept and reported. The marks live in the rows themselves, so the download
resumes after a crash like any bootstrap and still finds what was gone.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field

from jsxclient.store import bulk
from jsxclient.store import journal as jr
from jsxclient.store.db import SQL_ERRORS
from jsxclient.store.store import Store
from jsxclient.sync.pull import CURSOR_KEY, Progress, PullStats, cursor, pull
from jsxclient.sync.transport import Transport
from jsxcore.entities import ENTITIES
from jsxcore.protocol import MAX_PULL_LIMIT

log = logging.getLogger("jsxclient.sync")

# Meta key: a bootstrap under way; "fresh" (the first one) or "again" (a
# download again that removes what the server no longer holds at its end).
BOOTSTRAP_KEY = "sync_bootstrap"
FRESH = "fresh"
AGAIN = "again"

# How many kept rows a report names (the count covers them all).
_NAMED = 20


@dataclass
class BootstrapStats(PullStats):
    seconds: float = 0.0
    # A download again: rows removed because the server no longer holds
    # them, and those kept because they have changes not yet accepted.
    removed: int = 0
    kept: list[jr.Key] = field(default_factory=list)


def needs_bootstrap(store: Store) -> bool:
    return cursor(store) == 0 or store.meta(BOOTSTRAP_KEY) is not None


def start_again(store: Store) -> None:
    """Download the area again from cursor 0 (after a 410), marking every
    row the server sent before as unseen, in one transaction."""
    with store.transaction() as tx:
        for entity in ENTITIES:
            tx.conn.execute(f"UPDATE {entity} SET server_seq=-server_seq WHERE server_seq>0")
        store.set_meta(CURSOR_KEY, "0", tx.conn)
        store.set_meta(BOOTSTRAP_KEY, AGAIN, tx.conn)


def bootstrap(
    store: Store,
    transport: Transport,
    *,
    page_size: int = MAX_PULL_LIMIT,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    stats: BootstrapStats | None = None,
) -> BootstrapStats:
    stats = stats if stats is not None else BootstrapStats()
    t0 = time.perf_counter()
    conn = store.db.connection()
    mode = store.meta(BOOTSTRAP_KEY)
    if mode is None:
        with store.transaction() as tx:
            store.set_meta(BOOTSTRAP_KEY, FRESH, tx.conn)
        mode = FRESH
    try:
        pull(
            store,
            transport,
            page_size=page_size,
            cancel=cancel,
            progress=progress,
            prefetch=True,
            stats=stats,
            bulk=True,
            # Again: every row the server holds, this device's own too, so
            # that a row missing from the download is one the server lost.
            skip_own=mode != AGAIN,
            checkpoint_after=False,
        )
        # The pages' rows go from the WAL to the file on another thread
        # (mostly waiting on fsync) while this one builds the indexes, and
        # the indexes' pages after this returns, not in the commit.
        store.db.checkpoint_behind()
        auto = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        conn.execute("PRAGMA wal_autocheckpoint=0")
        try:
            with store.transaction() as tx:
                if mode == AGAIN:
                    _forget_unseen(tx.conn, stats)
                if bulk.deferred(tx.conn):
                    bulk.rebuild(tx.conn)
                tx.conn.execute("DELETE FROM meta WHERE key=?", (BOOTSTRAP_KEY,))
                if mode == AGAIN and (stats.removed or stats.kept):
                    store.audit("sync", "re-download", "ok", _report(stats), tx.conn)
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint={auto}")
        store.db.checkpoint_behind()
    except BaseException:
        # Stopped half-way: what came in is searchable until the bootstrap
        # resumes (a crash leaves it to the next open of the store).
        with contextlib.suppress(*SQL_ERRORS):
            bulk.finish(conn)
        raise
    finally:
        stats.seconds = time.perf_counter() - t0
    if stats.kept:
        log.warning("re-download: %s", _report(stats))
    return stats


def _forget_unseen(conn: sqlite3.Connection, stats: BootstrapStats) -> None:
    """Remove the rows the download again did not bring (still marked); keep
    those with changes the server has not accepted, unmarked."""
    open_keys = jr.open_keys(conn)
    for entity in ENTITIES:
        unseen = [r for (r,) in conn.execute(f"SELECT id FROM {entity} WHERE server_seq<0")]
        if not unseen:
            continue
        keep = [r for r in unseen if (entity, r) in open_keys]
        gone = [r for r in unseen if (entity, r) not in open_keys]
        conn.executemany(
            f"UPDATE {entity} SET server_seq=-server_seq WHERE id=?", [(r,) for r in keep]
        )
        jr.forget_rows(conn, entity, gone)
        stats.kept.extend((entity, r) for r in keep)
        stats.removed += len(gone)


def _report(stats: BootstrapStats) -> str:
    text = f"removed {stats.removed} rows the server no longer holds"
    if stats.kept:
        named = ", ".join(f"{e} {r}" for e, r in stats.kept[:_NAMED])
        more = f" and {len(stats.kept) - _NAMED} more" if len(stats.kept) > _NAMED else ""
        text += f"; kept {len(stats.kept)} with changes not yet accepted: {named}{more}"
    return text
