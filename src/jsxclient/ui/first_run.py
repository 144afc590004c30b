"""First run: connect to the provincial server (the township comes from the
account), or try the program with demo data of a chosen Hunan township.
Either way the new store is encrypted from its first byte: under the server
password just accepted, or under the local administrator's password chosen
here; the recovery code is shown once the main window is up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from jsxclient.security import vault
from jsxclient.store.queries.pickers import Place
from jsxclient.store.search import pinyin_key
from jsxclient.ui import errors, i18n
from jsxclient.ui.connect_dialog import ConnectForm
from jsxclient.ui.operations import setup
from jsxclient.ui.operations import sync as ops
from jsxclient.ui.operations.setup import StoreInfo
from jsxclient.ui.tasks import Task, TaskManager
from jsxcore.passwords import password_problem

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


class TownshipPicker(QWidget):
    """City → county → township, searchable by name, pinyin initials or code."""

    chosen = Signal(str)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("townshipSearch")
        self.search.setPlaceholderText(
            self.tr("输入乡镇（街道）名称、拼音首字母或代码，如 清水塘 / qst")
        )
        self.search.setClearButtonEnabled(True)
        lay.addWidget(self.search)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree = QTreeView()
        self.tree.setObjectName("townshipTree")
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.activated.connect(self._activated)
        lay.addWidget(self.tree, 1)
        self.status = QLabel(self.tr("正在读取行政区划…"))
        self.status.setObjectName("hintLabel")
        lay.addWidget(self.status)
        self.search.textChanged.connect(self._filter)
        self.places: list[Place] = []

        def load(job: Any) -> list[tuple[Place, str]]:
            return [(p, pinyin_key(p.name)) for p in setup.township_choices()]

        tasks.db(load).owned_by(self).on_success(self._fill).on_failure(
            lambda exc: errors.show(exc, self, self.tr("读取行政区划"))
        ).start()

    def _fill(self, rows: list[tuple[Place, str]]) -> None:
        cities: dict[str, QStandardItem] = {}
        counties: dict[str, QStandardItem] = {}
        for place, key in rows:
            city_name, _, county_name = place.path.partition(" / ")
            county_code = place.parent_code or ""
            city_code = county_code[:4]
            city = cities.get(city_code)
            if city is None:
                city = QStandardItem(city_name)
                city.setEditable(False)
                city.setSelectable(False)
                city.setData(f"{city_name} {pinyin_key(city_name)}", SEARCH_ROLE)
                self.model.appendRow(city)
                cities[city_code] = city
            county = counties.get(county_code)
            if county is None:
                county = QStandardItem(county_name)
                county.setEditable(False)
                county.setSelectable(False)
                county.setData(f"{county_name} {pinyin_key(county_name)}", SEARCH_ROLE)
                city.appendRow(county)
                counties[county_code] = county
            item = QStandardItem(place.name)
            item.setEditable(False)
            item.setData(place.code, CODE_ROLE)
            item.setData(f"{place.name} {key} {place.code}", SEARCH_ROLE)
            item.setToolTip(f"{place.path} / {place.name}  {place.code}")
            county.appendRow(item)
        self.places = [p for p, _ in rows]
        self.status.setText(self.tr("共 {n} 个乡镇（街道）").format(n=len(rows)))
        if self.search.text().strip():  # typed before the list was read
            self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()
            self._select_first()
            found = self._leaves(QModelIndex())
            self.status.setText(
                self.tr("找到 {n} 个乡镇（街道）").format(n=found)
                if found
                else self.tr("没有找到，请换个名称、拼音首字母或代码试试")
            )
        else:
            self.tree.collapseAll()
            self.status.setText(self.tr("共 {n} 个乡镇（街道）").format(n=len(self.places)))

    def _leaves(self, parent: QModelIndex) -> int:
        rows = self.proxy.rowCount(parent)
        if rows == 0:
            return 1 if parent.isValid() else 0
        return sum(self._leaves(self.proxy.index(r, 0, parent)) for r in range(rows))

    def _select_first(self) -> None:
        idx = self.proxy.index(0, 0)
        while idx.isValid() and self.proxy.hasChildren(idx):
            idx = self.proxy.index(0, 0, idx)
        if idx.isValid():
            self.tree.setCurrentIndex(idx)

    def code(self) -> str | None:
        idx = self.tree.currentIndex()
        code = idx.data(CODE_ROLE) if idx.isValid() else None
        return str(code) if code else None

    def select(self, code: str) -> bool:
        self.search.setText(code)
        return self.code() == code

    def _activated(self, idx: QModelIndex) -> None:
        code = idx.data(CODE_ROLE)
        if code:
            self.chosen.emit(str(code))


class FirstRunDialog(QDialog):
    """Returns with `info` set (the store is ready) or rejected (quit)."""

    language_changed = Signal(str)

    def __init__(self, tasks: TaskManager, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self.path = path
        self.session: vault.Session | None = None
        self.recovery_code: str | None = None
        self.info: StoreInfo | None = None
        self.task: Task[Any] | None = None
        self.setObjectName("firstRun")
        self.setWindowTitle(self.tr("欢迎使用计生协数据采集"))
        self.stack = QStackedWidget()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        lay.addWidget(self.stack)
        self.stack.addWidget(self._choose_page())
        self.stack.addWidget(self._connect_page())
        self.stack.addWidget(self._demo_page())
        self.stack.addWidget(self._work_page())
        self.resize(640, 520)
        self.poll = QTimer(self)
        self.poll.timeout.connect(self._poll)

    # -- pages ------------------------------------------------------------------

    def _heading(self, text: str) -> QLabel:
        h = QLabel(text)
        h.setObjectName("pageHeading")
        return h

    def _choose_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(self._heading(self.tr("欢迎使用计生协数据采集")))
        intro = QLabel(
            self.tr(
                "本程序用于乡镇（街道）计生协登记会员、特殊家庭及其走访和补贴、活动、志愿者、"
                "阵地与项目。数据保存在本机，没有网络也能使用，每天下班前与省级服务器同步。"
            )
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addSpacing(12)
        self.connect_choice = QPushButton(self.tr("连接省级服务器\n用县计生协分配的账号登录"))
        self.connect_choice.setObjectName("chooseConnect")
        self.demo_choice = QPushButton(self.tr("先试用\n选择一个乡镇，生成演示数据"))
        self.demo_choice.setObjectName("chooseDemo")
        for b in (self.connect_choice, self.demo_choice):
            b.setMinimumHeight(72)
            lay.addWidget(b)
        self.connect_choice.clicked.connect(lambda: self.stack.setCurrentIndex(1))
        self.demo_choice.clicked.connect(self._go_demo)
        lay.addStretch(1)
        lang = QHBoxLayout()
        lang.addStretch(1)
        self.language = QComboBox()
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current())))
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_changed.emit(str(self.language.currentData()))
        )
        lang.addWidget(QLabel("Language / 语言"))
        lang.addWidget(self.language)
        lay.addLayout(lang)
        return w

    def _connect_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(self._heading(self.tr("连接省级服务器")))
        self.connect_form = ConnectForm(self.tasks, self._connect_action, w)
        self.connect_form.connected.connect(self._connected)
        lay.addWidget(self.connect_form)
        lay.addStretch(1)
        row = QHBoxLayout()
        back = QPushButton(self.tr("返回"))
        back.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        go = QPushButton(self.tr("连接"))
        go.setObjectName("connectButton")
        go.setDefault(True)
        go.clicked.connect(self.connect_form.start)
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(go)
        lay.addLayout(row)
        return w

    def _demo_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(self._heading(self.tr("试用：选择乡镇（街道）")))
        self.picker: TownshipPicker | None = None
        self.picker_holder = QVBoxLayout()
        lay.addLayout(self.picker_holder, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("演示数据规模")))
        self.scale = QComboBox()
        self.scale.setObjectName("demoScale")
        self.scale.addItem(self.tr("小（约1000名会员）"), 0.2)
        self.scale.addItem(self.tr("典型乡镇（约5000名会员）"), 1.0)
        self.scale.addItem(self.tr("大型街道（约25000名会员）"), 5.0)
        self.scale.setCurrentIndex(1)
        row.addWidget(self.scale)
        row.addStretch(1)
        lay.addLayout(row)
        account = QFormLayout()
        self.admin_user = QLineEdit("admin")
        self.admin_user.setObjectName("adminUser")
        self.admin_password = QLineEdit()
        self.admin_password.setObjectName("adminPassword")
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_password2 = QLineEdit()
        self.admin_password2.setObjectName("adminPassword2")
        self.admin_password2.setEchoMode(QLineEdit.EchoMode.Password)
        account.addRow(self.tr("本机管理员账号"), self.admin_user)
        account.addRow(self.tr("密码"), self.admin_password)
        account.addRow(self.tr("再次输入"), self.admin_password2)
        lay.addLayout(account)
        note = QLabel(self.tr("演示数据中的姓名、身份证号和电话都是随机生成的，不是真实人员。"))
        note.setObjectName("hintLabel")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.demo_message = QLabel()
        self.demo_message.setObjectName("fieldError")
        lay.addWidget(self.demo_message)
        row = QHBoxLayout()
        back = QPushButton(self.tr("返回"))
        back.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        go = QPushButton(self.tr("生成演示数据"))
        go.setObjectName("generateButton")
        go.setDefault(True)
        go.clicked.connect(self.start_demo)
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(go)
        lay.addLayout(row)
        return w

    def _work_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addStretch(1)
        self.work_label = QLabel()
        self.work_label.setObjectName("pageHeading")
        self.work_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.work_label)
        self.bar = QProgressBar()
        self.bar.setObjectName("setupProgress")
        lay.addWidget(self.bar)
        self.work_note = QLabel()
        self.work_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.work_note.setWordWrap(True)
        lay.addWidget(self.work_note)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_work = QPushButton(self.tr("取消"))
        self.cancel_work.clicked.connect(self._cancel)
        row.addWidget(self.cancel_work)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return w

    # -- demo -------------------------------------------------------------------

    def _go_demo(self) -> None:
        if self.picker is None:
            self.picker = TownshipPicker(self.tasks)
            self.picker.chosen.connect(lambda _c: self.start_demo())
            self.picker_holder.addWidget(self.picker)
        self.stack.setCurrentIndex(2)
        self.picker.search.setFocus()

    def start_demo(self) -> None:
        code = self.picker.code() if self.picker else None
        if not code:
            self.demo_message.setText(self.tr("请先选择一个乡镇（街道）"))
            return
        user, pw = self.admin_user.text().strip(), self.admin_password.text()
        if not user:
            self.demo_message.setText(self.tr("请填写本机管理员账号"))
            return
        problem = password_problem(pw)
        if problem is not None:
            self.demo_message.setText(problem.en if i18n.lang() == "en" else problem.zh)
            return
        if pw != self.admin_password2.text():
            self.demo_message.setText(self.tr("两次输入的密码不一致"))
            return
        scale = float(self.scale.currentData())
        path = self.path
        self._working(self.tr("正在生成演示数据…"), cancellable=False)
        self.work_note.setText(self.tr("在本机生成，不需要网络。典型乡镇约需半分钟。"))

        def work(job: Any) -> tuple[vault.Session, str, StoreInfo | None]:
            session, recovery = setup.create_local(path, user, pw, code)
            setup.demo_data(session.store, code, scale, job)
            return session, recovery, setup.info(session.store)

        self.task = (
            self.tasks.db(work)
            .owned_by(self)
            .on_success(self._demo_ready)
            .on_failure(self._work_failed)
            .start()
        )

    def _demo_ready(self, result: tuple[vault.Session, str, StoreInfo | None]) -> None:
        self.session, self.recovery_code, info = result
        self._ready(info)

    # -- server -----------------------------------------------------------------

    def _connect_action(
        self, url: str, user: str, pw: str, ca: str | None
    ) -> tuple[vault.Session, str, Any]:
        """On the network worker: a new store, or (after a first sync that
        did not finish) the one made a moment ago."""
        done = self.session
        if done is not None and self.recovery_code is not None:
            return done, self.recovery_code, ops.connect(done.store, url, user, pw, ca)
        return setup.create_connected(self.path, url, user, pw, ca)

    def _connected(self, result: tuple[vault.Session, str, Any]) -> None:
        self.session, self.recovery_code, user = result
        self._working(self.tr("正在下载本乡镇的数据（首次同步）…"), cancellable=True)
        self.work_note.setText(user.division_name or user.division_code)
        store, lang = self.session.store, i18n.lang()

        def first_sync(job: Any) -> StoreInfo | None:
            ops.run(store, job, lang)
            return None

        self.task = (
            self.tasks.net(first_sync)
            .owned_by(self)
            .on_success(lambda _r: self._after_sync())
            .on_failure(self._work_failed)
            .start()
        )

    def _after_sync(self) -> None:
        assert self.session is not None
        store = self.session.store
        self.task = (
            self.tasks.db(lambda job: setup.after_connect(store))
            .owned_by(self)
            .on_success(self._ready)
            .on_failure(self._work_failed)
            .start()
        )

    # -- common -----------------------------------------------------------------

    def _working(self, text: str, cancellable: bool) -> None:
        self.work_label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_work.setVisible(cancellable)
        self.stack.setCurrentIndex(3)
        self.poll.start(100)

    def _poll(self) -> None:
        if self.task is None:
            return
        job = self.task.job
        if job.total > 0:
            self.bar.setRange(0, job.total)
            self.bar.setValue(min(job.done, job.total))
        if job.text:
            self.work_note.setText(job.text)

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.work_note.setText(self.tr("正在取消…"))

    def _ready(self, info: StoreInfo | None) -> None:
        self.poll.stop()
        if info is None:
            self._work_failed(RuntimeError("the store has no township after setup"))
            return
        self.info = info
        self.accept()

    def _work_failed(self, exc: BaseException) -> None:
        self.poll.stop()
        back = 1 if self.stack.currentIndex() == 3 and self.cancel_work.isVisible() else 2
        self.stack.setCurrentIndex(back)
        if back == 1:
            self.connect_form.message.setText(errors.message(exc))
        else:
            self.demo_message.setText(errors.message(exc))
        if errors.kind(exc) == "bug":
            errors.show(exc, self, self.tr("初始设置"))
