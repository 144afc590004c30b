"""What each list shows: its source, columns, filters and text search.

Lists are described once as `ListDef`s and read a page at a time by
`paging`; the UI's list pages, the benchmarks and the tests all take them
from `LISTS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from jsxclient.store.queries.base import division_name_sql


@dataclass(frozen=True)
class Col:
    """One column of a list: `expr` is selected, `sort` orders it (None: fixed)."""

    key: str
    expr: str
    kind: str = "text"  # text, date, code:<table>, bool, money, int, idnum, sync, mobile
    sort: str | None = None


@dataclass(frozen=True)
class ListDef:
    name: str
    entity: str
    source: str  # FROM ... with the listed record as alias r
    columns: tuple[Col, ...]
    filters: Mapping[str, str] = field(default_factory=dict)  # key -> SQL using :key
    # Person lists: the alias joined to person (search via person_search);
    # other lists search these expressions with LIKE.
    person: str | None = None
    text: tuple[str, ...] = ()
    default_sort: str = ""
    descending: bool = False  # the default sort runs newest first
    where: str = "r.deleted = 0"

    def column(self, key: str) -> Col:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.name}: no column {key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def _sync2(a: str, b: str) -> str:
    """The more urgent of two rows' sync states (a member row and its person)."""
    return (
        f"CASE WHEN 'conflict' IN ({a}, {b}) THEN 'conflict' "
        f"WHEN 'rejected' IN ({a}, {b}) THEN 'rejected' "
        f"WHEN 'pending' IN ({a}, {b}) THEN 'pending' ELSE 'synced' END"
    )


def _person_cols() -> tuple[Col, ...]:
    return (
        Col("name", "p.name", sort="s.sort_key"),
        Col("sex", "p.sex", "code:sex", sort="p.sex"),
        Col("birth_date", "p.birth_date", "date", sort="p.birth_date"),
        Col("id_number", "p.id_number", "idnum", sort="p.id_number"),
        Col("mobile", "p.mobile", "mobile", sort="p.mobile"),
    )


_PERSON_SOURCE = (
    "{table} r JOIN person p ON p.id = r.person_id JOIN person_search s ON s.person_id = p.id"
)

LISTS: dict[str, ListDef] = {}


#: Every list also filters to a set of ids (a JSON array): the rows behind
#: a report's figure (jsxclient.reports.evaluate.drill).
IDS_FILTER = "r.id IN (SELECT value FROM json_each(:ids))"


def _register(d: ListDef) -> ListDef:
    d = replace(d, filters={**d.filters, "ids": IDS_FILTER})
    LISTS[d.name] = d
    return d


_register(
    ListDef(
        name="member",
        entity="member",
        source=_PERSON_SOURCE.format(table="member"),
        columns=(
            *_person_cols(),
            Col("village", division_name_sql("r.division_code"), sort="r.division_code"),
            Col(
                "group",
                "(SELECT g.name FROM membergroup g WHERE g.id = r.group_id)",
                sort=None,
            ),
            Col("member_type", "r.member_type", "code:member_type", sort="r.member_type"),
            Col("role", "r.role", "code:member_role", sort="r.role"),
            Col("card_no", "r.card_no", sort="r.card_no"),
            Col("joined_on", "r.joined_on", "date", sort="r.joined_on"),
            Col("status", "r.status", "code:member_status", sort="r.status"),
            Col("sync", _sync2("r.sync_state", "p.sync_state"), "sync", sort="r.sync_state"),
        ),
        filters={
            "village": "r.division_code = :village",
            "status": "r.status = :status",
            "type": "r.member_type = :type",
            "role": "r.role = :role",
            "date_from": "r.joined_on >= :date_from",
            "date_to": "r.joined_on <= :date_to",
            "sync": "r.sync_state = :sync",
        },
        person="p",
        default_sort="name",
    )
)

