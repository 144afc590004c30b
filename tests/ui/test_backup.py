"""Backups from the settings page, and a restore that reopens the data
under the running window."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from jsxclient.ui.context import AppContext
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.settings_page import SettingsPage

from .conftest import settle
from .helpers import fill, one, open_new, save


def test_backup_then_restore(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, tmp_path: Path
) -> None:
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    dest = tmp_path / "backups" / "today.db"
    page.backup_to(dest)
    settle(qtbot, ctx)
    assert dest.exists() and ctx.settings.get("backup/last")
    before = one(ctx.store, "SELECT count(*) FROM member WHERE deleted = 0")

    form = open_new(qtbot, ctx, "member")
    fill(
        qtbot,
        form,
        {"person.name": "恢复测试", "person.sex": "1", "person.division_code": ctx.places[1].code},
    )
    save(qtbot, ctx, form)
    assert one(ctx.store, "SELECT count(*) FROM member WHERE deleted = 0") == before + 1

    old = ctx.store
    window.restore(dest)
    qtbot.waitUntil(lambda: ctx.store is not old, timeout=10_000)
    settle(qtbot, ctx)
    # The member saved after the backup, not synced yet, is carried over.
    assert one(ctx.store, "SELECT count(*) FROM member WHERE deleted = 0") == before + 1
    assert one(ctx.store, "SELECT count(*) FROM person WHERE name = '恢复测试'") == 1
    assert one(ctx.store, "SELECT count(*) FROM journal WHERE state = 'pending'") > 0
    # The data from before the restore is kept beside the store.
    assert list(Path(ctx.store.db.path).parent.glob("*.before-restore-*"))
    members = window.show_page("members")
    settle(qtbot, ctx)
    assert members.model.rowCount() > 0  # type: ignore[attr-defined]
    old.close()
