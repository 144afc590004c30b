"""`jsxclient import` and `jsxclient export`, for scripts as well as people.

    jsxclient import FILE --kind members [--mapping FILE] [--dry-run]
                          [--on-duplicate update|skip] [--report FILE.xlsx]
    jsxclient export --kind members --format xlsx|csv -o FILE [--register]

Exit status (`ExitCode`, the whole table in `jsxclient --help`): 0 done
(import: every row imported or a duplicate handled as asked); 1 the file or
the arguments were refused (not a spreadsheet, encrypted, too big, no
header, a required column not mapped ...), nothing written; 11 import: some
rows were refused, so nothing was written; 12 import with --skip-bad-rows:
the good rows were imported, some refused; 130 cancelled, nothing written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from jsxclient.cli.common import open_store
from jsxclient.cli.exitcodes import ExitCode
from jsxclient.transfer.errors import TransferError
from jsxclient.transfer.fields import KINDS

# Lists an export can write without --register (visits and subsidies are
# read family by family on screen: as a whole they are registers).
LIST_OF_KIND = {
    "members": "member",
    "volunteers": "volunteer",
    "families": "specialfamily",
    "activities": "activity",
    "sites": "site",
    "projects": "project",
}


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="从 Excel/CSV 导入花名册、台账 / import a register from .xlsx, .xls, .ods or .csv",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, help="要导入的文件 / the file to import")
    p.add_argument("--kind", required=True, choices=list(KINDS), help="导入什么 / what it holds")
    p.add_argument("--sheet", help="工作表名称（默认：第一个有数据的） / sheet name")
    p.add_argument(
        "--mapping",
        type=Path,
        help="列对应关系文件（JSON：表头 -> 字段） / mapping file (JSON: header -> field)",
    )
    p.add_argument(
        "--save-mapping", type=Path, help="把使用的对应关系存为文件 / write the mapping used"
    )
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入 / check only")
    p.add_argument(
        "--on-duplicate",
        choices=("update", "skip"),
        default="skip",
        help="已有的记录：更新或跳过（默认跳过） / records that exist: update or skip",
    )
    p.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="有错误的行不导入，其余照常导入 / import the good rows, refuse the bad ones",
    )
    p.add_argument(
        "--village", help="文件没有“村（社区）”列时，全部记入此村 / village for every row"
    )
    p.add_argument(
        "--reason",
        default="",
        help="特殊家庭不完全符合条件时的登记理由 / reason to enrol families missing a criterion",
    )
    p.add_argument(
        "--report", type=Path, help="把被拒绝的行及原因存为 .xlsx / write refused rows to .xlsx"
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="报告语言 / report language")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export",
        help="导出列表或台账到 Excel/CSV / export a list or a register to .xlsx or .csv",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--kind", required=True, choices=[*KINDS, "sites", "projects"])
    p.add_argument("--format", choices=("xlsx", "csv"), help="默认按文件扩展名 / default: by -o")
    p.add_argument("-o", "--output", type=Path, required=True, help="输出文件 / file to write")
    p.add_argument(
        "--register",
        action="store_true",
        help="按纸质台账格式（标题、合并表头、打印设置） / the register's paper layout",
    )
    p.add_argument("--village", help="只导出此村 / one village only (name or code)")
    p.add_argument("--from", dest="date_from", help="起始日期 / from date (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="截止日期 / to date (YYYY-MM-DD)")
    p.add_argument("--search", default="", help="列表搜索 / list search text")
    p.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="列表筛选，如 status=active / list filter",
    )
    p.add_argument("--sort", default="", help="排序列 / sort column")
    p.add_argument("--desc", action="store_true", help="倒序 / descending")
    p.add_argument(
        "--full",
        action="store_true",
        help="完整身份证号和手机号（须 --reason，将记入审计） / unmasked numbers (needs --reason)",
    )
    p.add_argument("--reason", default="", help="导出完整号码的理由 / why full numbers")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(func=cmd_export)


def _fail(exc: TransferError) -> int:
    print(f"错误 / error: {exc.zh} / {exc.en}", file=sys.stderr)
    return ExitCode.ERROR


def cmd_import(args: argparse.Namespace) -> int:
    from jsxclient.transfer import importer, report
    from jsxclient.transfer.plan import Options

    store = open_store(args)
    try:
        try:
            sheet_arg: str | int | None = args.sheet
            sheet, mapping = importer.open_file(
                store, args.file, args.kind, sheet=sheet_arg, mapping_file=args.mapping
            )
            if args.save_mapping:
                args.save_mapping.write_text(
                    json.dumps(mapping.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
                )
            plan = importer.preview(
                store, sheet, mapping, Options(village=args.village, reason=args.reason)
            )
        except TransferError as exc:
            return _fail(exc)
        k = plan.kind
        mapped = ", ".join(f"{c.header}→{c.field}" for c in mapping.columns if c.field)
        print(
            f"工作表 / sheet: {sheet.name}（第 {mapping.data_start + 1} 行起 / from row "
            f"{mapping.data_start + 1}）; {mapped}"
        )
        refused, dups, new = plan.refused, plan.duplicates, plan.new
        print(
            f"{k.zh}：新增 {len(new)}，重复 {len(dups)}，错误 {len(refused)}，"
            f"跳过空行或合计行 {len(plan.skipped)} / {k.en}: {len(new)} new, {len(dups)} "
            f"duplicates, {len(refused)} refused, {len(plan.skipped)} blank or total rows skipped"
        )
        for u in refused[:20]:
            print(
                f"  第 {u.rows[0] + 1} 行 / row {u.rows[0] + 1} {u.label}: "
                f"{report.unit_reason(k, u, args.lang)}",
                file=sys.stderr,
            )
        if len(refused) > 20:
            print(f"  … {len(refused) - 20} more", file=sys.stderr)
        if args.report and refused:
            report.write(plan, args.report, args.lang)
            print(f"错误报告 / report: {args.report}")
        if args.dry_run:
            print("试运行，未写入 / dry run: nothing written")
            return ExitCode.ROWS_REFUSED if refused else ExitCode.OK
        if refused and not args.skip_bad_rows:
            print(
                "有错误的行，未写入任何数据（可用 --skip-bad-rows 只导入正确的行） / rows were "
                "refused, so nothing was written (--skip-bad-rows imports the others)",
                file=sys.stderr,
            )
            return ExitCode.ROWS_REFUSED
        try:
            result = importer.commit(store, plan, args.on_duplicate)
        except TransferError as exc:
            return _fail(exc)
        importer.remember(store, mapping)
        parts = ", ".join(f"{e} +{n}" for e, n in result.inserted.items())
        upd = ", ".join(f"{e} ~{n}" for e, n in result.updated.items())
        print(f"已导入 / imported: {parts or '-'}{'; ' + upd if upd else ''}")
        return ExitCode.PARTIAL if refused else ExitCode.OK
    finally:
        store.close()


def cmd_export(args: argparse.Namespace) -> int:
    from jsxclient.store.queries.paging import Query
    from jsxclient.transfer import exporter
    from jsxclient.transfer.plan import Villages
    from jsxclient.transfer.registers import Filters
    from jsxclient.transfer.tables import Reveal
    from jsxcore.messages import DomainError

    store = open_store(args)
    try:
        reveal = (
            Reveal(args.reason, os.environ.get("JSXCLIENT_USER", store.user)) if args.full else None
        )
        try:
            village = None
            if args.village:
                try:
                    village = Villages(store.db.connection(), store.township_code or "").find(
                        args.village, allow_township=True
                    )
                except DomainError as exc:
                    raise TransferError("export.village", exc.issue.zh, exc.issue.en) from exc
            register = args.register or args.kind not in LIST_OF_KIND
            if register:
                n = exporter.export_register(
                    store,
                    args.kind,
                    args.output,
                    Filters(village, args.date_from, args.date_to),
                    fmt=args.format,
                    lang=args.lang,
                    reveal=reveal,
                )
            else:
                filters: dict[str, Any] = dict(f.split("=", 1) for f in args.filter if "=" in f)
                if village:
                    filters["village"] = village
                if args.date_from:
                    filters["date_from"] = args.date_from
                if args.date_to:
                    filters["date_to"] = args.date_to
                q = Query(args.search, filters, args.sort, args.desc)
                n = exporter.export_list(
                    store,
                    LIST_OF_KIND[args.kind],
                    args.output,
                    q,
                    fmt=args.format,
                    lang=args.lang,
                    reveal=reveal,
                )
        except TransferError as exc:
            return _fail(exc)
        except KeyError as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return ExitCode.ERROR
        print(f"已导出 {n} 行到 {args.output} / exported {n} rows to {args.output}")
        return ExitCode.OK
    finally:
        store.close()
