"""Refresh the English catalogue from the sources and compile it.

    .venv/bin/python src/jsxclient/resources/translations/update.py

1. `pyside6-lupdate` collects every `tr()`, `QCoreApplication.translate()` and
   `QT_TRANSLATE_NOOP()` string of `jsxclient/ui` into `jsxclient_en.ts`
   (Chinese is the source language; translations already made are kept,
   strings no longer used are dropped).
2. Translate new entries in Qt Linguist (`pyside6-linguist jsxclient_en.ts`)
   or any XLIFF/TS editor.
3. `pyside6-lrelease` compiles `jsxclient_en.qm`, which the app loads.

Both tools ship with the PySide6-Essentials wheel.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI = HERE.parents[1] / "ui"
TS = HERE / "jsxclient_en.ts"
QM = HERE / "jsxclient_en.qm"


def tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def main() -> int:
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *sources,
            "-ts",
            str(TS),
            "-source-language",
            "zh_CN",
            "-target-language",
            "en",
            "-no-obsolete",
            "-locations",
            "none",
        ],
        check=True,
    )
    subprocess.run([tool("pyside6-lrelease"), str(TS), "-qm", str(QM)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
