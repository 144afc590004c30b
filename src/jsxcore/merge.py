"""Field-level three-way merge, the one rule both the server (on push) and the
client (on pull) apply, so they always pick the same winner.

For one field: `base` is the value the writer saw before editing, `mine` the
writer's new value, `theirs` the value the other side holds now.

- theirs == mine: take mine.
- theirs == base (nobody else touched it): take mine, unless the other
  side's value carries a newer stamp than this edit: then someone changed it
  and changed it back after this edit was made (A→B→A), which is a
  concurrent edit, not an untouched field, and is treated as a conflict.
- mine == base (this side did not really change it): take theirs.
- otherwise both changed it to different values: a conflict. The default
  winner is the newer hybrid-logical-clock stamp; the loser's value is kept in
  the conflict record so the worker can flip it.

For a whole record, `merge_record` applies that rule to every field one side
wrote and settles deletes: an edit that still changes something beats a
concurrent delete (the row stays and a conflict on the field `deleted` is
recorded), so nobody's work disappears silently; a delete of a row the other
side has changed since loses the same way; deleted on both sides is no
conflict. A restore from the recycle bin (an update that clears the
tombstone, `{"deleted": false}`) brings a deleted row back without a
conflict: it is the worker's deliberate answer to the delete. The server
calls it for each pushed change, the client for each pulled row that has
unpushed edits, so both reach the same outcome.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

MISSING: Any = object()  # no base: the field was never seen (insert collision)

# Set once when a row is created: two devices deriving the same row
# (associations) never stamp the same creation time, and that difference is
# not worth a conflict. The first value written stays.
WRITE_ONCE = frozenset({"created_at"})


@dataclass(frozen=True)
class FieldOutcome:
    value: Any
    take: Literal["mine", "theirs"]
    conflict: bool


def merge_field(
    base: Any, mine: Any, theirs: Any, mine_hlc: str, theirs_hlc: str | None
) -> FieldOutcome:
    if same(theirs, mine):
        return FieldOutcome(mine, "mine", False)
    if base is not MISSING and same(theirs, base):
        if theirs_hlc is not None and theirs_hlc > mine_hlc:
            return FieldOutcome(theirs, "theirs", True)
        return FieldOutcome(mine, "mine", False)
    if base is not MISSING and same(mine, base):
        return FieldOutcome(theirs, "theirs", False)
    if theirs_hlc is None or mine_hlc > theirs_hlc:
        return FieldOutcome(mine, "mine", True)
    return FieldOutcome(theirs, "theirs", True)


def same(a: Any, b: Any) -> bool:
    """Value equality as the merge sees it: 1 and True are the same boolean
    (SQLite stores booleans as 0/1), but 0 is not None, and MISSING equals
    only itself."""
    if a is MISSING or b is MISSING or a is None or b is None:
        return a is b
    return bool(a == b)


# -- a whole record --------------------------------------------------------------------


@dataclass(frozen=True)
class FieldMerge:
    """One field of a merged record, with both sides' values."""

    field: str
    base: Any  # MISSING when the writer never saw the field
    mine: Any
    theirs: Any
    take: Literal["mine", "theirs"]
    conflict: bool
    mine_hlc: str | None
    theirs_hlc: str | None

    @property
    def value(self) -> Any:
        return self.mine if self.take == "mine" else self.theirs


@dataclass(frozen=True)
class RecordMerge:
    fields: dict[str, FieldMerge]  # every field "mine" wrote, merged
    deleted: bool  # the row's tombstone after the merge
    # A delete against an edit: the field "deleted" as a conflict (base False).
    delete_conflict: FieldMerge | None = None
    # "theirs" changed the row since "mine" last saw it.
    theirs_changed: bool = False
    skipped: frozenset[str] = field(default_factory=frozenset)  # write-once fields kept

    @property
    def conflicts(self) -> list[FieldMerge]:
        out = [self.delete_conflict] if self.delete_conflict is not None else []
        return out + [f for f in self.fields.values() if f.conflict]

    def taken(self, side: Literal["mine", "theirs"]) -> list[str]:
        return [n for n, f in self.fields.items() if f.take == side]

    @property
    def survivors(self) -> list[str]:
        """Fields where "mine" wins with a value "theirs" does not hold yet."""
        return [
            n for n, f in self.fields.items() if f.take == "mine" and not same(f.theirs, f.mine)
        ]


