"""Form layouts: for each record type, its fields in the order of the paper
register, with their labels. Everything else (the kind of editor, required
marks, code lists, validation) comes from the ENTITIES registry and the
models, so one generic form serves every record type; what a record's values
imply (its village, its association, the person it links) is the entity
rules' and the draft's (`jsxcore.rules`, `jsxcore.draft`), not the layout's.

Labels are Chinese source strings marked for translation (context "Field");
the English is in `resources/translations/jsxclient_en.ts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from jsxclient.ui.i18n import QT_TRANSLATE_NOOP
from jsxcore.draft import Part


@dataclass(frozen=True)
class F:
    """One field: `kind` overrides the editor chosen from the model."""

    name: str
    label: str
    kind: str | None = None
    ref: str | None = None  # entity for "ref" pickers
    scope: str | None = None  # "family" / "association": limit a picker to the context's
    wide: bool = False  # spans both columns


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[F, ...]
    part: Part = "main"  # the person part: the person the record links (rules.PERSON_LINK)
    columns: int = 2


@dataclass(frozen=True)
class FormLayout:
    entity: str
    title: str  # "会员" -> "新增会员" / "编辑会员"
    sections: tuple[Section, ...]

    def fields(self, part: Part) -> list[F]:
        return [f for s in self.sections if s.part == part for f in s.fields]


def field_label(text: str) -> str:
    return QCoreApplication.translate("Field", text)


def title_text(text: str) -> str:
    return QCoreApplication.translate("Form", text)


# --- person parts ---------------------------------------------------------------------

P_NAME = F("name", QT_TRANSLATE_NOOP("Field", "姓名"))
P_ID = F("id_number", QT_TRANSLATE_NOOP("Field", "身份证号"))
P_SEX = F("sex", QT_TRANSLATE_NOOP("Field", "性别"))
P_BIRTH = F("birth_date", QT_TRANSLATE_NOOP("Field", "出生日期"))
P_ETHNIC = F("ethnicity", QT_TRANSLATE_NOOP("Field", "民族"))
P_EDU = F("education", QT_TRANSLATE_NOOP("Field", "文化程度"))
P_POL = F("political", QT_TRANSLATE_NOOP("Field", "政治面貌"))
P_MARITAL = F("marital", QT_TRANSLATE_NOOP("Field", "婚姻状况"))
P_MOBILE = F("mobile", QT_TRANSLATE_NOOP("Field", "手机号码"))
P_VILLAGE = F("division_code", QT_TRANSLATE_NOOP("Field", "所属村（社区）"), kind="village")
P_ADDRESS = F("address", QT_TRANSLATE_NOOP("Field", "家庭住址"), wide=True)

PERSON_FULL = (
    P_NAME,
    P_ID,
    P_SEX,
    P_BIRTH,
    P_ETHNIC,
    P_EDU,
    P_POL,
    P_MARITAL,
    P_MOBILE,
    P_VILLAGE,
    P_ADDRESS,
)


def _person_section(title: str, fields: tuple[F, ...] = PERSON_FULL) -> Section:
    return Section(title, fields, part="person")


# --- the layouts -----------------------------------------------------------------------

LAYOUTS: dict[str, FormLayout] = {}


def _add(layout: FormLayout) -> None:
    LAYOUTS[layout.entity] = layout


_add(
    FormLayout(
        "member",
        QT_TRANSLATE_NOOP("Form", "会员"),
        (
            _person_section(QT_TRANSLATE_NOOP("Form", "个人信息")),
            Section(
                QT_TRANSLATE_NOOP("Form", "会员信息"),
                (
                    F(
                        "group_id",
                        QT_TRANSLATE_NOOP("Field", "会员小组"),
                        kind="ref",
                        ref="membergroup",
                        scope="association",
                    ),
                    F("member_type", QT_TRANSLATE_NOOP("Field", "会员类型")),
                    F("role", QT_TRANSLATE_NOOP("Field", "会员角色")),
                    F("card_no", QT_TRANSLATE_NOOP("Field", "会员证号")),
                    F("joined_on", QT_TRANSLATE_NOOP("Field", "入会日期")),
                    F("status", QT_TRANSLATE_NOOP("Field", "状态")),
                    F("left_on", QT_TRANSLATE_NOOP("Field", "退会日期")),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "person",
        QT_TRANSLATE_NOOP("Form", "人员"),
        (Section(QT_TRANSLATE_NOOP("Form", "个人信息"), PERSON_FULL),),
    )
)

_add(
    FormLayout(
        "volunteer",
        QT_TRANSLATE_NOOP("Form", "志愿者"),
        (
            _person_section(QT_TRANSLATE_NOOP("Form", "个人信息")),
            Section(
                QT_TRANSLATE_NOOP("Form", "志愿者信息"),
                (
                    F("team_level", QT_TRANSLATE_NOOP("Field", "队伍层级")),
                    F("registration_no", QT_TRANSLATE_NOOP("Field", "注册编号")),
                    F("registered_on", QT_TRANSLATE_NOOP("Field", "注册日期")),
                    F("active", QT_TRANSLATE_NOOP("Field", "在岗")),
                    F("skills", QT_TRANSLATE_NOOP("Field", "服务特长"), wide=True),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "specialfamily",
        QT_TRANSLATE_NOOP("Form", "特殊家庭"),
        (
            _person_section(
                QT_TRANSLATE_NOOP("Form", "户主（联系人）"),
                (P_NAME, P_ID, P_SEX, P_BIRTH, P_MOBILE, P_VILLAGE),
            ),
            Section(
                QT_TRANSLATE_NOOP("Form", "家庭情况"),
                (
                    F("category", QT_TRANSLATE_NOOP("Field", "家庭类别")),
                    F("disability_grade", QT_TRANSLATE_NOOP("Field", "子女伤残等级")),
                    F("event_date", QT_TRANSLATE_NOOP("Field", "子女死亡/伤残日期")),
                    F("enrolled_on", QT_TRANSLATE_NOOP("Field", "纳入日期")),
                    F("status", QT_TRANSLATE_NOOP("Field", "状态")),
                    F("exit_reason", QT_TRANSLATE_NOOP("Field", "退出原因")),
                    F("exit_date", QT_TRANSLATE_NOOP("Field", "退出日期")),
                    F("address", QT_TRANSLATE_NOOP("Field", "家庭住址"), wide=True),
                ),
            ),
            Section(
                QT_TRANSLATE_NOOP("Form", "档案与服务"),
                (
                    F("doc_certificate", QT_TRANSLATE_NOOP("Field", "独生子女证")),
                    F("doc_death_or_disability", QT_TRANSLATE_NOOP("Field", "死亡/伤残证明")),
                    F("doc_household", QT_TRANSLATE_NOOP("Field", "户口簿")),
                    F("family_doctor_signed", QT_TRANSLATE_NOOP("Field", "家庭医生签约")),
                    F("priority_hospital", QT_TRANSLATE_NOOP("Field", "就医绿色通道")),
                    F("notes", QT_TRANSLATE_NOOP("Field", "备注"), wide=True),
                ),
                columns=3,
            ),
        ),
    )
)

_add(
    FormLayout(
        "familymember",
        QT_TRANSLATE_NOOP("Form", "家庭成员"),
        (
            _person_section(
                QT_TRANSLATE_NOOP("Form", "个人信息"),
                (P_NAME, P_ID, P_SEX, P_BIRTH, P_MOBILE),
            ),
            Section(
                QT_TRANSLATE_NOOP("Form", "家庭关系"),
                (F("relation", QT_TRANSLATE_NOOP("Field", "与户主关系")),),
            ),
        ),
    )
)

_add(
    FormLayout(
        "familycontact",
        QT_TRANSLATE_NOOP("Form", "双岗联系人"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "联系人"),
                (
                    F("kind", QT_TRANSLATE_NOOP("Field", "联系人类别")),
                    F("name", QT_TRANSLATE_NOOP("Field", "姓名")),
                    F("mobile", QT_TRANSLATE_NOOP("Field", "手机号码")),
                    F("since", QT_TRANSLATE_NOOP("Field", "联系起始日期")),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "carevisit",
        QT_TRANSLATE_NOOP("Form", "走访记录"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "走访情况"),
                (
                    F("visit_date", QT_TRANSLATE_NOOP("Field", "走访日期")),
                    F("mode", QT_TRANSLATE_NOOP("Field", "联系方式")),
                    F("visitor", QT_TRANSLATE_NOOP("Field", "走访人")),
                    F("physical_state", QT_TRANSLATE_NOOP("Field", "身体状况")),
                    F("mental_state", QT_TRANSLATE_NOOP("Field", "心理状况")),
                    F("aid_fen", QT_TRANSLATE_NOOP("Field", "慰问金额（元）")),
                    F("needs", QT_TRANSLATE_NOOP("Field", "主要需求"), wide=True),
                    F("actions", QT_TRANSLATE_NOOP("Field", "帮扶措施"), wide=True),
                    F(
                        "major_event",
                        QT_TRANSLATE_NOOP("Field", "重大事项（意外、重病、死亡，须立即上报）"),
                        wide=True,
                    ),
                    F("follow_up_due", QT_TRANSLATE_NOOP("Field", "下次跟进日期")),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "caresubsidy",
        QT_TRANSLATE_NOOP("Form", "关怀补贴"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "补贴"),
                (
                    F("kind", QT_TRANSLATE_NOOP("Field", "补贴类别")),
                    F(
                        "person_id",
                        QT_TRANSLATE_NOOP("Field", "享受人员"),
                        kind="ref",
                        ref="person",
                        scope="family",
                    ),
                    F("hospital", QT_TRANSLATE_NOOP("Field", "医院")),
                    F("admitted_on", QT_TRANSLATE_NOOP("Field", "入院日期")),
                    F("discharged_on", QT_TRANSLATE_NOOP("Field", "出院日期")),
                    F("days", QT_TRANSLATE_NOOP("Field", "住院天数")),
                    F("rate_fen", QT_TRANSLATE_NOOP("Field", "日补贴标准（元）")),
                    F("amount_fen", QT_TRANSLATE_NOOP("Field", "补贴金额（元）")),
                    F("status", QT_TRANSLATE_NOOP("Field", "状态")),
                    F("reviewer", QT_TRANSLATE_NOOP("Field", "审核人")),
                    F("paid_on", QT_TRANSLATE_NOOP("Field", "发放日期")),
                    F("documents", QT_TRANSLATE_NOOP("Field", "申请材料"), wide=True),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "activity",
        QT_TRANSLATE_NOOP("Form", "活动"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "活动情况"),
                (
                    F("title", QT_TRANSLATE_NOOP("Field", "活动名称"), wide=True),
                    F("type", QT_TRANSLATE_NOOP("Field", "活动类型")),
                    F("campaign", QT_TRANSLATE_NOOP("Field", "主题活动")),
                    F("held_on", QT_TRANSLATE_NOOP("Field", "活动日期")),
                    F(
                        "division_code",
                        QT_TRANSLATE_NOOP("Field", "举办协会（村/社区）"),
                        kind="village",
                    ),
                    F("place", QT_TRANSLATE_NOOP("Field", "地点")),
                    F("partners", QT_TRANSLATE_NOOP("Field", "合作单位")),
                    F("participant_count", QT_TRANSLATE_NOOP("Field", "参与人数")),
                    F("materials_count", QT_TRANSLATE_NOOP("Field", "发放资料（份）")),
                    F("families_visited", QT_TRANSLATE_NOOP("Field", "走访家庭数")),
                    F("funds_raised_fen", QT_TRANSLATE_NOOP("Field", "募集资金（元）")),
                    F("notes", QT_TRANSLATE_NOOP("Field", "备注"), wide=True),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "activityparticipant",
        QT_TRANSLATE_NOOP("Form", "活动参与人"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "参与人"),
                (F("person_id", QT_TRANSLATE_NOOP("Field", "参与人"), kind="ref", ref="person"),),
            ),
        ),
    )
)

_add(
    FormLayout(
        "site",
        QT_TRANSLATE_NOOP("Form", "阵地"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "阵地情况"),
                (
                    F("name", QT_TRANSLATE_NOOP("Field", "名称"), wide=True),
                    F("kind", QT_TRANSLATE_NOOP("Field", "阵地类别")),
                    F(
                        "division_code",
                        QT_TRANSLATE_NOOP("Field", "所在村（社区）"),
                        kind="village",
                    ),
                    F("address", QT_TRANSLATE_NOOP("Field", "地址")),
                    F("opened_on", QT_TRANSLATE_NOOP("Field", "建成日期")),
                ),
            ),
            Section(
                QT_TRANSLATE_NOOP("Form", "“六有”"),
                (
                    F("has_place", QT_TRANSLATE_NOOP("Field", "有场所")),
                    F("has_sign", QT_TRANSLATE_NOOP("Field", "有标识")),
                    F("has_rules", QT_TRANSLATE_NOOP("Field", "有制度")),
                    F("has_plan", QT_TRANSLATE_NOOP("Field", "有计划")),
                    F("has_activities", QT_TRANSLATE_NOOP("Field", "有活动")),
                    F("has_management", QT_TRANSLATE_NOOP("Field", "有管理")),
                ),
                columns=3,
            ),
        ),
    )
)

_add(
    FormLayout(
        "project",
        QT_TRANSLATE_NOOP("Form", "项目"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "项目情况"),
                (
                    F("name", QT_TRANSLATE_NOOP("Field", "项目名称"), wide=True),
                    F("level", QT_TRANSLATE_NOOP("Field", "项目级别")),
                    F("year", QT_TRANSLATE_NOOP("Field", "年度"), kind="year"),
                    F("fund_source", QT_TRANSLATE_NOOP("Field", "资金来源")),
                    F("amount_fen", QT_TRANSLATE_NOOP("Field", "金额（元）")),
                    F("status", QT_TRANSLATE_NOOP("Field", "状态")),
                    F("self_evaluation", QT_TRANSLATE_NOOP("Field", "年度自评"), wide=True),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "projectsite",
        QT_TRANSLATE_NOOP("Form", "项目阵地"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "阵地"),
                (F("site_id", QT_TRANSLATE_NOOP("Field", "阵地"), kind="ref", ref="site"),),
            ),
        ),
    )
)

_add(
    FormLayout(
        "association",
        QT_TRANSLATE_NOOP("Form", "计生协"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "协会"),
                (
                    F("name", QT_TRANSLATE_NOOP("Field", "协会名称"), wide=True),
                    F("level", QT_TRANSLATE_NOOP("Field", "层级")),
                    F("division_code", QT_TRANSLATE_NOOP("Field", "所在地"), kind="village"),
                    F("sector", QT_TRANSLATE_NOOP("Field", "行业")),
                    F("founded_on", QT_TRANSLATE_NOOP("Field", "成立日期")),
                    F("phone", QT_TRANSLATE_NOOP("Field", "电话")),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "officer",
        QT_TRANSLATE_NOOP("Form", "协会负责人"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "任职"),
                (
                    F(
                        "person_id",
                        QT_TRANSLATE_NOOP("Field", "从人员中选择（可不选）"),
                        kind="ref",
                        ref="person",
                        wide=True,
                    ),
                    F("name", QT_TRANSLATE_NOOP("Field", "姓名")),
                    F("post", QT_TRANSLATE_NOOP("Field", "职务")),
                    F("term_start", QT_TRANSLATE_NOOP("Field", "任期开始")),
                    F("term_end", QT_TRANSLATE_NOOP("Field", "任期结束")),
                    F("mobile", QT_TRANSLATE_NOOP("Field", "手机号码")),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "membergroup",
        QT_TRANSLATE_NOOP("Form", "会员小组"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "小组"),
                (
                    F("name", QT_TRANSLATE_NOOP("Field", "小组名称"), wide=True),
                    F(
                        "leader_person_id",
                        QT_TRANSLATE_NOOP("Field", "组长"),
                        kind="ref",
                        ref="person",
                        wide=True,
                    ),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "volunteerpairing",
        QT_TRANSLATE_NOOP("Form", "志愿者结对"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "结对"),
                (
                    F(
                        "family_id",
                        QT_TRANSLATE_NOOP("Field", "结对家庭"),
                        kind="ref",
                        ref="specialfamily",
                        wide=True,
                    ),
                    F("since", QT_TRANSLATE_NOOP("Field", "结对日期")),
                ),
            ),
        ),
    )
)

_add(
    FormLayout(
        "subsidyrate",
        QT_TRANSLATE_NOOP("Form", "补贴标准"),
        (
            Section(
                QT_TRANSLATE_NOOP("Form", "标准"),
                (
                    F("kind", QT_TRANSLATE_NOOP("Field", "补贴类别")),
                    F("year", QT_TRANSLATE_NOOP("Field", "年度"), kind="year"),
                    F("rate_fen", QT_TRANSLATE_NOOP("Field", "日补贴标准（元）")),
                ),
            ),
        ),
    )
)
