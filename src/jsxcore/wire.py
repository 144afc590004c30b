"""The wire form of values: how they are stored in SQLite, journaled and sent.

Dates "YYYY-MM-DD", datetimes "YYYY-MM-DD HH:MM:SS.ffffff", booleans
true/false (0/1 in SQLite), money as integer fen.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from typing_extensions import TypeIs

from jsxcore.protocol import PulledRowDict, PullPage, PullTables


def wire(value: Any) -> Any:
    """A value in the form stored in SQLite, the journal and on the wire."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


# -- field stamps on pull pages (protocol 2) ------------------------------------
# A row's fields are usually all written by one change, so their stamps are
# mostly equal. Protocol 2 sends one row stamp plus only the fields whose
# stamp differs; protocol 1 sends every field's stamp (docs/sync-protocol.md
# section 4.2). Both sides use these two functions.


def compress_stamps(
    field_hlc: dict[str, str], fields: Collection[str]
) -> tuple[str | None, dict[str, str | None]]:
    """(row stamp, exceptions) for a row's per-field stamps.

    The row stamp is the most common stamp (the newest of equally common
    ones); the exceptions are the fields whose stamp differs, a field of
    `fields` (the row's data fields) without a stamp as None.
    `expand_stamps(*compress_stamps(h, fields), fields) == h`."""
    if not field_hlc:
        return None, {}
    counts: dict[str, int] = {}
    for stamp in field_hlc.values():
        counts[stamp] = counts.get(stamp, 0) + 1
    row = max(counts, key=lambda s: (counts[s], s)) if len(counts) > 1 else next(iter(counts))
    exceptions: dict[str, str | None] = {
        f: s for f, s in field_hlc.items() if s != row or f not in fields
    }
    if len(field_hlc) != len(fields) or exceptions:
        for f in fields:
            if f not in field_hlc:
                exceptions[f] = None
    return row, exceptions


def expand_stamps(
    row: str | None, exceptions: dict[str, str | None], fields: Iterable[str]
) -> dict[str, str]:
    """The per-field stamps `compress_stamps` made (row, exceptions) of:
    `row` for every one of `fields` not among the exceptions. A protocol 1
    page (row None, exceptions every stamp) comes back as it was."""
    out: dict[str, str] = {f: row for f in fields} if row is not None else {}
    for f, stamp in exceptions.items():
        if stamp is None:
            out.pop(f, None)
        else:
            out[f] = stamp
    return out


# -- pull pages as tables (protocol 3) -------------------------------------------


def is_tables(page: PullPage | PullTables) -> TypeIs[PullTables]:
    """A page in protocol 3's form (tables) rather than rows."""
    return "tables" in page


def table_rows(page: PullTables) -> list[PulledRowDict]:
    """A protocol 3 page's rows as protocol 2 has them (row stamp and
    exceptions), in seq order: what a reader that goes row by row (a merge,
    an incremental pull) takes. Tables of an unknown shape are the caller's
    to refuse first (jsxclient.sync.transport checks every page)."""
    out: list[PulledRowDict] = []
    for table in page["tables"]:
        entity, cols, stamps = table["entity"], table["columns"], table["stamps"]
        n = len(cols)
        for r in table["rows"]:
            data = dict(zip(cols, r[1 : 1 + n], strict=True))
            out.append(
                {
                    "entity": entity,
                    "id": r[0],
                    "seq": r[n + 5],
                    "in_scope": True,
                    "deleted": bool(data.get("deleted", False)),
                    "data": data,
                    "hlc": r[n + 1],
                    "field_hlc": dict(stamps.get(r[0], {})),
                    "updated_at": r[n + 2],
                    "updated_device": r[n + 3],
                    "updated_user": r[n + 4],
                }
            )
    for entity, row_id, seq in page["exits"]:
        out.append(
            {
                "entity": entity,
                "id": row_id,
                "seq": seq,
                "in_scope": False,
                "deleted": False,
                "data": None,
                "hlc": None,
                "field_hlc": {},
            }
        )
    out.sort(key=lambda row: row["seq"])
    return out
