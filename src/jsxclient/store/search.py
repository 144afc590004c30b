"""Search keys derived from names: pinyin in full and as initials, so a worker
finds 张三 by typing "zs" or "zhangsan".

A person's surname is read as a surname: 曾春燕 is "zeng chun yan", not the
dictionary's first reading "ceng" (and so sorts among the Z names). The
dictionary reading of a polyphonic surname stays in the key after the
surname reading, so "ccy" still finds her."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin

# Compound surnames, longest match first (pypinyin reads some of them well,
# but 单于, 长孙, 万俟 and others not; the table says it once for all).
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"),
    "令狐": ("ling", "hu"),
    "欧阳": ("ou", "yang"),
    "上官": ("shang", "guan"),
    "司马": ("si", "ma"),
    "诸葛": ("zhu", "ge"),
    "皇甫": ("huang", "fu"),
    "宇文": ("yu", "wen"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "鲜于": ("xian", "yu"),
    "夏侯": ("xia", "hou"),
    "东方": ("dong", "fang"),
    "南宫": ("nan", "gong"),
    "百里": ("bai", "li"),
    "呼延": ("hu", "yan"),
    "端木": ("duan", "mu"),
    "司徒": ("si", "tu"),
    "司空": ("si", "kong"),
    "申屠": ("shen", "tu"),
    "钟离": ("zhong", "li"),
    "闻人": ("wen", "ren"),
    "亓官": ("qi", "guan"),
    "仉督": ("zhang", "du"),
    "乐正": ("yue", "zheng"),
}

# Single-character surnames whose surname reading is not the dictionary's
# first reading.
SURNAMES: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "覃": "qin",
    "尉": "wei",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
    "种": "chong",
    "员": "yun",
    "乐": "yue",
    "秘": "bi",
    "折": "she",
    "召": "shao",
    "繁": "po",
    "黑": "he",
    "句": "gou",
    "祭": "zhai",
    "牟": "mou",
    "柏": "bai",
    "薄": "bo",
    "长": "chang",
    "重": "chong",
    "藏": "zang",
    "阚": "kan",
    "隗": "wei",
    "郇": "xun",
    "逄": "pang",
    "厍": "she",
    "钭": "tou",
    "宿": "su",
    "纪": "ji",
    "冼": "xian",
    "洗": "xian",
    "褚": "chu",
    "莘": "shen",
    "那": "na",
    "都": "du",
    "能": "nai",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "石": "shi",
    "曲": "qu",
    "行": "xing",
    "相": "xiang",
    "参": "can",
    "哈": "ha",
    "桓": "huan",
    "眭": "sui",
    "蕃": "pi",
    "贲": "ben",
    "射": "she",
    "率": "lv",
    "粘": "nian",
    "斛": "hu",
    "恽": "yun",
}


def _pinyin(text: str) -> list[str]:
    return lazy_pinyin(text, errors="ignore")


def _key(syllables: list[str]) -> str:
    return f"{''.join(syllables)} {''.join(s[:1] for s in syllables)}".lower()


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> str:
    """'长沙' -> 'changsha cs': place and organisation names, dictionary readings."""
    name = name.strip()
    if not name:
        return ""
    full = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return f"{''.join(full)} {''.join(initials)}".lower()


def surname_syllables(name: str) -> tuple[list[str], int] | None:
    """The surname's reading and length when it is one the dictionary misreads
    (or a compound one), else None."""
    for surname, reading in COMPOUND_SURNAMES.items():
        if name.startswith(surname) and len(name) > len(surname):
            return list(reading), len(surname)
    reading1 = SURNAMES.get(name[:1])
    if reading1 is not None and len(name) > 1:
        return [reading1], 1
    return None


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A person's name: '曾春燕' -> 'zengchunyan zcy cengchunyan ccy'.
    The surname reading comes first (it is the sort order); a different
    dictionary reading follows, for whoever types that."""
    name = name.strip()
    if not name:
        return ""
    plain = _pinyin(name)
    surname = surname_syllables(name)
    if surname is None:
        return _key(plain)
    reading, length = surname
    given = _pinyin(name[length:])
    key = _key(reading + given)
    other = _key(plain)
    return key if other == key else f"{key} {other}"


def derive_fields(entity: str, row: dict[str, Any]) -> dict[str, Any]:
    """Columns computed from others on every write and every pulled row."""
    if entity == "person":
        return {"search_key": name_key(str(row.get("name") or ""))}
    return {}
