"""Division-code arithmetic and the shipped Hunan division table.

Codes are 12 digits: 2 province, 2 city, 2 county, 3 township, 3 village,
padded with zeros above village level. A division's scope is the prefix every
code inside it shares.
"""

from __future__ import annotations

import csv
import gzip
import io
import uuid
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_NAMESPACE = uuid.UUID("6f1c7e52-8c1e-4b7a-9a53-0c1b2d9e4a10")

LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None


def read_divisions() -> list[DivisionRow]:
    """All 31,691 Hunan divisions shipped with the package."""
    raw = resources.files("jsxcore.data").joinpath("divisions-hunan.csv.gz").read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    return [
        DivisionRow(r["code"], r["name"], r["level"], r["parent_code"] or None)
        for r in csv.DictReader(io.StringIO(text))
    ]


def scope_prefix(code: str, level: str) -> str:
    """The code prefix that every division inside `code` shares."""
    return code[: LEVEL_DIGITS[level]]


def level_of_code(code: str) -> str:
    """The level a 12-digit division code denotes by its trailing zeros
    (agrees with every row of the shipped division list)."""
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def township_of(code: str) -> str:
    """The 9-digit prefix naming the township a village or township code lies in."""
    return code[: LEVEL_DIGITS["township"]]


@lru_cache(maxsize=4096)
def association_id(division_code: str) -> str:
    """Deterministic: every device and the server derive the same id for the
    association of a division, so deriving the tree twice never duplicates it.
    Cached: an import derives it for each of its rows, from a few dozen codes."""
    return uuid.uuid5(_NAMESPACE, f"association:{division_code}").hex


def is_derived_row(entity: str, row_id: str, division_code: object) -> bool:
    """A row every device and the server derive identically from the
    division list (the association of a township or village, by its id): it
    is nobody's edit, so it is never journaled, and an insert of it that
    meets the row already there changes nothing."""
    return (
        entity == "association"
        and isinstance(division_code, str)
        and row_id == association_id(division_code)
    )


def association_name(division_name: str) -> str:
    return f"{division_name}计划生育协会"


def association_tree(
    township: DivisionRow, villages: list[DivisionRow]
) -> list[dict[str, str | None]]:
    """The township's association and one per village, as record values:
    the rows every device and the server derive identically."""
    if township.level != "township":
        raise ValueError(f"{township.code} is not a township code")
    town_id = association_id(township.code)
    out: list[dict[str, str | None]] = [
        dict(
            id=town_id,
            division_code=township.code,
            name=association_name(township.name),
            level="township",
            parent_id=None,
        )
    ]
    for v in villages:
        out.append(
            dict(
                id=association_id(v.code),
                division_code=v.code,
                name=association_name(v.name),
                level="village",
                parent_id=town_id,
            )
        )
    return out
