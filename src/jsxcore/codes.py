"""Code tables: national standards plus the project's own short ASCII codes.

Each table is plain data, ``code -> {"zh": ..., "en": ...}``, kept in display
order. Standard tables use the codes of the named standard exactly, so that
records can be exchanged with other systems:

* ``sex``        GB/T 2261.1-2003 人的性别代码
* ``marital``    GB/T 2261.2-2003 婚姻状况代码
* ``ethnicity``  GB 3304-1991 中国各民族名称的罗马字母拼写法和代码
* ``relation``   GB/T 4761-2008 家庭关系代码
* ``political``  GB/T 4762-1984 政治面貌代码
* ``education``  GB/T 4658-2006 学历代码

The other tables are specific to this project (codes are stable identifiers
stored in the database and sent to the server; only the labels may change).
"""

from __future__ import annotations

from typing import TypedDict


class CodeEntry(TypedDict):
    zh: str
    en: str


def _t(*rows: tuple[str, str, str]) -> dict[str, CodeEntry]:
    table: dict[str, CodeEntry] = {}
    for code, zh, en in rows:
        if code in table:  # pragma: no cover - guards against typos in the data below
            raise ValueError(f"duplicate code {code!r}")
        table[code] = {"zh": zh, "en": en}
    return table


# --- national standards -----------------------------------------------------

SEX = _t(
    ("0", "未知的性别", "Unknown"),
    ("1", "男", "Male"),
    ("2", "女", "Female"),
    ("9", "未说明的性别", "Unspecified"),
)

MARITAL = _t(
    ("10", "未婚", "Unmarried"),
    ("20", "已婚", "Married"),
    ("21", "初婚", "First marriage"),
    ("22", "再婚", "Remarried"),
    ("23", "复婚", "Remarried to former spouse"),
    ("30", "丧偶", "Widowed"),
    ("40", "离婚", "Divorced"),
    ("90", "未说明的婚姻状况", "Unspecified"),
)

ETHNICITY = _t(
    ("01", "汉族", "Han"),
    ("02", "蒙古族", "Mongol"),
    ("03", "回族", "Hui"),
    ("04", "藏族", "Tibetan"),
    ("05", "维吾尔族", "Uyghur"),
    ("06", "苗族", "Miao"),
    ("07", "彝族", "Yi"),
    ("08", "壮族", "Zhuang"),
    ("09", "布依族", "Buyei"),
    ("10", "朝鲜族", "Korean"),
    ("11", "满族", "Manchu"),
    ("12", "侗族", "Dong"),
    ("13", "瑶族", "Yao"),
    ("14", "白族", "Bai"),
    ("15", "土家族", "Tujia"),
    ("16", "哈尼族", "Hani"),
    ("17", "哈萨克族", "Kazakh"),
    ("18", "傣族", "Dai"),
    ("19", "黎族", "Li"),
    ("20", "傈僳族", "Lisu"),
    ("21", "佤族", "Va"),
    ("22", "畲族", "She"),
    ("23", "高山族", "Gaoshan"),
    ("24", "拉祜族", "Lahu"),
    ("25", "水族", "Sui"),
    ("26", "东乡族", "Dongxiang"),
    ("27", "纳西族", "Naxi"),
    ("28", "景颇族", "Jingpo"),
    ("29", "柯尔克孜族", "Kirgiz"),
    ("30", "土族", "Tu"),
    ("31", "达斡尔族", "Daur"),
    ("32", "仫佬族", "Mulao"),
    ("33", "羌族", "Qiang"),
    ("34", "布朗族", "Blang"),
    ("35", "撒拉族", "Salar"),
    ("36", "毛南族", "Maonan"),
    ("37", "仡佬族", "Gelao"),
    ("38", "锡伯族", "Xibe"),
    ("39", "阿昌族", "Achang"),
    ("40", "普米族", "Pumi"),
    ("41", "塔吉克族", "Tajik"),
    ("42", "怒族", "Nu"),
    ("43", "乌孜别克族", "Uzbek"),
    ("44", "俄罗斯族", "Russian"),
    ("45", "鄂温克族", "Ewenki"),
    ("46", "德昂族", "Deang"),
    ("47", "保安族", "Bonan"),
    ("48", "裕固族", "Yugur"),
    ("49", "京族", "Gin"),
    ("50", "塔塔尔族", "Tatar"),
    ("51", "独龙族", "Derung"),
    ("52", "鄂伦春族", "Oroqen"),
    ("53", "赫哲族", "Hezhen"),
    ("54", "门巴族", "Monba"),
    ("55", "珞巴族", "Lhoba"),
    ("56", "基诺族", "Jino"),
    ("97", "其他", "Other"),
    ("98", "外国血统中国籍人士", "Chinese citizen of foreign origin"),
)

