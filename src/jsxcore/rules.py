"""Entity rules: what follows from what a worker enters.

Every entry path runs these, so a record saved from a form, the command line
or an import comes out the same:

- where a record lives (its ``division_code``): the village of its person
  (members, volunteers, special families), the division of the record it
  belongs to (a visit lives where its family does), the township (projects,
  subsidy rates) or the village picked (activities, sites);
- the association of a member, site or activity, derived from its village;
- care-subsidy arithmetic: days in hospital from the admission and discharge
  dates, the amount from the days and the configured daily rate;
- the head of a new special family becomes its first family member;
- officers and family contacts repeat the linked person's name and mobile;
- the visit schedule: a face-to-face visit each quarter from enrolment,
  sooner when a visit asked for a follow-up; a major event reported at a
  visit is followed up for a month;
- what the special-family eligibility check reads from the family's member
  list: the mother's birth date and the number of children.

Plain functions with no I/O: a ``Resolver`` supplied by the caller (the
client's write transaction, a form's draft) looks up linked records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, Protocol

from jsxcore.divisions import association_id
from jsxcore.entities import ENTITIES
from jsxcore.messages import DomainError
from jsxcore.validation import parse_date

Values = Mapping[str, Any]


class Resolver(Protocol):
    """What the rules may look up: a live record by id, and the daily
    subsidy rate configured for a kind and year."""

    def row(self, entity: str, row_id: str) -> Values | None: ...

    def subsidy_rate(self, kind: str, year: int) -> int | None: ...


# -- where a record lives -----------------------------------------------------------

DivisionSource = Literal["person", "parent", "township", "own"]


@dataclass(frozen=True)
class Placement:
    source: DivisionSource
    parent_field: str | None = None  # for "parent": the reference that names it


PLACEMENT: dict[str, Placement] = {
    "member": Placement("person"),
    "volunteer": Placement("person"),
    "specialfamily": Placement("person"),
    "familymember": Placement("parent", "family_id"),
    "familycontact": Placement("parent", "family_id"),
    "carevisit": Placement("parent", "family_id"),
    "caresubsidy": Placement("parent", "family_id"),
    "activityparticipant": Placement("parent", "activity_id"),
    "projectsite": Placement("parent", "project_id"),
    "officer": Placement("parent", "association_id"),
    "membergroup": Placement("parent", "association_id"),
    "volunteerpairing": Placement("parent", "volunteer_id"),
    "project": Placement("township"),
    "subsidyrate": Placement("township"),
    "monthlyreport": Placement("township"),
}
OWN = Placement("own")

# The records whose association is the one of their village.
ASSOCIATION_FROM_DIVISION = frozenset({"member", "site", "activity"})

# The link from a record to the person it is about (forms with a person part:
# the person is entered, or picked, together with the record).
PERSON_LINK: dict[str, str] = {
    "member": "person_id",
    "volunteer": "person_id",
    "specialfamily": "head_person_id",
    "familymember": "person_id",
}

#: Records a person holds at most one live row of (zh, en names). A second
#: one is a duplicate registration, refused by the store's write path.
ONE_PER_PERSON: dict[str, tuple[str, str]] = {
    "member": ("会员", "member"),
    "volunteer": ("志愿者", "volunteer"),
}

# Records that repeat the linked person's name and mobile, as the paper
# registers do (the person may be outside the association's members).
PERSON_COPIES: dict[str, tuple[str, ...]] = {
    "officer": ("name", "mobile"),
    "familycontact": ("name", "mobile"),
}


def placement(entity: str) -> Placement:
    return PLACEMENT.get(entity, OWN)


def parent_of(entity: str) -> tuple[str, str] | None:
    """(reference field, parent entity) whose division the record takes."""
    p = placement(entity)
    if p.source != "parent" or p.parent_field is None:
        return None
    return p.parent_field, ENTITIES[entity].references[p.parent_field]


def division_for(
    entity: str,
    values: Values,
    *,
    person: Values | None = None,
    township: str | None = None,
    resolver: Resolver | None = None,
) -> str | None:
    """The division the record belongs to, by its entity's placement rule;
    falls back to the record's own ``division_code`` when the source is
    unknown (no person yet, parent not found)."""
    own = values.get("division_code") or None
    p = placement(entity)
    if p.source == "person":
        return ((person or {}).get("division_code") or None) or own
    if p.source == "township":
        return township or own
    if p.source == "parent":
        link = parent_of(entity)
        assert link is not None
        ref = values.get(link[0])
        if ref and resolver is not None:
            parent = resolver.row(link[1], str(ref))
            if parent is not None and parent.get("division_code"):
                return str(parent["division_code"])
    return own


def association_for(entity: str, division_code: str | None) -> str | None:
    """The association a member, site or activity belongs to: its village's."""
    if entity not in ASSOCIATION_FROM_DIVISION or not division_code:
        return None
    return association_id(division_code)


# -- care subsidies -----------------------------------------------------------------


def subsidy_days(admitted: Any, discharged: Any) -> int | None:
    """Days in hospital: discharge minus admission, a same-day stay counting
    one day; None while either date is missing or they are out of order."""
    try:
        a, d = parse_date(admitted), parse_date(discharged)
    except DomainError:
        return None
    if a is None or d is None or d < a:
        return None
    return (d - a).days or 1


