"""One editor widget per kind of field. Every editor has `changed` (a
signal), `value()` in wire form (None when empty) and `set_value()`.

Editors never read the database themselves: the pickers that need records
ask through the task helper.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QIntValidator,
    QKeyEvent,
    QRegularExpressionValidator,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QWidget,
    QWidgetAction,
)
from shiboken6 import Shiboken

from jsxclient.store.queries.pickers import Choice, Place
from jsxclient.store.search import pinyin_key
from jsxclient.ui import i18n
from jsxclient.ui.context import AppContext
from jsxclient.ui.operations import lists
from jsxcore import codes
from jsxcore.masking import mask

SEARCH_ROLE = Qt.ItemDataRole.UserRole + 10
CODE_ROLE = Qt.ItemDataRole.UserRole + 11


class Editor(QWidget):
    """Base of the editors that wrap another widget."""

    changed = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self


class TextEditor(QLineEdit):
    changed = Signal()

    def __init__(self, max_length: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if max_length:
            self.setMaxLength(max_length)
        self.textChanged.connect(self.changed)

    def value(self) -> Any:
        t = self.text().strip()
        return t or None

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))

    def focus_widget(self) -> QWidget:
        return self


class SensitiveEditor(TextEditor):
    """An ID number or mobile: a stored value shows masked and read-only
    until `reveal()` (which the form calls once a reason is given and
    audited); a new value is typed in the clear. `value()` is always the
    real value, so a masked field saves unchanged."""

    reveal_requested = Signal()
    mask_kind = "idnum"

    def __init__(self, max_length: int, parent: QWidget | None = None) -> None:
        super().__init__(max_length, parent)
        self._real: str | None = None
        self.masked = False
        # translate() with this class's name: self.tr() would look under the subclass.
        self.reveal_action = QAction(QCoreApplication.translate("SensitiveEditor", "显示"), self)
        self.reveal_action.setObjectName("revealAction")
        self.reveal_action.setToolTip(
            QCoreApplication.translate(
                "SensitiveEditor", "查看完整号码（需说明理由，记入操作日志）"
            )
        )
        self.reveal_action.triggered.connect(self.reveal_requested)
        self.addAction(self.reveal_action, QLineEdit.ActionPosition.TrailingPosition)
        self.reveal_action.setVisible(False)

    def set_value(self, value: Any) -> None:
        if value:
            self._real = str(value)
            self.masked = True
            self.setReadOnly(True)
            self.setText(mask(self.mask_kind, self._real))
            self.reveal_action.setVisible(True)
        else:
            self._real, self.masked = None, False
            self.setReadOnly(False)
            self.reveal_action.setVisible(False)
            super().set_value(value)

    def reveal(self) -> None:
        if self.masked:
            self.masked = False
            self.setReadOnly(False)
            self.setText(self._real or "")
            self.reveal_action.setVisible(False)

    def _typed(self) -> str:
        return self.text()

    def value(self) -> Any:
        if self.masked:
            return self._real
        return self._typed() or None


class IdNumberEditor(SensitiveEditor):
    """Upper-cases the check character and ignores spaces as typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(18, parent)
        self.setPlaceholderText(self.tr("18位，末位可为X"))
        self.setValidator(QRegularExpressionValidator(r"[0-9xX ]{0,20}", self))
        self.setMaxLength(20)

    def _typed(self) -> str:
        return self.text().replace(" ", "").upper()


class MobileEditor(SensitiveEditor):
    mask_kind = "mobile"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(20, parent)
        self.setValidator(QRegularExpressionValidator(r"[0-9 ]{0,20}", self))
        self.setPlaceholderText(self.tr("11位手机号码"))

    def _typed(self) -> str:
        return self.text().replace(" ", "")