RELATION = _t(
    ("01", "本人", "Self"),
    ("02", "户主", "Head of household"),
    ("10", "配偶", "Spouse"),
    ("11", "夫", "Husband"),
    ("12", "妻", "Wife"),
    ("20", "子", "Son"),
    ("21", "独生子", "Only son"),
    ("22", "长子", "Eldest son"),
    ("23", "次子", "Second son"),
    ("24", "三子", "Third son"),
    ("25", "四子", "Fourth son"),
    ("26", "五子", "Fifth son"),
    ("27", "养子或继子", "Adopted son or stepson"),
    ("28", "女婿", "Son-in-law"),
    ("29", "其他儿子", "Other son"),
    ("30", "女", "Daughter"),
    ("31", "独生女", "Only daughter"),
    ("32", "长女", "Eldest daughter"),
    ("33", "次女", "Second daughter"),
    ("34", "三女", "Third daughter"),
    ("35", "四女", "Fourth daughter"),
    ("36", "五女", "Fifth daughter"),
    ("37", "养女或继女", "Adopted daughter or stepdaughter"),
    ("38", "儿媳", "Daughter-in-law"),
    ("39", "其他女儿", "Other daughter"),
    ("40", "孙子、孙女或外孙子、外孙女", "Grandchild"),
    ("41", "孙子", "Grandson (son's son)"),
    ("42", "孙女", "Granddaughter (son's daughter)"),
    ("43", "外孙子", "Grandson (daughter's son)"),
    ("44", "外孙女", "Granddaughter (daughter's daughter)"),
    ("45", "孙媳妇或外孙媳妇", "Grandson's wife"),
    ("46", "孙女婿或外孙女婿", "Granddaughter's husband"),
    ("47", "曾孙子或外曾孙子", "Great-grandson"),
    ("48", "曾孙女或外曾孙女", "Great-granddaughter"),
    ("49", "其他孙子、孙女或外孙子、外孙女", "Other grandchild"),
    ("50", "父母", "Parent"),
    ("51", "父亲", "Father"),
    ("52", "母亲", "Mother"),
    ("53", "公公", "Father-in-law (husband's father)"),
    ("54", "婆婆", "Mother-in-law (husband's mother)"),
    ("55", "岳父", "Father-in-law (wife's father)"),
    ("56", "岳母", "Mother-in-law (wife's mother)"),
    ("57", "继父或养父", "Stepfather or adoptive father"),
    ("58", "继母或养母", "Stepmother or adoptive mother"),
    ("59", "其他父母关系", "Other parent"),
    ("60", "祖父母或外祖父母", "Grandparent"),
    ("61", "祖父", "Grandfather (father's father)"),
    ("62", "祖母", "Grandmother (father's mother)"),
    ("63", "外祖父", "Grandfather (mother's father)"),
    ("64", "外祖母", "Grandmother (mother's mother)"),
    ("65", "配偶的祖父母或外祖父母", "Spouse's grandparent"),
    ("66", "曾祖父", "Great-grandfather"),
    ("67", "曾祖母", "Great-grandmother"),
    ("68", "配偶的曾祖父母或外曾祖父母", "Spouse's great-grandparent"),
    ("69", "其他祖父母或外祖父母关系", "Other grandparent"),
    ("70", "兄弟姐妹", "Sibling"),
    ("71", "兄", "Elder brother"),
    ("72", "嫂", "Elder brother's wife"),
    ("73", "弟", "Younger brother"),
    ("74", "弟媳", "Younger brother's wife"),
    ("75", "姐姐", "Elder sister"),
    ("76", "姐夫", "Elder sister's husband"),
    ("77", "妹妹", "Younger sister"),
    ("78", "妹夫", "Younger sister's husband"),
    ("79", "其他兄弟姐妹", "Other sibling"),
    ("80", "其他", "Other relative (general)"),
    ("81", "伯父", "Uncle (father's elder brother)"),
    ("82", "伯母", "Aunt (wife of father's elder brother)"),
    ("83", "叔父", "Uncle (father's younger brother)"),
    ("84", "婶母", "Aunt (wife of father's younger brother)"),
    ("85", "舅父", "Uncle (mother's brother)"),
    ("86", "舅母", "Aunt (wife of mother's brother)"),
    ("87", "姨父", "Uncle (husband of mother's sister)"),
    ("88", "姨母", "Aunt (mother's sister)"),
    ("89", "姑父", "Uncle (husband of father's sister)"),
    ("90", "姑母", "Aunt (father's sister)"),
    ("91", "堂兄弟、堂姐妹", "Cousin (father's brother's child)"),
    ("92", "表兄弟、表姐妹", "Cousin (other)"),
    ("93", "侄子", "Nephew (brother's son)"),
    ("94", "侄女", "Niece (brother's daughter)"),
    ("95", "外甥", "Nephew (sister's son)"),
    ("96", "外甥女", "Niece (sister's daughter)"),
    ("97", "其他亲属", "Other relative"),
    ("99", "非亲属", "Not related"),
)

