"""Build the frozen jsxclient, test it, measure it, and compile its installer.

    python installer/build.py                 # venv + build + smoke test + installer
    python installer/build.py --no-install    # reuse the build venv as it is (offline)
    python installer/build.py --zip           # also a portable .zip of the bundle
    python installer/build.py --server-python .venv/bin/python   # + syncs with a server

Steps (after qutebrowser's scripts/dev/build_release.py):

1. A build venv (default ``installer/.build/venv``, created with the Python running
   this script, which must be 3.11+ and, on Windows, the 64-bit python.org build) gets
   PyInstaller and a *snapshot* of the project (src/, pyproject.toml, README.md copied to
   ``installer/.build/snapshot``): installing the snapshot, not the work tree, keeps
   build artefacts out of src/ and freezes exactly what a wheel would contain.
2. PyInstaller runs ``installer/jsxclient.spec`` into ``installer/.build/dist/jsxclient``.
3. The bundle is checked (every resource and migration present, no left-out Qt part, no
   server code, under the size budget) and smoke-tested, all in a temporary directory
   (the user's data is not touched): the command line (``--help``, ``init``,
   ``demo-data``, ``check``, ``backup``, an encrypted store), a store written by the
   previous release (schema 4) opened by this build (data intact, backup made), the
   installation self-test (``jsxclient-cli --self-test``: reference data, validation,
   translations, icons, fonts, the main window with every page, ...), and the GUI
   executable started as by a double-click, offscreen, timed until its main window shows.
   With --server-python, the frozen client also connects to and syncs with a jsxserver
   started on 127.0.0.1 (the CLI and the self-test).
4. Sizes are printed by part. makensis (NSIS 3: on PATH, in the usual Windows folders, or
   --makensis) compiles ``installer/jsxclient.nsi`` into
   ``installer/.build/output/jsxclient-setup-VERSION.exe``. Elsewhere than on Windows
   the payload is the Linux bundle staged in the Windows layout (``jsxclient.exe``, ...):
   that proves the script compiles with a payload of the real size, and the result is
   named ``...-linux-payload.exe`` because it installs no working program.
5. The figures (sizes, start time, durations) are printed and written to
   ``installer/.build/output/figures.json``.

Exit status 0 when everything passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "jsxclient.spec"
NSI = HERE / "jsxclient.nsi"
ICON = ROOT / "src" / "jsxclient" / "resources" / "icons" / "jsxclient.ico"
# A store written by jsxclient 0.1.0 (schema 4), the previous release.
OLD_STORE = ROOT / "tests" / "store" / "fixtures" / "store-schema4.db.gz"
APP = "jsxclient"
GUI_EXE = "jsxclient"
CLI_EXE = "jsxclient-cli"
PYINSTALLER_REQ = "pyinstaller>=6.10,<7"
TOWNSHIP = "430105003000"  # 清水塘街道, 长沙市开福区: in the shipped division list
IS_WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if IS_WINDOWS else ""

# Parts of Qt that must not be in the bundle (see QT_EXCLUDES and QT_PLUGINS in the spec).
FORBIDDEN_QT = (
    "WebEngine",
    "Quick",
    "Qml",
    "Qt63D",
    "Qt6Pdf",
    "Multimedia",
    "Charts",
    "Designer",
    "QtWebEngineProcess",
    "Qt6Network",
    "QtNetwork",
    "Qt6Svg",
    "Qt6OpenGL",
    "WaylandClient",
    "qgtk3",
    "opengl32sw",
    "d3dcompiler",
)
# The bundle must stay below this many megabytes (10^6 bytes): issue 14.
SIZE_BUDGET_MB = 150.0
SNAPSHOT_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*")


class BuildError(Exception):
    pass


def log(text: str = "") -> None:
    print(text, flush=True)


def step(title: str) -> None:
    log(f"\n== {title} " + "=" * max(0, 70 - len(title)))


def run(
    cmd: Sequence[str | Path], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> None:
    log("$ " + " ".join(str(c) for c in cmd))
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise BuildError(f"command failed with status {result.returncode}: {cmd[0]}")


def project_version() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return str(data["project"]["version"])


# -- 1. build venv ---------------------------------------------------------------------


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if IS_WINDOWS else "bin/python")


def make_snapshot(dest: Path) -> Path:
    """Copy what a wheel is built from, so pip's build leaves the work tree alone."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE.txt"):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "src", dest / "src", ignore=SNAPSHOT_IGNORE)
    return dest


