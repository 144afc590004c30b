"""The draft of a record being entered: what would be written, what changes
with a field, what is wrong, and the save request."""

from __future__ import annotations

from datetime import date
from typing import Any

from jsxcore.divisions import association_id
from jsxcore.draft import (
    Draft,
    Eligibility,
    EligibilityNeed,
    RateNeed,
    RowNeed,
)
from jsxcore.validation import make_id_number

TOWNSHIP = "430105003000"
VILLAGE = "430105003001"
OTHER_VILLAGE = "430105003002"
TODAY = date(2026, 5, 20)


class FakeLookup:
    """The draft's lookups over dicts (the store's is tested in tests/store)."""

    def __init__(
        self,
        rows: dict[tuple[str, str], dict[str, Any]] | None = None,
        rate: int | None = None,
        eligibility: Eligibility | None = None,
    ) -> None:
        self.rows = rows or {}
        self.rate = rate
        self.elig = eligibility or Eligibility()
        self.asked: list[object] = []

    def row(self, entity: str, row_id: str) -> dict[str, Any] | None:
        self.asked.append((entity, row_id))
        return self.rows.get((entity, row_id))

    def subsidy_rate(self, kind: str, year: int) -> int | None:
        self.asked.append((kind, year))
        return self.rate

    def eligibility(self, family_id: str, head_person_id: str | None) -> Eligibility:
        self.asked.append((family_id, head_person_id))
        return self.elig


def draft(entity: str, **kw: Any) -> Draft:
    return Draft(entity, today=TODAY, **kw)


def enter(d: Draft, **values: Any) -> dict[tuple[str, str], Any]:
    """Enter `part__field=value` pairs in order; the follow-on changes of all."""
    out: dict[tuple[str, str], Any] = {}
    for dotted, value in values.items():
        part, name = dotted.split("__")
        out.update(d.enter((part, name), value))  # type: ignore[arg-type]
    return out


# -- what would be written ------------------------------------------------------------


def test_a_member_lives_in_its_persons_village_with_that_villages_association() -> None:
    d = draft("member", context={"township": TOWNSHIP})
    d.start()
    enter(d, person__name="周慧敏", person__sex="2", person__division_code=VILLAGE)
    v = d.values()
    assert v["division_code"] == VILLAGE
    assert v["association_id"] == association_id(VILLAGE)
    assert v["joined_on"] == TODAY.isoformat()  # a new member joins today
    assert d.issues().errors == {}  # the person link is the save's to set, not missing
    req = d.save_request()
    assert req.row_id is None and req.link == "person_id" and req.person_id is None
    assert "person_id" not in req.values
    assert req.values["association_id"] == association_id(VILLAGE)
    assert req.person_values is not None and req.person_values["name"] == "周慧敏"
    # The person moves: so do the member and its association.
    enter(d, person__division_code=OTHER_VILLAGE)
    assert d.values()["association_id"] == association_id(OTHER_VILLAGE)


def test_a_child_record_lives_where_its_parent_does() -> None:
    d = draft("carevisit", context={"family_id": "f1", "division_code": VILLAGE})
    d.start()
    enter(d, main__mode="home")
    assert d.values()["family_id"] == "f1"
    assert d.values()["division_code"] == VILLAGE
    assert d.needs() == []  # the context said where the family lives
    # Without it, the draft asks for the family.
    d = draft("carevisit", context={"family_id": "f1"})
    d.start()
    assert d.needs() == [RowNeed("specialfamily", "f1")]
    assert ("main", "division_code") in d.issues().errors
    d.resolve(FakeLookup({("specialfamily", "f1"): {"id": "f1", "division_code": VILLAGE}}))
    assert d.values()["division_code"] == VILLAGE
    assert ("main", "division_code") not in d.issues().errors


def test_a_family_members_person_lives_where_the_family_does() -> None:
    d = draft("familymember", context={"family_id": "f1", "division_code": VILLAGE})
    d.start()
    enter(d, person__name="谭小军", person__sex="1", main__relation="10")
    person = d.person_values()
    assert person is not None and person["division_code"] == VILLAGE
    assert d.issues().errors == {}


def test_township_records_and_the_association_of_a_village() -> None:
    d = draft("project", context={"township": TOWNSHIP})
    d.start()
    assert d.values()["division_code"] == TOWNSHIP
    d = draft("site")
    d.start()
    enter(d, main__division_code=VILLAGE)
    assert d.values()["association_id"] == association_id(VILLAGE)


