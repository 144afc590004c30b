"""Search keys derived from names: pinyin in full and as initials, so a worker
finds 张三 by typing "zs" or "zhangsan".

A person's surname is read as a surname: 曾春燕 is "zeng chun yan", not the
dictionary's first reading "ceng" (and so sorts among the Z names). The
dictionary reading of a polyphonic surname stays in the key after the
surname reading, so "ccy" still finds her."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, RE_HANS

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


# pypinyin reads each run of Chinese characters on its own (and drops
# everything else with errors="ignore"), so a name's reading is its runs'
# readings one after the other.
_HAN_RUN = re.compile(RE_HANS.pattern.removeprefix("^").removesuffix("$"))


@cache
def _char_pinyin(char: str) -> tuple[str, ...]:
    """One character's default reading (a few thousand distinct characters
    make up every name: cached for good)."""
    return tuple(lazy_pinyin(char, errors="ignore"))


def _has_phrase(run: str) -> bool:
    """Whether any two or more characters of `run` are a word of pypinyin's
    phrase dictionary (the only way its reading of a run differs from the
    readings of its characters one by one)."""
    n = len(run)
    for i in range(n - 1):
        for j in range(i + 2, n + 1):
            if run[i:j] in PHRASES_DICT:
                return True
    return False


def _run_pinyin(run: str) -> tuple[str, ...]:
    if len(run) > 1 and _has_phrase(run):
        return tuple(lazy_pinyin(run, errors="ignore"))
    return tuple(s for c in run for s in _char_pinyin(c))


@lru_cache(maxsize=65536)
def _run_key(run: str) -> tuple[str, str]:
    """A run of Chinese characters' reading in full and as initials."""
    syllables = _run_pinyin(run)
    return "".join(syllables), "".join(s[:1] for s in syllables)


def _text_key(text: str) -> tuple[str, str]:
    """`text`'s reading in full and as initials: its runs' one after the
    other (a name is nearly always one run, whose key is cached)."""
    runs = _HAN_RUN.findall(text)
    if len(runs) == 1:
        return _run_key(runs[0])
    keys = [_run_key(r) for r in runs]
    return "".join(k[0] for k in keys), "".join(k[1] for k in keys)


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> str:
    """'长沙' -> 'changsha cs': place and organisation names, dictionary readings."""
    name = name.strip()
    if not name:
        return ""
    full = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return f"{''.join(full)} {''.join(initials)}".lower()


# Lengths of the compound surnames, longest first (the longest match wins).
_COMPOUND_LENGTHS = sorted({len(s) for s in COMPOUND_SURNAMES}, reverse=True)
# The first characters of every surname `surname_syllables` reads: a name
# that starts otherwise (nearly all) skips it (a bootstrap keys 100,000).
_SURNAME_FIRST = frozenset(SURNAMES) | frozenset(s[0] for s in COMPOUND_SURNAMES)


def surname_syllables(name: str) -> tuple[list[str], int] | None:
    """The surname's reading and length when it is one the dictionary misreads
    (or a compound one), else None."""
    for length in _COMPOUND_LENGTHS:
        compound = COMPOUND_SURNAMES.get(name[:length])
        if compound is not None and len(name) > length:
            return list(compound), length
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
    full, initials = _text_key(name)
    plain = f"{full} {initials}".lower()
    if name[0] not in _SURNAME_FIRST:
        return plain
    surname = surname_syllables(name)
    if surname is None:
        return plain
    reading, length = surname
    given_full, given_initials = _text_key(name[length:])
    key = (
        f"{''.join(reading)}{given_full} {''.join(s[:1] for s in reading)}{given_initials}"
    ).lower()
    return key if plain == key else f"{key} {plain}"


def _person_key(name: Any) -> str:
    return name_key(str(name or ""))


# Columns computed from others on every write and every pulled row: per
# entity, (column, the data field it is computed from, how).
DERIVED: dict[str, tuple[tuple[str, str, Callable[[Any], Any]], ...]] = {
    "person": (("search_key", "name", _person_key),),
}


def derive_fields(entity: str, row: dict[str, Any]) -> dict[str, Any]:
    """Columns computed from others on every write and every pulled row."""
    return {col: how(row.get(src)) for col, src, how in DERIVED.get(entity, ())}
