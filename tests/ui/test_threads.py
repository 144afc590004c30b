"""STYLE rule 3 and 7: the GUI thread never touches the database; every
read and write happens on the database worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from jsxclient.store.db import Database
from jsxclient.ui.context import AppContext
from jsxclient.ui.main_window import PAGES, MainWindow
from jsxclient.ui.pages.list_page import ListPage

from .conftest import settle
from .helpers import fill, open_new, save
from .test_forms import a_family


@pytest.fixture
def gui_thread_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every database connection asked for on the GUI thread."""
    offences: list[str] = []
    original = Database.connection
    armed = {"on": False}

    def connection(self: Database) -> Any:
        if armed["on"] and threading.current_thread() is threading.main_thread():
            import traceback

            offences.append("".join(traceback.format_stack(limit=8)))
        return original(self)

    monkeypatch.setattr(Database, "connection", connection)
    armed["on"] = True
    yield offences
    armed["on"] = False


def test_gui_thread_never_touches_the_database(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, gui_thread_guard: list[str]
) -> None:
    for i in range(len(PAGES)):
        window.nav.setCurrentRow(i)
        settle(qtbot, ctx)
    members = window.show_page("members")
    assert isinstance(members, ListPage)
    qtbot.keyClicks(members.search, "zs")
    members.table.scrollToBottom()
    settle(qtbot, ctx)
    assert gui_thread_guard == []
    form = open_new(qtbot, ctx, "carevisit", a_family(ctx.store))
    gui_thread_guard.clear()  # a_family read the store for the test's own setup
    fill(qtbot, form, {"main.mode": "phone"})
    save(qtbot, ctx, form)
    window.open_family(form.context["family_id"])
    settle(qtbot, ctx)
    assert gui_thread_guard == []


def test_day_end_reminder_once_a_day(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    c = window.controller
    ctx.settings.set("sync/reminder", True)
    ctx.settings.set("sync/reminder_time", "17:00")
    got: list[int] = []
    c.reminder.connect(got.append)
    c._check_reminder(datetime(2024, 5, 29, 16, 59))
    assert got == []
    c._check_reminder(datetime(2024, 5, 29, 17, 1))
    c._check_reminder(datetime(2024, 5, 29, 17, 30))
    assert got == [ctx.store.pending_count()]
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "syncReminder") is not None)
    reminder = window.findChild(QMessageBox, "syncReminder")
    assert reminder is not None and str(got[0]) in reminder.text()
    reminder.done(0)