class MultiTextEditor(QPlainTextEdit):
    changed = Signal()

    def __init__(self, max_length: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(56)
        self.max_length = max_length
        self.textChanged.connect(self.changed)

    # Enter starts a new line here, as in any multi-line box: a worker
    # typing needs in several lines must not save half a visit. Ctrl+S
    # saves from anywhere in the form; Tab moves on.

    def value(self) -> Any:
        t = self.toPlainText().strip()
        return t or None

    def set_value(self, value: Any) -> None:
        self.setPlainText("" if value is None else str(value))

    def focus_widget(self) -> QWidget:
        return self


_DATE_SEP = re.compile(r"[./年月\-\s]+")


def normalize_date(text: str) -> str:
    """'2024529' stays wrong, '2024.5.29', '2024/5/29', '2024年5月29日', '20240529'
    become '2024-05-29'; anything else comes back unchanged (the rules say why)."""
    t = text.strip().replace("日", "").replace("/", "-")
    if re.fullmatch(r"\d{8}", t):
        t = f"{t[:4]}-{t[4:6]}-{t[6:]}"
    parts = [p for p in _DATE_SEP.split(t) if p]
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
        except ValueError:
            return text.strip()
    return text.strip()


class DateEditor(Editor):
    """Typed dates (keyboard first) with a calendar button for the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("年-月-日"))
        self.edit.setMaxLength(12)
        self.edit.textChanged.connect(self.changed)
        self.edit.editingFinished.connect(self._normalize)
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setToolTip(self.tr("选择日期"))
        self.button.clicked.connect(self._popup)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def _normalize(self) -> None:
        t = normalize_date(self.edit.text())
        if t != self.edit.text():
            self.edit.setText(t)

    def _popup(self) -> None:
        menu = QMenu(self)
        cal = QCalendarWidget()
        cal.setGridVisible(True)
        v = self.value()
        if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            cal.setSelectedDate(QDate.fromString(v, "yyyy-MM-dd"))
        act = QWidgetAction(menu)
        act.setDefaultWidget(cal)
        menu.addAction(act)

        def chosen(d: QDate) -> None:
            self.edit.setText(d.toString("yyyy-MM-dd"))
            menu.close()

        cal.activated.connect(chosen)
        cal.clicked.connect(chosen)
        menu.popup(self.button.mapToGlobal(self.button.rect().bottomLeft()))

    def value(self) -> Any:
        t = normalize_date(self.edit.text())
        return t or None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value)[:10])

    def focus_widget(self) -> QWidget:
        return self.edit


class _PinyinCompleter(QCompleter):
    """Matches on a hidden "name pinyin initials" text; inserts the name."""

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")

    def splitPath(self, path: str) -> list[str]:
        return [path.lower()]


_completer_models: dict[tuple[str, ...], QStandardItemModel] = {}


def _completer_model(labels: list[str]) -> QStandardItemModel:
    """The completion list of these labels, made once and shared by every
    editor that offers them (read only; it lives as long as the application:
    a form opens without working out pinyin for a code table again)."""
    key = tuple(labels)
    model = _completer_models.get(key)
    if model is None or not Shiboken.isValid(model):  # a new QApplication (tests)
        model = QStandardItemModel(QCoreApplication.instance())
        for text in labels:
            it = QStandardItem(text)
            it.setData(f"{text.lower()} {pinyin_key(text)}", SEARCH_ROLE)
            model.appendRow(it)
        _completer_models[key] = model
    return model


#: Keys typed within this many seconds make one type-ahead search.
TYPE_AHEAD_SECONDS = 1.0


class CodeEditor(QComboBox):
    """A code table as a list; long tables are typed into with completion
    on labels and their pinyin initials ("tj" finds 土家族)."""

    changed = Signal()

    def __init__(self, table: str, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.optional = optional
        # Long labels (some GB/T 4762 and 4658 names) must not widen the form.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self._typed = ""
        self._typed_at = 0.0
        self._fill()
        if not optional:
            self.setCurrentIndex(-1)
        self.currentIndexChanged.connect(self.changed)

    def _fill(self) -> None:
        items = codes.choices(self.table, i18n.lang())
        if self.optional:
            self.addItem("", None)
        for code, label in items:
            self.addItem(label, code)
        if len(items) > 12:
            self.setEditable(True)
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            comp = _PinyinCompleter(self)
            comp.setModel(_completer_model([lab for _, lab in items]))
            comp.setCompletionRole(SEARCH_ROLE)
            comp.setFilterMode(Qt.MatchFlag.MatchContains)
            comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            comp.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            comp.activated[str].connect(self._pick_text)  # type: ignore[index]
            self.setCompleter(comp)
            line = self.lineEdit()
            assert line is not None
            line.editingFinished.connect(self._commit_text)
            self.currentIndexChanged.connect(self._show_start)

    def _show_start(self) -> None:
        """A long label shows its start, not its end ("eneral public (no
        affiliation)"), unless the worker is typing in the box."""
        line = self.lineEdit()
        if line is not None and not line.hasFocus():
            line.setCursorPosition(0)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        # A short list (not typed into) finds its item by typed pinyin
        # initials or label text, as the long lists' completion does:
        # "n" picks 女, "ns" 农业户口 ... (Qt's own type-ahead knows no pinyin).
        text = e.text()
        if not self.isEditable() and text and (text.isalnum() or ord(text[0]) > 127):
            now = time.monotonic()
            if now - self._typed_at > TYPE_AHEAD_SECONDS:
                self._typed = ""
            self._typed_at = now
            self._typed += text.lower()
            i = self._match(self._typed)
            if i < 0 and len(self._typed) > 1:  # a fresh start with this key
                self._typed = text.lower()
                i = self._match(self._typed)
            if i >= 0:
                self.setCurrentIndex(i)
            return
        super().keyPressEvent(e)

    def _match(self, typed: str) -> int:
        for i in range(self.count()):
            label = self.itemText(i)
            if not label:
                continue
            full, initials = [*pinyin_key(label).split(), "", ""][:2]
            if (
                label.lower().startswith(typed)
                or initials.startswith(typed)
                or (len(typed) > 1 and full.startswith(typed))
            ):
                return i
        return -1

    def _pick_text(self, text: str) -> None:
        i = self.findText(text)
        if i >= 0:
            self.setCurrentIndex(i)

    def _commit_text(self) -> None:
        line = self.lineEdit()
        if line is None:
            return
        text = line.text().strip()
        i = self.findText(text)
        if i >= 0:
            self.setCurrentIndex(i)
        elif not text and self.optional:
            self.setCurrentIndex(0)
        else:
            # Not a label: show the chosen one again rather than keep junk.
            line.setText(self.currentText())

    def value(self) -> Any:
        data = self.currentData()
        return None if data is None else str(data)

    def set_value(self, value: Any) -> None:
        if value is None or value == "":
            self.setCurrentIndex(0 if self.optional else -1)
            return
        i = self.findData(str(value))
        if i < 0:  # a code this client does not know yet: keep it, show it
            self.addItem(str(value), str(value))
            i = self.count() - 1
        self.setCurrentIndex(i)

    def focus_widget(self) -> QWidget:
        return self


class BoolEditor(QCheckBox):
    changed = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.toggled.connect(self.changed)

    def value(self) -> Any:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))

    def focus_widget(self) -> QWidget:
        return self


