"""A record being entered, before it is saved.

A form, the command line or an import puts what the worker gave for a record
into a `Draft` (and, for members, volunteers, special families and family
members, what was given for the person the record is about). The draft then
says:

- what would be written: the loaded row, the parent link from the context,
  what was entered, and what the entity rules (`jsxcore.rules`) derive from
  them (the record's division, its association);
- what changes together with a field (`enter` returns it): birth date and sex
  from an ID number, a care subsidy's days from its dates and its amount from
  days and rate, the name and mobile repeated from a picked person;
- what is wrong (`issues`): validation errors per field, the village, the
  special-family eligibility warnings and the reason they need;
- what to send to the store (`save_request`): the whole record for an insert,
  only what this draft changed for an update, and the person part.

No I/O and no Qt. What the draft must look up (a parent record, a picked
person, the configured subsidy rate, a family's eligibility inputs) it lists
in `needs()`; the caller answers them, on a worker thread or at once through
a `Lookup` (`resolve`), and hands the answers back with `learn()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from jsxcore import rules
from jsxcore.entities import ENTITIES, EntitySpec
from jsxcore.messages import DomainError, Issue
from jsxcore.validation import (
    IdNumber,
    parse_id_number,
    special_family_eligibility,
    validate_record,
)

Part = Literal["main", "person"]
Key = tuple[Part, str]  # (part, field)
Values = Mapping[str, Any]
Updates = dict[Key, Any]

# Fields a new record never starts with a value in: the key and stamps the
# write path sets, the village (the context or the worker says it) and the
# sex (the ID number or the worker says it).
NO_DEFAULT = frozenset({"id", "created_at", "updated_at", "deleted", "division_code", "sex"})
# Dates usually entered on the day they record.
TODAY_FIELDS = ("joined_on", "visit_date", "held_on", "enrolled_on", "registered_on")
# Starting values beyond the models' defaults: most subsidies are for a stay in hospital.
STARTING: dict[str, dict[str, Any]] = {"caresubsidy": {"kind": "hospital_care"}}
# The fields a care subsidy's days, rate and amount follow.
SUBSIDY_SOURCES = frozenset({"admitted_on", "discharged_on", "days", "rate_fen", "kind"})

REASON_REQUIRED = Issue(
    "override_reason",
    "special_family.reason_required",
    "请填写仍要登记的理由，或修改上面的内容",
    "Give a reason for enrolling the family anyway, or correct the details above",
)


def _required(name: str) -> Issue:
    return Issue(name, "required", "此项为必填项", "This field is required")


def _blank(value: Any) -> bool:
    return value is None or value == ""


# -- what a draft may need to look up ------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """What the special-family criteria need beyond the form: the mother's
    birth date and the number of children on the family's member list
    (None: not known)."""

    mother_birth_date: str | None = None
    child_count: int | None = None


class Lookup(rules.Resolver, Protocol):
    """Everything a draft may look up; the client's store answers it."""

    def eligibility(self, family_id: str, head_person_id: str | None) -> Eligibility: ...


@dataclass(frozen=True)
class RowNeed:
    """A live record: the parent a record takes its division from, or the
    person an officer or a contact repeats the name and mobile of."""

    entity: str
    row_id: str

    def ask(self, lookup: Lookup) -> Values | None:
        return lookup.row(self.entity, self.row_id)


@dataclass(frozen=True)
class RateNeed:
    """The configured daily subsidy rate for a kind and year."""

    kind: str
    year: int

    def ask(self, lookup: Lookup) -> int | None:
        return lookup.subsidy_rate(self.kind, self.year)


@dataclass(frozen=True)
class EligibilityNeed:
    """A special family's eligibility inputs from its member list."""

    family_id: str
    head_person_id: str | None

    def ask(self, lookup: Lookup) -> Eligibility:
        return lookup.eligibility(self.family_id, self.head_person_id)


Need = RowNeed | RateNeed | EligibilityNeed


# -- what a draft says ---------------------------------------------------------------


