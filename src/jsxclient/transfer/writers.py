"""Writing a `Table`: .xlsx with XlsxWriter (formats, merged headers, print
setup; about 200,000 cells a second), .csv safe to open in Excel, and HTML
for the desktop to print or save as PDF."""

from __future__ import annotations

import csv
import html
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jsxclient.transfer.errors import TransferError
from jsxclient.transfer.tables import OutCol, Table

Check = Callable[[], None]


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside `path`, then move it into place: a
    failed or cancelled export never leaves half a file under the name."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except OSError as exc:  # disk full, no permission, the file open in Excel
        Path(tmp).unlink(missing_ok=True)
        raise TransferError(
            "file.write",
            f"无法写入文件 {path.name}：{exc.strerror or exc}（文件是否正在 Excel 中打开？）",
            f"Cannot write {path.name}: {exc.strerror or exc} (is it open in Excel?)",
        ) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- CSV -------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A text cell Excel will not run as a formula (OWASP's CSV injection
    advice: prefix a quote to cells starting with = + - @ tab CR)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, date | datetime):
        return v.isoformat()[:10]
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, str):
        return safe_text(v)
    return v


def write_csv(table: Table, path: Path, check: Check | None = None) -> None:
    """UTF-8 with a BOM, so Excel opens the Chinese text correctly."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow([safe_text(c.title) for c in table.columns])
            for i, row in enumerate(table.rows):
                if check is not None and i % 5000 == 0:
                    check()
                w.writerow([_csv_cell(v) for v in row])

    _replace(path, write)


# -- xlsx ------------------------------------------------------------------------------------


def write_xlsx(
    table: Table,
    path: Path,
    check: Check | None = None,
    *,
    paper: bool = False,
    plain: bool = False,
) -> None:
    """A list (`paper` False: one header row, filters, frozen header) or a
    register in its paper layout (title, group headers, merged blocks,
    borders, a total, print setup: A4, repeated header, page numbers).

    The data rows go in as rendered rows (`xlsxrows`); `plain` writes them
    cell by cell through XlsxWriter instead: the same file, four times
    slower, kept as the reference the fast path is tested against."""
    import xlsxwriter

    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(
            str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False}
        )
        try:
            _sheet(wb, table, check, paper, plain)
        finally:
            wb.close()

    _replace(path, write)


def _sheet(wb: Any, t: Table, check: Check | None, paper: bool, plain: bool) -> None:
    from jsxclient.transfer import xlsxrows

    ws = wb.add_worksheet(_sheet_name(t.sheet_name), xlsxrows.RowSheet)
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
    if paper:
        base["border"] = 1
    f_text = wb.add_format({**base, "num_format": "@"})
    f_wrap = wb.add_format({**base, "num_format": "@", "text_wrap": True})
    f_date = wb.add_format({**base, "num_format": "yyyy-mm-dd", "align": "center"})
    f_money = wb.add_format({**base, "num_format": "#,##0.00"})
    f_int = wb.add_format({**base, "num_format": "0"})
    f_center = wb.add_format({**base, "align": "center"})
    f_head = wb.add_format(
        {
            **base,
            "bold": True,
            "align": "center",
            "text_wrap": True,
            "border": 1,
            "bg_color": "#F2F2F2",
        }
    )
    formats = {"date": f_date, "money": f_money, "int": f_int, "seq": f_center, "bool": f_center}
    cols = t.columns
    ncol = len(cols)
    row = 0
    above = [f_head]  # the formats of the rows above the data, top down
    if paper:
        f_title = wb.add_format(
            {
                "font_name": "黑体",
                "font_size": 16,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        f_sub = wb.add_format({"font_name": "宋体", "font_size": 10})
        ws.merge_range(0, 0, 0, ncol - 1, t.title, f_title)
        ws.set_row(0, 30)
        ws.merge_range(1, 0, 1, ncol - 1, t.subtitle, f_sub)
        above = [f_title, f_sub, f_head]
        row = 2
    grouped = paper and any(c.group for c in cols)
    header_rows = 2 if grouped else 1
    if grouped:
        i = 0
        while i < ncol:
            c = cols[i]
            if not c.group:
                ws.merge_range(row, i, row + 1, i, c.title, f_head)
                i += 1
                continue
            j = i
            while j + 1 < ncol and cols[j + 1].group == c.group:
                j += 1
            if j > i:
                ws.merge_range(row, i, row, j, c.group, f_head)
            else:
                ws.write_string(row, i, c.group, f_head)
            for k in range(i, j + 1):
                ws.write_string(row + 1, k, cols[k].title, f_head)
            i = j + 1
    else:
        for i, c in enumerate(cols):
            ws.write_string(row, i, c.title, f_head)
    first_data = row + header_rows
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
    kinds = [_kind(c) for c in cols]
    fmts = [
        formats.get(k, f_wrap if paper and c.width >= 14 else f_text)
        for k, c in zip(kinds, cols, strict=True)
    ]
    merged = {i for i, c in enumerate(cols) if c.merge}
    block_of: dict[int, tuple[int, int]] = {}
    if paper:
        for a, b in t.blocks:
            if b > a:
                for r in range(a, b + 1):
                    block_of[r] = (a, b)
    writers = [_writer(ws, f, paper) for f in fmts]

    def plain_row(x: int, values: Sequence[Any], skip: set[int]) -> None:
        for i, v in enumerate(values):
            if i not in skip:  # a merged cell below its block's first row
                writers[i](x, i, v)

    if plain:
        for r, values in enumerate(t.rows):
            if check is not None and r % 5000 == 0:
                check()
            x = first_data + r
            blk = block_of.get(r)
            if blk is not None and r == blk[0]:
                for i in sorted(merged):
                    ws.merge_range(x, i, first_data + blk[1], i, "", fmts[i])
            plain_row(x, values, merged if blk is not None and r != blk[0] else set())
    else:
        # XlsxWriter numbers formats in the order its XML meets them; the
        # data rows take theirs now, so the rows above take theirs first.
        for f in above:
            f._get_xf_index()
        xlsxrows.render(
            ws,
            t.rows,
            first_data,
            fmts,
            blanks=paper,
            block_of=block_of,
            merged=merged,
            plain_row=plain_row,
            check=check,
        )
    end = first_data + len(t.rows)
    if paper and t.total_row is not None:
        for i, v in enumerate(t.total_row):
            _write(ws, end, i, v, kinds[i] if i else "text", fmts[i] if i else f_center)
        end += 1
    if paper and t.footer:
        ws.write_string(end + 1, 0, t.footer)
    ws.freeze_panes(first_data, 0)
    if not paper:
        ws.autofilter(0, 0, max(first_data - 1, 0) + len(t.rows), ncol - 1)
    ws.set_paper(9)  # A4
    if t.landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(first_data - header_rows, first_data - 1)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _kind(c: OutCol) -> str:
    if c.kind.startswith("code:"):
        return "text"
    return c.kind


_EPOCH = date(1899, 12, 30).toordinal()


def _writer(ws: Any, fmt: Any, blanks: bool) -> Callable[[int, int, Any], None]:
    """How one column's cells are written, bound once: XlsxWriter's generic
    `write` dispatch is a third of an export's time. Dates go in as Excel
    serial numbers under a date format (what write_datetime computes)."""
    string, number, blank = ws.write_string, ws.write_number, ws.write_blank

    def write(r: int, c: int, v: Any) -> None:
        if v is None:
            if blanks:
                blank(r, c, None, fmt)
        elif isinstance(v, str):
            string(r, c, v, fmt)
        elif isinstance(v, date):
            number(r, c, v.toordinal() - _EPOCH, fmt)
        elif isinstance(v, bool):
            string(r, c, str(v), fmt)
        elif isinstance(v, int | float):
            number(r, c, v, fmt)
        else:
            string(r, c, str(v), fmt)

    return write


def _write(ws: Any, r: int, c: int, v: Any, kind: str, fmt: Any) -> None:
    if v is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, date):
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fmt)
    elif isinstance(v, bool):
        ws.write_string(r, c, str(v), fmt)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, fmt)
    else:
        # Text stays text: an ID number never becomes 4.30105E+17.
        ws.write_string(r, c, str(v), fmt)


def _sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Sheet1"


# -- HTML for printing -----------------------------------------------------------------------


def to_html(t: Table, font: str = "") -> str:
    """A register as an HTML table (rowspan/colspan like the .xlsx) for the
    desktop to lay out with QTextDocument and print or save as PDF."""
    e = html.escape
    fam = f"font-family:'{font}';" if font else ""
    out = [
        "<html><head><meta charset='utf-8'><style>"
        f"body{{{fam}font-size:8pt}} table{{border-collapse:collapse}} "
        "th,td{border:1px solid #000;padding:2px 3px} th{background:#eee}"
        "</style></head><body>",
        f"<h2 align='center'>{e(t.title)}</h2>",
        f"<p>{e(t.subtitle)}</p>" if t.subtitle else "",
        "<table width='100%' cellspacing='0' cellpadding='2' border='1'><thead>",
    ]
    cols = t.columns
    total_width = sum(c.width for c in cols) or 1

    def w(*cs: OutCol) -> str:
        # QTextDocument shares a table's width equally unless cells say otherwise.
        return f" width='{sum(c.width for c in cs) * 100 / total_width:.1f}%'"

    grouped = any(c.group for c in cols)
    if grouped:
        top: list[str] = []
        bottom: list[str] = []
        i = 0
        while i < len(cols):
            c = cols[i]
            if not c.group:
                top.append(f"<th rowspan='2'{w(c)}>{e(c.title)}</th>")
                i += 1
                continue
            j = i
            while j + 1 < len(cols) and cols[j + 1].group == c.group:
                j += 1
            top.append(f"<th colspan='{j - i + 1}'{w(*cols[i : j + 1])}>{e(c.group)}</th>")
            bottom.extend(f"<th{w(cols[k])}>{e(cols[k].title)}</th>" for k in range(i, j + 1))
            i = j + 1
        out.append("<tr>" + "".join(top) + "</tr><tr>" + "".join(bottom) + "</tr>")
    else:
        out.append("<tr>" + "".join(f"<th{w(c)}>{e(c.title)}</th>" for c in cols) + "</tr>")
    out.append("</thead><tbody>")
    merged = {i for i, c in enumerate(cols) if c.merge}
    starts = {a: b for a, b in t.blocks}
    inside: set[int] = {r for a, b in t.blocks for r in range(a + 1, b + 1)}
    for r, values in enumerate(t.rows):
        cells = []
        for i, v in enumerate(values):
            if i in merged and r in inside:
                continue
            span = f" rowspan='{starts[r] - r + 1}'" if i in merged and r in starts else ""
            cells.append(f"<td{span}>{e(_display(v, cols[i]))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if t.total_row is not None:
        out.append(
            "<tr>"
            + "".join(
                f"<td>{e(_display(v, c))}</td>" for v, c in zip(t.total_row, cols, strict=True)
            )
            + "</tr>"
        )
    out.append("</tbody></table>")
    if t.footer:
        out.append(f"<p>{e(t.footer)}</p>")
    out.append("</body></html>")
    return "".join(out)


def _display(v: Any, c: OutCol) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and c.kind == "money":
        return f"{v:,.2f}"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


__all__: Sequence[str] = ("safe_text", "to_html", "write_csv", "write_xlsx")
