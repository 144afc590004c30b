"""The monthly report (月报) on paper: the figures table, then the charts,
laid out on A4 landscape for a PDF file, the print preview and the printer.

The table is HTML laid out by QTextDocument; the charts are painted by
`jsxclient.ui.charts`, the same code as on the 统计 page. The CLI imports
this module only when asked for a PDF (it needs a QGuiApplication; an
offscreen one does when there is no display).
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from jsxclient.ui.charts import Chart, paint
from jsxclient.ui.printing import cjk_font
from jsxcore.indicators.catalogue import CATALOGUE, GROUPS, INDICATORS
from jsxcore.indicators.figures import Figure, Report, format_value, unit_label
from jsxcore.indicators.sheet import title

Trend = Mapping[str, Sequence[tuple[str, Figure]]]

#: The indicators charted by village and month by month.
CHARTED = tuple(i.id for i in CATALOGUE if i.chart)


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang.lower().startswith("en") else zh


def report_html(report: Report, lang: str = "zh") -> str:
    """The figures table of the report."""
    head = [
        _t(lang, "类别", "Group"),
        _t(lang, "指标", "Indicator"),
        _t(lang, "单位", "Unit"),
        _t(lang, "分子", "Numerator"),
        _t(lang, "分母", "Denominator"),
        _t(lang, "实际", "Actual"),
        _t(lang, "目标", "Target"),
        _t(lang, "达标", "Met"),
    ]
    out = [
        f"<h2 align='center'>{html.escape(title(report, lang))}</h2>",
        "<p align='center'>"
        + html.escape(
            _t(
                lang,
                f"统计期间：{report.period.start} 至 {report.period.end}"
                f"　生成时间：{report.computed_at}",
                f"Period {report.period.start} to {report.period.end}; computed "
                f"{report.computed_at}",
            )
        )
        + "</p>",
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>",
        "<tr>" + "".join(f"<th bgcolor='#DDEBF7'>{h}</th>" for h in head) + "</tr>",
    ]
    for g in GROUPS:
        figs = [
            report.figures[i.id] for i in CATALOGUE if i.group == g.id and i.id in report.figures
        ]
        for k, f in enumerate(figs):
            ind = f.spec
            cells = []
            if k == 0:
                cells.append(f"<td rowspan='{len(figs)}'><b>{_t(lang, g.zh, g.en)}</b></td>")
            met = f.met
            met_text = (
                ""
                if met is None
                else (_t(lang, "达标", "yes") if met else _t(lang, "未达标", "NO"))
            )
            color = "" if met is None else ("#2E7D32" if met else "#C62828")
            num_unit = (
                INDICATORS["subsidies_paid_yuan"] if ind.unit == "yuan" else INDICATORS["members"]
            )
            cells += [
                f"<td>{html.escape(ind.name(lang))}</td>",
                f"<td align='center'>{html.escape(unit_label(ind, lang))}</td>",
                f"<td align='right'>{format_value(num_unit, f.numerator)}</td>",
                "<td align='right'>"
                + ("" if f.denominator is None else format_value(num_unit, f.denominator))
                + "</td>",
                f"<td align='right'><b>{format_value(ind, f.value)}</b></td>",
                "<td align='right'>"
                + ("" if f.target is None else format_value(ind, f.target))
                + "</td>",
                f"<td align='center'><font color='{color}'>{met_text}</font></td>",
            ]
            out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def charts_for(
    report: Report, trend: Trend | None = None, lang: str = "zh", village: str | None = None
) -> list[Chart]:
    """A bar chart by village and a monthly trend of each charted figure;
    with `village`, its bar stands out and the trend is its own."""
    charts: list[Chart] = []
    villages = [(c, n) for c, n in report.parts if c != report.division_code]
    for ind_id in CHARTED:
        f = report.figures.get(ind_id)
        if f is None:
            continue
        ind = f.spec

        def fmt(v: float, ind: object = ind) -> str:
            return format_value(ind, v)  # type: ignore[arg-type]

        charts.append(
            Chart(
                "bars",
                _t(lang, f"{ind.zh}（分村）", f"{ind.en} by village"),
                [(_short(n), f.part_value(c)) for c, n in villages],
                f.target,
                ind.better != "lower",
                fmt,
                ind_id,
                next((k for k, (c, _) in enumerate(villages) if c == village), None),
            )
        )
        if trend and ind_id in trend:
            charts.append(
                Chart(
                    "trend",
                    _t(lang, f"{ind.zh}（逐月）", f"{ind.en}, month by month")
                    + (f" — {_short(dict(villages).get(village, ''))}" if village else ""),
                    [
                        (k[2:], m.value if village is None else m.part_value(village))
                        for k, m in trend[ind_id]
                    ],
                    f.target if ind.unit == "percent" else None,
                    ind.better != "lower",
                    fmt,
                    ind_id,
                )
            )
    return charts


def _short(name: str) -> str:
    for suffix in ("社区居委会", "村民委员会", "居委会", "村委会"):
        if name.endswith(suffix):
            return name[: -len(suffix)] or name
    return name


def printer_for_pdf(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    setup(printer)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def setup(printer: QPrinter) -> None:
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 10, 12, 10),
            QPageLayout.Unit.Millimeter,
        )
    )


def render(printer: QPrinter, report: Report, charts: Sequence[Chart], lang: str = "zh") -> None:
    """Paint the report onto `printer`: the table's pages, then the charts,
    four to a page."""
    family = cjk_font()
    page = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
    page.moveTo(0, 0)
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(printer)
    font = QFont(family) if family else QFont()
    font.setPointSizeF(9)
    doc.setDefaultFont(font)
    doc.setHtml(report_html(report, lang))
    doc.setPageSize(QSizeF(page.width(), page.height()))
    p = QPainter(printer)
    try:
        for n in range(doc.pageCount()):
            if n:
                printer.newPage()
            p.save()
            p.translate(0, -n * page.height())
            doc.drawContents(p, QRectF(0, n * page.height(), page.width(), page.height()))
            p.restore()
        for k in range(0, len(charts), 4):
            printer.newPage()
            w, h = page.width() / 2, page.height() / 2
            for j, chart in enumerate(charts[k : k + 4]):
                cell = QRectF((j % 2) * w, (j // 2) * h, w, h).adjusted(
                    w * 0.03, h * 0.04, -w * 0.03, -h * 0.04
                )
                paint(p, cell, chart, family)
    finally:
        p.end()


def ensure_app() -> QGuiApplication:
    """The Qt application a PDF needs; offscreen when there is no display."""
    app = QGuiApplication.instance()
    if app is None:
        # Windows always has its platform; a Linux server or cron job may not.
        headless = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
        if sys.platform.startswith("linux") and headless:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["jsxclient"])
    assert isinstance(app, QGuiApplication)
    return app


def save_pdf(report: Report, path: Path, trend: Trend | None = None, lang: str = "zh") -> None:
    ensure_app()
    render(printer_for_pdf(path), report, charts_for(report, trend, lang), lang)
