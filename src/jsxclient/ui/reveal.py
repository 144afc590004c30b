"""Revealing a masked ID number or mobile in a form: a reason is asked,
the reveal is written to the audit log, then the editor shows the number.
Roles without the right (read-only viewers) never see the button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit

from jsxclient.ui import errors
from jsxclient.ui.operations import records

if TYPE_CHECKING:
    from jsxclient.ui.forms.editors import SensitiveEditor
    from jsxclient.ui.forms.form import RecordForm


def connect(form: RecordForm, editor: SensitiveEditor, part: str, field: str) -> None:
    if not form.ctx.store.allowed("reveal"):
        editor.reveal_action.setEnabled(False)
        editor.reveal_action.setToolTip(
            QCoreApplication.translate("Reveal", "当前账号无权查看完整号码")
        )
        return
    editor.reveal_requested.connect(lambda: ask(form, editor, part, field))


def ask(form: RecordForm, editor: SensitiveEditor, part: str, field: str) -> None:
    dlg = QInputDialog(form)
    dlg.setObjectName("revealReason")
    dlg.setWindowTitle(QCoreApplication.translate("Reveal", "查看完整号码"))
    dlg.setLabelText(
        QCoreApplication.translate("Reveal", "请说明查看完整号码的理由（将记入操作日志）：")
    )
    dlg.setTextEchoMode(QLineEdit.EchoMode.Normal)

    def chosen(reason: str) -> None:
        reason = reason.strip()
        if not reason:
            return
        draft = form.draft
        entity, row_id = (
            ("person", draft.person_id) if part == "person" else (form.entity, draft.row_id)
        )
        obj = f"{entity}:{row_id or 'new'}.{field}"
        store = form.ctx.store
        form.ctx.tasks.db(lambda job: records.reveal(store, obj, reason)).owned_by(form).on_success(
            lambda _r: editor.reveal()
        ).on_failure(
            lambda exc: errors.show(exc, form, QCoreApplication.translate("Reveal", "查看完整号码"))
        ).start()

    dlg.textValueSelected.connect(chosen)
    dlg.open()
