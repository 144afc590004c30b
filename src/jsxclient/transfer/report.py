"""The row report: each refused row as it was in the file, with why, so the
worker can correct the rows in the report itself and import it again (its
extra columns are ignored on import)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsxclient.transfer.fields import KindDef
from jsxclient.transfer.plan import Plan, Unit
from jsxclient.transfer.writers import _replace
from jsxcore.messages import Issue

# Names for fields the records have but the kinds do not (from the write path).
_OTHER: dict[str, tuple[str, str]] = {
    "division_code": ("村（社区）", "Village"),
    "person_id": ("人员", "Person"),
    "family_id": ("特殊家庭", "Special family"),
    "association_id": ("协会", "Association"),
    "override_reason": ("登记理由", "Reason"),
    "head_person_id": ("户主", "Head of family"),
}


def field_label(k: KindDef, key: str, lang: str = "zh") -> str:
    en = lang.lower().startswith("en")
    for f in k.fields:
        if f.key == key:
            return f.en if en else f.zh
    zh_en = _OTHER.get(key)
    if zh_en:
        return zh_en[1] if en else zh_en[0]
    return key


def issue_text(k: KindDef, issue: Issue, lang: str = "zh") -> str:
    text = issue.text(lang)
    name = field_label(k, issue.field, lang) if issue.field else ""
    if not name or text.startswith(name) or "第" in text[:2] or text.startswith("Row"):
        return text
    return f"{name}：{text}" if not lang.startswith("en") else f"{name}: {text}"


def unit_reason(k: KindDef, u: Unit, lang: str = "zh") -> str:
    seen: list[str] = []
    for i in u.errors:
        t = issue_text(k, i, lang)
        if t not in seen:
            seen.append(t)
    return "；".join(seen) if not lang.startswith("en") else "; ".join(seen)


@dataclass(frozen=True)
class ReportRow:
    row: int  # 1-based, as Excel numbers rows
    label: str
    status: str  # refused, duplicate, new, update, unchanged
    reason: str


def rows(plan: Plan, lang: str = "zh") -> list[ReportRow]:
    """Every unit's outcome, refused ones first."""
    en = lang.lower().startswith("en")
    out: list[ReportRow] = []
    for u in plan.units:
        first = u.rows[0] + 1
        if not u.ok:
            out.append(ReportRow(first, u.label, "refused", unit_reason(plan.kind, u, lang)))
        elif u.duplicate == "file":
            why = (
                f"Same as row {(u.first_row or 0) + 1}"
                if en
                else f"与第 {(u.first_row or 0) + 1} 行重复"
            )
            out.append(ReportRow(first, u.label, "duplicate", why))
        elif u.duplicate == "store":
            why = "Already in the store" if en else "数据库中已有"
            if not u.changed:
                why += " (no change)" if en else "（内容相同）"
            out.append(ReportRow(first, u.label, "duplicate", why))
        else:
            out.append(ReportRow(first, u.label, "new", ""))
    out.sort(key=lambda r: (r.status != "refused", r.row))
    return out


def write(plan: Plan, path: Path, lang: str = "zh") -> int:
    """The refused rows with an error column (first) and their sheet row
    numbers; returns how many rows were written."""
    import xlsxwriter

    en = lang.lower().startswith("en")
    refused = [u for u in plan.units if not u.ok]
    sheet = plan.sheet
    header: list[Any] = []
    for r in plan.mapping.header_rows:
        header = [
            h if h is not None else p
            for h, p in zip(sheet.rows[r], header or sheet.rows[r], strict=False)
        ]
    labels = [c.header for c in plan.mapping.columns]

    def write_file(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False})
        try:
            ws = wb.add_worksheet("错误报告" if not en else "Refused rows")
            bold = wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
            red = wb.add_format({"font_color": "#C00000", "text_wrap": True, "valign": "top"})
            text = wb.add_format({"num_format": "@", "valign": "top"})
            date_f = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
            ws.write_string(0, 0, "错误原因" if not en else "错误原因 (why refused)", bold)
            ws.write_string(0, 1, "原表行号", bold)
            for j, label in enumerate(labels):
                ws.write_string(0, j + 2, label or "", bold)
            ws.set_column(0, 0, 60)
            ws.set_column(1, 1, 8)
            ws.set_column(2, 2 + len(labels), 14)
            out = 1
            for u in refused:
                reason = unit_reason(plan.kind, u, lang)
                for k, r in enumerate(u.rows):
                    ws.write_string(out, 0, reason if k == 0 else "", red)
                    ws.write_number(out, 1, r + 1)
                    cells = sheet.rows[r]
                    for j, c in enumerate(plan.mapping.columns):
                        v = cells[c.index] if c.index < len(cells) else None
                        if v is None:
                            continue
                        if hasattr(v, "isoformat") and not isinstance(v, str):
                            ws.write(out, j + 2, v, date_f)
                        elif isinstance(v, int | float) and not isinstance(v, bool):
                            ws.write_number(out, j + 2, v)
                        else:
                            ws.write_string(out, j + 2, str(v), text)
                    out += 1
            ws.freeze_panes(1, 2)
        finally:
            wb.close()

    _replace(path, write_file)
    return sum(len(u.rows) for u in refused)
