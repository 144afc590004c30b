"""Township records as SQLModel tables.

Every synced record shares `SyncedRecord`: a client-generated UUID, the
division it belongs to (the sync scope key), created/updated stamps, the
device and user that last changed it, a tombstone flag, and the local sync
bookkeeping (`server_seq`, `sync_state`).

Values are kept in *wire form* (dates as ISO strings in SQLite, booleans as
0/1, money as integer fen) so that the journal, the sync protocol and the
tables agree without conversion.

References between records (a visit's `family_id`) are logical, not SQL
foreign keys: pulls arrive in server-sequence order, so a child can land
before its parent's latest version, and a hard constraint would wedge sync.
The domain layer checks references on write instead.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime

from sqlmodel import Field, SQLModel


def new_id() -> str:
    """A new row or change id: a version 7 UUID (RFC 9562) in hex, its first
    48 bits the time in milliseconds and the rest random (74 bits). Ids made
    one after another sort one after another, so a first push of thousands
    of rows adds to the right-hand end of the server's key indexes (and the
    store's) instead of to a random page of each: random (version 4) ids
    cost the server a fifth more CPU a change (`python -m bench
    sync_bootstrap --cases members`, docs/operations.md). Nothing reads the
    time back; a device with a wrong clock only loses that locality."""
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (time.time_ns() // 1_000_000 & _MS48) << 80
        | 0x7 << 76  # version
        | (rand >> 68) << 64  # rand_a: 12 bits
        | 0b10 << 62  # variant
        | rand & _RAND62  # rand_b
    )
    return f"{value:032x}"


_MS48 = (1 << 48) - 1
_RAND62 = (1 << 62) - 1


class SyncedRecord(SQLModel):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    # Village code for village-level records, township code otherwise; the
    # server scopes every read and write by its prefix.
    division_code: str = Field(index=True, max_length=12)
    created_at: datetime = Field(default_factory=datetime.now)
    updated_at: datetime = Field(default_factory=datetime.now)
    updated_device: str = Field(default="", max_length=64)
    updated_user: str = Field(default="", max_length=64)
    deleted: bool = False
    # Local bookkeeping, never sent as data.
    server_seq: int | None = None
    sync_state: str = Field(default="pending", max_length=10, index=True)


# Fields every record has that the journal does not carry as data: the key,
# the stamps the write path sets, and local sync bookkeeping.
META_FIELDS: frozenset[str] = frozenset(
    {"id", "updated_at", "updated_device", "updated_user", "server_seq", "sync_state", "search_key"}
)


# --- organisation -----------------------------------------------------------


class Association(SyncedRecord, table=True):
    name: str = Field(max_length=100)
    level: str = Field(max_length=12)  # code table association_level
    parent_id: str | None = Field(default=None, index=True, max_length=32)
    sector: str | None = Field(default=None, max_length=100)  # hospital, enterprise ...
    founded_on: date | None = None
    phone: str | None = Field(default=None, max_length=20)


class Officer(SyncedRecord, table=True):
    """An officer's term: leadership changes (换届) add rows, history stays."""

    association_id: str = Field(index=True, max_length=32)
    person_id: str | None = Field(default=None, index=True, max_length=32)
    name: str = Field(max_length=50)
    post: str = Field(max_length=20)  # code table officer_post
    term_start: date
    term_end: date | None = None
    mobile: str | None = Field(default=None, max_length=20)


class MemberGroup(SyncedRecord, table=True):
    association_id: str = Field(index=True, max_length=32)
    name: str = Field(max_length=100)  # usually the villagers' group, e.g. 第三村民小组
    leader_person_id: str | None = Field(default=None, max_length=32)


# --- people -----------------------------------------------------------------


