"""The sync engine: status → push → pull (bootstrap the first time) → push
again if the worker saved more meanwhile → finish.

Every stage commits whole batches or pages, so whatever stops a run (network,
crash, power, cancel) the next run resumes from what is committed. `run` is
safe to call from a worker thread: each thread uses its own SQLite
connection, runs of one store are serialised inside the process by a lock
and across processes (the UI and a scheduled `jsxclient sync`) by a lock
file beside the store.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from jsxclient.store import journal
from jsxclient.store.db import DAMAGE_ERRORS, StoreDamaged
from jsxclient.store.journal import SyncReceipt
from jsxclient.store.maintenance import quick_check
from jsxclient.store.store import Store
from jsxclient.sync import finish as fin
from jsxclient.sync import security
from jsxclient.sync.account import fetch_targets, save_targets
from jsxclient.sync.bootstrap import BootstrapStats, bootstrap, needs_bootstrap, start_again
from jsxclient.sync.errors import (
    DamagedStoreError,
    DemoStoreError,
    RejectedError,
    ServerIncompatibleError,
    SyncCancelled,
    SyncError,
)
from jsxclient.sync.handshake import handshake, remember_release
from jsxclient.sync.pull import cursor, pull
from jsxclient.sync.push import PushStats, push
from jsxclient.sync.status import status
from jsxclient.sync.transport import Transport
from jsxcore.protocol import MAX_BATCH_CHANGES, MAX_PULL_LIMIT

Stage = Literal["status", "push", "pull", "bootstrap", "finish"]
# The server's answer to a pull from a cursor older than the history it keeps.
CURSOR_EXPIRED = "sync.cursor_expired"

_STAGE_TEXT: dict[Stage, tuple[str, str]] = {
    "status": ("正在检查待同步的数据", "Checking what needs to sync"),
    "push": ("正在上传本机的修改", "Uploading changes made here"),
    "pull": ("正在下载服务器上的修改", "Downloading changes from the server"),
    "bootstrap": (
        "正在下载本乡镇的全部数据（首次同步）",
        "Downloading the township's data (first sync)",
    ),
    "finish": ("正在完成同步", "Finishing"),
}


@dataclass(frozen=True)
class SyncProgress:
    stage: Stage
    done: int
    total: int

    @property
    def zh(self) -> str:
        return _STAGE_TEXT[self.stage][0]

    @property
    def en(self) -> str:
        return _STAGE_TEXT[self.stage][1]

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total > 0 else None


class SyncBusyError(SyncError):
    # Its own kind (not "offline"): the server may well be up, and a
    # scheduled `jsxclient sync` must be able to tell.
    kind = "busy"
    default_zh = "另一个同步正在进行，请稍后再试。"
    default_en = "Another sync is running; try again later."


ProgressFn = Callable[[SyncProgress], None]

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _thread_locks_guard:
        return _thread_locks.setdefault(key, threading.Lock())


class _FileLock:
    """An OS lock on `<store>.sync-lock`; released by the OS if we are killed."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".sync-lock")
        self.fd = -1

    def __enter__(self) -> _FileLock:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(self.fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self.fd)
            self.fd = -1
            raise SyncBusyError(str(self.path)) from exc
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing releases the lock on both platforms
            self.fd = -1


