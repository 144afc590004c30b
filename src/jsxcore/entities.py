"""The registry of synced entities: one place that says, for each record type,
its table, its dependency rank (parents sync before children), the records it
references and its validation rules. The store, the sync engine, the server
and the UI all read it instead of naming tables themselves."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from pydantic_core import PydanticUndefined
from sqlmodel import SQLModel

from jsxcore import models as m
from jsxcore.validation import RecordRules
from jsxcore.wire import wire


@dataclass(frozen=True)
class EntitySpec:
    name: str
    model: type[SQLModel]
    rank: int  # push/bootstrap order: lower first
    rules: RecordRules = field(default_factory=RecordRules)
    references: Mapping[str, str] = field(default_factory=dict)  # field -> entity
    zh: str = ""
    en: str = ""

    @cached_property
    def data_fields(self) -> tuple[str, ...]:
        """Columns carried as data in the journal and on the wire."""
        return tuple(c for c in self.model.model_fields if c not in m.META_FIELDS)

    @cached_property
    def date_fields(self) -> frozenset[str]:
        return frozenset(
            n for n, f in self.model.model_fields.items() if f.annotation in (date, date | None)
        )

    @cached_property
    def bool_fields(self) -> frozenset[str]:
        return frozenset(
            n for n, f in self.model.model_fields.items() if f.annotation in (bool, bool | None)
        )

    def defaults(self) -> dict[str, Any]:
        """Each column's default in wire form (None where the model has none);
        factories (ids, timestamps) run anew on every call."""
        out: dict[str, Any] = {}
        for name, f in self.model.model_fields.items():
            if f.default_factory is not None:
                out[name] = wire(f.default_factory())  # type: ignore[call-arg]
            else:
                d = f.default
                out[name] = None if d is PydanticUndefined else wire(d)
        return out

    def links(self, values: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        """The (entity, id) of the rows ``values`` link to: its references
        given as ids (the rows a push checks are live, and the server locks)."""
        for name, target in self.references.items():
            ref = values.get(name)
            if isinstance(ref, str) and ref:
                yield target, ref

    def to_wire(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """SQLite gives booleans back as 0/1; the wire form is true/false."""
        out = dict(row)
        for f in self.bool_fields:
            if f in out and out[f] is not None:
                out[f] = bool(out[f])
        return out


def _spec(
    model: type[SQLModel],
    rank: int,
    zh: str,
    en: str,
    rules: RecordRules | None = None,
    references: Mapping[str, str] | None = None,
) -> EntitySpec:
    name = str(model.__tablename__)
    return EntitySpec(name, model, rank, rules or RecordRules(), references or {}, zh, en)


_SPECS = [
    _spec(
        m.Association,
        0,
        "计生协",
        "Association",
        RecordRules(
            required=("name", "level"),
            codes={"level": "association_level"},
            past_dates=("founded_on",),
        ),
        {"parent_id": "association"},
    ),
    _spec(
        m.SubsidyRate,
        0,
        "补贴标准",
        "Subsidy rate",
        RecordRules(
            required=("kind", "year", "rate_fen"),
            codes={"kind": "subsidy_kind"},
            non_negative=("rate_fen",),
        ),
    ),
    _spec(
        m.MonthlyReport,
        0,
        "月报",
        "Monthly report",
        RecordRules(
            required=("period", "period_start", "period_end", "figures", "state"),
            codes={"state": "report_state"},
            date_order=(("period_start", "period_end"),),
        ),
    ),
    _spec(
        m.Person,
        1,
        "人员",
        "Person",
        RecordRules(
            required=("name", "sex"),
            codes={
                "sex": "sex",
                "ethnicity": "ethnicity",
                "education": "education",
                "political": "political",
                "marital": "marital",
            },
            id_numbers=("id_number",),
            mobiles=("mobile",),
            past_dates=("birth_date",),
            cross_check=True,
        ),
    ),
    _spec(
        m.MemberGroup,
        1,
        "会员小组",
        "Member group",
        RecordRules(required=("association_id", "name")),
        {"association_id": "association", "leader_person_id": "person"},
    ),
    _spec(
        m.Site,
        1,
        "阵地",
        "Site",
        RecordRules(
            required=("kind", "name"), codes={"kind": "site_kind"}, past_dates=("opened_on",)
        ),
        {"association_id": "association"},
    ),
    _spec(
        m.Project,
        1,
        "项目",
        "Project",
        RecordRules(
            required=("name", "level", "year"),
            codes={"level": "project_level", "status": "project_status"},
            non_negative=("amount_fen",),
        ),
    ),
    _spec(
        m.Officer,
        2,
        "协会负责人",
        "Officer",
        RecordRules(
            required=("association_id", "name", "post", "term_start"),
            codes={"post": "officer_post"},
            mobiles=("mobile",),
            date_order=(("term_start", "term_end"),),
        ),
        {"association_id": "association", "person_id": "person"},
    ),
    _spec(
        m.Member,
        2,
        "会员",
        "Member",
        RecordRules(
            required=("person_id", "association_id", "joined_on"),
            codes={"member_type": "member_type", "role": "member_role", "status": "member_status"},
            past_dates=("joined_on", "left_on"),
            date_order=(("joined_on", "left_on"),),
        ),
        {"person_id": "person", "association_id": "association", "group_id": "membergroup"},
    ),
    _spec(
        m.Volunteer,
        2,
        "志愿者",
        "Volunteer",
        RecordRules(
            required=("person_id",),
            codes={"team_level": "volunteer_level"},
            past_dates=("registered_on",),
        ),
        {"person_id": "person"},
    ),
    _spec(
        m.SpecialFamily,
        2,
        "特殊家庭",
        "Special family",
        RecordRules(
            required=("category",),
            codes={
                "category": "family_category",
                "status": "family_status",
                "exit_reason": "family_exit_reason",
                "disability_grade": "disability_grade",
            },
            past_dates=("event_date", "exit_date", "enrolled_on"),
        ),
        {"head_person_id": "person"},
    ),
    _spec(
        m.Activity,
        2,
        "活动",
        "Activity",
        RecordRules(
            required=("association_id", "title", "type", "held_on"),
            codes={"type": "activity_type", "campaign": "campaign"},
            non_negative=(
                "participant_count",
                "materials_count",
                "funds_raised_fen",
                "families_visited",
            ),
        ),
        {"association_id": "association"},
    ),
    _spec(
        m.ProjectSite,
        2,
        "项目阵地",
        "Project site",
        RecordRules(required=("project_id", "site_id")),
        {"project_id": "project", "site_id": "site"},
    ),
    _spec(
        m.FamilyMember,
        3,
        "家庭成员",
        "Family member",
        RecordRules(
            required=("family_id", "person_id", "relation"), codes={"relation": "relation"}
        ),
        {"family_id": "specialfamily", "person_id": "person"},
    ),
    _spec(
        m.FamilyContact,
        3,
        "双岗联系人",
        "Family contact",
        RecordRules(
            required=("family_id", "kind", "name"),
            codes={"kind": "contact_kind"},
            mobiles=("mobile",),
        ),
        {"family_id": "specialfamily", "person_id": "person"},
    ),
    _spec(
        m.CareVisit,
        3,
        "走访记录",
        "Care visit",
        RecordRules(
            required=("family_id", "visit_date", "mode"),
            codes={
                "mode": "visit_mode",
                "physical_state": "wellbeing",
                "mental_state": "wellbeing",
            },
            past_dates=("visit_date",),
            non_negative=("aid_fen",),
        ),
        {"family_id": "specialfamily"},
    ),
    _spec(
        m.CareSubsidy,
        3,
        "关怀补贴",
        "Care subsidy",
        RecordRules(
            required=("family_id", "kind"),
            codes={"kind": "subsidy_kind", "status": "subsidy_status"},
            past_dates=("admitted_on", "discharged_on", "paid_on"),
            date_order=(("admitted_on", "discharged_on"),),
            non_negative=("days", "rate_fen", "amount_fen"),
        ),
        {"family_id": "specialfamily", "person_id": "person"},
    ),
    _spec(
        m.ActivityParticipant,
        3,
        "活动参与人",
        "Activity participant",
        RecordRules(required=("activity_id", "person_id")),
        {"activity_id": "activity", "person_id": "person"},
    ),
    _spec(
        m.PersonDecision,
        2,
        "重复人员判断",
        "Duplicate decision",
        RecordRules(required=("person_a", "person_b", "decision")),
        {"person_a": "person", "person_b": "person"},
    ),
    _spec(
        m.VolunteerPairing,
        3,
        "志愿者结对",
        "Volunteer pairing",
        RecordRules(required=("volunteer_id", "family_id")),
        {"volunteer_id": "volunteer", "family_id": "specialfamily"},
    ),
]

ENTITIES: dict[str, EntitySpec] = {s.name: s for s in sorted(_SPECS, key=lambda s: s.rank)}

# The record schema client and server exchange: which entities and data
# fields travel. Adding or removing one is a new schema version (the server
# must know whether a client can take its rows; see jsxcore.compat), and
# tests/core/test_compat.py pins the fingerprint of each version.
SCHEMA_VERSION = 3


def schema_fingerprint() -> str:
    """A digest of every entity's data fields, to notice an unversioned change."""
    shape = {name: list(es.data_fields) for name, es in sorted(ENTITIES.items())}
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def spec(name: str) -> EntitySpec:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}") from None
