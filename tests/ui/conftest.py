"""Fixtures for the desktop tests: real widgets, offscreen, on a copy of a
store with demo data built once per session. Qt warnings fail a test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from jsxclient import demo
from jsxclient.store.store import Store
from jsxclient.ui import errors, i18n
from jsxclient.ui.context import AppContext, DataBus
from jsxclient.ui.forms.form import RecordForm
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.operations import setup
from jsxclient.ui.settings import Settings
from jsxclient.ui.sync_controller import SyncController
from jsxclient.ui.tasks import TaskManager

from ..conftest import TOWNSHIP
from ..load import load_factor

# The day the UI tests' demo township is made as of, and their "today": the
# figures, due visits and default periods they check do not move with the
# calendar (a test run just after midnight once found no target met).
UI_TODAY = date(2026, 11, 30)

UI_DIR = Path(__file__).parent

# qtbot's waits (5 s unless a test says otherwise) stretch with the machine's load, as
# every other limit of the suite does (tests/load.py): a wait only ends sooner when the
# condition holds, so a longer limit never makes a wrong test pass.
_wait_until = QtBot.waitUntil
_wait_signal = QtBot.waitSignal


def _scaled_wait_until(self: QtBot, callback: Any, *, timeout: int = 5000) -> None:
    _wait_until(self, callback, timeout=int(timeout * load_factor()))


def _scaled_wait_signal(self: QtBot, signal: Any = None, *, timeout: int = 5000, **kw: Any) -> Any:
    return _wait_signal(self, signal, timeout=int(timeout * load_factor()), **kw)


QtBot.waitUntil = _scaled_wait_until  # type: ignore[method-assign]
QtBot.waitSignal = _scaled_wait_signal  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # STYLE rule 13: a Qt warning in a desktop test is a failure.
    for item in items:
        if UI_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            # The offscreen platform's own notice, not a warning about our code.
            item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui-template") / "demo.db"
    s = Store.open(path, user="tester")
    demo.generate(s, TOWNSHIP, scale=0.2, seed=7, today=UI_TODAY)
    s.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path


@pytest.fixture
def demo_path(tmp_path: Path, demo_template: Path) -> Path:
    dest = tmp_path / "store.db"
    shutil.copyfile(demo_template, dest)
    return dest


def settle(qtbot: QtBot, ctx: AppContext, timeout: int = 10_000) -> None:
    """Wait until every background task has come back to the GUI thread."""
    qtbot.waitUntil(lambda: ctx.tasks.idle, timeout=timeout)


@pytest.fixture
def ctx(qtbot: QtBot, demo_path: Path, tmp_path: Path) -> Iterator[AppContext]:
    i18n.install("zh_CN")
    errors.CRASHES.clear()
    store = Store.open(demo_path, user="tester")
    info = setup.info(store)
    assert info is not None
    holder: dict[str, Store] = {"store": store}
    tasks = TaskManager(
        db_exit=lambda: holder["store"].db.close(),
        net_exit=lambda: holder["store"].db.close(),
        unhandled=lambda exc: errors.crash(exc),
    )
    c = AppContext(
        store=store,
        tasks=tasks,
        settings=Settings(tmp_path / "ui.ini"),
        bus=DataBus(),
        township=info.township,
        township_name=info.township_name,
        places=info.places,
        today_override=UI_TODAY,
    )
    yield c
    for w in QApplication.topLevelWidgets():
        if isinstance(w, RecordForm):
            w.discard_changes()  # let qtbot close what a test left open
    try:
        settle(qtbot, c)
    finally:
        tasks.shutdown()
        c.store.close()
        i18n.install("zh_CN")
    assert not errors.CRASHES, errors.CRASHES


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext) -> Iterator[MainWindow]:
    controller = SyncController(ctx)
    w = MainWindow(ctx, controller)
    qtbot.addWidget(w)
    w.show()
    controller.refresh()
    settle(qtbot, ctx)
    yield w
    controller.stop()
