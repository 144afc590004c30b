"""The packaging files, checked without building the bundle.

The real frozen build (installer/build.py: PyInstaller, smoke test, installer) takes
minutes: CI runs it after the suite (.ci/run); here it runs only with JSX_BUILD_TEST=1.
The installer script is compiled here with a stub payload when makensis is installed
(`./dev test` installs Debian's nsis when run as root).
"""

from __future__ import annotations

import ast
import contextlib
import fnmatch
import importlib.metadata
import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "jsxclient.spec"
NSI = INSTALLER / "jsxclient.nsi"
SRC_PKG = ROOT / "src" / "jsxclient"


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def launch() -> ModuleType:
    return load("jsxclient_installer_launch", INSTALLER / "launch.py")


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return load("jsxclient_installer_build", INSTALLER / "build.py")


def spec_settings() -> dict[str, Any]:
    """The spec's literal UPPER_CASE settings (the spec itself only runs in PyInstaller)."""
    text = SPEC.read_text("utf-8")
    tree = ast.parse(text, str(SPEC))
    settings: dict[str, Any] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.isupper()
        ):
            # Values computed at build time (paths, the version) are not literals.
            with contextlib.suppress(ValueError):
                settings[node.targets[0].id] = ast.literal_eval(node.value)
    return settings


def project_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


# -- the spec ----------------------------------------------------------------------------


def test_spec_is_python_with_the_expected_settings() -> None:
    compile(SPEC.read_text("utf-8"), str(SPEC), "exec")
    s = spec_settings()
    for name in ("LAUNCHER", "GUI_NAME", "CLI_NAME", "PACKAGE_DATA", "HIDDEN_IMPORTS"):
        assert name in s, name
    assert (INSTALLER / s["LAUNCHER"]).is_file()
    assert s["GUI_NAME"] == "jsxclient" and s["CLI_NAME"] == "jsxclient-cli"
    assert s["APP_TITLE"] == "计生协数据采集"


def package_dir(package: str) -> Path:
    if package == "jsxclient":
        return SRC_PKG  # the tree the build snapshots, not whatever is installed
    found = importlib.util.find_spec(package)
    assert found is not None and found.submodule_search_locations, package
    return Path(next(iter(found.submodule_search_locations)))


def test_every_data_glob_of_the_spec_finds_files() -> None:
    for package, globs in spec_settings()["PACKAGE_DATA"]:
        base = package_dir(package)
        for pattern in globs:
            hits = [p for p in base.glob(pattern) if p.is_file() and p.suffix != ".py"]
            assert hits, f"{package}: {pattern} matches no file under {base}"
    assert (SRC_PKG.parent / "jsxcore" / "data" / "divisions-hunan.csv.gz").is_file()
    assert list((SRC_PKG / "store" / "migrations").glob("*.sql"))


def test_hidden_imports_and_metadata_are_installed() -> None:
    s = spec_settings()
    for name in s["HIDDEN_IMPORTS"]:
        assert importlib.util.find_spec(name) is not None, name
    for dist in s["METADATA"]:
        assert importlib.metadata.version(dist)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_client_imports_nothing_the_bundle_excludes() -> None:
    """An excluded Qt module (say QtCharts for a report) would crash the frozen app only."""
    s = spec_settings()
    excluded = set(s["QT_EXCLUDES"]) | set(s["OTHER_EXCLUDES"])
    offenders = []
    for path in SRC_PKG.rglob("*.py"):
        for name in imported_modules(path):
            if any(name == ex or name.startswith(ex + ".") for ex in excluded):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, "imports the spec excludes: " + ", ".join(sorted(offenders))


def _package_data_matches(rel: str, pattern: str) -> bool:
    # setuptools globs package data relative to the package: "*" stays in one folder.
    if "**" in pattern:
        return fnmatch.fnmatch(rel, pattern)
    rel_parts, pat_parts = rel.split("/"), pattern.split("/")
    return len(rel_parts) == len(pat_parts) and all(
        fnmatch.fnmatch(r, p) for r, p in zip(rel_parts, pat_parts, strict=True)
    )


