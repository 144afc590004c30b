"""Push stage: send pending journal entries to the server in batches.

Order: parents before children (entity rank), and within a rank the journal
order, which keeps each row's own changes in the order they were made.

A batch gets its batch_id and is written to the journal *before* it is sent.
If the reply is lost (crash, dropped connection after the server committed),
the next run sends the very same batch again and the server, idempotent by
batch_id and change_id, answers what it answered before. While a batch is in
flight nothing else touches its entries, and the pull stage waits for it.

A reply is applied in one local transaction: entries acked or rejected, the
server's merged values adopted, conflicts recorded, rows' sync_state set.
"""

from __future__ import annotations

import gc
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_args, get_origin

import orjson
from pydantic import BaseModel, ValidationError

from jsxclient.store import journal as jr
from jsxclient.store.db import now_text
from jsxclient.store.journal import OWN_AFTER_KEY
from jsxclient.store.store import Store, Tx
from jsxclient.sync import duplicates, rows
from jsxclient.sync.derived import settle_derived_inserts
from jsxclient.sync.errors import RejectedError, SyncBugError, SyncCancelled
from jsxclient.sync.transport import Transport
from jsxcore.entities import ENTITIES
from jsxcore.merge import same
from jsxcore.protocol import (
    MAX_BATCH_CHANGES,
    Change,
    ChangeResult,
    PushRequest,
    PushResponse,
)

# Batch-level 4xx the server answers for a whole batch because of what one
# change in it holds (malformed, too big, refused as a whole: 403 for a role
# or scope, 409 when the batch could not be written): split the batch to
# isolate the change at fault instead of giving up on all of them. A single
# change refused this way is marked rejected with the server's reason, so it
# never blocks the changes after it nor the pull.
_SPLIT_STATUSES = frozenset({400, 403, 409, 413, 422})
# The account may not push at all (a read-only or reviewing account): every
# change would get the same answer, so all of them are marked at once.
_ACCOUNT_REFUSED = frozenset({"scope.read_only"})
# Requests on their way at once (see `_coupled`).
MAX_IN_FLIGHT = 2
# Batches handed to the sender and not yet answered: one more than the
# requests, so that the next request leaves as soon as one is answered,
# not when this thread next gets to it.
MAX_QUEUED = MAX_IN_FLIGHT + 1
# Allocations between young collections while pushing (the default is 700).
GC_YOUNG = 10_000


@dataclass
class PushStats:
    sent: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0


Progress = Callable[[int, int], None]


