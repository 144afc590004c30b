"""Masking of identifying numbers (DOMAIN.md: "display ID numbers masked,
full reveal is a deliberate, audited action"). Lists, exports, logs and
pickers show these forms; the full value only after a reveal.

- ID number: the issuing area's first three and the last four,
  ``430***********123X``.
- Mobile: the first three and the last four, ``138****5678``.
- Bank account: the last four, ``**** **** 1234``.
"""

from __future__ import annotations

import re
from typing import Any


def mask_id(number: str | None) -> str:
    if not number:
        return ""
    n = str(number)
    if len(n) <= 7:
        return "*" * len(n)
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


def mask_mobile(number: str | None) -> str:
    if not number:
        return ""
    n = str(number)
    if len(n) <= 7:
        return "*" * len(n)
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


def mask_bank(number: str | None) -> str:
    if not number:
        return ""
    digits = re.sub(r"\s", "", str(number))
    return "**** **** " + digits[-4:] if len(digits) > 4 else "*" * len(digits)


def mask(kind: str, value: Any) -> str:
    """`value` as lists show a column of `kind`; other kinds unchanged."""
    if value is None:
        return ""
    if kind == "idnum":
        return mask_id(str(value))
    if kind == "mobile":
        return mask_mobile(str(value))
    if kind == "bank":
        return mask_bank(str(value))
    return str(value)


# 15 to 18 characters: the legacy and current forms (a little more masked is harmless).
_ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{13,16}[0-9Xx](?![0-9])")
_MOBILE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_text(text: str) -> str:
    """Mask every ID number and mobile found inside free text (log lines,
    error details, audit details)."""
    text = _ID_RE.sub(lambda m: mask_id(m.group(0)), text)
    return _MOBILE_RE.sub(lambda m: mask_mobile(m.group(0)), text)