_register(
    ListDef(
        name="volunteer",
        entity="volunteer",
        source=_PERSON_SOURCE.format(table="volunteer"),
        columns=(
            *_person_cols(),
            Col("village", division_name_sql("r.division_code"), sort="r.division_code"),
            Col("team_level", "r.team_level", "code:volunteer_level", sort="r.team_level"),
            Col("registration_no", "r.registration_no", sort="r.registration_no"),
            Col("skills", "r.skills", sort="r.skills"),
            Col("registered_on", "r.registered_on", "date", sort="r.registered_on"),
            Col("active", "r.active", "bool", sort="r.active"),
            Col(
                "pairings",
                "(SELECT count(*) FROM volunteerpairing vp WHERE vp.volunteer_id = r.id "
                "AND vp.deleted = 0)",
                "int",
            ),
            Col("sync", _sync2("r.sync_state", "p.sync_state"), "sync", sort="r.sync_state"),
        ),
        filters={
            "village": "r.division_code = :village",
            "type": "r.team_level = :type",
            "status": "r.active = :status",
            "date_from": "r.registered_on >= :date_from",
            "date_to": "r.registered_on <= :date_to",
        },
        person="p",
        default_sort="name",
    )
)

_LAST_VISIT = (
    "(SELECT max(v.visit_date) FROM carevisit v WHERE v.family_id = r.id AND v.deleted = 0)"
)

