"""Capture the transfers dialog and the escrow key dialog (issue 11).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/capture_security.py [en]

Starts a real `jsxserver` on 127.0.0.1 (tests/e2e/harness.py), offers two
families of one township to another, and shows the receiving township
administrator's dialogs. Needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]  # capture.py; the repository for tests/

from capture import pump, save  # noqa: E402
from tests.e2e.harness import (  # noqa: E402
    Device,
    ServerProcess,
    make_client_template,
    make_server_template,
)

from jsxclient.sync import scope  # noqa: E402
from jsxclient.ui import i18n, styles  # noqa: E402
from jsxclient.ui.context import AppContext, DataBus  # noqa: E402
from jsxclient.ui.operations import setup  # noqa: E402
from jsxclient.ui.security_dialogs import EscrowKeyDialog  # noqa: E402
from jsxclient.ui.settings import Settings  # noqa: E402
from jsxclient.ui.tasks import TaskManager  # noqa: E402
from jsxclient.ui.transfers_dialog import OfferTransferDialog, TransfersDialog  # noqa: E402

FAMILIES = (("冯秀英", "户籍迁移"), ("李桂兰", "随子女迁居"), ("王淑珍", ""))


def main() -> int:
    app = QApplication(sys.argv)
    lang = "en" if sys.argv[1:] == ["en"] else "zh_CN"
    suffix = "" if lang == "zh_CN" else "-en"
    i18n.install(lang)
    styles.apply(app)
    tmp = Path(tempfile.mkdtemp())
    make_server_template(tmp / "server.db")
    make_client_template(tmp / "client.db")
    srv = ServerProcess(f"sqlite:///{tmp / 'server.db'}", tmp / "server.log").start()
    try:
        t1, v1 = srv.fresh_township()
        t2, v2 = srv.fresh_township()
        a = Device(tmp / "a.db", tmp / "client.db", srv, srv.make_user(t1), "a")
        b_user = srv.make_user(t2, role="township_admin")
        b = Device(tmp / "b.db", tmp / "client.db", srv, b_user, "b")
        a.store.role, b.store.role = "township_worker", "township_admin"
        for name, note in FAMILIES:
            with a.store.transaction() as tx:
                head = tx.insert("person", {"name": name, "sex": "2", "division_code": v1[0]})
                fam = tx.insert(
                    "specialfamily",
                    {"division_code": v1[0], "category": "bereaved", "head_person_id": head},
                )
                tx.insert(
                    "familymember",
                    {"division_code": v1[0], "family_id": fam, "person_id": head, "relation": "10"},
                )
                tx.insert(
                    "carevisit",
                    {"division_code": v1[0], "family_id": fam, "visit_date": "2024-03-01",
                     "mode": "home"},
                )  # fmt: skip
            a.sync()
            if note:
                scope.offer_family(a.store, a.transport, fam, v2[0], note)
        info = setup.info(b.store)
        assert info is not None
        tasks = TaskManager()
        ctx = AppContext(
            b.store, tasks, Settings(tmp / "ui.ini"), DataBus(), info.township,
            info.township_name, info.places,
        )  # fmt: skip
        dlg = TransfersDialog(ctx)
        dlg.show()
        pump(app, ctx)
        dlg.incoming.selectRow(0)
        pump(app, ctx)
        save(dlg, f"transfers{suffix}.png")
        esc = EscrowKeyDialog(ctx)
        esc.show()
        pump(app, ctx)
        save(esc, f"escrow-key{suffix}.png")
        tasks.shutdown()

        info = setup.info(a.store)
        assert info is not None
        tasks = TaskManager()
        ctx = AppContext(
            a.store, tasks, Settings(tmp / "ui-a.ini"), DataBus(), info.township,
            info.township_name, info.places,
        )  # fmt: skip
        offer = OfferTransferDialog(ctx, fam)
        offer.show()
        (town,) = (
            a.store.db.connection()
            .execute("SELECT name FROM division WHERE code=?", (t2,))
            .fetchone()
        )
        offer.search.setText(town)
        offer._find(town)
        offer.note.setText(FAMILIES[0][1])
        pump(app, ctx)
        save(offer, f"transfer-offer{suffix}.png")
        tasks.shutdown()
        a.close()
        b.close()
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