def test_starting_values() -> None:
    d = draft("caresubsidy", context={"family_id": "f1", "division_code": VILLAGE})
    start = d.start()
    assert start[("main", "kind")] == "hospital_care"
    assert start[("main", "status")] == "applied"
    d = draft("member", context={"village": VILLAGE})
    start = d.start()
    assert start[("person", "division_code")] == VILLAGE
    assert ("person", "sex") not in start  # the ID number or the worker says it
    assert start[("person", "ethnicity")] == "01"
    d = draft("association", initial={"level": "sector"})
    assert d.start()[("main", "level")] == "sector"


# -- what changes with a field ---------------------------------------------------------


def test_an_id_number_says_the_birth_date_and_sex() -> None:
    d = draft("volunteer")
    number = make_id_number("430105", date(1966, 3, 2), 701)
    assert enter(d, person__id_number=number) == {
        ("person", "birth_date"): "1966-03-02",
        ("person", "sex"): "1",
    }
    old = "430105660302701"  # 15 digits: upgraded to 18
    out = enter(d, person__id_number=old)
    assert out[("person", "id_number")] == number
    assert d.identity("person") is not None
    assert enter(d, person__id_number="4301") == {}
    assert d.identity("person") is None


def test_subsidy_days_rate_and_amount() -> None:
    d = draft("caresubsidy", context={"family_id": "f1", "division_code": VILLAGE})
    d.start()
    out = enter(d, main__admitted_on="2025-12-30", main__discharged_on="2026-01-04")
    assert out == {("main", "days"): 5}
    assert d.needs() == [RateNeed("hospital_care", 2025)]  # the year of admission
    assert d.learn({RateNeed("hospital_care", 2025): 5000}) == {
        ("main", "rate_fen"): 5000,
        ("main", "amount_fen"): 25000,
    }
    # The amount follows days and rate ...
    assert enter(d, main__discharged_on="2026-01-05") == {
        ("main", "days"): 6,
        ("main", "amount_fen"): 30000,
    }
    assert enter(d, main__rate_fen=6000) == {("main", "amount_fen"): 36000}
    # ... until the worker changes it.
    assert enter(d, main__amount_fen=20000) == {}
    assert enter(d, main__discharged_on="2026-01-06") == {("main", "days"): 7}
    assert d.values()["amount_fen"] == 20000
    # Emptied, it follows again; days typed stand until a date changes.
    enter(d, main__amount_fen=0)
    assert enter(d, main__days=2) == {("main", "amount_fen"): 12000}
    assert enter(d, main__admitted_on="2026-01-05") == {
        ("main", "days"): 1,  # a same-day stay counts one day
        ("main", "amount_fen"): 6000,
    }


def test_a_typed_rate_is_not_replaced_by_the_configured_one() -> None:
    d = draft("caresubsidy", context={"family_id": "f1", "division_code": VILLAGE})
    d.start()
    enter(d, main__rate_fen=7000, main__admitted_on="2025-03-01")
    assert d.needs() == []
    assert enter(d, main__discharged_on="2025-03-03")[("main", "amount_fen")] == 14000


def test_an_officer_repeats_the_picked_persons_name_and_mobile() -> None:
    lookup = FakeLookup(
        {
            ("person", "p1"): {"id": "p1", "name": "王芳", "mobile": "13912345678"},
            ("person", "p2"): {"id": "p2", "name": "李华", "mobile": "13987654321"},
        }
    )
    context = {"association_id": "a1", "division_code": VILLAGE}
    d = draft("officer", context=context)
    d.start()
    assert enter(d, main__person_id="p1") == {}  # not known yet
    assert d.needs() == [RowNeed("person", "p1")]
    assert d.resolve(lookup) == {("main", "name"): "王芳", ("main", "mobile"): "13912345678"}
    # Picking someone else replaces what was copied ...
    enter(d, main__person_id="p2")
    assert d.resolve(lookup) == {("main", "name"): "李华", ("main", "mobile"): "13987654321"}
    # ... never what was typed.
    d = draft("officer", context=context)
    d.start()
    enter(d, main__name="黄会长", main__person_id="p1")
    assert d.resolve(lookup) == {("main", "mobile"): "13912345678"}
    assert d.values()["name"] == "黄会长"


# -- what is wrong ---------------------------------------------------------------


def test_the_village_is_required() -> None:
    d = draft("member")
    d.start()
    enter(d, person__name="甘一", person__sex="1", person__division_code=None)
    errors = d.issues().errors
    assert errors[("person", "division_code")].code == "required"
    assert errors[("main", "division_code")].code == "required"


