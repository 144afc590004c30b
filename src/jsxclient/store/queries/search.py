"""Text search over people, shared by the lists and the pickers.

Every term must match (LIKE on `person_search.text`, or on a list's own
text columns); terms of three characters or more can also be looked up in
the trigram FTS5 index `person_fts` over `person_search` (migration 0004).
"""

from __future__ import annotations

import sqlite3

from jsxclient.store.queries.base import Interrupt, run


def like_terms(text: str) -> list[str]:
    """Whitespace-separated search terms as escaped LIKE patterns (all must match)."""
    out = []
    for term in text.lower().split():
        esc = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        out.append(f"%{esc}%")
    return out


#: A search term this long can be looked up in the trigram index.
TRIGRAM = 3


def fts_match(text: str) -> str | None:
    """An FTS5 MATCH for the terms of `text` the trigram index can answer
    (three characters or more), or None. The LIKE conditions still apply,
    so the shorter terms keep filtering."""
    terms = [t for t in text.lower().split() if len(t) >= TRIGRAM]
    if not terms:
        return None
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


#: The trigram index serves a search that matches fewer people than this. A
#: denser one (a common surname's pinyin, a birth year inside ID numbers)
#: is found sooner by the walk, which stops after one page of matches, than
#: by joining and sorting every match; the count stops at this limit too.
FTS_MAX = 400


def fts_few(conn: sqlite3.Connection, match: str, interrupt: Interrupt | None) -> bool:
    """Whether the trigram index narrows a search to fewer than FTS_MAX people."""
    n = run(
        conn,
        "SELECT count(*) FROM (SELECT 1 FROM person_fts WHERE person_fts MATCH :fts "
        f"LIMIT {FTS_MAX})",
        {"fts": match},
        interrupt,
    )[0][0]
    return bool(n < FTS_MAX)


# A person list read from the index's matches (the list's table as r).
FTS_FROM = "person_fts CROSS JOIN person_search s CROSS JOIN person p CROSS JOIN {t} r"
FTS_CONDS = ("person_fts MATCH :fts", "s.id = person_fts.rowid")
