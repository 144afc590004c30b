"""Pull stage: bring in the server's rows changed since the stored cursor.

Each page is applied in one local transaction together with the cursor that
follows it, so an interruption anywhere resumes at the first unapplied page.

Per row:
- no pending or rejected entries here: upsert the server's row (plus derived
  columns), no journal entries;
- otherwise merge field by field with `merge_field`, the same rule the server
  applies on push: a field the server wins is set here and dropped from the
  pending entries; a field this device wins stays, and the earliest pending
  entry is rebased (its `old` becomes the server's value) so the server then
  applies it cleanly. Both sides of a real conflict go to the `conflict`
  table: nothing is lost silently. Edits beat deletes, both ways.
- `in_scope=False`: the row left this device's scope; it is dropped here
  (not a tombstone, not journaled) once nothing of it is left to push.

Pages are fetched on a helper thread while the previous one is written, so
network and disk overlap; only this thread touches the database.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import queue
import re
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsxclient.store import journal as jr
from jsxclient.store.bulk import defer as defer_indexes
from jsxclient.store.db import INTEGRITY_ERRORS, PROGRAMMING_ERRORS, SQL_ERRORS, now_text
from jsxclient.store.search import DERIVED
from jsxclient.store.store import Store
from jsxclient.sync import rows
from jsxclient.sync.errors import SyncBugError, SyncCancelled
from jsxclient.sync.transport import Transport
from jsxcore.entities import ENTITIES, EntitySpec
from jsxcore.merge import MISSING, merge_record, same
from jsxcore.protocol import MAX_PULL_LIMIT, PulledRow, PulledRowDict, PullPage, PullTables
from jsxcore.wire import expand_stamps, is_tables, table_rows

CURSOR_KEY = "sync_cursor"
OWN_AFTER_KEY = jr.OWN_AFTER_KEY


@dataclass
class PullStats:
    received: int = 0
    merged: int = 0
    conflicts: int = 0
    pages: int = 0


Progress = Callable[[int, int], None]


def cursor(store: Store) -> int:
    return int(store.meta(CURSOR_KEY) or 0)


def own_after(store: Store) -> int | None:
    v = store.meta(OWN_AFTER_KEY)
    return int(v) if v else None


def pull(
    store: Store,
    transport: Transport,
    *,
    page_size: int = MAX_PULL_LIMIT,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    prefetch: bool = True,
    stats: PullStats | None = None,
    bulk: bool = False,
    skip_own: bool = True,
    checkpoint_after: bool = True,
) -> PullStats:
    """``bulk`` (a bootstrap): start with small pages so writing begins while
    the server is still producing the first full page, checkpoint the WAL
    once at the end rather than every few pages (each checkpoint copies the
    same index pages again), and leave the indexes and the person search index to be built
    in one pass once the last page is in (`jsxclient.store.bulk`:
    the caller rebuilds it). ``checkpoint_after=False``: a bulk pull that
    ends well leaves that checkpoint to the caller (a bootstrap runs it
    beside its rebuild). ``skip_own=False``: the server sends this
    device's own inserts too (a download that must see every row)."""
    conn = store.db.connection()
    if jr.has_in_flight(conn):
        # The in-flight batch's entries must stay exactly as sent until its
        # reply is applied; merging into them now could change a replay.
        raise RuntimeError("pull while a push batch is in flight; push first")
    stats = stats if stats is not None else PullStats()
    start = cur = cursor(store)
    limit = max(1, min(page_size, MAX_PULL_LIMIT))
    checkpoint = 0
    if bulk:
        checkpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        if checkpoint > 0:
            conn.execute(f"PRAGMA wal_autocheckpoint={max(checkpoint, BULK_CHECKPOINT)}")
    mine = own_after(store) if skip_own else None
    pages = (
        _prefetched(transport, cur, limit, cancel, bulk, mine)
        if prefetch
        else _sequential(transport, cur, limit, mine)
    )
    # A page is tens of thousands of short-lived objects freed by reference
    # counting; the cyclic collector would run hundreds of times over them
    # in a bootstrap for nothing. Collections resume when the pull ends.
    collecting = gc.isenabled()
    gc.disable()
    done = False
    try:
        for page in pages:
            if cancel is not None and cancel.is_set():
                raise SyncCancelled("pull")
            _check(page, cur)
            try:
                apply_page(store, page, stats, bulk=bulk)
            except INTEGRITY_ERRORS + PROGRAMMING_ERRORS as exc:
                # The page rolled back whole; a row the server accepted does
                # not fit this client's table (or holds a value SQLite cannot
                # take). A bug on one side or the other.
                raise SyncBugError(f"pulled page does not fit the local tables: {exc}") from exc
            cur = page["cursor"]
            stats.pages += 1
            if progress:
                progress(cur - start, max(page["server_seq"] - start, cur - start))
        done = True
    finally:
        if collecting:
            gc.enable()
        close = getattr(pages, "close", None)
        if close is not None:
            close()
        if checkpoint > 0:
            with contextlib.suppress(*SQL_ERRORS):  # never mask the pull's own error
                conn.execute(f"PRAGMA wal_autocheckpoint={checkpoint}")
                if checkpoint_after or not done:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    return stats


