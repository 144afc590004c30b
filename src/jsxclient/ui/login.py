"""Signing in, the idle lock and the recovery code, over
`jsxclient.security.vault` (the KDF runs on the database worker, never on
the GUI thread).

- `LoginDialog`: the accounts registered on this computer, a password, and
  "forgot password" (the recovery code sets a new one; when it is lost too,
  a township administrator recovers the key escrowed on the server, online,
  with their password and the escrow passphrase). An old plain store is
  encrypted by the first sign-in.
- `RecoveryCodeDialog`: the recovery code, shown once.
- `IdleWatcher` and `LockDialog`: after the configured idle minutes every
  window hides behind the lock; the worker's password (or signing out)
  ends it. Forms stay open behind it with what was typed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from jsxclient.security import vault
from jsxclient.security.escrow import EscrowError
from jsxclient.sync import account
from jsxclient.ui import errors
from jsxclient.ui.tasks import TaskManager


def _password_edit(name: str) -> QLineEdit:
    e = QLineEdit()
    e.setObjectName(name)
    e.setEchoMode(QLineEdit.EchoMode.Password)
    e.setMaxLength(256)
    return e


def _message() -> QLabel:
    m = QLabel()
    m.setObjectName("fieldError")
    m.setWordWrap(True)
    return m


class LoginDialog(QDialog):
    """Emits `signed_in(session, recovery_code or None)`; rejected = quit."""

    signed_in = Signal(object, object)

    def __init__(self, tasks: TaskManager, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.path = path
        self.busy = False
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("计生协数据采集 — 登录"))
        self.stack = QStackedWidget()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 18, 24, 18)
        lay.addWidget(self.stack)
        self.plain = vault.is_plain(path) and not vault.keyfile_path(path).exists()
        self.stack.addWidget(self._login_page())
        self.stack.addWidget(self._recover_page())
        self.resize(440, 320)

    # -- pages ----------------------------------------------------------------------

    def _users(self) -> QComboBox:
        c = QComboBox()
        c.setEditable(True)
        c.addItems(vault.registered_users(self.path))
        return c

    def _login_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        head = QLabel(self.tr("登录"))
        head.setObjectName("pageHeading")
        lay.addWidget(head)
        form = QFormLayout()
        self.user = self._users()
        self.user.setObjectName("loginUser")
        self.password = _password_edit("loginPassword")
        self.password.returnPressed.connect(self.start)
        form.addRow(self.tr("账号"), self.user)
        form.addRow(self.tr("密码"), self.password)
        lay.addLayout(form)
        if self.plain:
            note = QLabel(
                self.tr(
                    "本机数据尚未加密。用您的账号和密码登录后，程序会立即加密数据，"
                    "并显示一次恢复码。"
                )
            )
            note.setObjectName("hintLabel")
            note.setWordWrap(True)
            lay.addWidget(note)
        self.message = _message()
        lay.addWidget(self.message)
        lay.addStretch(1)
        row = QHBoxLayout()
        self.forgot = QPushButton(self.tr("忘记密码…"))
        self.forgot.setObjectName("forgotButton")
        self.forgot.setAutoDefault(False)
        self.forgot.clicked.connect(lambda: self.stack.setCurrentIndex(1))
        self.forgot.setVisible(not self.plain)
        self.login_button = QPushButton(self.tr("登录"))
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.start)
        row.addWidget(self.forgot)
        row.addStretch(1)
        row.addWidget(self.login_button)
        lay.addLayout(row)
        return w

    def _recover_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        head = QLabel(self.tr("忘记密码：用恢复码设置新密码"))
        head.setObjectName("pageHeading")
        lay.addWidget(head)
        note = QLabel(
            self.tr(
                "恢复码在本机数据建立时显示过一次，通常由乡镇管理员保管。"
                "设置新密码不会改动任何数据，未同步的修改都会保留。"
            )
        )
        note.setWordWrap(True)
        note.setObjectName("hintLabel")
        lay.addWidget(note)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setObjectName("recoveryCode")
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.rec_user = self._users()
        self.rec_user.setObjectName("recoverUser")
        self.new_password = _password_edit("newPassword")
        self.new_password2 = _password_edit("newPassword2")
        # The recovery code lost too: the township administrator, online.
        self.use_escrow = QCheckBox(self.tr("恢复码也丢了：由乡镇管理员联网取回托管的密钥"))
        self.use_escrow.setObjectName("useEscrow")
        self.admin_user = QLineEdit()
        self.admin_user.setObjectName("escrowAdmin")
        self.admin_password = _password_edit("escrowAdminPassword")
        self.passphrase = _password_edit("escrowPassphrase")
        form.addRow(self.tr("恢复码"), self.code)
        form.addRow(self.use_escrow)
        form.addRow(self.tr("管理员账号"), self.admin_user)
        form.addRow(self.tr("管理员密码"), self.admin_password)
        form.addRow(self.tr("托管口令"), self.passphrase)
        form.addRow(self.tr("账号"), self.rec_user)
        form.addRow(self.tr("新密码"), self.new_password)
        form.addRow(self.tr("再次输入"), self.new_password2)
        lay.addLayout(form)
        self._escrow_rows = (self.admin_user, self.admin_password, self.passphrase)

        def switch(on: bool) -> None:
            form.setRowVisible(self.code, not on)
            for edit in self._escrow_rows:
                form.setRowVisible(edit, on)

        self.use_escrow.toggled.connect(switch)
        switch(False)
        hint = QLabel(self.tr("密码至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类。"))
        hint.setObjectName("hintLabel")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.rec_message = _message()
        lay.addWidget(self.rec_message)
        lay.addStretch(1)
        row = QHBoxLayout()
        back = QPushButton(self.tr("返回"))
        back.setAutoDefault(False)
        back.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        self.recover_button = QPushButton(self.tr("设置新密码"))
        self.recover_button.setObjectName("recoverButton")
        self.recover_button.clicked.connect(self.start_recover)
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(self.recover_button)
        lay.addLayout(row)
        return w

    # -- work -----------------------------------------------------------------------

    def start(self) -> None:
        if self.busy:
            return
        user, pw = self.user.currentText().strip(), self.password.text()
        if not user or not pw:
            self.message.setText(self.tr("请填写账号和密码"))
            return
        self.busy = True
        self.message.setText(self.tr("正在登录…"))
        path, plain = self.path, self.plain

        def work(job: Any) -> tuple[vault.Session, str | None]:
            if plain:
                return vault.migrate_plain(path, user, pw)
            if user not in vault.registered_users(path):
                # The same work as a wrong password, then the plain reason.
                try:
                    vault.unlock(path, user, pw)
                except vault.LoginError as exc:
                    if exc.code == "login.locked":
                        raise
                raise vault.not_registered()
            return vault.unlock(path, user, pw), None

        self.tasks.db(work).owned_by(self).on_success(self._done).on_failure(
            lambda exc: self._failed(exc, self.message)
        ).start()

    def start_recover(self) -> None:
        if self.busy:
            return
        if self.use_escrow.isChecked():
            self.start_escrow()
            return
        code, user = self.code.text().strip(), self.rec_user.currentText().strip()
        pw, pw2 = self.new_password.text(), self.new_password2.text()
        if not code or not user or not pw:
            self.rec_message.setText(self.tr("请填写恢复码、账号和新密码"))
            return
        if pw != pw2:
            self.rec_message.setText(self.tr("两次输入的新密码不一致"))
            return
        self.busy = True
        self.rec_message.setText(self.tr("正在验证恢复码…"))
        path = self.path
        self.tasks.db(lambda job: vault.recover(path, code, user, pw)).owned_by(self).on_success(
            self._done
        ).on_failure(lambda exc: self._failed(exc, self.rec_message)).start()

    def start_escrow(self) -> None:
        admin, admin_pw = self.admin_user.text().strip(), self.admin_password.text()
        phrase, user = self.passphrase.text(), self.rec_user.currentText().strip()
        pw, pw2 = self.new_password.text(), self.new_password2.text()
        if not (admin and admin_pw and phrase and user and pw):
            self.rec_message.setText(
                self.tr("请填写管理员账号、管理员密码、托管口令、账号和新密码")
            )
            return
        if pw != pw2:
            self.rec_message.setText(self.tr("两次输入的新密码不一致"))
            return
        self.busy = True
        self.rec_message.setText(self.tr("正在联网取回托管的密钥…"))
        path = self.path

        def work(job: Any) -> tuple[vault.Session, str | None]:
            try:
                key = account.fetch_escrowed_key(path, admin, admin_pw, phrase)
            except EscrowError as exc:
                raise vault.LoginError(
                    "escrow.passphrase",
                    "托管口令不对，无法打开托管的密钥。",
                    "The escrow passphrase is wrong; the escrowed key does not open.",
                ) from exc
            return vault.recover_with_key(
                path, key, user, pw, f"key released to {admin} from the escrow"
            )

        self.tasks.db(work).owned_by(self).on_success(self._done).on_failure(
            lambda exc: self._failed(exc, self.rec_message)
        ).start()

    def _done(self, result: tuple[vault.Session, str | None]) -> None:
        self.busy = False
        self.password.clear()
        self.new_password.clear()
        self.new_password2.clear()
        self.admin_password.clear()
        self.passphrase.clear()
        session, code = result
        self.signed_in.emit(session, code)
        self.accept()

    def _failed(self, exc: BaseException, label: QLabel) -> None:
        self.busy = False
        self.password.clear()
        if errors.kind(exc) == "bug":
            errors.show(exc, self, self.tr("登录"))
            label.setText(self.tr("登录失败"))
            return
        label.setText(errors.message(exc))


class RecoveryCodeDialog(QDialog):
    """The recovery code, shown once; closes only once the worker ticks
    that it is written down."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryCodeDialog")
        self.setWindowTitle(self.tr("恢复码"))
        lay = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "这是本机数据的恢复码，只显示这一次。请抄写在纸上，交乡镇管理员密封保管。"
                "忘记密码时，用它可以设置新密码，数据不会丢失。不要拍照，不要存在电脑里。"
            )
        )
        text.setWordWrap(True)
        lay.addWidget(text)
        self.code = QLabel(code)
        self.code.setObjectName("recoveryCodeText")
        font = QFont("monospace")
        font.setPointSize(16)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.code)
        self.written = QCheckBox(self.tr("我已抄写并妥善保管"))
        self.written.setObjectName("codeWritten")
        lay.addWidget(self.written)
        self.ok = QPushButton(self.tr("完成"))
        self.ok.setObjectName("codeDone")
        self.ok.setEnabled(False)
        self.written.toggled.connect(self.ok.setEnabled)
        self.ok.clicked.connect(self.accept)
        lay.addWidget(self.ok, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(460, 240)

    def reject(self) -> None:
        if self.written.isChecked():
            super().reject()


_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """`idle` after `minutes` without keyboard or mouse input anywhere in
    the program. The filter sees every event of the program, so it only
    notes the time; the timer, when it fires, re-arms for what is left."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_input = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._due)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(1, minutes) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        self.interval_ms = ms
        self.timer.start(ms)

    def _due(self) -> None:
        left_ms = self.interval_ms - int((time.monotonic() - self.last_input) * 1000)
        if left_ms > 20:
            self.timer.start(left_ms)  # input came meanwhile: wait out the rest
        else:
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.last_input = time.monotonic()
        return False

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        self.last_input = time.monotonic()
        self.timer.start(self.interval_ms)

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockDialog(QDialog):
    """Covers the program until the signed-in worker's password is typed;
    `unlocked` or `sign_out`."""

    unlocked = Signal()
    sign_out = Signal()

    def __init__(
        self, tasks: TaskManager, session: vault.Session, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.session = session
        self.busy = False
        self.setObjectName("lockDialog")
        self.setWindowTitle(self.tr("已锁定"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 18, 24, 18)
        head = QLabel(self.tr("已锁定"))
        head.setObjectName("pageHeading")
        lay.addWidget(head)
        who = QLabel(
            self.tr("{name}（{user}）长时间未操作，程序已锁定。未保存的内容仍在。").format(
                name=session.display_name, user=session.username
            )
        )
        who.setWordWrap(True)
        lay.addWidget(who)
        self.password = _password_edit("unlockPassword")
        self.password.returnPressed.connect(self.start)
        lay.addWidget(self.password)
        self.message = _message()
        lay.addWidget(self.message)
        row = QHBoxLayout()
        out = QPushButton(self.tr("注销"))
        out.setObjectName("lockSignOut")
        out.setAutoDefault(False)
        out.clicked.connect(self._sign_out)
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.start)
        row.addWidget(out)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        lay.addLayout(row)
        self.resize(420, 200)

    def start(self) -> None:
        if self.busy or not self.password.text():
            return
        self.busy = True
        pw, session = self.password.text(), self.session
        self.password.clear()
        self.tasks.db(lambda job: vault.check_password(session, pw)).owned_by(self).on_success(
            self._ok
        ).on_failure(self._failed).start()

    def _ok(self, _r: object) -> None:
        self.busy = False
        self.accept()
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if errors.kind(exc) == "bug":
            errors.show(exc, self, self.tr("解锁"))
            return
        self.message.setText(errors.message(exc))

    def _sign_out(self) -> None:
        self.accept()
        self.sign_out.emit()

    def reject(self) -> None:
        """Esc does not unlock."""