def push(
    store: Store,
    transport: Transport,
    *,
    batch_size: int = MAX_BATCH_CHANGES,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    stats: PushStats | None = None,
) -> PushStats:
    """Push everything pending. `stats` (if given) is filled as batches are
    answered, so a caller still has the counts when a later batch fails.

    Batches overlap with the server's work: the next batch is built while
    the server applies one. Two batches that are not coupled (`_coupled`:
    neither writes a row the other writes or links to, nor do both give a
    person one ID number) get the same answers in either order, so the next
    is sent at once: two requests are on their way and a third batch waits
    for the first free one (a first push's are, nearly all, after its first
    batch, which goes alone: see `send_built`).
    A coupled one is sent when the reply before it is in, before that reply
    is applied here, if the reply rewrites nothing here (every change
    applied): a merge (a duplicate person, the server's merged values) can
    rewrite later changes, so after such a reply the next batch, not yet
    sent, is released and built again from the journal once the reply is
    applied."""
    stats = stats if stats is not None else PushStats()
    batch_size = max(1, min(batch_size, MAX_BATCH_CHANGES))
    settle_derived_inserts(store)
    conn = store.db.connection()
    rank = {name: es.rank for name, es in ENTITIES.items()}

    def order(r: tuple[int, str]) -> tuple[int, int]:
        return rank.get(r[1], 99), r[0]

    # Batches already in flight first, exactly as they were sent, in the
    # order they were made (two can be: one sent early, see above).
    queue: list[list[int]] = []
    flying = [sorted(b, key=order) for b in jr.in_flight_batches(conn)]
    flying.sort(key=lambda b: order(b[0]))
    queue.extend([s for s, _ in b] for b in flying)
    fresh = jr.unsent(conn)
    fresh.sort(key=order)
    ids = [s for s, _ in fresh]
    queue.extend(ids[i : i + batch_size] for i in range(0, len(ids), batch_size))
    total = sum(len(b) for b in queue)
    done = 0
    renamed: set[str] = set()
    if progress:
        progress(0, total)
    sender = ThreadPoolExecutor(MAX_IN_FLIGHT, thread_name_prefix="push")
    # Batches in flight are thousands of objects that live until their
    # replies are applied, freed by reference counting: young collections
    # every 700 allocations would walk them again and again.
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], GC_YOUNG), *threshold[1:])
    # Sent and not yet applied here, oldest first; `built` is made and
    # written to the journal, not sent.
    waiting: list[tuple[_Batch, Future[PushResponse]]] = []
    built: _Batch | None = None

    def stopping() -> bool:
        return cancel is not None and cancel.is_set()

    def send_built() -> bool:
        nonlocal built
        if built is None or len(waiting) >= MAX_QUEUED:
            return False
        if waiting and store.meta(OWN_AFTER_KEY) is None:
            # One at a time until a reply says where this store's own
            # changes start (`_note_own_after`): a batch applied before the
            # first one would have its rows pulled back.
            return False
        if not all(_may_follow(b, f, built) for b, f in waiting):
            return False
        waiting.append((built, sender.submit(transport.push, built.body)))
        built = None
        return True

    try:
        while True:
            if built is None and not stopping():
                built = _next(store, queue)
            if not waiting:
                if stopping():
                    if built is not None:
                        _release(store, queue, built)
                        built = None
                    raise SyncCancelled("push")
                if built is None:
                    break
            if send_built():
                continue
            # Wait for the oldest reply; the next batch is built meanwhile
            # (above), and sent as soon as it may be.
            cur, sent = waiting[0]
            try:
                resp = sent.result()
            except RejectedError as exc:
                waiting.pop(0)
                _release(store, queue, built)
                built = None
                # What was sent after it is independent of it: applied (or
                # left in flight, sent again first) before it is retried.
                settled = _settle_others(store, queue, waiting, stats)
                waiting.clear()
                if settled:
                    done += settled
                    if progress:
                        progress(done, total)
                batch_id, entries = cur.batch_id, cur.entries
                if exc.status not in _SPLIT_STATUSES:
                    _unassign(store, batch_id)
                    raise
                if exc.code in _ACCOUNT_REFUSED:
                    rest = [e for b in queue for e in _pending(store, b)]
                    queue.clear()
                    n = _reject_all(store, [*entries, *rest], exc)
                    stats.rejected += n
                    done += n
                    if progress:
                        progress(done, total)
                    continue
                if exc.code == "push.batch_foreign" and batch_id not in renamed:
                    # Another device sent a batch under this id first: the server
                    # applied nothing of ours; send the same changes under a new id.
                    _unassign(store, batch_id)
                    renamed.add(batch_id)
                    queue.insert(0, [e.seq for e in entries])
                    continue
                if len(entries) > 1:
                    _unassign(store, batch_id)
                    half = len(entries) // 2
                    seqs = [e.seq for e in entries]
                    queue[:0] = [seqs[:half], seqs[half:]]
                    continue
                code = exc.code or f"http.{exc.status}"
                _reject_locally(store, entries[0], code, exc.zh, exc.en)
                stats.rejected += 1
                done += 1
                if progress:
                    progress(done, total)
                continue
            except BaseException:
                _release(store, queue, built)
                built = None
                raise
            _check(resp, cur.batch_id, cur.entries)
            if built is not None and stopping():
                _release(store, queue, built)
                built = None
            waiting.pop(0)
            if built is not None and not _rewrites_nothing(resp) and _coupled(cur, built):
                # Built before this reply, which may rewrite it: built again.
                _release(store, queue, built)
                built = None
            # The next batch travels while this reply is applied.
            send_built()
            apply_response(store, cur.entries, resp, stats)
            done += len(cur.entries)
            if progress:
                progress(done, total)
    finally:
        for _, f in waiting:
            # Leaving with a batch on its way (an error above): it stays in
            # flight in the journal and is sent again by the next push.
            f.cancel()
        sender.shutdown(wait=True)
        gc.set_threshold(*threshold)
    return stats