def _sequential(
    transport: Transport, cur: int, limit: int, mine: int | None = None
) -> Iterator[PullPage | PullTables]:
    while True:
        page = Transport.parse_page(transport.pull_raw(cur, limit, mine))
        yield page
        if not page["more"]:
            return
        if page["cursor"] <= cur:
            raise SyncBugError(f"pull cursor did not advance ({cur} -> {page['cursor']})")
        cur = page["cursor"]


_TAIL_CURSOR = re.compile(rb'"cursor"\s*:\s*(\d+)')
_TAIL_MORE = re.compile(rb'"more"\s*:\s*(true|false)')


def _peek(raw: bytes) -> tuple[int, bool] | None:
    """cursor and more from after the rows array, without parsing the page.
    Only a hint for fetching ahead: the parsed page is checked against it."""
    tail = raw[raw.rfind(b"]") + 1 :]
    c, m = _TAIL_CURSOR.search(tail), _TAIL_MORE.search(tail)
    if c is None or m is None:
        return None
    return int(c.group(1)), m.group(1) == b"true"


# Page sizes a bulk pull starts with before the full ``limit``.
RAMP = (500, 2000)
# WAL pages (80 MB) a bulk pull lets accumulate before a checkpoint
# (SQLite's default is 1,000: a bootstrap page or two).
BULK_CHECKPOINT = 20_000


# What the fetch thread hands over: a page's bytes with the cursor and more
# peeked at, a page it had to parse, what it raised, or None at the end.
_Item = tuple[bytes, int, bool] | PullPage | PullTables | BaseException | None


def _prefetched(
    transport: Transport,
    cur: int,
    limit: int,
    cancel: threading.Event | None,
    ramp: bool = False,
    mine: int | None = None,
) -> Iterator[PullPage | PullTables]:
    """Yield pages while the next one is already being fetched.

    The fetch thread only moves bytes (waiting on the network and inflating
    gzip both release the GIL); pages are parsed here, on the thread that
    writes them, so parsing never stalls the SQLite writes of the other
    thread. The fetch thread finds the next cursor by peeking at the page's
    tail; the parsed page must agree, else fetching ahead stops and the rest
    is fetched one page at a time."""
    q: queue.Queue[_Item] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: _Item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def fetch() -> None:
        at = cur
        sizes = iter(RAMP if ramp else ())
        try:
            while not stop.is_set() and not (cancel is not None and cancel.is_set()):
                raw = transport.pull_raw(at, min(limit, next(sizes, limit)), mine)
                peek = _peek(raw)
                if peek is None:  # no hint: parse here, this once
                    page = Transport.parse_page(raw)
                    if not put(page):
                        return
                    nxt, more = page["cursor"], page["more"]
                else:
                    nxt, more = peek
                    if not put((raw, nxt, more)):
                        return
                if not more:
                    put(None)
                    return
                if nxt <= at:
                    raise SyncBugError(f"pull cursor did not advance ({at} -> {nxt})")
                at = nxt
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)

    t = threading.Thread(target=fetch, name="jsx-pull-fetch", daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, dict):
                yield item
                continue
            raw, hint_cursor, hint_more = item
            page = Transport.parse_page(raw)
            if (page["cursor"], page["more"]) != (hint_cursor, hint_more):
                stop.set()
                yield page
                if page["more"]:
                    yield from _sequential(transport, page["cursor"], limit, mine)
                return
            yield page
    finally:
        # The fetcher sees `stop` at its next page; one stuck in a request is
        # left to finish on its own (daemon) rather than holding up a cancel.
        stop.set()
        try:
            while True:
                q.get_nowait()
        except queue.Empty:
            pass
        t.join(1.0)


