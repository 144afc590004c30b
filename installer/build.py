"""Build the frozen jsxclient, smoke-test it, and on Windows make the installer.

    python installer/build.py                 # venv + build + smoke test (+ installer)
    python installer/build.py --no-install    # reuse the build venv as it is (offline)
    python installer/build.py --zip           # also a portable .zip of the bundle
    python installer/build.py --server-python .venv/bin/python   # + a real sync

Steps (after qutebrowser's scripts/dev/build_release.py):

1. A build venv (default ``installer/.build/venv``, created with the Python running
   this script, which must be 3.11+ and, on Windows, the 64-bit python.org build) gets
   PyInstaller and a *snapshot* of the project (src/, pyproject.toml, README.md copied to
   ``installer/.build/snapshot``): installing the snapshot, not the work tree, keeps
   build artefacts out of src/ and freezes exactly what a wheel would contain.
2. PyInstaller runs ``installer/jsxclient.spec`` into ``installer/.build/dist/jsxclient``.
3. The bundle is checked (every resource and migration present, no excluded Qt module,
   no server code) and smoke-tested: ``jsxclient-cli --help``, ``init``, ``demo-data``,
   ``check``, ``backup``, an encrypted (SQLCipher) store, and the GUI executable started
   with ``QT_QPA_PLATFORM=offscreen`` and ``JSXCLIENT_SMOKE_TEST=1`` (it quits once its
   main window is shown). All in a temporary directory: the user's data is not touched.
   With --server-python, the frozen client also connects to and syncs with a jsxserver
   started on 127.0.0.1 (requests, TLS roots and the sync code in the bundle).
4. Sizes are printed. On Windows, Inno Setup's ISCC.exe (found on PATH or in the usual
   install folders, or given with --iscc) compiles ``installer/jsxclient.iss`` into
   ``installer/.build/output/jsxclient-setup-VERSION.exe``.

Exit status 0 when everything passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "jsxclient.spec"
ISS = HERE / "jsxclient.iss"
APP = "jsxclient"
GUI_EXE = "jsxclient"
CLI_EXE = "jsxclient-cli"
PYINSTALLER_REQ = "pyinstaller>=6.10,<7"
TOWNSHIP = "430105003000"  # 清水塘街道, 长沙市开福区: in the shipped division list
IS_WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if IS_WINDOWS else ""

# Qt libraries that must not be in the bundle (see QT_EXCLUDES in the spec).
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
)
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


def smoke_steps(tmp: Path) -> list[Smoke]:
    store = str(tmp / "store.db")
    secret = str(tmp / "secret.db")
    key = {"JSXCLIENT_KEY": "smoke-test-key"}
    return [
        Smoke("help", ["--help"], expect="demo-data"),
        Smoke("init", ["--store", store, "init", TOWNSHIP]),
        Smoke(
            "demo-data",
            ["--store", store, "demo-data", "--township", TOWNSHIP, "--scale", "0.02"],
        ),
        Smoke("check", ["--store", store, "check"]),
        Smoke("backup", ["--store", store, "backup", str(tmp / "backup.db")]),
        Smoke("init (SQLCipher)", ["--store", secret, "init", TOWNSHIP], env=key),
        Smoke("check (SQLCipher)", ["--store", secret, "check"], env=key),
        Smoke("gui exe as CLI", ["--help"], exe=GUI_EXE),
        Smoke(
            "gui (offscreen)",
            [],  # no arguments, like a double-click: opens the app
            exe=GUI_EXE,
            env={
                "QT_QPA_PLATFORM": "offscreen",
                "JSXCLIENT_SMOKE_TEST": "1",
                "JSXCLIENT_STORE": store,
            },
            # A windowed Windows executable may have no stderr to print the marker to:
            # there the exit status alone tells.
            expect=None if IS_WINDOWS else "smoke-test: qtbase_zh_CN loaded",
            timeout=120,
        ),
    ]


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


def run_steps(bundle: Path, tmp: Path, steps: Sequence[Smoke]) -> list[str]:
    problems: list[str] = []
    base_env = isolated_env(tmp)
    for s in steps:
        exe = bundle / (s.exe + EXE_SUFFIX)
        cmd = [str(exe), *s.argv]
        shown = " ".join(f"{k}={'***' if k == 'JSXCLIENT_KEY' else v}" for k, v in s.env.items())
        log(f"$ {shown + ' ' if shown else ''}{s.exe} {' '.join(s.argv)}".rstrip())
        t0 = time.perf_counter()
        try:
            res = subprocess.run(
                cmd,
                env={**base_env, **s.env},
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
        for line in out.strip().splitlines()[-8:]:
            log(f"  | {line}")
        ok = res.returncode == 0 and (s.expect is None or s.expect in out)
        log(f"  -> exit {res.returncode}, {elapsed:.1f} s, {'ok' if ok else 'FAILED'}")
        if not ok:
            problems.append(f"{s.name}: exit {res.returncode}")
    return problems


def run_smoke(bundle: Path, tmp: Path) -> list[str]:
    problems = run_steps(bundle, tmp, smoke_steps(tmp))
    if not (tmp / "backup.db").is_file():
        problems.append("backup: no backup file was written")
    secret = tmp / "secret.db"
    if secret.is_file() and secret.read_bytes()[:16] == b"SQLite format 3\x00":
        problems.append("SQLCipher: the keyed store is a plain SQLite file")
    return problems


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
                "township_worker",
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
                Smoke("init (sync)", ["--store", store, "init", TOWNSHIP]),
                Smoke(
                    "demo-data (sync)",
                    ["--store", store, "demo-data", "--township", TOWNSHIP, "--scale", "0.02"],
                ),
                Smoke(
                    "connect",
                    ["--store", store, "connect", base, "--user", user, "--password-stdin"],
                    stdin=password + "\n",
                    timeout=120,
                ),
                Smoke("sync", ["--store", store, "sync"], timeout=300),
                Smoke("check (after sync)", ["--store", store, "check"]),
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


def report_sizes(bundle: Path) -> None:
    total, files = tree_size(bundle)
    log(f"bundle {bundle}: {mib(total)} in {files} files")
    for exe in (GUI_EXE, CLI_EXE):
        p = bundle / (exe + EXE_SUFFIX)
        log(f"  {p.name:34s} {mib(p.stat().st_size):>10s}")
    internal = internal_dir(bundle)
    parts = sorted(
        ((tree_size(p)[0] if p.is_dir() else p.lstat().st_size), p) for p in internal.iterdir()
    )
    log("  largest parts of _internal/:")
    for size, p in reversed(parts[-8:]):
        log(f"    {p.name:32s} {mib(size):>10s}")
    log("  largest files:")
    for size, p in largest(bundle, 8):
        log(f"    {p.relative_to(bundle)!s:60s} {mib(size):>10s}")


def make_zip(bundle: Path, build_dir: Path, version: str) -> Path:
    plat = "win64" if IS_WINDOWS else sys.platform
    base = build_dir / "output" / f"{APP}-{version}-{plat}"
    base.parent.mkdir(parents=True, exist_ok=True)
    archive = Path(shutil.make_archive(str(base), "zip", bundle.parent, bundle.name))
    log(f"portable zip {archive}: {mib(archive.stat().st_size)}")
    return archive


def find_iscc(explicit: str | None, env: Mapping[str, str] = os.environ) -> Path | None:
    if explicit:
        return Path(explicit)
    on_path = shutil.which("ISCC") or shutil.which("iscc")
    if on_path:
        return Path(on_path)
    for var in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        base = env.get(var)
        if not base:
            continue
        for sub in ("Inno Setup 6", r"Programs\Inno Setup 6"):
            candidate = Path(base) / sub / "ISCC.exe"
            if candidate.is_file():
                return candidate
    return None


def build_installer(bundle: Path, build_dir: Path, version: str, iscc: Path) -> Path:
    out = build_dir / "output"
    out.mkdir(parents=True, exist_ok=True)
    cmd: list[str | Path] = [iscc, "/Qp", f"/DAppVersion={version}", f"/DDistDir={bundle}"]
    icons = sorted((ROOT / "src" / "jsxclient" / "resources").glob("**/*.ico"))
    if icons:  # the same icon as the executables (see ICON in the spec)
        cmd.append(f"/DSetupIcon={icons[0]}")
    run([*cmd, f"/O{out}", ISS])
    setup = out / f"{APP}-setup-{version}.exe"
    if not setup.is_file():
        raise BuildError(f"ISCC reported success but {setup} is missing")
    log(f"installer {setup}: {mib(setup.stat().st_size)}")
    return setup


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
    p.add_argument("--no-installer", action="store_true", help="never run ISCC")
    p.add_argument("--iscc", help="path of ISCC.exe (default: PATH, then the usual places)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    args = parse_args(argv)
    build_dir: Path = args.build_dir.resolve()
    build_dir.mkdir(parents=True, exist_ok=True)
    version = project_version()
    timings: dict[str, float] = {}
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

        if not args.skip_smoke:
            step("smoke test of the frozen build")
            t0 = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="jsxclient-smoke-") as tmp:
                problems += run_smoke(bundle, Path(tmp))
            if args.server_python:
                step("sync with a real jsxserver")
                with tempfile.TemporaryDirectory(prefix="jsxclient-sync-") as tmp:
                    problems += run_sync_smoke(bundle, Path(tmp), args.server_python)
            timings["smoke test"] = time.perf_counter() - t0

        step("sizes")
        report_sizes(bundle)
        if args.zip:
            make_zip(bundle, build_dir, version)

        if IS_WINDOWS and not args.no_installer:
            step("Inno Setup")
            iscc = find_iscc(args.iscc)
            if iscc is None:
                log("ISCC.exe not found (install Inno Setup 6 or pass --iscc): no installer")
            elif problems:
                log("not building the installer: the checks above failed")
            else:
                build_installer(bundle, build_dir, version, iscc)
    except BuildError as exc:
        problems.append(str(exc))

    step("result")
    timings["total"] = time.perf_counter() - t_all
    log("  " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    if problems:
        for p in problems:
            log(f"FAILED: {p}")
        return 1
    log("build OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