@dataclass(frozen=True)
class Issues:
    errors: dict[Key, Issue]  # the first error of each field
    # The special-family criteria not met; fields are the main part's or the criteria's.
    warnings: list[Issue]
    need_reason: bool  # warnings and no reason given for enrolling anyway

    @property
    def blocking(self) -> list[tuple[Key, Issue]]:
        """Everything that stops a save, the missing reason included."""
        out = list(self.errors.items())
        if self.need_reason:
            out.append((("main", "override_reason"), REASON_REQUIRED))
        return out


@dataclass(frozen=True)
class SaveRequest:
    """One save. `values` is the whole record for an insert (`row_id` None),
    the fields to change for an update. With a person part, the person
    (`person_id` when it exists already; then `person_values` holds only its
    changes) is written first and linked through `link`."""

    entity: str
    row_id: str | None
    values: dict[str, Any]
    link: str | None = None
    person_id: str | None = None
    person_values: dict[str, Any] | None = None


# -- the draft -----------------------------------------------------------------------


class Draft:
    """One record being entered or edited; see the module's docstring.

    `context` names what the record is entered under: the parent's link
    (``family_id``, ``association_id`` ...) and ``division_code`` (the
    parent's division, or the village being looked at), ``village`` (a list's
    village filter), ``township``.
    """

    def __init__(
        self,
        entity: str,
        *,
        row_id: str | None = None,
        context: Mapping[str, Any] | None = None,
        today: date | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        self.entity = entity
        self.spec = ENTITIES[entity]
        self.person_spec = ENTITIES["person"]
        self.link = rules.PERSON_LINK.get(entity)
        self.row_id = row_id
        self.context = dict(context or {})
        self.today = today or date.today()
        self.initial = dict(initial or {})
        # What was entered, per part (the person part only for PERSON_LINK entities).
        self.main: dict[str, Any] = {}
        self.person: dict[str, Any] | None = {} if self.link else None
        self.loaded: dict[str, Any] | None = None
        self.loaded_person: dict[str, Any] | None = None
        self.person_id: str | None = None
        self.override_reason = ""
        # What was looked up (None: looked up and not found).
        self.rows: dict[tuple[str, str], Values | None] = {}
        self.rates: dict[tuple[str, int], int | None] = {}
        self.eligibility: dict[tuple[str, str | None], Eligibility] = {}
        # Follow-ons of the worker's entries only: opening a stored record
        # changes nothing by itself.
        self._copy_pending = False  # a person was picked: copy when known
        self._copied_from: str | None = None  # the person the name and mobile came from
        self._rate_wanted = False  # a subsidy field changed: fill an empty rate
        parent = rules.parent_of(entity)
        if parent and self.context.get(parent[0]) and self.context.get("division_code"):
            # The caller knows where the parent lives (a family's page passes its village).
            pid = str(self.context[parent[0]])
            self.rows[(parent[1], pid)] = {
                "id": pid,
                "division_code": self.context["division_code"],
            }

    @property
    def has_person(self) -> bool:
        return self.person is not None

    def _part(self, part: Part) -> dict[str, Any]:
        if part == "person":
            assert self.person is not None, f"{self.entity} has no person part"
            return self.person
        return self.main

    # -- rules.Resolver over what was looked up ------------------------------------

    def row(self, entity: str, row_id: str) -> Values | None:
        return self.rows.get((entity, row_id))

    def subsidy_rate(self, kind: str, year: int) -> int | None:
        return self.rates.get((kind, year))

    # -- entering ----------------------------------------------------------------

    def start(self) -> Updates:
        """Put in a new record's starting values and return them: the
        models' defaults, today for the dates usually entered on the day, the
        village the caller is looking at, the caller's initial values."""
        out: Updates = {}
        parts: list[tuple[Part, EntitySpec]] = [("main", self.spec)]
        if self.has_person:
            parts.append(("person", self.person_spec))
        for part, es in parts:
            for name, d in es.defaults().items():
                if name in es.data_fields and name not in NO_DEFAULT and not _blank(d):
                    out[(part, name)] = d
        for name in TODAY_FIELDS:
            if name in self.spec.data_fields:
                out[("main", name)] = self.today.isoformat()
        village = self.context.get("village") or self.context.get("division_code")
        if village:
            out[("main", "division_code")] = village
            if self.has_person:
                out[("person", "division_code")] = village
        for name, value in {**STARTING.get(self.entity, {}), **self.initial}.items():
            to_main = name in self.spec.data_fields or not self.has_person
            out[("main" if to_main else "person", name)] = value
        self._record(out)
        return out

    def load(self, row: Values, person: Values | None = None) -> None:
        """Edit a stored record (and the person it links through `link`)."""
        self.loaded = dict(row)
        self.row_id = str(row["id"])
        self.loaded_person = dict(person) if person else None
        self.person_id = str(person["id"]) if person else None
        self.override_reason = str(row.get("override_reason") or "")
        if self.entity in rules.PERSON_COPIES and row.get("person_id"):
            self._copied_from = str(row["person_id"])

    def use_person(self, person_id: str, values: Values) -> None:
        """Link an existing person instead of entering a new one; what is
        entered in the person part then updates that person."""
        self.person_id = person_id
        self.loaded_person = dict(values)
        if self.person is not None:
            # The person's own values replace what the part started with.
            self.person.update({k: v for k, v in values.items() if k in self.person})

    def enter(self, key: Key, value: Any, *, follow: bool = True) -> Updates:
        """Record a value entered for a field. Returns the fields that change
        with it (already recorded), for a form to show; `follow=False` just
        records (a form echoing what the draft computed, or a stored row)."""
        before = self.values() if follow else {}
        part, name = key
        self._part(part)[name] = value
        if not follow:
            return {}
        out: Updates = {}
        if name == "id_number":
            out.update(self._from_id_number(part))
        if part == "main" and self.entity == "caresubsidy" and name in SUBSIDY_SOURCES:
            self._rate_wanted = True
            out.update(self._subsidy(before, dates=name in ("admitted_on", "discharged_on")))
        if part == "main" and name == "person_id" and self.entity in rules.PERSON_COPIES:
            self._copy_pending = bool(value)
            out.update(self._copies())
        self._record(out)
        return out

    def _record(self, updates: Updates) -> None:
        for (part, name), value in updates.items():
            self._part(part)[name] = value

    def identity(self, part: Part) -> IdNumber | None:
        """What the ID number entered in `part` encodes, if it is valid."""
        raw = self._part(part).get("id_number")
        if _blank(raw):
            return None
        try:
            return parse_id_number(str(raw), self.today)
        except DomainError:
            return None

    def _from_id_number(self, part: Part) -> Updates:
        """A valid ID number says the birth date and the sex; an old
        15-digit number is upgraded to 18."""
        ident = self.identity(part)
        if ident is None:
            return {}
        entered = self._part(part)
        out: Updates = {}
        raw = str(entered.get("id_number"))
        if ident.number != raw and len(raw) == 15:
            out[(part, "id_number")] = ident.number
        for name, value in (("birth_date", ident.birth_date.isoformat()), ("sex", ident.sex)):
            if entered.get(name) != value:
                out[(part, name)] = value
        return out

    def _subsidy(self, before: Values, *, dates: bool = False) -> Updates:
        """Days follow a change of the dates; an empty rate is the configured
        one; the amount follows days times rate unless the worker changed it
        (it no longer equals the product of the days and rate it had)."""
        now = self.values()
        out: Updates = {}
        days = rules.subsidy_days(now.get("admitted_on"), now.get("discharged_on"))
        if dates and days is not None and days != now.get("days"):
            out[("main", "days")] = now["days"] = days
        if self._rate_wanted and not now.get("rate_fen"):
            kind, year = now.get("kind"), rules.subsidy_year(now)
            rate = self.rates.get((str(kind), year)) if kind and year else None
            if rate:
                out[("main", "rate_fen")] = now["rate_fen"] = rate
        amount = rules.subsidy_amount(now.get("days"), now.get("rate_fen"))
        current = now.get("amount_fen")
        was = rules.subsidy_amount(before.get("days"), before.get("rate_fen"))
        if amount is not None and amount != current and (not current or current == was):
            out[("main", "amount_fen")] = amount
        return out

    def _copies(self) -> Updates:
        """The picked person's name and mobile, where the worker left them
        empty or they were copied from the person picked before."""
        now = self.values()
        pid = now.get("person_id")
        linked = self.rows.get(("person", str(pid))) if pid else None
        if not self._copy_pending or linked is None:
            return {}
        before = self.rows.get(("person", self._copied_from)) if self._copied_from else None
        out: Updates = {}
        for name in rules.PERSON_COPIES[self.entity]:
            current, new = now.get(name), linked.get(name)
            if _blank(new) or current == new:
                continue
            if _blank(current) or (before is not None and current == before.get(name)):
                out[("main", name)] = new
        self._copied_from = str(pid)
        self._copy_pending = False
        return out

    # -- looking up ----------------------------------------------------------------

    def needs(self) -> list[Need]:
        """What the draft must look up to say more than it can now."""
        v = self._given()
        out: list[Need] = []
        parent = rules.parent_of(self.entity)
        if parent and v.get(parent[0]):
            ref = str(v[parent[0]])
            if (parent[1], ref) not in self.rows:
                out.append(RowNeed(parent[1], ref))
        if self._rate_wanted and not v.get("rate_fen") and v.get("kind"):
            year = rules.subsidy_year(v)
            if year is not None and (str(v["kind"]), year) not in self.rates:
                out.append(RateNeed(str(v["kind"]), year))
        pid = v.get("person_id") if self.entity in rules.PERSON_COPIES else None
        if pid and ("person", str(pid)) not in self.rows:
            out.append(RowNeed("person", str(pid)))
        key = self._eligibility_key()
        if key is not None and key[0] and key not in self.eligibility:
            out.append(EligibilityNeed(key[0], key[1]))
        return out

    def learn(self, answers: Mapping[Need, Any]) -> Updates:
        """Take the answers to `needs()`; returns the fields that change with
        them (already recorded), like `enter`."""
        before = self.values()
        rate = person = False
        for need, answer in answers.items():
            if isinstance(need, RowNeed):
                self.rows[(need.entity, need.row_id)] = answer
                person = person or need.entity == "person"
            elif isinstance(need, RateNeed):
                self.rates[(need.kind, need.year)] = answer
                rate = True
            else:
                self.eligibility[(need.family_id, need.head_person_id)] = answer
        out: Updates = {}
        if rate and self.entity == "caresubsidy":
            out.update(self._subsidy(before))
        if person and self.entity in rules.PERSON_COPIES:
            out.update(self._copies())
        self._record(out)
        return out

    def resolve(self, lookup: Lookup) -> Updates:
        """Answer every need at once (the command line, an import)."""
        out: Updates = {}
        asked: set[Need] = set()
        while needs := [n for n in self.needs() if n not in asked]:
            asked.update(needs)
            out.update(self.learn({n: n.ask(lookup) for n in needs}))
        return out

    # -- what would be written -------------------------------------------------------

    def _given(self) -> dict[str, Any]:
        v = dict(self.loaded or {})
        v.update(
            {k: self.context[k] for k in self.spec.references if self.context.get(k) is not None}
        )
        v.update(self.main)
        if self.entity == "specialfamily":
            v["override_reason"] = self.override_reason.strip() or None
        return v

    def _division(self, given: Values, person: Values | None) -> str | None:
        return rules.division_for(
            self.entity,
            given,
            person=person,
            township=self.context.get("township"),
            resolver=self,
        )

    def _derived(self, given: Values) -> dict[str, Any]:
        out: dict[str, Any] = {}
        division = self._division(given, self.person_values())
        if division is not None or "division_code" not in given:
            out["division_code"] = division
        if self.entity in rules.ASSOCIATION_FROM_DIVISION:
            association = rules.association_for(self.entity, division)
            if association is not None or "association_id" not in given:
                out["association_id"] = association
        return out

    def values(self) -> dict[str, Any]:
        """The main record as it would be written (the person link aside:
        the save sets it)."""
        v = self._given()
        v.update(self._derived(v))
        return v

    def person_values(self) -> dict[str, Any] | None:
        """The person part as it would be written; None without one."""
        if self.person is None:
            return None
        p = dict(self.loaded_person or {})
        p.update(self.person)
        # A person entered without a village (a family member) lives where the record does.
        if (
            "division_code" not in self.person
            and not p.get("division_code")
            and rules.placement(self.entity).source != "person"
        ):
            p["division_code"] = self._division(self._given(), None)
        return p

    # -- what is wrong -------------------------------------------------------------

    def issues(self) -> Issues:
        v = self.values()
        person = self.person_values()
        errors: dict[Key, Issue] = {}
        for issue in validate_record(self.spec.rules, v, self.today):
            if issue.field == self.link and issue.code == "required":
                continue  # the save links the person part
            errors.setdefault(("main", issue.field), issue)
        if _blank(v.get("division_code")):
            errors.setdefault(("main", "division_code"), _required("division_code"))
        if person is not None:
            for issue in validate_record(self.person_spec.rules, person, self.today):
                errors.setdefault(("person", issue.field), issue)
            if _blank(person.get("division_code")):
                errors.setdefault(("person", "division_code"), _required("division_code"))
        warnings = self._eligibility_warnings(v, person)
        return Issues(errors, warnings, bool(warnings) and not self.override_reason.strip())

    def _eligibility_key(self) -> tuple[str, str | None] | None:
        if self.entity != "specialfamily" or not self.row_id:
            return None
        return (self.row_id, (self.loaded or {}).get("head_person_id"))

    def _eligibility_warnings(self, v: Values, person: Values | None) -> list[Issue]:
        if self.entity != "specialfamily" or v.get("status") == "exited" or not v.get("category"):
            return []  # a missing category is the required-field message's to say
        key = self._eligibility_key()
        inputs = (self.eligibility.get(key) if key else None) or Eligibility()
        mother = inputs.mother_birth_date
        if person and person.get("sex") == rules.FEMALE and person.get("birth_date"):
            mother = person["birth_date"]
        return special_family_eligibility(
            str(v["category"]),
            mother,
            self.today,
            inputs.child_count,
            False,
            v.get("disability_grade"),
        )

    # -- saving ----------------------------------------------------------------------

    def save_request(self) -> SaveRequest:
        given = self._given()
        derived = self._derived(given)
        values = {k: x for k, x in {**given, **derived}.items() if k in self.spec.data_fields}
        if self.row_id is not None:
            # Only what this draft changed: a field left alone never overwrites
            # a change that arrived (by sync) after the record was read.
            ours = set(self.main) | set(derived)
            if self.entity == "specialfamily":
                ours.add("override_reason")
            base = self.loaded or {}
            values = {k: x for k, x in values.items() if k in ours and base.get(k) != x}
        if self.link:
            values.pop(self.link, None)
        person = self.person_values()
        person_values = None
        if person is not None:
            person_values = {k: x for k, x in person.items() if k in self.person_spec.data_fields}
            if self.person_id:
                base = self.loaded_person or {}
                entered = self.person or {}
                person_values = {
                    k: x for k, x in person_values.items() if k in entered and base.get(k) != x
                }
        return SaveRequest(
            self.entity, self.row_id, values, self.link, self.person_id, person_values
        )

    def writes(self) -> set[str]:
        """The entities a save of this draft writes (for change notices)."""
        out = {self.entity}
        if self.has_person:
            out.add("person")
        if self.row_id is None:
            v = self.values()
            if self.link:
                v[self.link] = self.person_id or "new"
            out.update(e for e, _ in rules.companions(self.entity, v, "new"))
        return out