def _check(page: PullPage | PullTables, cur: int) -> None:
    """Reject a page that can't be right before any of it is applied (the
    transport checked a protocol 3 page's shape)."""
    if page["cursor"] < cur:
        raise SyncBugError(f"pull cursor went back ({cur} -> {page['cursor']})")
    if is_tables(page):
        return
    for row in page["rows"]:
        if row.get("in_scope", True) and row.get("data") is None:
            raise SyncBugError(f"pulled {row['entity']} {row['id']} in scope without data")


def apply_page(
    store: Store, page: PullPage | PullTables, stats: PullStats, bulk: bool = False
) -> None:
    """One page and the cursor after it, in one transaction. Rows are the
    page's plain dicts (keys left out take `PulledRow`'s defaults), or, in
    protocol 3, its tables: a bulk pull writes the rows of a table that
    have nothing local to merge with as they came (`_write_tables`), the
    others go row by row as protocol 2 has them."""
    with store.transaction() as tx:
        conn = tx.conn
        if bulk:
            defer_indexes(conn)
        okeys = jr.open_keys(conn)
        ckeys = jr.open_conflict_keys(conn)
        evict = jr.evict_keys(conn)
        top = ""
        if is_tables(page):
            if bulk:
                local = okeys | ckeys | evict
                page_rows, top = _write_tables(conn, page, stats, local)
            else:
                page_rows = table_rows(page)
        else:
            page_rows = page["rows"]
        simple: dict[str, list[list[Any]]] = {}
        layouts: dict[str, _Layout | None] = {}
        merged: set[jr.Key] = set()
        now = now_text()
        received = 0
        # This loop runs once per row of a bootstrap in protocols 1 and 2:
        # one C call takes the row's fields, and the look-ups of local state
        # are skipped when there is none (a fresh device has nothing to
        # merge or evict).
        for row in page_rows:
            try:
                entity, row_id, seq, in_scope, deleted, data, hlc, field_hlc, at, dev, user = (
                    _ROW_FIELDS(row)
                )
            except KeyError:
                entity, row_id, seq, in_scope, deleted, data, hlc, field_hlc, at, dev, user = (
                    _ROW_FIELDS({**_ROW_DEFAULTS, **row})
                )
            lay = layouts.get(entity, _UNSEEN)
            if lay is _UNSEEN:
                lay = layouts[entity] = _layout(entity) if entity in ENTITIES else None
            if lay is None:
                continue  # an entity this version does not know yet
            # The newest stamp of the row: its row stamp (protocol 2) or one
            # of its field stamps.
            if hlc is not None and hlc > top:
                top = hlc
            if field_hlc:
                newest = max((s for s in field_hlc.values() if s is not None), default="")
                if newest > top:
                    top = newest
            if not in_scope:
                key = (entity, row_id)
                if key in okeys:
                    jr.queue_evict(conn, key, seq)
                else:
                    jr.hard_delete(conn, entity, row_id)
                continue
            received += 1
            state = "synced"
            if okeys or ckeys or evict:
                key = (entity, row_id)
                if key in evict:
                    jr.unqueue_evict(conn, key)
                if key in okeys and _merge_row(
                    conn, ENTITIES[entity], PulledRow.model_validate(row), stats
                ):
                    merged.add(key)
                    continue
                if key in ckeys:
                    state = "conflict"
            get, deleted_at, derived, pairs = lay
            vals: list[Any] = [row_id]
            try:
                vals.extend(get(data))  # the server sends every field
            except (KeyError, TypeError):
                d = data or {}
                vals.extend([d.get(c, v) for c, v in pairs])
            vals[deleted_at] = deleted
            for src, how in derived:
                vals.append(how(vals[src]))
            vals.extend((at or now, dev or "", user or "", seq, state))
            out = simple.get(entity)
            if out is None:
                out = simple[entity] = []
            out.append(vals)
        stats.received += received
        for entity, params in simple.items():
            (rows.upsert_rows if bulk else rows.write_rows)(conn, entity, params)
        jr.refresh_sync_state(conn, merged)
        jr.evict_ready(conn)
        if top:
            store.clock.observe(top)
            store.set_meta("hlc", store.clock.last, conn)
        store.set_meta(CURSOR_KEY, str(page["cursor"]), conn)
        store.set_meta("server_seq", str(page["server_seq"]), conn)


