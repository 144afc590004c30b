"""The import wizard and the export/print actions, on real widgets."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from jsxclient.transfer.tables import Reveal
from jsxclient.ui.context import AppContext
from jsxclient.ui.import_wizard import ImportWizard
from jsxclient.ui.main_window import MainWindow
from jsxclient.ui.pages.list_page import ListPage
from tests.transfer.conftest import TRAP_REFUSED, ZHANG, write_traps
from tests.ui.conftest import settle


def _wizard(qtbot: QtBot, ctx: AppContext, path: Path) -> ImportWizard:
    w = ImportWizard(ctx, "members")
    qtbot.addWidget(w)
    w.show()
    w.load(path)
    settle(qtbot, ctx)
    assert w.stack.currentIndex() == 1, "the mapping step"
    return w


def test_wizard_maps_previews_and_imports(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    w = _wizard(qtbot, ctx, write_traps(tmp_path / "花名册.xlsx"))
    t = w.mapping_table
    fields = [t.cellWidget(r, 2).currentData() for r in range(t.rowCount())]  # type: ignore[union-attr]
    assert fields == [
        None,
        "name",
        "sex",
        "id_number",
        "ethnicity",
        "mobile",
        "village",
        "joined_on",
    ]
    assert w.missing.text() == ""
    # Unmapping the join date is caught before the preview.
    box = t.cellWidget(7, 2)
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(0)
    assert "入会时间" in w.missing.text()
    w.next.click()
    assert w.stack.currentIndex() == 1
    box.setCurrentIndex(box.findData("joined_on"))
    w.next.click()
    settle(qtbot, ctx)
    assert w.stack.currentIndex() == 2
    assert w.plan is not None and len(w.plan.refused) == len(TRAP_REFUSED)
    rows = {
        int(w.report_table.item(r, 0).text()): w.report_table.item(r, 3).text()  # type: ignore[union-attr]
        for r in range(w.report_table.rowCount())
    }
    assert "火星村" in rows[10] and "4.30105E+17" in rows[6]
    assert "与第 5 行重复" in rows[14]
    out = tmp_path / "errors.xlsx"
    w.write_report(out)
    settle(qtbot, ctx)
    assert openpyxl.load_workbook(out).active.max_row == len(TRAP_REFUSED) + 1
    w.next.click()  # 导入
    settle(qtbot, ctx)
    assert w.stack.currentIndex() == 3
    assert "新增 6 条记录" in w.done_label.text()
    n = (
        ctx.store.db.connection()
        .execute("SELECT count(*) FROM person WHERE id_number = ?", (ZHANG,))
        .fetchone()[0]
    )
    assert n == 1


def test_wizard_in_english(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    from jsxclient.ui import i18n

    i18n.install("en")
    w = _wizard(qtbot, ctx, write_traps(tmp_path / "a.xlsx"))
    assert w.next.text() == "Next"
    box = w.mapping_table.cellWidget(1, 2)
    assert isinstance(box, QComboBox) and box.currentText() == "Name *"
    w.next.click()
    settle(qtbot, ctx)
    text = " ".join(
        w.report_table.item(r, 3).text()  # type: ignore[union-attr]
        for r in range(w.report_table.rowCount())
    )
    assert "is not a village of" in text


def test_ask_updates_the_ticked_duplicates(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    path = write_traps(tmp_path / "a.xlsx")
    w = _wizard(qtbot, ctx, path)
    w.next.click()
    settle(qtbot, ctx)
    w.next.click()
    settle(qtbot, ctx)
    wb = openpyxl.load_workbook(path)
    wb.active["F7"] = "13655556666"
    wb.save(path)
    w2 = _wizard(qtbot, ctx, path)
    w2.next.click()
    settle(qtbot, ctx)
    w2.policy.button(2).setChecked(True)
    ticked = 0
    for r in range(w2.report_table.rowCount()):
        item = w2.report_table.item(r, 0)
        if item is not None and item.text() == "7":
            item.setCheckState(Qt.CheckState.Checked)
            ticked += 1
    assert ticked == 1
    w2.next.click()
    settle(qtbot, ctx)
    mobile = (
        ctx.store.db.connection()
        .execute("SELECT mobile FROM person WHERE name = '王五'")
        .fetchone()[0]
    )
    assert mobile == "13655556666"


def test_list_page_exports_and_prints(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, tmp_path: Path
) -> None:
    page = window.show_page("members")
    assert isinstance(page, ListPage)
    settle(qtbot, ctx)
    page.search.setText("王")
    settle(qtbot, ctx)
    shown = page.model.total
    out = tmp_path / "list.xlsx"
    page.transfer.export_list("xlsx", (out, None))
    settle(qtbot, ctx)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) - 1 == shown
    assert rows[0][0] == "姓名" and all("王" in r[0] for r in rows[1:])
    reg = tmp_path / "roster.xlsx"
    page.transfer.export_register("members", (reg, Reveal("核对")))
    settle(qtbot, ctx)
    assert openpyxl.load_workbook(reg).active["A1"].value.endswith("会员花名册")
    pdf = tmp_path / "roster.pdf"
    page.transfer.save_pdf("members", (pdf, None))
    settle(qtbot, ctx, timeout=60_000)
    assert pdf.read_bytes().startswith(b"%PDF")
    actions = [a.text() for a in page.transfer.menu.actions() if a.text()]
    assert "打印会员花名册…" in actions