class SyncEngine:
    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        batch_size: int = MAX_BATCH_CHANGES,
        page_size: int = MAX_PULL_LIMIT,
        max_rounds: int = 3,
    ) -> None:
        self.store = store
        self.transport = transport
        self.batch_size = batch_size
        self.page_size = page_size
        self.max_rounds = max_rounds

    def run(
        self,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncReceipt:
        """One sync. Returns the receipt when the run went through (outcome
        'ok', or 'rejected' when some changes were refused and wait for the
        worker) or was cancelled; raises a `SyncError` with `.receipt` set
        otherwise (offline, login expired, incompatible server, bug)."""
        lock = _thread_lock(self.store.db.path)
        with lock, _FileLock(self.store.db.path):
            # A damaged store is said first: reading its demo mark may fail.
            self._check_whole()
            if self.store.is_demo:
                raise DemoStoreError()  # whatever transport it was handed
            try:
                receipt = self._run(progress, cancel)
            except SyncError as exc:
                self.store.audit("sync", self.transport.base_url, "failure", exc.kind)
                raise
            self.store.audit(
                "sync",
                self.transport.base_url,
                "ok" if receipt.outcome in ("ok", "cancelled") else "failure",
                f"{receipt.outcome}: sent {receipt.sent}, received {receipt.received}",
            )
            return receipt

    def _check_whole(self) -> None:
        """Every page readable, once per opened store (a daily `jsxclient
        sync` checks every run): a damaged store is not synced."""
        if self.store.checked_whole:
            return
        try:
            quick_check(self.store)
        except StoreDamaged as exc:
            with contextlib.suppress(*DAMAGE_ERRORS):  # the log may be on a damaged page
                self.store.audit("sync", self.transport.base_url, "refused", "damaged store")
            raise DamagedStoreError(str(exc)[:2000]) from exc
        self.store.checked_whole = True

    def _run(self, progress: ProgressFn | None, cancel: threading.Event | None) -> SyncReceipt:
        try:
            info = handshake(self.transport)
        except ServerIncompatibleError:
            raise  # refused before anything was written, here or on the server
        except SyncError as exc:  # offline, ...: recorded like any failed run
            receipt, t0 = fin.start(self.store)
            exc.receipt = fin.finish(self.store, receipt, t0, exc.kind, str(exc)[:500])
            raise
        remember_release(self.store, info)
        receipt, t0 = fin.start(self.store)
        sent0, recv0 = self.transport.bytes_sent, self.transport.bytes_received
        self.transport.cancel = cancel

        def report(stage: Stage, done: int, total: int) -> None:
            receipt.bytes_sent = self.transport.bytes_sent - sent0
            receipt.bytes_received = self.transport.bytes_received - recv0
            if progress is not None:
                progress(SyncProgress(stage, done, total))

        try:
            self._stages(receipt, report, cancel)
            report("finish", 0, 0)
            outstanding = journal.rejected_count(self.store.db.connection())
            return fin.finish(self.store, receipt, t0, "rejected" if outstanding else "ok")
        except SyncCancelled:
            report("finish", 0, 0)
            return fin.finish(self.store, receipt, t0, "cancelled")
        except SyncError as exc:
            report("finish", 0, 0)
            exc.receipt = fin.finish(self.store, receipt, t0, exc.kind, str(exc)[:500])
            raise
        except Exception as exc:
            report("finish", 0, 0)
            fin.finish(self.store, receipt, t0, "bug", repr(exc)[:500])
            raise
        finally:
            self.transport.cancel = None

    def _stages(
        self,
        receipt: SyncReceipt,
        report: Callable[[Stage, int, int], None],
        cancel: threading.Event | None,
    ) -> None:
        report("status", 0, 0)
        status(self.store)
        conn = self.store.db.connection()
        refused: RejectedError | None = None
        for _ in range(self.max_rounds):
            ps = PushStats()
            try:
                push(
                    self.store,
                    self.transport,
                    batch_size=self.batch_size,
                    cancel=cancel,
                    progress=lambda d, t: report("push", d, t),
                    stats=ps,
                )
            except RejectedError as exc:
                # The server refused a push request it should not have been
                # sent (nothing of it was applied, the batch is released):
                # the device still pulls, and the run reports the refusal.
                refused = exc
            finally:
                receipt.sent += ps.sent
                receipt.merged += ps.merged
                receipt.conflicts += ps.conflicts
                receipt.rejected += ps.rejected
            stage: Stage = "bootstrap" if needs_bootstrap(self.store) else "pull"
            try:
                self._pull(stage, receipt, report, cancel)
            except RejectedError as exc:
                if exc.code != CURSOR_EXPIRED or cursor(self.store) == 0:
                    raise
                # The server no longer keeps the history since our cursor (a
                # device unused for longer than its retention, or a first
                # download that stopped half-way that long ago): fetch the
                # area again from 0. Rows merge into what is here like any
                # pull, so edits not yet pushed stay queued; rows the server
                # no longer holds are removed at its end (bootstrap.py).
                start_again(self.store)
                self._pull("bootstrap", receipt, report, cancel)
            # Saved while we synced? Send it now rather than at the next sync.
            if refused is not None or not journal.has_pending(conn):
                break
        security.after_sync(self.store, self.transport)
        # Best effort too: the targets the county set since (reference data).
        with contextlib.suppress(SyncError):
            targets = fetch_targets(self.transport)
            if targets is not None:
                save_targets(self.store, targets)
        if refused is not None:
            raise refused

    def _pull(
        self,
        stage: Stage,
        receipt: SyncReceipt,
        report: Callable[[Stage, int, int], None],
        cancel: threading.Event | None,
    ) -> None:
        pl = BootstrapStats()
        try:
            (bootstrap if stage == "bootstrap" else pull)(
                self.store,
                self.transport,
                page_size=self.page_size,
                cancel=cancel,
                progress=lambda d, t, s=stage: report(s, d, t),  # type: ignore[misc]
                stats=pl,
            )
        finally:
            receipt.received += pl.received
            receipt.merged += pl.merged
            receipt.conflicts += pl.conflicts
