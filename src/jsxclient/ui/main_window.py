"""The main window: navigation on the left, one page at a time, and sync
in the status bar."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from jsxclient.ui import errors, i18n, shortcuts
from jsxclient.ui import format as fmt
from jsxclient.ui.connect_dialog import ConnectDialog
from jsxclient.ui.context import ALL, AppContext
from jsxclient.ui.operations import maintenance, records
from jsxclient.ui.operations.setup import open_store
from jsxclient.ui.operations.sync import SyncView
from jsxclient.ui.pages.dashboard import DashboardPage
from jsxclient.ui.sync_controller import SyncController
from jsxcore.roles import role_label

if TYPE_CHECKING:
    from jsxclient.security.vault import Session

if TYPE_CHECKING:
    from jsxclient.ui.operations.about import AboutInfo

PAGES: list[tuple[str, str]] = [
    ("dashboard", "工作台"),
    ("organisation", "组织"),
    ("members", "会员"),
    ("families", "特殊家庭"),
    ("activities", "活动"),
    ("volunteers", "志愿者"),
    ("sites", "阵地与项目"),
    ("statistics", "统计"),
    ("sync", "同步"),
    ("settings", "设置"),
]


def page_title(key: str) -> str:
    return {
        "dashboard": QCoreApplication.translate("MainWindow", "工作台"),
        "organisation": QCoreApplication.translate("MainWindow", "组织"),
        "members": QCoreApplication.translate("MainWindow", "会员"),
        "families": QCoreApplication.translate("MainWindow", "特殊家庭"),
        "activities": QCoreApplication.translate("MainWindow", "活动"),
        "volunteers": QCoreApplication.translate("MainWindow", "志愿者"),
        "sites": QCoreApplication.translate("MainWindow", "阵地与项目"),
        "statistics": QCoreApplication.translate("MainWindow", "统计"),
        "sync": QCoreApplication.translate("MainWindow", "同步"),
        "settings": QCoreApplication.translate("MainWindow", "设置"),
    }[key]


class SyncIndicator(QWidget):
    """Status bar: online or offline, changes waiting, the last sync, Sync."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("syncIndicator")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 4, 0)
        lay.setSpacing(8)
        self.dot = QLabel()
        self.state = QLabel()
        self.state.setObjectName("onlineState")
        self.pending = QLabel()
        self.pending.setObjectName("pendingState")
        self.last = QLabel()
        self.last.setObjectName("lastSync")
        self.update_notice = QLabel()
        self.update_notice.setObjectName("updateNotice")
        self.update_notice.hide()
        self.button = QPushButton(self.tr("同步 (F9)"))
        self.button.setObjectName("syncButton")
        self.button.clicked.connect(lambda: controller.sync_now())
        for w in (self.dot, self.state, self.pending, self.last, self.update_notice, self.button):
            lay.addWidget(w)
        controller.view_changed.connect(self._update)
        controller.online_changed.connect(lambda _o: self._update(controller.view))
        controller.running_changed.connect(lambda _r: self._update(controller.view))

    def _update(self, v: SyncView | None) -> None:
        online = self.controller.online
        running = self.controller.running
        if v is None or not v.connected:
            colour, text = "#8c8c8c", self.tr("未连接服务器")
            tip = self.tr("修改保存在本机。在“设置”中连接省级服务器后即可同步。")
        elif running:
            colour, text, tip = "#1677ff", self.tr("正在同步…"), ""
        elif online:
            colour, text, tip = "#3a9a5b", self.tr("在线"), v.server_url or ""
        elif online is False:
            colour, text = "#d48806", self.tr("离线")
            tip = self.tr("连不上服务器。修改已安全保存在本机，网络恢复后会自动同步。")
        else:
            colour, text, tip = "#8c8c8c", self.tr("正在检查网络…"), ""
        self.dot.setPixmap(fmt.dot(colour, 12).pixmap(12, 12))
        self.state.setText(text)
        self.state.setToolTip(tip)
        self.dot.setToolTip(tip)
        if v is not None:
            self.pending.setText(self.tr("待同步 {n} 条").format(n=f"{v.pending:,}"))
            extra = []
            if v.conflicts:
                extra.append(self.tr("冲突 {n} 个").format(n=v.conflicts))
            if v.rejected:
                extra.append(self.tr("被拒绝 {n} 条").format(n=v.rejected))
            if extra:
                details = self.tr("，").join(extra)
                self.pending.setText(
                    self.pending.text() + self.tr("（{details}）").format(details=details)
                )
            self.last.setText(
                self.tr("上次同步 {t}").format(t=(v.last_sync or "")[5:16] or self.tr("从未"))
            )
        if v is not None and v.update_version:
            self.update_notice.setText(self.tr("新版本 {v} 可用").format(v=v.update_version))
            self.update_notice.setToolTip(
                self.tr("下载地址：{url}").format(url=v.update_url)
                if v.update_url
                else self.tr("请向县级或省级管理员索取新版本安装程序")
            )
            self.update_notice.show()
        else:
            self.update_notice.hide()
        # Not connected, it says so and offers to connect (SyncController.offer_connect).
        self.button.setEnabled(not running)


