"""设置: server and account, language, sync options, backups, subsidy rates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.maintenance import CheckReport
from jsxclient.ui import errors, i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.operations import maintenance
from jsxclient.ui.operations import sync as ops
from jsxclient.ui.operations.sync import SyncView
from jsxclient.ui.security_dialogs import (
    AccountsDialog,
    AuditDialog,
    EscrowKeyDialog,
    PasswordDialog,
)
from jsxclient.ui.sync_controller import SyncController
from jsxclient.ui.widgets import ChildTable
from jsxcore.roles import refusal

if TYPE_CHECKING:
    from jsxclient.security.vault import Session


class SettingsPage(QScrollArea):
    language_changed = Signal(str)
    connect_requested = Signal()
    restore_requested = Signal(object)  # Path
    start_fresh_requested = Signal()  # set the demo data aside, run the first run again

    def __init__(
        self, ctx: AppContext, controller: SyncController, session: Session | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.setObjectName("page_settings")
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(12)
        title = QLabel(self.tr("设置"))
        title.setObjectName("pageHeading")
        lay.addWidget(title)

        if ctx.demo:
            box = QGroupBox(self.tr("演示数据"))
            dl = QHBoxLayout(box)
            note = QLabel(
                self.tr(
                    "本机现在是演示数据，不能连接服务器。开始正式使用时，演示数据移到"
                    "数据文件夹中的 demo-日期 文件夹（不会删除），程序回到首次使用的设置。"
                )
            )
            note.setWordWrap(True)
            dl.addWidget(note, 1)
            self.fresh_button = QPushButton(self.tr("开始正式使用…"))
            self.fresh_button.setObjectName("startFresh")
            self.fresh_button.clicked.connect(self._start_fresh)
            dl.addWidget(self.fresh_button)
            lay.addWidget(box)

        # Server and account
        box = QGroupBox(self.tr("服务器与账号"))
        bl = QHBoxLayout(box)
        self.account = QLabel()
        self.account.setWordWrap(True)
        bl.addWidget(self.account, 1)
        self.connect_button = QPushButton(self.tr("连接服务器…"))
        self.connect_button.clicked.connect(self.connect_requested)
        self.disconnect_button = QPushButton(self.tr("断开服务器"))
        self.disconnect_button.clicked.connect(self._disconnect)
        bl.addWidget(self.connect_button)
        bl.addWidget(self.disconnect_button)
        lay.addWidget(box)

        # Language and sync options
        box = QGroupBox(self.tr("使用习惯"))
        form = QFormLayout(box)
        self.language = QComboBox()
        self.language.setObjectName("languageCombo")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current())))
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_changed.emit(str(self.language.currentData()))
        )
        form.addRow(self.tr("界面语言 Language"), self.language)
        self.auto = QCheckBox(self.tr("服务器恢复连接时自动同步"))
        self.auto.setChecked(bool(ctx.settings.get("sync/auto")))
        self.auto.toggled.connect(lambda on: ctx.settings.set("sync/auto", bool(on)))
        form.addRow("", self.auto)
        rem = QHBoxLayout()
        self.reminder = QCheckBox(self.tr("下班前提醒同步，时间"))
        self.reminder.setChecked(bool(ctx.settings.get("sync/reminder")))
        self.reminder.toggled.connect(lambda on: ctx.settings.set("sync/reminder", bool(on)))
        self.reminder_time = QTimeEdit(
            QTime.fromString(str(ctx.settings.get("sync/reminder_time")), "HH:mm")
        )
        self.reminder_time.setDisplayFormat("HH:mm")
        self.reminder_time.timeChanged.connect(
            lambda t: ctx.settings.set("sync/reminder_time", t.toString("HH:mm"))
        )
        rem.addWidget(self.reminder)
        rem.addWidget(self.reminder_time)
        rem.addStretch(1)
        form.addRow("", rem)
        lay.addWidget(box)

        # Security
        box = QGroupBox(self.tr("安全"))
        sl = QFormLayout(box)
        self.idle = QSpinBox()
        self.idle.setObjectName("idleMinutes")
        self.idle.setRange(1, 120)
        self.idle.setSuffix(self.tr(" 分钟"))
        self.idle.setValue(int(ctx.settings.get("security/idle_minutes")))
        self.idle.valueChanged.connect(lambda v: ctx.settings.set("security/idle_minutes", int(v)))
        sl.addRow(self.tr("无操作自动锁定"), self.idle)
        srow = QHBoxLayout()
        self.password_button = QPushButton(self.tr("修改密码…"))
        self.password_button.setObjectName("changePassword")
        self.password_button.clicked.connect(self._password)
        self.accounts_button = QPushButton(self.tr("本机账号…"))
        self.accounts_button.setObjectName("accountsButton")
        self.accounts_button.clicked.connect(self._accounts)
        self.audit_button = QPushButton(self.tr("操作日志…"))
        self.audit_button.setObjectName("auditButton")
        self.audit_button.clicked.connect(self._audit)
        self.audit_button.setVisible(ctx.store.allowed("audit_view"))
        self.escrow_button = QPushButton(self.tr("密钥托管…"))
        self.escrow_button.setObjectName("escrowButton")
        self.escrow_button.clicked.connect(self._escrow)
        if not ctx.store.allowed("escrow_key"):
            self.escrow_button.setEnabled(False)
            r = refusal(ctx.store.role, "escrow_key")
            self.escrow_button.setToolTip(r.en if i18n.lang() == "en" else r.zh)
        else:
            self.escrow_button.setToolTip(
                self.tr("设置本乡镇的托管密钥：密码和恢复码都丢失时，由乡镇管理员取回数据密钥")
            )
        self.escrow_button.setVisible(not ctx.demo)
        for b in (self.password_button, self.accounts_button):
            b.setEnabled(session is not None)
        for b in (
            self.password_button,
            self.accounts_button,
            self.audit_button,
            self.escrow_button,
        ):
            srow.addWidget(b)
        srow.addStretch(1)
        sl.addRow("", srow)
        lay.addWidget(box)

        # Backups
        box = QGroupBox(self.tr("数据备份"))
        bl2 = QVBoxLayout(box)
        self.backup_info = QLabel()
        self.backup_info.setWordWrap(True)
        bl2.addWidget(self.backup_info)
        row = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("立即备份…"))
        self.backup_button.setObjectName("backupButton")
        self.backup_button.clicked.connect(self._backup)
        self.restore_button = QPushButton(self.tr("从备份恢复…"))
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.clicked.connect(self._restore)
        self.restore_button.setEnabled(ctx.store.allowed("restore"))
        self.backup_button.setEnabled(ctx.store.allowed("backup"))
        self.check_button = QPushButton(self.tr("检查数据"))
        self.check_button.clicked.connect(self._check)
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addWidget(self.check_button)
        self.bin_button = QPushButton(self.tr("回收站…"))
        self.bin_button.setObjectName("recycleBinButton")
        self.bin_button.setToolTip(self.tr("恢复 30 天内删除的记录"))
        self.bin_button.clicked.connect(self._recycle_bin)
        row.addWidget(self.bin_button)
        row.addStretch(1)
        bl2.addLayout(row)
        lay.addWidget(box)

        # Subsidy rates: configuration, never hard-coded
        box = QGroupBox(self.tr("关怀补贴标准"))
        rl = QVBoxLayout(box)
        self.rates = ChildTable(
            ctx,
            "subsidyrate",
            "subsidyrate",
            self.tr("各年度日补贴标准"),
            lambda: {"division_code": ctx.township},
        )
        self.rates.setMinimumHeight(160)
        rl.addWidget(self.rates)
        lay.addWidget(box)
        self.rates.show_all()

        about = QLabel(self.tr("数据文件：{path}").format(path=ctx.store.db.path))
        about.setObjectName("hintLabel")
        about.setWordWrap(True)
        lay.addWidget(about)
        lay.addStretch(1)
        controller.view_changed.connect(self._view)
        if controller.view is not None:
            self._view(controller.view)
        self._backup_text()

    def _start_fresh(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("confirmStartFresh")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("开始正式使用"))
        box.setText(self.tr("把演示数据移开，用空白数据重新开始吗？"))
        box.setInformativeText(
            self.tr("程序会关闭当前数据并回到首次使用的设置：连接服务器，或选择乡镇。")
        )
        go = box.addButton(self.tr("开始正式使用"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(
            lambda _r: self.start_fresh_requested.emit() if box.clickedButton() is go else None
        )
        box.open()

    def _recycle_bin(self) -> None:
        from jsxclient.ui.recycle_bin import open_bin

        open_bin(self.ctx, self)

    def _view(self, v: SyncView) -> None:
        if v.connected:
            self.account.setText(
                self.tr("已连接 {url}\n账号：{user}").format(
                    url=v.server_url, user=v.username or ""
                )
            )
            self.connect_button.setText(self.tr("重新登录…"))
        else:
            self.account.setText(self.tr("本机尚未连接省级服务器。"))
            self.connect_button.setText(self.tr("连接服务器…"))
        self.disconnect_button.setEnabled(v.connected)

    def _disconnect(self) -> None:
        store = self.ctx.store
        self.ctx.tasks.net(lambda job: ops.disconnect(store)).on_success(
            lambda _r: self.ctx.bus.emit_changed("account")
        ).on_failure(lambda exc: errors.show(exc, self, self.tr("退出登录"))).start()

    def _backup_text(self) -> None:
        last = str(self.ctx.settings.get("backup/last") or "")
        self.backup_info.setText(
            self.tr(
                "程序每天自动备份一次（加密，保留最近 14 份）。建议每周另外备份一次到U盘"
                "或其他电脑。上次手动备份：{last}"
            ).format(last=last or self.tr("无"))
        )

    def _backup(self) -> None:
        start = str(self.ctx.settings.get("backup/dir") or Path.home())
        name = f"jsxclient-{self.ctx.township}-{datetime.now():%Y%m%d-%H%M}.jsxbak"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("备份到"), str(Path(start) / name), self.tr("备份文件 (*.jsxbak)")
        )
        if path:
            self.backup_to(Path(path))

    def backup_to(self, dest: Path) -> None:
        store = self.ctx.store
        self.backup_button.setEnabled(False)

        def work(job: object) -> Path:
            store.require("backup")
            made = maintenance.backup(store, dest)
            store.audit("backup", made.name)
            return made

        self.ctx.tasks.db(work).with_progress(
            self.tr("正在备份"), self, cancellable=False
        ).on_success(self._backed_up).on_failure(self._backup_failed).start()

    def _backed_up(self, dest: Path) -> None:
        self.backup_button.setEnabled(True)
        self.ctx.settings.set("backup/dir", str(dest.parent))
        self.ctx.settings.set("backup/last", datetime.now().strftime("%Y-%m-%d %H:%M"))
        self._backup_text()
        self.window().statusBar().showMessage(  # type: ignore[attr-defined]
            self.tr("已备份到 {path}").format(path=dest), 10000
        )

    def _backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        errors.show(exc, self, self.tr("备份"))

    def _restore(self) -> None:
        start = str(self.ctx.settings.get("backup/dir") or Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择备份文件"), start, self.tr("备份文件 (*.jsxbak)")
        )
        if not path:
            return
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: maintenance.unsynced_count(store)).owned_by(self).on_success(
            lambda n: self._confirm_restore(Path(path), n)
        ).on_failure(lambda exc: errors.show(exc, self, self.tr("从备份恢复"))).start()

    def _confirm_restore(self, path: Path, unsynced: int) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("从备份恢复"))
        text = self.tr(
            "用备份替换本机现在的数据？现在的数据会另存一份，不会丢失。恢复后程序会重新打开数据。"
        )
        if unsynced:
            text += "\n\n" + self.tr(
                "本机有 {n} 条修改尚未同步：恢复后会保留在恢复的数据中，下次同步时上传。"
            ).format(n=unsynced)
        box.setText(text)
        yes = box.addButton(self.tr("恢复"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.finished.connect(
            lambda _r: self.restore_requested.emit(path) if box.clickedButton() is yes else None
        )
        box.open()

    def _password(self) -> None:
        if self.session is None:
            return
        dlg = PasswordDialog(self.ctx, self.session, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def _accounts(self) -> None:
        if self.session is None:
            return
        dlg = AccountsDialog(self.ctx, self.session, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def _escrow(self) -> None:
        dlg = EscrowKeyDialog(self.ctx, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def _audit(self) -> None:
        dlg = AuditDialog(self.ctx, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def _check(self) -> None:
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: maintenance.check(store)).with_progress(
            self.tr("正在检查数据"), self, cancellable=False
        ).on_success(self._checked).on_failure(
            lambda exc: errors.show(exc, self, self.tr("检查数据"))
        ).start()

    def _checked(self, rep: CheckReport) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("检查数据"))
        if rep.ok:
            box.setIcon(QMessageBox.Icon.Information)
            box.setText(self.tr("数据完好。"))
        else:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(
                (
                    self.tr("数据文件已损坏，请从备份恢复，或联系技术支持。") + "\n"
                    if rep.damaged
                    else ""
                )
                + self.tr("发现 {n} 个问题，请联系技术支持：").format(n=len(rep.problems))
                + "\n"
                + "\n".join(rep.problems[:10])
            )
        box.open()
