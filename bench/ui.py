"""Desktop: start-up, search per keystroke, forms, page switches, memory.

    python -m bench ui [--stores 5,100k] [--cache DIR] [--words 40]

For each store (demo data of 清水塘街道; "5" is scale 5 = the stress township
of 25,000 members, "100k" is scale 20 = a street of 100,000 members), built
once and cached in DIR (default: the temp folder), the app's packages
byte-compiled first as an install has them:

* start-up, in a fresh process: from spawning Python to the main window shown
  and running its event loop (`start_window_s`), and to the dashboard's first
  figures (`start_data_s`), with the process's CPU to each; goal 1.5 s;
* search on the members page, typing real members' pinyin initials, full
  pinyin, names, ID numbers and mobiles one key at a time through the
  widgets: ms from the key press to the list showing its first page
  (median, p95, max, p95 per query length, the GUI thread's CPU), and to
  the end of the list's repaint with those rows (`search_painted_*`: what
  the worker sees); goal p95 < 30 ms for every length;
* a member form: open an existing record (loaded, editable; the first open,
  then the median of five more), change it, save; a new form; goal < 100 ms;
* every page, first visit: until it is painted (`page_X_ms`: it must show at
  once, "counting…" if its figures are still coming; goal < 150 ms) and
  until its figures are in (`page_X_ready_ms`); the 统计 page once more;
* resident memory after all of that (goal < 300 MB).

Each operation reports wall ms (`X_ms`), the GUI thread's CPU (`X_gui_cpu_ms`)
and the process's CPU with its workers (`X_cpu_ms`), measured in the app's
process, and each store the load average before and after and the floor
(`floor_wall_over_cpu`: wall over CPU of a fixed loop in the GUI thread,
before and after; 1.0 on an idle core): on a shared, loaded machine the wall
times include waiting for a core, the CPU times do not. A wait over 5 s is
listed in `stalls`; a child that fails or hangs stops the run naming its
step, with its traceback. Runs offscreen unless a display is set.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb, rss_mb

TOWNSHIP = "430105003000"
SCALES = {"1": 1.0, "5": 5.0, "100k": 20.0}
FORM_OPENS = 6  # member forms opened per store: the first, then five more
STALL_S = 5.0  # a wait for the app to settle longer than this is reported

CHILD = r"""
import json, sys, time
from pathlib import Path
T0 = float(sys.argv[3])
from jsxclient.ui.app import run_app

def ready(win):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    shown = time.time() - T0
    shown_cpu = time.process_time()

    def check():
        page = win.pages.get("dashboard")
        if win.ctx.tasks.idle and page is not None and page.data is not None:
            print(json.dumps({"window_s": shown, "data_s": time.time() - T0,
                              "window_cpu_s": shown_cpu, "data_cpu_s": time.process_time()}),
                  flush=True)
            QApplication.quit()
        else:
            QTimer.singleShot(5, check)

    QTimer.singleShot(0, check)