def test_resource_files_are_package_data() -> None:
    """The build installs the project like a wheel: a resource that pyproject's
    package-data does not name would be missing from the bundle."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    package_data: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    missing = []
    for path in [
        *(SRC_PKG / "resources").rglob("*"),
        *(SRC_PKG / "store").rglob("*.sql"),
        *(SRC_PKG.parent / "jsxcore" / "data").rglob("*"),
    ]:
        if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in path.parts:
            continue
        pkg = path.parent
        while not (pkg / "__init__.py").exists():
            pkg = pkg.parent
        dotted = ".".join(pkg.relative_to(ROOT / "src").parts)
        rel = path.relative_to(pkg).as_posix()
        patterns = package_data.get("*", []) + package_data.get(dotted, [])
        if not any(_package_data_matches(rel, p) for p in patterns):
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, "not in [tool.setuptools.package-data]: " + ", ".join(missing)


# -- the launcher ----------------------------------------------------------------------


def test_launcher_opens_the_app_on_a_double_click_only(launch: ModuleType) -> None:
    assert launch.effective_argv([], "jsxclient") == ["app"]
    assert launch.effective_argv([], "jsxclient-cli") == []
    assert launch.effective_argv(["check"], "jsxclient") == ["check"]
    assert launch.effective_argv(["--store", "x.db", "app"], "jsxclient-cli") == [
        "--store",
        "x.db",
        "app",
    ]
    assert launch.program_name("C:/Program Files/jsxclient/jsxclient-cli.exe") == "jsxclient-cli"
    assert launch.program_name("/opt/jsxclient/jsxclient") == "jsxclient"


def test_launcher_runs_the_cli(launch: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        launch.main(["--help"], executable="jsxclient-cli")
    assert exc.value.code == 0
    assert "demo-data" in capsys.readouterr().out
    assert launch.main([], executable="jsxclient-cli") == 2  # usage, like the console script


def test_launcher_leaves_the_smoke_test_to_a_ui_that_handles_it(
    launch: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jsxclient.ui import app

    monkeypatch.delattr(app, "SMOKE_TEST_ENV", raising=False)
    assert not launch.ui_handles_smoke_test()
    monkeypatch.setattr(app, "SMOKE_TEST_ENV", "JSXCLIENT_SMOKE_TEST", raising=False)
    assert launch.ui_handles_smoke_test()


def test_smoke_hook_quits_once_the_main_window_is_shown(store_path: Path) -> None:
    """What build.py does with the frozen GUI, here with the source tree's Python."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSXCLIENT_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        JSXCLIENT_SMOKE_TEST="1",
        JSXCLIENT_SMOKE_TIMEOUT="60",
        JSXCLIENT_STORE=str(store_path),
        # The login: the store's first sign-in (it encrypts this old plain one).
        JSXCLIENT_USER="tester",
        JSXCLIENT_PASSWORD="Passw0rd!x",
    )
    res = subprocess.run(
        [sys.executable, str(INSTALLER / "launch.py")],
        env=env,
        cwd=store_path.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert "smoke-test: main window shown" in res.stderr
    assert "smoke-test: qtbase_zh_CN loaded" in res.stderr  # Qt's own Chinese dialogs


# -- build.py --------------------------------------------------------------------------


def test_build_script_helpers(
    build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = {p.as_posix() for p in build.expected_data_files()}
    assert "jsxcore/data/divisions-hunan.csv.gz" in data
    assert any(d.startswith("jsxclient/store/migrations/") for d in data)
    assert build.project_version() == project_version()
    assert build.version_quad("0.2.0") == "0.2.0.0" and build.version_quad("1.2") == "1.2.0.0"
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    makensis = tmp_path / "NSIS" / "makensis.exe"
    makensis.parent.mkdir()
    makensis.write_bytes(b"")
    assert build.find_makensis(None, {"ProgramFiles(x86)": str(tmp_path)}) == makensis
    assert build.find_makensis(None, {}) is None
    assert build.find_makensis("X:/makensis.exe") == Path("X:/makensis.exe")


def test_size_breakdown_names_the_parts(build: ModuleType) -> None:
    part = build.part_of
    assert part("jsxclient-cli") == part("jsxclient.exe")
    assert part("_internal/PySide6/Qt/lib/libicudata.so.73").startswith("ICU")
    assert part("_internal/PySide6/Qt/plugins/platforms/libqxcb.so") == "Qt plugins: platforms"
    assert part("_internal/PySide6/plugins/styles/qmodernwindowsstyle.dll") == "Qt plugins: styles"
    assert part("_internal/PySide6/Qt6Widgets.dll") == "Qt libraries"
    assert part("_internal/PySide6/Qt/lib/libQt6Gui.so.6") == "Qt libraries"
    assert part("_internal/PySide6/translations/qtbase_zh_CN.qm") == "Qt translations"
    assert part("_internal/sqlcipher3/_sqlite3.pyd") == "SQLCipher"
    assert part("_internal/libpython3.11.so.1.0") == part("_internal/python311.dll")


def test_the_payload_is_staged_in_the_windows_layout(
    build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "IS_WINDOWS", False)
    bundle = tmp_path / "dist" / "jsxclient"
    (bundle / "_internal" / "PySide6").mkdir(parents=True)
    for name in ("jsxclient", "jsxclient-cli", "_internal/PySide6/libQt6Core.so.6"):
        (bundle / name).write_bytes(b"x")
    staged = build.stage_payload(bundle, tmp_path / "build")
    names = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file())
    assert names == ["_internal/PySide6/libQt6Core.so.6", "jsxclient-cli.exe", "jsxclient.exe"]


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.skipif(os.environ.get("JSX_BUILD_TEST") != "1", reason="set JSX_BUILD_TEST=1")
def test_frozen_build_passes_its_smoke_test() -> None:
    res = subprocess.run(
        [sys.executable, str(INSTALLER / "build.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=1700,
        check=False,
    )
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-3000:]
    assert "build OK" in res.stdout
