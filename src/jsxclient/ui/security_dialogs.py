"""Dialogs of the settings page's Security box: the audit log (township
administrator), changing one's password, the accounts on this computer
(add a colleague, clear a lockout, remove, a new recovery code) and the
township's escrow key (township administrator). Every store read and write
runs on the database worker, every request on the network worker."""

from __future__ import annotations

from typing import Any, get_args

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jsxclient.security import vault
from jsxclient.store import accounts, audit
from jsxclient.store.audit import AuditAction
from jsxclient.sync import account
from jsxclient.ui import errors, i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.login import RecoveryCodeDialog
from jsxclient.ui.operations import escrow as ops
from jsxcore.roles import ROLES, role_label

ACTIONS: tuple[str, ...] = get_args(AuditAction)  # the audit filter's choices


def _password(name: str) -> QLineEdit:
    e = QLineEdit()
    e.setObjectName(name)
    e.setEchoMode(QLineEdit.EchoMode.Password)
    return e


class AuditDialog(QDialog):
    """The newest entries of the audit log, filtered by kind of action."""

    COLUMNS = ("at", "user", "device", "action", "object", "result", "detail")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("auditDialog")
        self.setWindowTitle(self.tr("操作日志"))
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem(self.tr("全部操作"), None)
        for a in ACTIONS:
            self.action.addItem(a, a)
        self.action.currentIndexChanged.connect(lambda _i: self.load())
        row.addWidget(QLabel(self.tr("操作")))
        row.addWidget(self.action)
        row.addStretch(1)
        self.count = QLabel()
        row.addWidget(self.count)
        lay.addLayout(row)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("时间"),
                self.tr("用户"),
                self.tr("设备"),
                self.tr("操作"),
                self.tr("对象"),
                self.tr("结果"),
                self.tr("说明"),
            ]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        note = QLabel(self.tr("日志只能追加，保存至少六个月；身份证号和手机号已隐去中间位。"))
        note.setObjectName("hintLabel")
        lay.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(900, 520)
        self.entries: list[audit.AuditEntry] = []
        self.load()

    def load(self) -> None:
        store, action = self.ctx.store, self.action.currentData()

        def work(job: Any) -> list[audit.AuditEntry]:
            store.require("audit_view")
            return audit.entries(
                store.db.connection(), limit=2000, action=action, newest_first=True
            )

        self.ctx.tasks.db(work).owned_by(self).on_success(self._show).on_failure(
            lambda exc: errors.show(exc, self, self.tr("操作日志"))
        ).start()

    def _show(self, entries: list[audit.AuditEntry]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            for c, key in enumerate(self.COLUMNS):
                item = QTableWidgetItem(str(getattr(e, key)))
                if key == "result" and e.result != "ok":
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.count.setText(self.tr("{n} 条").format(n=len(entries)))


class PasswordDialog(QDialog):
    """Change the signed-in worker's password on this computer (re-wraps the
    key; nothing is re-encrypted)."""

    def __init__(
        self, ctx: AppContext, session: vault.Session, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = session
        self.setObjectName("passwordDialog")
        self.setWindowTitle(self.tr("修改密码"))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.old = _password("oldPassword")
        self.new = _password("newPassword")
        self.new2 = _password("newPassword2")
        form.addRow(self.tr("原密码"), self.old)
        form.addRow(self.tr("新密码"), self.new)
        form.addRow(self.tr("再次输入"), self.new2)
        lay.addLayout(form)
        hint = QLabel(
            self.tr(
                "至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类。"
                "已连接服务器时，服务器密码同时修改，其他电脑上的登录随之失效。"
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("hintLabel")
        lay.addWidget(hint)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("修改"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def start(self) -> None:
        if self.new.text() != self.new2.text():
            self.message.setText(self.tr("两次输入的新密码不一致"))
            return
        old, new, session = self.old.text(), self.new.text(), self.session
        store = session.store
        # The server first (when connected): if it refuses, nothing changes here.
        self.ctx.tasks.db(
            lambda job: vault.change_password(
                session, old, new, lambda: account.change_server_password(store, old, new)
            )
        ).owned_by(self).on_success(lambda _r: self.accept()).on_failure(
            lambda exc: self.message.setText(errors.message(exc))
        ).start()


class AccountsDialog(QDialog):
    """Who may sign in on this computer, with their roles and lockouts."""

    def __init__(
        self, ctx: AppContext, session: vault.Session, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = session
        self.setObjectName("accountsDialog")
        self.setWindowTitle(self.tr("本机账号"))
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("accountsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("账号"), self.tr("姓名"), self.tr("角色"), self.tr("状态")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)

        add = QFormLayout()
        self.new_user = QLineEdit()
        self.new_user.setObjectName("colleagueUser")
        self.new_password = _password("colleaguePassword")
        self.new_role = QComboBox()
        for r in ROLES:
            self.new_role.addItem(role_label(r, i18n.lang()), r)
        self.new_role.setCurrentIndex(self.new_role.findData("township_worker"))
        add.addRow(self.tr("同事账号"), self.new_user)
        add.addRow(self.tr("同事本人输入密码"), self.new_password)
        # Whether the store is connected (the server then knows the role) is
        # read with the accounts, on the database worker; until then the role
        # row is hidden and a colleague cannot be added.
        self.local: bool | None = None
        add.addRow(self.tr("角色（未连接服务器的数据）"), self.new_role)
        self._form = add
        add.setRowVisible(self.new_role, False)
        lay.addLayout(add)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        row = QHBoxLayout()
        admin = session.store.allowed("manage_accounts")
        buttons: list[tuple[str, str, Any, bool]] = [
            ("addColleague", self.tr("添加到本机"), self.add, True),
            ("unlockAccount", self.tr("解除锁定"), self.unlock, admin),
            ("removeAccount", self.tr("从本机移除"), self.remove, admin),
            ("newRecoveryCode", self.tr("生成新恢复码…"), self.new_code, admin),
        ]
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot, enabled in buttons:
            b = QPushButton(text)
            b.setObjectName(name)
            b.setAutoDefault(False)
            b.setEnabled(enabled)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[name] = b
        self.buttons["addColleague"].setEnabled(False)  # until `local` is known
        row.addStretch(1)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        lay.addLayout(row)
        self.resize(620, 420)
        self.load()

    def _run(self, fn: Any, done: Any = None) -> None:
        self.message.setText("")

        def ok(result: Any) -> None:
            self.load()
            if done is not None:
                done(result)

        self.ctx.tasks.db(fn).owned_by(self).on_success(ok).on_failure(
            lambda exc: self.message.setText(errors.message(exc))
        ).start()

    def load(self) -> None:
        session = self.session

        def work(job: Any) -> tuple[bool, list[tuple[str, str, str, str]]]:
            local = not session.store.meta("server_url")
            here = set(vault.registered_users(session.path))
            locks = vault.lockouts(session.path)
            rows = []
            for a in accounts.all_accounts(session.store.db.connection()):
                lock = locks.get(a.username)
                state = (
                    "locked"
                    if lock is not None and lock.locked_until
                    else ("here" if a.username in here else "")
                )
                rows.append((a.username, a.display_name, a.role, state))
            return local, rows

        self.ctx.tasks.db(work).owned_by(self).on_success(self._show).on_failure(
            lambda exc: errors.show(exc, self, self.tr("本机账号"))
        ).start()

    def _show(self, loaded: tuple[bool, list[tuple[str, str, str, str]]]) -> None:
        self.local, rows = loaded
        self._form.setRowVisible(self.new_role, self.local)
        self.buttons["addColleague"].setEnabled(True)
        states = {
            "locked": self.tr("已锁定"),
            "here": self.tr("可在本机登录"),
            "": self.tr("未在本机登记"),
        }
        self.table.setRowCount(len(rows))
        for r, (user, name, role, state) in enumerate(rows):
            for c, text in enumerate((user, name, role_label(role, i18n.lang()), states[state])):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def selected(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].text() if items else None

    def add(self) -> None:
        user, pw, session = self.new_user.text().strip(), self.new_password.text(), self.session
        role = str(self.new_role.currentData())
        if self.local is None:
            return
        if not user or not pw:
            self.message.setText(self.tr("请填写同事的账号，并请同事本人输入密码"))
            return
        self.new_password.clear()
        if self.local:
            self._run(lambda job: vault.add_local_user(session, user, pw, role))
        else:
            self._run(lambda job: vault.register_server_user(session, user, pw))

    def unlock(self) -> None:
        user, session = self.selected(), self.session
        if user:
            self._run(lambda job: vault.unlock_user(session, user))

    def remove(self) -> None:
        user, session = self.selected(), self.session
        if user:
            self._run(lambda job: vault.remove_user(session, user))

    def new_code(self) -> None:
        session = self.session

        def show(code: str) -> None:
            dlg = RecoveryCodeDialog(code, self)
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dlg.open()

        self._run(lambda job: vault.new_recovery_code(session), show)


class EscrowKeyDialog(QDialog):
    """A township administrator makes the township's escrow key and
    registers it on the server (`jsxclient escrow-key` on the desktop)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state: ops.EscrowState | None = None
        self.key_id: int | None = None
        self.setObjectName("escrowKeyDialog")
        self.setWindowTitle(self.tr("本乡镇密钥托管"))
        lay = QVBoxLayout(self)
        for text in (
            self.tr(
                "密钥托管是什么：每台电脑上的数据都用它自己的数据密钥加密。"
                "如果某台电脑的密码和恢复码都丢了，数据就再也打不开。"
                "设置托管后，各电脑同步时把自己的数据密钥用本乡镇的托管公钥封存，"
                "交给服务器保管，服务器自己打不开。需要时，乡镇管理员联网并输入托管口令，"
                "才能取回密钥，为同事设置新密码。"
            ),
            self.tr(
                "这一步做什么：在本机生成本乡镇的托管密钥，私钥用您输入的托管口令加密后"
                "登记到服务器（口令不离开本机）。再次设置会生成新的密钥，各电脑下次同步时"
                "重新托管；用旧密钥托管的，仍可用旧口令取回。"
            ),
        ):
            label = QLabel(text)
            label.setWordWrap(True)
            lay.addWidget(label)
        warn = QLabel(
            self.tr(
                "请把托管口令写在纸上密封保存：口令丢失，托管的密钥就无法取回，"
                "服务器也无法帮您找回。"
            )
        )
        warn.setObjectName("fieldError")
        warn.setWordWrap(True)
        lay.addWidget(warn)
        self.current = QLabel(self.tr("正在查询本乡镇的托管密钥…"))
        self.current.setObjectName("escrowCurrent")
        self.current.setWordWrap(True)
        lay.addWidget(self.current)
        form = QFormLayout()
        self.passphrase = _password("escrowNewPassphrase")
        self.passphrase2 = _password("escrowNewPassphrase2")
        form.addRow(self.tr("托管口令"), self.passphrase)
        form.addRow(self.tr("再次输入"), self.passphrase2)
        lay.addLayout(form)
        hint = QLabel(
            self.tr(
                "至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类；"
                "不要与任何人的登录密码相同。"
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("hintLabel")
        lay.addWidget(hint)
        self.message = QLabel()
        self.message.setObjectName("escrowMessage")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(
            self.tr("生成并登记托管密钥"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.ok.setObjectName("makeEscrowKey")
        self.ok.setEnabled(False)
        self.ok.setAutoDefault(False)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        self.ok.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        # Long wrapped explanations (longer in English): as tall as they need.
        self.setMinimumSize(640, lay.totalHeightForWidth(640))

        store, lang = ctx.store, i18n.lang()
        ctx.tasks.db(lambda job: ops.escrow_access(store, lang)).owned_by(self).on_success(
            self._accessed
        ).on_failure(self._failed).start()

    def _accessed(self, state: ops.EscrowState) -> None:
        self.state = state
        if not state.may_make:
            self.message.setText(state.refusal)
            self.ok.setToolTip(state.refusal)
        if not state.connected:
            self.current.setText(
                self.tr("本机尚未连接服务器：托管密钥须联网登记，请先连接服务器。")
            )
            return
        store = self.ctx.store
        self.ctx.tasks.net(lambda job: ops.escrow_key_id(store)).owned_by(self).on_success(
            self._known
        ).on_failure(self._failed).start()

    def _known(self, key_id: int | None) -> None:
        self.key_id = key_id
        if key_id is None:
            self.current.setText(self.tr("本乡镇还没有托管密钥。"))
        else:
            self.current.setText(
                self.tr("本乡镇当前的托管密钥：第 {n} 号。再次设置会生成新的密钥并替换它。").format(
                    n=key_id
                )
            )
        self.ok.setEnabled(self.state is not None and self.state.may_make)

    def start(self) -> None:
        if self.state is None or not self.state.may_make:
            return
        if self.passphrase.text() != self.passphrase2.text():
            self.message.setText(self.tr("两次输入的托管口令不一致"))
            return
        store, phrase = self.ctx.store, self.passphrase.text()
        self.message.setText("")
        self.ok.setEnabled(False)
        self.ctx.tasks.net(lambda job: ops.make_escrow_key(store, phrase)).with_progress(
            self.tr("正在生成托管密钥"), self, cancellable=False
        ).owned_by(self).on_success(self._made).on_failure(self._failed).start()

    def _made(self, key_id: int) -> None:
        self.passphrase.clear()
        self.passphrase2.clear()
        self._known(key_id)
        self.message.setText(
            self.tr(
                "已设置本乡镇的托管密钥（第 {n} 号）。请把托管口令密封保存；"
                "各电脑下次同步时托管各自的数据密钥。"
            ).format(n=key_id)
        )

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(self.state is not None and self.state.may_make and self.state.connected)
        if errors.kind(exc) == "bug":
            errors.show(exc, self, self.tr("本乡镇密钥托管"))
            return
        self.message.setText(errors.message(exc))