def test_eligibility_warnings_need_a_reason() -> None:
    d = draft("specialfamily")
    d.start()
    young = make_id_number("430105", date(1990, 4, 5), 22)  # a woman of 36
    enter(
        d,
        person__name="汤丽",
        person__id_number=young,
        person__division_code=VILLAGE,
        main__category="disabled",
        main__disability_grade="4",
    )
    issues = d.issues()
    assert {w.code for w in issues.warnings} == {
        "special_family.mother_under_49",
        "special_family.disability_grade",
    }
    assert issues.need_reason and issues.errors == {}
    assert [k for k, _ in issues.blocking] == [("main", "override_reason")]
    d.override_reason = "  经村委会核实  "
    assert not d.issues().need_reason
    assert d.save_request().values["override_reason"] == "经村委会核实"
    enter(d, main__status="exited")  # a family leaving is not enrolled again
    assert d.issues().warnings == []


def test_an_edited_familys_eligibility_comes_from_its_member_list() -> None:
    d = draft("specialfamily", row_id="f1")
    d.load(
        {"id": "f1", "head_person_id": "p1", "category": "bereaved", "division_code": VILLAGE},
        {"id": "p1", "name": "谭桂英", "sex": "1", "division_code": VILLAGE},
    )
    assert d.needs() == [EligibilityNeed("f1", "p1")]
    d.resolve(FakeLookup(eligibility=Eligibility("1960-01-01", 2)))
    assert [w.code for w in d.issues().warnings] == ["special_family.child_count"]


# -- saving ----------------------------------------------------------------------


def test_an_update_sends_only_what_the_draft_changed() -> None:
    row = {
        "id": "v1",
        "family_id": "f1",
        "division_code": VILLAGE,
        "visit_date": "2026-05-01",
        "mode": "home",
        "needs": "就医",
        "actions": None,
    }
    d = draft("carevisit", row_id="v1", context={"family_id": "f1", "division_code": VILLAGE})
    d.load(row)
    # A form shows every field, so every field is entered; one is changed.
    for name in ("visit_date", "mode", "needs", "actions"):
        d.enter(("main", name), row[name], follow=False)
    d.enter(("main", "actions"), "联系家庭医生")
    req = d.save_request()
    assert req.row_id == "v1" and req.values == {"actions": "联系家庭医生"}


def test_an_existing_person_sends_only_its_changes() -> None:
    person = {"id": "p1", "name": "陈俊宇", "sex": "1", "ethnicity": "03", "mobile": None}
    person["division_code"] = VILLAGE
    d = draft("volunteer")
    d.start()
    d.use_person("p1", person)
    enter(d, person__name="陈俊宇", person__mobile="13907310123")
    req = d.save_request()
    assert req.person_id == "p1"
    assert req.person_values == {"mobile": "13907310123"}  # not the starting ethnicity


def test_a_new_family_writes_its_head_as_a_family_member() -> None:
    d = draft("specialfamily")
    d.start()
    assert d.writes() == {"specialfamily", "person", "familymember"}
    d = draft("specialfamily", row_id="f1")
    assert d.writes() == {"specialfamily", "person"}
    assert draft("carevisit").writes() == {"carevisit"}


def test_opening_a_stored_record_changes_nothing_by_itself() -> None:
    lookup = FakeLookup(
        {
            ("person", "p1"): {"id": "p1", "name": "王芳", "mobile": "13912345678"},
            ("person", "p2"): {"id": "p2", "name": "李华", "mobile": "13987654321"},
        },
        rate=5000,
    )
    officer = draft("officer", row_id="o1")
    officer.load({"id": "o1", "person_id": "p1", "name": "王芳", "mobile": None})
    assert officer.resolve(lookup) == {}  # the empty mobile stays until a pick
    # Picking another person replaces the name the stored record copied.
    officer.enter(("main", "person_id"), "p2")
    assert officer.resolve(lookup) == {
        ("main", "name"): "李华",
        ("main", "mobile"): "13987654321",
    }
    subsidy = draft("caresubsidy", row_id="s1")
    subsidy.load(
        {
            "id": "s1",
            "family_id": "f1",
            "kind": "hospital_care",
            "admitted_on": "2025-03-01",
            "days": 3,
            "rate_fen": 0,
            "amount_fen": 0,
        }
    )
    assert subsidy.resolve(lookup) == {}
    assert all(not isinstance(n, RateNeed) for n in subsidy.needs())
