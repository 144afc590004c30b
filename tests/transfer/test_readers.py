"""Files that are not what they seem: each refused with a message in both
languages before anything is parsed or written."""

from __future__ import annotations

import csv
import io
import resource
import struct
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from jsxclient.store.store import Store
from jsxclient.transfer import importer, readers
from jsxclient.transfer.errors import TransferError
from tests.transfer.conftest import (
    TRAP_REFUSED,
    ZHANG,
    snapshot,
    write_traps,
)


def _refused(path: Path, code: str, store: Store | None = None) -> TransferError:
    before = snapshot(store) if store else None
    with pytest.raises(TransferError) as err:
        if store is not None:
            importer.open_file(store, path, "members")
        else:
            readers.read(path)
    assert err.value.code == code
    assert err.value.zh and err.value.en and err.value.zh != err.value.en
    if store is not None:
        assert snapshot(store) == before
    return err.value


def test_not_a_spreadsheet(tmp_path: Path, store: Store) -> None:
    png = tmp_path / "photo.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    e = _refused(png, "file.not_spreadsheet", store)
    assert "不是电子表格" in e.zh
    docx = tmp_path / "通知.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert "Word" in _refused(docx, "file.not_spreadsheet").zh
    (tmp_path / "empty.csv").write_bytes(b"")
    _refused(tmp_path / "empty.csv", "file.empty")


def test_password_protected_workbook(traps: Path, tmp_path: Path, store: Store) -> None:
    enc = tmp_path / "加密.xlsx"
    with traps.open("rb") as f, enc.open("wb") as out:
        OOXMLFile(f).encrypt("secret", out)
    assert "密码" in _refused(enc, "file.encrypted", store).zh


def test_password_protected_legacy_xls(
    libreoffice_files: dict[str, Path], tmp_path: Path, store: Store
) -> None:
    """An .xls with an open password: its workbook stream carries a FILEPASS
    record right after BOF (the record Excel and WPS write there; here it
    takes the place of LibreOffice's INTERFACEHDR, same length, so the file
    stays a well-formed compound file)."""
    raw = bytearray(libreoffice_files["xls"].read_bytes())
    at = raw.find(bytes([0xE1, 0x00, 0x02, 0x00, 0xB0, 0x04]))  # INTERFACEHDR, UTF-16
    assert at > 0
    raw[at : at + 6] = bytes([0x2F, 0x00, 0x02, 0x00, 0x01, 0x00])  # FILEPASS, RC4
    enc = tmp_path / "加密.xls"
    enc.write_bytes(raw)
    assert "密码" in _refused(enc, "file.encrypted", store).zh


def test_corrupt_workbook(traps: Path, tmp_path: Path, store: Store) -> None:
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(traps.read_bytes()[:3000])
    _refused(cut, "file.corrupt", store)
    # A zip whose sheet is not XML.
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(traps) as src, zipfile.ZipFile(bad, "w") as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = b"\x00\x01 not xml <<<"
            z.writestr(item, data)
    _refused(bad, "file.corrupt", store)


def test_zip_bomb_disguised_as_xlsx(tmp_path: Path, store: Store) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = bytes(2**20)
            for _ in range(200):  # 200 MB of zeros in about 200 KB
                f.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    assert "压缩炸弹" in _refused(bomb, "file.zip_bomb", store).zh


def _zip_claiming(path: Path, member: str, claimed: int) -> None:
    """Rewrite the size `member` declares (local header and central
    directory) as `claimed`: a bomb that lies about what it unpacks to."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    assert raw[info.header_offset : info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", raw, info.header_offset + 22, claimed)
    name = member.encode()
    pos = raw.find(b"PK\x01\x02")
    while pos >= 0:
        size = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46 : pos + 46 + size] == name:
            struct.pack_into("<I", raw, pos + 24, claimed)
        pos = raw.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(raw)


def test_zip_bomb_that_lies_about_its_size(traps: Path, tmp_path: Path, store: Store) -> None:
    """A sheet of 300 MB in 300 KB whose headers say 1 KB: the size checks
    pass, and the reader stops at the declared size (the data disagrees
    with it) instead of unpacking it all."""
    bomb = tmp_path / "lie.xlsx"
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(traps) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == sheet:
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (300 * 2**20))
            z.writestr(item, data)
    _zip_claiming(bomb, sheet, 1000)
    assert bomb.stat().st_size < 2 * 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    _refused(bomb, "file.corrupt", store)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 100 * 1024


def test_zip_bomb_of_many_parts(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts each under the single-part limit that together unpack past the
    workbook limit (lowered here so the test writes 50 MB, not 1 GB)."""
    monkeypatch.setattr(readers, "MAX_UNPACKED_BYTES", 40 * 2**20)
    bomb = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(5):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", bytes(10 * 2**20))
    assert "压缩炸弹" in _refused(bomb, "file.zip_bomb", store).zh