class Person(SyncedRecord, table=True):
    """One human, identified by ID number; may be a member, a special-family
    member and a volunteer at once."""

    name: str = Field(max_length=50, index=True)
    id_number: str | None = Field(default=None, max_length=18, index=True)
    sex: str = Field(default="0", max_length=1)
    birth_date: date | None = None
    ethnicity: str | None = Field(default="01", max_length=2)
    education: str | None = Field(default=None, max_length=2)
    political: str | None = Field(default=None, max_length=2)
    marital: str | None = Field(default=None, max_length=2)
    mobile: str | None = Field(default=None, max_length=20)
    address: str | None = Field(default=None, max_length=200)
    # Lower-case pinyin, full and initials, kept beside the name for
    # instant search ("zhangsan zs"); derived by the write path.
    search_key: str = Field(default="", max_length=400)


class Member(SyncedRecord, table=True):
    person_id: str = Field(index=True, max_length=32)
    association_id: str = Field(index=True, max_length=32)
    group_id: str | None = Field(default=None, max_length=32)
    member_type: str = Field(default="individual", max_length=12)
    role: str = Field(default="member", max_length=16)
    card_no: str | None = Field(default=None, max_length=30)
    joined_on: date
    left_on: date | None = None
    status: str = Field(default="active", max_length=10)


class Volunteer(SyncedRecord, table=True):
    person_id: str = Field(index=True, max_length=32)
    team_level: str = Field(default="village", max_length=12)
    registration_no: str | None = Field(default=None, max_length=40)
    skills: str | None = Field(default=None, max_length=200)
    registered_on: date | None = None
    active: bool = True


# --- special families -------------------------------------------------------


class SpecialFamily(SyncedRecord, table=True):
    head_person_id: str | None = Field(default=None, index=True, max_length=32)
    category: str = Field(max_length=10)  # bereaved (失独) / disabled (伤残)
    disability_grade: str | None = Field(default=None, max_length=1)
    event_date: date | None = None  # the child's death or disability
    address: str | None = Field(default=None, max_length=200)
    # Documents on file.
    doc_certificate: bool = False
    doc_death_or_disability: bool = False
    doc_household: bool = False
    family_doctor_signed: bool = False
    priority_hospital: bool = False
    status: str = Field(default="enrolled", max_length=10)
    exit_reason: str | None = Field(default=None, max_length=12)
    exit_date: date | None = None
    enrolled_on: date | None = None
    # A worker overriding an eligibility warning says why.
    override_reason: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=500)


class FamilyMember(SyncedRecord, table=True):
    family_id: str = Field(index=True, max_length=32)
    person_id: str = Field(index=True, max_length=32)
    relation: str = Field(max_length=2)  # GB/T 4761


class FamilyContact(SyncedRecord, table=True):
    """Two-post contacts (双岗联系人) and anyone else paired with a family."""

    family_id: str = Field(index=True, max_length=32)
    kind: str = Field(max_length=16)  # code table contact_kind
    name: str = Field(max_length=50)
    person_id: str | None = Field(default=None, max_length=32)
    mobile: str | None = Field(default=None, max_length=20)
    since: date | None = None


class CareVisit(SyncedRecord, table=True):
    family_id: str = Field(index=True, max_length=32)
    visit_date: date = Field(index=True)
    mode: str = Field(max_length=10)  # code table visit_mode
    visitor: str | None = Field(default=None, max_length=50)
    physical_state: str | None = Field(default=None, max_length=10)
    mental_state: str | None = Field(default=None, max_length=10)
    needs: str | None = Field(default=None, max_length=500)
    actions: str | None = Field(default=None, max_length=500)
    aid_fen: int = 0  # value of aid given, in fen
    major_event: bool = False
    follow_up_due: date | None = Field(default=None, index=True)


class CareSubsidy(SyncedRecord, table=True):
    family_id: str = Field(index=True, max_length=32)
    person_id: str | None = Field(default=None, max_length=32)
    kind: str = Field(max_length=16)  # code table subsidy_kind
    hospital: str | None = Field(default=None, max_length=100)
    admitted_on: date | None = None
    discharged_on: date | None = None
    days: int = 0
    rate_fen: int = 0  # per day; rates are configuration, see SubsidyRate
    amount_fen: int = 0
    status: str = Field(default="applied", max_length=10)
    reviewer: str | None = Field(default=None, max_length=50)
    paid_on: date | None = None
    documents: str | None = Field(default=None, max_length=200)