@dataclass
class _Batch:
    """A batch with its id written to the journal, ready to send."""

    batch_id: str
    entries: list[jr.Entry]
    body: bytes  # the PushRequest's JSON

    @cached_property
    def own(self) -> set[jr.Key]:
        """The rows its changes write."""
        return {e.key for e in self.entries}

    @cached_property
    def links(self) -> set[jr.Key]:
        """The rows it writes or links to."""
        out = set(self.own)
        for e in self.entries:
            es = ENTITIES.get(e.entity)
            if es is not None:
                out.update(es.links(e.fields))
        return out

    @cached_property
    def numbers(self) -> set[str]:
        """The ID numbers it gives persons (the server's one rule across
        rows besides links: one live person per number in a township)."""
        return {
            str(e.fields["id_number"])
            for e in self.entries
            if e.entity == "person" and e.fields.get("id_number")
        }


def _coupled(a: _Batch, b: _Batch) -> bool:
    """Whether the server's answer to one batch may depend on the other,
    or applying the reply to one may rewrite the other here: one writes a
    row the other writes or links to, or both give a person one ID number.
    Batches not coupled give the same results in either order, so the next
    one may be sent before the reply to the one before (a first push's
    persons, then members linking to persons of earlier batches)."""
    return bool(a.own & b.links or b.own & a.links or a.numbers & b.numbers)


def _may_follow(earlier: _Batch, sent: Future[PushResponse], later: _Batch) -> bool:
    """``later`` may be sent while ``earlier`` is unanswered or its reply not
    yet applied here: the two are not coupled, or the reply is in and
    rewrites nothing here."""
    if not _coupled(earlier, later):
        return True
    if not sent.done() or sent.exception() is not None:
        return False
    return _rewrites_nothing(sent.result())


def _settle_others(
    store: Store,
    queue: list[list[int]],
    others: list[tuple[_Batch, Future[PushResponse]]],
    stats: PushStats,
) -> int:
    """The replies to batches sent after one that failed: applied when they
    came; a batch whose reply did not stays in flight and goes first again
    (same batch id: the server answers it once). Returns the changes applied."""
    n = 0
    for b, f in others:
        try:
            resp = f.result()
            _check(resp, b.batch_id, b.entries)
        except Exception:  # its own error shows when it is sent again
            queue.insert(0, [e.seq for e in b.entries])
            continue
        apply_response(store, b.entries, resp, stats)
        n += len(b.entries)
    return n


def _next(store: Store, queue: list[list[int]]) -> _Batch | None:
    """The next batch of the queue with something left to send."""
    while queue:
        batch_id, entries, body = _assign(store, queue.pop(0))
        if entries:
            return _Batch(batch_id, entries, body)
    return None


def _release(store: Store, queue: list[list[int]], batch: _Batch | None) -> None:
    """Give back a batch built but never sent: first in the queue again,
    built anew from the journal (what a reply rewrote included)."""
    if batch is not None:
        _unassign(store, batch.batch_id)
        queue.insert(0, [e.seq for e in batch.entries])


def _rewrites_nothing(resp: PushResponse) -> bool:
    """Applying the reply changes no journal entry other than its own."""
    return all(r.status == "applied" for r in resp.results)


def _assign(store: Store, seqs: list[int]) -> tuple[str, list[jr.Entry], bytes]:
    """Persist the batch id before sending; reuse the one already given.
    Returns the entries to send and the PushRequest's JSON."""
    with store.transaction() as tx:
        entries = jr.pending_entries(tx.conn, seqs)
        if not entries:
            return "", [], b""
        by_seq = {e.seq: e for e in entries}
        entries = [by_seq[s] for s in seqs if s in by_seq]
        batch_id = next((e.batch_id for e in entries if e.batch_id), None)
        if batch_id is None:
            batch_id = uuid.uuid4().hex
            jr.assign_batch(tx.conn, batch_id, [e.seq for e in entries])
        body = _encode(batch_id, store.device_id, entries)
        if body is not None:
            return batch_id, entries, body
        # A change that can't even be expressed in the protocol (a damaged
        # journal entry) is refused here, with a reason, not sent.
        good, changes = [], []
        for e in entries:
            try:
                changes.append(change_of(e))
                good.append(e)
            except ValidationError as exc:
                jr.mark_rejected(
                    tx.conn,
                    e.seq,
                    "client.invalid",
                    "本机记录的更改格式无效",
                    f"The change is malformed: {str(exc)[:200]}",
                    None,
                )
                jr.refresh_sync_state(tx.conn, [e.key])
        req = PushRequest(batch_id=batch_id, device=store.device_id, changes=changes)
        return batch_id, good, req.model_dump_json().encode()


