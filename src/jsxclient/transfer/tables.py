"""What an export writes: a `Table` of typed cells, from a list (with the
filters and sort the worker has on screen) or from a register (台账) in its
paper layout. The writers (`writers.py`) turn a table into .xlsx, .csv or
HTML for printing.

ID numbers and mobiles are masked unless the worker asks for them in full,
with a reason (`Reveal`); every such export goes through `audit.revealed`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jsxclient.store.queries import paging
from jsxclient.store.queries.lists import LISTS, ListDef
from jsxclient.store.queries.paging import Query
from jsxclient.transfer import audit
from jsxclient.transfer.errors import TransferError
from jsxcore import codes

PAGE = 5000


@dataclass(frozen=True)
class Reveal:
    """Full ID numbers and mobiles, asked for with a reason."""

    reason: str
    user: str = ""


@dataclass(frozen=True)
class OutCol:
    key: str
    title: str
    kind: str = "text"  # text, date, code:<table>, bool, money, int, idnum, mobile, sync, seq
    width: float = 12
    group: str = ""  # the merged header cell above (paper registers)
    merge: bool = False  # merged down a group of rows (a family's or an activity's cells)


@dataclass
class Table:
    title: str
    columns: list[OutCol]
    rows: list[list[Any]] = field(default_factory=list)
    subtitle: str = ""
    # Rows i..j (0-based, inclusive) that belong together: merged columns span them.
    blocks: list[tuple[int, int]] = field(default_factory=list)
    total_row: list[Any] | None = None
    footer: str = ""
    sheet_name: str = "Sheet1"
    landscape: bool = True


def mask_id(number: str | None) -> str:
    """430***********123X: the issuing area and the last four only."""
    if not number:
        return ""
    n = str(number)
    return n if len(n) <= 7 else n[:3] + "*" * (len(n) - 7) + n[-4:]


def mask_mobile(number: str | None) -> str:
    """138****5678."""
    if not number:
        return ""
    n = str(number)
    return n if len(n) < 8 else n[:3] + "*" * (len(n) - 7) + n[-4:]


_SYNC = {
    "synced": ("已同步", "Synced"),
    "pending": ("待同步", "Pending"),
    "rejected": ("被拒绝", "Rejected"),
    "conflict": ("冲突", "Conflict"),
}


class Cells:
    """Stored values to typed cells: codes to labels, fen to yuan, masks."""

    def __init__(self, lang: str = "zh", reveal: Reveal | None = None) -> None:
        self.lang = "en" if lang.lower().startswith("en") else "zh"
        self.reveal = reveal

    def converter(self, kind: str) -> Callable[[Any], Any]:
        """`self(kind, value)` for one column, decided once (a list of 25,000
        rows converts 300,000 cells)."""
        if kind in ("text", "seq", "") or (kind in ("idnum", "mobile") and self.reveal):
            return lambda v: None if v == "" else v
        if kind == "int":
            return lambda v: None if v is None or v == "" else int(v)
        if kind == "date":
            days: dict[Any, Any] = {}  # a roster's 25,000 birth dates repeat

            def day(v: Any) -> Any:
                if not v:
                    return None
                d = days.get(v)
                if d is None:
                    d = days[v] = _day(v)
                return d

            return day
        if kind.startswith("code:"):
            table = codes.CODE_TABLES[kind[5:]]
            lang = self.lang

            def code(v: Any) -> Any:
                if v is None or v == "":
                    return None
                entry = table.get(str(v))
                return str(v) if entry is None else entry[lang]  # type: ignore[literal-required]

            return code
        return lambda v: self(kind, v)

    def __call__(self, kind: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        if kind.startswith("code:"):
            return codes.label(kind[5:], str(value), self.lang)
        if kind == "date":
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                return str(value)
        if kind == "money":
            return int(value) / 100
        if kind == "int":
            return int(value)
        if kind == "bool":
            yes, no = ("Yes", "No") if self.lang == "en" else ("是", "否")
            return yes if value else no
        if kind == "idnum":
            return str(value) if self.reveal else mask_id(str(value))
        if kind == "mobile":
            return str(value) if self.reveal else mask_mobile(str(value))
        if kind == "sync":
            zh, en = _SYNC.get(str(value), (str(value), str(value)))
            return en if self.lang == "en" else zh
        return value


def _day(v: Any) -> Any:
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return str(v)


def check_reveal(reveal: Reveal | None) -> None:
    if reveal is not None and not reveal.reason.strip():
        raise TransferError(
            "reveal.reason",
            "导出完整身份证号和手机号须填写理由",
            "Give a reason for exporting full ID numbers and mobiles",
        )


# -- lists ------------------------------------------------------------------------------------

#: Headers of list columns, Chinese and English (the desktop passes its own,
#: translated through Qt; the command line uses these).
LIST_TITLES: dict[str, tuple[str, str]] = {
    "name": ("姓名", "Name"),
    "sex": ("性别", "Sex"),
    "birth_date": ("出生日期", "Birth date"),
    "id_number": ("身份证号", "ID number"),
    "mobile": ("手机号码", "Mobile"),
    "village": ("村（社区）", "Village"),
    "group": ("会员小组", "Member group"),
    "member_type": ("会员类型", "Member type"),
    "role": ("角色", "Role"),
    "card_no": ("会员证号", "Card no."),
    "joined_on": ("入会日期", "Joined"),
    "status": ("状态", "Status"),
    "sync": ("同步", "Sync"),
    "team_level": ("队伍层级", "Team level"),
    "registration_no": ("注册编号", "Registration no."),
    "skills": ("服务特长", "Skills"),
    "registered_on": ("注册日期", "Registered"),
    "active": ("在岗", "Active"),
    "pairings": ("结对家庭", "Paired families"),
    "head": ("户主", "Head of family"),
    "category": ("类别", "Category"),
    "disability_grade": ("伤残等级", "Disability grade"),
    "enrolled_on": ("纳入日期", "Enrolled"),
    "family_doctor_signed": ("家庭医生签约", "Family doctor"),
    "last_visit": ("最近走访", "Last visit"),
    "held_on": ("日期", "Date"),
    "title": ("活动名称", "Title"),
    "type": ("类型", "Type"),
    "campaign": ("主题活动", "Campaign"),
    "place": ("地点", "Place"),
    "participant_count": ("参与人数", "Participants"),
    "families_visited": ("走访家庭", "Families visited"),
    "funds_raised_fen": ("募集资金（元）", "Funds raised (yuan)"),
    "kind": ("类别", "Kind"),
    "address": ("地址", "Address"),
    "opened_on": ("建成日期", "Opened"),
    "six": ("“六有”达标项", "Six-point checklist"),
    "year": ("年度", "Year"),
    "level": ("级别", "Level"),
    "fund_source": ("资金来源", "Fund source"),
    "amount_fen": ("金额（元）", "Amount (yuan)"),
    "sites": ("阵地数", "Sites"),
    "rate_fen": ("日补贴标准（元）", "Daily rate (yuan)"),
}


def list_titles(lang: str = "zh") -> dict[str, str]:
    i = 1 if lang.lower().startswith("en") else 0
    return {k: v[i] for k, v in LIST_TITLES.items()}


def list_rows(
    conn: sqlite3.Connection, d: ListDef, q: Query, page: int = PAGE
) -> Iterator[tuple[Any, ...]]:
    """Every row of a list in its current order, a page at a time."""
    after: tuple[Any, ...] | None = None
    while True:
        p = paging.page(conn, d, q, after, limit=page)
        yield from p.rows
        if p.after is None:
            return
        after = p.after


def list_table(
    conn: sqlite3.Connection,
    list_name: str,
    query: Query,
    *,
    title: str = "",
    titles: Mapping[str, str] | None = None,
    hidden: Sequence[str] = (),
    lang: str = "zh",
    reveal: Reveal | None = None,
) -> Table:
    """A list as it stands on screen: its filters, search and sort."""
    check_reveal(reveal)
    d = LISTS[list_name]
    names = titles or list_titles(lang)
    shown = [(i, c) for i, c in enumerate(d.columns) if c.key not in hidden]
    cols = [
        OutCol(c.key, names.get(c.key, c.key), c.kind, _width(c.kind, names.get(c.key, c.key)))
        for _i, c in shown
    ]
    cell = Cells(lang, reveal)
    convert = [(i, cell.converter(c.kind)) for i, c in shown]
    rows = [[f(r[i]) for i, f in convert] for r in list_rows(conn, d, query)]
    if reveal is not None:
        audit.revealed(f"list:{list_name}", len(rows), reveal.reason, reveal.user)
    return Table(title or list_name, cols, rows, sheet_name=(title or list_name)[:31])


def _width(kind: str, title: str) -> float:
    base = {"idnum": 21, "date": 12, "mobile": 14, "money": 12, "int": 9, "bool": 8}.get(kind, 12)
    return max(base, min(40, 2.2 * len(title) + 2))