import os
from jsxclient.security.vault import Session
from jsxclient.store.store import Store
# The data key as the login would have unwrapped it (the KDF is timed on its
# own, by bench/kdf.py); none for a plain store.
hexkey = os.environ.get("JSXCLIENT_BENCH_KEY")
key = bytes.fromhex(hexkey) if hexkey else None
store = Store.open(Path(sys.argv[1]), key, user="bench", role="township_admin")
session = Session(store, "bench", "township_admin", "bench", key or b"")
settings = Path(sys.argv[2])
sys.exit(run_app(Path(sys.argv[1]), on_ready=ready, settings_path=settings, session=session))
"""

# A fixed key for the benchmarks' encrypted stores (never a real store's).
BENCH_KEY = bytes.fromhex("6a7378636c69656e742d62656e63682d6b65792d6e6f742d612d7265616c2121")


def bench_key() -> bytes | None:
    k = os.environ.get("JSXCLIENT_BENCH_KEY")
    return bytes.fromhex(k) if k else None


def encrypted_copy(plain: Path) -> Path:
    """The cached store encrypted under BENCH_KEY (made once, like the store)."""
    from sqlcipher3 import dbapi2

    path = plain.with_name(plain.stem + "-enc.db")
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    c = dbapi2.connect(str(plain), isolation_level=None)
    try:
        version = c.execute("PRAGMA user_version").fetchone()[0]
        app_id = c.execute("PRAGMA application_id").fetchone()[0]
        c.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{BENCH_KEY.hex()}'\"", (str(tmp),))
        c.execute("SELECT sqlcipher_export('enc')")
        c.execute(f"PRAGMA enc.user_version = {int(version)}")
        c.execute(f"PRAGMA enc.application_id = {int(app_id)}")
        c.execute("DETACH DATABASE enc")
    finally:
        c.close()
    tmp.rename(path)
    return path


def ensure_store(cache: Path, name: str) -> Path:
    """The cached demo store for `name`, generated the first time."""
    from jsxclient import demo
    from jsxclient.store.schema import LATEST
    from jsxclient.store.store import Store

    path = cache / f"ui-bench-{name}-v{LATEST}.db"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    store = Store.open(tmp, user="bench")
    try:
        t0 = time.perf_counter()
        demo.generate(store, TOWNSHIP, scale=SCALES[name], seed=11)
        print(f"  generated {name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        store.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    tmp.rename(path)
    return path


def compile_sources() -> None:
    """Byte-compile the app's packages, as installing it does: with no .pyc
    (PYTHONDONTWRITEBYTECODE is set here) every start and every first visit
    of a page would compile its modules from source, which no user waits for.
    The .pyc go where Python puts them (__pycache__, git-ignored); a
    PYTHONPYCACHEPREFIX would hide the installed libraries' own .pyc and
    make every start compile PySide6's Python parts and the rest again."""
    import compileall

    import jsxclient
    import jsxcore

    for pkg in (jsxclient, jsxcore):
        compileall.compile_dir(str(Path(pkg.__file__).parent), quiet=1)


def _tail(stderr: str) -> str:
    """A child's stderr without the offscreen platform's chatter, its end."""
    lines = [ln for ln in stderr.splitlines() if "does not support propagateSizeHints" not in ln]
    return "\n".join(lines)[-8000:]


def run_child(args: list[str], what: str, timeout: float, cwd: Path | None = None) -> str:
    """A bench child's stdout; a child that fails or hangs raises an error
    that says which step it was and ends with the child's own traceback."""
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    try:
        done = subprocess.run(
            [sys.executable, *args],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
        raise RuntimeError(
            f"ui bench: {what}: no answer in {timeout:.0f} s:\n{_tail(err)}"
        ) from None
    if done.returncode != 0:
        raise RuntimeError(
            f"ui bench: {what} failed (exit {done.returncode}):\n{_tail(done.stderr)}"
        )
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"ui bench: {what} printed no figures:\n{_tail(done.stderr)}")
    return lines[-1]


def start_up(store: Path, runs: int) -> dict[str, float]:
    windows, datas, window_cpus, cpus = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            settings = Path(tmp) / "ui.ini"
            settings.unlink(missing_ok=True)
            t0 = time.time()
            out = run_child(
                ["-c", CHILD, str(store), str(settings), repr(t0)], f"start-up run {i + 1}", 180
            )
            fig = json.loads(out)
            windows.append(fig["window_s"])
            datas.append(fig["data_s"])
            window_cpus.append(fig["window_cpu_s"])
            cpus.append(fig["data_cpu_s"])
    return {
        "start_window_s": round(statistics.median(windows), 3),
        "start_data_s": round(statistics.median(datas), 3),
        # CPU of the app's process from its start to the window, to the figures.
        "start_window_cpu_s": round(statistics.median(window_cpus), 3),
        "start_data_cpu_s": round(statistics.median(cpus), 3),
        "start_runs": runs,
    }


