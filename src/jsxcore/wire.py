"""The wire form of values: how they are stored in SQLite, journaled and sent.

Dates "YYYY-MM-DD", datetimes "YYYY-MM-DD HH:MM:SS.ffffff", booleans
true/false (0/1 in SQLite), money as integer fen.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any


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
