"""Entry script of the frozen jsxclient (PyInstaller builds two executables from it).

* ``jsxclient`` (windowed on Windows): started with no arguments, as by a double-click or
  the Start-menu shortcut, it opens the desktop app (``jsxclient app``); with arguments it
  is the ordinary command line.
* ``jsxclient-cli`` (a console program): exactly the ``jsxclient`` console script, so with
  no arguments it prints the usage.

``JSXCLIENT_SMOKE_TEST=1`` makes the desktop app quit by itself, exit status 0, once its
main window has been shown (status 4 if none is shown within ``JSXCLIENT_SMOKE_TIMEOUT``
seconds, default 60; status 5, before any window, if Qt's own Chinese translation, which
the app loads for the texts of standard dialogs, is missing from the bundle).
``installer/build.py`` uses it to start the frozen GUI headless
(``QT_QPA_PLATFORM=offscreen``) and to time the start.

``--self-test`` as the first argument runs `jsxclient.selftest` (every part of
the installation checked in a temporary folder; see its --help) instead of
the command line. Until ``jsxclient.ui.app`` handles the variable itself
(and says so with ``SMOKE_TEST_ENV = "JSXCLIENT_SMOKE_TEST"``), this script does it: it
creates the QApplication, which ``run_app`` must then reuse
(``QApplication.instance() or QApplication(...)``), and polls for a visible QMainWindow.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

SELF_TEST_FLAG = "--self-test"
SMOKE_ENV = "JSXCLIENT_SMOKE_TEST"
SMOKE_TIMEOUT_ENV = "JSXCLIENT_SMOKE_TIMEOUT"
SMOKE_MARKER = "smoke-test: main window shown"
QT_TRANSLATION_MARKER = "smoke-test: qtbase_zh_CN loaded"
EXIT_SMOKE_TIMEOUT = 4
EXIT_SMOKE_NO_QT_TRANSLATION = 5


def program_name(executable: str | None = None) -> str:
    """``jsxclient`` or ``jsxclient-cli`` (the frozen executable's name, no suffix)."""
    if executable is None:
        executable = sys.executable if getattr(sys, "frozen", False) else sys.argv[0]
    return Path(executable).stem.lower()


def effective_argv(argv: Sequence[str], program: str) -> list[str]:
    """The arguments handed to `jsxclient.cli.main`.

    A double-click passes no arguments: the GUI executable then opens the app, the
    console one prints its usage like the `jsxclient` console script does.
    """
    if not argv and not program.endswith("-cli"):
        return ["app"]
    return list(argv)


def _ensure_streams() -> None:
    # A windowed executable on Windows has no console: sys.stdout and sys.stderr are
    # None. print() tolerates that, but code calling .write()/.flush() does not.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _say(text: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # no stderr: the exit status tells
        print(text, file=sys.stderr, flush=True)


def qt_translation_loads() -> bool:
    """Whether Qt's Chinese strings load from where jsxclient.ui.i18n looks for them."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ok = QTranslator().load("qtbase_zh_CN", path)
    _say(f"{QT_TRANSLATION_MARKER}" if ok else f"smoke-test: no qtbase_zh_CN in {path}")
    return ok


def ui_handles_smoke_test() -> bool:
    """Whether jsxclient.ui.app quits by itself under JSXCLIENT_SMOKE_TEST (it then
    declares SMOKE_TEST_ENV); if so this launcher leaves the QApplication to it."""
    from jsxclient.ui import app

    return getattr(app, "SMOKE_TEST_ENV", None) == SMOKE_ENV


def install_smoke_hook() -> None:
    """Create the QApplication that `run_app` will reuse and arm a timer that quits it
    once a main window is visible. Only imported when JSXCLIENT_SMOKE_TEST is set, so a
    normal command-line run never loads Qt."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    try:
        timeout_ms = int(float(os.environ.get(SMOKE_TIMEOUT_ENV, "60")) * 1000)
    except ValueError:
        timeout_ms = 60_000
    poll = QTimer(app)
    poll.setInterval(100)
    waited = [0]

    def sign_in() -> None:
        # The login asks for a password: the smoke test's account, from the
        # environment (only in smoke-test mode; the app itself never reads it).
        for w in QApplication.topLevelWidgets():
            if w.objectName() == "loginDialog" and w.isVisible() and not w.property("smoke"):
                w.setProperty("smoke", True)
                user = w.findChild(QComboBox, "loginUser")
                password = w.findChild(QLineEdit, "loginPassword")
                if user is not None and password is not None:
                    user.setCurrentText(os.environ.get("JSXCLIENT_USER", ""))
                    password.setText(os.environ.get("JSXCLIENT_PASSWORD", ""))
                    password.returnPressed.emit()

    def check() -> None:
        waited[0] += poll.interval()
        sign_in()
        shown = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMainWindow) and w.isVisible()
        ]
        if shown:
            poll.stop()
            _say(f"{SMOKE_MARKER}: {shown[0].windowTitle()!r}")
            QApplication.exit(0)
        elif waited[0] >= timeout_ms:
            poll.stop()
            _say(f"smoke-test: no main window after {timeout_ms / 1000:.0f} s")
            QApplication.exit(EXIT_SMOKE_TIMEOUT)

    poll.timeout.connect(check)
    poll.start()


def main(argv: Sequence[str] | None = None, executable: str | None = None) -> int:
    _ensure_streams()
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == [SELF_TEST_FLAG]:
        from jsxclient.selftest import main as self_test

        return self_test(given[1:])
    args = effective_argv(given, program_name(executable))
    if os.environ.get(SMOKE_ENV) and "app" in args:
        if not qt_translation_loads():
            return EXIT_SMOKE_NO_QT_TRANSLATION
        if not ui_handles_smoke_test():
            install_smoke_hook()

    from jsxclient.cli import main as cli_main

    return int(cli_main(args))


if __name__ == "__main__":
    # No multiprocessing.freeze_support(): the program starts no worker processes, and
    # the spec leaves multiprocessing out of the bundle.
    sys.exit(main())
