"""Row stamp plus exceptions on pull pages (protocol 2): jsxcore.wire."""

from __future__ import annotations

import pytest

from jsxcore.wire import compress_stamps, expand_stamps

A, B, C = (f"2026-11-30T10:00:0{i}.000000Z-0000-dev{i}" for i in range(3))
FIELDS = ("name", "birth_date", "phone", "deleted")


@pytest.mark.parametrize(
    ("stamps", "fields", "row", "exceptions"),
    [
        # every field written by one change: no exceptions at all
        ({f: A for f in FIELDS}, FIELDS, A, {}),
        # a deleted row: "deleted" stamped later than the rest
        ({"name": A, "birth_date": A, "phone": A, "deleted": B}, FIELDS, A, {"deleted": B}),
        # every stamp different: the newest is the row stamp
        (
            {"name": A, "birth_date": B, "phone": C},
            ("name", "birth_date", "phone"),
            C,
            {"name": A, "birth_date": B},
        ),
        # equally common: the newer wins
        (
            {"name": A, "birth_date": A, "phone": B, "deleted": B},
            FIELDS,
            B,
            {"name": A, "birth_date": A},
        ),
        # a data field without a stamp travels as null
        ({"name": A, "birth_date": A, "deleted": A}, FIELDS, A, {"phone": None}),
        # no stamps at all (a row out of scope, or never stamped)
        ({}, FIELDS, None, {}),
        ({}, (), None, {}),
        # a stamp of a field not in the data is kept as an exception
        ({"name": A, "gone": A}, ("name",), A, {"gone": A}),
    ],
)
def test_round_trip(
    stamps: dict[str, str],
    fields: tuple[str, ...],
    row: str | None,
    exceptions: dict[str, str | None],
) -> None:
    assert compress_stamps(stamps, fields) == (row, exceptions)
    assert expand_stamps(row, exceptions, fields) == stamps


def test_protocol_1_pages_expand_to_themselves() -> None:
    """A page of an old server has no row stamp and every field's stamp."""
    stamps = {"name": A, "birth_date": B, "phone": C}
    assert expand_stamps(None, dict(stamps), FIELDS) == stamps
    assert expand_stamps(None, {}, FIELDS) == {}


def test_fewer_bytes_when_stamps_agree() -> None:
    stamps = {f"f{i}": A for i in range(30)}
    row, exceptions = compress_stamps(stamps, tuple(stamps))
    assert row == A and exceptions == {}
