"""Values as people type them and spreadsheets keep them, read into wire form.

A form's date editor or a code combo box only ever produces clean values; a
register kept in Excel or WPS does not: dates as serial numbers or as
``1990.1.1``, ``1990/01/01`` and ``1990年1月1日``, full-width digits and
spaces, code values as words (男, 汉族, 党员), money in yuan with a ``￥``,
ID numbers that Excel turned into ``4.30105E+17``. The functions here read
those into the wire form the records keep (``YYYY-MM-DD``, codes, fen, 0/1)
or raise :class:`DomainError` with a message in Chinese and English. No I/O:
imports, the command line, the server and typed form input can all use them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from jsxcore import codes
from jsxcore.messages import DomainError, Issue
from jsxcore.validation import parse_id_number

# Excel's day 0 (serials count from 1900-01-01 = 1, and keep Lotus's
# phantom 1900-02-29, so from March 1900 on the epoch is 1899-12-30).
_EXCEL_EPOCH = date(1899, 12, 30)
# Serials this side of 1900-2100 are dates; a register has no others.
_SERIAL_MIN, _SERIAL_MAX = 61, 73415

_SPACES = re.compile(r"\s+")
_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.年]\s*)(?P<m>\d{1,2})\s*(?:[-/.月]\s*)(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
    re.ASCII,
)
_COMPACT_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})", re.ASCII)
_SCIENTIFIC_RE = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")


def _issue(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError(Issue(field, code, zh, en))


# Full-width digits and Latin letters (what Chinese input methods produce
# in "full-width" mode) to ASCII; Chinese punctuation stays as it is.
_WIDE = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
}


def fold(text: str) -> str:
    """Free text as typed: full-width digits and letters to ASCII, any
    whitespace (the ideographic space too) to one space, trimmed. Chinese
    punctuation (，（） …) is kept."""
    return _SPACES.sub(" ", text.translate(_WIDE)).strip()


def fold_all(text: str) -> str:
    """For matching and numbers: every compatibility form to its plain one
    (NFKC: full-width punctuation too, （ to ( and ． to .), spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def shown(value: Any, limit: int = 24) -> str:
    """A cell as a message quotes it."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    s = str(value).strip()
    return s if len(s) <= limit else s[:limit] + "…"


def text(value: Any) -> str | None:
    """A text cell: folded; numbers Excel stored for text ("12" kept as 12.0)
    written back without the ".0"."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date):
        return parse_date(value).isoformat()  # type: ignore[union-attr]
    return fold(str(value)) or None


def person_name(value: Any) -> str | None:
    """A Chinese name without the spaces registers pad two-character names
    with (张　三); names in Latin letters keep their single spaces."""
    s = text(value)
    if s is None:
        return None
    if any("\u4e00" <= ch <= "\u9fff" for ch in s):
        s = s.replace(" ", "")
    return s


# -- dates --------------------------------------------------------------------------


def excel_serial_date(serial: float) -> date:
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _date_error(field: str, value: Any) -> DomainError:
    s = shown(value)
    return _issue(
        field,
        "date.format",
        f"“{s}”不是有效的日期，可写作 2024-05-29、2024/5/29、2024.5.29 或 2024年5月29日",
        f"“{s}” is not a valid date; write it as 2024-05-29, 2024/5/29, 2024.5.29 or 2024年5月29日",
    )


def parse_date(value: Any, field: str = "") -> date | None:
    """A date from a cell: a date, an Excel serial number, or text in the
    usual forms (``1990-01-01``, ``1990/1/1``, ``1990.1.1``, ``1990年1月1日``,
    ``19900101``, full-width digits too). Empty gives None."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _date_error(field, value)
    if isinstance(value, int | float):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return excel_serial_date(value)
        if isinstance(value, int) or float(value).is_integer():
            m = _COMPACT_DATE_RE.fullmatch(str(int(value)))
            if m:
                return _ymd(m, field, value)
        raise _date_error(field, value)
    s = fold_all(str(value))
    m = _DATE_RE.fullmatch(s) or _COMPACT_DATE_RE.fullmatch(s)
    if m:
        return _ymd(m, field, value)
    if re.fullmatch(r"\d{5}(?:\.0+)?", s):  # a serial exported as text
        return parse_date(float(s), field)
    raise _date_error(field, value)


def _ymd(m: re.Match[str], field: str, value: Any) -> date:
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        raise _date_error(field, value) from None


# -- numbers --------------------------------------------------------------------------


def _number_error(field: str, value: Any) -> DomainError:
    return _issue(
        field,
        "number.invalid",
        f"“{shown(value)}”不是数字",
        f"“{shown(value)}” is not a number",
    )


def _decimal(value: Any, field: str, strip: str) -> Decimal:
    if isinstance(value, bool):
        raise _number_error(field, value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise _number_error(field, value)
        return Decimal(str(value))
    s = fold_all(str(value)).replace(",", "")
    for ch in strip:
        s = s.replace(ch, "")
    try:
        d = Decimal(s.strip())
    except InvalidOperation:
        raise _number_error(field, value) from None
    if not d.is_finite():
        raise _number_error(field, value)
    return d


def parse_int(value: Any, field: str = "") -> int | None:
    """A count: 12, 12.0, "12", "１２人", "12 户"."""
    if is_blank(value):
        return None
    d = _decimal(value, field, "人户次个份元场")
    if d != d.to_integral_value():
        raise _issue(
            field,
            "number.integer",
            f"“{shown(value)}”应为整数",
            f"“{shown(value)}” should be a whole number",
        )
    return int(d)


def parse_money_fen(value: Any, field: str = "") -> int | None:
    """An amount in yuan ("1,234.50", "￥100", "100元", 100) as integer fen."""
    if is_blank(value):
        return None
    d = _decimal(value, field, "￥¥元RMB")
    return int((d * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


_TRUE = frozenset(
    {"是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "已签约", "签约", "已", "已办", "在岗"}
)
_FALSE = frozenset(
    {"否", "无", "×", "✗", "✘", "n", "no", "false", "0", "未签约", "未", "未办", "不在岗", "没有"}
)


def parse_bool(value: Any, field: str = "") -> bool | None:
    """是/否, 有/无, √/×, Y/N, 1/0 and the like."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    s = fold_all(str(value)).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise _issue(
        field,
        "bool.invalid",
        f"“{shown(value)}”应填“是”或“否”",
        f"“{shown(value)}” should be yes (是) or no (否)",
    )