def search_words(conn: Any, n: int, seed: int = 5) -> list[str]:
    """What workers type: initials, full pinyin, names, ID numbers, mobiles."""
    rows = conn.execute(
        "SELECT p.name, p.search_key, p.id_number, p.mobile FROM member m "
        "JOIN person p ON p.id = m.person_id WHERE m.deleted = 0 AND p.id_number IS NOT NULL "
        "AND p.mobile IS NOT NULL ORDER BY m.id LIMIT 2000"
    ).fetchall()
    rng = random.Random(seed)
    picks = rng.sample(rows, min(n, len(rows)))
    words = []
    for i, (name, key, number, mobile) in enumerate(picks):
        full, initials = key.split()[:2]  # a polyphonic surname adds its other reading
        words.append([initials, full[:8], name, number[-6:], mobile, number][i % 6])
    return words


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


@dataclass
class Cost:
    """One operation's cost: wall clock, the GUI thread's CPU and the whole
    process's CPU (the GUI thread plus the database and network workers), in
    ms. On a loaded machine the wall time also counts the time the process
    waited for a core; the CPU times do not."""

    wall: float = 0.0
    gui_cpu: float = 0.0
    cpu: float = 0.0

    def figures(self, name: str) -> dict[str, float]:
        return {
            f"{name}_ms": round(self.wall, 1),
            f"{name}_gui_cpu_ms": round(self.gui_cpu, 1),
            f"{name}_cpu_ms": round(self.cpu, 1),
        }


@contextmanager
def cost() -> Iterator[Cost]:
    """`with cost() as c: ...`, measured in the GUI thread (the caller's)."""
    c = Cost()
    w0, t0, p0 = time.perf_counter(), time.thread_time(), time.process_time()
    try:
        yield c
    finally:
        c.wall = (time.perf_counter() - w0) * 1000
        c.gui_cpu = (time.thread_time() - t0) * 1000
        c.cpu = (time.process_time() - p0) * 1000


def median_cost(costs: list[Cost]) -> Cost:
    return Cost(
        statistics.median(c.wall for c in costs),
        statistics.median(c.gui_cpu for c in costs),
        statistics.median(c.cpu for c in costs),
    )


def floor() -> float:
    """Wall over CPU time of a fixed pure-Python loop in this thread: 1.0
    with a core to itself, 3 when it got a third of one. The wall figures
    measured beside it are inflated by about as much."""
    w0, c0 = time.perf_counter(), time.thread_time()
    sum(i * i for i in range(400_000))
    return (time.perf_counter() - w0) / max(time.thread_time() - c0, 1e-6)


# Query lengths the search figures are grouped by (the goal holds for each).
LENGTH_GROUPS = ((1, 1), (2, 2), (3, 3), (4, 6), (7, 11), (12, 99))


def by_length(samples: list[tuple[int, float]]) -> dict[str, float]:
    """p95 per query-length group, as {"1": ms, "4-6": ms, ...}."""
    out: dict[str, float] = {}
    for lo, hi in LENGTH_GROUPS:
        xs = [ms for n, ms in samples if lo <= n <= hi]
        if xs:
            out[str(lo) if lo == hi else f"{lo}-{hi}" if hi < 99 else f"{lo}+"] = round(
                percentile(xs, 95), 1
            )
    return out