POLITICAL = _t(
    ("01", "中共党员", "Member of the Communist Party of China"),
    ("02", "中共预备党员", "Probationary member of the Communist Party of China"),
    ("03", "共青团员", "Member of the Communist Youth League"),
    ("04", "民革会员", "Member of the Revolutionary Committee of the Kuomintang"),
    ("05", "民盟盟员", "Member of the China Democratic League"),
    ("06", "民建会员", "Member of the China National Democratic Construction Association"),
    ("07", "民进会员", "Member of the China Association for Promoting Democracy"),
    ("08", "农工党党员", "Member of the Chinese Peasants' and Workers' Democratic Party"),
    ("09", "致公党党员", "Member of the China Zhi Gong Party"),
    ("10", "九三学社社员", "Member of the Jiusan Society"),
    ("11", "台盟盟员", "Member of the Taiwan Democratic Self-Government League"),
    ("12", "无党派人士", "Non-party personage"),
    ("13", "群众", "General public (no affiliation)"),
)

EDUCATION = _t(
    ("10", "研究生教育", "Postgraduate"),
    ("11", "博士研究生毕业", "Doctorate, graduated"),
    ("12", "博士研究生结业", "Doctorate, completed without degree"),
    ("13", "博士研究生肄业", "Doctorate, not completed"),
    ("14", "硕士研究生毕业", "Master's, graduated"),
    ("15", "硕士研究生结业", "Master's, completed without degree"),
    ("16", "硕士研究生肄业", "Master's, not completed"),
    ("17", "研究生班毕业", "Postgraduate class, graduated"),
    ("18", "研究生班结业", "Postgraduate class, completed without degree"),
    ("19", "研究生班肄业", "Postgraduate class, not completed"),
    ("20", "大学本科教育", "Bachelor's"),
    ("21", "大学本科毕业", "Bachelor's, graduated"),
    ("22", "大学本科结业", "Bachelor's, completed without degree"),
    ("23", "大学本科肄业", "Bachelor's, not completed"),
    ("28", "大学普通班毕业", "University ordinary class, graduated"),
    ("30", "大学专科教育", "Junior college"),
    ("31", "大学专科毕业", "Junior college, graduated"),
    ("32", "大学专科结业", "Junior college, completed without diploma"),
    ("33", "大学专科肄业", "Junior college, not completed"),
    ("40", "中等职业教育", "Secondary vocational"),
    ("41", "中等专科毕业", "Secondary specialised school, graduated"),
    ("42", "中等专科结业", "Secondary specialised school, completed without diploma"),
    ("43", "中等专科肄业", "Secondary specialised school, not completed"),
    ("44", "职业高中毕业", "Vocational high school, graduated"),
    ("45", "职业高中结业", "Vocational high school, completed without diploma"),
    ("46", "职业高中肄业", "Vocational high school, not completed"),
    ("47", "技工学校毕业", "Technical school, graduated"),
    ("48", "技工学校结业", "Technical school, completed without diploma"),
    ("49", "技工学校肄业", "Technical school, not completed"),
    ("60", "普通高级中学教育", "Senior high school"),
    ("61", "普通高中毕业", "Senior high school, graduated"),
    ("62", "普通高中结业", "Senior high school, completed without diploma"),
    ("63", "普通高中肄业", "Senior high school, not completed"),
    ("70", "初级中学教育", "Junior high school"),
    ("71", "初中毕业", "Junior high school, graduated"),
    ("73", "初中肄业", "Junior high school, not completed"),
    ("80", "小学教育", "Primary school"),
    ("81", "小学毕业", "Primary school, graduated"),
    ("83", "小学肄业", "Primary school, not completed"),
    ("90", "其他", "Other"),
)

