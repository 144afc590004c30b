"""Reading a worksheet from .xlsx, .xls, .ods or .csv into rows of cells.

The file's bytes say what it is, not its name: a register saved as .xls by
WPS may really be an .xlsx, a CSV may carry a spreadsheet's name. Workbooks
are read with python-calamine (Rust; xlsx, xls and ods, about 60,000 rows a
second here, with merged ranges); CSV with the standard library, in UTF-8
(with or without BOM) or GB18030 (a superset of GBK, what Chinese Excel
writes). Before anything is parsed the file is checked against the limits
below, so a zip bomb, an encrypted workbook or a 200 MB file is refused with
a message instead of a long wait or an exhausted machine.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from jsxclient.transfer.errors import TransferError

#: A township's registers are a few MB; the largest street's 100,000 members
#: about 15 MB as xlsx, 20 MB as CSV.
MAX_FILE_BYTES = 100 * 2**20
#: What a workbook may unpack to, and how far one part may be compressed:
#: sheet XML compresses 10-30 times; a bomb thousands of times.
MAX_UNPACKED_BYTES = 1 * 2**30
MAX_RATIO = 200
MAX_ROWS = 200_000
MAX_COLUMNS = 100

Cell = Any  # str, int, float, bool, date, datetime, None
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]
    merged: list[Merge] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    file_kind: str = ""  # xlsx, xls, ods, csv
    encoding: str = ""  # csv only


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def refuse(code: str, zh: str, en: str) -> TransferError:
    return TransferError(code, zh, en)


def sniff(path: Path) -> str:
    """What the file is by its first bytes: xlsx, ods, xls, csv; refuses
    anything else (and encrypted workbooks) with a message."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise refuse(
            "file.unreadable", f"无法读取文件：{exc.strerror}", f"Cannot read the file: {exc}"
        ) from exc
    if size == 0:
        raise refuse("file.empty", "文件是空的（0 字节）", "The file is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise refuse(
            "file.too_big",
            f"文件太大（{_mb(size)}），超过 {_mb(MAX_FILE_BYTES)} 的上限。"
            "请按村（社区）拆分成几个文件后分批导入",
            f"The file is too big ({_mb(size)}; the limit is {_mb(MAX_FILE_BYTES)}). "
            "Split it by village and import the parts one by one",
        )
    with path.open("rb") as f:
        head = f.read(8192)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(path)
    if _looks_like_text(head):
        return "csv"
    raise _not_a_spreadsheet()


def _not_a_spreadsheet() -> TransferError:
    return refuse(
        "file.not_spreadsheet",
        "这不是电子表格文件。请选择 Excel（.xlsx、.xls）、WPS 表格、.ods 或 .csv 文件",
        "This is not a spreadsheet. Choose an Excel (.xlsx, .xls), WPS, .ods or .csv file",
    )


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is fine.
            if exc.start >= len(head) - 4:
                return True
    return False


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _corrupt() from exc
    total = 0
    for i in infos:
        total += i.file_size
        ratio = i.file_size / max(i.compress_size, 1)
        if total > MAX_UNPACKED_BYTES or (ratio > MAX_RATIO and i.file_size > 20 * 2**20):
            raise refuse(
                "file.zip_bomb",
                "文件解压后异常巨大（可能是恶意的“压缩炸弹”），已拒绝读取",
                "The file would unpack to an abnormal size (possibly a zip bomb); it was not read",
            )
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
            return "xlsb"
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if "word/document.xml" in names:
        raise refuse(
            "file.not_spreadsheet",
            "这是 Word 文档，不是电子表格。请在 Excel 或 WPS 表格中另存为 .xlsx 后再导入",
            "This is a Word document, not a spreadsheet. Save the table as .xlsx first",
        )
    raise _not_a_spreadsheet()


def _ole_kind(path: Path) -> str:
    """An OLE compound file is an old .xls, or an .xlsx encrypted with a
    password (Office wraps those in an OLE file with an EncryptedPackage
    stream; directory names are UTF-16)."""
    with path.open("rb") as f:
        data = f.read(min(path.stat().st_size, 4 * 2**20))
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise _encrypted()
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    raise _not_a_spreadsheet()


def _encrypted() -> TransferError:
    return refuse(
        "file.encrypted",
        "工作簿设有打开密码，无法读取。请在 Excel 或 WPS 中打开，取消密码后另存，再导入",
        "The workbook is password-protected and cannot be read. Open it in Excel or WPS, "
        "remove the password, save it, and import it again",
    )


def _corrupt() -> TransferError:
    return refuse(
        "file.corrupt",
        "文件已损坏或不完整，无法读取。请在 Excel 或 WPS 中打开并另存后再试",
        "The file is damaged or incomplete. Open it in Excel or WPS, save it again and retry",
    )