def in_process(store: Path, words: int) -> dict[str, Any]:
    if not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from jsxclient.store.store import Store
    from jsxclient.ui import i18n, styles
    from jsxclient.ui.context import AppContext, DataBus
    from jsxclient.ui.forms.form import RecordForm
    from jsxclient.ui.main_window import PAGES, MainWindow
    from jsxclient.ui.operations import setup
    from jsxclient.ui.pages.list_page import ListPage
    from jsxclient.ui.settings import Settings
    from jsxclient.ui.sync_controller import SyncController
    from jsxclient.ui.tasks import TaskManager

    app = QApplication.instance() or QApplication([])
    i18n.install("zh_CN")
    styles.apply(app)  # type: ignore[arg-type]
    tasks: TaskManager | None = None

    stalls: list[str] = []

    def db_worker_at() -> str:
        """Where the database worker is now: its innermost frames."""
        ident = next((t.ident for t in threading.enumerate() if t.name == "jsx-db"), None)
        frame = sys._current_frames().get(ident) if ident is not None else None
        where = []
        while frame is not None and len(where) < 3:
            where.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno}")
            frame = frame.f_back
        return " < ".join(where) or "idle"

    def pump_until(cond: Any, what: str, timeout: float = 180.0) -> None:
        """Run the event loop (blocking, as the app does, so the GUI thread
        does not spin and compete with the workers) until `cond()` holds.
        A wait over STALL_S is noted in `stalls` with where the database
        worker was; a step that never settles fails naming itself, what is
        pending and where every thread is."""
        if cond():
            return
        loop = QEventLoop()
        start = time.perf_counter()
        end = start + timeout
        timer = QTimer()
        timer.setInterval(1)
        stalled: list[str] = []
        settled: list[bool] = []

        def check() -> None:
            if cond():
                # Held now: what the loop still runs before it returns (a
                # timer starting the next count, say) does not undo that.
                settled.append(True)
                loop.quit()
            elif time.perf_counter() > end:
                loop.quit()
            elif not stalled and time.perf_counter() - start > STALL_S:
                stalled.append(db_worker_at())

        timer.timeout.connect(check)
        timer.start()
        loop.exec()
        timer.stop()
        if stalled:
            took = time.perf_counter() - start
            stalls.append(f"{what}: {took:.1f} s, the db worker at {stalled[0]}")
        if not settled and not cond():
            pending = (
                ", ".join(
                    f"{t.worker}:{t.key or getattr(t.fn, '__qualname__', '?')}"
                    f" #{t.id} cancelled={t.job.cancelled}"
                    for t in tasks._tasks.values()
                )
                if tasks is not None
                else ""
            )
            if tasks is not None:
                for name, wk in tasks._workers.items():
                    print(
                        f"worker {name}: queued={wk._queue.qsize()} current={wk.current}"
                        f" dropped={sorted(wk._dropped)}",
                        file=sys.stderr,
                    )
            # Where every thread is (the database worker's query, say) goes
            # to stderr, which the parent shows with the error.
            faulthandler.dump_traceback(all_threads=True)
            raise TimeoutError(
                f"{what}: the UI did not settle in {timeout:.0f} s"
                + (f" (tasks pending: {pending})" if pending else "")
            )

    class Painted(QObject):
        """Notes when a widget was first painted after `arm()`."""

        def __init__(self) -> None:
            super().__init__()
            self.at: float | None = None

        def arm(self, w: QWidget) -> None:
            self.at = None
            w.installEventFilter(self)

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.at is None:
                self.at = time.perf_counter()
            return False

    class PaintEnd(QObject):
        """Appends to `ends` the time the widget's first paint after `ready()`
        holds ends (then nothing until `ends` is cleared)."""

        def __init__(self, ends: list[float], ready: Any) -> None:
            super().__init__()
            self.ends = ends
            self.ready = ready
            self.waiting = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            fresh = not self.ends and not self.waiting
            if event.type() == QEvent.Type.Paint and fresh and self.ready():
                self.waiting = True
                QTimer.singleShot(0, self._done)
            return False

        def _done(self) -> None:
            self.waiting = False
            self.ends.append(time.perf_counter())

    def idle() -> bool:
        assert tasks is not None
        return tasks.idle

    tmp = Path(tempfile.mkdtemp())
    copy = tmp / "store.db"
    shutil.copyfile(store, copy)
    st = Store.open(copy, bench_key(), user="bench")
    info = setup.info(st)
    if info is None:
        raise RuntimeError(f"{store}: no township set up in the store")
    typed = search_words(st.db.connection(), words)
    st.db.close()  # this thread's connection; the app's GUI thread has none
    tasks = TaskManager(db_exit=lambda: st.db.close())
    tasks.db(lambda job: setup.tune_reader(st)).start()  # as AppShell's open does
    ctx = AppContext(
        st,
        tasks,
        Settings(tmp / "ui.ini"),
        DataBus(),
        info.township,
        info.township_name,
        info.places,
    )
    controller = SyncController(ctx)
    win = MainWindow(ctx, controller)
    win.resize(1366, 768)
    win.show()
    pump_until(idle, "main window")
    out: dict[str, Any] = {"floor_wall_over_cpu": round(floor(), 2)}
    out["rss_window_mb"] = round(rss_mb(), 1)
    try:
        page = win.show_page("members")
        assert isinstance(page, ListPage)
        pump_until(lambda: idle() and page.model.total is not None, "members page")
        out["members"] = page.model.total
        latencies: list[float] = []
        gui_cpu: list[float] = []
        lengths: list[tuple[int, float]] = []
        plans: dict[str, int] = {}
        slow: list[tuple[float, str, str]] = []
        shown: list[tuple[float, float]] = []
        page.model.loaded.connect(
            lambda _ms: shown.append((time.perf_counter(), time.thread_time()))
        )
        # The list painted with the new rows: the end of the table's next
        # paint (a zero timer fires once the paint event is done).
        painted: list[float] = []
        repainted = PaintEnd(painted, lambda: bool(shown))
        page.table.viewport().installEventFilter(repainted)
        painted_ms: list[tuple[int, float]] = []
        for word in typed:
            page.search.clear()
            pump_until(idle, "search: clear")
            # The cleared list painted too, as it long is when a worker
            # starts typing (else the first key's wait would include it).
            QApplication.processEvents()
            page.search.setFocus()
            for ch in word:
                shown.clear()
                painted.clear()
                t0, c0 = time.perf_counter(), time.thread_time()
                if ch.isascii():
                    QTest.keyClick(page.search, ch)
                else:
                    page.search.insert(ch)
                pump_until(lambda: bool(shown), f"search: {page.search.text()!r}")
                pump_until(lambda: bool(painted), f"search: {page.search.text()!r} painted")
                painted_ms.append((len(page.search.text()), (painted[0] - t0) * 1000))
                latencies.append((shown[0][0] - t0) * 1000)
                gui_cpu.append((shown[0][1] - c0) * 1000)
                lengths.append((len(page.search.text()), latencies[-1]))
                plans[page.model.last_plan] = plans.get(page.model.last_plan, 0) + 1
                slow.append((latencies[-1], page.search.text(), page.model.last_plan))
            pump_until(idle, f"search: count of {word!r}")  # the count follows each page
        out["rss_after_search_mb"] = round(rss_mb(), 1)
        out["search_keystrokes"] = len(latencies)
        out["search_median_ms"] = round(statistics.median(latencies), 1)
        out["search_p95_ms"] = round(percentile(latencies, 95), 1)
        out["search_max_ms"] = round(max(latencies), 1)
        out["search_gui_cpu_median_ms"] = round(statistics.median(gui_cpu), 1)
        out["search_gui_cpu_p95_ms"] = round(percentile(gui_cpu, 95), 1)
        out["search_p95_by_length_ms"] = by_length(lengths)
        page.table.viewport().removeEventFilter(repainted)
        out["search_painted_median_ms"] = round(statistics.median(x for _, x in painted_ms), 1)
        out["search_painted_p95_ms"] = round(percentile([x for _, x in painted_ms], 95), 1)
        out["search_painted_p95_by_length_ms"] = by_length(painted_ms)
        out["search_plans"] = ", ".join(f"{k}:{v}" for k, v in sorted(plans.items()))
        out["search_slowest"] = ", ".join(
            f"{w}({p}) {ms:.0f}" for ms, w, p in sorted(slow, reverse=True)[:5]
        )

        # Forms: the first open (its imports and caches warm) on its own,
        # then the median of the next ones (other records).
        page.search.clear()
        pump_until(lambda: idle() and page.model.rowCount() > 5, "members list")
        opens: list[Cost] = []
        for i in range(FORM_OPENS):
            row_id = page.model.row_id(i)
            with cost() as c:
                form = RecordForm(ctx, "member", row_id, {}, win)
                form.show()
                pump_until(lambda f=form: bool(f.save_button.isEnabled()), "form open")
            opens.append(c)
            if i < FORM_OPENS - 1:
                form.reject()
                form.deleteLater()
                pump_until(idle, "form close")
        out.update(opens[0].figures("form_open_first"))
        out.update(median_cost(opens[1:]).figures("form_open"))
        out["form_opens"] = len(opens)
        form.editors[("main", "card_no")].setText("BENCH-0001")
        saved: list[object] = []
        form.saved.connect(saved.append)
        with cost() as c:
            QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
            pump_until(lambda: bool(saved), "form save")
        out.update(c.figures("form_save"))
        pump_until(idle, "after the save")  # the lists and dashboard reload after a save
        with cost() as c:
            new = RecordForm(ctx, "member", None, {}, win)
            new.show()
            app.processEvents()
        out.update(c.figures("form_new"))
        new.discard_changes()
        new.reject()
        pump_until(idle, "new form closed")

        # Every page, first visit: until it is painted (it must show at once,
        # "loading" if its figures are still on their way) and until its
        # figures are in (`_ready`). Then the 统计 page again (its period cached).
        painted = Painted()
        visits = [k for k, _ in PAGES if k != "members"] + ["members", "statistics"]
        seen: set[str] = set()
        for key in visits:
            name = key if key not in seen else f"{key}_again"
            seen.add(key)
            current = win.stack.currentWidget()
            if key in win.pages and win.pages[key] is current:
                win.show_page("dashboard")
                pump_until(idle, "back to the dashboard")
            with cost() as c:
                w = win.page(key)
                painted.arm(w)
                win.show_page(key)
                pump_until(lambda: painted.at is not None, f"page {key} painted")
            w.removeEventFilter(painted)
            out.update(c.figures(f"page_{name}"))
            with cost() as ready:
                pump_until(idle, f"page {key} figures")
            out[f"page_{name}_ready_ms"] = round(c.wall + ready.wall, 1)
        out["rss_mb"] = round(rss_mb(), 1)
        out["peak_rss_mb"] = round(peak_rss_mb(), 1)
        out["floor_wall_over_cpu_end"] = round(floor(), 2)
        # Waits (outside the timed operations) that took over STALL_S.
        out["stalls"] = "; ".join(stalls) or "none"
    finally:
        controller.stop()
        win.close()
        tasks.shutdown()
        st.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def measure_in_child(store: Path, words: int) -> dict[str, Any]:
    """`in_process` in a fresh interpreter, so each store's memory is its own."""
    root = Path(__file__).resolve().parents[1]
    code = (
        "import json, sys; from bench.ui import in_process; "
        "print(json.dumps(in_process(__import__('pathlib').Path(sys.argv[1]), int(sys.argv[2]))))"
    )
    out = run_child(
        ["-c", code, str(store), str(words)], f"{store.name}: in-app figures", 1800, root
    )
    figures: dict[str, Any] = json.loads(out)
    return figures


