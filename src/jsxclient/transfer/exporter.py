"""Exporting a list or a register to a file (.xlsx or .csv)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

from jsxclient.store.queries.paging import Query
from jsxclient.store.store import Store
from jsxclient.transfer import gcpause, registers, writers
from jsxclient.transfer.errors import TransferError
from jsxclient.transfer.registers import Filters
from jsxclient.transfer.tables import Reveal, Table, list_table

FORMATS = ("xlsx", "csv")


def _format(path: Path, fmt: str | None) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise TransferError(
            "export.format",
            f"不支持的导出格式“{fmt}”（可选：xlsx、csv）",
            f"Unsupported export format {fmt!r} (xlsx or csv)",
        )
    return fmt


def write(
    table: Table,
    path: Path,
    fmt: str | None = None,
    *,
    paper: bool = False,
    check: Callable[[], None] | None = None,
) -> int:
    """Write `table`; returns the number of data rows."""
    path = Path(path)
    if _format(path, fmt) == "csv":
        writers.write_csv(table, path, check)
    else:
        writers.write_xlsx(table, path, check, paper=paper)
    return len(table.rows)


def export_list(
    store: Store,
    list_name: str,
    path: Path,
    query: Query | None = None,
    *,
    fmt: str | None = None,
    title: str = "",
    titles: Mapping[str, str] | None = None,
    hidden: Sequence[str] = (),
    lang: str = "zh",
    reveal: Reveal | None = None,
    check: Callable[[], None] | None = None,
) -> int:
    """A list with the filters, search and sort given (the screen's)."""
    _allowed(store, reveal)
    with store.reading() as conn, gcpause.paused():
        table = list_table(
            conn,
            list_name,
            query or Query(),
            title=title,
            titles=titles,
            hidden=hidden,
            lang=lang,
            reveal=reveal,
        )
    n = write(table, path, fmt, check=check)
    _audited(store, "export", f"list:{list_name}", path, n, reveal)
    return n


def register_table(
    store: Store,
    name: str,
    filters: Filters | None = None,
    *,
    lang: str = "zh",
    reveal: Reveal | None = None,
    today: date | None = None,
) -> Table:
    with store.reading() as conn, gcpause.paused():
        township = store.township_code or ""
        r = conn.execute("SELECT name FROM division WHERE code = ?", (township,)).fetchone()
        return registers.build(
            conn, name, r[0] if r else township, filters, lang=lang, reveal=reveal, today=today
        )


def export_register(
    store: Store,
    name: str,
    path: Path,
    filters: Filters | None = None,
    *,
    fmt: str | None = None,
    lang: str = "zh",
    reveal: Reveal | None = None,
    check: Callable[[], None] | None = None,
) -> int:
    """A register in its paper layout."""
    _allowed(store, reveal)
    table = register_table(store, name, filters, lang=lang, reveal=reveal)
    n = write(table, path, fmt, paper=True, check=check)
    _audited(store, "export", f"register:{name}", path, n, reveal)
    return n


def _allowed(store: Store, reveal: Reveal | None, action: str = "export") -> None:
    """The signed-in role may export (or print), and for full numbers reveal."""
    store.require(action)
    if reveal is not None:
        store.require("reveal")


def _audited(
    store: Store, action: str, what: str, path: Path | None, rows: int, reveal: Reveal | None
) -> None:
    """One audit entry per export or print; full numbers say so with the reason."""
    detail = f"{rows} rows" + (f", full numbers, reason: {reveal.reason}" if reveal else "")
    store.audit(
        action,  # type: ignore[arg-type]
        f"{what} → {path.name}" if path is not None else what,
        detail=detail,
    )