def _write_tables(
    conn: sqlite3.Connection, page: PullTables, stats: PullStats, local: Collection[jr.Key]
) -> tuple[list[PulledRowDict], str]:
    """Write a protocol 3 page's rows as they came, one executemany per
    table (`rows.table_sql`), all but those of a row with local state
    (`local`: pending, conflicting or to be evicted) or of a table this
    version must fill in field by field: those are returned as protocol 2
    rows for `apply_page`'s loop, with the exits. Also the newest stamp of
    the rows written."""
    rest: list[PulledRowDict] = []
    top = ""
    received = 0
    for table in page["tables"]:
        entity, rows_in = table["entity"], table["rows"]
        if entity not in ENTITIES or not rows_in:
            continue  # an entity this version does not know yet
        cols = tuple(table["columns"])
        plan = rows.table_sql(entity, cols)
        if plan is None:
            rest.extend(table_rows({**page, "tables": [table], "exits": []}))
            continue
        n = len(cols)
        newest = max(filter(None, map(operator.itemgetter(n + 1), rows_in)), default="")
        for exceptions in table["stamps"].values():
            newest = max(newest, max(filter(None, exceptions.values()), default=""))
        top = max(top, newest)
        if local:
            keep = [r for r in rows_in if (entity, r[0]) not in local]
            if len(keep) < len(rows_in):
                ids = {r[0] for r in keep}
                rest.extend(
                    r
                    for r in table_rows({**page, "tables": [table], "exits": []})
                    if r["id"] not in ids
                )
                rows_in = keep
        sql, derived = plan
        for src, how in derived:
            for r in rows_in:
                r.append(how(r[src]))
        conn.executemany(sql, rows_in)
        received += len(rows_in)
    stats.received += received
    if page["exits"]:
        rest.extend(table_rows({**page, "tables": []}))
    return rest, top


# A page row's keys in the order apply_page reads them, and PulledRow's
# defaults for those a row may leave out.
_ROW_FIELDS = operator.itemgetter(
    "entity",
    "id",
    "seq",
    "in_scope",
    "deleted",
    "data",
    "hlc",
    "field_hlc",
    "updated_at",
    "updated_device",
    "updated_user",
)
_ROW_DEFAULTS: dict[str, Any] = {
    "in_scope": True,
    "deleted": False,
    "data": None,
    "hlc": None,
    "field_hlc": {},
    "updated_at": None,
    "updated_device": None,
    "updated_user": None,
}
_UNSEEN: Any = object()

# A getter of all the data columns at once (KeyError when one is missing),
# the index of `deleted` in a row's values, the derived columns
# (person.search_key) as (index of the value they come from, how), and the
# (data column, default) pairs in `row_sql` order.
_Layout = tuple[
    Callable[[Any], tuple[Any, ...]],
    int,
    tuple[tuple[int, Callable[[Any], Any]], ...],
    tuple[tuple[str, Any], ...],
]


@cache
def _layout(entity: str) -> _Layout:
    cols = rows.row_sql(entity)[2]
    dflt = rows.defaults(entity)
    data_cols = cols[1 : len(ENTITIES[entity].data_fields) + 1]
    getter = operator.itemgetter(*data_cols)
    get: Callable[[Any], tuple[Any, ...]] = getter if len(data_cols) > 1 else lambda d: (getter(d),)
    derived = tuple((1 + data_cols.index(src), how) for _, src, how in DERIVED.get(entity, ()))
    return (
        get,
        1 + data_cols.index("deleted"),
        derived,
        tuple((c, dflt.get(c)) for c in data_cols),
    )


