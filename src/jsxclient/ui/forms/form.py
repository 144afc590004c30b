"""The one record form, built from a layout and the ENTITIES registry.

Keyboard first: fields in register order, Enter saves, Esc cancels (asking
first when something was typed), Ctrl+Shift+Enter saves and starts the next
record. Messages appear beside each field while typing; a save the store
refuses keeps everything on screen with the reasons beside the fields.

The form is a view over a `jsxcore.draft.Draft`: it reads its editors into
the draft, shows what the draft derives and finds wrong, looks up what the
draft needs on the database worker, and sends the draft's save request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries import pickers
from jsxclient.store.queries.pickers import PersonMatch
from jsxclient.store.store import RecordNotFound
from jsxclient.ui import errors, i18n, reveal, shortcuts
from jsxclient.ui.context import AppContext
from jsxclient.ui.format import mask_id
from jsxclient.ui.forms import editors as ed
from jsxclient.ui.forms.layouts import LAYOUTS, F, FormLayout, field_label, title_text
from jsxclient.ui.operations import lists, records
from jsxclient.ui.operations.records import Loaded, Saved, SaveRefused
from jsxcore.draft import NO_DEFAULT, Draft, Key, Need, Part, Updates
from jsxcore.entities import ENTITIES, EntitySpec
from jsxcore.messages import Issue


def editor_kind(es: EntitySpec, f: F) -> str:
    if f.kind:
        return f.kind
    name, rules = f.name, es.rules
    if name in rules.codes:
        return "code"
    if name in es.date_fields:
        return "date"
    if name in es.bool_fields:
        return "bool"
    if name.endswith("_fen"):
        return "money"
    if name in rules.id_numbers:
        return "idnum"
    if name in rules.mobiles:
        return "mobile"
    info = es.model.model_fields[name]
    if info.annotation in (int, int | None):
        return "int"
    if _max_length(es, name) > 200:
        return "multi"
    return "text"


def _max_length(es: EntitySpec, name: str) -> int:
    for m in es.model.model_fields[name].metadata:
        n = getattr(m, "max_length", None)
        if isinstance(n, int):
            return n
    return 0


class RecordForm(QDialog):
    """Create or edit one record (and its person, for member-like records)."""

    saved = Signal(object)  # Saved

    def __init__(
        self,
        ctx: AppContext,
        entity: str,
        row_id: str | None = None,
        context: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.layout_def: FormLayout = LAYOUTS[entity]
        self.entity = entity
        self.es = ENTITIES[entity]
        self.person_es = ENTITIES["person"]
        self.context = dict(context or {})
        self.context.setdefault("township", ctx.township)
        self.initial = dict(initial or {})
        self.draft = self._new_draft(row_id)
        self.editors: dict[Key, Any] = {}
        self.messages: dict[Key, QLabel] = {}
        self.rows: dict[Key, QWidget] = {}
        self._touched: set[Key] = set()
        self._show_all = False
        self._original: dict[Key, Any] = {}
        self._saving = False
        self._continue = False
        self._showing = False  # putting the draft's values into editors
        self._asked: set[Need] = set()  # lookups on their way
        self._issues: dict[Key, Issue] = {}
        self._store_issues: dict[Key, Issue] = {}
        self._warnings: list[Issue] = []
        self._match: PersonMatch | None = None
        self._last_id_lookup = ""
        self.confirm_box: QMessageBox | None = None
        self._parent = ""  # the family the record belongs to, once looked up
        self.setObjectName(f"form_{entity}")
        self.setModal(True)
        self._build()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(120)
        self._validate_timer.timeout.connect(self.validate)
        # Shown, not saved, when the role may only read this record.
        self.read_only = not (
            ctx.store.allowed("create", entity) if row_id is None else ctx.store.may_edit(entity)
        )
        if self.read_only:
            self._set_enabled(True)
            self.save_button.setToolTip(self.tr("当前账号只能查看"))
        if row_id:
            self._set_enabled(False)
            self.status.setText(self.tr("正在读取…"))
            self._load(row_id)
        else:
            self._start()
        self._name_parent()

    def _name_parent(self) -> None:
        """A visit, subsidy, contact or family member names its family in
        the heading, so a worker with several open knows whose it is."""
        fid = self.context.get("family_id")
        if not fid or self.entity == "specialfamily":
            return
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: records.name_of(store, "specialfamily", str(fid))).owned_by(
            self
        ).on_success(self._parent_named).start()

    def _parent_named(self, named: records.Named | None) -> None:
        if named is None or not named.name:
            return
        self._parent = self.tr("（户主：{name}）").format(name=named.name)
        self.setWindowTitle(self._title())
        self.heading.setText(self._title())

    @property
    def row_id(self) -> str | None:
        return self.draft.row_id

    def _new_draft(self, row_id: str | None) -> Draft:
        return Draft(
            self.entity,
            row_id=row_id,
            context=self.context,
            today=self.ctx.today(),
            initial=self.initial,
        )

    # -- building -------------------------------------------------------------

    def _title(self) -> str:
        noun = title_text(self.layout_def.title)
        return (self.tr("编辑") if self.row_id else self.tr("新增")) + noun + self._parent

    def _build(self) -> None:
        self.setWindowTitle(self._title())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        self.heading = QLabel(self._title())
        self.heading.setObjectName("formHeading")
        outer.addWidget(self.heading)

        self.banner = QFrame()
        self.banner.setObjectName("duplicateBanner")
        bl = QHBoxLayout(self.banner)
        bl.setContentsMargins(10, 6, 10, 6)
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_use = QPushButton(self.tr("使用此人员"))
        self.banner_use.setObjectName("useExisting")
        self.banner_use.clicked.connect(self.use_match)
        self.banner_use.setAutoDefault(False)
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(self.banner_use)
        self.banner.hide()
        outer.addWidget(self.banner)

        # Built from the top down, each widget made inside its parent: a
        # finished subtree put into a new parent is re-polished against the
        # application's stylesheet at every level it moves up (half the
        # cost of opening a form, before).
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        bodylay = QVBoxLayout(body)
        bodylay.setContentsMargins(0, 0, 0, 0)
        for section in self.layout_def.sections:
            bodylay.addWidget(self._section(section, body))

        self.warn_box = QFrame(body)
        self.warn_box.setObjectName("warningBox")
        wl = QVBoxLayout(self.warn_box)
        wl.setContentsMargins(10, 8, 10, 8)
        self.warn_text = QLabel()
        self.warn_text.setObjectName("warningText")
        self.warn_text.setWordWrap(True)
        wl.addWidget(self.warn_text)
        rl = QHBoxLayout()
        self.reason_label = QLabel(self.tr("仍要登记的理由"))
        self.reason = QLineEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("如：经村委会核实，情况属实"))
        self.reason.textChanged.connect(self._reason_changed)
        rl.addWidget(self.reason_label)
        rl.addWidget(self.reason, 1)
        wl.addLayout(rl)
        self.reason_message = QLabel()
        self.reason_message.setObjectName("fieldError")
        self.reason_message.hide()
        wl.addWidget(self.reason_message)
        self.warn_box.hide()
        bodylay.addWidget(self.warn_box)
        bodylay.addStretch(1)
        outer.addWidget(scroll, 1)

        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("formStatus")
        bottom.addWidget(self.status, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("保存 (Enter)"))
        self.next_button = self.buttons.addButton(
            self.tr("保存并新增"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.next_button.setObjectName("saveNextButton")
        self.next_button.setToolTip(self.tr("保存后继续登记下一条 (Ctrl+Shift+Enter)"))
        self.next_button.setVisible(self.row_id is None)
        self.next_button.setAutoDefault(False)
        self.cancel_button = self.buttons.addButton(
            self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.next_button.clicked.connect(self.save_and_new)
        self.cancel_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)
        QShortcut(QKeySequence(shortcuts.keys("save")), self).activated.connect(self.save)
        # The table writes Enter; Qt also knows the keypad's as another key.
        for seq in (shortcuts.keys("save_next"), "Ctrl+Shift+Return"):
            QShortcut(QKeySequence(seq), self).activated.connect(self.save_and_new)
        body.adjustSize()
        # Room for a line of message under a few fields, so that showing
        # them does not push the last rows out of sight; not much more (an
        # empty band under the form looks like something failed to show).
        height = body.sizeHint().height() + self.heading.sizeHint().height() + 130
        self.resize(780, min(760, max(280, height)))

    def _section(self, section: Any, parent: QWidget) -> QGroupBox:
        box = QGroupBox(title_text(section.title), parent)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        cols = section.columns
        es = self.person_es if section.part == "person" else self.es
        row = col = 0
        for f in section.fields:
            key = (section.part, f.name)
            kind = editor_kind(es, f)
            cell = QWidget(box)
            editor = self._make_editor(es, f, kind, section.part, cell)
            self.editors[key] = editor
            editor.setObjectName(f"{section.part}.{f.name}")
            editor.changed.connect(lambda k=key: self._edited(k))
            msg = QLabel(cell)
            msg.setObjectName("fieldError")
            msg.setWordWrap(True)
            # A long message wraps under its field instead of widening the column.
            msg.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            msg.hide()
            self.messages[key] = msg
            cl = QVBoxLayout(cell)
            cl.setContentsMargins(0, 0, 0, 0)
            cl.setSpacing(1)
            cl.addWidget(editor)
            cl.addWidget(msg)
            cl.addStretch(1)
            self.rows[key] = cell
            if kind == "bool":
                editor.setText(field_label(f.label))
                label = QLabel("", box)
            else:
                required = f.name in es.rules.required or (
                    f.name == "division_code" and section.part == "person"
                )
                label = QLabel(field_label(f.label) + (" *" if required else ""), box)
                label.setBuddy(editor.focus_widget())
                if required:
                    label.setObjectName("requiredLabel")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setContentsMargins(0, 5, 0, 0)
            span = cols if f.wide else 1
            if f.wide and col:
                row, col = row + 1, 0
            if kind == "bool" and cols > 2:
                grid.addWidget(cell, row, col * 2, 1, 2)
            else:
                grid.addWidget(label, row, col * 2)
                grid.addWidget(cell, row, col * 2 + 1, 1, span * 2 - 1)
            col += span
            if col >= cols:
                row, col = row + 1, 0
        for c in range(cols):
            grid.setColumnStretch(c * 2 + 1, 1)
        return box

    def _make_editor(self, es: EntitySpec, f: F, kind: str, part: str, parent: QWidget) -> Any:
        if kind == "code":
            optional = f.name not in es.rules.required and not self._has_default(es, f.name)
            return ed.CodeEditor(es.rules.codes[f.name], optional, parent)
        if kind == "date":
            return ed.DateEditor(parent)
        if kind == "bool":
            return ed.BoolEditor(parent=parent)
        if kind == "money":
            return ed.MoneyEditor(parent)
        if kind == "int":
            return ed.IntEditor(parent=parent)
        if kind == "year":
            return ed.YearEditor(parent)
        if kind == "idnum":
            e = ed.IdNumberEditor(parent)
            reveal.connect(self, e, part, f.name)
            return e
        if kind == "mobile":
            m = ed.MobileEditor(parent)
            reveal.connect(self, m, part, f.name)
            return m
        if kind == "multi":
            return ed.MultiTextEditor(_max_length(es, f.name), parent)
        if kind == "village":
            optional = part == "main" and f.name not in es.rules.required and False
            return ed.VillageEditor(self.ctx.places, optional, parent)
        if kind == "ref":
            assert f.ref is not None
            return ed.RefEditor(self.ctx, f.ref, self._scope(f), parent)
        return ed.TextEditor(_max_length(es, f.name), parent)

    def _has_default(self, es: EntitySpec, name: str) -> bool:
        d = es.model.model_fields[name].default
        return isinstance(d, str) and bool(d) and name not in NO_DEFAULT

    def _scope(self, f: F) -> Any:
        def scope() -> dict[str, str | None]:
            if f.scope in ("family", "association"):
                name = f"{f.scope}_id"
                return {name: self.draft.values().get(name)}
            return {}

        return scope

    # -- values ---------------------------------------------------------------

    def value(self, key: Key) -> Any:
        e = self.editors.get(key)
        return None if e is None else e.value()

    def set_value(self, key: Key, value: Any) -> None:
        e = self.editors.get(key)
        if e is not None:
            e.set_value(value)

    def _show(self, updates: Updates) -> None:
        """Put values the draft holds into their editors; they reach the
        draft again as echoes, not as the worker's typing."""
        was, self._showing = self._showing, True
        try:
            for key, value in updates.items():
                self.set_value(key, value)
        finally:
            self._showing = was

    def _read_editors(self) -> None:
        """Give the draft what every editor holds (some, such as a picked
        record's label or a year, change without telling)."""
        for key, e in self.editors.items():
            self.draft.enter(key, e.value(), follow=False)

    def _start(self) -> None:
        self._show(self.draft.start())
        self._read_editors()
        self._capture()
        self._look_up()

    def _capture(self) -> None:
        self._original = {k: e.value() for k, e in self.editors.items()}
        self._original[("main", "override_reason")] = self.reason.text()

    def discard_changes(self) -> None:
        """Forget what was typed (the worker chose not to save it)."""
        self._capture()

    def dirty(self) -> bool:
        now = {k: e.value() for k, e in self.editors.items()}
        now[("main", "override_reason")] = self.reason.text()
        return now != self._original

    # -- loading --------------------------------------------------------------

    def _load(self, row_id: str) -> None:
        store, entity = self.ctx.store, self.entity
        self.ctx.tasks.db(lambda job: records.load(store, entity, row_id)).owned_by(
            self
        ).on_success(self._loaded_ok).on_failure(self._load_failed).start()

    def _loaded_ok(self, loaded: Loaded) -> None:
        self.draft.load(loaded.values, loaded.person)
        shown: Updates = {}
        for part, name in self.editors:
            src = loaded.person if part == "person" else loaded.values
            if src is not None:
                shown[(part, name)] = src.get(name)
        self._show(shown)
        self.reason.setText(str(loaded.values.get("override_reason") or ""))
        self._read_editors()
        self._set_enabled(True)
        self.status.setText("")
        self._capture()
        self.validate()
        self.focus_first()
        self._look_up()

    def _load_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("无法读取这条记录"))
        if isinstance(exc, RecordNotFound):
            self.status.setText(self.tr("这条记录已被删除"))
            return
        errors.show(exc, self, self.tr("读取记录"))

    def _look_up(self) -> None:
        """Ask the database worker for what the draft needs (a parent, a
        picked person, a subsidy rate, a family's eligibility inputs)."""
        needs = [n for n in self.draft.needs() if n not in self._asked]
        if not needs:
            return
        self._asked.update(needs)
        store, draft = self.ctx.store, self.draft
        self.ctx.tasks.db(lambda job: records.look_up(store, needs)).owned_by(self).on_success(
            lambda answers: self._learned(draft, answers)
        ).start()

    def _learned(self, draft: Draft, answers: dict[Need, Any]) -> None:
        if draft is not self.draft:
            return  # asked for a record the form has since left
        self._asked.difference_update(answers)
        self._show(draft.learn(answers))
        self._look_up()
        self.validate()

    def _set_enabled(self, on: bool) -> None:
        for e in self.editors.values():
            e.setEnabled(on)
        self.save_button.setEnabled(on and not getattr(self, "read_only", False))
        self.next_button.setEnabled(on and not getattr(self, "read_only", False))

    def focus_first(self) -> None:
        for e in self.editors.values():
            if e.isEnabled():
                e.focus_widget().setFocus()
                return

    # -- live validation ------------------------------------------------------

    def _edited(self, key: Key) -> None:
        self._store_issues.pop(key, None)
        self._schedule()
        value = self.editors[key].value()
        if self._showing:
            # A value the draft put there, not the worker's typing: no
            # "required" shouted at a field nobody has been to yet.
            self.draft.enter(key, value, follow=False)
            return
        self._touched.add(key)
        # What changes with it: birth date and sex from an ID number, a
        # subsidy's days and amount, a picked person's name and mobile.
        self._show(self.draft.enter(key, value))
        self._look_up()
        if key[1] == "id_number":
            self._id_number_changed(key[0])

    def _reason_changed(self, text: str) -> None:
        self.draft.override_reason = text
        self._schedule()

    def _schedule(self) -> None:
        self._validate_timer.start()

    def _issues_now(self) -> tuple[dict[Key, Issue], list[Issue], bool]:
        """The draft's errors placed beside the editors (the rest are the
        store's to refuse), its warnings, and whether a reason is missing."""
        self._read_editors()
        issues = self.draft.issues()
        found: dict[Key, Issue] = {}
        for (part, name), issue in issues.errors.items():
            key = self._key_for(part, name)
            if key is not None and key not in found:
                found[key] = issue
        for key, issue in self._store_issues.items():
            found.setdefault(key, issue)
        return found, issues.warnings, issues.need_reason

    def _key_for(self, part: Part, name: str) -> Key | None:
        if (part, name) in self.editors:
            return (part, name)
        if part == "main" and name == "division_code" and ("person", name) in self.editors:
            return ("person", name)
        return None

    def validate(self) -> bool:
        """Show the current messages; True when nothing blocks a save."""
        issues, warnings, need_reason = self._issues_now()
        self._issues = issues
        self._warnings = warnings
        lang = i18n.lang()
        field_warnings = {
            ("main", w.field): w for w in warnings if ("main", w.field) in self.editors
        }
        for key, label in self.messages.items():
            issue = issues.get(key)
            shown = issue if issue and (self._show_all or key in self._touched) else None
            if shown is None and key in field_warnings:
                shown = field_warnings[key]
            target = self.editors[key].focus_widget()
            was = bool(target.property("invalid"))
            if shown is None:
                label.hide()
                label.setText("")
                invalid = False
            else:
                label.setText(shown.text(lang))
                label.setObjectName("fieldError" if shown.is_error else "fieldWarning")
                label.show()
                invalid = shown.is_error
                self._repolish(label)
            if invalid != was:
                target.setProperty("invalid", invalid)
                self._repolish(target)
        if warnings:
            lines = [w.text(lang) for w in warnings]
            self.warn_text.setText(
                self.tr("不完全符合特殊家庭扶助条件：") + "\n" + "\n".join(f"• {t}" for t in lines)
            )
            self.warn_box.show()
        else:
            self.warn_box.hide()
        if need_reason and self._show_all:
            self.reason_message.setText(self.tr("请填写仍要登记的理由，或修改上面的内容"))
            self.reason_message.show()
        else:
            self.reason_message.hide()
        ok = not issues and not need_reason
        if ok and self.status.text() in self._problem_notes():
            self.status.setText("")  # fixed: the note about red fields goes too
        return ok

    def _problem_notes(self) -> tuple[str, ...]:
        return (self.tr("请按提示修改标红的内容"), self.tr("未保存：请按提示修改"))

    @staticmethod
    def _repolish(w: QWidget) -> None:
        st = w.style()
        st.unpolish(w)
        st.polish(w)

    def current_messages(self) -> dict[str, str]:
        """Visible messages by "part.field" (for tests and screenshots)."""
        return {
            f"{p}.{n}": lab.text()
            for (p, n), lab in self.messages.items()
            if lab.isVisibleTo(self) and lab.text()
        }

    # -- ID number: birth date, sex, and an existing person ------------------

    def _id_number_changed(self, part: Part) -> None:
        """Offer the person already registered with this ID number."""
        ident = self.draft.identity(part)
        if ident is None:
            self._hide_banner()
            return
        if part != "person" and self.entity != "person":
            return
        if ident.number == self._last_id_lookup:
            return
        self._last_id_lookup = ident.number
        store = self.ctx.store
        exclude = self.draft.person_id if self.entity != "person" else self.draft.row_id
        self.ctx.tasks.db(
            lambda job: lists.person_by_id_number(store, ident.number, exclude)
        ).latest(f"dup-{id(self)}").owned_by(self).on_success(self._show_match).start()

    def _show_match(self, match: PersonMatch | None) -> None:
        self._match = match
        if match is None:
            self._hide_banner()
            return
        v = match.values
        sex = {"1": self.tr("男"), "2": self.tr("女")}.get(str(v.get("sex")), "")
        roles = {
            "member": self.tr("会员"),
            "volunteer": self.tr("志愿者"),
            "familymember": self.tr("特殊家庭成员"),
            "specialfamily": self.tr("特殊家庭户主"),
        }
        role_text = "、".join(roles[r] for r in match.roles if r in roles)
        text = self.tr("已登记过身份证号 {id} 的人员：{name}，{sex}，{birth}，{village}").format(
            id=mask_id(str(v.get("id_number"))),
            name=v.get("name"),
            sex=sex,
            birth=v.get("birth_date") or "",
            village=match.village,
        )
        if role_text:
            text += self.tr("（现为{roles}）").format(roles=role_text)
        if self.entity == "person":
            text += "\n" + self.tr("同一身份证号不能登记两次。")
            self.banner_use.hide()
        elif self.entity in match.roles and self.draft.link == "person_id":
            text += "\n" + self.tr("此人已有这类记录，请打开已有记录，不要重复登记。")
            self.banner_use.setText(self.tr("打开已有记录"))
            self.banner_use.show()
        else:
            text += "\n" + self.tr("请使用已有人员，不要重复登记。")
            self.banner_use.setText(self.tr("使用此人员"))
            self.banner_use.show()
        self.banner_text.setText(text)
        self.banner.show()

    def _hide_banner(self) -> None:
        self._match = None
        self._last_id_lookup = ""
        self.banner.hide()

    def use_match(self) -> None:
        match = self._match
        if match is None:
            return
        if self.entity in match.roles and self.draft.link == "person_id":
            store, entity = self.ctx.store, self.entity
            self.ctx.tasks.db(
                lambda job: pickers.row_of(store.db.connection(), entity, "person_id", match.id)
            ).owned_by(self).on_success(self._open_existing).start()
            return
        self.draft.use_person(match.id, match.values)
        for (part, name), e in self.editors.items():
            if part == "person" and name in match.values:
                e.set_value(match.values[name])
        self.banner.hide()
        self.status.setText(self.tr("已使用已登记的人员，修改将更新其资料"))
        self.validate()

    def _open_existing(self, row_id: str | None) -> None:
        if not row_id:
            return
        self.draft = self._new_draft(row_id)
        self._asked.clear()
        self.banner.hide()
        self.setWindowTitle(self._title())
        self.heading.setText(self._title())
        self.next_button.hide()
        self._set_enabled(False)
        self._load(row_id)

    # -- saving ---------------------------------------------------------------

    def save_and_new(self) -> None:
        self._continue = True
        self.save()

    def save(self) -> None:
        if self._saving or not self.save_button.isEnabled():
            return
        self._show_all = True
        if not self.validate():
            self._continue = False
            self.status.setText(self.tr("请按提示修改标红的内容"))
            self._focus_problem()
            return
        req = self.draft.save_request()
        self._saving = True
        self._set_enabled(False)
        self.status.setText(self.tr("正在保存…"))
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: records.save(store, req)).owned_by(self).on_success(
            self._saved
        ).on_failure(self._save_failed).start()

    def _focus_problem(self) -> None:
        for key in self.editors:
            if key in self._issues:
                self.editors[key].focus_widget().setFocus()
                return
        if self._warnings and not self.reason.text().strip():
            self.reason.setFocus()

    def record_name(self) -> str:
        """The person, title or name the record is about, as typed."""
        for key in (("person", "name"), ("main", "name"), ("main", "title")):
            v = self.value(key)
            if v:
                return str(v)
        return ""

    def _saved(self, saved: Saved) -> None:
        self._saving = False
        noun = title_text(self.layout_def.title)
        self.ctx.remember(
            self.tr("保存{noun} {name}").format(noun=noun, name=self.record_name()).strip(),
            saved.undo,
        )
        self.ctx.bus.emit_changed(*sorted(self.draft.writes()))
        self.saved.emit(saved)
        if self._continue:
            self._continue = False
            self._reset_for_next()
            return
        self._original = {}
        self.accept()

    def _reset_for_next(self) -> None:
        keep: Updates = {
            k: self.value(k)
            for k in (("person", "division_code"), ("main", "division_code"))
            if k in self.editors
        }
        self.draft = self._new_draft(None)
        self._asked.clear()
        self._store_issues.clear()
        self._show(dict.fromkeys(self.editors))
        self.reason.clear()
        self._show(self.draft.start())
        self._show(keep)
        self._read_editors()
        # A fresh record: nothing typed yet, so nothing to shout about.
        self._touched.clear()
        self._show_all = False
        self._set_enabled(True)
        self._hide_banner()
        self._capture()
        self.validate()
        self.status.setText(self.tr("已保存。请继续登记下一条。"))
        self.focus_first()
        self._look_up()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._continue = False
        self._set_enabled(True)
        if isinstance(exc, SaveRefused):
            if any(i.code == "id_number.taken" for i in exc.issues):
                # Offer the person already registered (open or use it).
                self._last_id_lookup = ""
                self._id_number_changed(exc.part)
            for issue in exc.issues:
                key = self._key_for(exc.part, issue.field)
                if key is None and issue.field == "division_code":
                    key = self._key_for("main", issue.field)
                if key is not None:
                    self._store_issues[key] = issue
                else:
                    self.status.setText(issue.text(i18n.lang()))
            self._show_all = True
            self.validate()
            if not self.status.text() or self.status.text() == self.tr("正在保存…"):
                self.status.setText(self.tr("未保存：请按提示修改"))
            self._focus_problem()
            return
        self.status.setText(self.tr("未保存"))
        if isinstance(exc, RecordNotFound):
            self.status.setText(self.tr("未保存：这条记录或它关联的记录已被删除"))
            return
        errors.show(exc, self, self.tr("保存"))

    # -- leaving --------------------------------------------------------------

    def reject(self) -> None:
        if self._saving:
            return
        if self.dirty():
            self._ask_discard()
            return
        super().reject()

    def closeEvent(self, e: QCloseEvent) -> None:
        if self._saving or self.dirty():
            e.ignore()
            if not self._saving:
                self._ask_discard()
            return
        super().closeEvent(e)

    def _ask_discard(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("confirmDiscard")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("未保存的修改"))
        box.setText(self.tr("表单中有尚未保存的内容。要保存吗？"))
        save = box.addButton(self.tr("保存"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("不保存"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("继续编辑"), QMessageBox.ButtonRole.RejectRole)
        # Esc then Enter must not write a half-checked record: staying is safe.
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)

        def done() -> None:
            clicked = box.clickedButton()
            self.confirm_box = None
            if clicked is save:
                self.save()
            elif clicked is discard:
                self.discard_changes()
                QDialog.reject(self)

        box.finished.connect(done)
        self.confirm_box = box
        box.open()
