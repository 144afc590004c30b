"""Capture the import wizard's screenshots (column mapping, row report).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/capture_transfer.py [en]

Imports the members register with every trap the tests use
(tests/transfer/conftest.py) into a small demo store. Needs a CJK font
(Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]  # capture.py; the repository for tests/

from capture import TOWNSHIP, pump, save  # noqa: E402
from tests.transfer.conftest import write_traps  # noqa: E402

from jsxclient import demo  # noqa: E402
from jsxclient.store.store import Store  # noqa: E402
from jsxclient.ui import i18n, styles  # noqa: E402
from jsxclient.ui.context import AppContext, DataBus  # noqa: E402
from jsxclient.ui.import_wizard import ImportWizard  # noqa: E402
from jsxclient.ui.operations import setup  # noqa: E402
from jsxclient.ui.settings import Settings  # noqa: E402
from jsxclient.ui.tasks import TaskManager  # noqa: E402


def main() -> int:
    app = QApplication(sys.argv)
    lang = "en" if sys.argv[1:] == ["en"] else "zh_CN"
    suffix = "" if lang == "zh_CN" else "-en"
    i18n.install(lang)
    styles.apply(app)
    tmp = Path(tempfile.mkdtemp())
    store = Store.open(tmp / "demo.db", user="demo")
    demo.generate(store, TOWNSHIP, scale=0.1, seed=3)
    info = setup.info(store)
    assert info is not None
    tasks = TaskManager(db_exit=lambda: store.db.close())
    ctx = AppContext(
        store, tasks, Settings(tmp / "ui.ini"), DataBus(), info.township, info.township_name,
        info.places,
    )  # fmt: skip
    wizard = ImportWizard(ctx, "members")
    wizard.resize(1000, 620)
    wizard.show()
    wizard.load(write_traps(tmp / "清水塘街道会员花名册.xlsx"))
    pump(app, ctx)
    save(wizard, f"import-mapping{suffix}.png")
    wizard.next.click()
    pump(app, ctx)
    save(wizard, f"import-report{suffix}.png")
    tasks.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
