"""The one record form, built from a layout and the ENTITIES registry.

Keyboard first: fields in register order, Enter saves, Esc cancels (asking
first when something was typed), Ctrl+Shift+Enter saves and starts the next
record. Messages appear beside each field while typing; a save the store
refuses keeps everything on screen with the reasons beside the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
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

from jsxclient.store import queries
from jsxclient.store.queries import PersonMatch
from jsxclient.store.store import RecordNotFound
from jsxclient.ui import errors, i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.format import mask_id
from jsxclient.ui.forms import editors as ed
from jsxclient.ui.forms.layouts import LAYOUTS, F, FormLayout, field_label, title_text
from jsxclient.ui.operations import lists, records
from jsxclient.ui.operations.records import Loaded, Saved, SaveRefused, SaveRequest
from jsxcore.entities import ENTITIES, EntitySpec
from jsxcore.messages import DomainError, Issue
from jsxcore.validation import (
    parse_date,
    parse_id_number,
    special_family_eligibility,
    validate_record,
)

Key = tuple[str, str]  # (part, field)

# No default on a new form: the ID number or the worker says the sex.
_SKIP_DEFAULTS = {"id", "created_at", "updated_at", "deleted", "division_code", "sex"}


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
        self.row_id = row_id
        self.context = dict(context or {})
        self.context.setdefault("township", ctx.township)
        self.initial = dict(initial or {})
        self.person_id: str | None = None
        self.editors: dict[Key, Any] = {}
        self.messages: dict[Key, QLabel] = {}
        self.rows: dict[Key, QWidget] = {}
        self._touched: set[Key] = set()
        self._show_all = False
        self._loaded: Loaded | None = None
        self._original: dict[Key, Any] = {}
        self._saving = False
        self._continue = False
        self._issues: dict[Key, Issue] = {}
        self._store_issues: dict[Key, Issue] = {}
        self._warnings: list[Issue] = []
        self._eligibility: tuple[str | None, int | None] = (None, None)
        self._match: PersonMatch | None = None
        self._last_id_lookup = ""
        self.confirm_box: QMessageBox | None = None
        self.setObjectName(f"form_{entity}")
        self.setModal(True)
        self._build()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(120)
        self._validate_timer.timeout.connect(self.validate)
        if row_id:
            self._set_enabled(False)
            self.status.setText(self.tr("正在读取…"))
            self._load(row_id)
        else:
            self._set_defaults()
            self._capture()
        if entity == "specialfamily":
            self._load_eligibility()

    # -- building -------------------------------------------------------------

    def _title(self) -> str:
        noun = title_text(self.layout_def.title)
        return (self.tr("编辑") if self.row_id else self.tr("新增")) + noun

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

        body = QWidget()
        bodylay = QVBoxLayout(body)
        bodylay.setContentsMargins(0, 0, 0, 0)
        for section in self.layout_def.sections:
            bodylay.addWidget(self._section(section))

        self.warn_box = QFrame()
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
        self.reason.textChanged.connect(self._schedule)
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

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
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
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)
        QShortcut(QKeySequence("Ctrl+Shift+Return"), self).activated.connect(self.save_and_new)
        body.adjustSize()
        # Room for a line of message under a few fields, so that showing
        # them does not push the last rows out of sight.
        height = body.sizeHint().height() + self.heading.sizeHint().height() + 190
        self.resize(780, min(760, max(280, height)))

    def _section(self, section: Any) -> QGroupBox:
        box = QGroupBox(title_text(section.title))
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        cols = section.columns
        es = self.person_es if section.part == "person" else self.es
        row = col = 0
        for f in section.fields:
            key = (section.part, f.name)
            kind = editor_kind(es, f)
            editor = self._make_editor(es, f, kind, section.part)
            self.editors[key] = editor
            editor.setObjectName(f"{section.part}.{f.name}")
            editor.changed.connect(lambda k=key: self._edited(k))
            msg = QLabel()
            msg.setObjectName("fieldError")
            msg.setWordWrap(True)
            # A long message wraps under its field instead of widening the column.
            msg.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            msg.hide()
            self.messages[key] = msg
            cell = QWidget()
            cl = QVBoxLayout(cell)
            cl.setContentsMargins(0, 0, 0, 0)
            cl.setSpacing(1)
            cl.addWidget(editor)
            cl.addWidget(msg)
            cl.addStretch(1)
            self.rows[key] = cell
            if kind == "bool":
                editor.setText(field_label(f.label))
                label = QLabel("")
            else:
                required = f.name in es.rules.required or (
                    f.name == "division_code" and section.part == "person"
                )
                label = QLabel(field_label(f.label) + (" *" if required else ""))
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

    def _make_editor(self, es: EntitySpec, f: F, kind: str, part: str) -> Any:
        if kind == "code":
            optional = f.name not in es.rules.required and not self._has_default(es, f.name)
            return ed.CodeEditor(es.rules.codes[f.name], optional)
        if kind == "date":
            return ed.DateEditor()
        if kind == "bool":
            return ed.BoolEditor()
        if kind == "money":
            return ed.MoneyEditor()
        if kind == "int":
            return ed.IntEditor()
        if kind == "year":
            return ed.YearEditor()
        if kind == "idnum":
            e = ed.IdNumberEditor()
            e.changed.connect(lambda: self._id_number_changed(part))
            return e
        if kind == "mobile":
            return ed.MobileEditor()
        if kind == "multi":
            return ed.MultiTextEditor(_max_length(es, f.name))
        if kind == "village":
            optional = part == "main" and f.name not in es.rules.required and False
            return ed.VillageEditor(self.ctx.places, optional)
        if kind == "ref":
            assert f.ref is not None
            return ed.RefEditor(self.ctx, f.ref, self._scope(f))
        return ed.TextEditor(_max_length(es, f.name))

    def _has_default(self, es: EntitySpec, name: str) -> bool:
        d = es.model.model_fields[name].default
        return isinstance(d, str) and bool(d) and name not in _SKIP_DEFAULTS

    def _scope(self, f: F) -> Any:
        def scope() -> dict[str, str | None]:
            if f.scope == "family":
                return {"family_id": self.context.get("family_id")}
            if f.scope == "association":
                code = self.value(("person", "division_code")) or self.context.get("division_code")
                from jsxcore.divisions import association_id

                return {"association_id": association_id(code) if code else None}
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

    def part_values(self, part: str) -> dict[str, Any]:
        return {name: e.value() for (p, name), e in self.editors.items() if p == part}

    def has_person(self) -> bool:
        return any(p == "person" for p, _ in self.editors)

    def _set_defaults(self) -> None:
        for part, es in (("main", self.es), ("person", self.person_es)):
            defaults = es.defaults()
            for (p, name), e in self.editors.items():
                if p != part or name in _SKIP_DEFAULTS:
                    continue
                d = defaults.get(name)
                if d is not None and d != "" and not isinstance(e, ed.RefEditor):
                    e.set_value(d)
        today = self.ctx.today().isoformat()
        for name in ("joined_on", "visit_date", "held_on", "enrolled_on", "registered_on"):
            if ("main", name) in self.editors:
                self.set_value(("main", name), today)
        village = self.context.get("village") or self.context.get("division_code")
        for key in (("person", "division_code"), ("main", "division_code")):
            if key in self.editors and village:
                self.set_value(key, village)
        for name, v in self.initial.items():
            part = "person" if ("person", name) in self.editors else "main"
            self.set_value((part, name), v)
        if self.entity == "caresubsidy":
            self.set_value(("main", "kind"), self.initial.get("kind", "hospital_care"))

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
        store, entity, link = self.ctx.store, self.entity, self.layout_def.person_link
        self.ctx.tasks.db(lambda job: records.load(store, entity, row_id, link)).owned_by(
            self
        ).on_success(self._loaded_ok).on_failure(self._load_failed).start()

    def _loaded_ok(self, loaded: Loaded) -> None:
        self._loaded = loaded
        for (part, name), e in self.editors.items():
            src = loaded.person if part == "person" else loaded.values
            if src is not None:
                e.set_value(src.get(name))
        if loaded.person is not None:
            self.person_id = str(loaded.person["id"])
        self.reason.setText(str(loaded.values.get("override_reason") or ""))
        self._set_enabled(True)
        self.status.setText("")
        self._capture()
        self.validate()
        self.focus_first()

    def _load_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("无法读取这条记录"))
        if isinstance(exc, RecordNotFound):
            self.status.setText(self.tr("这条记录已被删除"))
            return
        errors.show(exc, self, self.tr("读取记录"))

    def _load_eligibility(self) -> None:
        store = self.ctx.store
        fid = self.row_id

        def work(job: Any) -> tuple[str | None, int | None]:
            conn = store.db.connection()
            head = None
            if fid:
                r = store.get("specialfamily", fid)
                head = r.get("head_person_id") if r else None
            return queries.family_eligibility_inputs(conn, fid, head)

        self.ctx.tasks.db(work).owned_by(self).on_success(self._eligibility_loaded).start()

    def _eligibility_loaded(self, inputs: tuple[str | None, int | None]) -> None:
        self._eligibility = inputs
        self.validate()

    def _set_enabled(self, on: bool) -> None:
        for e in self.editors.values():
            e.setEnabled(on)
        self.save_button.setEnabled(on)
        self.next_button.setEnabled(on)

    def focus_first(self) -> None:
        for e in self.editors.values():
            if e.isEnabled():
                e.focus_widget().setFocus()
                return

    # -- live validation ------------------------------------------------------

    def _edited(self, key: Key) -> None:
        self._touched.add(key)
        self._store_issues.pop(key, None)
        self._schedule()
        if self.entity == "caresubsidy":
            self._derive_subsidy(key)
        if key == ("main", "person_id") and self.entity in ("officer", "familycontact"):
            self._fill_from_person()

    def _fill_from_person(self) -> None:
        """Picking a person fills in the name and mobile the register repeats,
        never over what the worker has already typed."""
        pid = self.editors[("main", "person_id")].value()
        if not pid:
            return
        store = self.ctx.store
        self.ctx.tasks.db(lambda job: store.get("person", pid)).owned_by(self).on_success(
            self._person_loaded
        ).start()

    def _person_loaded(self, person: dict[str, Any] | None) -> None:
        if not person:
            return
        for name in ("name", "mobile"):
            editor = self.editors.get(("main", name))
            if editor is not None and not editor.value() and person.get(name):
                editor.set_value(person[name])

    def _schedule(self) -> None:
        self._validate_timer.start()

    def _record_values(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """What would be written, for validation (links not yet known are
        left out so they do not count as missing)."""
        main = dict(self._loaded.values) if self._loaded else {}
        main.update(self.context_values())
        main.update(self.part_values("main"))
        person = None
        if self.has_person():
            person = dict(self._loaded.person) if self._loaded and self._loaded.person else {}
            person.update(self.part_values("person"))
            person.setdefault("division_code", self.context.get("division_code"))
        if self.layout_def.derive is not None:
            main.update(
                {
                    k: v
                    for k, v in self.layout_def.derive(main, person, self.context).items()
                    if v is not None or k not in main
                }
            )
        if self.entity == "specialfamily":
            main["override_reason"] = self.reason.text().strip() or None
        return main, person

    def context_values(self) -> dict[str, Any]:
        return {k: self.context[k] for k in self.layout_def.context_fields if k in self.context}

    def _issues_now(self) -> tuple[dict[Key, Issue], list[Issue]]:
        main, person = self._record_values()
        found: dict[Key, Issue] = {}
        today = self.ctx.today()
        for part, es, values in (("main", self.es, main), ("person", self.person_es, person)):
            if values is None:
                continue
            for issue in validate_record(es.rules, values, today):
                key = self._key_for(part, issue.field)
                if key is not None and key not in found:
                    found[key] = issue
            if part == "person" and not values.get("division_code"):
                key = ("person", "division_code")
                if key in self.editors:
                    found.setdefault(
                        key,
                        Issue(
                            "division_code", "required", "此项为必填项", "This field is required"
                        ),
                    )
        if ("main", "division_code") in self.editors and not main.get("division_code"):
            found.setdefault(
                ("main", "division_code"),
                Issue("division_code", "required", "此项为必填项", "This field is required"),
            )
        for key, issue in self._store_issues.items():
            found.setdefault(key, issue)
        warnings = self._eligibility_warnings(main, person)
        return found, warnings

    def _key_for(self, part: str, name: str) -> Key | None:
        if (part, name) in self.editors:
            return (part, name)
        if part == "main" and name == "division_code" and ("person", name) in self.editors:
            return ("person", name)
        return None

    def _eligibility_warnings(
        self, main: dict[str, Any], person: dict[str, Any] | None
    ) -> list[Issue]:
        if (
            self.entity != "specialfamily"
            or main.get("status") == "exited"
            or not main.get("category")  # the required-field message says it
        ):
            return []
        mother, children = self._eligibility
        if person and person.get("sex") == "2" and person.get("birth_date"):
            mother = person.get("birth_date")
        return special_family_eligibility(
            str(main.get("category") or ""),
            mother,
            self.ctx.today(),
            children,
            False,
            main.get("disability_grade"),
        )

    def validate(self) -> bool:
        """Show the current messages; True when nothing blocks a save."""
        issues, warnings = self._issues_now()
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
        need_reason = bool(warnings) and not self.reason.text().strip()
        if need_reason and self._show_all:
            self.reason_message.setText(self.tr("请填写仍要登记的理由，或修改上面的内容"))
            self.reason_message.show()
        else:
            self.reason_message.hide()
        return not issues and not need_reason

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

    def _id_number_changed(self, part: str) -> None:
        key = (part, "id_number")
        raw = self.value(key)
        if not raw:
            self._hide_banner()
            return
        try:
            ident = parse_id_number(str(raw), self.ctx.today())
        except DomainError:
            self._hide_banner()
            return
        if (part, "birth_date") in self.editors:
            self.set_value((part, "birth_date"), ident.birth_date.isoformat())
        if (part, "sex") in self.editors:
            self.set_value((part, "sex"), ident.sex)
        if ident.number != raw and len(str(raw)) == 15:
            self.set_value(key, ident.number)
        if part != "person" and self.entity != "person":
            return
        if ident.number == self._last_id_lookup:
            return
        self._last_id_lookup = ident.number
        store = self.ctx.store
        exclude = self.person_id if self.entity != "person" else self.row_id
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
        elif self.entity in match.roles and self.layout_def.person_link == "person_id":
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
        if self.entity in match.roles and self.layout_def.person_link == "person_id":
            store, entity = self.ctx.store, self.entity
            self.ctx.tasks.db(
                lambda job: queries.row_of(store.db.connection(), entity, "person_id", match.id)
            ).owned_by(self).on_success(self._open_existing).start()
            return
        self.person_id = match.id
        for (part, name), e in self.editors.items():
            if part == "person" and name in match.values:
                e.set_value(match.values[name])
        self._loaded = Loaded(self._loaded.values if self._loaded else {}, dict(match.values))
        self.banner.hide()
        self.status.setText(self.tr("已使用已登记的人员，修改将更新其资料"))
        self.validate()

    def _open_existing(self, row_id: str | None) -> None:
        if not row_id:
            return
        self.row_id = row_id
        self.banner.hide()
        self.setWindowTitle(self._title())
        self.heading.setText(self._title())
        self.next_button.hide()
        self._set_enabled(False)
        self._load(row_id)

    # -- subsidy arithmetic ---------------------------------------------------

    def _derive_subsidy(self, key: Key) -> None:
        name = key[1]
        if name in ("admitted_on", "discharged_on"):
            try:
                a = parse_date(self.value(("main", "admitted_on")))
                d = parse_date(self.value(("main", "discharged_on")))
            except DomainError:
                return
            if a and d and d >= a:
                self.set_value(("main", "days"), (d - a).days or 1)
            if a and not self.value(("main", "rate_fen")):
                self._lookup_rate(a)
        if name in ("days", "rate_fen", "admitted_on", "discharged_on") and (
            ("main", "amount_fen") not in self._touched or name != "amount_fen"
        ):
            days = self.value(("main", "days")) or 0
            rate = self.value(("main", "rate_fen")) or 0
            if days and rate:
                self.set_value(("main", "amount_fen"), int(days) * int(rate))

    def _lookup_rate(self, admitted: date) -> None:
        store, kind = self.ctx.store, str(self.value(("main", "kind")) or "")
        self.ctx.tasks.db(
            lambda job: queries.subsidy_rate(store.db.connection(), kind, admitted.year)
        ).owned_by(self).on_success(self._rate_found).start()

    def _rate_found(self, rate: int | None) -> None:
        if rate and not self.value(("main", "rate_fen")):
            self.set_value(("main", "rate_fen"), rate)

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
        main, person = self._record_values()
        values = {k: v for k, v in main.items() if k in self.es.data_fields}
        if self._loaded is not None and self.row_id:
            keep = {name for (p, name) in self.editors if p == "main"}
            keep |= set(
                (
                    self.layout_def.derive(main, person, self.context)
                    if self.layout_def.derive
                    else {}
                ).keys()
            )
            keep |= {"override_reason"} if self.entity == "specialfamily" else set()
            values = {k: v for k, v in values.items() if k in keep}
        if self.layout_def.person_link:
            values.pop(self.layout_def.person_link, None)
        person_values = None
        if person is not None:
            person_values = {k: v for k, v in person.items() if k in self.person_es.data_fields}
            if self.person_id:
                names = {name for (p, name) in self.editors if p == "person"}
                person_values = {k: v for k, v in person_values.items() if k in names}
        follow_ups: list[tuple[str, dict[str, Any]]] = []
        if self.entity == "specialfamily" and not self.row_id:
            follow_ups.append(
                (
                    "familymember",
                    {
                        "family_id": "{main}",
                        "person_id": "{person}",
                        "relation": "02",
                        "division_code": values.get("division_code"),
                    },
                )
            )
        req = SaveRequest(
            entity=self.entity,
            row_id=self.row_id,
            values=values,
            link=self.layout_def.person_link,
            person_id=self.person_id,
            person_values=person_values,
            follow_ups=follow_ups,
        )
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

    def _saved(self, saved: Saved) -> None:
        self._saving = False
        changed = {self.entity}
        if self.has_person():
            changed.add("person")
        if self.entity == "specialfamily":
            changed.add("familymember")
        self.ctx.bus.emit_changed(*changed)
        self.saved.emit(saved)
        if self._continue:
            self._continue = False
            self._reset_for_next()
            return
        self._original = {}
        self.accept()

    def _reset_for_next(self) -> None:
        keep = {
            k: self.value(k)
            for k in (("person", "division_code"), ("main", "division_code"))
            if k in self.editors
        }
        self.row_id = None
        self.person_id = None
        self._loaded = None
        self._touched.clear()
        self._show_all = False
        self._store_issues.clear()
        for e in self.editors.values():
            e.set_value(None)
        self.reason.clear()
        self._set_defaults()
        for k, v in keep.items():
            self.set_value(k, v)
        self._set_enabled(True)
        self._hide_banner()
        self._capture()
        self.validate()
        self.status.setText(self.tr("已保存。请继续登记下一条。"))
        self.focus_first()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._continue = False
        self._set_enabled(True)
        if isinstance(exc, SaveRefused):
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
        box.addButton(self.tr("继续编辑"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)

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