def _merge_row(conn: sqlite3.Connection, es: EntitySpec, row: PulledRow, stats: PullStats) -> bool:
    """Three-way merge of a pulled row into a row with unpushed entries.
    Returns False when there is nothing local to merge with (plain upsert)."""
    key = (es.name, row.id)
    local = rows.get_row(conn, es, row.id)
    entries = jr.open_entries(conn, key)
    if local is None or not entries:
        return False
    theirs_data = row.data or {}
    writers: dict[str, list[jr.Entry]] = {}
    for e in entries:
        if e.op != "delete":
            for f in e.fields:
                writers.setdefault(f, []).append(e)
    names = [f for f in es.data_fields if f != "deleted"]
    # A restore from the recycle bin answers the deletes before it.
    last_restore = max((i for i, e in enumerate(entries) if _restores(e)), default=-1)
    deletes = [e for i, e in enumerate(entries) if e.op == "delete" and i > last_restore]
    rm = merge_record(
        written={f: local.get(f) for f in writers if f in theirs_data and f != "deleted"},
        seen={f: _base(entries, f, local.get(f)) for f in names},
        mine_hlc={f: max(e.hlc for e in ws) for f, ws in writers.items()},
        deletes=bool(deletes),
        delete_hlc=deletes[-1].hlc if deletes else None,
        theirs={f: theirs_data[f] for f in names if f in theirs_data},
        # merge_record compares stamps field by field: expand the page's row
        # stamp and exceptions (a protocol 1 page's full stamps stay as they are).
        theirs_hlc=expand_stamps(row.hlc, row.field_hlc, theirs_data),
        theirs_deleted=row.deleted,
        restores=last_restore >= 0 and not deletes,
    )
    theirs_device = row.updated_device
    new: dict[str, Any] = {}
    conflicts = 0
    for f in names:
        if f not in theirs_data:
            continue
        theirs, mine, ws = theirs_data[f], local.get(f), writers.get(f)
        fm = rm.fields.get(f)
        if not ws or fm is None:
            # Not written here, or written once and kept by the other side.
            if not same(theirs, mine):
                new[f] = theirs
            for e in ws or ():
                e.fields.pop(f, None)
                e.old.pop(f, None)
                e.dirty = True
            continue
        if fm.conflict:
            jr.record_conflict(
                conn,
                key,
                f,
                fm.base,
                mine,
                theirs,
                fm.take,
                fm.mine_hlc,
                fm.theirs_hlc,
                theirs_device,
            )
            conflicts += 1
        if fm.take == "theirs" or same(theirs, mine):
            # The server's value stands (or already equals ours): nothing of
            # this field is left to push.
            if not same(theirs, mine):
                new[f] = theirs
            for e in ws:
                e.fields.pop(f, None)
                e.old.pop(f, None)
                e.dirty = True
        elif fm.base is MISSING or not same(theirs, fm.base):
            # Ours stands over a remote change: rebase so the server takes it
            # as an edit of what it holds now (the conflict is recorded here).
            ws[0].old[f] = theirs
            ws[0].dirty = True
    dc = rm.delete_conflict
    if deletes and row.deleted:
        # Deleted on both sides: whatever was pending on the row is moot.
        for e in entries:
            e.fields.clear()
            e.dirty = True
        new = {f: v for f, v in theirs_data.items() if f in local and not same(v, local.get(f))}
        new["deleted"] = True
    elif deletes and dc is not None:
        # Their edit beats our delete: the row comes back here.
        for e in deletes:
            e.fields.clear()
            e.dirty = True
        new["deleted"] = False
    elif not deletes and bool(local.get("deleted")) != rm.deleted:
        # Their delete stands (nothing of ours is left to say), or their row
        # came back.
        new["deleted"] = rm.deleted
    if dc is not None:
        # Either way round, the delete that lost is kept as a conflict.
        jr.record_conflict(
            conn,
            key,
            "deleted",
            False,
            dc.mine,
            dc.theirs,
            dc.take,
            dc.mine_hlc or "",
            dc.theirs_hlc,
            theirs_device,
        )
        conflicts += 1
    if not row.deleted and dc is None:
        # The server's row is live: a delete recorded here earlier as lost
        # to an unsent edit was undone there since, so that conflict no
        # longer holds (giving the edit up must not bring the delete back).
        for c in jr.open_conflicts(conn, *key):
            if c.field == "deleted" and c.theirs is True and c.winner == "mine":
                jr.resolve_conflict(conn, c.id, "theirs")
    for e in entries:
        if e.dirty:
            jr.save_entry(conn, e)
    if "deleted" in new:
        rows.set_deleted(conn, es.name, row.id, new.pop("deleted"))
    rows.set_fields(conn, es, row.id, new, local)
    rows.set_server_seq(conn, es.name, row.id, row.seq)
    stats.merged += 1
    stats.conflicts += conflicts
    return True


def _restores(e: jr.Entry) -> bool:
    return e.op == "update" and e.fields.get("deleted") is False


def _base(entries: list[jr.Entry], f: str, local_value: Any) -> Any:
    """What this device saw of `f` before its unpushed changes."""
    for e in entries:
        if f in e.old:
            return e.old[f]
        if f in e.fields:
            return MISSING if e.op == "insert" else local_value
    return local_value
