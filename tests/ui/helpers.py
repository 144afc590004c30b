"""Driving forms and lists from tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from jsxclient.store.store import Store
from jsxclient.ui import i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.forms.editors import IdNumberEditor, MobileEditor, SensitiveEditor, TextEditor
from jsxclient.ui.forms.form import RecordForm
from jsxclient.ui.main_window import MainWindow

from .conftest import settle


def switch_language(qtbot: QtBot, ctx: AppContext, window: MainWindow, language: str) -> None:
    """Choose `language` on the settings page, as a worker does (a no-op for
    the language already shown)."""
    if language == i18n.current():
        return
    settings = window.show_page("settings")
    with qtbot.waitSignal(window.language_switched):
        settings.language.setCurrentIndex(settings.language.findData(language))  # type: ignore[attr-defined]
    settle(qtbot, ctx)


def one(store: Store, sql: str, *params: Any) -> Any:
    r = store.db.connection().execute(sql, params).fetchone()
    return None if r is None else (r[0] if len(r) == 1 else r)


def fill(qtbot: QtBot, form: RecordForm, values: dict[str, Any]) -> None:
    """Type into text fields like a worker would; set the others directly."""
    for dotted, value in values.items():
        part, name = dotted.split(".")
        editor = form.editors[(part, name)]
        if isinstance(editor, SensitiveEditor):
            # A stored number shows masked; editing it starts from the full one
            # (the audited reveal itself is tested in tests/ui/test_security.py).
            editor.reveal()
        if isinstance(editor, TextEditor | IdNumberEditor | MobileEditor) and isinstance(
            value, str
        ):
            editor.clear()
            editor.setFocus()
            if value.isascii():
                qtbot.keyClicks(editor, value)
            else:
                # QTest types ASCII only; Chinese arrives committed by the input method.
                editor.insert(value)
        else:
            editor.set_value(value)


def open_new(
    qtbot: QtBot,
    ctx: AppContext,
    entity: str,
    context: dict[str, Any] | None = None,
    parent: QWidget | None = None,
) -> RecordForm:
    form = RecordForm(ctx, entity, None, context, parent)
    qtbot.addWidget(form)
    form.show()
    settle(qtbot, ctx)
    return form


def open_edit(
    qtbot: QtBot, ctx: AppContext, entity: str, row_id: str, context: dict[str, Any] | None = None
) -> RecordForm:
    form = RecordForm(ctx, entity, row_id, context)
    qtbot.addWidget(form)
    form.show()
    settle(qtbot, ctx)
    assert form.save_button.isEnabled(), form.status.text()
    return form


def save(qtbot: QtBot, ctx: AppContext, form: RecordForm) -> Any:
    with qtbot.waitSignal(form.saved, timeout=10_000) as blocker:
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    return blocker.args[0] if blocker.args else None


def message_box(owner: QWidget, name: str) -> QMessageBox | None:
    """A visible message box `owner` opened."""
    for w in owner.findChildren(QMessageBox, name):
        if w.isVisible():
            return w
    return None


def click_box_button(qtbot: QtBot, box: QMessageBox, text: str) -> None:
    for b in box.buttons():
        if b.text() == text:
            qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
            return
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")
