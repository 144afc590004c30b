"""Bilingual validation messages shared by the domain, the store and the UI.

Every message the domain produces carries a stable machine code plus the text
in Chinese (the users' language) and English. Nothing here imports Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


def _wants_english(lang: str) -> bool:
    """True for "en", "en_US", "en-GB" ...; everything else falls back to Chinese."""
    return lang.lower().startswith("en")


@dataclass(frozen=True)
class Issue:
    """One problem found in a value or a record.

    ``field`` names the field the message belongs to ("" for the whole record),
    ``code`` is a stable machine code such as ``"id_number.checksum"``.
    Errors block saving; warnings may be overridden by the user with a reason.
    """

    field: str
    code: str
    zh: str
    en: str
    severity: Severity = "error"

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" or "en"; locale forms like "en_US" work too)."""
        return self.en if _wants_english(lang) else self.zh

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class DomainError(ValueError):
    """Raised by the domain's parse functions; ``str()`` is the Chinese text."""

    issue: Issue

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.zh)
        self.issue = issue

    def text(self, lang: str = "zh") -> str:
        return self.issue.text(lang)


__all__ = ["DomainError", "Issue", "Severity"]