# --- project tables -----------------------------------------------------------

MEMBER_TYPE = _t(
    ("individual", "个人会员", "Individual member"),
    ("group", "团体会员", "Group member"),
)

MEMBER_ROLE = _t(
    ("council", "理事", "Council member"),
    ("group_leader", "小组长", "Member group leader"),
    ("liaison_head", "联系户长", "Member liaison head"),
    ("member", "会员", "Member"),
)

MEMBER_STATUS = _t(
    ("active", "在籍", "Active"),
    ("left", "退会", "Left"),
    ("deceased", "死亡", "Deceased"),
)

ASSOCIATION_LEVEL = _t(
    ("province", "省级", "Province"),
    ("city", "市（州）级", "City or prefecture"),
    ("county", "县（市、区）级", "County"),
    ("township", "乡镇（街道）级", "Township or street"),
    ("village", "村（社区）级", "Village or community"),
    ("sector", "行业", "Sector"),
)

OFFICER_POST = _t(
    ("president", "会长", "President"),
    ("vice_president", "副会长", "Vice-president"),
    ("secretary_general", "秘书长", "Secretary-general"),
    ("council", "理事", "Council member"),
    ("supervisor", "监事", "Supervisor"),
)

FAMILY_CATEGORY = _t(
    ("bereaved", "失独", "Only child died"),
    ("disabled", "伤残", "Only child disabled"),
)

FAMILY_STATUS = _t(
    ("enrolled", "在册", "Enrolled"),
    ("exited", "退出", "Exited"),
)

FAMILY_EXIT_REASON = _t(
    ("rebirth", "再生育", "Had another child"),
    ("adoption", "收养", "Adopted a child"),
    ("death", "死亡", "Death"),
    ("moved_out", "迁出", "Moved away"),
)

CONTACT_KIND = _t(
    ("township_cadre", "乡镇干部", "Township cadre"),
    ("village_cadre", "村干部", "Village cadre"),
    ("member", "会员", "Association member"),
    ("doctor", "医生", "Doctor"),
    ("volunteer", "志愿者", "Volunteer"),
)

VISIT_MODE = _t(
    ("home", "入户走访", "Home visit"),
    ("phone", "电话", "Phone"),
    ("wechat", "微信", "WeChat"),
    ("activity", "活动中", "At an activity"),
)