def _encode(batch_id: str, device: str, entries: list[jr.Entry]) -> bytes | None:
    """The batch's PushRequest as JSON, checked against the protocol in one
    pass (a model per change cost more than the rest of building a batch);
    None when some change does not fit, which ``_assign`` then finds."""
    changes = [
        {
            "change_id": e.change_id,
            "entity": e.entity,
            "row_id": e.row_id,
            "op": e.op,
            "fields": e.fields,
            "old": e.old,
            "hlc": e.hlc,
            "device": e.device,
            "user": e.user,
        }
        for e in entries
    ]
    if len(changes) > MAX_BATCH_CHANGES or not all(map(_FITS, changes)):
        return None
    try:
        # The request's own fields; its changes were checked above.
        PushRequest.model_validate({"batch_id": batch_id, "device": device, "changes": []})
        body = orjson.dumps({"batch_id": batch_id, "device": device, "changes": changes})
    except (TypeError, ValidationError):
        return None
    return body


def _fits_check(model: type[BaseModel]) -> Callable[[dict[str, Any]], bool]:
    """A check of a change's dict at least as strict as validating it as
    `model` (`Change`), built from the model's own constraints: a model
    per change cost 6 us, this 1.5 us. What it refuses goes to the model
    (`_assign`), which decides; a constraint it does not know stops the
    import rather than being skipped."""
    if model.model_config.keys() - {"extra"}:
        raise TypeError(f"{model.__name__}: {model.model_config} not checked here")
    checks: list[tuple[str, Callable[[Any], bool]]] = []
    for name, info in model.model_fields.items():
        kind = info.annotation
        if get_origin(kind) is Literal:
            checks.append((name, _one_of(frozenset(get_args(kind)))))
            continue
        if get_origin(kind) is dict and get_args(kind) == (str, Any) and not info.metadata:
            checks.append((name, lambda v: type(v) is dict and all(type(k) is str for k in v)))
            continue
        if kind is not str:
            raise TypeError(f"{model.__name__}.{name}: {kind} not checked here")
        low, high, pattern = 0, None, None
        for m in info.metadata:
            # annotated_types' MinLen and MaxLen, pydantic's pattern.
            said = {
                a: getattr(m, a)
                for a in ("min_length", "max_length", "pattern")
                if getattr(m, a, None) is not None
            }
            if len(said) != 1 or set(getattr(m, "__dict__", {})) - said.keys():
                raise TypeError(f"{model.__name__}.{name}: {m!r} not checked here")
            low = said.get("min_length", low)
            high = said.get("max_length", high)
            pattern = said.get("pattern", pattern)
        checks.append((name, _str_check(low, high, pattern)))
    names = frozenset(model.model_fields)

    def fits(change: dict[str, Any]) -> bool:
        return change.keys() <= names and all(
            name in change and check(change[name]) for name, check in checks
        )

    return fits


def _one_of(allowed: frozenset[Any]) -> Callable[[Any], bool]:
    types = frozenset(type(a) for a in allowed)  # a value that can't be hashed: refused
    return lambda v: type(v) in types and v in allowed


def _str_check(low: int, high: int | None, pattern: str | None) -> Callable[[Any], bool]:
    # fullmatch: a pattern's `$` must not let a trailing newline through.
    match = re.compile(pattern.removeprefix("^").removesuffix("$")).fullmatch if pattern else None
    return lambda v: (
        type(v) is str
        and low <= len(v)
        and (high is None or len(v) <= high)
        and (match is None or match(v) is not None)
    )


_FITS = _fits_check(Change)


def _unassign(store: Store, batch_id: str) -> None:
    # Only after a batch-level 4xx: the server applied nothing of it.
    with store.transaction() as tx:
        jr.unassign_batch(tx.conn, batch_id)


