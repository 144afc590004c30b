"""Data rows written straight as sheet XML inside an XlsxWriter workbook.

XlsxWriter keeps a tuple per cell and writes each one through half a dozen
calls: three quarters of the time of a 25,000-row export. Here each data row
is rendered once, as the XML XlsxWriter itself writes for those cells, and
stands in XlsxWriter's cell table as a single entry; the rest of the file
(headers, merges, styles, shared strings, print setup) stays XlsxWriter's.
The files are byte for byte those of XlsxWriter's own cell writes
(tests/transfer/test_export.py compares them), so an XlsxWriter upgrade that
changes its cell XML fails that test rather than the worker's file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_EPOCH = date(1899, 12, 30).toordinal()  # Excel's day 0 (what write_datetime counts from)


_NONE: set[int] = set()


class _Row:
    """A rendered data row: its cells' XML and its last column."""

    __slots__ = ("last", "xml")

    def __init__(self, xml: str, last: int) -> None:
        self.xml = xml
        self.last = last


class RowSheet(Worksheet):
    """A worksheet whose cell table may hold whole rendered rows."""

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        if type(cell) is _Row:
            self.fh.write(cell.xml)
        else:
            super()._write_cell(row, col, cell)

    def _calculate_spans(self) -> None:
        # XlsxWriter's (the "spans" of each block of 16 rows: first to last
        # column used), with a rendered row reaching to its last cell.
        if self.comments:
            super()._calculate_spans()
            return
        spans: dict[int, str] = {}
        lo = hi = -1
        table = self.table
        for r in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(r)
            if cells:
                first, last = min(cells), max(cells)
                if len(cells) == 1 and type(cells[first]) is _Row:
                    last = cells[first].last
                if lo < 0:
                    lo, hi = first, last
                else:
                    lo, hi = min(lo, first), max(hi, last)
            if ((r + 1) % 16 == 0 or r == self.dim_rowmax) and lo >= 0:
                spans[r // 16] = f"{lo + 1}:{hi + 1}"
                lo = -1
        self.row_spans = spans


def render(
    ws: RowSheet,
    rows: Sequence[Sequence[Any]],
    first: int,
    fmts: Sequence[Any],
    *,
    blanks: bool,
    block_of: dict[int, tuple[int, int]],
    merged: set[int],
    plain_row: Callable[[int, Sequence[Any], set[int]], None],
    check: Callable[[], None] | None = None,
) -> None:
    """Write `rows` from sheet row `first` on, column i in format `fmts[i]`,
    as XlsxWriter's write_string / write_number / write_blank would: dates
    as serial numbers, booleans as text, None as a formatted blank when
    `blanks` (else no cell). Rows in a block (`block_of`: data row -> its
    block's first and last) have their `merged` columns merged down the
    block, the value in the first row. A row XlsxWriter treats specially
    (text over its length limit, NaN, past the last sheet row) goes to
    `plain_row(sheet row, values, merged columns to leave as they are)`.

    The shared strings and the format numbers are taken in the order
    XlsxWriter takes them: the caller has numbered the formats of the rows
    above (the sheet's XML meets them first) and writes the rows below
    after this."""
    n = len(fmts)
    heads = [f'<c r="{xl_col_to_name(i)}' for i in range(n)]
    styles: list[str | None] = [None] * n
    sst = ws.str_table
    strings: dict[str, int] = sst.string_table
    table = ws.table
    dims = ws._check_dimensions
    long_text = ws.xls_strmax // 2  # XlsxWriter measures longer text in UTF-16
    last_row = ws.xls_rowmax - 1
    unique, used = sst.unique_count, 0
    merges: list[list[int]] = ws.merge
    merged_cols = sorted(merged)

    def style(i: int) -> str:
        s = styles[i] = f'" s="{fmts[i]._get_xf_index()}"'
        return s

    for r, values in enumerate(rows):
        if check is not None and r % 5000 == 0:
            check()
        x = first + r
        blk = block_of.get(r)
        skip: set[int] = _NONE
        if blk is not None:
            if r == blk[0]:
                # What merge_range records; the cells it would write (the value
                # and formatted blanks below it) are this loop's. The blocks
                # are disjoint, so its overlap check is not needed.
                below = x + blk[1] - blk[0]
                merges.extend([x, i, below, i] for i in merged_cols)
            else:
                skip = merged
        rn = str(x + 1)
        parts: list[str] = []
        lo = -1
        hi = 0
        row_unique, row_used = unique, used
        for i, v in enumerate(values):
            if v is None or i in skip:
                if not blanks:
                    continue
                parts.append(f"{heads[i]}{rn}{styles[i] or style(i)}/>")
            elif isinstance(v, date):
                parts.append(
                    f"{heads[i]}{rn}{styles[i] or style(i)}><v>{v.toordinal() - _EPOCH}</v></c>"
                )
            elif isinstance(v, int | float) and not isinstance(v, bool):
                if type(v) is float and not math.isfinite(v):
                    break
                parts.append(f"{heads[i]}{rn}{styles[i] or style(i)}><v>{v:.16G}</v></c>")
            else:
                t = v if isinstance(v, str) else str(v)
                if len(t) > long_text:
                    break
                idx = strings.get(t)
                if idx is None:
                    idx = strings[t] = unique
                    unique += 1
                used += 1
                parts.append(f'{heads[i]}{rn}{styles[i] or style(i)} t="s"><v>{idx}</v></c>')
            if lo < 0:
                lo = i
            hi = i
        else:
            if x <= last_row:
                if lo >= 0:
                    dims(x, lo)
                    dims(x, hi)
                    table[x] = {lo: _Row("".join(parts), hi)}
                continue
        # XlsxWriter's own writes for this row: forget the strings it took.
        for v in values:
            t = v if isinstance(v, str) else str(v)
            if strings.get(t, -1) >= row_unique:
                del strings[t]
        sst.unique_count, sst.count = row_unique, sst.count + row_used
        for i in skip:
            ws.write_blank(x, i, None, fmts[i])  # inside a merge, as merge_range leaves it
        plain_row(x, values, skip)
        unique, used = sst.unique_count, 0
        for c in sorted(table.get(x, ())):  # its formats numbered where the XML meets them
            fmt = getattr(table[x][c], "format", None)
            if fmt:
                fmt._get_xf_index()
    sst.unique_count, sst.count = unique, sst.count + used
