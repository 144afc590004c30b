"""Desktop: start-up, search per keystroke, form open and save, memory.

    python -m bench ui [--stores 5,100k] [--cache DIR] [--words 40]

For each store (demo data of 清水塘街道; "5" is scale 5 = the stress township
of 25,000 members, "100k" is scale 20 = a street of 100,000 members), built
once and cached in DIR (default: the temp folder):

* start-up, in a fresh process: from spawning Python to the main window shown
  and running its event loop (`start_window_s`), and to the dashboard's first
  figures (`start_data_s`); goals 1.5 s;
* search on the members page, typing real members' pinyin initials, full
  pinyin, names, ID numbers and mobiles one key at a time through the
  widgets: ms from the key press to the list showing its first page
  (median, p95, max); goal p95 < 50 ms;
* a member form: open an existing record (loaded, editable), change it, save;
* resident memory after all of that (goal < 300 MB).

Runs offscreen unless a display is set.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb, rss_mb

TOWNSHIP = "430105003000"
SCALES = {"1": 1.0, "5": 5.0, "100k": 20.0}

CHILD = r"""
import json, sys, time
from pathlib import Path
T0 = float(sys.argv[3])
from jsxclient.ui.app import run_app

def ready(win):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    shown = time.time() - T0

    def check():
        page = win.pages.get("dashboard")
        if win.ctx.tasks.idle and page is not None and page.data is not None:
            print(json.dumps({"window_s": shown, "data_s": time.time() - T0}), flush=True)
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


def start_up(store: Path, runs: int) -> dict[str, float]:
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    windows, datas = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            settings = Path(tmp) / "ui.ini"
            settings.unlink(missing_ok=True)
            t0 = time.time()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(store), str(settings), repr(t0)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
            fig = json.loads(out.strip().splitlines()[-1])
            windows.append(fig["window_s"])
            datas.append(fig["data_s"])
    return {
        "start_window_s": round(statistics.median(windows), 3),
        "start_data_s": round(statistics.median(datas), 3),
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


def in_process(store: Path, words: int) -> dict[str, Any]:
    if not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from jsxclient.store.store import Store
    from jsxclient.ui import i18n, styles
    from jsxclient.ui.context import AppContext, DataBus
    from jsxclient.ui.forms.form import RecordForm
    from jsxclient.ui.main_window import MainWindow
    from jsxclient.ui.operations import setup
    from jsxclient.ui.pages.list_page import ListPage
    from jsxclient.ui.settings import Settings
    from jsxclient.ui.sync_controller import SyncController
    from jsxclient.ui.tasks import TaskManager

    app = QApplication.instance() or QApplication([])
    i18n.install("zh_CN")
    styles.apply(app)  # type: ignore[arg-type]

    def pump_until(cond: Any, timeout: float = 30.0) -> None:
        """Run the event loop (blocking, as the app does, so the GUI thread
        does not spin and compete with the workers) until `cond()` holds."""
        if cond():
            return
        loop = QEventLoop()
        end = time.perf_counter() + timeout
        timer = QTimer()
        timer.setInterval(1)

        def check() -> None:
            if cond() or time.perf_counter() > end:
                loop.quit()

        timer.timeout.connect(check)
        timer.start()
        loop.exec()
        timer.stop()
        if not cond():
            raise TimeoutError("UI did not settle")

    tmp = Path(tempfile.mkdtemp())
    copy = tmp / "store.db"
    shutil.copyfile(store, copy)
    st = Store.open(copy, bench_key(), user="bench")
    info = setup.info(st)
    assert info is not None
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
    pump_until(lambda: tasks.idle)
    out: dict[str, Any] = {"rss_window_mb": round(rss_mb(), 1)}
    try:
        page = win.show_page("members")
        assert isinstance(page, ListPage)
        pump_until(lambda: tasks.idle and page.model.total is not None)
        out["members"] = page.model.total
        latencies: list[float] = []
        plans: dict[str, int] = {}
        slow: list[tuple[float, str, str]] = []
        shown: list[float] = []
        page.model.loaded.connect(lambda _ms: shown.append(time.perf_counter()))
        for word in typed:
            page.search.clear()
            pump_until(lambda: tasks.idle)
            page.search.setFocus()
            for ch in word:
                shown.clear()
                t0 = time.perf_counter()
                if ch.isascii():
                    QTest.keyClick(page.search, ch)
                else:
                    page.search.insert(ch)
                pump_until(lambda: bool(shown))
                latencies.append((shown[0] - t0) * 1000)
                plans[page.model.last_plan] = plans.get(page.model.last_plan, 0) + 1
                slow.append((latencies[-1], page.search.text(), page.model.last_plan))
            pump_until(lambda: tasks.idle)  # the count follows each page
        out["rss_after_search_mb"] = round(rss_mb(), 1)
        out["search_keystrokes"] = len(latencies)
        out["search_median_ms"] = round(statistics.median(latencies), 1)
        out["search_p95_ms"] = round(percentile(latencies, 95), 1)
        out["search_max_ms"] = round(max(latencies), 1)
        out["search_plans"] = ", ".join(f"{k}:{v}" for k, v in sorted(plans.items()))
        out["search_slowest"] = ", ".join(
            f"{w}({p}) {ms:.0f}" for ms, w, p in sorted(slow, reverse=True)[:5]
        )

        page.search.clear()
        pump_until(lambda: tasks.idle and page.model.rowCount() > 0)
        row_id = page.model.row_id(0)
        pump_until(lambda: tasks.idle)
        t0 = time.perf_counter()
        form = RecordForm(ctx, "member", row_id, {}, win)
        form.show()
        pump_until(lambda: form.save_button.isEnabled())
        out["form_open_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        form.editors[("main", "card_no")].setText("BENCH-0001")
        saved: list[object] = []
        form.saved.connect(saved.append)
        t0 = time.perf_counter()
        QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        pump_until(lambda: bool(saved))
        out["form_save_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        pump_until(lambda: tasks.idle)  # the lists and dashboard reload after a save
        t0 = time.perf_counter()
        new = RecordForm(ctx, "member", None, {}, win)
        new.show()
        app.processEvents()
        out["form_new_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        new.discard_changes()
        new.reject()
        pump_until(lambda: tasks.idle)

        for key in ("families", "statistics", "dashboard"):
            t0 = time.perf_counter()
            win.show_page(key)
            pump_until(lambda: tasks.idle)
            out[f"page_{key}_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        out["rss_mb"] = round(rss_mb(), 1)
        out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    finally:
        controller.stop()
        win.close()
        tasks.shutdown()
        st.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def measure_in_child(store: Path, words: int) -> dict[str, Any]:
    """`in_process` in a fresh interpreter, so each store's memory is its own."""
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    root = Path(__file__).resolve().parents[1]
    code = (
        "import json, sys; from bench.ui import in_process; "
        "print(json.dumps(in_process(__import__('pathlib').Path(sys.argv[1]), int(sys.argv[2]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(store), str(words)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if done.returncode != 0:
        # Say why: a bare CalledProcessError hid the child's traceback.
        raise RuntimeError(f"ui bench child failed ({done.returncode}):\n{done.stderr[-4000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
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
        figures[f"store {name}"] = group
    return figures


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:]), indent=2, ensure_ascii=False))