def change_of(e: jr.Entry) -> Change:
    """The protocol's Change of a journal entry (validated)."""
    return Change(
        change_id=e.change_id,
        entity=e.entity,
        row_id=e.row_id,
        op=e.op,
        fields=e.fields,
        old=e.old,
        hlc=e.hlc,
        device=e.device,
        user=e.user,
    )


def _check(resp: PushResponse, batch_id: str, entries: list[jr.Entry]) -> None:
    """A reply that does not answer exactly this batch is a bug: apply nothing."""
    if resp.batch_id != batch_id:
        raise SyncBugError(f"push reply for batch {resp.batch_id}, sent {batch_id}")
    got = [r.change_id for r in resp.results]
    if len(got) != len(set(got)) or set(got) != {e.change_id for e in entries}:
        raise SyncBugError("push reply does not answer each change of the batch exactly once")
    for r in resp.results:
        if r.status != "rejected" and r.seq is None:
            raise SyncBugError(f"push result {r.change_id} {r.status} without seq")


def apply_response(
    store: Store, entries: list[jr.Entry], resp: PushResponse, stats: PushStats
) -> None:
    results = {r.change_id: r for r in resp.results}
    now = now_text()
    with store.transaction() as tx:
        conn = tx.conn
        # Only entries still waiting for this very reply: applying a reply
        # twice must not record its conflicts twice.
        waiting = jr.waiting_for_reply(conn, resp.batch_id, [e.seq for e in entries])
        answered = [(e, results[e.change_id]) for e in entries if e.seq in waiting]
        if not answered:
            return
        if all(r.status == "applied" for _, r in answered):
            _apply_plain(store, conn, answered, now, stats)
        else:
            _apply_mixed(store, tx, answered, now, stats)
        jr.evict_ready(conn)
        store.set_meta("hlc", store.clock.last, conn)
        store.set_meta("server_seq", str(resp.server_seq), conn)


Answered = list[tuple[jr.Entry, ChangeResult]]


def _apply_plain(
    store: Store, conn: sqlite3.Connection, answered: Answered, now: str, stats: PushStats
) -> None:
    """Every change applied as sent (a first push's every batch): nothing
    rewrites a row or records a conflict, so the entries are acked and
    each row's seq and state set in one statement each."""
    seqs = {e.seq: r.seq for e, r in answered}
    jr.ack_seqs(conn, "applied", now, seqs)
    stats.applied += len(answered)
    stats.sent += len(answered)
    _note_own_after(store, conn, list(seqs.values()))
    jr.settle_acked(conn, _row_seqs(answered))
    for _, r in answered:
        for stamp in (r.field_hlc or {}).values():
            store.clock.observe(stamp)


def _apply_mixed(store: Store, tx: Tx, answered: Answered, now: str, stats: PushStats) -> None:
    """Some change merged, in conflict or rejected: entries marked one by
    one, duplicates merged, the server's values adopted, conflicts kept."""
    conn = tx.conn
    entries = [e for e, _ in answered]
    results = {e.change_id: r for e, r in answered}
    acked: list[tuple[str, int | None, str, int]] = []
    touched: set[jr.Key] = set()
    for e in entries:
        r = results[e.change_id]
        touched.add(e.key)
        if r.status == "rejected":
            code = r.reason_code or "rejected"
            jr.mark_rejected(conn, e.seq, code, r.reason_zh, r.reason_en, r.reason_field)
            stats.rejected += 1
            continue
        acked.append((r.status, r.seq, now, e.seq))
        if r.status == "applied":
            stats.applied += 1
        else:
            stats.merged += 1
    jr.ack(conn, acked)
    stats.sent += len(entries)
    _note_own_after(store, conn, [s for status, s, _, _ in acked if status == "applied"])
    for e in entries:
        r = results[e.change_id]
        # The same person registered on another device: merged into it.
        if r.status != "rejected" or not r.server:
            continue
        if r.reason_code == duplicates.REASON_EDIT and e.op == "update":
            # An ID number given to a person the server has: merged by edits.
            merged = duplicates.merge_registered_update(tx, e, r.server, r.seq)
        elif r.reason_code == duplicates.REASON and e.op == "insert":
            merged = duplicates.merge_into_registered(tx, e.row_id, r.server, r.seq)
        else:
            continue
        if merged:
            stats.rejected -= 1
            stats.merged += 1
    _bump_row_seqs(conn, entries, results)
    for i, e in enumerate(entries):
        r = results[e.change_id]
        if r.status in ("merged", "conflict"):
            _adopt(store, conn, e, r, entries[i + 1 :])
            for fc in r.conflicts:
                if fc.field == "deleted" and jr.has_open_conflict(
                    conn, e.key, fc.field, fc.mine, fc.theirs, fc.winner
                ):
                    continue  # the pull that brought the delete recorded it
                jr.record_conflict(
                    conn,
                    e.key,
                    fc.field,
                    fc.base,
                    fc.mine,
                    fc.theirs,
                    fc.winner,
                    e.hlc,
                    fc.theirs_hlc,
                    fc.theirs_device,
                )
                stats.conflicts += 1
        for stamp in (r.field_hlc or {}).values():
            store.clock.observe(stamp)
    jr.refresh_sync_state(conn, touched)


