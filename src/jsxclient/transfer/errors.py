"""Why a file cannot be imported or written, in the worker's language."""

from __future__ import annotations


class TransferError(Exception):
    """A file refused as a whole (not a spreadsheet, encrypted, too big ...)
    or a transfer that cannot go on. Nothing was written. `code` is stable
    for tests and scripts; `zh`/`en` are for people."""

    #: An expected, environmental failure: the desktop shows it plainly.
    kind = "env"

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


class Cancelled(Exception):
    """The worker cancelled; whatever was under way was rolled back."""