def run(argv: list[str]) -> dict[str, object]:
    p = argparse.ArgumentParser(prog="python -m bench ui", description=__doc__.split("\n")[0])
    p.add_argument("--stores", default="5,100k", help="comma-separated: 1, 5, 100k")
    p.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "jsxclient-bench"))
    p.add_argument("--words", type=int, default=40, help="search words typed per store")
    p.add_argument("--start-runs", type=int, default=3)
    p.add_argument(
        "--encrypted",
        action="store_true",
        help="the stores encrypted with SQLCipher, as the app keeps them (default: plain)",
    )
    args = p.parse_args(argv)
    if args.encrypted:
        os.environ["JSXCLIENT_BENCH_KEY"] = BENCH_KEY.hex()  # the children inherit it
    else:
        os.environ.pop("JSXCLIENT_BENCH_KEY", None)
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    compile_sources()
    figures: dict[str, object] = {}
    for name in args.stores.split(","):
        path = ensure_store(cache, name)
        if args.encrypted:
            path = encrypted_copy(path)
        group: dict[str, Any] = {
            "encrypted": args.encrypted,
            "load_average": round(os.getloadavg()[0], 2),
            "store_mb": round(path.stat().st_size / 2**20, 1),
        }
        group.update(start_up(path, args.start_runs))
        group.update(measure_in_child(path, args.words))
        group["load_average_end"] = round(os.getloadavg()[0], 2)
        group["cores"] = os.cpu_count() or 0
        figures[f"store {name}"] = group
    return figures


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:]), indent=2, ensure_ascii=False))
