"""What each kind of import reads: its fields, the headers registers give
them, and how a cell is parsed. Plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldDef:
    key: str
    zh: str
    en: str
    parse: str  # name, text, idnum, phone, date, bool, money, int, village, code:<table>
    aliases: tuple[str, ...] = ()
    required: bool = False

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


@dataclass(frozen=True)
class KindDef:
    name: str
    zh: str
    en: str
    fields: tuple[FieldDef, ...]
    # Required fields any one of which will do (a family by its head's ID
    # number or name).
    one_of: tuple[tuple[str, ...], ...] = ()

    def field(self, key: str) -> FieldDef:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.name}: no field {key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


def _f(
    key: str, zh: str, en: str, parse: str = "text", *aliases: str, required: bool = False
) -> FieldDef:
    return FieldDef(key, zh, en, parse, (zh, *aliases), required)


_ID_ALIASES = ("身份证号", "身份证号码", "公民身份号码", "公民身份证号", "身份证", "证件号码")
_MOBILE_ALIASES = ("联系电话", "手机号", "手机号码", "手机", "电话", "电话号码", "联系方式")
_VILLAGE = _f(
    "village",
    "村（社区）",
    "Village",
    "village",
    "村",
    "社区",
    "村社区",
    "村/社区",
    "村(居)",
    "所在村",
    "所属村",
    "村别",
    "村名",
    "所在村（社区）",
    "村（居）委会",
    "居委会",
    "村委会",
)


def _person(required_name: bool = True) -> tuple[FieldDef, ...]:
    return (
        _f("name", "姓名", "Name", "name", "名字", required=required_name),
        _f("id_number", "身份证号", "ID number", "idnum", *_ID_ALIASES),
        _f("sex", "性别", "Sex", "code:sex"),
        _f("birth_date", "出生日期", "Birth date", "date", "出生年月", "出生年月日", "生日"),
        _f("ethnicity", "民族", "Ethnicity", "code:ethnicity"),
        _f(
            "education",
            "文化程度",
            "Education",
            "code:education",
            "学历",
            "文化",
            "受教育程度",
        ),
        _f("political", "政治面貌", "Political status", "code:political", "政治身份"),
        _f("marital", "婚姻状况", "Marital status", "code:marital", "婚姻"),
        _f("mobile", "手机号码", "Mobile", "phone", *_MOBILE_ALIASES),
        _f("address", "住址", "Address", "text", "家庭住址", "地址", "居住地址", "现住址"),
    )


_HEAD = (
    _f("head_name", "户主姓名", "Head of family", "name", "户主", "家庭户主", "特殊家庭户主"),
    _f(
        "head_id_number",
        "户主身份证号",
        "Head's ID number",
        "idnum",
        "户主身份证号码",
        "户主公民身份号码",
    ),
)

KINDS: dict[str, KindDef] = {}


def _kind(k: KindDef) -> None:
    KINDS[k.name] = k


_kind(
    KindDef(
        "members",
        "会员",
        "Members",
        (
            *_person(),
            _VILLAGE,
            _f("group", "会员小组", "Member group", "text", "小组", "所在小组", "村民小组"),
            _f("member_type", "会员类型", "Member type", "code:member_type", "会员类别"),
            _f("role", "会员角色", "Role", "code:member_role", "角色", "职务", "会内职务"),
            _f("card_no", "会员证号", "Card number", "text", "会员证编号", "会员编号", "证号"),
            _f(
                "joined_on",
                "入会时间",
                "Joined on",
                "date",
                "入会日期",
                "入会年月",
                "加入时间",
                required=True,
            ),
            _f("left_on", "退会时间", "Left on", "date", "退会日期"),
            _f("status", "会员状态", "Status", "code:member_status", "状态", "会籍状态"),
        ),
    )
)

_kind(
    KindDef(
        "volunteers",
        "志愿者",
        "Volunteers",
        (
            *_person(),
            _VILLAGE,
            _f("team_level", "队伍层级", "Team level", "code:volunteer_level", "层级", "所属队伍"),
            _f("registration_no", "注册编号", "Registration no.", "text", "志愿者编号", "注册号"),
            _f("skills", "服务特长", "Skills", "text", "特长", "专业特长", "服务项目"),
            _f("registered_on", "注册日期", "Registered on", "date", "注册时间", "加入时间"),
            _f("active", "在岗", "Active", "bool", "是否在岗", "在岗情况"),
        ),
    )
)

_kind(
    KindDef(
        "families",
        "特殊家庭",
        "Special families",
        (
            _f("family_no", "户编号", "Family no.", "text", "家庭编号", "户号", "家庭序号"),
            *_person(),
            _f(
                "relation",
                "与户主关系",
                "Relation",
                "code:relation",
                "关系",
                "家庭关系",
                "成员关系",
            ),
            _VILLAGE,
            _f(
                "category",
                "家庭类别",
                "Category",
                "code:family_category",
                "类别",
                "特殊家庭类别",
                "家庭类型",
                "类型",
            ),
            _f(
                "disability_grade",
                "伤残等级",
                "Disability grade",
                "code:disability_grade",
                "残疾等级",
            ),
            _f(
                "event_date",
                "子女死亡或伤残时间",
                "Child's death or disability",
                "date",
                "死亡或伤残时间",
                "子女死亡（伤残）时间",
                "子女死亡时间",
                "子女伤残时间",
                "死亡时间",
                "伤残时间",
            ),
            _f("doc_certificate", "独生子女证", "Only-child certificate", "bool", "有无独生子女证"),
            _f(
                "doc_death_or_disability",
                "死亡或伤残证明",
                "Death or disability certificate",
                "bool",
                "死亡/伤残证明",
                "死亡证明",
                "残疾证",
            ),
            _f("doc_household", "户口簿", "Household register", "bool", "户口本"),
            _f(
                "family_doctor_signed",
                "家庭医生签约",
                "Family doctor",
                "bool",
                "家庭医生",
                "是否签约家庭医生",
            ),
            _f("priority_hospital", "就医绿色通道", "Priority care", "bool", "绿色通道"),
            _f("status", "家庭状态", "Status", "code:family_status", "状态", "在册状态"),
            _f("exit_reason", "退出原因", "Exit reason", "code:family_exit_reason"),
            _f("exit_date", "退出日期", "Exit date", "date", "退出时间"),
            _f(
                "enrolled_on", "纳入日期", "Enrolled on", "date", "纳入时间", "确认时间", "登记时间"
            ),
            _f("notes", "备注", "Notes", "text"),
            _f("override_reason", "登记理由", "Reason", "text", "仍登记理由", "说明"),
        ),
    )
)

_kind(
    KindDef(
        "contacts",
        "双岗联系人",
        "Two-post contacts",
        (
            *_HEAD,
            _VILLAGE,
            _f("kind", "联系人类别", "Contact kind", "code:contact_kind", "类别", "身份", "岗位"),
            _f("name", "联系人姓名", "Contact", "name", "联系人", "姓名"),
            _f("mobile", "联系人电话", "Contact mobile", "phone", "联系人手机", *_MOBILE_ALIASES),
            _f("since", "联系起始日期", "Since", "date", "起始日期", "结对时间", "确定时间"),
            _f(
                "township_cadre", "乡镇干部", "Township cadre", "name", "乡镇联系人", "乡镇干部姓名"
            ),
            _f(
                "township_cadre_mobile",
                "乡镇干部电话",
                "Township cadre's mobile",
                "phone",
                "乡镇联系人电话",
                "乡镇干部联系电话",
            ),
            _f("village_cadre", "村干部", "Village cadre", "name", "村联系人", "村干部姓名"),
            _f(
                "village_cadre_mobile",
                "村干部电话",
                "Village cadre's mobile",
                "phone",
                "村联系人电话",
                "村干部联系电话",
            ),
        ),
        one_of=(("head_id_number", "head_name"),),
    )
)

_kind(
    KindDef(
        "visits",
        "走访记录",
        "Care visits",
        (
            *_HEAD,
            _VILLAGE,
            _f(
                "visit_date",
                "走访日期",
                "Visit date",
                "date",
                "走访时间",
                "日期",
                "联系日期",
                required=True,
            ),
            _f("mode", "走访方式", "Mode", "code:visit_mode", "方式", "联系方式", required=True),
            _f("visitor", "走访人", "Visitor", "text", "走访人员", "联系人"),
            _f("physical_state", "身体状况", "Physical state", "code:wellbeing", "身体情况"),
            _f(
                "mental_state", "心理状况", "Mental state", "code:wellbeing", "心理情况", "精神状况"
            ),
            _f("needs", "需求", "Needs", "text", "主要需求", "家庭需求", "困难和需求"),
            _f("actions", "帮扶措施", "Actions", "text", "帮扶情况", "措施", "解决情况"),
            _f(
                "aid_fen", "慰问金额（元）", "Aid (yuan)", "money", "慰问金额", "慰问金", "帮扶金额"
            ),
            _f("major_event", "重大事项", "Major event", "bool", "是否重大事项", "重大事件"),
            _f(
                "follow_up_due", "下次跟进日期", "Follow-up due", "date", "下次跟进", "下次走访日期"
            ),
        ),
        one_of=(("head_id_number", "head_name"),),
    )
)

_kind(
    KindDef(
        "subsidies",
        "关怀补贴",
        "Care subsidies",
        (
            *_HEAD,
            _VILLAGE,
            _f("name", "补贴对象", "Recipient", "name", "补贴对象姓名", "住院人", "姓名"),
            _f(
                "id_number",
                "补贴对象身份证号",
                "Recipient's ID number",
                "idnum",
                *_ID_ALIASES,
            ),
            _f("kind", "补贴类别", "Kind", "code:subsidy_kind", "补贴类型", "类别", "项目"),
            _f("hospital", "医院", "Hospital", "text", "住院医院", "医疗机构", "就诊医院"),
            _f("admitted_on", "入院日期", "Admitted on", "date", "入院时间"),
            _f("discharged_on", "出院日期", "Discharged on", "date", "出院时间"),
            _f("days", "住院天数", "Days", "int", "天数"),
            _f("rate_fen", "日补贴标准（元）", "Daily rate (yuan)", "money", "补贴标准", "标准"),
            _f("amount_fen", "补贴金额（元）", "Amount (yuan)", "money", "金额", "发放金额"),
            _f("status", "发放状态", "Status", "code:subsidy_status", "状态", "审核状态"),
            _f("reviewer", "审核人", "Reviewer", "text"),
            _f("paid_on", "发放日期", "Paid on", "date", "发放时间"),
            _f("documents", "材料", "Documents", "text", "佐证材料", "附件"),
        ),
        one_of=(("head_id_number", "head_name"),),
    )
)

_kind(
    KindDef(
        "activities",
        "活动",
        "Activities",
        (
            _f(
                "village",
                "村（社区）",
                "Village",
                "village",
                *_VILLAGE.aliases,
                "协会",
                "举办协会",
                "组织单位",
            ),
            _f("title", "活动名称", "Title", "text", "活动主题", "名称", "活动内容", required=True),
            _f("type", "活动类型", "Type", "code:activity_type", "类型", "类别", required=True),
            _f("campaign", "主题活动", "Campaign", "code:campaign", "所属主题活动", "专项活动"),
            _f("held_on", "活动日期", "Date", "date", "日期", "活动时间", "时间", required=True),
            _f("place", "活动地点", "Place", "text", "地点"),
            _f("partners", "合作单位", "Partners", "text", "协办单位", "联合单位"),
            _f("participant_count", "参与人数", "Participants", "int", "参加人数", "人数"),
            _f("materials_count", "发放资料（份）", "Materials", "int", "发放资料", "资料份数"),
            _f("funds_raised_fen", "募集资金（元）", "Funds raised (yuan)", "money", "募集资金"),
            _f(
                "families_visited",
                "走访家庭（户）",
                "Families visited",
                "int",
                "走访家庭",
                "走访户数",
            ),
            _f("notes", "备注", "Notes", "text"),
            _f("name", "参与人姓名", "Participant", "name", "参与人", "参加人员"),
            _f(
                "id_number",
                "参与人身份证号",
                "Participant's ID number",
                "idnum",
                "参与人身份证号码",
                *_ID_ALIASES,
            ),
        ),
    )
)

# Headers that are never data: row numbers, and the error column of our own
# row reports (so a corrected report imports as it is).
IGNORED_HEADERS = frozenset({"序号", "行号", "编号", "no", "no.", "错误原因", "原表行号"})


def kind(name: str) -> KindDef:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown import kind {name!r}; one of {', '.join(KINDS)}") from None
