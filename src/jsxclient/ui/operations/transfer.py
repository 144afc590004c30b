"""Thin operations for the import wizard and the export actions: each runs
on the database worker and calls the Qt-free engine (`jsxclient.transfer`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from jsxclient.store.queries.paging import Query
from jsxclient.store.store import Store
from jsxclient.transfer import exporter, importer, report, writers
from jsxclient.transfer.mapping import Mapping as ColumnMapping
from jsxclient.transfer.plan import Options, Plan, Policy
from jsxclient.transfer.readers import Sheet
from jsxclient.transfer.registers import Filters
from jsxclient.transfer.tables import Reveal
from jsxclient.ui.tasks import Job


def open_file(
    store: Store, path: Path, kind: str, sheet: str | None = None
) -> tuple[Sheet, ColumnMapping]:
    return importer.open_file(store, path, kind, sheet=sheet)


def preview(job: Job, store: Store, sheet: Sheet, mapping: ColumnMapping, options: Options) -> Plan:
    def progress(done: int, total: int) -> None:
        job.progress(done, total)

    return importer.preview(store, sheet, mapping, options, check=job.check, progress=progress)


def commit(
    job: Job, store: Store, plan: Plan, policy: Policy, update: Iterable[int]
) -> importer.Result:
    result = importer.commit(
        store, plan, policy, update, check=job.check, progress=lambda d, t: job.progress(d, t)
    )
    importer.remember(store, plan.mapping)
    return result


def save_report(plan: Plan, path: Path, lang: str) -> int:
    return report.write(plan, path, lang)


def export_list(
    job: Job,
    store: Store,
    list_name: str,
    path: Path,
    query: Query,
    title: str,
    titles: Mapping[str, str],
    hidden: Sequence[str],
    lang: str,
    reveal: Reveal | None,
) -> int:
    return exporter.export_list(
        store,
        list_name,
        path,
        query,
        title=title,
        titles=titles,
        hidden=hidden,
        lang=lang,
        reveal=reveal,
        check=job.check,
    )


def export_register(
    job: Job,
    store: Store,
    name: str,
    path: Path,
    filters: Filters,
    lang: str,
    reveal: Reveal | None,
) -> int:
    return exporter.export_register(
        store, name, path, filters, lang=lang, reveal=reveal, check=job.check
    )


def register_html(
    store: Store, name: str, filters: Filters, lang: str, reveal: Reveal | None, font: str
) -> str:
    """The register as HTML for the printer (built on the worker; laid out
    and printed on the GUI thread). Printing is allowed and audited like an
    export."""
    exporter._allowed(store, reveal, "print")
    table = exporter.register_table(store, name, filters, lang=lang, reveal=reveal)
    exporter._audited(store, "print", f"register:{name}", None, len(table.rows), reveal)
    return writers.to_html(table, font)
