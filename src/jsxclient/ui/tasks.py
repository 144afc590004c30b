"""The one helper for background work.

    tasks.db(lambda job: paging.page(conn(), ...)).on_success(show).start()
    tasks.net(run_sync).with_progress(tr("同步"), window).on_success(done).start()

Two workers: `db`, one serial thread that does all of the GUI's database
reads and writes on its own SQLite connection, and `net`, one thread for the
network and the sync engine (which opens its own connection). Results and
failures come back on the GUI thread through a queued signal; a callback
whose owner widget has been deleted is dropped.

A task started with `.latest(key)` replaces any queued task of the same key
and interrupts a running one (search-as-you-type: only the newest keystroke
matters). Progress dialogs appear only after `PROGRESS_DELAY_MS` and cancel by
setting a flag the work checks between batches.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_DELAY_MS = 500
PROGRESS_POLL_MS = 100


class Cancelled(Exception):
    """Raised inside a task by `Job.check()` once the user cancelled it."""


class Job:
    """What a running task sees: cancellation and a progress report.

    Thread-safe by construction: the worker writes plain attributes, the GUI
    thread's poll timer reads them.
    """

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.done = 0
        self.total = 0
        self.text = ""

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        self.done, self.total = int(done), int(total)
        if text:
            self.text = text


@dataclass
class _Item:
    id: int
    fn: Callable[[Job], Any]
    job: Job
    key: str | None


class _Bridge(QObject):
    finished = Signal(int, bool, object)


class Worker:
    """One thread running queued tasks in order."""

    def __init__(
        self, name: str, bridge: _Bridge, on_exit: Callable[[], None] | None = None
    ) -> None:
        self.name = name
        self._bridge = bridge
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._on_exit = on_exit
        self._lock = threading.Lock()
        self._dropped: set[int] = set()
        self.current: _Item | None = None
        self._thread = threading.Thread(target=self._loop, name=f"jsx-{name}", daemon=True)
        self._thread.start()

    def put(self, item: _Item) -> None:
        with self._lock:
            if item.key is not None:
                for queued in list(self._queue.queue):
                    if queued is not None and queued.key == item.key:
                        self._dropped.add(queued.id)
                        queued.job.cancel()
                cur = self.current
                if cur is not None and cur.key == item.key:
                    cur.job.cancel()
        self._queue.put(item)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                break
            with self._lock:
                if item.id in self._dropped or (item.key is not None and item.job.cancelled):
                    self._dropped.discard(item.id)
                    self._bridge.finished.emit(item.id, False, _Dropped())
                    continue
                self.current = item
            try:
                result = item.fn(item.job)
                ok = True
            except BaseException as exc:
                result, ok = exc, False
            with self._lock:
                self.current = None
            if item.id >= 0:
                self._bridge.finished.emit(item.id, ok, result)
        if self._on_exit is not None:
            try:
                self._on_exit()
            except Exception:  # pragma: no cover - closing a connection at exit
                log.exception("worker %s exit hook", self.name)

    def stop(self, timeout: float = 10.0) -> None:
        cur = self.current
        if cur is not None:
            cur.job.cancel()
        self._queue.put(None)
        self._thread.join(timeout)


class _Dropped(Exception):
    """A queued task replaced by a newer one with the same key."""


class Task(Generic[T]):
    """A unit of background work; build it, then `start()` it."""

    def __init__(self, manager: TaskManager, worker: str, fn: Callable[[Job], T]) -> None:
        self._manager = manager
        self.worker = worker
        self.fn = fn
        self.job = Job()
        self.id = -1
        self.key: str | None = None
        self.owner: QObject | None = None
        self._ok: list[Callable[[T], None]] = []
        self._fail: list[Callable[[BaseException], None]] = []
        self._progress: tuple[str, QWidget | None, bool] | None = None
        self._dialog: QProgressDialog | None = None
        self._timer: QTimer | None = None
        self.started_at = 0.0
        self.done = False

    def on_success(self, cb: Callable[[T], None]) -> Task[T]:
        self._ok.append(cb)
        return self

    def on_failure(self, cb: Callable[[BaseException], None]) -> Task[T]:
        self._fail.append(cb)
        return self

    def owned_by(self, owner: QObject) -> Task[T]:
        """Drop the callbacks if `owner` is deleted before the task ends."""
        self.owner = owner
        return self

    def latest(self, key: str) -> Task[T]:
        self.key = key
        return self

    def with_progress(
        self, label: str, parent: QWidget | None = None, cancellable: bool = True
    ) -> Task[T]:
        self._progress = (label, parent, cancellable)
        return self

    def start(self) -> Task[T]:
        self._manager._submit(self)
        if self._progress is not None:
            self._timer = QTimer()
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_progress)
            self._timer.start(PROGRESS_DELAY_MS)
        return self

    def cancel(self) -> None:
        self.job.cancel()

    # -- GUI side ------------------------------------------------------------

    def _show_progress(self) -> None:
        if self.done or self._progress is None:
            return
        label, parent, cancellable = self._progress
        if parent is not None and not shiboken6.isValid(parent):
            parent = None
        dlg = QProgressDialog(label, "", 0, 0, parent)
        dlg.setObjectName("taskProgress")
        dlg.setWindowTitle(label)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        if cancellable:
            dlg.setCancelButtonText(QCoreApplication.translate("Task", "取消"))
            dlg.canceled.connect(self._user_cancelled)
        else:
            dlg.setCancelButton(None)
        dlg.show()
        self._dialog = dlg
        poll = QTimer(dlg)
        poll.timeout.connect(self._poll)
        poll.start(PROGRESS_POLL_MS)
        self._poll()

    def _user_cancelled(self) -> None:
        self.job.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText(QCoreApplication.translate("Task", "正在取消…"))

    def _poll(self) -> None:
        dlg = self._dialog
        if dlg is None or self.job.cancelled:
            return
        job = self.job
        if job.total > 0:
            dlg.setMaximum(job.total)
            dlg.setValue(min(job.done, job.total))
        if job.text:
            dlg.setLabelText(job.text)

    def _finish(self, ok: bool, result: Any) -> None:
        self.done = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._dialog is not None:
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None
        if isinstance(result, _Dropped):
            return
        if self.owner is not None and not shiboken6.isValid(self.owner):
            return
        if ok:
            for cb in self._ok:
                cb(result)
        else:
            if self._fail:
                for fcb in self._fail:
                    fcb(result)
            else:
                self._manager.unhandled(result)


@dataclass
class TaskManager:
    """Owns the workers; one per application."""

    db_exit: Callable[[], None] | None = None
    net_exit: Callable[[], None] | None = None
    unhandled: Callable[[BaseException], None] = field(
        default=lambda exc: log.error("unhandled task failure", exc_info=exc)
    )

    def __post_init__(self) -> None:
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._ids = itertools.count(1)
        self._tasks: dict[int, Task[Any]] = {}
        self._workers = {
            "db": Worker("db", self._bridge, lambda: self.db_exit and self.db_exit()),
            "net": Worker("net", self._bridge, lambda: self.net_exit and self.net_exit()),
        }
        self.stats: dict[str, float] = {}

    def db(self, fn: Callable[[Job], T]) -> Task[T]:
        return Task(self, "db", fn)

    def net(self, fn: Callable[[Job], T]) -> Task[T]:
        return Task(self, "net", fn)

    @property
    def idle(self) -> bool:
        return not self._tasks

    def running(self, key: str) -> bool:
        return any(t.key == key for t in self._tasks.values())

    def _submit(self, task: Task[Any]) -> None:
        task.id = next(self._ids)
        task.started_at = time.perf_counter()
        self._tasks[task.id] = task
        self._workers[task.worker].put(_Item(task.id, task.fn, task.job, task.key))

    def _finished(self, task_id: int, ok: bool, result: object) -> None:
        task = self._tasks.pop(task_id, None)
        if task is not None:
            task._finish(ok, result)

    def shutdown(self) -> None:
        for w in self._workers.values():
            w.stop()
        self._tasks.clear()