class MoneyEditor(QLineEdit):
    """Yuan with up to 2 decimals on screen, integer fen in the record."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(r"\d{0,9}(\.\d{0,2})?", self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setPlaceholderText("0.00")
        self.textChanged.connect(self.changed)

    def value(self) -> Any:
        t = self.text().strip()
        if not t:
            return 0
        yuan, _, cents = t.partition(".")
        return int(yuan or 0) * 100 + int((cents + "00")[:2])

    def set_value(self, value: Any) -> None:
        fen = int(value or 0)
        self.setText("" if not fen else f"{fen // 100}.{fen % 100:02d}")

    def focus_widget(self) -> QWidget:
        return self


class IntEditor(QLineEdit):
    changed = Signal()

    def __init__(self, low: int = 0, high: int = 10_000_000, parent: QWidget | None = None):
        super().__init__(parent)
        self.setValidator(QIntValidator(low, high, self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.textChanged.connect(self.changed)

    def value(self) -> Any:
        t = self.text().strip()
        return int(t) if t else 0

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(int(value)))

    def focus_widget(self) -> QWidget:
        return self


class YearEditor(QSpinBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(1980, 2100)
        self.setValue(date.today().year)
        self.valueChanged.connect(self.changed)

    def value(self) -> Any:
        return int(super().value())

    def set_value(self, value: Any) -> None:
        if value:
            self.setValue(int(value))

    def focus_widget(self) -> QWidget:
        return self


class VillageEditor(QComboBox):
    """The township's villages and communities (and the township itself);
    type a name or its pinyin initials."""

    changed = Signal()

    def __init__(
        self, places: list[Place], optional: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        if optional:
            self.addItem("", None)
        for p in places:
            self.addItem(p.name, p.code)
        comp = _PinyinCompleter(self)
        comp.setModel(_completer_model([p.name for p in places]))
        comp.setCompletionRole(SEARCH_ROLE)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp.activated[str].connect(self._pick_text)  # type: ignore[index]
        self.setCompleter(comp)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("输入村名或拼音首字母"))
        line.editingFinished.connect(self._commit_text)
        self.setCurrentIndex(-1 if not optional else 0)
        self.currentIndexChanged.connect(self.changed)

    def _pick_text(self, text: str) -> None:
        i = self.findText(text)
        if i >= 0:
            self.setCurrentIndex(i)

    def _commit_text(self) -> None:
        line = self.lineEdit()
        if line is None:
            return
        text = line.text().strip()
        i = self.findText(text)
        if i >= 0:
            self.setCurrentIndex(i)
        elif not text:
            self.setCurrentIndex(0 if self.optional else -1)

    def value(self) -> Any:
        data = self.currentData()
        return None if data is None else str(data)

    def set_value(self, value: Any) -> None:
        i = self.findData(value) if value else -1
        self.setCurrentIndex(i if i >= 0 else (0 if self.optional else -1))

    def focus_widget(self) -> QWidget:
        return self


class RefEditor(QLineEdit):
    """A searchable link to another record: type a name, pinyin initials or
    an ID number, pick from the list. The search runs on the database worker."""

    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        entity: str,
        scope: Callable[[], dict[str, str | None]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entity = entity
        self.scope = scope or (lambda: {})
        self._id: str | None = None
        self._label = ""
        self._choices: list[Choice] = []
        self._model = QStringListModel(self)
        comp = QCompleter(self._model, self)
        comp.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        comp.activated[QModelIndex].connect(self._picked)  # type: ignore[index]
        self.setCompleter(comp)
        hints = {
            "person": self.tr("输入姓名、拼音首字母或身份证号查找"),
            "specialfamily": self.tr("输入户主姓名、拼音首字母或身份证号查找"),
            "site": self.tr("输入阵地名称查找"),
            "membergroup": self.tr("输入小组名称查找，或留空"),
        }
        self.setPlaceholderText(hints.get(entity, ""))
        self.textEdited.connect(self._search)
        self._key = f"ref-{id(self)}"

    def _search(self, text: str) -> None:
        if self._id is not None and text != self._label:
            self._id = None
            self.changed.emit()
        store, entity, scope = self.ctx.store, self.entity, self.scope()
        self.ctx.tasks.db(lambda job: lists.find(store, entity, text, scope)).latest(
            self._key
        ).owned_by(self).on_success(self._show).start()

    def search_now(self) -> None:
        self._search(self.text())

    def _show(self, choices: list[Choice]) -> None:
        self._choices = choices
        self._model.setStringList(
            [f"{c.label}  {c.detail}".strip() if c.detail else c.label for c in choices]
        )
        comp = self.completer()
        if comp is not None and self.hasFocus() and choices:
            comp.complete()

    def _picked(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self._choices):
            c = self._choices[index.row()]
            self._id, self._label = c.id, c.label
            self.setText(c.label)
            # The completer writes the whole popup line (name, masked ID,
            # village) after this; put the name back once it has, so the
            # box shows who was picked.
            QTimer.singleShot(0, lambda: self._relabel(c.id, c.label))
            self.changed.emit()

    def _relabel(self, row_id: str, label: str) -> None:
        if self._id == row_id and self.text() != label:
            self.setText(label)

    def choose(self, choice: Choice) -> None:
        self._id, self._label = choice.id, choice.label
        self.setText(choice.label)
        self.changed.emit()

    def focusInEvent(self, e: Any) -> None:
        super().focusInEvent(e)
        if not self._choices:
            self.search_now()

    def value(self) -> Any:
        return self._id

    def set_value(self, value: Any) -> None:
        self._id = None if not value else str(value)
        if not value:
            self._label = ""
            self.setText("")
            return
        store, entity, rid = self.ctx.store, self.entity, str(value)
        self.ctx.tasks.db(lambda job: lists.choice_label(store, entity, rid)).owned_by(
            self
        ).on_success(self._labelled).start()

    def _labelled(self, c: Choice | None) -> None:
        if c is not None and c.id == self._id:
            self._label = c.label
            self.setText(c.label)

    def focus_widget(self) -> QWidget:
        return self
