"""Connecting this computer to the provincial server (used by the first-run
wizard and the settings page). The township comes from the account.

Only https:// addresses are accepted (http:// only for a server on this
computer), certificates are always verified, and a provincial private CA
can be given as a certificate file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jsxclient.sync.errors import SyncError
from jsxclient.sync.transport import check_url
from jsxclient.ui import errors
from jsxclient.ui.context import AppContext
from jsxclient.ui.operations import sync as ops
from jsxclient.ui.tasks import TaskManager

DEFAULT_SERVER = "https://"

# (url, user, password, ca bundle or None) -> result, run on the network worker
ConnectAction = Callable[[str, str, str, str | None], Any]


class ConnectForm(QWidget):
    """Server address, account, password, CA certificate and a message line."""

    connected = Signal(object)  # what the action returned

    def __init__(self, tasks: TaskManager, action: ConnectAction, parent: QWidget | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self.action = action
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
        ca_row = QHBoxLayout()
        self.ca = QLineEdit()
        self.ca.setObjectName("caBundle")
        self.ca.setPlaceholderText(self.tr("使用系统证书（省级服务器使用自签证书时才需选择）"))
        browse = QPushButton(self.tr("选择…"))
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse_ca)
        ca_row.addWidget(self.ca, 1)
        ca_row.addWidget(browse)
        form.addRow(self.tr("服务器地址"), self.url)
        form.addRow(self.tr("账号"), self.user)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("CA 证书"), ca_row)
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
        try:
            check_url(url)
        except SyncError as exc:
            self.message.setText(errors.message(exc))
            self.url.setFocus()
            return
        if not user or not pw:
            self.message.setText(self.tr("请填写账号和密码"))
            (self.user if not user else self.password).setFocus()
            return
        self.busy = True
        self.message.setText(self.tr("正在连接…"))
        ca = self.ca.text().strip() or None
        action = self.action
        self.tasks.net(lambda job: action(url, user, pw, ca)).owned_by(self).on_success(
            self._ok
        ).on_failure(self._failed).start()

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择 CA 证书"), "", self.tr("证书 (*.pem *.crt *.cer);;所有文件 (*)")
        )
        if path:
            self.ca.setText(path)

    def _ok(self, user: Any) -> None:
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
        store = ctx.store
        self.form = ConnectForm(
            ctx.tasks, lambda url, u, pw, ca: ops.connect(store, url, u, pw, ca), self
        )
        lay.addWidget(self.form)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("连接"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        ok.clicked.connect(self.form.start)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.form.connected.connect(self._connected)
        self.user: Any = None
        self.resize(520, 280)

    def _connected(self, user: Any) -> None:
        self.user = user
        self.accept()
