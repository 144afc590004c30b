"""`jsxclient indicators` and `jsxclient report`: the township's figures for
a period, for scripts and for the county.

    jsxclient indicators --period 2026-10 [--json] [--village CODE]
    jsxclient report --period 2026-10 --format xlsx|pdf -o FILE [--lang en]
    jsxclient submit --period 2026-10      (the next sync sends it to the county)
    jsxclient submissions [--json]         (what was submitted, the county's answers)
    jsxclient review list|accept ID|return ID --comment ..|sum --period P [--xlsx F]
                                           (a county reviewer's side)

Periods: 2026-10 (month), 2026-Q3, 2026-H1, 2026, or 2026-01-01..2026-03-31.
Exit status (`ExitCode`): 0 done; 1 refused (an unreadable period, no
township in the store, a file that cannot be written, a report the county
has accepted already), nothing written.
The PDF is drawn with Qt offscreen: no display is needed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jsxclient.cli.common import CliError, open_store
from jsxclient.cli.exitcodes import ExitCode
from jsxcore.indicators.figures import Report, format_value, unit_label
from jsxcore.indicators.periods import Period, parse_period
from jsxcore.messages import DomainError


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "indicators",
        help="指标完成情况 / the indicators of a period against their targets",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--period", required=True, help="统计期间，如 2026-10 / period, e.g. 2026-10")
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    p.add_argument("--village", help="只看一个村（代码） / one village (its code)")
    p.add_argument("--lang", default="zh", choices=("zh", "en"))
    p.set_defaults(func=run_indicators)

    r = sub.add_parser(
        "report",
        help="生成月报（xlsx 或 PDF） / write the monthly report as .xlsx or PDF",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("--period", required=True, help="统计期间，如 2026-10 / period, e.g. 2026-10")
    r.add_argument(
        "--format", choices=("xlsx", "pdf"), help="默认按文件扩展名 / default: by suffix"
    )
    r.add_argument("-o", "--output", type=Path, required=True, help="输出文件 / output file")
    r.add_argument("--lang", default="zh", choices=("zh", "en"))
    r.set_defaults(func=run_report)

    s = sub.add_parser(
        "submit",
        help="上报月报到县级（下次同步时发送） / submit the report to the county (sent at the "
        "next sync)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("--period", required=True, help="统计期间，如 2026-10 / period, e.g. 2026-10")
    s.set_defaults(func=run_submit)

    ls = sub.add_parser(
        "submissions",
        help="已上报的月报及县级审核结果 / submitted reports and the county's answers",
    )
    ls.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    ls.set_defaults(func=run_submissions)

    rv = sub.add_parser(
        "review",
        help="县级审核：查看、通过或退回乡镇月报，汇总 / county review: list, accept or return "
        "townships' reports, sum them",
        description="A county reviewer's side, on a computer connected with the reviewer's "
        "account (jsxclient connect). Exit status: 0 done; 1 refused (bad period or "
        "arguments); 3 offline; 4 not connected or login expired; 9 the server refused "
        "(not a reviewer, a report outside the area, a return without a comment).",
    )
    rsub = rv.add_subparsers(dest="review_action", required=True, metavar="ACTION")
    rl = rsub.add_parser("list", help="已上报的月报 / the reports submitted in the area")
    rl.add_argument("--period", help="如 2026-10 / e.g. 2026-10")
    rl.add_argument("--division", help="区划代码 / a division inside the area")
    rl.add_argument("--json", action="store_true")
    ra = rsub.add_parser("accept", help="审核通过 / accept a report")
    ra.add_argument("id")
    rr = rsub.add_parser("return", help="退回并说明原因 / return a report with the reason")
    rr.add_argument("id")
    rr.add_argument("--comment", required=True, help="退回原因 / why")
    rs = rsub.add_parser("sum", help="汇总辖区的月报 / sum the area's reports")
    rs.add_argument("--period", required=True)
    rs.add_argument("--division", help="区划代码 / a division inside the area")
    rs.add_argument("--xlsx", type=Path, help="写入 .xlsx / write the table as .xlsx")
    rs.add_argument("--lang", default="zh", choices=("zh", "en"))
    rv.set_defaults(func=run_review)


def period_arg(text: str) -> Period:
    try:
        return parse_period(text)
    except DomainError as exc:
        raise CliError(exc.issue.zh, exc.issue.en) from exc


def figures_json(report: Report, village: str | None = None) -> dict[str, Any]:
    out = []
    for f in report.ordered():
        ind = f.spec
        n, d = (
            (f.numerator, f.denominator)
            if village is None
            else f.parts.get(village, (0.0, 0.0 if f.denominator is not None else None))
        )
        value = f.value if village is None else f.part_value(village)
        out.append(
            {
                "id": ind.id,
                "name_zh": ind.zh,
                "name_en": ind.en,
                "unit": ind.unit,
                "kind": ind.kind,
                "numerator": n,
                "denominator": d,
                "value": value,
                "target": f.target,
                "met": f.met if village is None else None,
                "villages": {k: {"numerator": a, "denominator": b} for k, (a, b) in f.parts.items()}
                if village is None
                else {},
            }
        )
    return {
        "township": report.division_code,
        "township_name": report.division_name,
        "period": report.period.key,
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
        "village": village,
        "computed_at": report.computed_at,
        "indicators": out,
    }


def _report(args: argparse.Namespace) -> tuple[Any, Report]:
    from jsxclient.reports.files import township_report

    period = period_arg(args.period)
    store = open_store(args)
    try:
        return store, township_report(store, period)
    except LookupError as exc:
        store.close()
        raise CliError(
            "本数据库还没有乡镇，请先运行 jsxclient init",
            "this store has no township yet; run init",
        ) from exc


def run_indicators(args: argparse.Namespace) -> int:
    store, report = _report(args)
    try:
        village = args.village
        if village and village not in {c for c, _ in report.parts}:
            raise CliError(
                f"{village} 不是本乡镇的村（社区）", f"{village} is not a village of this township"
            )
        if args.json:
            json.dump(figures_json(report, village), sys.stdout, ensure_ascii=False, indent=2)
            print()
            return ExitCode.OK
        lang = args.lang
        print(f"{report.division_name}  {report.period.label(lang)}")
        for f in report.ordered():
            ind = f.spec
            value = f.value if village is None else f.part_value(village)
            # Words, not ✓/✗: a Windows console in GBK has no check mark.
            met = (
                ""
                if f.met is None or village
                else (
                    ("met" if f.met else "NOT MET")
                    if lang == "en"
                    else ("达标" if f.met else "未达标")
                )
            )
            target = "" if f.target is None else format_value(ind, f.target)
            print(
                f"{ind.name(lang):<16}\t{format_value(ind, value):>10} {unit_label(ind, lang)}"
                f"\t{target}\t{met}"
            )
        return ExitCode.OK
    finally:
        store.close()


def run_report(args: argparse.Namespace) -> int:
    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "pdf"):
        raise CliError(
            "请用 --format xlsx 或 pdf 指定格式", "name the format with --format xlsx or pdf"
        )
    store, report = _report(args)
    try:
        from jsxclient.reports import files
        from jsxclient.store.store import Forbidden

        try:
            store.require("export")
        except Forbidden as exc:
            raise CliError(exc.zh, exc.en) from exc

        try:
            if fmt == "xlsx":
                files.write_xlsx(report, args.output, args.lang)
            else:
                from jsxclient.ui import reportpdf

                trend = files.township_trend(store, report.period)
                tmp = args.output.with_name(f".{args.output.name}.part")
                reportpdf.save_pdf(report, tmp, trend, args.lang)
                tmp.replace(args.output)
        except OSError as exc:
            raise CliError(
                f"无法写入 {args.output}：{exc.strerror}", f"cannot write: {exc}"
            ) from exc
        store.audit("export", args.output.name, detail=f"report {report.period.key}")
        print(f"已生成 {args.output} / wrote {args.output}")
        return ExitCode.OK
    finally:
        store.close()


def run_submit(args: argparse.Namespace) -> int:
    from jsxclient.reports import submit

    store, report = _report(args)
    try:
        try:
            submit.submit(store, report)
        except DomainError as exc:
            raise CliError(exc.issue.zh, exc.issue.en) from exc
        print(
            f"已上报 {report.period.label('zh')} 月报，下次同步时发送到县级 / submitted the report "
            f"for {report.period.label('en')}; the next sync sends it to the county"
        )
        return ExitCode.OK
    finally:
        store.close()


def run_submissions(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jsxclient.reports import submit

    store = open_store(args)
    try:
        rows = submit.submissions(store.db.connection(), store.township_code or "")
        if args.json:
            json.dump([asdict(r) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
            print()
            return ExitCode.OK
        for r in rows:
            sent = "" if r.sync_state == "synced" else " (未发送 / not sent yet)"
            answer = f"  {r.reviewed_by or ''} {r.reviewed_at or ''} {r.review_comment or ''}"
            print(f"{r.period}\t{r.state}{sent}\t{r.submitted_at or ''}{answer.rstrip()}")
        return ExitCode.OK
    finally:
        store.close()


def run_review(args: argparse.Namespace) -> int:
    from jsxclient.cli.sync import _error as sync_error
    from jsxclient.sync.account import make_transport
    from jsxclient.sync.errors import SyncError
    from jsxcore.protocol import (
        AggregateResponse,
        ReportListResponse,
        ReportSummary,
        ReviewRequest,
    )

    store = open_store(args)
    try:
        try:
            with make_transport(store) as t:
                action = args.review_action
                if action == "list":
                    params = {
                        k: v for k, v in (("period", args.period), ("division", args.division)) if v
                    }
                    if args.period:
                        period_arg(args.period)
                    rows = t.call("GET", "/reports", ReportListResponse, params=params).reports
                    if args.json:
                        json.dump(
                            [r.model_dump() for r in rows], sys.stdout, ensure_ascii=False, indent=2
                        )
                        print()
                    for r in [] if args.json else rows:
                        print(
                            f"{r.id}\t{r.division_name}\t{r.period}\t{r.state}\t"
                            f"{r.submitted_at or ''}\t{r.review_comment or ''}".rstrip()
                        )
                elif action in ("accept", "return"):
                    req = ReviewRequest(
                        state="accepted" if action == "accept" else "returned",
                        comment=getattr(args, "comment", "") or "",
                    )
                    r = t.call("POST", f"/reports/{args.id}/review", ReportSummary, body=req)
                    print(f"{r.division_name} {r.period}: {r.state}")
                else:
                    period = period_arg(args.period)
                    params = {"period": period.key}
                    if args.division:
                        params["division"] = args.division
                    agg = t.call("GET", "/reports/aggregate", AggregateResponse, params=params)
                    _print_sum(agg, args)
        except SyncError as exc:
            return sync_error(exc)
        return ExitCode.OK
    finally:
        store.close()


def _print_sum(agg: Any, args: argparse.Namespace) -> None:
    from jsxclient.reports.files import write_bytes
    from jsxcore.indicators.figures import from_snapshot
    from jsxcore.indicators.sheet import workbook_bytes

    total = from_snapshot(agg.snapshot)
    lang = args.lang
    print(f"{total.division_name}  {total.period.label(lang)}  ({len(total.parts)})")
    for f in total.ordered():
        print(f"{f.spec.name(lang):<16}\t{format_value(f.spec, f.value):>10}")
    if agg.missing:
        print("未上报 / not submitted: " + "、".join(m.name for m in agg.missing))
    if args.xlsx:
        write_bytes(args.xlsx, workbook_bytes(total, lang))
        print(f"已生成 {args.xlsx} / wrote {args.xlsx}")
