"""The monthly report (月报) as an .xlsx workbook, in memory.

One fixed layout a county reads at a glance, the same from a township's
client and from the server's sum over a county: sheet 1 the figures against
their targets, sheet 2 one row per village (or per township of a sum).
Written with XlsxWriter (already the client's export library) into bytes,
so both sides share it and the caller decides where the file goes.
"""

from __future__ import annotations

import io
from typing import Any

from jsxcore.indicators.catalogue import CATALOGUE, GROUPS, Indicator
from jsxcore.indicators.figures import Report, unit_label

_NUM_FORMAT = {
    "count": "#,##0",
    "person_times": "#,##0",
    "percent": "0.0%",
    "yuan": "#,##0.00",
    "days": "0.0",
    "per_village_month": "0.00",
}
_PART_FORMAT = {**_NUM_FORMAT, "yuan": "#,##0.00"}


def title(report: Report, lang: str = "zh") -> str:
    if lang.lower().startswith("en"):
        return f"{report.division_name} — monthly report, {report.period.label('en')}"
    return f"{report.division_name}计生协工作报表（{report.period.label('zh')}）"


def workbook_bytes(report: Report, lang: str = "zh") -> bytes:
    en = lang.lower().startswith("en")
    buf = io.BytesIO()
    # Imported here: the 统计 page imports this module and should not wait
    # for XlsxWriter (0.1-0.2 s) before it shows; only a file needs it.
    import xlsxwriter

    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    base = {"font_name": "SimSun", "font_size": 10, "border": 1, "valign": "vcenter"}
    f_title = wb.add_format(
        {"bold": True, "font_size": 16, "align": "center", "font_name": "SimHei"}
    )
    f_sub = wb.add_format({"font_size": 10, "align": "center", "font_name": "SimSun"})
    f_head = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#DDEBF7"})
    f_text = wb.add_format({**base, "text_wrap": True})
    f_center = wb.add_format({**base, "align": "center"})
    f_group = wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True})
    f_num = {u: wb.add_format({**base, "num_format": nf}) for u, nf in _NUM_FORMAT.items()}
    f_met = wb.add_format({**base, "align": "center", "font_color": "#2E7D32"})
    f_unmet = wb.add_format({**base, "align": "center", "font_color": "#C62828", "bold": True})

    ws = wb.add_worksheet("月报" if not en else "Report")
    heads = (
        ["No.", "Group", "Indicator", "Unit", "Numerator", "Denominator", "Actual", "Target",
         "Met", "Definition"]
        if en
        else ["序号", "类别", "指标", "单位", "分子", "分母", "实际", "目标", "达标", "口径说明"]
    )  # fmt: skip
    widths = [5, 12, 24, 10, 11, 11, 11, 9, 7, 60]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    last = len(heads) - 1
    ws.merge_range(0, 0, 0, last, title(report, lang), f_title)
    sub = (
        f"Period {report.period.start} to {report.period.end}; computed {report.computed_at}"
        if en
        else f"统计期间：{report.period.start} 至 {report.period.end}　　生成时间："
        f"{report.computed_at}"
    )
    ws.merge_range(1, 0, 1, last, sub, f_sub)
    # Two header rows: "this period" spans numerator, denominator, actual.
    for c in (0, 1, 2, 3, 7, 8, 9):
        ws.merge_range(2, c, 3, c, heads[c], f_head)
    ws.merge_range(2, 4, 2, 6, "This period" if en else "本期", f_head)
    for c in (4, 5, 6):
        ws.write(3, c, heads[c], f_head)
    row = 4
    n = 0
    for g in GROUPS:
        inds = [i for i in CATALOGUE if i.group == g.id and i.id in report.figures]
        if not inds:
            continue
        first = row
        for ind in inds:
            n += 1
            f = report.figures[ind.id]
            ws.write(row, 0, n, f_center)
            ws.write(row, 2, ind.name(lang), f_text)
            ws.write(row, 3, unit_label(ind, lang), f_center)
            ws.write_number(row, 4, f.numerator, f_num[_count_unit(ind)])
            if f.denominator is None:
                ws.write_blank(row, 5, None, f_text)
            else:
                ws.write_number(row, 5, f.denominator, f_num[_count_unit(ind)])
            _write_value(ws, row, 6, ind, f.value, f_num, f_text)
            _write_value(ws, row, 7, ind, f.target, f_num, f_text)
            met = f.met
            if met is None:
                ws.write_blank(row, 8, None, f_center)
            else:
                label = ("yes" if met else "NO") if en else ("达标" if met else "未达标")
                ws.write(row, 8, label, f_met if met else f_unmet)
            ws.write(row, 9, ind.definition(lang), f_text)
            row += 1
        label = g.en if en else g.zh
        if row - 1 > first:
            ws.merge_range(first, 1, row - 1, 1, label, f_group)
        else:
            ws.write(first, 1, label, f_group)
    ws.freeze_panes(4, 3)
    _print_setup(ws, 2, 3)

    _parts_sheet(wb, report, lang, base, f_title, f_head, f_text)
    wb.close()
    return buf.getvalue()


def _count_unit(ind: Indicator) -> str:
    return "yuan" if ind.unit == "yuan" else "count"


def _write_value(
    ws: Any, row: int, col: int, ind: Indicator, value: float | None, fmts: Any, blank: Any
) -> None:
    if value is None:
        ws.write_blank(row, col, None, blank)
    else:
        ws.write_number(row, col, value, fmts[ind.unit])


def _parts_sheet(
    wb: Any, report: Report, lang: str, base: dict[str, Any], f_title: Any, f_head: Any, f_text: Any
) -> None:
    en = lang.lower().startswith("en")
    aggregate = any(len(c) == 12 and c.endswith("000") for c, _ in report.parts[1:])
    name = (
        ("By township" if aggregate else "By village")
        if en
        else ("分乡镇" if aggregate else "分村")
    )
    ws = wb.add_worksheet(name)
    inds = [i for i in CATALOGUE if i.id in report.figures]
    fmts = {u: wb.add_format({**base, "num_format": nf}) for u, nf in _PART_FORMAT.items()}
    ws.set_column(0, 0, 22)
    ws.set_column(1, len(inds), 11)
    ws.merge_range(0, 0, 0, len(inds), title(report, lang), f_title)
    ws.merge_range(1, 0, 2, 0, "Division" if en else "单位", f_head)
    col = 1
    for g in GROUPS:
        members = [i for i in inds if i.group == g.id]
        if not members:
            continue
        label = g.en if en else g.zh
        if len(members) > 1:
            ws.merge_range(1, col, 1, col + len(members) - 1, label, f_head)
        else:
            ws.write(1, col, label, f_head)
        for i in members:
            ws.write(
                2,
                col,
                i.name(lang),
                wb.add_format(
                    {
                        **base,
                        "bold": True,
                        "text_wrap": True,
                        "align": "center",
                        "bg_color": "#DDEBF7",
                    }
                ),
            )
            col += 1
    ws.set_row(2, 48)
    order = {i.id: k for k, i in enumerate(inds)}
    row = 3
    for code, pname in [*report.parts, ("", "Total" if en else "合计")]:
        ws.write(row, 0, pname, f_text)
        for ind in inds:
            f = report.figures[ind.id]
            v = f.value if code == "" else f.part_value(code)
            _write_value(ws, row, 1 + order[ind.id], ind, v, fmts, f_text)
        row += 1
    ws.freeze_panes(3, 1)
    _print_setup(ws, 1, 2)


def _print_setup(ws: Any, head_first: int, head_last: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(head_first, head_last)
    ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    ws.set_footer("&C第 &P 页，共 &N 页")
