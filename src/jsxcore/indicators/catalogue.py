"""The township indicators, written as data.

Each indicator says what it counts in Chinese and English, its numerator and
denominator, its unit, whether it is a stock (who or what was on the books at
the period's end) or a flow (what happened within the period), and which way
is better. A figure is always ``numerator / denominator`` (or the numerator
alone when there is no denominator), so figures of several townships add up
by summing both parts: county, city and province tables need no other rule.

How each one is evaluated over a store is the client's business
(`jsxclient.reports.evaluate`); the definitions here are what the worker, the
county and the tests read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["count", "percent", "yuan", "days", "person_times", "per_village_month"]
Kind = Literal["stock", "flow"]
Better = Literal["higher", "lower", "none"]

#: Record lists a drill-down can open (the entity of the numerator's rows).
DrillEntity = Literal[
    "member", "specialfamily", "carevisit", "caresubsidy", "activity", "volunteer", "site",
    "project", "association",
]  # fmt: skip


@dataclass(frozen=True)
class Group:
    id: str
    zh: str
    en: str


GROUPS: tuple[Group, ...] = (
    Group("members", "会员发展", "Members"),
    Group("families", "计生特殊家庭", "Special families"),
    Group("care", "联系与走访", "Contacts and visits"),
    Group("subsidies", "关怀补贴", "Care subsidies"),
    Group("activities", "活动开展", "Activities"),
    Group("volunteers", "志愿服务", "Volunteers"),
    Group("organisation", "阵地、项目与组织", "Sites, projects and associations"),
)


@dataclass(frozen=True)
class Indicator:
    id: str
    group: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    numerator_zh: str
    numerator_en: str
    unit: Unit
    kind: Kind
    denominator_zh: str | None = None
    denominator_en: str | None = None
    better: Better = "none"
    # The rows behind the figure open in this list; None: a derived figure
    # with no single list (the growth rate).
    drill: DrillEntity | None = None
    # A quarterly norm judged part-way through a quarter: the target is
    # scaled by the share of the quarter elapsed at the period's end.
    prorate_quarter: bool = False
    # The few figures the 统计 page shows as charts.
    chart: bool = False

    def name(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh

    def definition(self, lang: str = "zh") -> str:
        return self.definition_en if lang.lower().startswith("en") else self.definition_zh

    @property
    def is_ratio(self) -> bool:
        return self.denominator_zh is not None


_S_ZH, _S_EN = "期末时点", "at the period's end"

CATALOGUE: tuple[Indicator, ...] = (
    # -- members -----------------------------------------------------------------
    Indicator(
        "members", "members", "在籍会员", "Members on the books",
        "期末在籍的会员：入会日期不晚于期末，且期末时尚未退会（退会日期在期末之后，或仍在籍）。",
        "Members on the books at the period's end: joined on or before it and not yet left "
        "(left after it, or still active).",
        "期末在籍会员人数", "members at the period's end", "count", "stock",
        better="higher", drill="member", chart=True,
    ),
    Indicator(
        "members_joined", "members", "新入会会员", "Members joined",
        "期内入会的会员（入会日期在期内）。", "Members whose joining date lies in the period.",
        "期内入会人数", "members joined in the period", "count", "flow",
        better="higher", drill="member",
    ),
    Indicator(
        "members_left", "members", "退会会员", "Members left",
        "期内退会或死亡的会员（退会日期在期内）。",
        "Members who left or died in the period (leaving date in the period).",
        "期内退会人数", "members who left in the period", "count", "flow", drill="member",
    ),
    Indicator(
        "members_growth", "members", "会员增长率", "Member growth",
        "（期内入会 − 期内退会）÷ 期初在籍会员。",
        "(joined − left in the period) ÷ members on the books the day before it began.",
        "期内净增人数", "net members gained in the period", "percent", "flow",
        "期初在籍会员人数", "members on the books when the period began", better="higher",
    ),
    # -- special families --------------------------------------------------------
    Indicator(
        "families", "families", "在册特殊家庭", "Special families enrolled",
        "期末在册的计生特殊家庭：登记日期不晚于期末，且期末时尚未退出。",
        "Special families on the list at the period's end: enrolled on or before it and not "
        "exited by then.",
        "期末在册户数", "families at the period's end", "count", "stock",
        drill="specialfamily",
    ),
    Indicator(
        "families_bereaved", "families", "其中失独家庭", "of which bereaved",
        "期末在册的失独家庭。", "Bereaved (失独) families enrolled at the period's end.",
        "期末在册失独户数", "bereaved families at the period's end", "count", "stock",
        drill="specialfamily",
    ),
    Indicator(
        "families_disabled", "families", "其中伤残家庭", "of which disabled",
        "期末在册的伤残家庭。", "Disabled (伤残) families enrolled at the period's end.",
        "期末在册伤残户数", "disabled families at the period's end", "count", "stock",
        drill="specialfamily",
    ),
    Indicator(
        "families_exited", "families", "退出家庭", "Families exited",
        "期内退出名单的家庭（退出日期在期内：再生育、收养、死亡、迁出）。",
        "Families that left the list in the period (exit date in the period).",
        "期内退出户数", "families exited in the period", "count", "flow",
        drill="specialfamily",
    ),
    Indicator(
        "family_doctor", "families", "家庭医生签约率", "Family-doctor signing",
        "期末在册家庭中已签约家庭医生的比例（签约标记为最近一次记录的状态）。",
        "Share of the families enrolled at the period's end with a family doctor signed "
        "(the flag as last recorded).",
        "已签约户数", "families signed", "percent", "stock",
        "期末在册户数", "families enrolled", better="higher", drill="specialfamily",
    ),
    # -- contacts and visits -----------------------------------------------------
    Indicator(
        "contact_monthly", "care", "每月联系覆盖率", "Monthly contact coverage",
        "期末在册家庭中，期内每个自然月都至少联系一次（任何方式）的比例。",
        "Share of the families enrolled at the period's end contacted (any way) at least "
        "once in every calendar month of the period.",
        "每月均有联系的户数", "families contacted every month", "percent", "flow",
        "期末在册户数", "families enrolled", better="higher", drill="specialfamily", chart=True,
    ),
    Indicator(
        "contact_weekly", "care", "每周联系达标率", "Weekly contact norm met",
        "期末在册家庭中，期内每满 7 天都至少联系一次的比例（从期初起每 7 天为一段）。",
        "Share of the families enrolled at the period's end contacted at least once in each "
        "full 7-day stretch counted from the period's first day.",
        "每周均有联系的户数", "families contacted every week", "percent", "flow",
        "期末在册户数", "families enrolled", better="higher", drill="specialfamily",
    ),
    Indicator(
        "home_visit_quarter", "care", "季度入户走访覆盖率", "Quarterly home-visit coverage",
        "期末在册家庭中，自期末所在季度第一天至期末有过当面走访（入户或活动中）的比例；"
        "季度中途按已过月份折算目标。",
        "Share of the families enrolled at the period's end seen face to face (at home or at "
        "an activity) from the first day of the quarter holding the period's end up to it; "
        "part-way through a quarter the target is scaled by the months elapsed.",
        "本季度已当面走访户数", "families visited this quarter", "percent", "flow",
        "期末在册户数", "families enrolled", better="higher", drill="specialfamily",
        prorate_quarter=True, chart=True,
    ),
    Indicator(
        "visits_overdue", "care", "逾期未走访家庭", "Families overdue a visit",
        "期末在册家庭中，按走访计划（上次当面走访或登记后一个季度，或约定的回访日期）"
        "到期末已逾期仍未走访的户数。",
        "Families enrolled at the period's end whose scheduled visit (a quarter after the last "
        "face-to-face visit or enrolment, or the follow-up date set) fell due before it.",
        "逾期户数", "families overdue", "count", "stock", better="lower", drill="specialfamily",
    ),
    Indicator(
        "visits", "care", "联系走访次数", "Contacts and visits",
        "期内的联系走访记录条数（按走访日期；事后补录的也计入其发生的期间）。",
        "Contacts and visits dated in the period (by visit date; one recorded later counts in "
        "the period it happened).",
        "走访次数", "visits", "count", "flow", drill="carevisit",
    ),
    Indicator(
        "major_events", "care", "重大事件", "Major events",
        "期内走访中报告的重大事件（意外、重病、死亡等）。",
        "Major events (accident, serious illness, death) reported at visits in the period.",
        "重大事件数", "major events", "count", "flow", drill="carevisit",
    ),
    Indicator(
        "major_event_days", "care", "重大事件平均录入天数", "Days to record a major event",
        "期内重大事件从发生（走访日期）到录入系统的平均天数。",
        "Average days from a major event (its visit date) to its entry in the system.",
        "录入天数合计", "days to entry, summed", "days", "flow",
        "重大事件数", "major events", better="lower", drill="carevisit",
    ),
    # -- subsidies ---------------------------------------------------------------
    Indicator(
        "subsidies_applied", "subsidies", "补贴申请", "Subsidy applications",
        "申请日期在期内的关怀补贴（申请日期取出院日期，没有时取录入日期）。",
        "Care subsidies applied for in the period (the application date is the discharge "
        "date, else the day it was recorded).",
        "申请笔数", "applications", "count", "flow", drill="caresubsidy",
    ),
    Indicator(
        "subsidies_paid", "subsidies", "补贴发放笔数", "Subsidies paid",
        "发放日期在期内的关怀补贴。", "Care subsidies paid in the period (payment date).",
        "发放笔数", "payments", "count", "flow", drill="caresubsidy",
    ),
    Indicator(
        "subsidies_paid_yuan", "subsidies", "补贴发放金额", "Subsidy amount paid",
        "期内发放的关怀补贴金额合计（元）。", "Total of the care subsidies paid in the period.",
        "发放金额", "amount paid", "yuan", "flow", drill="caresubsidy",
    ),
    Indicator(
        "subsidies_refused", "subsidies", "补贴驳回", "Subsidies refused",
        "期内申请、现已驳回的关怀补贴。",
        "Care subsidies applied for in the period and refused since.",
        "驳回笔数", "refusals", "count", "flow", drill="caresubsidy",
    ),
    Indicator(
        "subsidies_pending", "subsidies", "待办补贴", "Subsidies pending",
        "期末前申请、目前仍在申请或审核状态的关怀补贴。",
        "Care subsidies applied for by the period's end still applied or under review.",
        "待办笔数", "pending", "count", "stock", better="lower", drill="caresubsidy",
    ),
    Indicator(
        "subsidy_days", "subsidies", "补贴平均办理天数", "Days from application to payment",
        "期内发放的关怀补贴从申请到发放的平均天数。",
        "Average days from application to payment of the subsidies paid in the period.",
        "办理天数合计", "days, summed", "days", "flow",
        "发放笔数", "payments", better="lower", drill="caresubsidy",
    ),
    # -- activities --------------------------------------------------------------
    Indicator(
        "activities", "activities", "活动场次", "Activities",
        "期内开展的活动场次（按活动日期）。", "Activities held in the period (by date).",
        "活动场次", "activities", "count", "flow", drill="activity", chart=True,
    ),
    Indicator(
        "activities_per_village", "activities", "村均每月活动场次",
        "Activities per village per month",
        "期内各村（社区）开展的活动场次 ÷（村数 × 月数）。",
        "Activities held by the villages in the period ÷ (villages × months).",
        "村级活动场次", "village activities", "per_village_month", "flow",
        "村数 × 月数", "villages × months", better="higher", drill="activity",
    ),
    Indicator(
        "activity_participants", "activities", "活动参与人次", "Activity participants",
        "期内活动的参与人次合计。", "Participants (person-times) at the period's activities.",
        "参与人次", "participants", "person_times", "flow", drill="activity",
    ),
    Indicator(
        "activities_529", "activities", "5.29会员活动日活动", "5.29 Members' Day activities",
        "期内“5.29会员活动日”主题活动场次。",
        "Activities of the 5.29 Members' Day campaign held in the period.",
        "活动场次", "activities", "count", "flow", drill="activity",
    ),
    # -- volunteers --------------------------------------------------------------
    Indicator(
        "volunteers", "volunteers", "在岗志愿者", "Active volunteers",
        "期末在岗的志愿者（注册日期不晚于期末，在岗标记为最近一次记录的状态）。",
        "Volunteers active at the period's end (registered by then; the active flag as last "
        "recorded).",
        "在岗人数", "volunteers", "count", "stock", drill="volunteer",
    ),
    Indicator(
        "volunteers_paired", "volunteers", "结对志愿者", "Volunteers paired",
        "期末在岗且与特殊家庭结对的志愿者。",
        "Active volunteers paired with a special family at the period's end.",
        "结对志愿者人数", "volunteers paired", "count", "stock", drill="volunteer",
    ),
    Indicator(
        "families_paired", "volunteers", "特殊家庭结对率", "Families with a volunteer",
        "期末在册家庭中已有志愿者结对的比例。",
        "Share of the families enrolled at the period's end paired with a volunteer.",
        "已结对户数", "families paired", "percent", "stock",
        "期末在册户数", "families enrolled", better="higher", drill="specialfamily",
    ),
    # -- sites, projects, associations -------------------------------------------
    Indicator(
        "sites_six", "organisation", "暖心家园“六有”达标率", "Warm homes meeting the six",
        "期末已建成的暖心家园中，场所、标识、制度、计划、活动、管理“六有”齐全的比例。",
        "Share of the warm homes (暖心家园) open at the period's end with all six: place, sign, "
        "rules, plan, activities, management.",
        "“六有”齐全的个数", "warm homes meeting all six", "percent", "stock",
        "暖心家园个数", "warm homes", better="higher", drill="site",
    ),
    Indicator(
        "projects", "organisation", "本年度项目", "Projects this year",
        "期末所在年度的项目（不含已取消）。",
        "Projects of the year holding the period's end (cancelled ones left out).",
        "项目个数", "projects", "count", "stock", drill="project",
    ),
    Indicator(
        "associations_term", "organisation", "按期换届率", "Associations with a current term",
        "乡镇、村级计生协中，期末有在任会长且其任期开始不超过 5 年的比例。",
        "Share of the township and village associations with a president in office at the "
        "period's end whose term began less than 5 years before.",
        "按期换届的协会数", "associations on time", "percent", "stock",
        "协会数", "associations", better="higher", drill="association",
    ),
)  # fmt: skip

INDICATORS: dict[str, Indicator] = {i.id: i for i in CATALOGUE}

#: A term of office: an association whose president began longer ago is due
#: to change its leadership (换届).
TERM_YEARS = 5


def indicator(indicator_id: str) -> Indicator:
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}") from None
