"""Importing a register: read, map, preview, commit.

    sheet, mapping = importer.open_file(store, path, "members")
    plan = importer.preview(store, sheet, mapping)
    result = importer.commit(store, plan, "skip")

`commit` writes every chosen record through `Store.transaction()` and the
`Tx` write path, in one transaction: journaled for sync like a form's save,
all or nothing. A cancel (the `check` callback raising) or any refusal rolls
the whole import back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jsxclient.store.store import RecordNotFound, Store, ValidationFailed
from jsxclient.transfer import gcpause, readers
from jsxclient.transfer.errors import TransferError
from jsxclient.transfer.fields import kind
from jsxclient.transfer.mapping import Mapping, load_mapping_file, locate
from jsxclient.transfer.plan import Op, Options, Plan, Policy, analyse
from jsxclient.transfer.readers import Sheet
from jsxcore.entities import ENTITIES

BATCH = 2000
_META = "import_mapping:"

Check = Callable[[], None]
Progress = Callable[[int, int], None]


def remembered(store: Store, shape: str) -> dict[str, Any] | None:
    raw = store.meta(_META + shape)
    return None if raw is None else json.loads(raw)


def remember(store: Store, mapping: Mapping) -> None:
    """Keep the mapping for the next file of this shape (local, not synced)."""
    store.set_meta(_META + mapping.shape, json.dumps(mapping.to_json(), ensure_ascii=False))


def open_file(
    store: Store,
    path: Path | str,
    kind_name: str,
    *,
    sheet: str | int | None = None,
    mapping_file: Path | None = None,
) -> tuple[Sheet, Mapping]:
    """Read the sheet and map its columns: a mapping file given wins, then
    the one remembered for this shape, then the recognised headers."""
    k = kind(kind_name)
    s = readers.read(path, sheet)
    m = locate(k, s)
    saved = load_mapping_file(mapping_file) if mapping_file else remembered(store, m.shape)
    if saved:
        if saved.get("kind", k.name) != k.name:
            raise TransferError(
                "mapping.kind",
                f"对应关系文件是“{kind(saved['kind']).zh}”导入用的，不能用于“{k.zh}”",
                f"The mapping file is for {saved['kind']}, not {k.name}",
            )
        m.apply(saved)
    return s, m


def missing_fields(m: Mapping) -> list[str]:
    """Required fields no column fills (the worker must map them first)."""
    k = kind(m.kind)
    mapped = set(m.fields().values())
    out = [f.key for f in k.fields if f.required and f.key not in mapped]
    for group in k.one_of:
        if not mapped & set(group):
            out.append(group[0])
    return out


def preview(
    store: Store,
    sheet: Sheet,
    mapping: Mapping,
    options: Options | None = None,
    *,
    today: date | None = None,
    check: Check | None = None,
    progress: Progress | None = None,
) -> Plan:
    missing = missing_fields(mapping)
    if missing:
        k = kind(mapping.kind)
        names = "、".join(k.field(f).zh for f in missing)
        raise TransferError(
            "mapping.incomplete",
            f"还没有指定哪一列是：{names}",
            f"No column is mapped to: {', '.join(k.field(f).en for f in missing)}",
        )
    township = store.township_code
    if not township:
        raise TransferError(
            "store.no_township",
            "数据库还没有初始化乡镇",
            "The store has no township yet (run init)",
        )
    with store.reading() as conn, gcpause.paused():
        return analyse(conn, township, sheet, mapping, options, today, progress, check)


@dataclass
class Result:
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    units: int = 0

    @property
    def written(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values())


def commit(
    store: Store,
    plan: Plan,
    policy: Policy = "skip",
    update: Iterable[int] = (),
    *,
    check: Check | None = None,
    progress: Progress | None = None,
) -> Result:
    """Write the plan's chosen records in one transaction; nothing on failure.
    The role must allow imports (and each record write, which `Tx` checks);
    the import itself is one audit entry, in the same transaction."""
    store.require("import")
    ops = plan.chosen(policy, update)
    inserts: dict[str, list[Op]] = {}
    updates: list[Op] = []
    for op in ops:
        if op.action == "insert":
            inserts.setdefault(op.entity, []).append(op)
        else:
            updates.append(op)
    total = len(ops)
    done = 0
    result = Result(units=sum(1 for u in plan.units if u.ok))
    try:
        with gcpause.paused(), store.transaction() as tx:
            for entity in ENTITIES:  # parents before children
                batch = inserts.get(entity, [])
                for i in range(0, len(batch), BATCH):
                    if check is not None:
                        check()
                    chunk = batch[i : i + BATCH]
                    # The preview validated each record (plan.Context.insert).
                    tx.insert_many(
                        entity, [{**op.values, "id": op.row_id} for op in chunk], checked=True
                    )
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
                if batch:
                    result.inserted[entity] = len(batch)
            for i, op in enumerate(updates):
                if check is not None and i % 500 == 0:
                    check()
                if tx.update(op.entity, op.row_id, op.values):
                    result.updated[op.entity] = result.updated.get(op.entity, 0) + 1
                done += 1
                if progress is not None and i % 500 == 0:
                    progress(done, total)
            if check is not None:
                check()
            store.audit(
                "import",
                f"{plan.kind.name}: {plan.sheet.name}",
                detail=f"inserted {sum(result.inserted.values())}, "
                f"updated {sum(result.updated.values())}",
                conn=tx.conn,
            )
    except (ValidationFailed, RecordNotFound) as exc:
        issues = getattr(exc, "issues", [])
        zh = "；".join(i.zh for i in issues) or str(exc)
        en = "; ".join(i.en for i in issues) or str(exc)
        raise TransferError(
            "commit.refused",
            f"导入未完成，没有写入任何数据：{zh}。数据可能在预览后被修改（如同步），请重新预览",
            f"Nothing was imported: {en}. The data may have changed since the preview "
            "(a sync?); preview again",
        ) from exc
    if progress is not None:
        progress(total, total)
    return result