def _note_own_after(store: Store, conn: sqlite3.Connection, applied: list[int | None]) -> None:
    """The first change this store wrote on the server: rows this device
    wrote last after it are all here (`pull.OWN_AFTER_KEY`)."""
    seqs = [s for s in applied if s is not None]
    if seqs and store.meta(OWN_AFTER_KEY, conn) is None:
        store.set_meta(OWN_AFTER_KEY, str(min(seqs) - 1), conn)


def _bump_row_seqs(
    conn: sqlite3.Connection, entries: list[jr.Entry], results: dict[str, ChangeResult]
) -> None:
    by_entity: dict[str, list[tuple[int, str]]] = {}
    for e in entries:
        seq = results[e.change_id].seq
        if seq is not None:
            by_entity.setdefault(e.entity, []).append((seq, e.row_id))
    for entity, params in by_entity.items():
        rows.raise_server_seqs(conn, entity, params)


def _row_seqs(answered: Answered) -> dict[str, dict[str, int]]:
    """{entity: {row_id: the highest seq the reply gives the row}}."""
    out: dict[str, dict[str, int]] = {}
    for e, r in answered:
        seq = r.seq
        if seq is not None:
            rows_ = out.setdefault(e.entity, {})
            rows_[e.row_id] = max(seq, rows_.get(e.row_id, seq))
    return out


def _adopt(
    store: Store,
    conn: sqlite3.Connection,
    e: jr.Entry,
    r: ChangeResult,
    later_in_batch: list[jr.Entry],
) -> None:
    """Take the server's merged row, except fields this device has changed
    again since (later entries still to be pushed keep their values)."""
    if not r.server:
        return
    es = ENTITIES[e.entity]
    current = rows.get_row(conn, es, e.row_id)
    if current is None:
        return
    mine: set[str] = set()
    for other in [*later_in_batch, *jr.open_entries(conn, e.key)]:
        if other.key == e.key and other.seq != e.seq:
            mine.update(other.fields)
    known = set(es.data_fields)
    values = {
        k: v
        for k, v in r.server.items()
        if k in known and k not in mine and not same(current.get(k), v)
    }
    rows.set_fields(conn, es, e.row_id, values, current)


def _pending(store: Store, seqs: list[int]) -> list[jr.Entry]:
    return jr.pending_entries(store.db.connection(), seqs) if seqs else []


def _reject_all(store: Store, entries: list[jr.Entry], exc: RejectedError) -> int:
    """Mark every entry refused with the server's account-level reason (the
    server applied none of them; a sent batch is released first)."""
    code = exc.code or f"http.{exc.status}"
    with store.transaction() as tx:
        for batch_id in {e.batch_id for e in entries if e.batch_id}:
            jr.unassign_batch(tx.conn, batch_id)
        for e in entries:
            jr.mark_rejected(tx.conn, e.seq, code, exc.zh, exc.en, None)
        jr.refresh_sync_state(tx.conn, {e.key for e in entries})
    return len(entries)


def _reject_locally(store: Store, e: jr.Entry, code: str, zh: str | None, en: str | None) -> None:
    with store.transaction() as tx:
        jr.mark_rejected(tx.conn, e.seq, code, zh, en, None)
        jr.refresh_sync_state(tx.conn, [e.key])