def merge_record(
    *,
    written: Mapping[str, Any],
    seen: Mapping[str, Any],
    mine_hlc: Mapping[str, str],
    deletes: bool,
    delete_hlc: str | None,
    theirs: Mapping[str, Any],
    theirs_hlc: Mapping[str, str],
    theirs_deleted: bool,
    write_once: Collection[str] = WRITE_ONCE,
    restores: bool = False,
) -> RecordMerge:
    """Merge one side's unsent writes of a record into the other side's copy.

    ``written``: the fields "mine" wrote and their new values (empty for a
    plain delete); ``seen``: what "mine" held of each field before writing,
    the merge base (a field absent from it was never seen: an insert that
    met a row of the same id); ``mine_hlc``: the stamp of each written field;
    ``deletes``/``delete_hlc``: "mine" deletes the row, and when. ``theirs``,
    ``theirs_hlc``, ``theirs_deleted``: the other side's row as it is now.
    ``restores``: "mine" restored the row from the recycle bin after its
    delete (never together with ``deletes``).
    """
    merged: dict[str, FieldMerge] = {}
    skipped: set[str] = set()
    for name, mine in written.items():
        if name == "deleted":
            continue
        their = theirs.get(name, MISSING)
        if name in write_once and their is not MISSING and their is not None:
            skipped.add(name)
            continue
        base = seen.get(name, MISSING)
        stamp = mine_hlc.get(name, "")
        their_stamp = theirs_hlc.get(name)
        out = merge_field(base, mine, None if their is MISSING else their, stamp, their_stamp)
        if their is MISSING:  # the other side never had the field: no conflict
            out = FieldOutcome(mine, "mine", False)
        merged[name] = FieldMerge(
            name,
            base,
            mine,
            None if their is MISSING else their,
            out.take,
            out.conflict,
            stamp,
            their_stamp,
        )

    # Changed since "mine" saw it: differs from what it saw and from what it wrote.
    changed_fields = [
        n
        for n, v in theirs.items()
        if n != "deleted"
        and n not in write_once
        and not same(v, seen.get(n, MISSING))
        and not same(v, written.get(n, seen.get(n, MISSING)))
    ]
    theirs_changed = bool(changed_fields)
    result = RecordMerge(merged, theirs_deleted, None, theirs_changed, frozenset(skipped))
    if deletes:
        if theirs_deleted:
            return result  # deleted on both sides: nothing to settle
        if theirs_changed:
            latest_theirs = max(theirs_hlc.get(n, "") for n in changed_fields) or None
            # Their edit beats our delete: the row stays.
            conflict = FieldMerge(
                "deleted", False, True, False, "theirs", True, delete_hlc, latest_theirs
            )
            return RecordMerge(merged, False, conflict, True, frozenset(skipped))
        return RecordMerge(merged, True, None, False, frozenset(skipped))
    if theirs_deleted and restores:
        # A restore answers the delete: the row comes back, edits merged.
        return RecordMerge(merged, False, None, theirs_changed, frozenset(skipped))
    if theirs_deleted:
        if result.survivors:
            # Our edit beats their delete: the row comes back.
            edit_hlc = max(mine_hlc.values(), default=None)
            deleted_hlc = theirs_hlc.get("deleted") or max(theirs_hlc.values(), default=None)
            conflict = FieldMerge(
                "deleted", False, False, True, "mine", True, edit_hlc, deleted_hlc
            )
            return RecordMerge(merged, False, conflict, theirs_changed, frozenset(skipped))
        return result
    return result
