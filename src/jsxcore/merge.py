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

Deletes: an edit beats a concurrent delete (the row stays and a conflict on
the field `deleted` is recorded), so nobody's work disappears silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

MISSING: Any = object()  # no base: the field was never seen (insert collision)


@dataclass(frozen=True)
class FieldOutcome:
    value: Any
    take: Literal["mine", "theirs"]
    conflict: bool


def merge_field(
    base: Any, mine: Any, theirs: Any, mine_hlc: str, theirs_hlc: str | None
) -> FieldOutcome:
    if _same(theirs, mine):
        return FieldOutcome(mine, "mine", False)
    if base is not MISSING and _same(theirs, base):
        if theirs_hlc is not None and theirs_hlc > mine_hlc:
            return FieldOutcome(theirs, "theirs", True)
        return FieldOutcome(mine, "mine", False)
    if base is not MISSING and _same(mine, base):
        return FieldOutcome(theirs, "theirs", False)
    if theirs_hlc is None or mine_hlc > theirs_hlc:
        return FieldOutcome(mine, "mine", True)
    return FieldOutcome(theirs, "theirs", True)


def _same(a: Any, b: Any) -> bool:
    # 1 and True are the same boolean in SQLite, but 0 must not equal None.
    if a is None or b is None:
        return a is b
    return bool(a == b)
