"""Language: Chinese source strings, an English translation loaded from
`resources/translations/jsxclient_en.qm` (compiled from the .ts with
pyside6-lrelease), and Qt's own Chinese strings for its standard dialogs.

Domain data that already carries both languages (code labels, validation
messages) is shown with `lang()` instead of going through Qt's translator.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES: dict[str, str] = {"zh_CN": "中文", "en": "English"}

_current = "zh_CN"
_installed: list[QTranslator] = []


def lang() -> str:
    """ "zh" or "en", the key the domain's bilingual texts use."""
    return "en" if _current == "en" else "zh"


def current() -> str:
    return _current


def qm_path(name: str) -> str:
    return str(resources.files("jsxclient.resources.translations").joinpath(name))


def install(language: str) -> bool:
    """Switch the application's translators; returns whether the app's own
    translation loaded (always true for Chinese, the source language)."""
    global _current
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("no QCoreApplication")
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    _current = language if language in LANGUAGES else "zh_CN"
    ok = True
    if _current == "en":
        t = QTranslator(app)
        ok = t.load(qm_path("jsxclient_en.qm"))
        if ok:
            app.installTranslator(t)
            _installed.append(t)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    else:
        qt = QTranslator(app)
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load("qtbase_zh_CN", path):
            app.installTranslator(qt)
            _installed.append(qt)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return ok


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark `text` for pyside6-lupdate and return it as it is (typed, unlike
    the binding's, so tables of labels stay `dict[str, str]`)."""
    del context
    return text