# -- codes ------------------------------------------------------------------------------

# Words registers use for a code besides its label. Keys are folded and
# lower-cased; values are codes of the table.
ALIASES: dict[str, dict[str, str]] = {
    "sex": {"男性": "1", "女性": "2", "m": "1", "f": "2", "未知": "0"},
    "political": {
        "党员": "01",
        "中共党员": "01",
        "预备党员": "02",
        "团员": "03",
        "共青团员": "03",
        "无党派": "12",
        "群众": "13",
    },
    "education": {
        "研究生": "14",
        "硕士": "14",
        "博士": "11",
        "本科": "21",
        "大学": "21",
        "大本": "21",
        "大专": "31",
        "专科": "31",
        "中专": "41",
        "职高": "44",
        "技校": "47",
        "高中": "61",
        "初中": "71",
        "小学": "81",
        "文盲": "90",
        "半文盲": "90",
    },
    "marital": {"已婚": "20", "未婚": "10", "丧偶": "30", "离异": "40", "离婚": "40"},
    "member_status": {"在册": "active", "正常": "active", "退出": "left", "已退会": "left"},
    "member_role": {"组长": "group_leader", "会员小组长": "group_leader", "户长": "liaison_head"},
    "member_type": {"个人": "individual", "团体": "group"},
    "family_status": {"正常": "enrolled", "在档": "enrolled"},
    "family_category": {"失独家庭": "bereaved", "伤残家庭": "disabled", "独生子女死亡": "bereaved"},
    "contact_kind": {
        "乡镇": "township_cadre",
        "村": "village_cadre",
        "村（居）干部": "village_cadre",
    },
    "visit_mode": {"入户": "home", "走访": "home", "上门": "home", "电话联系": "phone"},
    "wellbeing": {"好": "good", "较好": "good", "差": "poor", "不好": "poor"},
    "subsidy_status": {"已发放": "paid", "已审核": "reviewed", "待审核": "applied"},
    "volunteer_level": {"村": "village", "社区": "village", "乡镇": "township", "街道": "township"},
    "disability_grade": {"1级": "1", "2级": "2", "3级": "3", "4级": "4"},
}