class MainWindow(QMainWindow):
    language_switched = Signal(str)
    sign_out_requested = Signal()
    start_fresh_requested = Signal()  # demo data set aside, first run again
    lock_requested = Signal()
    closed = Signal()

    def __init__(
        self, ctx: AppContext, controller: SyncController, session: Session | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.controller = controller
        self.session = session
        self.closing_for_sign_out = False
        controller.window = self
        self.setObjectName("mainWindow")
        self.pages: dict[str, QWidget] = {}
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.nav)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.indicator = SyncIndicator(controller)
        self.who = QLabel()
        self.who.setObjectName("signedInUser")
        self.lock_button = QPushButton(self.tr("锁定"))
        self.lock_button.setObjectName("lockButton")
        self.lock_button.setToolTip(self.tr("锁定屏幕 (Ctrl+L)"))
        self.lock_button.clicked.connect(self.lock_requested)
        self.sign_out_button = QPushButton(self.tr("注销"))
        self.sign_out_button.setObjectName("signOutButton")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        for w in (self.who, self.lock_button, self.sign_out_button):
            w.setVisible(session is not None)
            self.statusBar().addPermanentWidget(w)
        self.statusBar().addPermanentWidget(self.indicator)
        self._who()
        # The page shown is remembered a moment after a switch, not during it
        # (writing the settings file took a page switch 40 ms on a busy disk).
        self._page_saver = QTimer(self)
        self._page_saver.setSingleShot(True)
        self._page_saver.setInterval(500)
        self._page_saver.timeout.connect(self._save_page)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self._bind_shortcuts()
        controller.reminder.connect(self._remind)
        controller.connect_wanted.connect(self.connect_server)
        controller.finished.connect(self._sync_finished)
        self._build_nav()
        self._build_menu()
        self._fit_screen()
        geo = ctx.settings.get("ui/geometry")
        if geo:
            self.restoreGeometry(geo)
        start = int(ctx.settings.get("ui/page"))
        self.nav.setCurrentRow(start if 0 <= start < len(PAGES) else 0)

    def _bind_shortcuts(self) -> None:
        """Window-wide keys from the one table; page actions go to the page
        on screen whatever has the focus (the sidebar after a click too)."""
        slots: dict[str, Callable[[], object]] = {
            "new": lambda: self.page_action("new_record"),
            "find": lambda: self.page_action("focus_search"),
            "refresh": lambda: self.page_action("refresh"),
            "undo": self.undo,
            "sync": lambda: self.controller.sync_now(),
            "lock": self.lock_requested.emit,
            "help": self.show_shortcuts,
        }
        for action, slot in slots.items():
            sc = QShortcut(QKeySequence(shortcuts.keys(action)), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)
        for i in range(len(PAGES)):
            sc = QShortcut(QKeySequence(f"Ctrl+{(i + 1) % 10}"), self)
            sc.activated.connect(lambda i=i: self._go(i))

    def _go(self, row: int) -> None:
        """A page chosen from the keyboard: typing goes on in its search box."""
        self.nav.setCurrentRow(row)
        self.page_action("focus_search")

    def current_target(self) -> QWidget | None:
        w = self.stack.currentWidget()
        inner = getattr(w, "shortcut_target", None)
        return inner() if callable(inner) else w

    def page_action(self, name: str) -> bool:
        """Run the page's `name` (new_record, focus_search, refresh) if it has one."""
        target = self.current_target()
        slot = getattr(target, name, None)
        if not callable(slot):
            return False
        slot()
        return True

    def show_shortcuts(self) -> None:
        dlg = shortcuts.ShortcutsDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def undo(self) -> None:
        """Take back the last save or delete (Ctrl+Z), as journaled writes
        that sync like any other."""
        last = self.ctx.last_write
        if last is None:
            self.statusBar().showMessage(self.tr("没有可以撤销的保存或删除"), 8000)
            return
        self.ctx.last_write = None
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: records.undo(store, last.steps)).owned_by(self).on_success(
            lambda _r: self._undone(last.text, {s.entity for s in last.steps})
        ).on_failure(lambda exc: errors.show(exc, self, self.tr("撤销"))).start()

    def _undone(self, text: str, entities: set[str]) -> None:
        self.ctx.bus.emit_changed(*entities)
        self.statusBar().showMessage(self.tr("已撤销：{what}").format(what=text), 10000)

    def show_recycle_bin(self) -> None:
        from jsxclient.ui.recycle_bin import open_bin

        open_bin(self.ctx, self)

    def _who(self) -> None:
        if self.session is not None:
            self.who.setText(
                self.tr("{name}（{role}）").format(
                    name=self.session.display_name,
                    role=role_label(self.ctx.store.role, i18n.lang()),
                )
            )

    def _fit_screen(self) -> None:
        """1280×780 where there is room; on the 1366×768 screens common on
        office PCs, the whole work area (a cut-off status bar hides sync)."""
        screen = QGuiApplication.primaryScreen()
        avail = screen.availableGeometry() if screen is not None else None
        if avail is None or (avail.width() >= 1300 and avail.height() >= 840):
            self.resize(1280, 780)
            return
        frame = 40  # title bar and borders the window manager adds
        self.resize(min(1280, avail.width()), max(480, avail.height() - frame))
        self.move(avail.topLeft())
        if avail.height() < 800:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _title(self) -> str:
        title = self.tr("计生协数据采集") + f" — {self.ctx.township_name}"
        if self.ctx.demo:
            title += self.tr("【演示数据，不能同步】")
        return title

    def _build_nav(self) -> None:
        self.setWindowTitle(self._title())
        fm = self.nav.fontMetrics()
        widest = max(fm.horizontalAdvance(page_title(k)) for k, _ in PAGES)
        self.nav.setFixedWidth(max(140, widest + 56))
        row = self.nav.currentRow()
        self.nav.blockSignals(True)
        self.nav.clear()
        for i, (key, _zh) in enumerate(PAGES):
            item = QListWidgetItem(page_title(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"Ctrl+{(i + 1) % 10}")
            item.setSizeHint(QSize(140, 40))
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        if row >= 0:
            self.nav.setCurrentRow(row)

    def _build_menu(self) -> None:
        bar = self.menuBar()
        bar.clear()
        edit_menu = bar.addMenu(self.tr("编辑(&E)"))
        self.undo_action = edit_menu.addAction(self.tr("撤销上一次保存或删除") + "\tCtrl+Z")
        self.undo_action.setObjectName("undoAction")
        self.undo_action.triggered.connect(self.undo)
        self.bin_action = edit_menu.addAction(self.tr("回收站(&R)…"))
        self.bin_action.setObjectName("recycleBinAction")
        self.bin_action.triggered.connect(self.show_recycle_bin)
        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        help_menu.setObjectName("helpMenu")
        self.shortcuts_action = help_menu.addAction(self.tr("快捷键(&K)") + "\tF1")
        self.shortcuts_action.setObjectName("shortcutsAction")
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = help_menu.addAction(self.tr("关于(&A)…"))
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.show_about)

    def show_about(self) -> None:
        """The About box: version, data file, versions the sync speaks, and a
        newer release the server announced (read on the database worker)."""
        from jsxclient.ui.operations.about import about

        store = self.ctx.store
        self.ctx.tasks.db(lambda job: about(store)).owned_by(self).on_success(
            self._about_box
        ).start()

    def _about_box(self, info: AboutInfo) -> None:
        e = html.escape
        # tr() outside f-strings: pyside6-lupdate does not look inside them.
        title = self.tr("计生协数据采集")
        version = self.tr("版本 {version}").format(version=info.version)
        purpose = self.tr("乡镇计生协数据采集：离线录入，联网同步。")
        owner = self.tr("© 湖南省计划生育协会")
        lines = [
            f"<h3>{e(title)}</h3>",
            f"<p><b>{e(version)}</b></p>",
            f"<p>{e(purpose)}</p>",
        ]
        if info.update_version:
            text = (
                self.tr("新版本 {version} 已发布，下载地址：").format(version=info.update_version)
                if info.update_url
                else self.tr("新版本 {version} 已发布，请向县级或省级管理员索取安装程序。").format(
                    version=info.update_version
                )
            )
            link = (
                f'<a href="{e(info.update_url)}">{e(info.update_url)}</a>'
                if info.update_url
                else ""
            )
            lines.append(f"<p><b>{e(text)}</b>{link}</p>")
        lines += [
            "<p>"
            + e(self.tr("数据文件：{path}").format(path=info.store_path))
            + "<br>"
            + e(
                self.tr("服务器：{url}").format(url=info.server_url)
                if info.server_url
                else self.tr("尚未连接服务器")
            )
            + "<br>"
            + e(
                self.tr("数据结构 {store} · 同步协议 {protocol} · 记录结构 {records}").format(
                    store=info.store_schema, protocol=info.protocol, records=info.record_schema
                )
            )
            + "</p>",
            f"<p>{e(owner)}</p>",
        ]
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle(self.tr("关于 计生协数据采集"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        box.setText("".join(lines))
        icon = self.windowIcon()
        if not icon.isNull():
            box.setIconPixmap(icon.pixmap(64, 64))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _factory(self, key: str) -> Callable[[], QWidget]:
        # Pages other than the dashboard are imported when first shown, so
        # start-up does not pay for them.
        ctx = self.ctx

        def records(name: str) -> Callable[[], QWidget]:
            def make() -> QWidget:
                from jsxclient.ui.pages import records as r

                page: QWidget = getattr(r, name)(ctx)
                return page

            return make

        def organisation() -> QWidget:
            from jsxclient.ui.pages.organisation import OrganisationPage

            return OrganisationPage(ctx)

        def statistics() -> QWidget:
            from jsxclient.ui.pages.statistics import StatisticsPage

            return StatisticsPage(ctx)

        factories: dict[str, Callable[[], QWidget]] = {
            "dashboard": self._dashboard,
            "organisation": organisation,
            "members": records("members_page"),
            "families": records("families_page"),
            "activities": records("activities_page"),
            "volunteers": records("volunteers_page"),
            "sites": records("SitesProjectsPage"),
            "statistics": statistics,
            "sync": self._sync_page,
            "settings": self._settings_page,
        }
        return factories[key]

    def _dashboard(self) -> QWidget:
        page = DashboardPage(self.ctx)
        page.open_family.connect(self.open_family)
        page.go.connect(self.show_page)
        return page

    def _sync_page(self) -> QWidget:
        from jsxclient.ui.pages.sync_page import SyncPage

        page = SyncPage(self.ctx, self.controller)
        page.connect_requested.connect(self.connect_server)
        return page

    def _settings_page(self) -> QWidget:
        from jsxclient.ui.pages.settings_page import SettingsPage

        page = SettingsPage(self.ctx, self.controller, self.session)
        page.language_changed.connect(self.switch_language)
        page.connect_requested.connect(self.connect_server)
        page.restore_requested.connect(self.restore)
        page.start_fresh_requested.connect(self.start_fresh_requested)
        return page

    def page(self, key: str) -> QWidget:
        if key not in self.pages:
            w = self._factory(key)()
            self.pages[key] = w
            self.stack.addWidget(w)
        return self.pages[key]

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = PAGES[row][0]
        w = self.page(key)
        self.stack.setCurrentWidget(w)
        self._page_saver.start()

    def _save_page(self) -> None:
        self._page_saver.stop()
        row = self.nav.currentRow()
        if row >= 0:
            self.ctx.settings.set("ui/page", row)

    def show_page(self, key: str) -> QWidget:
        self.nav.setCurrentRow([k for k, _ in PAGES].index(key))
        return self.pages[key]

    def open_family(self, family_id: str) -> None:
        from jsxclient.ui.pages.list_page import ListPage

        page = self.show_page("families")
        if isinstance(page, ListPage):
            page.show_record(family_id)

    # -- language ---------------------------------------------------------------

    def switch_language(self, language: str) -> None:
        if language == i18n.current():
            return
        self.ctx.settings.set("ui/language", language)
        i18n.install(language)
        current = self.nav.currentRow()
        for w in self.pages.values():
            self.stack.removeWidget(w)
            w.deleteLater()
        self.pages.clear()
        self._build_nav()
        self._build_menu()
        self.indicator.button.setText(self.indicator.tr("同步 (F9)"))
        self.indicator._update(self.controller.view)
        self.nav.setCurrentRow(-1)
        self.nav.setCurrentRow(current)
        self.language_switched.emit(language)

    # -- sync -------------------------------------------------------------------

    def connect_server(self) -> None:
        dlg = ConnectDialog(self.ctx, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.ctx.bus.emit_changed("account"))
        dlg.open()

    def _sync_finished(self, result: object) -> None:
        outcome = getattr(result, "outcome", None)
        if outcome == "ok":
            self.statusBar().showMessage(
                self.tr("同步完成：上传 {s} 条，下载 {r} 条").format(
                    s=getattr(result, "sent", 0), r=getattr(result, "received", 0)
                ),
                10000,
            )
        elif outcome == "rejected":
            self.statusBar().showMessage(
                self.tr("同步完成，但有修改被服务器拒绝，请到“同步”页处理"), 15000
            )
        elif outcome == "cancelled":
            self.statusBar().showMessage(self.tr("同步已取消，已完成的部分已保存"), 10000)
        if getattr(result, "conflicts", 0):
            self.statusBar().showMessage(
                self.tr("同步发现 {n} 处冲突，请到“同步”页查看").format(n=result.conflicts),  # type: ignore[attr-defined]
                15000,
            )

    def _remind(self, pending: int) -> None:
        box = QMessageBox(self)
        box.setObjectName("syncReminder")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("下班前同步"))
        box.setText(self.tr("今天还有 {n} 条修改没有同步到服务器。现在同步吗？").format(n=pending))
        now = box.addButton(self.tr("立即同步"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("稍后"), QMessageBox.ButtonRole.RejectRole)
        box.finished.connect(
            lambda _r: self.controller.sync_now() if box.clickedButton() is now else None
        )
        box.open()

    # -- restore ----------------------------------------------------------------

    def restore(self, backup: Path) -> None:
        """Close every connection, swap the file, reopen the store."""
        ctx = self.ctx
        old = ctx.store
        path, key, user, role = old.db.path, old.db.key, old.user, old.role
        self.controller.probe_timer.stop()

        def reopen(job: object) -> object:
            old.require("restore")
            old.audit("restore", backup.name)
            maintenance.close_connection(old)
            kept = maintenance.restore(path, backup, key)
            ctx.store = open_store(path, key, user, role)
            if self.session is not None:
                self.session.store = ctx.store
            return kept

        def closed_net(_r: object) -> None:
            ctx.tasks.db(reopen).with_progress(
                self.tr("正在恢复"), self, cancellable=False
            ).on_success(self._restored).on_failure(self._restore_failed).start()

        ctx.tasks.net(lambda job: maintenance.close_connection(old)).on_success(
            closed_net
        ).on_failure(self._restore_failed).start()

    def _restored(self, done: object) -> None:
        assert isinstance(done, maintenance.Restored)
        self.controller.probe_timer.start()
        self.ctx.bus.emit_changed(ALL)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("已恢复"))
        text = self.tr("已从备份恢复。原来的数据另存在：\n{kept}").format(kept=done.kept)
        if done.replayed:
            text += "\n\n" + self.tr(
                "备份之后未同步的 {n} 条修改已保留，下次同步时上传（其中 {c} 处需要核对）。"
            ).format(n=done.replayed, c=done.conflicts)
        if done.dropped_count:
            text += "\n\n" + self.tr(
                "备份属于其他乡镇，原来未同步的 {n} 条修改只保存在上面的副本中。"
            ).format(n=done.dropped_count)
        box.setText(text)
        box.open()

    def _restore_failed(self, exc: BaseException) -> None:
        self.controller.probe_timer.start()
        errors.show(exc, self, self.tr("从备份恢复"))

    def closeEvent(self, e: QCloseEvent) -> None:
        if self._page_saver.isActive():
            self._save_page()
        self.ctx.settings.set("ui/geometry", bytes(self.saveGeometry().data()))
        super().closeEvent(e)
        self.closed.emit()