class SubsidyRate(SyncedRecord, table=True):
    """Configured daily rate for a kind of subsidy, per place and year."""

    kind: str = Field(max_length=16)
    year: int
    rate_fen: int


# --- activities, sites, projects -------------------------------------------


class Activity(SyncedRecord, table=True):
    association_id: str = Field(index=True, max_length=32)
    title: str = Field(max_length=100)
    type: str = Field(max_length=16)  # code table activity_type
    campaign: str | None = Field(default=None, max_length=20)
    held_on: date = Field(index=True)
    place: str | None = Field(default=None, max_length=100)
    partners: str | None = Field(default=None, max_length=200)
    participant_count: int = 0
    materials_count: int = 0
    funds_raised_fen: int = 0
    families_visited: int = 0
    notes: str | None = Field(default=None, max_length=1000)


class ActivityParticipant(SyncedRecord, table=True):
    activity_id: str = Field(index=True, max_length=32)
    person_id: str = Field(index=True, max_length=32)


class Site(SyncedRecord, table=True):
    association_id: str | None = Field(default=None, max_length=32)
    kind: str = Field(max_length=16)  # code table site_kind
    name: str = Field(max_length=100)
    address: str | None = Field(default=None, max_length=200)
    opened_on: date | None = None
    # The "六有" checklist.
    has_place: bool = False
    has_sign: bool = False
    has_rules: bool = False
    has_plan: bool = False
    has_activities: bool = False
    has_management: bool = False


class Project(SyncedRecord, table=True):
    name: str = Field(max_length=100)
    level: str = Field(max_length=12)
    fund_source: str | None = Field(default=None, max_length=100)
    amount_fen: int = 0
    year: int
    status: str = Field(default="planned", max_length=10)
    self_evaluation: str | None = Field(default=None, max_length=1000)


class ProjectSite(SyncedRecord, table=True):
    project_id: str = Field(index=True, max_length=32)
    site_id: str = Field(index=True, max_length=32)


class VolunteerPairing(SyncedRecord, table=True):
    volunteer_id: str = Field(index=True, max_length=32)
    family_id: str = Field(index=True, max_length=32)
    since: date | None = None


# --- duplicates -------------------------------------------------------------------


class PersonDecision(SyncedRecord, table=True):
    """A worker's answer to a suggested duplicate: the two persons are
    different people ("distinct"), so no device suggests the pair again.
    One record per pair (a deterministic id from the two person ids), so
    two devices deciding the same pair write the same record."""

    person_a: str = Field(index=True, max_length=32)
    person_b: str = Field(index=True, max_length=32)
    decision: str = Field(default="distinct", max_length=10)


# --- reports upward -----------------------------------------------------------


class MonthlyReport(SyncedRecord, table=True):
    """A township's report for a period, as submitted, and the county's
    answer. One per township and period (a deterministic id): submitting
    again replaces the figures of the same record."""

    period: str = Field(max_length=30)  # as typed: 2026-10, 2026-Q3 ...
    period_start: date
    period_end: date
    figures: str  # the snapshot, JSON (jsxcore.indicators.figures.to_snapshot)
    state: str = Field(default="submitted", max_length=10)  # code table report_state
    submitted_by: str | None = Field(default=None, max_length=64)
    submitted_at: str | None = Field(default=None, max_length=26)
    review_comment: str | None = Field(default=None, max_length=500)
    reviewed_by: str | None = Field(default=None, max_length=64)
    reviewed_at: str | None = Field(default=None, max_length=26)


# --- reference data (not journaled; loaded from resources or the server) ----


class Division(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=12)
    name: str = Field(max_length=60)
    level: str = Field(max_length=10)
    parent_code: str | None = Field(default=None, index=True, max_length=12)