WELLBEING = _t(
    ("good", "良好", "Good"),
    ("fair", "一般", "Fair"),
    ("poor", "较差", "Poor"),
)

SUBSIDY_KIND = _t(
    ("hospital_care", "住院护理补贴", "Hospital care subsidy"),
    ("birth_care", "生育关怀", "Childbirth care"),
)

SUBSIDY_STATUS = _t(
    ("applied", "申请", "Applied"),
    ("reviewed", "审核", "Reviewed"),
    ("paid", "发放", "Paid"),
    ("refused", "驳回", "Refused"),
)

SITE_KIND = _t(
    ("member_home", "会员之家", "Members' home"),
    ("warm_home", "暖心家园", "Warm-heart home"),
    ("sunflower", "向日葵亲子小屋", "Sunflower parent-child room"),
    ("eugenics_center", "优生优育指导中心", "Healthy birth and parenting guidance centre"),
    ("childcare", "托育", "Childcare point"),
)

PROJECT_LEVEL = _t(
    ("national", "国家级", "National"),
    ("provincial", "省级", "Provincial"),
    ("city", "市级", "City"),
    ("county", "县级", "County"),
    ("township", "乡镇级", "Township"),
)

PROJECT_STATUS = _t(
    ("planned", "计划中", "Planned"),
    ("running", "实施中", "Running"),
    ("finished", "已完成", "Finished"),
    ("cancelled", "已取消", "Cancelled"),
)

# A monthly report sent up to the county, and the county's answer.
REPORT_STATE = _t(
    ("submitted", "已上报", "Submitted"),
    ("accepted", "已通过", "Accepted"),
    ("returned", "已退回", "Returned"),
)

ACTIVITY_TYPE = _t(
    ("publicity", "宣传", "Publicity"),
    ("training", "培训", "Training"),
    ("condolence", "慰问", "Condolence visit"),
    ("lecture", "讲座", "Lecture"),
    ("clinic", "义诊", "Free clinic"),
    ("parent_child", "亲子", "Parent-child activity"),
    ("other", "其他", "Other"),
)

CAMPAIGN = _t(
    ("member_day_529", "5.29会员活动日", "29 May members' day"),
    ("eugenics_home", "优生优育进万家", "Healthy births in every home"),
    ("youth_health", "青春健康三湘行", "Youth health across Hunan"),
    ("warm_heart", "暖心行动", "Warm-heart action"),
    ("none", "无", "None"),
)

VOLUNTEER_LEVEL = _t(
    ("province", "省级", "Province"),
    ("city", "市级", "City"),
    ("county", "县级", "County"),
    ("township", "乡镇级", "Township"),
    ("village", "村级", "Village"),
)

DISABILITY_GRADE = _t(
    ("1", "一级", "Grade 1"),
    ("2", "二级", "Grade 2"),
    ("3", "三级", "Grade 3"),
    ("4", "四级", "Grade 4"),
)

CODE_TABLES: dict[str, dict[str, CodeEntry]] = {
    "sex": SEX,
    "ethnicity": ETHNICITY,
    "marital": MARITAL,
    "relation": RELATION,
    "political": POLITICAL,
    "education": EDUCATION,
    "member_type": MEMBER_TYPE,
    "member_role": MEMBER_ROLE,
    "member_status": MEMBER_STATUS,
    "association_level": ASSOCIATION_LEVEL,
    "officer_post": OFFICER_POST,
    "family_category": FAMILY_CATEGORY,
    "family_status": FAMILY_STATUS,
    "family_exit_reason": FAMILY_EXIT_REASON,
    "contact_kind": CONTACT_KIND,
    "visit_mode": VISIT_MODE,
    "wellbeing": WELLBEING,
    "subsidy_kind": SUBSIDY_KIND,
    "subsidy_status": SUBSIDY_STATUS,
    "site_kind": SITE_KIND,
    "project_level": PROJECT_LEVEL,
    "project_status": PROJECT_STATUS,
    "activity_type": ACTIVITY_TYPE,
    "campaign": CAMPAIGN,
    "volunteer_level": VOLUNTEER_LEVEL,
    "disability_grade": DISABILITY_GRADE,
    "report_state": REPORT_STATE,
}

