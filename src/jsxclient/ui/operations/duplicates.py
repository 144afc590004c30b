"""Duplicate persons for the desktop: merge reviews and suggestions, the
worker's merge or dismissal (`jsxclient.sync.duplicates`). Runs on the
database worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsxclient.store.store import Store
    from jsxclient.sync.duplicates import Candidate


@dataclass(frozen=True)
class Listing:
    candidates: list[Candidate]
    places: dict[str, str]  # division code -> name, for the villages shown


def listing(store: Store) -> Listing:
    from jsxclient.sync import duplicates

    found = duplicates.candidates(store)
    codes = sorted(
        {str(r.get("division_code")) for c in found for r in (c.kept, c.other)} - {"None", ""}
    )
    conn = store.db.connection()
    places: dict[str, str] = {}
    for i in range(0, len(codes), 500):
        chunk = codes[i : i + 500]
        places.update(
            conn.execute(
                f"SELECT code, name FROM division WHERE code IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return Listing(found, places)


def merge(store: Store, candidate: Candidate, choices: dict[str, str]) -> dict[str, Any]:
    """Apply the worker's choices: settle a review, or merge a suggestion."""
    from jsxclient.sync import duplicates

    picked: dict[str, Any] = dict(choices)
    kept = str(candidate.kept["id"])
    if candidate.kind == "review":
        return duplicates.apply_review(store, kept, picked)
    m = duplicates.merge_persons(store, kept, str(candidate.other["id"]), picked)
    return {"repointed": m.repointed, "filled": m.filled}


def dismiss(store: Store, candidate: Candidate) -> None:
    from jsxclient.sync import duplicates

    duplicates.dismiss(store, str(candidate.kept["id"]), str(candidate.other["id"]))
