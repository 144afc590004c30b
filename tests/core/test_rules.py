"""The entity rules: what every entry path derives from what a worker enters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jsxcore import rules
from jsxcore.divisions import association_id

VILLAGE = "430105003001"
OTHER_VILLAGE = "430105003002"
TOWNSHIP = "430105003000"


class FakeResolver:
    """The rules' two lookups over dicts (the real one is the store's Tx,
    tested in tests/store)."""

    def __init__(self, rows: dict[tuple[str, str], dict[str, Any]], rate: int | None = None):
        self.rows = rows
        self.rate = rate
        self.asked: list[tuple[str, int]] = []

    def row(self, entity: str, row_id: str) -> dict[str, Any] | None:
        return self.rows.get((entity, row_id))

    def subsidy_rate(self, kind: str, year: int) -> int | None:
        self.asked.append((kind, year))
        return self.rate


def test_member_lives_in_its_persons_village_with_that_villages_association() -> None:
    filled = rules.complete("member", {"person_id": "p1"}, person={"division_code": VILLAGE})
    assert filled == {"division_code": VILLAGE, "association_id": association_id(VILLAGE)}


def test_what_the_worker_gave_stands() -> None:
    values = {"division_code": OTHER_VILLAGE, "association_id": "chosen"}
    assert rules.complete("member", values, person={"division_code": VILLAGE}) == {}


def test_child_records_take_their_parents_division() -> None:
    res = FakeResolver({("specialfamily", "f1"): {"division_code": VILLAGE}})
    for entity in ("carevisit", "familymember", "familycontact", "caresubsidy"):
        filled = rules.complete(entity, {"family_id": "f1"}, resolver=res)
        assert filled.get("division_code") == VILLAGE, entity
    # an unknown parent leaves the field for validation to report
    assert rules.complete("carevisit", {"family_id": "nope"}, resolver=res) == {}


def test_township_records_and_sites() -> None:
    assert rules.complete("project", {}, township=TOWNSHIP) == {"division_code": TOWNSHIP}
    assert rules.complete("site", {"division_code": VILLAGE}) == {
        "association_id": association_id(VILLAGE)
    }
    assert rules.association_for("carevisit", VILLAGE) is None


@pytest.mark.parametrize(
    ("admitted", "discharged", "days"),
    [
        ("2026-03-01", "2026-03-11", 10),
        ("2026-03-01", "2026-03-01", 1),  # a same-day stay counts one day
        ("2026-03-02", "2026-03-01", None),  # out of order: validation says so
        ("2026-03-01", None, None),
        ("2026-02-30", "2026-03-01", None),  # not a date
    ],
)
def test_subsidy_days(admitted: str, discharged: str | None, days: int | None) -> None:
    assert rules.subsidy_days(admitted, discharged) == days


def test_subsidy_amount_from_days_and_the_configured_rate() -> None:
    res = FakeResolver({}, rate=5000)
    values = {"kind": "hospital_care", "admitted_on": "2025-12-30", "discharged_on": "2026-01-04"}
    filled = rules.complete("caresubsidy", values, resolver=res)
    assert filled["days"] == 5 and filled["rate_fen"] == 5000 and filled["amount_fen"] == 25000
    assert res.asked == [("hospital_care", 2025)]  # the year of admission
    # an amount the worker typed is kept
    kept = rules.complete("caresubsidy", {**values, "amount_fen": 100}, resolver=res)
    assert "amount_fen" not in kept
    assert rules.subsidy_amount(0, 5000) is None and rules.subsidy_amount("x", 1) is None


def test_officer_and_contact_repeat_the_persons_name_and_mobile() -> None:
    res = FakeResolver({("person", "p1"): {"name": "王芳", "mobile": "13912345678"}})
    filled = rules.complete("familycontact", {"person_id": "p1", "name": "王"}, resolver=res)
    assert filled == {"mobile": "13912345678"}  # the typed name stands


def test_the_head_of_a_new_family_becomes_its_first_member() -> None:
    extra = rules.companions(
        "specialfamily", {"head_person_id": "p1", "division_code": VILLAGE}, "f1"
    )
    assert extra == [
        (
            "familymember",
            {"family_id": "f1", "person_id": "p1", "relation": "02", "division_code": VILLAGE},
        )
    ]
    assert rules.companions("member", {"person_id": "p1"}, "m1") == []


def test_visit_schedule() -> None:
    due = rules.next_visit("2026-01-10", None, None)
    assert due == rules.VisitDue(date(2026, 4, 11), "visit")  # a quarter after enrolment
    due = rules.next_visit("2025-01-01", "2026-02-01", None)
    assert due.due == date(2026, 5, 3) and due.reason == "visit"
    due = rules.next_visit("2025-01-01", "2026-02-01", "2026-02-15")
    assert due == rules.VisitDue(date(2026, 2, 15), "follow_up")
    # a follow-up later than the quarterly visit does not postpone it
    assert rules.next_visit("2025-01-01", "2026-02-01", "2026-12-01").reason == "visit"


def test_the_schedule_counts_from_enrolment_else_from_recording() -> None:
    assert rules.schedule_start("2024-03-01", "2025-01-02 08:00:00.000000") == date(2024, 3, 1)
    assert rules.schedule_start(None, "2025-01-02 08:00:00.000000") == date(2025, 1, 2)
    assert rules.schedule_start("", "2025-01-02 08:00:00.000000") == date(2025, 1, 2)


def test_eligibility_inputs_from_the_member_list() -> None:
    husband = [("02", "1", "1950-01-01"), ("12", "2", "1952-03-04"), ("22", "1", "1980-05-06")]
    # A male head: the mother is the wife on the list; one son.
    assert rules.eligibility_inputs(("1", "1950-01-01"), husband) == ("1952-03-04", 1)
    # A female head is the mother whatever the list says.
    assert rules.eligibility_inputs(("2", "1955-07-08"), husband) == ("1955-07-08", 1)
    # A son-in-law and a daughter-in-law are nobody's child here; no child is
    # unknown (None), not 0.
    in_laws = [("28", "1", "1979-01-01"), ("38", "2", "1981-01-01")]
    assert rules.eligibility_inputs(None, in_laws) == (None, None)
    # Sons and daughters 20-39 count; a mother without a birth date is skipped.
    kids = [("10", "2", None), ("20", "1", None), ("39", "2", None), ("40", "1", None)]
    assert rules.eligibility_inputs(None, kids) == (None, 2)
