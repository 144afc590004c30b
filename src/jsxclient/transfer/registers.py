"""The registers (台账) in their paper layout: which columns, under which
group headers, in which order, read straight from the store.

A register's headers use the words the importer recognises, so a register
exported in full (`Reveal`) imports back as the same records: the
special-family register lists a family's members on consecutive rows with the
family's own cells merged down them, as the paper books do, and the
activity register lists participants the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from jsxclient.transfer import audit
from jsxclient.transfer.errors import TransferError
from jsxclient.transfer.tables import Cells, OutCol, Reveal, Table, check_reveal


@dataclass(frozen=True)
class Filters:
    village: str | None = None
    date_from: str | None = None
    date_to: str | None = None


@dataclass(frozen=True)
class RegisterDef:
    name: str
    zh: str
    en: str
    kind: str  # the import kind that reads it back
    columns: tuple[OutCol, ...]
    rows: Callable[[sqlite3.Connection, Filters], list[tuple[Any, ...]]]
    block: str | None = None  # the key column whose equal rows form a block (merged cells)
    total: tuple[str, ...] = ()  # money columns summed in a 合计 row


def _c(
    key: str,
    title: str,
    kind: str = "text",
    width: float = 10,
    group: str = "",
    merge: bool = False,
) -> OutCol:
    return OutCol(key, title, kind, width, group, merge)


def _division_name(col: str) -> str:
    return f"(SELECT d.name FROM division d WHERE d.code = {col})"


def _where(f: Filters, village_col: str, date_col: str | None) -> tuple[str, list[Any]]:
    conds, params = [], []
    if f.village:
        conds.append(f"{village_col} = ?")
        params.append(f.village)
    if date_col and f.date_from:
        conds.append(f"{date_col} >= ?")
        params.append(f.date_from)
    if date_col and f.date_to:
        conds.append(f"{date_col} <= ?")
        params.append(f.date_to)
    return "".join(f" AND {c}" for c in conds), params


def _members(conn: sqlite3.Connection, f: Filters) -> list[tuple[Any, ...]]:
    w, p = _where(f, "m.division_code", "m.joined_on")
    return conn.execute(
        "SELECT p.name, p.sex, p.ethnicity, p.birth_date, p.id_number, p.education, "
        "p.political, p.mobile, p.address, "
        f"{_division_name('m.division_code')}, "
        "(SELECT g.name FROM membergroup g WHERE g.id = m.group_id), m.member_type, m.role, "
        "m.card_no, m.joined_on, m.left_on, m.status "
        "FROM member m JOIN person p ON p.id = m.person_id "
        f"WHERE m.deleted = 0{w} ORDER BY m.division_code, p.search_key, m.id",
        p,
    ).fetchall()


def _families(conn: sqlite3.Connection, f: Filters) -> list[tuple[Any, ...]]:
    w, p = _where(f, "f.division_code", "f.enrolled_on")
    contact = (
        "(SELECT group_concat(c.name, '、') FROM familycontact c WHERE c.family_id = f.id "
        "AND c.deleted = 0 AND c.kind = '{kind}')"
    )
    # The head first, then the others by relation; the family's own cells
    # repeat on each row and are merged when written.
    return conn.execute(
        "SELECT f.id, "
        f"{_division_name('f.division_code')}, f.category, f.disability_grade, f.event_date, "
        "p.name, CASE WHEN p.id = f.head_person_id THEN '02' ELSE fm.relation END, p.sex, "
        "p.birth_date, p.id_number, p.mobile, f.address, f.enrolled_on, f.doc_certificate, "
        "f.doc_death_or_disability, f.doc_household, f.family_doctor_signed, "
        f"f.priority_hospital, {contact.format(kind='township_cadre')}, "
        f"{contact.format(kind='village_cadre')}, f.status, f.notes, f.override_reason "
        "FROM specialfamily f JOIN familymember fm ON fm.family_id = f.id AND fm.deleted = 0 "
        "JOIN person p ON p.id = fm.person_id "
        "LEFT JOIN person hp ON hp.id = f.head_person_id "
        f"WHERE f.deleted = 0{w} "
        "ORDER BY f.division_code, hp.search_key, f.id, p.id != f.head_person_id, fm.relation, "
        "p.birth_date",
        p,
    ).fetchall()


def _visits(conn: sqlite3.Connection, f: Filters) -> list[tuple[Any, ...]]:
    w, p = _where(f, "v.division_code", "v.visit_date")
    return conn.execute(
        f"SELECT {_division_name('v.division_code')}, hp.name, hp.id_number, fam.category, "
        "v.visit_date, v.mode, v.visitor, v.physical_state, v.mental_state, v.needs, "
        "v.actions, v.aid_fen, v.major_event, v.follow_up_due "
        "FROM carevisit v JOIN specialfamily fam ON fam.id = v.family_id "
        "LEFT JOIN person hp ON hp.id = fam.head_person_id "
        f"WHERE v.deleted = 0{w} ORDER BY v.visit_date, v.division_code, hp.search_key, v.id",
        p,
    ).fetchall()


def _subsidies(conn: sqlite3.Connection, f: Filters) -> list[tuple[Any, ...]]:
    w, p = _where(f, "s.division_code", "s.admitted_on")
    return conn.execute(
        f"SELECT {_division_name('s.division_code')}, hp.name, hp.id_number, sp.name, "
        "sp.id_number, s.kind, s.hospital, s.admitted_on, s.discharged_on, s.days, s.rate_fen, "
        "s.amount_fen, s.status, s.reviewer, s.paid_on "
        "FROM caresubsidy s JOIN specialfamily fam ON fam.id = s.family_id "
        "LEFT JOIN person hp ON hp.id = fam.head_person_id "
        "LEFT JOIN person sp ON sp.id = s.person_id "
        f"WHERE s.deleted = 0{w} ORDER BY s.admitted_on, s.division_code, hp.search_key, s.id",
        p,
    ).fetchall()


def _activities(conn: sqlite3.Connection, f: Filters) -> list[tuple[Any, ...]]:
    w, p = _where(f, "a.division_code", "a.held_on")
    return conn.execute(
        "SELECT a.id, a.held_on, a.title, a.type, a.campaign, "
        f"{_division_name('a.division_code')}, "
        "a.place, a.partners, a.participant_count, a.materials_count, a.funds_raised_fen, "
        "a.families_visited, a.notes, p.name, p.id_number "
        "FROM activity a LEFT JOIN activityparticipant ap ON ap.activity_id = a.id "
        "AND ap.deleted = 0 LEFT JOIN person p ON p.id = ap.person_id "
        f"WHERE a.deleted = 0{w} ORDER BY a.held_on, a.division_code, a.id, p.search_key",
        p,
    ).fetchall()


def _volunteers(conn: sqlite3.Connection, f: Filters) -> list[tuple[Any, ...]]:
    w, p = _where(f, "v.division_code", "v.registered_on")
    return conn.execute(
        "SELECT p.name, p.sex, p.birth_date, p.id_number, p.mobile, "
        f"{_division_name('v.division_code')}, v.team_level, v.registration_no, v.skills, "
        "v.registered_on, v.active, (SELECT count(*) FROM volunteerpairing vp "
        "WHERE vp.volunteer_id = v.id AND vp.deleted = 0) "
        "FROM volunteer v JOIN person p ON p.id = v.person_id "
        f"WHERE v.deleted = 0{w} ORDER BY v.division_code, p.search_key, v.id",
        p,
    ).fetchall()


_SEQ = _c("seq", "序号", "seq", 6)
_BASIC, _CONTACT, _MEMBERSHIP = "基本情况", "联系方式", "会籍情况"

REGISTERS: dict[str, RegisterDef] = {
    r.name: r
    for r in (
        RegisterDef(
            "members",
            "会员花名册",
            "Member roster",
            "members",
            (
                _SEQ,
                _c("name", "姓名", "text", 9, _BASIC),
                _c("sex", "性别", "code:sex", 6, _BASIC),
                _c("ethnicity", "民族", "code:ethnicity", 7, _BASIC),
                _c("birth_date", "出生日期", "date", 11, _BASIC),
                _c("id_number", "身份证号", "idnum", 20, _BASIC),
                _c("education", "文化程度", "code:education", 12, _BASIC),
                _c("political", "政治面貌", "code:political", 10, _BASIC),
                _c("mobile", "手机号码", "mobile", 13, _CONTACT),
                _c("address", "住址", "text", 20, _CONTACT),
                _c("village", "村（社区）", "text", 12, _MEMBERSHIP),
                _c("group", "会员小组", "text", 12, _MEMBERSHIP),
                _c("member_type", "会员类型", "code:member_type", 9, _MEMBERSHIP),
                _c("role", "会员角色", "code:member_role", 9, _MEMBERSHIP),
                _c("card_no", "会员证号", "text", 12, _MEMBERSHIP),
                _c("joined_on", "入会时间", "date", 11, _MEMBERSHIP),
                _c("left_on", "退会时间", "date", 11, _MEMBERSHIP),
                _c("status", "会员状态", "code:member_status", 8, _MEMBERSHIP),
            ),
            _members,
        ),
        RegisterDef(
            "families",
            "计划生育特殊家庭台账",
            "Special-family register",
            "families",
            (
                _c("seq", "序号", "seq", 5, merge=True),
                _c("family_no", "户编号", "text", 7, merge=True),
                _c("village", "村（社区）", "text", 11, merge=True),
                _c("category", "家庭类别", "code:family_category", 8, merge=True),
                _c("disability_grade", "伤残等级", "code:disability_grade", 7, merge=True),
                _c("event_date", "子女死亡或伤残时间", "date", 11, merge=True),
                _c("name", "姓名", "text", 9, "家庭成员"),
                _c("relation", "与户主关系", "code:relation", 8, "家庭成员"),
                _c("sex", "性别", "code:sex", 5, "家庭成员"),
                _c("birth_date", "出生日期", "date", 11, "家庭成员"),
                _c("id_number", "身份证号", "idnum", 20, "家庭成员"),
                _c("mobile", "手机号码", "mobile", 13, "家庭成员"),
                _c("address", "家庭住址", "text", 18, merge=True),
                _c("enrolled_on", "纳入日期", "date", 11, merge=True),
                _c("doc_certificate", "独生子女证", "bool", 6, "档案材料", merge=True),
                _c("doc_death_or_disability", "死亡或伤残证明", "bool", 8, "档案材料", merge=True),
                _c("doc_household", "户口簿", "bool", 6, "档案材料", merge=True),
                _c("family_doctor_signed", "家庭医生签约", "bool", 7, merge=True),
                _c("priority_hospital", "就医绿色通道", "bool", 7, merge=True),
                _c("township_cadre", "乡镇干部", "text", 9, "双岗联系人", merge=True),
                _c("village_cadre", "村干部", "text", 9, "双岗联系人", merge=True),
                _c("status", "家庭状态", "code:family_status", 7, merge=True),
                _c("notes", "备注", "text", 14, merge=True),
                _c("override_reason", "登记理由", "text", 14, merge=True),
            ),
            _families,
            block="family_no",
        ),
        RegisterDef(
            "visits",
            "特殊家庭走访记录台账",
            "Care visit register",
            "visits",
            (
                _SEQ,
                _c("village", "村（社区）", "text", 11),
                _c("head_name", "户主姓名", "text", 9),
                _c("head_id_number", "户主身份证号", "idnum", 20),
                _c("category", "家庭类别", "code:family_category", 8),
                _c("visit_date", "走访日期", "date", 11),
                _c("mode", "走访方式", "code:visit_mode", 9),
                _c("visitor", "走访人", "text", 9),
                _c("physical_state", "身体状况", "code:wellbeing", 7),
                _c("mental_state", "心理状况", "code:wellbeing", 7),
                _c("needs", "需求", "text", 18),
                _c("actions", "帮扶措施", "text", 18),
                _c("aid_fen", "慰问金额（元）", "money", 10),
                _c("major_event", "重大事项", "bool", 7),
                _c("follow_up_due", "下次跟进日期", "date", 11),
            ),
            _visits,
            total=("aid_fen",),
        ),
        RegisterDef(
            "subsidies",
            "关怀补贴发放台账",
            "Care subsidy register",
            "subsidies",
            (
                _SEQ,
                _c("village", "村（社区）", "text", 11),
                _c("head_name", "户主姓名", "text", 9),
                _c("head_id_number", "户主身份证号", "idnum", 20),
                _c("name", "补贴对象", "text", 9),
                _c("id_number", "补贴对象身份证号", "idnum", 20),
                _c("kind", "补贴类别", "code:subsidy_kind", 12),
                _c("hospital", "医院", "text", 16),
                _c("admitted_on", "入院日期", "date", 11),
                _c("discharged_on", "出院日期", "date", 11),
                _c("days", "住院天数", "int", 7),
                _c("rate_fen", "日补贴标准（元）", "money", 9),
                _c("amount_fen", "补贴金额（元）", "money", 11),
                _c("status", "发放状态", "code:subsidy_status", 7),
                _c("reviewer", "审核人", "text", 8),
                _c("paid_on", "发放日期", "date", 11),
            ),
            _subsidies,
            total=("amount_fen",),
        ),
        RegisterDef(
            "activities",
            "活动台账",
            "Activity register",
            "activities",
            (
                _c("seq", "序号", "seq", 5, merge=True),
                _c("held_on", "活动日期", "date", 11, merge=True),
                _c("title", "活动名称", "text", 20, merge=True),
                _c("type", "活动类型", "code:activity_type", 8, merge=True),
                _c("campaign", "主题活动", "code:campaign", 12, merge=True),
                _c("village", "村（社区）", "text", 11, merge=True),
                _c("place", "活动地点", "text", 14, merge=True),
                _c("partners", "合作单位", "text", 14, merge=True),
                _c("participant_count", "参与人数", "int", 7, merge=True),
                _c("materials_count", "发放资料（份）", "int", 8, merge=True),
                _c("funds_raised_fen", "募集资金（元）", "money", 10, merge=True),
                _c("families_visited", "走访家庭（户）", "int", 8, merge=True),
                _c("notes", "备注", "text", 14, merge=True),
                _c("name", "参与人姓名", "text", 9, "参与人名单"),
                _c("id_number", "参与人身份证号", "idnum", 20, "参与人名单"),
            ),
            _activities,
            block="activity",
        ),
        RegisterDef(
            "volunteers",
            "志愿者台账",
            "Volunteer register",
            "volunteers",
            (
                _SEQ,
                _c("name", "姓名", "text", 9),
                _c("sex", "性别", "code:sex", 5),
                _c("birth_date", "出生日期", "date", 11),
                _c("id_number", "身份证号", "idnum", 20),
                _c("mobile", "手机号码", "mobile", 13),
                _c("village", "村（社区）", "text", 11),
                _c("team_level", "队伍层级", "code:volunteer_level", 8),
                _c("registration_no", "注册编号", "text", 14),
                _c("skills", "服务特长", "text", 16),
                _c("registered_on", "注册日期", "date", 11),
                _c("active", "在岗", "bool", 6),
                _c("pairings", "结对家庭（户）", "int", 8),
            ),
            _volunteers,
        ),
    )
}


def register(name: str) -> RegisterDef:
    try:
        return REGISTERS[name]
    except KeyError:
        raise TransferError(
            "register.unknown",
            f"没有名为“{name}”的台账",
            f"No register {name!r}; one of {', '.join(REGISTERS)}",
        ) from None


def build(
    conn: sqlite3.Connection,
    name: str,
    township_name: str,
    filters: Filters | None = None,
    *,
    lang: str = "zh",
    reveal: Reveal | None = None,
    today: date | None = None,
) -> Table:
    """A register's table: title, columns, rows, merged blocks and total."""
    check_reveal(reveal)
    d = register(name)
    f = filters or Filters()
    raw = d.rows(conn, f)
    cell = Cells(lang, reveal)
    cols = list(d.columns)
    data_cols = [c for c in cols if c.kind != "seq" and c.key != "family_no"]
    convert = [cell.converter(c.kind) for c in data_cols]
    rows: list[list[Any]] = []
    blocks: list[tuple[int, int]] = []
    if d.block:
        # The first raw column is the block's record id (a family, an activity).
        seq = 0
        start = 0
        current: Any = object()
        for i, r in enumerate(raw):
            if r[0] != current:
                if i:
                    blocks.append((start, i - 1))
                current, start, seq = r[0], i, seq + 1
            values = [f(v) for f, v in zip(convert, r[1:], strict=True)]
            head = [seq, str(seq)] if d.block == "family_no" else [seq]
            rows.append(head + values)
        if raw:
            blocks.append((start, len(raw) - 1))
    else:
        for i, r in enumerate(raw):
            rows.append([i + 1, *(f(v) for f, v in zip(convert, r, strict=True))])
    total: list[Any] | None = None
    if d.total and rows:
        sums: list[Any] = ["合计" if lang == "zh" else "Total"] + [None] * (len(cols) - 1)
        for k in d.total:
            i = [c.key for c in cols].index(k)
            sums[i] = round(sum(r[i] or 0 for r in rows), 2)
        total = sums
    if reveal is not None:
        audit.revealed(f"register:{name}", len(rows), reveal.reason, reveal.user)
    title = d.en if lang.startswith("en") else d.zh
    day = (today or date.today()).isoformat()
    period = ""
    if f.date_from or f.date_to:
        period = f"　　期间：{f.date_from or '…'} 至 {f.date_to or '…'}"
    return Table(
        title=f"{township_name}{title}" if lang == "zh" else f"{title}, {township_name}",
        columns=cols,
        rows=rows,
        subtitle=f"填报单位：{township_name}计划生育协会{period}　　导出日期：{day}"
        f"　　共 {len(blocks) if d.block else len(rows)} 条",
        blocks=blocks,
        total_row=total,
        footer="填表人：　　　　　　审核人：　　　　　　填报日期：",
        sheet_name=title[:31],
    )