def subsidy_amount(days: Any, rate_fen: Any) -> int | None:
    """Amount in fen: days times the daily rate."""
    try:
        n, r = int(days or 0), int(rate_fen or 0)
    except (TypeError, ValueError):
        return None
    return n * r if n > 0 and r > 0 else None


def subsidy_year(values: Values) -> int | None:
    try:
        admitted = parse_date(values.get("admitted_on"))
    except DomainError:
        return None
    return admitted.year if admitted else None


# -- filling in a record ------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or value == ""


def complete(
    entity: str,
    values: Values,
    *,
    person: Values | None = None,
    township: str | None = None,
    resolver: Resolver | None = None,
) -> dict[str, Any]:
    """The derivable fields that ``values`` leaves empty, filled in (the
    command line, imports and the store's write path: what the worker gave
    always stands). Returns only the fields it fills."""
    out: dict[str, Any] = {}
    code = values.get("division_code") or None
    if code is None:
        code = division_for(entity, values, person=person, township=township, resolver=resolver)
        if code:
            out["division_code"] = code
    if entity in ASSOCIATION_FROM_DIVISION and _blank(values.get("association_id")):
        assoc = association_for(entity, code)
        if assoc:
            out["association_id"] = assoc
    if entity == "caresubsidy":
        # 0 is the columns' default, never a real stay, rate or payment.
        days = values.get("days")
        if not days:
            days = subsidy_days(values.get("admitted_on"), values.get("discharged_on"))
            if days is not None:
                out["days"] = days
        rate = values.get("rate_fen")
        if not rate and resolver is not None and values.get("kind"):
            year = subsidy_year(values)
            if year is not None:
                rate = resolver.subsidy_rate(str(values["kind"]), year)
                if rate is not None:
                    out["rate_fen"] = rate
        if not values.get("amount_fen"):
            amount = subsidy_amount(days, rate)
            if amount is not None:
                out["amount_fen"] = amount
    copies = PERSON_COPIES.get(entity)
    if copies and values.get("person_id") and resolver is not None:
        linked = resolver.row("person", str(values["person_id"]))
        if linked is not None:
            for name in copies:
                if _blank(values.get(name)) and not _blank(linked.get(name)):
                    out[name] = linked[name]
    return out


def companions(entity: str, values: Values, row_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Records to create together with a new one: the head of a new special
    family becomes its first family member (relation 02, head of household)."""
    if entity == "specialfamily" and values.get("head_person_id"):
        return [
            (
                "familymember",
                {
                    "family_id": row_id,
                    "person_id": values["head_person_id"],
                    "relation": "02",
                    "division_code": values.get("division_code"),
                },
            )
        ]
    return []


# -- the visit schedule -------------------------------------------------------------

#: A face-to-face visit at least every quarter (4 home visits a year).
VISIT_INTERVAL_DAYS = 91
#: Contact modes that count as seeing the family face to face.
FACE_TO_FACE_MODES = ("home", "activity")
#: A major event reported at a visit asks for follow-up for this many days.
MAJOR_EVENT_FOLLOW_UP_DAYS = 30


@dataclass(frozen=True)
class VisitDue:
    due: date
    reason: Literal["visit", "follow_up"]  # the quarterly visit, or a follow-up asked for


def schedule_start(enrolled_on: date | str | None, created_at: str) -> date:
    """The day a family's visit schedule counts from: its enrolment, or the
    day it was recorded when the enrolment date is not known."""
    return _day(enrolled_on) or date.fromisoformat(str(created_at)[:10])


def next_visit(
    since: date | str, last_face_to_face: date | str | None, follow_up_due: date | str | None
) -> VisitDue:
    """When a special family is next due a visit: a quarter after the last
    face-to-face visit (or after enrolment), sooner if the latest visit set a
    follow-up date."""
    base = _day(last_face_to_face) or _day(since)
    assert base is not None
    due = VisitDue(base + timedelta(days=VISIT_INTERVAL_DAYS), "visit")
    follow = _day(follow_up_due)
    if follow is not None and follow < due.due:
        return VisitDue(follow, "follow_up")
    return due


def _day(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# -- special-family eligibility inputs ----------------------------------------------

#: GB/T 2261.1 sex code of a woman.
FEMALE = "2"
#: GB/T 4761 relations that are a child of the family: sons (20-29) and
#: daughters (30-39), not a son-in-law (28) or a daughter-in-law (38).
CHILD_RELATIONS = frozenset(str(n) for n in range(20, 40)) - {"28", "38"}
#: Relations whose woman is the mother of the family's child: the person
#: herself, the head of household, the spouse, the wife.
MOTHER_RELATIONS = ("01", "02", "10", "12")


def eligibility_inputs(
    head: tuple[str | None, str | None] | None,
    members: Sequence[tuple[str, str | None, str | None]],
) -> tuple[str | None, int | None]:
    """The mother's birth date and the number of children, for the
    special-family eligibility warnings, from the head's (sex, birth date)
    and each family member's (relation, sex, birth date). A female head is
    the mother; otherwise the first woman in a mother's relation with a
    birth date. No child on the list gives None (unknown), not 0."""
    mother: str | None = None
    if head is not None and head[0] == FEMALE:
        mother = head[1]
    kids = sum(1 for relation, _, _ in members if relation in CHILD_RELATIONS)
    if mother is None:
        for relation, sex, birth in members:
            if sex == FEMALE and relation in MOTHER_RELATIONS and birth:
                mother = birth
                break
    return mother, kids or None
