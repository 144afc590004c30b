"""Who may see and change which records.

A user's scope is their division code cut to its level's digits (province 2,
city 4, county 6, township 9, village 12). A record belongs to the township
given by the first 9 digits of its division code; that is the key pulls
filter on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from jsxcore.divisions import LEVEL_DIGITS, level_of_code, scope_prefix, township_of
from jsxcore.roles import may_push

__all__ = ["Scope", "level_of_code", "township_of"]

TOWNSHIP_DIGITS = LEVEL_DIGITS["township"]


@dataclass(frozen=True)
class Scope:
    username: str
    role: str
    division_code: str
    level: str

    @cached_property
    def prefix(self) -> str:
        # Asked for every change of a push (`contains`): worked out once.
        return scope_prefix(self.division_code, self.level)

    @property
    def can_write(self) -> bool:
        """Whether pushes are taken at all (each change is checked again)."""
        return may_push(self.role)

    def contains(self, division_code: str) -> bool:
        return division_code.startswith(self.prefix)

    def township_range(self) -> tuple[str, str]:
        """Inclusive bounds of the township keys in scope (a range, so the
        (township, seq) index serves prefix scopes on any collation)."""
        p = self.prefix[:TOWNSHIP_DIGITS]
        return p.ljust(TOWNSHIP_DIGITS, "0"), p.ljust(TOWNSHIP_DIGITS, "9")

    @property
    def is_single_township(self) -> bool:
        return len(self.prefix) >= TOWNSHIP_DIGITS

    @property
    def home_township(self) -> str | None:
        """The township a township-or-village user works in."""
        return township_of(self.division_code) if self.is_single_township else None