def read(path: Path | str, sheet: str | int | None = None) -> Sheet:
    """The rows of one sheet (the first with data when `sheet` is None)."""
    path = Path(path)
    kind = sniff(path)
    if kind == "csv":
        out = _read_csv(path)
    elif kind == "xlsb":
        raise refuse(
            "file.xlsb",
            "暂不支持 .xlsb 二进制工作簿，请另存为 .xlsx 后导入",
            "Binary .xlsb workbooks are not supported; save it as .xlsx",
        )
    else:
        out = _read_workbook(path, kind, sheet)
    _check_shape(out)
    return out


def _check_shape(s: Sheet) -> None:
    while s.rows and all(_blank(c) for c in s.rows[-1]):
        s.rows.pop()
    if not s.rows:
        raise refuse(
            "sheet.empty",
            f"工作表“{s.name}”是空的，没有可导入的内容",
            f"The sheet “{s.name}” is empty: there is nothing to import",
        )
    if len(s.rows) > MAX_ROWS:
        raise refuse(
            "sheet.too_many_rows",
            f"工作表有 {len(s.rows):,} 行，超过 {MAX_ROWS:,} 行的上限，请拆分后分批导入",
            f"The sheet has {len(s.rows):,} rows, more than the limit of {MAX_ROWS:,}; "
            "split it and import the parts",
        )
    width = max((_used_width(r) for r in s.rows), default=0)
    if width > MAX_COLUMNS:
        raise refuse(
            "sheet.too_many_columns",
            f"工作表有 {width} 列，超过 {MAX_COLUMNS} 列的上限。花名册和台账通常不超过 40 列，"
            "请确认选对了文件或工作表",
            f"The sheet has {width} columns, more than the limit of {MAX_COLUMNS}. Registers "
            "rarely have more than 40: check that this is the right file or sheet",
        )
    for r in s.rows:
        del r[width:]
        if len(r) < width:
            r.extend([None] * (width - len(r)))


def _blank(c: Cell) -> bool:
    return c is None or (isinstance(c, str) and not c.strip())


def _used_width(row: list[Cell]) -> int:
    for i in range(len(row) - 1, -1, -1):
        if not _blank(row[i]):
            return i + 1
    return 0


# -- workbooks -------------------------------------------------------------------------


def _read_workbook(path: Path, kind: str, sheet: str | int | None) -> Sheet:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise _encrypted() from exc
    except Exception as exc:  # calamine's errors: zip, xml, cfb, xls records
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted() from exc
        raise _corrupt() from exc
    try:
        names = list(wb.sheet_names)
        visible = [
            m.name
            for m in wb.sheets_metadata
            if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
        ] or names
        if not names:
            raise refuse("sheet.none", "工作簿中没有工作表", "The workbook has no worksheets")
        if sheet is None:
            candidates = visible
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise _no_sheet(str(sheet + 1), names)
            candidates = [names[sheet]]
        else:
            if sheet not in names:
                raise _no_sheet(sheet, names)
            candidates = [sheet]
        first: Sheet | None = None
        for name in candidates:
            try:
                ws = wb.get_sheet_by_name(name)
                rows = ws.to_python(skip_empty_area=False)
                merged = [(a[0], a[1], b[0], b[1]) for a, b in (ws.merged_cell_ranges or [])]
            except pc.PasswordError as exc:
                raise _encrypted() from exc
            except Exception as exc:
                raise _corrupt() from exc
            got = Sheet(name, [[_cell(c) for c in r] for r in rows], merged, names, kind)
            if first is None:
                first = got
            if any(not _blank(c) for r in got.rows for c in r):
                return got
        assert first is not None
        return first
    finally:
        wb.close()


def _no_sheet(name: str, names: list[str]) -> TransferError:
    return refuse(
        "sheet.missing",
        f"找不到工作表“{name}”（有：{'、'.join(names)}）",
        f"No sheet “{name}” (the workbook has: {', '.join(names)})",
    )


def _cell(c: Any) -> Cell:
    if isinstance(c, str):
        return c if c.strip() else None
    if isinstance(c, time | timedelta):
        return str(c)
    if isinstance(c, datetime) and c.time() == time(0):
        return c.date()
    return c


# -- CSV ----------------------------------------------------------------------------------


def _read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    text, encoding = _decode(raw)
    sample = text[:8192]
    delimiter = max((",", "\t", ";"), key=sample.count)
    try:
        rows: list[list[Cell]] = [
            [c if c.strip() else None for c in r]
            for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise _corrupt() from exc
    return Sheet(path.stem, rows, [], [path.stem], "csv", encoding)


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise refuse(
        "csv.encoding",
        "无法识别 CSV 文件的文字编码（支持 UTF-8 和 GBK/GB18030）",
        "The CSV file's text encoding is not recognised (UTF-8 and GBK/GB18030 are)",
    )
