"""`jsxclient duplicates list|merge|dismiss`: two records of one person.

`list` shows the merge reviews (one ID number registered on two devices,
merged at sync, fields that differ) and the possible duplicates (same name,
birth date and village, no ID number). `merge KEPT OTHER` settles a review
or merges a suggestion, keeping KEPT's value of each differing field unless
`--take FIELD` says to take OTHER's; every write is a change that syncs.
`dismiss A B` says they are two people: not suggested again.
"""

from __future__ import annotations

import argparse
from typing import Any

from jsxclient.cli.common import CliError, open_store
from jsxclient.cli.exitcodes import ExitCode
from jsxcore import masking
from jsxcore import personmerge as pm

_KIND = {"review": ("合并审核", "merge review"), "possible": ("可能重复", "possible duplicate")}
_MASKED = {"id_number": "idnum", "mobile": "mobile"}


def add_parsers(subparsers: Any) -> None:
    d = subparsers.add_parser(
        "duplicates",
        help="重复人员：合并审核和可能重复 / duplicate persons: merge reviews and suggestions",
    )
    sub = d.add_subparsers(dest="duplicates_action", required=True, metavar="ACTION")
    sub.add_parser("list", help="列出待处理的重复人员 / list what waits for the worker")
    m = sub.add_parser("merge", help="合并两条人员记录 / merge OTHER into KEPT")
    m.add_argument("kept", metavar="KEPT", help="保留的人员 id / the person kept")
    m.add_argument("other", metavar="OTHER", help="另一条人员 id / the other record")
    m.add_argument(
        "--take",
        action="append",
        default=[],
        metavar="FIELD",
        choices=pm.FIELDS,
        help="这一项取另一条记录的值（可重复）/ take OTHER's value of FIELD (repeatable)",
    )
    x = sub.add_parser("dismiss", help="标为不是同一人 / mark as two people")
    x.add_argument("a", metavar="A")
    x.add_argument("b", metavar="B")
    d.set_defaults(func=cmd_duplicates)


def _show(f: str, v: Any) -> str:
    if pm.empty(v):
        return "—"
    return masking.mask(_MASKED[f], v) if f in _MASKED else str(v)


def cmd_duplicates(args: argparse.Namespace) -> int:
    from jsxclient.store.store import RecordNotFound, ValidationFailed
    from jsxclient.sync import duplicates

    store = open_store(args)
    try:
        found = duplicates.candidates(store)
        action = args.duplicates_action
        if action == "list":
            if not found:
                print("没有待处理的重复人员。\nNo duplicate persons to look at.")
            for c in found:
                zh, en = _KIND[c.kind]
                print(f"{zh} / {en}: {c.kept.get('name')}  {c.kept['id']}  {c.other['id']}")
                for d in c.comparison.differences:
                    print(f"    {d.field}: {_show(d.field, d.kept)} | {_show(d.field, d.other)}")
            return ExitCode.OK
        key = pm.pair(args.a, args.b) if action == "dismiss" else pm.pair(args.kept, args.other)
        cand = next((c for c in found if c.key == key), None)
        if cand is None:
            raise CliError(
                "没有这两条人员记录的合并审核或重复提示（用 list 查看）",
                "no merge review or suggestion for these two persons (see `list`)",
            )
        if action == "dismiss":
            if cand.kind == "review":
                raise CliError(
                    "身份证号码相同的人员已合并，只能审核不一致的项目",
                    "persons with one ID number are merged already: only their fields are reviewed",
                )
            duplicates.dismiss(store, args.a, args.b)
            print("已记下：这两条记录不是同一个人。\nNoted: these are two people.")
            return ExitCode.OK
        if cand.kind == "review" and args.kept != cand.kept["id"]:
            raise CliError(
                f"合并审核保留的人员是 {cand.kept['id']}",
                f"the person a merge review keeps is {cand.kept['id']}",
            )
        if cand.kind == "possible" and args.kept != cand.kept["id"]:
            cand = duplicates.Candidate(
                "possible", cand.other, cand.kept, pm.compare(cand.other, cand.kept)
            )
        differing = {d.field for d in cand.comparison.differences}
        stray = sorted(set(args.take) - differing)
        if stray:
            raise CliError(
                f"这两条记录的这些项目没有不一致：{', '.join(stray)}",
                f"the two records do not differ on: {', '.join(stray)}",
                ExitCode.USAGE,
            )
        choices: dict[str, pm.Side] = {f: "other" for f in args.take}
        try:
            if cand.kind == "review":
                duplicates.apply_review(store, args.kept, choices)
            else:
                duplicates.merge_persons(store, args.kept, args.other, choices)
        except (RecordNotFound, ValidationFailed) as exc:
            raise CliError(f"未能合并：{exc}", f"not merged: {exc}") from exc
        print(
            "已合并，将在下次同步时上传。\nMerged; the changes go to the server at the next sync."
        )
        return ExitCode.OK
    finally:
        store.close()
