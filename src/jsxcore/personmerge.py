"""Merging two records of one person: what the worker reviews and what the
merge writes (no I/O; the client's store and UI call it).

Two person records are compared field by field. A field only one of them
fills is taken from that one without asking; a field both fill with
different values is a *difference* the worker settles by keeping one side.
`resolve` turns the worker's choices into the changes of the kept record.
Which record is kept when neither is registered on the server yet (two
persons without an ID number) is `keeper`: the one registered first.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jsxcore.merge import same

Side = Literal["kept", "other"]
SIDES: tuple[Side, ...] = ("kept", "other")
# The fields compared, in the order the review shows them (not those that
# describe the record rather than the person: deleted, created_at).
FIELDS: tuple[str, ...] = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "division_code",
    "ethnicity",
    "education",
    "political",
    "marital",
    "mobile",
    "address",
)


def empty(value: Any) -> bool:
    return value is None or value == ""


@dataclass(frozen=True)
class Difference:
    """One field both records fill, with different values."""

    field: str
    kept: Any
    other: Any


@dataclass(frozen=True)
class Comparison:
    fill: dict[str, Any]  # fields only the other record fills: taken as they are
    differences: list[Difference]  # fields the worker settles


def compare(kept: Mapping[str, Any], other: Mapping[str, Any]) -> Comparison:
    """Compare the record that stays (`kept`) with the one merged into it."""
    fill: dict[str, Any] = {}
    diffs: list[Difference] = []
    for f in FIELDS:
        mine, theirs = kept.get(f), other.get(f)
        if empty(theirs) or same(mine, theirs):
            continue
        if empty(mine):
            fill[f] = theirs
        else:
            diffs.append(Difference(f, mine, theirs))
    return Comparison(fill, diffs)


class ChoiceError(ValueError):
    """A choice names a field that is not a difference, or no side."""


def resolve(comparison: Comparison, choices: Mapping[str, Side]) -> dict[str, Any]:
    """The changes of the kept record: what only the other record fills, and
    for each difference the side chosen (the kept record's value when no
    choice is given)."""
    known = {d.field for d in comparison.differences}
    for f, side in choices.items():
        if f not in known:
            raise ChoiceError(f"{f} is not a field the two records disagree on")
        if side not in SIDES:
            raise ChoiceError(f"{f}: choose 'kept' or 'other', not {side!r}")
    changes = dict(comparison.fill)
    for d in comparison.differences:
        if choices.get(d.field, "kept") == "other":
            changes[d.field] = d.other
    return changes


def keeper(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[str, str]:
    """(kept id, other id) of two records of one person: the one with an ID
    number, else the one registered first (its creation time, then its id),
    so every device proposes the same."""

    def rank(r: Mapping[str, Any]) -> tuple[int, str, str]:
        return (0 if not empty(r.get("id_number")) else 1, str(r.get("created_at") or ""), r["id"])

    first, second = sorted((a, b), key=rank)
    return str(first["id"]), str(second["id"])


_DECISIONS = uuid.UUID("5d1c8f0e-8f53-4c55-9a7e-6a2f0c1d7b21")  # namespace of decision ids


def pair(a: str, b: str) -> str:
    """The key of a suggestion of two persons, whichever way round."""
    x, y = sorted((a, b))
    return f"{x}:{y}"


def decision_id(a: str, b: str) -> str:
    """The id of the `persondecision` record about two persons, whichever
    way round: every device deciding the pair writes the same record."""
    return uuid.uuid5(_DECISIONS, pair(a, b)).hex
