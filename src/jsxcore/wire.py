"""The wire form of values: how they are stored in SQLite, journaled and sent.

Dates "YYYY-MM-DD", datetimes "YYYY-MM-DD HH:MM:SS.ffffff", booleans
true/false (0/1 in SQLite), money as integer fen.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def wire(value: Any) -> Any:
    """A value in the form stored in SQLite, the journal and on the wire."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value