def _key(s: str) -> str:
    return fold_all(s).replace(" ", "").lower()


@lru_cache(maxsize=64)
def _lookup(table: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, entry in codes.CODE_TABLES[table].items():
        out[_key(code)] = code
        out[_key(entry["en"])] = code
        out[_key(entry["zh"])] = code
        if table == "ethnicity" and entry["zh"].endswith("族"):
            out[_key(entry["zh"][:-1])] = code  # 汉 for 汉族
    for word, code in ALIASES.get(table, {}).items():
        out.setdefault(_key(word), code)
    return out


def parse_code(table: str, value: Any, field: str = "") -> str | None:
    """A code of ``table`` from its code, its Chinese or English label, or a
    common word for it (男 → 1, 汉族 or 汉 → 01, 党员 → 01). A numeric code
    stored as a number (1 for 01) is padded to the table's width."""
    if is_blank(value):
        return None
    raw = shown(value, 1000) if isinstance(value, int | float) else str(value)
    found = _lookup(table).get(_key(raw))
    if found is None and raw.isdigit():
        width = max(len(c) for c in codes.CODE_TABLES[table])
        found = _lookup(table).get(raw.zfill(width))
    if found is not None:
        return found
    title_zh, title_en = codes.table_title(table, "zh"), codes.table_title(table, "en")
    sample = "、".join(label for _c, label in codes.choices(table, "zh")[:4])
    raise _issue(
        field,
        "code.invalid",
        f"“{shown(value)}”不是有效的{title_zh}（可填：{sample}…）",
        f"“{shown(value)}” is not a valid {title_en}",
    )


# -- identity numbers and phones --------------------------------------------------------


def parse_id_cell(value: Any, field: str = "id_number") -> str | None:
    """An ID number from a cell, refusing the two ways spreadsheets spoil
    them: stored as a number (Excel keeps 15 significant digits, so an
    18-digit number has already lost its last digits and shows as
    4.30105E+17) and masked (430***********123X). A valid number comes back
    as its 18-character form (legacy 15-digit numbers upgraded); anything
    else comes back folded for the record rules to judge."""
    if is_blank(value):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise _id_lost(field, value)
        n = int(value)
        if n >= 10**15 or (isinstance(value, float) and n >= 10**15):
            raise _id_lost(field, value)
        value = str(n)
    s = fold_all(str(value)).replace(" ", "").lstrip("'")
    if _SCIENTIFIC_RE.fullmatch(s):
        raise _id_lost(field, value)
    if "*" in s:
        raise _issue(
            field,
            "id_number.masked",
            f"身份证号“{s}”中间被隐藏（*），无法导入；请使用完整号码",
            f"The ID number “{s}” is masked (*) and cannot be imported; use the full number",
        )
    try:
        return parse_id_number(s).number
    except DomainError:
        return s.upper()


def _id_lost(field: str, value: Any) -> DomainError:
    s = f"{float(value):.5E}" if isinstance(value, int | float) else shown(value)
    return _issue(
        field,
        "id_number.as_number",
        f"身份证号被Excel存成了数字（{s}），后几位已经丢失，不能导入。"
        "请把原表这一列设为“文本”格式后重新填写号码",
        f"Excel stored this ID number as a number ({s}) and has lost its last digits, so it "
        "cannot be imported. Format the column as text in the original sheet and re-enter "
        "the numbers",
    )


def parse_phone(value: Any, field: str = "mobile") -> str | None:
    """A mobile number: spaces, dashes, a +86 prefix and full-width digits
    removed; a number stored as a number written back as digits."""
    if is_blank(value):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return str(int(value))
    s = re.sub(r"[\s\-()]", "", fold_all(str(value))).lstrip("'")
    if re.fullmatch(r"\d+\.0+", s):  # a number written out by a program
        s = s.split(".")[0]
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    return s or None


__all__ = [
    "ALIASES",
    "excel_serial_date",
    "fold",
    "fold_all",
    "is_blank",
    "parse_bool",
    "parse_code",
    "parse_date",
    "parse_id_cell",
    "parse_int",
    "parse_money_fen",
    "parse_phone",
    "person_name",
    "shown",
    "text",
]
