"""Issue 15: the form and the pages fit a township worker's day (duplicates
refused, Esc safe, Enter in a multi-line box, shortcuts anywhere, undo and the
recycle bin, demo marking, status after a save)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from jsxclient.ui.context import AppContext

from .conftest import settle
from .helpers import fill, message_box, one, open_new
from .test_forms import village


def _existing(ctx: AppContext) -> tuple[str, str]:
    number, name = one(
        ctx.store,
        "SELECT id_number, name FROM person WHERE id_number IS NOT NULL AND deleted = 0 "
        "ORDER BY id LIMIT 1",
    )
    return str(number), str(name)


def test_a_duplicate_id_number_is_refused_on_save(qtbot: QtBot, ctx: AppContext) -> None:
    number, name = _existing(ctx)
    persons = one(ctx.store, "SELECT count(*) FROM person")
    form = open_new(qtbot, ctx, "member")
    fill(
        qtbot,
        form,
        {
            "person.name": "冒名者",
            "person.id_number": number,
            "person.mobile": "13907310001",
            "person.division_code": village(ctx.store),
        },
    )
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert form.isVisible()
    msg = form.current_messages().get("person.id_number", "")
    assert "已登记" in msg and name in msg
    # The existing person is offered (use or open it).
    qtbot.waitUntil(lambda: form.banner.isVisible() and form.banner_use.isVisible())
    assert name in form.banner_text.text()
    assert one(ctx.store, "SELECT count(*) FROM person") == persons


def test_esc_then_enter_keeps_editing_and_saves_nothing(qtbot: QtBot, ctx: AppContext) -> None:
    number, _ = _existing(ctx)
    persons = one(ctx.store, "SELECT count(*) FROM person")
    form = open_new(qtbot, ctx, "member")
    fill(
        qtbot,
        form,
        {
            "person.name": "冒名者",
            "person.id_number": number,
            "person.division_code": village(ctx.store),
        },
    )
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    box = message_box(form, "confirmDiscard")
    assert box is not None
    default = box.defaultButton()
    assert default is not None and default.text() == "继续编辑"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: message_box(form, "confirmDiscard") is None)
    settle(qtbot, ctx)
    assert form.isVisible() and form.value(("person", "name")) == "冒名者"
    assert one(ctx.store, "SELECT count(*) FROM person") == persons
    assert isinstance(box, QMessageBox)
