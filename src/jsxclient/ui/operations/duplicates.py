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


def listing(store: Store) -> Listing:
    from jsxclient.sync import duplicates

    return Listing(duplicates.candidates(store))


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