def test_a_200_mb_file(tmp_path: Path, store: Store) -> None:
    big = tmp_path / "big.xlsx"
    with big.open("wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(200 * 2**20)  # sparse: no 200 MB written to disk
    e = _refused(big, "file.too_big", store)
    assert "200 MB" in e.zh and "200 MB" in e.en


def test_empty_sheet_and_no_header(tmp_path: Path, store: Store) -> None:
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "empty.xlsx")
    _refused(tmp_path / "empty.xlsx", "sheet.empty", store)
    wb = openpyxl.Workbook()
    wb.active.append(["甲", "乙"])
    wb.active.append([1, 2])
    wb.save(tmp_path / "other.xlsx")
    e = _refused(tmp_path / "other.xlsx", "header.missing", store)
    assert "表头" in e.zh


def test_three_hundred_columns(tmp_path: Path, store: Store) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", *[f"列{i}" for i in range(298)]])
    wb.active.append(["张三", ZHANG, *range(298)])
    wb.save(tmp_path / "wide.xlsx")
    e = _refused(tmp_path / "wide.xlsx", "sheet.too_many_columns", store)
    assert "300" in e.zh


def test_first_sheet_with_data_and_a_named_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    ws = wb.create_sheet("名单")
    ws.append(["姓名", "入会时间"])
    ws.append(["张三", "2020-01-01"])
    wb.save(tmp_path / "two.xlsx")
    assert readers.read(tmp_path / "two.xlsx").name == "名单"
    assert readers.read(tmp_path / "two.xlsx", "名单").sheet_names == ["说明", "名单"]
    with pytest.raises(TransferError) as err:
        readers.read(tmp_path / "two.xlsx", "第三页")
    assert err.value.code == "sheet.missing"


def _as_excel_writes(c: Any) -> str:
    """A cell as Excel's "save as CSV" writes what it shows."""
    if c is None:
        return ""
    if isinstance(c, date):
        return f"{c.year}/{c.month}/{c.day}"
    if isinstance(c, float):
        return str(int(c)) if abs(c) < 1e15 else f"{c:.5E}".replace("E+", "E+")
    return str(c)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_the_encodings_offices_write(
    encoding: str, traps: Path, tmp_path: Path, store: Store
) -> None:
    """The traps file as CSV (Excel's "CSV (逗号分隔)" writes GBK on Chinese
    Windows, "CSV UTF-8" writes a BOM)."""
    rows = readers.read(traps).rows
    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow([_as_excel_writes(c) for c in r])
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    sheet, m = importer.open_file(store, path, "members")
    assert sheet.file_kind == "csv"
    plan = importer.preview(store, sheet, m)
    refused = {u.rows[0] + 1 for u in plan.refused}
    assert refused == set(TRAP_REFUSED)
    assert sum(1 for u in plan.units if u.ok) == 4  # rows 5, 7, 8 and 14 (a duplicate of 5)


def test_excel_csv_with_scientific_id_numbers(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "excel.csv"
    text = (
        "姓名,身份证号,村（社区）,入会时间\r\n"
        "张三,4.30105E+17,清水塘社区,2019/5/1\r\n"
        f"李四,{ZHANG},清水塘社区,2019/5/1\r\n"
    )
    path.write_bytes(text.encode("gbk"))
    sheet, m = importer.open_file(store, path, "members")
    plan = importer.preview(store, sheet, m)
    assert [u.ok for u in plan.units] == [False, True]
    assert plan.units[0].errors[0].code == "id_number.as_number"


def test_unknown_csv_encoding(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(
        "姓名,入会时间\n".encode() + b"\x81\x30\xff\n"  # not UTF-8, not GB18030
    )
    with pytest.raises(TransferError) as err:
        readers.read(path)
    assert err.value.code in ("csv.encoding", "file.not_spreadsheet")


def test_the_traps_file_written_again_reads_the_same(tmp_path: Path) -> None:
    a = readers.read(write_traps(tmp_path / "a.xlsx"))
    assert a.merged and a.file_kind == "xlsx"
