"""Real files for the import and export tests: a members register with every
trap of a township's own spreadsheets, written by openpyxl as Excel would,
and the same saved by LibreOffice (as .xlsx and as legacy .xls)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font

from jsxclient.store.store import Store
from jsxcore.validation import make_id_number

# Fake people (check digits valid, names common).
ZHANG = make_id_number("430105", date(1980, 3, 4), 123)  # male
LI = make_id_number("430105", date(1975, 6, 7), 222)  # female
WANG = make_id_number("430104", date(1990, 1, 1), 17)  # male
ZHAO = make_id_number("430105", date(1968, 12, 31), 40)  # female
QIAN = make_id_number("430105", date(1985, 2, 2), 51)  # male
SUN = make_id_number("430105", date(1979, 9, 9), 62)  # female
BAD_CHECK = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")

VILLAGE_NAME = "清水塘社区"  # 430105003001 in the shipped divisions


def trap_rows() -> list[list[Any]]:
    """The data rows: (what it shows) in comments; row numbers are Excel's."""
    return [
        # row 5: full-width space in a two-character name, code words, a
        # mobile stored as a number, a date as text with dots
        [1, "张　三", "男", ZHANG, "汉族", 13812345678, VILLAGE_NAME, "2019.5.1"],
        # row 6: ID as a number Excel has already rounded -> refused
        [2, "李四", "女", 430105197506072220, "汉", "13812345679", VILLAGE_NAME, "2019/05/01"],
        # row 7: full-width digits, 年月日 date, ethnicity without 族
        [3, "王五", "男", WANG, "苗", "１３８１２３４５６７０", "清水塘", "2019年5月1日"],
        # row 8: Excel serial date, sex from the ID number, village by code
        [4, "赵六", None, ZHAO, "土家族", None, "430105003001", 43586],
        # row 9: blank row
        [None] * 8,
        # row 10: unknown village -> refused
        [5, "钱七", "男", QIAN, "汉族", None, "火星村", "2019-05-01"],
        # row 11: wrong check digit -> refused
        [6, "孙八", "女", BAD_CHECK, "汉族", None, VILLAGE_NAME, "2019-05-01"],
        # row 12: sex disagrees with the ID number -> refused
        [7, "孙九", "男", SUN, "汉族", None, VILLAGE_NAME, "2019-05-01"],
        # row 13: an impossible date -> refused
        [8, "周十", "男", make_id_number("430105", date(1960, 1, 1), 71), "汉族", None,
         VILLAGE_NAME, "2019.2.30"],
        # row 14: the same person as row 5 again (a duplicate inside the file)
        [9, "张三", "男", ZHANG, "汉族", "13900000000", VILLAGE_NAME, "2019-05-01"],
        # row 15: subtotal
        ["合计", "9人", None, None, None, None, None, None],
        # row 16: footer
        ["填表人：李会计", None, None, None, "审核人：", None, None, None],
    ]  # fmt: skip


def write_traps(path: Path) -> Path:
    """A register as townships keep them: title and unit lines above a
    two-row header with merged group cells, then the rows above."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "会员花名册"
    ws["A1"] = "清水塘街道计划生育协会会员花名册"
    ws["A1"].font = Font(size=16, bold=True)
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：清水塘街道计生协　　　填报日期：2024年5月29日"
    ws.merge_cells("A2:H2")
    ws.append(["序号", "基本情况", None, None, None, "联系方式", "会籍情况", None])
    ws.append(
        [None, "姓  名", "性别", "公民身份号码", "民族", "联系电话", "村（社区）", "入会时间"]
    )
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:E3")
    ws.merge_cells("G3:H3")
    for row in trap_rows():
        ws.append(row)
    # The ID column as Excel keeps numbers; the serial date as a plain number.
    ws["D6"].number_format = "0.00E+00"
    wb.save(path)
    return path


# Expected outcome of the traps file by Excel row: None = imported.
TRAP_REFUSED = {
    6: "id_number.as_number",
    10: "village.unknown",
    11: "id_number.checksum",
    12: "person.sex_mismatch",
    13: "date.format",
}


@pytest.fixture
def traps(tmp_path: Path) -> Path:
    return write_traps(tmp_path / "花名册.xlsx")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def libreoffice_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The traps workbook saved by LibreOffice Calc as .xlsx and as .xls."""
    exe = soffice()
    if exe is None:
        pytest.skip(
            "LibreOffice (Debian: libreoffice-calc) is not installed; ./dev test installs it"
        )
    root = tmp_path_factory.mktemp("libreoffice")
    src = write_traps(root / "traps.xlsx")
    out: dict[str, Path] = {}
    for ext, filt in (("xls", "xls:MS Excel 97"), ("ods", "ods")):
        dest = root / ext
        dest.mkdir()
        subprocess.run(
            [exe, "--headless", "--norestore", f"-env:UserInstallation=file://{root}/profile",
             "--convert-to", filt, "--outdir", str(dest), str(src)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        out[ext] = dest / f"traps.{ext}"
    # .xls back to .xlsx: a workbook LibreOffice wrote from scratch.
    dest = root / "xlsx"
    dest.mkdir()
    subprocess.run(
        [exe, "--headless", "--norestore", f"-env:UserInstallation=file://{root}/profile",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(dest), str(out["xls"])],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    out["xlsx"] = dest / "traps.xlsx"
    return out


# Tables an import writes to; their content is what "nothing written" compares.
TABLES = (
    "person",
    "member",
    "membergroup",
    "volunteer",
    "specialfamily",
    "familymember",
    "familycontact",
    "carevisit",
    "caresubsidy",
    "activity",
    "activityparticipant",
    "journal",
)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the store holds that an import could change, row by row."""
    conn: sqlite3.Connection = store.db.connection()
    out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    out["meta"] = sorted(
        conn.execute("SELECT key, value FROM meta WHERE key NOT LIKE 'import_mapping:%'")
    )
    return out
