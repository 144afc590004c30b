"""The traps workbook as LibreOffice Calc saves it: legacy .xls (what WPS and
old Excel still write), .ods, and an .xlsx written by LibreOffice itself.
Each imports exactly as the openpyxl original does."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsxclient.store.store import Store
from jsxclient.transfer import importer
from tests.transfer.conftest import TRAP_REFUSED, ZHANG


@pytest.mark.parametrize("ext", ["xls", "xlsx", "ods"])
def test_libreoffice_files_import_like_the_original(
    ext: str, libreoffice_files: dict[str, Path], store: Store
) -> None:
    path = libreoffice_files[ext]
    sheet, m = importer.open_file(store, path, "members")
    assert sheet.file_kind == ext
    if ext != "ods":  # calamine reads merged ranges from xlsx and xls
        assert sheet.merged
    plan = importer.preview(store, sheet, m)
    refused = {u.rows[0] + 1: {i.code for i in u.errors} for u in plan.refused}
    assert set(refused) == set(TRAP_REFUSED)
    for row, code in TRAP_REFUSED.items():
        assert code in refused[row]
    importer.commit(store, plan)
    conn = store.db.connection()
    got = conn.execute(
        "SELECT p.name, p.mobile, m.joined_on FROM person p JOIN member m ON m.person_id = p.id "
        "WHERE p.id_number = ?",
        (ZHANG,),
    ).fetchone()
    assert got == ("张三", "13812345678", "2019-05-01")
    assert conn.execute("SELECT count(*) FROM member").fetchone()[0] == 3