_register(
    ListDef(
        name="specialfamily",
        entity="specialfamily",
        source=(
            "specialfamily r LEFT JOIN person p ON p.id = r.head_person_id "
            "LEFT JOIN person_search s ON s.person_id = p.id"
        ),
        columns=(
            Col("head", "p.name", sort="s.sort_key"),
            Col("id_number", "p.id_number", "idnum", sort="p.id_number"),
            Col("mobile", "p.mobile", "mobile"),
            Col("village", division_name_sql("r.division_code"), sort="r.division_code"),
            Col("category", "r.category", "code:family_category", sort="r.category"),
            Col(
                "disability_grade",
                "r.disability_grade",
                "code:disability_grade",
                sort="r.disability_grade",
            ),
            Col("status", "r.status", "code:family_status", sort="r.status"),
            Col("enrolled_on", "r.enrolled_on", "date", sort="r.enrolled_on"),
            Col(
                "family_doctor_signed",
                "r.family_doctor_signed",
                "bool",
                sort="r.family_doctor_signed",
            ),
            Col("last_visit", _LAST_VISIT, "date", sort=_LAST_VISIT),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={
            "village": "r.division_code = :village",
            "status": "r.status = :status",
            "type": "r.category = :type",
            "date_from": "r.enrolled_on >= :date_from",
            "date_to": "r.enrolled_on <= :date_to",
        },
        person="p",
        default_sort="head",
    )
)

_register(
    ListDef(
        name="activity",
        entity="activity",
        source="activity r",
        columns=(
            Col("held_on", "r.held_on", "date", sort="r.held_on"),
            Col("title", "r.title", sort="r.title"),
            Col("type", "r.type", "code:activity_type", sort="r.type"),
            Col("campaign", "r.campaign", "code:campaign", sort="r.campaign"),
            Col("village", division_name_sql("r.division_code"), sort="r.division_code"),
            Col("place", "r.place", sort="r.place"),
            Col("participant_count", "r.participant_count", "int", sort="r.participant_count"),
            Col("families_visited", "r.families_visited", "int", sort="r.families_visited"),
            Col("funds_raised_fen", "r.funds_raised_fen", "money", sort="r.funds_raised_fen"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={
            "village": "r.division_code = :village",
            "type": "r.type = :type",
            "status": "r.campaign = :status",
            "date_from": "r.held_on >= :date_from",
            "date_to": "r.held_on <= :date_to",
        },
        text=("r.title", "r.place", "r.partners"),
        default_sort="held_on",
        descending=True,
    )
)

_register(
    ListDef(
        name="site",
        entity="site",
        source="site r",
        columns=(
            Col("name", "r.name", sort="r.name"),
            Col("kind", "r.kind", "code:site_kind", sort="r.kind"),
            Col("village", division_name_sql("r.division_code"), sort="r.division_code"),
            Col("address", "r.address", sort="r.address"),
            Col("opened_on", "r.opened_on", "date", sort="r.opened_on"),
            Col(
                "six",
                "(r.has_place + r.has_sign + r.has_rules + r.has_plan + r.has_activities "
                "+ r.has_management)",
                "int",
                sort="(r.has_place + r.has_sign + r.has_rules + r.has_plan + r.has_activities "
                "+ r.has_management)",
            ),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"village": "r.division_code = :village", "type": "r.kind = :type"},
        text=("r.name", "r.address"),
        default_sort="name",
    )
)

_register(
    ListDef(
        name="project",
        entity="project",
        source="project r",
        columns=(
            Col("year", "r.year", "int", sort="r.year"),
            Col("name", "r.name", sort="r.name"),
            Col("level", "r.level", "code:project_level", sort="r.level"),
            Col("fund_source", "r.fund_source", sort="r.fund_source"),
            Col("amount_fen", "r.amount_fen", "money", sort="r.amount_fen"),
            Col("status", "r.status", "code:project_status", sort="r.status"),
            Col(
                "sites",
                "(SELECT count(*) FROM projectsite ps WHERE ps.project_id = r.id "
                "AND ps.deleted = 0)",
                "int",
            ),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"type": "r.level = :type", "status": "r.status = :status"},
        text=("r.name", "r.fund_source"),
        default_sort="year",
        descending=True,
    )
)

_register(
    ListDef(
        name="subsidyrate",
        entity="subsidyrate",
        source="subsidyrate r",
        columns=(
            Col("year", "r.year", "int", sort="r.year"),
            Col("kind", "r.kind", "code:subsidy_kind", sort="r.kind"),
            Col("rate_fen", "r.rate_fen", "money", sort="r.rate_fen"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        default_sort="year",
        descending=True,
    )
)

# Associations, for the drill-down of the term-of-office indicator.
_register(
    ListDef(
        name="association",
        entity="association",
        source="association r",
        columns=(
            Col("name", "r.name", sort="r.name"),
            Col("level", "r.level", "code:association_level", sort="r.level"),
            Col("village", division_name_sql("r.division_code"), sort="r.division_code"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        text=("r.name",),
        default_sort="village",
    )
)

# Child lists, shown inside a parent's page and filtered by the parent.

_register(
    ListDef(
        name="officer",
        entity="officer",
        source="officer r",
        columns=(
            Col("name", "r.name", sort="r.name"),
            Col("post", "r.post", "code:officer_post", sort="r.post"),
            Col("term_start", "r.term_start", "date", sort="r.term_start"),
            Col("term_end", "r.term_end", "date", sort="r.term_end"),
            Col("mobile", "r.mobile", "mobile", sort="r.mobile"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.association_id = :parent"},
        text=("r.name",),
        default_sort="term_start",
        descending=True,
    )
)

_register(
    ListDef(
        name="membergroup",
        entity="membergroup",
        source="membergroup r LEFT JOIN person p ON p.id = r.leader_person_id",
        columns=(
            Col("name", "r.name", sort="r.name"),
            Col("leader", "p.name", sort="p.name"),
            Col(
                "members",
                "(SELECT count(*) FROM member m WHERE m.group_id = r.id AND m.deleted = 0 "
                "AND m.status = 'active')",
                "int",
            ),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.association_id = :parent"},
        text=("r.name",),
        default_sort="name",
    )
)

_register(
    ListDef(
        name="familymember",
        entity="familymember",
        source="familymember r JOIN person p ON p.id = r.person_id",
        columns=(
            Col("name", "p.name", sort="p.search_key"),
            Col("relation", "r.relation", "code:relation", sort="r.relation"),
            Col("sex", "p.sex", "code:sex", sort="p.sex"),
            Col("birth_date", "p.birth_date", "date", sort="p.birth_date"),
            Col("id_number", "p.id_number", "idnum", sort="p.id_number"),
            Col("mobile", "p.mobile", "mobile", sort="p.mobile"),
            Col("sync", _sync2("r.sync_state", "p.sync_state"), "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.family_id = :parent"},
        default_sort="relation",
    )
)

_register(
    ListDef(
        name="familycontact",
        entity="familycontact",
        source="familycontact r",
        columns=(
            Col("kind", "r.kind", "code:contact_kind", sort="r.kind"),
            Col("name", "r.name", sort="r.name"),
            Col("mobile", "r.mobile", "mobile", sort="r.mobile"),
            Col("since", "r.since", "date", sort="r.since"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.family_id = :parent"},
        default_sort="kind",
    )
)

_register(
    ListDef(
        name="carevisit",
        entity="carevisit",
        source="carevisit r",
        columns=(
            Col("visit_date", "r.visit_date", "date", sort="r.visit_date"),
            Col("mode", "r.mode", "code:visit_mode", sort="r.mode"),
            Col("visitor", "r.visitor", sort="r.visitor"),
            Col("physical_state", "r.physical_state", "code:wellbeing", sort="r.physical_state"),
            Col("mental_state", "r.mental_state", "code:wellbeing", sort="r.mental_state"),
            Col("needs", "r.needs", sort="r.needs"),
            Col("aid_fen", "r.aid_fen", "money", sort="r.aid_fen"),
            Col("major_event", "r.major_event", "bool", sort="r.major_event"),
            Col("follow_up_due", "r.follow_up_due", "date", sort="r.follow_up_due"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.family_id = :parent"},
        default_sort="visit_date",
        descending=True,
    )
)

_register(
    ListDef(
        name="caresubsidy",
        entity="caresubsidy",
        source="caresubsidy r LEFT JOIN person p ON p.id = r.person_id",
        columns=(
            Col("kind", "r.kind", "code:subsidy_kind", sort="r.kind"),
            Col("person", "p.name", sort="p.search_key"),
            Col("hospital", "r.hospital", sort="r.hospital"),
            Col("admitted_on", "r.admitted_on", "date", sort="r.admitted_on"),
            Col("days", "r.days", "int", sort="r.days"),
            Col("amount_fen", "r.amount_fen", "money", sort="r.amount_fen"),
            Col("status", "r.status", "code:subsidy_status", sort="r.status"),
            Col("paid_on", "r.paid_on", "date", sort="r.paid_on"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.family_id = :parent"},
        default_sort="admitted_on",
        descending=True,
    )
)

_register(
    ListDef(
        name="activityparticipant",
        entity="activityparticipant",
        source="activityparticipant r JOIN person p ON p.id = r.person_id",
        columns=(
            Col("name", "p.name", sort="p.search_key"),
            Col("sex", "p.sex", "code:sex", sort="p.sex"),
            Col("id_number", "p.id_number", "idnum", sort="p.id_number"),
            Col("mobile", "p.mobile", "mobile", sort="p.mobile"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.activity_id = :parent"},
        default_sort="name",
    )
)

_register(
    ListDef(
        name="volunteerpairing",
        entity="volunteerpairing",
        source=(
            "volunteerpairing r JOIN specialfamily f ON f.id = r.family_id "
            "LEFT JOIN person p ON p.id = f.head_person_id"
        ),
        columns=(
            Col("family", "p.name", sort="p.search_key"),
            Col("category", "f.category", "code:family_category", sort="f.category"),
            Col("village", division_name_sql("f.division_code"), sort="f.division_code"),
            Col("since", "r.since", "date", sort="r.since"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.volunteer_id = :parent"},
        default_sort="since",
    )
)

_register(
    ListDef(
        name="projectsite",
        entity="projectsite",
        source="projectsite r JOIN site t ON t.id = r.site_id",
        columns=(
            Col("name", "t.name", sort="t.name"),
            Col("kind", "t.kind", "code:site_kind", sort="t.kind"),
            Col("village", division_name_sql("t.division_code"), sort="t.division_code"),
            Col("sync", "r.sync_state", "sync", sort="r.sync_state"),
        ),
        filters={"parent": "r.project_id = :parent"},
        default_sort="name",
    )
)
