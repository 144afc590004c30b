"""Connecting this computer to the provincial server (used by the first-run
wizard and the settings page). The township comes from the account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from jsxclient.ui import errors
from jsxclient.ui.context import AppContext
from jsxclient.ui.operations import sync as ops
from jsxclient.ui.tasks import TaskManager

if TYPE_CHECKING:
    from jsxclient.store.store import Store
    from jsxcore.protocol import UserInfo

DEFAULT_SERVER = "https://"


class ConnectForm(QWidget):
    """Server address, account, password and a message line."""

    connected = Signal(object)  # UserInfo

    def __init__(self, tasks: TaskManager, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self.store = store
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.url = QLineEdit(DEFAULT_SERVER)
        self.url.setObjectName("serverUrl")
        self.url.setPlaceholderText("https://jsx.example.gov.cn")
        self.user = QLineEdit()
        self.user.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("服务器地址"), self.url)
        form.addRow(self.tr("账号"), self.user)
        form.addRow(self.tr("密码"), self.password)
        lay.addLayout(form)
        note = QLabel(self.tr("账号由县（市、区）计生协分配，登录后自动确定所属乡镇。"))
        note.setObjectName("hintLabel")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.busy = False

    def start(self) -> None:
        if self.busy:
            return
        url, user, pw = self.url.text().strip(), self.user.text().strip(), self.password.text()
        if not url.startswith(("http://", "https://")) or len(url) < 10:
            self.message.setText(self.tr("请填写服务器地址，如 https://jsx.example.gov.cn"))
            self.url.setFocus()
            return
        if not user or not pw:
            self.message.setText(self.tr("请填写账号和密码"))
            (self.user if not user else self.password).setFocus()
            return
        self.busy = True
        self.message.setText(self.tr("正在连接…"))
        store = self.store
        self.tasks.net(lambda job: ops.connect(store, url, user, pw)).owned_by(self).on_success(
            self._ok
        ).on_failure(self._failed).start()

    def _ok(self, user: UserInfo) -> None:
        self.busy = False
        self.password.clear()
        self.message.setText("")
        self.connected.emit(user)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if errors.kind(exc) == "bug":
            errors.show(exc, self, self.tr("连接服务器"))
            self.message.setText(self.tr("连接失败"))
            return
        self.message.setText(errors.message(exc))


class ConnectDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle(self.tr("连接服务器"))
        lay = QVBoxLayout(self)
        self.form = ConnectForm(ctx.tasks, ctx.store, self)
        lay.addWidget(self.form)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("连接"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        ok.clicked.connect(self.form.start)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.form.connected.connect(self._connected)
        self.user: UserInfo | None = None
        self.resize(460, 240)

    def _connected(self, user: UserInfo) -> None:
        self.user = user
        self.accept()