# What each table is called, for messages such as "not a valid ethnicity code".
TABLE_TITLES: dict[str, CodeEntry] = {
    "sex": {"zh": "性别", "en": "sex"},
    "ethnicity": {"zh": "民族", "en": "ethnicity"},
    "marital": {"zh": "婚姻状况", "en": "marital status"},
    "relation": {"zh": "家庭关系", "en": "family relation"},
    "political": {"zh": "政治面貌", "en": "political status"},
    "education": {"zh": "学历", "en": "education"},
    "member_type": {"zh": "会员类型", "en": "member type"},
    "member_role": {"zh": "会员角色", "en": "member role"},
    "member_status": {"zh": "会员状态", "en": "member status"},
    "association_level": {"zh": "协会层级", "en": "association level"},
    "officer_post": {"zh": "协会职务", "en": "association post"},
    "family_category": {"zh": "特殊家庭类别", "en": "special-family category"},
    "family_status": {"zh": "特殊家庭状态", "en": "special-family status"},
    "family_exit_reason": {"zh": "退出原因", "en": "exit reason"},
    "contact_kind": {"zh": "联系人类别", "en": "contact kind"},
    "visit_mode": {"zh": "联系方式", "en": "visit mode"},
    "wellbeing": {"zh": "身心状况", "en": "wellbeing"},
    "subsidy_kind": {"zh": "补贴类别", "en": "subsidy kind"},
    "subsidy_status": {"zh": "补贴状态", "en": "subsidy status"},
    "site_kind": {"zh": "阵地类别", "en": "site kind"},
    "project_level": {"zh": "项目级别", "en": "project level"},
    "project_status": {"zh": "项目状态", "en": "project status"},
    "activity_type": {"zh": "活动类型", "en": "activity type"},
    "campaign": {"zh": "主题活动", "en": "campaign"},
    "volunteer_level": {"zh": "志愿者队伍层级", "en": "volunteer team level"},
    "disability_grade": {"zh": "伤残等级", "en": "disability grade"},
    "report_state": {"zh": "月报状态", "en": "report state"},
}


def _lang_key(lang: str) -> str:
    return "en" if lang.lower().startswith("en") else "zh"


def _table(table: str) -> dict[str, CodeEntry]:
    try:
        return CODE_TABLES[table]
    except KeyError:
        raise KeyError(f"unknown code table {table!r}") from None


def label(table: str, code: str, lang: str = "zh") -> str:
    """The label of ``code`` in ``table``; an unknown code is returned unchanged.

    Unknown codes are shown as they are rather than raising, so that a record
    carrying a code this client does not know yet still displays. An unknown
    *table* is a programming error and raises ``KeyError``.
    """
    entry = _table(table).get(code)
    if entry is None:
        return code
    return entry["en"] if _lang_key(lang) == "en" else entry["zh"]


def is_valid(table: str, code: str) -> bool:
    """Whether ``code`` belongs to ``table`` (unknown table: ``KeyError``)."""
    return isinstance(code, str) and code in _table(table)


def choices(table: str, lang: str = "zh") -> list[tuple[str, str]]:
    """``(code, label)`` pairs in display order, e.g. for a combo box."""
    key = _lang_key(lang)
    return [
        (code, entry["en"] if key == "en" else entry["zh"]) for code, entry in _table(table).items()
    ]


def table_title(table: str, lang: str = "zh") -> str:
    """What the table is called ("民族" / "ethnicity")."""
    _table(table)
    entry = TABLE_TITLES.get(table, {"zh": table, "en": table})
    return entry["en"] if _lang_key(lang) == "en" else entry["zh"]


__all__ = [
    "CODE_TABLES",
    "TABLE_TITLES",
    "CodeEntry",
    "choices",
    "is_valid",
    "label",
    "table_title",
]
