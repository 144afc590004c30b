"""Finding the table in a sheet and which column holds what.

Registers rarely start at A1: a title ("XX镇计生协会员花名册", merged across
the page), a unit and date line, then a header of one or two rows with
merged group cells ("基本情况" over 姓名, 性别 ...). The header is the row
(or pair of rows) within the first `SCAN_ROWS` that names the most known
fields; a lower header cell is read together with the group cell above it,
so "户主" over "姓名" reads as 户主姓名.

A `Mapping` says, per column, which field it fills (None: not imported). The
worker may change it; it is remembered per *shape* (the kind and the header
texts), so next month's file of the same register maps itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any

from jsxclient.transfer.errors import TransferError
from jsxclient.transfer.fields import IGNORED_HEADERS, KindDef
from jsxclient.transfer.readers import Merge, Sheet
from jsxcore.textvalues import fold, fold_all

SCAN_ROWS = 30
SAMPLES = 3

_BRACKETS = re.compile(r"\([^)]*\)")


def header_key(text: Any) -> str:
    """A header for matching: full-width folded, no spaces, no required-field
    stars or trailing colon, lower case."""
    if text is None:
        return ""
    s = fold_all(str(text)).replace(" ", "").replace("*", "").rstrip(":").lower()
    return s


def _table(kind: KindDef) -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact: dict[str, str] = {}
    for f in kind.fields:
        for a in f.aliases:
            exact.setdefault(header_key(a), f.key)
    # Longest first, so 户主身份证号 wins over 身份证号 inside "户主身份证号码".
    by_length = sorted(exact.items(), key=lambda kv: -len(kv[0]))
    return exact, [(a, k) for a, k in by_length if len(a) >= 2]


def recognise(kind: KindDef, text: Any) -> str | None:
    """The field a header names, or None."""
    key = header_key(text)
    if not key or key in IGNORED_HEADERS:
        return None
    exact, ordered = _table(kind)
    if key in exact:
        return exact[key]
    bare = _BRACKETS.sub("", key)
    if bare in exact:
        return exact[bare]
    for alias, fkey in ordered:
        if alias in key:
            return fkey
    return None


@dataclass
class Column:
    index: int
    header: str  # as shown (group and sub-header joined)
    field: str | None
    samples: list[str] = dc_field(default_factory=list)


@dataclass
class Mapping:
    kind: str
    header_rows: tuple[int, ...]  # 0-based sheet rows of the header
    data_start: int  # 0-based first data row
    columns: list[Column]

    @property
    def shape(self) -> str:
        """Same register, same shape: the kind and the header texts."""
        text = "\x1f".join([self.kind, *(header_key(c.header) for c in self.columns)])
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

    def fields(self) -> dict[int, str]:
        return {c.index: c.field for c in self.columns if c.field}

    def set(self, index: int, field_key: str | None) -> None:
        """Map column `index` to `field_key`; a field is filled by one column,
        so another column holding it is unmapped."""
        for c in self.columns:
            if field_key and c.field == field_key and c.index != index:
                c.field = None
            if c.index == index:
                c.field = field_key

    def to_json(self) -> dict[str, Any]:
        """The portable form (`--mapping FILE`): header text -> field."""
        return {
            "kind": self.kind,
            "columns": {c.header: c.field for c in self.columns if c.header},
        }

    def apply(self, saved: dict[str, Any]) -> None:
        cols = saved.get("columns", {})
        if not isinstance(cols, dict):
            raise TransferError(
                "mapping.invalid",
                "对应关系文件格式不对",
                "The mapping file is not valid",
            )
        keys = {header_key(h): v for h, v in cols.items()}
        for c in self.columns:
            k = header_key(c.header)
            if k in keys:
                c.field = keys[k] or None


def _fill_merged(rows: list[list[Any]], merged: Sequence[Merge]) -> None:
    """Every cell of a merged range holds the range's value (Excel keeps it
    in the top-left cell only): a group header spans its sub-columns, a
    family's category spans its members' rows."""
    height = len(rows)
    for r0, c0, r1, c1 in merged:
        if r0 >= height:
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        if value is None:
            continue
        for r in range(r0, min(r1, height - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if row[c] is None:
                    row[c] = value


def _label(upper: Any, lower: Any) -> str:
    u = "" if upper is None else fold(str(upper))
    lo = "" if lower is None else fold(str(lower))
    if not lo or lo == u:
        return u
    if not u:
        return lo
    return f"{u}{lo}"


_DIGITS = re.compile(r"\d{4}")


def _header_like(row: Sequence[Any]) -> bool:
    """Header cells are words: a row with numbers, dates or long digit runs
    (ID numbers, phones, years) is data, whatever words its text contains."""
    for c in row:
        if c is None:
            continue
        if not isinstance(c, str) or _DIGITS.search(c):
            return False
    return True


def _score(kind: KindDef, labels: Sequence[str]) -> int:
    return len({f for f in (recognise(kind, t) for t in labels) if f})


def locate(kind: KindDef, sheet: Sheet) -> Mapping:
    """The header rows and a first mapping of `sheet` for `kind`. Merged
    cells are filled into the sheet's rows in place."""
    rows = sheet.rows
    _fill_merged(rows, sheet.merged)
    n = min(SCAN_ROWS, len(rows))
    singles = [["" if c is None else fold(str(c)) for c in rows[r]] for r in range(n)]
    single_scores = [_score(kind, labels) for labels in singles]
    # (score, prefer single rows, prefer earlier rows), header rows, labels
    best: tuple[tuple[int, int, int], tuple[int, ...], list[str]] | None = None
    for r in range(n):
        options: list[tuple[tuple[int, int, int], tuple[int, ...], list[str]]] = [
            ((single_scores[r], 1, -r), (r,), singles[r])
        ]
        if r + 1 < n and _header_like(rows[r + 1]):
            pair = [_label(u, lo) for u, lo in zip(rows[r], rows[r + 1], strict=True)]
            s = _score(kind, pair)
            # A two-row header must name more than either of its rows alone.
            if s > max(single_scores[r], single_scores[r + 1]):
                options.append(((s, 0, -r), (r, r + 1), pair))
        for rank, header_rows, labels in options:
            if best is None or rank > best[0]:
                best = (rank, header_rows, labels)
    if best is None or best[0][0] < 2:
        names = "、".join(f.zh for f in kind.fields if f.required) or kind.fields[0].zh
        raise TransferError(
            "header.missing",
            f"在前 {SCAN_ROWS} 行中找不到{kind.zh}表的表头（如：{names}）。请确认选择了正确的"
            "工作表和导入类型",
            f"No header for {kind.en.lower()} in the first {SCAN_ROWS} rows. Check the sheet "
            "and the kind of import",
        )
    _, header_rows, labels = best
    columns = []
    used: set[str] = set()
    for i, text in enumerate(labels):
        f = recognise(kind, text)
        if f in used:
            f = None  # the first column naming a field fills it
        if f:
            used.add(f)
        columns.append(Column(i, text, f))
    m = Mapping(kind.name, header_rows, header_rows[-1] + 1, columns)
    _drop_empty_columns(m, rows)
    for c in m.columns:
        c.samples = _samples(rows, m.data_start, c.index)
    return m


def _drop_empty_columns(m: Mapping, rows: list[list[Any]]) -> None:
    keep = []
    for c in m.columns:
        if c.header or any(r[c.index] is not None for r in rows[m.data_start : m.data_start + 200]):
            keep.append(c)
    m.columns = keep


def sample_text(v: Any) -> str:
    """A cell as Excel shows it (12.0 as 12, a rounded ID as 4.30105E+17)."""
    if isinstance(v, float):
        if abs(v) >= 1e15:
            return f"{v:.5E}"
        if v.is_integer():
            return str(int(v))
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()[:30]


def _samples(rows: list[list[Any]], start: int, col: int) -> list[str]:
    out: list[str] = []
    for r in rows[start:]:
        v = r[col]
        if v is not None and str(v).strip():
            out.append(sample_text(v))
            if len(out) >= SAMPLES:
                break
    return out


def load_mapping_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TransferError(
            "mapping.invalid",
            f"无法读取对应关系文件 {path}",
            f"Cannot read the mapping file {path}: {exc}",
        ) from exc
    if not isinstance(data, dict):
        raise TransferError(
            "mapping.invalid", "对应关系文件格式不对", "The mapping file is not valid"
        )
    return data