def prepare_venv(venv: Path, python: str, build_dir: Path, install: bool) -> Path:
    py = venv_python(venv)
    if not py.exists():
        if not install:
            raise BuildError(f"no build venv at {venv} (drop --no-install to create it)")
        run([python, "-m", "venv", venv])
        run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    if install:
        snapshot = make_snapshot(build_dir / "snapshot")
        # pip always reinstalls a project given as a directory, same version or not.
        run([py, "-m", "pip", "install", "--quiet", PYINSTALLER_REQ, snapshot])
    check = subprocess.run(
        [
            str(py),
            "-c",
            "import sys, PyInstaller, jsxclient; print(sys.version.split()[0], "
            "PyInstaller.__version__)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        raise BuildError(f"the build venv lacks PyInstaller or jsxclient:\n{check.stderr}")
    log(f"build venv {venv}: Python / PyInstaller {check.stdout.strip()}")
    return py


# -- 2. PyInstaller --------------------------------------------------------------------


def freeze(py: Path, build_dir: Path, clean: bool) -> Path:
    dist = build_dir / "dist"
    cmd: list[str | Path] = [
        py,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        dist,
        "--workpath",
        build_dir / "work",
    ]
    if clean:
        cmd.append("--clean")
    run([*cmd, SPEC], cwd=ROOT)
    bundle = dist / APP
    for exe in (GUI_EXE, CLI_EXE):
        if not (bundle / (exe + EXE_SUFFIX)).is_file():
            raise BuildError(f"PyInstaller made no {exe}{EXE_SUFFIX} in {bundle}")
    return bundle


# -- 3. checks and smoke test ----------------------------------------------------------


def internal_dir(bundle: Path) -> Path:
    return bundle / "_internal"


def expected_data_files(src: Path = ROOT / "src") -> list[Path]:
    """Package data (relative to src/) that the frozen app reads at run time."""
    pkg = src / "jsxclient"
    files = [p for p in (pkg / "resources").rglob("*") if p.is_file()]
    files += list((pkg / "store" / "migrations").glob("*.sql"))
    files += [p for p in (src / "jsxcore" / "data").rglob("*") if p.is_file()]
    return [
        p.relative_to(src)
        for p in files
        if p.suffix not in {".py", ".pyc", ".pyi"} and "__pycache__" not in p.parts
    ]


def check_bundle(bundle: Path, build_dir: Path) -> list[str]:
    problems: list[str] = []
    internal = internal_dir(bundle)
    # Compare with the snapshot that was installed, not with the work tree, which other
    # people may be changing while the build runs.
    snapshot = build_dir / "snapshot" / "src"
    data = expected_data_files(snapshot if snapshot.is_dir() else ROOT / "src")
    missing = [str(p) for p in data if not (internal / p).is_file()]
    if missing:
        problems.append(
            "package data missing from the bundle (is its suffix in pyproject's "
            "[tool.setuptools.package-data]?): " + ", ".join(missing)
        )
    forbidden = sorted(
        str(p.relative_to(bundle))
        for p in bundle.rglob("*")
        if any(word in p.name for word in FORBIDDEN_QT)
    )
    if forbidden:
        problems.append("excluded Qt parts in the bundle: " + ", ".join(forbidden[:10]))
    toc = build_dir / "work" / APP / "PYZ-00.toc"
    if toc.is_file() and "'jsxserver" in toc.read_text("utf-8", errors="replace"):
        problems.append("the server package jsxserver was frozen into the client")
    log(f"bundle check: {len(data)} data files present" if not problems else "bundle check:")
    for p in problems:
        log(f"  PROBLEM: {p}")
    return problems


@dataclass
class Smoke:
    name: str
    argv: list[str]
    exe: str = CLI_EXE
    env: dict[str, str] = field(default_factory=dict)
    expect: str | None = None  # text the output must contain
    stdin: str | None = None
    timeout: float = 300


# Every command signs in; the smoke test's local account (made by `init`).
SMOKE_ACCOUNT = {"JSXCLIENT_USER": "smoke", "JSXCLIENT_PASSWORD": "smoke-test-password-1"}


def smoke_steps(tmp: Path) -> list[Smoke]:
    store = str(tmp / "store.db")
    return [
        Smoke("help", ["--help"], expect="demo-data"),
        Smoke("init", ["--store", store, "init", TOWNSHIP]),
        Smoke(
            "demo-data",
            ["--store", store, "demo-data", "--township", TOWNSHIP, "--scale", "0.02"],
        ),
        Smoke("check", ["--store", store, "check"]),
        Smoke("backup", ["--store", store, "backup", str(tmp / "backup.jsxbak")]),
        Smoke("gui exe as CLI", ["--help"], exe=GUI_EXE),
        # The previous release's store: upgraded behind a backup, every record kept.
        Smoke("old store (schema 4)", ["--store", str(tmp / "old.db"), "check", "--json"]),
        Smoke(
            "self-test",
            ["--self-test"],
            env={"QT_QPA_PLATFORM": "offscreen"},
            expect="self-test passed",
            timeout=300,
        ),
    ]


def prepare_old_store(tmp: Path) -> dict[str, int]:
    """Unpack the previous release's store into tmp/old.db; returns what `check --json`
    must count in it after the upgrade (live rows per table, pending changes)."""
    path = tmp / "old.db"
    path.write_bytes(gzip.decompress(OLD_STORE.read_bytes()))
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if "deleted" in {c[1] for c in conn.execute(f"PRAGMA table_info({r[0]})")}
        ]
        counts = {
            t: int(conn.execute(f"SELECT count(*) FROM {t} WHERE deleted=0").fetchone()[0])
            for t in tables
        }
        counts["journal_pending"] = int(
            conn.execute("SELECT count(*) FROM journal WHERE state='pending'").fetchone()[0]
        )
        return counts
    finally:
        conn.close()


def check_old_store(tmp: Path, expected: dict[str, int], output: str) -> list[str]:
    """After `check --json` on the old store: the same records, and a verified backup."""
    problems = []
    try:
        report = json.loads(output[output.index("{") : output.rindex("}") + 1])
    except ValueError:
        return [f"old store: no JSON report in {output[-300:]!r}"]
    counts = report.get("counts", {})
    wrong = {k: (v, counts.get(k)) for k, v in expected.items() if counts.get(k) != v}
    if wrong:
        problems.append(f"old store: records changed by the upgrade (expected, found): {wrong}")
    # The upgrade's plain copy became an encrypted backup when the first
    # sign-in encrypted the old store (nothing plain is left beside it).
    backups = sorted((tmp / "backups").glob("old-db-before-upgrade-v4-*.jsxbak"))
    if list(tmp.glob("old.db.before-upgrade-v4-*")):
        problems.append("old store: a plain copy was left beside it")
    if len(backups) != 1:
        problems.append(f"old store: expected one backup before the upgrade, found {backups}")
    else:
        rows = sum(v for k, v in expected.items() if k != "journal_pending")
        log(
            f"  old store: {rows} records and {expected['journal_pending']} unsynced changes "
            f"kept, backup {backups[0].name}"
        )
    return problems


def isolated_env(tmp: Path) -> dict[str, str]:
    """The environment minus our own variables, with every per-user directory in tmp."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JSXCLIENT_", "JSXSERVER_"))}
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    if IS_WINDOWS:
        for name in ("LOCALAPPDATA", "APPDATA"):
            (home / name).mkdir(exist_ok=True)
            env[name] = str(home / name)
    else:
        env["HOME"] = str(home)
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[name] = str(home / name.lower())
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_steps(
    bundle: Path, tmp: Path, steps: Sequence[Smoke], outputs: dict[str, str] | None = None
) -> list[str]:
    problems: list[str] = []
    base_env = isolated_env(tmp)
    for s in steps:
        exe = bundle / (s.exe + EXE_SUFFIX)
        cmd = [str(exe), *s.argv]
        shown = " ".join(
            f"{k}={'***' if k == 'JSXCLIENT_PASSWORD' else v}" for k, v in s.env.items()
        )
        log(f"$ {shown + ' ' if shown else ''}{s.exe} {' '.join(s.argv)}".rstrip())
        t0 = time.perf_counter()
        try:
            res = subprocess.run(
                cmd,
                env={**base_env, **SMOKE_ACCOUNT, **s.env},
                cwd=tmp,
                input=None if s.stdin is None else s.stdin.encode(),
                stdin=subprocess.DEVNULL if s.stdin is None else None,
                capture_output=True,
                timeout=s.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            problems.append(f"{s.name}: no exit within {s.timeout:.0f} s")
            log(f"  TIMEOUT after {s.timeout:.0f} s")
            continue
        elapsed = time.perf_counter() - t0
        out = (res.stdout + res.stderr).decode("utf-8", errors="replace")
        if outputs is not None:
            outputs[s.name] = out
        shown = out.strip().splitlines()
        for line in shown if s.argv[:1] == ["--self-test"] else shown[-8:]:
            log(f"  | {line}")
        ok = res.returncode == 0 and (s.expect is None or s.expect in out)
        log(f"  -> exit {res.returncode}, {elapsed:.1f} s, {'ok' if ok else 'FAILED'}")
        if not ok:
            problems.append(f"{s.name}: exit {res.returncode}")
    return problems


def run_smoke(bundle: Path, tmp: Path) -> list[str]:
    expected = prepare_old_store(tmp)
    outputs: dict[str, str] = {}
    problems = run_steps(bundle, tmp, smoke_steps(tmp), outputs)
    if not (tmp / "backup.jsxbak").is_file():
        problems.append("backup: no backup file was written")
    for name in ("store.db", "old.db"):
        store = tmp / name
        if store.is_file() and store.read_bytes()[:16] == b"SQLite format 3\x00":
            problems.append(f"SQLCipher: {name} is a plain SQLite file")
    problems += check_old_store(tmp, expected, outputs.get("old store (schema 4)", ""))
    return problems


MAIN_WINDOW_MARKER = "smoke-test: main window shown"


def time_gui_start(bundle: Path, tmp: Path, runs: int = 3) -> tuple[list[float], list[str]]:
    """Start the GUI executable as a double-click does (no arguments), offscreen, on the
    smoke test's store, and time it until its main window is shown (the launcher prints
    a marker then and quits). The bundle's files are in the page cache by then (the smoke
    test ran them): a PC's first start after booting reads them from disk."""
    env = {
        **isolated_env(tmp),
        **SMOKE_ACCOUNT,  # the launcher signs in with it (smoke-test mode only)
        "QT_QPA_PLATFORM": "offscreen",
        "JSXCLIENT_SMOKE_TEST": "1",
        "JSXCLIENT_STORE": str(tmp / "store.db"),
    }
    times: list[float] = []
    problems: list[str] = []
    for n in range(runs):
        log(f"$ QT_QPA_PLATFORM=offscreen JSXCLIENT_SMOKE_TEST=1 {GUI_EXE}   (start {n + 1})")
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(bundle / (GUI_EXE + EXE_SUFFIX))],
            env=env,
            cwd=tmp,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        watchdog = threading.Timer(120, proc.kill)
        watchdog.start()
        shown: float | None = None
        lines: list[str] = []
        try:
            assert proc.stderr is not None
            for raw in proc.stderr:
                line = raw.decode("utf-8", errors="replace").rstrip()
                lines.append(line)
                if shown is None and line.startswith(MAIN_WINDOW_MARKER):
                    shown = time.perf_counter() - t0
            code = proc.wait()
        finally:
            watchdog.cancel()
        ok = code == 0 and (shown is not None or IS_WINDOWS)
        if shown is None and IS_WINDOWS:
            # A windowed Windows executable may have no stderr: the exit tells.
            shown = time.perf_counter() - t0
        log(f"  | {lines[-1] if lines else ''}")
        log(f"  -> exit {code}, main window after {shown or 0:.2f} s, {'ok' if ok else 'FAILED'}")
        # Qt's own Chinese (standard dialogs) must load from the bundle.
        if not IS_WINDOWS and "smoke-test: qtbase_zh_CN loaded" not in lines:
            ok = False
        if ok and shown is not None:
            times.append(shown)
        else:
            problems.append(f"gui start {n + 1}: exit {code}: {' / '.join(lines[-5:])}")
    return times, problems


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_health(url: str, proc: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def run_sync_smoke(bundle: Path, tmp: Path, server_python: str) -> list[str]:
    """connect + sync of the frozen client against a real jsxserver on 127.0.0.1 (run
    from a Python that has the server installed, e.g. the project's .venv)."""
    env = isolated_env(tmp)
    db_url = f"sqlite:///{(tmp / 'server.db').as_posix()}"
    server = [server_python, "-m", "jsxserver.cli", "--database", db_url]
    user, password = "smoke", "smoke-test-password-1"
    try:
        run([*server, "admin", "import-divisions"], env=env)
        log(f"$ jsxserver admin create-user {user} ...")
        created = subprocess.run(
            [
                *server,
                "admin",
                "create-user",
                user,
                "--role",
                "township_admin",  # the self-test's demo data holds subsidy rates
                "--division",
                TOWNSHIP,
                "--password-stdin",
            ],
            input=password + "\n",
            text=True,
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        if created.returncode != 0:
            return [f"server: create-user failed: {created.stderr.strip()}"]
    except (BuildError, subprocess.TimeoutExpired) as exc:
        return [f"server: {exc}"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log(f"$ jsxserver serve --host 127.0.0.1 --port {port} &")
    log_file = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [*server, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_for_health(f"{base}/api/v1/health", proc, timeout=60):
            log_file.flush()
            tail = (tmp / "server.log").read_text("utf-8", errors="replace")[-2000:]
            return [f"server: not healthy within 60 s\n{tail}"]
        store = str(tmp / "synced.db")
        return run_steps(
            bundle,
            tmp,
            [
                # A fresh store (a demo store is never connected: exit 13); the
                # self-test below pushes a township's worth of records.
                Smoke("init (sync)", ["--store", store, "init", TOWNSHIP]),
                Smoke(
                    "connect",
                    ["--store", store, "connect", base, "--user", user, "--password-stdin"],
                    stdin=password + "\n",
                    timeout=120,
                ),
                Smoke("sync", ["--store", store, "sync"], timeout=300),
                Smoke("check (after sync)", ["--store", store, "check"]),
                Smoke(
                    "self-test with the server",
                    [
                        "--self-test",
                        "--no-gui",
                        "--test-server",
                        base,
                        "--user",
                        user,
                        "--password-stdin",
                    ],
                    stdin=password + "\n",
                    expect="ok    sync with the server",
                    timeout=300,
                ),
            ],
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log_file.close()


# -- 4. sizes, zip, installer ----------------------------------------------------------


def tree_size(path: Path) -> tuple[int, int]:
    """(bytes, files) under path; symlinks count as their own small size."""
    total = files = 0
    for p in path.rglob("*"):
        if p.is_symlink() or p.is_file():
            total += p.lstat().st_size
            files += 1
    return total, files


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def largest(path: Path, count: int) -> Iterator[tuple[int, Path]]:
    sizes = [(p.lstat().st_size, p) for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    yield from sorted(sizes, reverse=True)[:count]


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


# What a part of the bundle is, by its path (either platform's layout); first match wins.
PARTS: list[tuple[str, str]] = [
    (r"^[^/]+$", "executables (each holds the compiled Python code)"),
    (r"/(lib)?icu\w*[.-]", "ICU (Linux Qt's Unicode data)"),
    (r"^_internal/PySide6/(Qt/)?plugins/([^/]+)/", "Qt plugins: {2}"),
    (r"^_internal/PySide6/(Qt/)?translations/", "Qt translations"),
    (r"^_internal/PySide6/(Qt/lib/)?(lib)?Qt6\w+\.(so|dll)", "Qt libraries"),
    (r"^_internal/PySide6/Qt/lib/", "Qt libraries"),
    (r"^_internal/(PySide6|shiboken6)/", "PySide6 bindings"),
    (r"^_internal/(lib)?python3|^_internal/python3|^_internal/base_library", "Python runtime"),
    (r"^_internal/(lib-dynload|[^/]+\.pyd$)", "Python runtime"),
    (r"^_internal/sqlcipher3/", "SQLCipher"),
    (r"^_internal/(pydantic_core|pydantic)/", "pydantic"),
    (r"^_internal/pypinyin/", "pypinyin (pinyin search dictionaries)"),
    (r"^_internal/(jsxclient|jsxcore)/", "jsxclient data (divisions, translations, ...)"),
    (r"^_internal/(libcrypto|libssl)", "OpenSSL (Python's ssl)"),
    (r"^_internal/sqlalchemy/", "SQLAlchemy (compiled parts)"),
    (r"^_internal/python_calamine/", "python-calamine (Excel reader)"),
    (r"^_internal/(certifi|charset_normalizer|urllib3|idna)/", "requests (TLS roots, ...)"),
    (r"\.dist-info/", "package metadata"),
    (r"^_internal/[^/]+\.(so[.\d]*|dll)$", "system libraries"),
    (r"", "other"),
]


def part_of(rel: str) -> str:
    for pattern, label in PARTS:
        m = re.search(pattern, rel)
        if m:
            return label.format(*([""] + [g or "" for g in m.groups()]))
    return "other"


def size_breakdown(bundle: Path) -> list[tuple[str, int, int]]:
    """(part, bytes, files) for every part of the bundle, largest first."""
    parts: dict[str, list[int]] = {}
    for p in bundle.rglob("*"):
        if p.is_symlink() or p.is_file():
            acc = parts.setdefault(part_of(p.relative_to(bundle).as_posix()), [0, 0])
            acc[0] += p.lstat().st_size
            acc[1] += 1
    return sorted(((k, v[0], v[1]) for k, v in parts.items()), key=lambda t: -t[1])


def report_sizes(bundle: Path) -> dict[str, object]:
    total, files = tree_size(bundle)
    log(f"bundle {bundle}: {mib(total)} ({mb(total)}) in {files} files")
    breakdown = size_breakdown(bundle)
    log("  by part:")
    for part, size, n in breakdown:
        log(f"    {part:52s} {mib(size):>10s} {n:5d} files")
    log("  largest files:")
    for size, p in largest(bundle, 10):
        log(f"    {p.relative_to(bundle)!s:60s} {mib(size):>10s}")
    return {
        "bytes": total,
        "files": files,
        "parts": {part: size for part, size, _n in breakdown},
    }


def make_zip(bundle: Path, build_dir: Path, version: str) -> Path:
    plat = "win64" if IS_WINDOWS else sys.platform
    base = build_dir / "output" / f"{APP}-{version}-{plat}"
    base.parent.mkdir(parents=True, exist_ok=True)
    archive = Path(shutil.make_archive(str(base), "zip", bundle.parent, bundle.name))
    log(f"portable zip {archive}: {mib(archive.stat().st_size)}")
    return archive


def find_makensis(explicit: str | None, env: Mapping[str, str] = os.environ) -> Path | None:
    if explicit:
        return Path(explicit)
    on_path = shutil.which("makensis")
    if on_path:
        return Path(on_path)
    for var in ("ProgramFiles(x86)", "ProgramFiles"):
        base = env.get(var)
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return Path(base) / "NSIS" / "makensis.exe"
    return None


def stage_payload(bundle: Path, build_dir: Path) -> Path:
    """What the installer packs. On Windows the bundle itself; elsewhere the bundle in
    the Windows layout (the executables named .exe), hard-linked where possible, so the
    script compiles against a payload of the real size."""
    if IS_WINDOWS:
        return bundle
    stage = build_dir / "payload" / APP
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for src in bundle.rglob("*"):
        rel = src.relative_to(bundle)
        if rel.as_posix() in (GUI_EXE, CLI_EXE):
            rel = rel.with_name(rel.name + ".exe")
        dest = stage / rel
        if src.is_dir() and not src.is_symlink():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dest, follow_symlinks=True)
        except OSError:
            shutil.copy2(src, dest)
    return stage


def version_quad(version: str) -> str:
    """0.2.0 -> 0.2.0.0 (the four numbers of a Windows version resource)."""
    nums = [int(n) for n in re.findall(r"\d+", version)[:4]]
    return ".".join(str(n) for n in nums + [0] * (4 - len(nums)))


def installer_path(build_dir: Path, version: str) -> Path:
    # Not shippable unless built from the Windows bundle: say so in the name.
    suffix = "" if IS_WINDOWS else "-linux-payload"
    return build_dir / "output" / f"{APP}-setup-{version}{suffix}.exe"


def makensis_command(
    makensis: Path, payload: Path, setup: Path, version: str, sign_cmd: str | None = None
) -> list[str]:
    return [
        str(makensis),
        "-V2",
        "-WX",  # a warning is an error: an unknown variable compiles to an empty string
        f"-DVERSION={version}",
        f"-DVERSION_QUAD={version_quad(version)}",
        f"-DDIST_DIR={payload}",
        f"-DOUT_FILE={setup}",
        f"-DICON={ICON}",
        *([f"-DSIGN_CMD={sign_cmd}"] if sign_cmd else []),
        str(NSI),
    ]


class InstallerBuild:
    """makensis in the background: LZMA over ~145 MB takes a minute or more on one core,
    which the smoke test (mostly the other core) does not need to wait for."""

    def __init__(
        self,
        makensis: Path,
        payload: Path,
        build_dir: Path,
        version: str,
        sign_cmd: str | None = None,
    ) -> None:
        self.setup = installer_path(build_dir, version)
        self.setup.parent.mkdir(parents=True, exist_ok=True)
        self.setup.unlink(missing_ok=True)
        self.cmd = makensis_command(makensis, payload, self.setup, version, sign_cmd)
        self.result: subprocess.CompletedProcess[str] | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._run, name="makensis", daemon=True)

    def start(self) -> InstallerBuild:
        log("$ " + " ".join(self.cmd) + "   (in the background)")
        self.thread.start()
        return self

    def _run(self) -> None:
        t0 = time.perf_counter()
        try:
            self.result = subprocess.run(
                self.cmd,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=1800,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.error = exc
        self.seconds = time.perf_counter() - t0

    def finish(self) -> Path:
        self.thread.join()
        if self.error is not None:
            raise BuildError(f"makensis: {self.error}")
        assert self.result is not None
        for line in (self.result.stdout + self.result.stderr).strip().splitlines()[-15:]:
            log(f"  | {line}")
        if self.result.returncode != 0:
            raise BuildError(f"makensis failed with status {self.result.returncode}")
        if not self.setup.is_file():
            raise BuildError(f"makensis reported success but {self.setup} is missing")
        size = self.setup.stat().st_size
        log(f"installer {self.setup}: {mib(size)} ({mb(size)}) in {self.seconds:.0f} s")
        return self.setup


# -- main ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument(
        "--build-dir",
        type=Path,
        default=HERE / ".build",
        help="venv, work files, dist and output (default: installer/.build)",
    )
    p.add_argument("--venv", type=Path, help="build venv (default: BUILD_DIR/venv)")
    p.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter that creates the build venv (default: this one)",
    )
    p.add_argument(
        "--no-install",
        action="store_true",
        help="use the build venv as it is: no pip (offline rebuilds)",
    )
    p.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    p.add_argument("--skip-smoke", action="store_true", help="no smoke test")
    p.add_argument(
        "--server-python",
        metavar="PYTHON",
        help="also connect and sync the frozen client with a jsxserver run by this "
        "Python (one with the [server] extra, e.g. .venv/bin/python) on 127.0.0.1",
    )
    p.add_argument("--zip", action="store_true", help="also write a portable .zip")
    p.add_argument("--no-installer", action="store_true", help="do not run makensis")
    p.add_argument("--makensis", help="path of makensis (default: PATH, then the usual places)")
    p.add_argument(
        "--sign-cmd",
        help='Windows: sign the uninstaller and the installer with this command, e.g. "signtool '
        'sign /fd sha256 /tr URL /td sha256" (the file name is appended)',
    )
    p.add_argument(
        "--require-installer",
        action="store_true",
        help="fail when makensis is not found (CI), instead of skipping the installer",
    )
    p.add_argument(
        "--size-budget-mb",
        type=float,
        default=SIZE_BUDGET_MB,
        help=f"fail when the bundle is larger (MB = 10^6 bytes; default {SIZE_BUDGET_MB:.0f})",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    args = parse_args(argv)
    build_dir: Path = args.build_dir.resolve()
    build_dir.mkdir(parents=True, exist_ok=True)
    version = project_version()
    timings: dict[str, float] = {}
    figures: dict[str, object] = {
        "version": version,
        "platform": sys.platform,
        "cpus": os.cpu_count(),
    }
    problems: list[str] = []
    t_all = time.perf_counter()
    try:
        step(f"build venv (jsxclient {version})")
        t0 = time.perf_counter()
        py = prepare_venv(
            args.venv or build_dir / "venv", args.python, build_dir, install=not args.no_install
        )
        timings["venv"] = time.perf_counter() - t0

        step("PyInstaller")
        t0 = time.perf_counter()
        bundle = freeze(py, build_dir, args.clean)
        timings["pyinstaller"] = time.perf_counter() - t0

        step("bundle check")
        problems += check_bundle(bundle, build_dir)

        installer: InstallerBuild | None = None
        if not args.no_installer:
            step("installer (NSIS)")
            makensis = find_makensis(args.makensis)
            if makensis is None:
                message = "makensis not found (install NSIS 3, or pass --makensis)"
                if args.require_installer:
                    problems.append(message)
                else:
                    log(message + ": no installer")
            elif problems and IS_WINDOWS:
                log("not building the installer: the checks above failed")
            else:
                payload = stage_payload(bundle, build_dir)
                if not IS_WINDOWS:
                    log(f"payload: the Linux bundle in the Windows layout, {payload}")
                installer = InstallerBuild(
                    makensis, payload, build_dir, version, args.sign_cmd
                ).start()

        if not args.skip_smoke:
            step("smoke test of the frozen build")
            t0 = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="jsxclient-smoke-") as tmp:
                problems += run_smoke(bundle, Path(tmp))
                step("start time of the frozen GUI")
                starts, start_problems = time_gui_start(bundle, Path(tmp))
                problems += start_problems
                if starts:
                    figures["gui_start_seconds"] = [round(t, 2) for t in starts]
            if args.server_python:
                step("sync with a real jsxserver")
                with tempfile.TemporaryDirectory(prefix="jsxclient-sync-") as tmp:
                    problems += run_sync_smoke(bundle, Path(tmp), args.server_python)
            timings["smoke test"] = time.perf_counter() - t0

        step("sizes")
        sizes = report_sizes(bundle)
        figures["bundle"] = sizes
        total = int(str(sizes["bytes"]))
        if total / 1e6 > args.size_budget_mb:
            problems.append(
                f"the bundle is {mb(total)}, over the budget of {args.size_budget_mb:.0f} MB"
            )
        if args.zip:
            make_zip(bundle, build_dir, version)

        if installer is not None:
            step("installer (NSIS)")
            setup = installer.finish()
            timings["makensis (parallel)"] = installer.seconds
            figures["installer"] = {
                "file": setup.name,
                "bytes": setup.stat().st_size,
                "payload": "windows bundle" if IS_WINDOWS else "linux bundle, windows layout",
            }
            if problems and IS_WINDOWS:
                setup.unlink()  # never leave an installer of a bundle that failed its checks
                log("installer deleted: the checks above failed")
    except BuildError as exc:
        problems.append(str(exc))

    step("result")
    timings["total"] = time.perf_counter() - t_all
    figures["seconds"] = {k: round(v, 1) for k, v in timings.items()}
    if hasattr(os, "getloadavg"):  # timings on a shared machine mean little without it
        figures["load_average"] = [round(x, 1) for x in os.getloadavg()]
    log_figures(figures)
    out = build_dir / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures.json").write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    if problems:
        for p in problems:
            log(f"FAILED: {p}")
        return 1
    log("build OK")
    return 0


def log_figures(figures: dict[str, object]) -> None:
    bundle = figures.get("bundle")
    if isinstance(bundle, dict):
        size = int(bundle["bytes"])
        log(f"  bundle:       {mib(size)} = {mb(size)} in {bundle['files']} files")
    starts = figures.get("gui_start_seconds")
    if isinstance(starts, list) and starts:
        shown = ", ".join(f"{t:.2f} s" for t in starts)
        log(f"  frozen start: exe to main window shown {shown} (files in the page cache)")
    setup = figures.get("installer")
    if isinstance(setup, dict):
        size = int(setup["bytes"])
        log(f"  installer:    {setup['file']} {mib(size)} = {mb(size)} ({setup['payload']})")
    seconds = figures.get("seconds")
    if isinstance(seconds, dict):
        log("  durations:    " + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()))
    load = figures.get("load_average")
    if isinstance(load, list):
        cpus = figures.get("cpus")
        log(f"  machine:      {cpus} CPUs, load average {load[0]} / {load[1]} / {load[2]}")


if __name__ == "__main__":
    sys.exit(main())
