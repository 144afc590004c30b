"""Fake but realistic township data for demos, tests and benchmarks.

`generate` fills a store with one township's records as a township worker
would have entered them over `years` years: members in member groups, council
officers with their terms (and the 换届 that replaced them), special families
with their members, two-post contacts, care contacts and visits, subsidies,
activities with attendee lists, volunteers and their pairings, sites and
projects. Nothing here describes a real person: names are drawn from common
surname and given-name lists, ID numbers are made up (valid under GB 11643),
mobile numbers are random.

Scale 1 is the typical township of DOMAIN.md ("Volumes"); scale 5 the stress
township. The same seed, township and `today` give the same records, ids
included, so two runs can be compared row by row.

Everything is written through `Tx.insert_many`, the journaled write path, in
chunks of `CHUNK` rows per transaction: the data is what sync would see.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from jsxclient.store.reference import division, init_township, villages_of
from jsxclient.store.store import DEMO_KEY, Store
from jsxcore.divisions import association_id
from jsxcore.entities import ENTITIES
from jsxcore.validation import make_id_number

Row = dict[str, Any]
Progress = Callable[[str, int], None]
T = TypeVar("T")

CHUNK = 5000
"""Rows per write transaction."""

# Scale-1 volumes (DOMAIN.md, "Volumes").
MEMBERS = 5000
FAMILIES = 150
VOLUNTEERS = 200
SITES = 5
PROJECTS_PER_YEAR = 10
ACTIVITIES_PER_YEAR = 300

# Parents before children: the order records are written in.
WRITE_ORDER: tuple[str, ...] = (
    "subsidyrate",
    "person",
    "membergroup",
    "site",
    "project",
    "officer",
    "member",
    "volunteer",
    "specialfamily",
    "activity",
    "projectsite",
    "familymember",
    "familycontact",
    "carevisit",
    "caresubsidy",
    "activityparticipant",
    "volunteerpairing",
)
# Associations come from the divisions; monthly reports are submitted, not made up.
assert set(WRITE_ORDER) == set(ENTITIES) - {"association", "monthlyreport", "persondecision"}

# --- name and code pools ------------------------------------------------------------

# Common surnames, weighted; Hunan-typical ones (彭 邓 谭 曾 易 ...) above the
# national average.
_SURNAMES = (
    ("刘", 75),
    ("李", 70),
    ("陈", 60),
    ("王", 55),
    ("张", 50),
    ("周", 35),
    ("黄", 30),
    ("杨", 30),
    ("彭", 30),
    ("邓", 30),
    ("谭", 28),
    ("曾", 26),
    ("罗", 25),
    ("唐", 25),
    ("胡", 22),
    ("肖", 20),
    ("赵", 15),
    ("吴", 20),
    ("蒋", 18),
    ("何", 18),
    ("易", 15),
    ("谢", 15),
    ("朱", 12),
    ("龙", 12),
    ("贺", 12),
    ("邹", 12),
    ("廖", 12),
    ("徐", 10),
    ("袁", 10),
    ("孙", 8),
    ("郭", 8),
    ("高", 8),
    ("文", 8),
    ("田", 8),
    ("向", 8),
    ("梁", 8),
    ("汤", 8),
    ("钟", 8),
    ("马", 6),
    ("林", 6),
    ("石", 6),
    ("夏", 6),
    ("卢", 6),
    ("付", 6),
    ("伍", 6),
    ("戴", 6),
    ("雷", 6),
    ("宋", 6),
    ("尹", 6),
    ("颜", 5),
    ("毛", 5),
    ("段", 5),
    ("姚", 5),
    ("方", 5),
    ("欧阳", 5),
    ("范", 4),
    ("聂", 4),
    ("莫", 4),
    ("熊", 4),
    ("康", 3),
    ("覃", 3),
    ("麻", 2),
    ("司马", 1),
)

# Given names by generation (born before 1965, 1965-1984, from 1985) and sex.
_GIVEN = {
    ("old", "1"): "建国 建华 国强 志强 德明 国华 卫东 红军 建军 长生 福生 春生 正华 和平 少华 "
    "光明 解放 立新 志明 桂生 新民 庆丰 运清 伏生 秋生 冬生 德胜 家福 友良",
    ("old", "2"): "秀英 桂英 秀兰 玉兰 桂兰 凤英 淑珍 春花 冬梅 菊香 翠兰 美华 腊梅 秋菊 "
    "桂香 玉梅 金莲 月娥 素珍 凤莲 爱华 淑华 翠英 梅香 四妹 满秀 正英 冬秀",
    ("mid", "1"): "伟 强 军 勇 斌 波 刚 辉 平 明 华 峰 建平 志刚 海波 红兵 小平 卫国 "
    "文革 剑 锋 俊 湘平 湘军 国平 文辉 建新 铁军 亮",
    ("mid", "2"): "芳 丽 敏 燕 红 霞 娟 艳 玲 丹 红梅 海燕 晓燕 春燕 湘玲 丽华 美玲 "
    "小红 慧 琼 萍 湘莲 桂芳 静 云 利华 雪梅 赛男 小英",
    ("new", "1"): "磊 杰 涛 浩 鹏 宇 俊杰 子轩 浩然 宇轩 博文 志伟 文杰 梓豪 宇航 嘉豪 "
    "天佑 俊熙 一鸣 子墨 思远 睿 晨 轩 凯 博 泽宇 明轩 锦程",
    ("new", "2"): "婷 雪 欣怡 梓涵 雨桐 诗琪 思雨 佳怡 紫萱 可欣 雨欣 梦瑶 心怡 语嫣 "
    "诗涵 欣妍 子怡 一诺 若曦 倩 颖 璐 佳琪 晓雯 嘉欣 雅琪 依诺 悦 月",
}

# Mobile network prefixes in use (no table is authoritative: new ones keep coming).
_MOBILE_PREFIXES = (
    *(f"13{d}" for d in range(10)),
    "147",
    *(f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)),
    "166",
    "173",
    "175",
    "176",
    "177",
    "178",
    *(f"18{d}" for d in range(10)),
    "191",
    "193",
    "195",
    "198",
    "199",
)

# GB 3304 codes: mostly Han; 土家 and 苗 lead among Hunan's minorities, and lead
# outright in 湘西 (4331) and 张家界 (4308).
_ETHNICITY = (
    ("01", 900),
    ("15", 40),
    ("06", 30),
    ("12", 12),
    ("13", 10),
    ("14", 3),
    ("03", 3),
    ("08", 2),
)
_ETHNICITY_WEST = (
    ("15", 420),
    ("06", 280),
    ("01", 260),
    ("12", 15),
    ("14", 15),
    ("13", 5),
    ("03", 5),
)
_WEST_PREFIXES = ("4331", "4308")

# GB/T 4658 codes by generation.
_EDUCATION = {
    "old": (("81", 35), ("83", 10), ("71", 30), ("61", 12), ("41", 5), ("90", 8)),
    "mid": (
        ("71", 35),
        ("61", 22),
        ("41", 8),
        ("44", 6),
        ("31", 12),
        ("21", 6),
        ("81", 8),
        ("90", 3),
    ),
    "new": (("61", 15), ("44", 8), ("47", 5), ("31", 30), ("21", 32), ("14", 3), ("71", 7)),
}

_SKILLS = (
    "心理咨询",
    "医疗护理",
    "法律咨询",
    "家政服务",
    "文艺演出",
    "陪伴聊天",
    "理发",
    "康复训练",
    "政策宣讲",
    "摄影",
    "手工编织",
    "电器维修",
    "育儿指导",
)
_PARTNERS = (
    "镇卫生院",
    "县妇幼保健院",
    "镇妇联",
    "县计生协",
    "村卫生室",
    "团委",
    "镇中心小学",
    "爱心企业",
    "县人民医院",
    "社工站",
    "镇文化站",
)

_NEEDS = (
    "希望多来家里坐坐",
    "需要慢性病用药帮助",
    "希望协助办理养老保险",
    "住房漏雨需维修",
    "需要心理疏导",
    "希望参加集体活动",
    "需要就医陪护",
    "无特殊需求",
    "无特殊需求",
    "希望了解特别扶助金政策",
    "需要家政服务",
    "希望协调优先就医",
    "想学用智能手机",
)
_ACTIONS = {
    "home": (
        "上门慰问，陪同聊天",
        "协助联系镇卫生院上门体检",
        "讲解特别扶助政策",
        "帮助整理住院护理补贴申请材料",
        "联系志愿者定期陪护",
        "代购生活用品",
        "协调家庭医生随访",
        "转介心理咨询师",
        "帮助打扫卫生",
    ),
    "phone": (
        "电话问候，了解近况",
        "电话提醒按时服药",
        "电话告知扶助金发放情况",
        "电话约定下次走访时间",
    ),
    "wechat": ("微信视频聊天", "微信提醒天气变化注意保暖", "微信转发健康知识", "微信告知活动安排"),
    "activity": ("活动中交流近况", "邀请参加暖心家园活动", "活动中开展健康义诊"),
}
_MAJOR_EVENTS = (
    ("意外摔伤住院", "第一时间上报镇计生协，协调住院并送去慰问金"),
    ("突发脑梗住院", "陪同就医，协调优先住院，上报镇计生协"),
    ("确诊恶性肿瘤", "协助申请大病救助，安排志愿者陪护"),
    ("配偶去世", "上门慰问，协助料理后事，加强心理疏导"),
    ("房屋失火", "协调临时住所，发放救助物资，上报镇政府"),
)
_FAMILY_NOTES = (
    "女方患慢性病，需定期随访",
    "独居，需重点关注",
    "有意愿入住养老机构",
    "由村医签约服务",
    "情绪较低落，建议每月见面",
    "子女生前在外务工",
)
_ACTIVITY_TITLES = {
    "publicity": ("计生政策宣传", "人口家庭政策宣传", "优生优育宣传", "新婚新育宣传"),
    "training": ("会员骨干培训", "联系户长业务培训", "信息员业务培训", "计生协工作培训"),
    "condolence": ("计生特殊家庭慰问", "春节走访慰问", "重阳节慰问", "暖心行动慰问"),
    "lecture": ("健康知识讲座", "婴幼儿照护讲座", "青春期健康讲座", "老年健康讲座"),
    "clinic": ("健康义诊", "妇女两癌筛查义诊", "老年人健康体检"),
    "parent_child": ("亲子阅读活动", "亲子运动会", "向日葵亲子小屋开放日"),
    "other": ("会员座谈会", "理事会会议", "文艺汇演", "志愿服务活动"),
}
_ACTIVITY_TYPES = (
    ("publicity", 30),
    ("training", 12),
    ("condolence", 15),
    ("lecture", 12),
    ("clinic", 10),
    ("parent_child", 10),
    ("other", 11),
)
_PROJECTS = (
    ("暖心家园建设", "warm_home"),
    ("向日葵亲子小屋建设", "sunflower"),
    ("会员之家规范化建设", "member_home"),
    ("优生优育指导中心建设", "eugenics_center"),
    ("托育服务点建设", "childcare"),
    ("优生优育进万家宣传", None),
    ("青春健康教育", None),
    ("计生特殊家庭心理疏导服务", None),
    ("家庭健康促进行动", None),
    ("计生特殊家庭就医绿色通道", None),
    ("生育关怀行动", None),
    ("会员之家活动提升", None),
)
_FUND_SOURCES = (
    "中央财政",
    "省级财政",
    "省计生协",
    "县级财政",
    "乡镇自筹",
    "社会捐助",
    "中国计生协",
)
_PROJECT_LEVELS = (
    ("national", 5),
    ("provincial", 20),
    ("city", 20),
    ("county", 35),
    ("township", 20),
)
_SITE_NAMES = {
    "member_home": "会员之家",
    "warm_home": "暖心家园",
    "sunflower": "向日葵亲子小屋",
    "eugenics_center": "优生优育指导中心",
    "childcare": "托育服务点",
}
_CN_NUM = "一二三四五六七八九十"

_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)
_ENTRY_LAG_DAYS = (0, 0, 0, 1, 1, 2, 3)  # records are typed in on the day or soon after
_OPENS = time(8, 0)
_OFFICE_SECONDS = 10 * 3600

# Configured rates (fen per day) in the first year; they rise a little yearly.
_BASE_RATES = {"hospital_care": 8000, "birth_care": 5000}


class _Weighted(Generic[T]):
    """A fixed weighted choice, O(log n) per pick."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.items = [p[0] for p in pairs]
        self.cum: list[float] = []
        total = 0.0
        for _, w in pairs:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


_SURNAME_PICK = _Weighted(_SURNAMES)
_GIVEN_PICK = {k: v.split() for k, v in _GIVEN.items()}
_EDUCATION_PICK = {k: _Weighted(v) for k, v in _EDUCATION.items()}
_ACTIVITY_TYPE_PICK = _Weighted(_ACTIVITY_TYPES)
_PROJECT_LEVEL_PICK = _Weighted(_PROJECT_LEVELS)

# --- date helpers ---------------------------------------------------------------------


def add_years(d: date, years: int) -> date:
    """`d` moved by whole years (29 February becomes the 28th)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _between(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _generation(birth: date) -> str:
    return "old" if birth.year < 1965 else "mid" if birth.year < 1985 else "new"


def _short_name(name: str) -> str:
    """'清水塘社区居委会' -> '清水塘社区', 'X村村民委员会' -> 'X村'."""
    for suffix in ("村民委员会", "居民委员会", "村委会", "居委会", "委员会"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            if suffix.startswith("村") and not base.endswith("村"):
                base += "村"
            return base
    return name


# --- in-memory model --------------------------------------------------------------------


@dataclass(eq=False)
class _Person:
    row: Row
    village: _Village | None
    member: Row | None = None  # the member row, if a member
    in_family: bool = False

    @property
    def id(self) -> str:
        return str(self.row["id"])

    @property
    def name(self) -> str:
        return str(self.row["name"])

    @property
    def sex(self) -> str:
        return str(self.row["sex"])

    @property
    def birth(self) -> date:
        b = self.row["birth_date"]
        assert isinstance(b, date)
        return b

    @property
    def mobile(self) -> str | None:
        m = self.row.get("mobile")
        return None if m is None else str(m)

    def active_member_on(self, d: date) -> bool:
        m = self.member
        return m is not None and m["joined_on"] <= d and (m["left_on"] is None or m["left_on"] >= d)


@dataclass(eq=False)
class _Village:
    code: str
    name: str  # short form, e.g. 红花山村
    association_id: str
    weight: float
    group_word: str  # 村民小组 or 居民小组
    groups: list[Row] = field(default_factory=list)
    members: list[_Person] = field(default_factory=list)
    cadres: list[_Person] = field(default_factory=list)  # current officers


@dataclass
class DemoData:
    """Generated records per entity, in wire-ready form, not yet written."""

    township_code: str
    today: date
    rows: dict[str, list[Row]]
    associations_created: int = 0

    def counts(self) -> dict[str, int]:
        return {e: len(self.rows[e]) for e in WRITE_ORDER}


# --- the generator ---------------------------------------------------------------------------


class _Builder:
    def __init__(
        self, store: Store, township: str, scale: float, seed: int, years: int, today: date
    ) -> None:
        self.store = store
        self.township = township
        self.scale = scale
        self.years = years
        self.today = today
        self.start = add_years(today, -years)
        self.now = datetime.now()
        self.rng = random.Random(f"jsxclient-demo:{township}:{seed}")
        self.id_rng = random.Random(f"jsxclient-demo-ids:{township}:{seed}")
        self.rows: dict[str, list[Row]] = {e: [] for e in WRITE_ORDER}
        conn = store.db.connection()
        town = division(conn, township)
        if town is None:
            raise ValueError(f"unknown township code {township}")
        self.town_name = town.name
        county_code = township[:6]
        county = division(conn, county_code + "000000")
        self.county_name = county.name if county else ""
        self.county_code = county_code
        others = [
            r[0][:6]
            for r in conn.execute("SELECT code FROM division WHERE level='county' ORDER BY code")
        ]
        self.other_counties = [c for c in others if c != county_code] or [county_code]
        west = county_code.startswith(_WEST_PREFIXES)
        self.ethnicity = _Weighted(_ETHNICITY_WEST if west else _ETHNICITY)
        self.used_ids: set[str] = {
            r[0] for r in conn.execute("SELECT id_number FROM person WHERE id_number IS NOT NULL")
        }
        self.used_mobiles: set[str] = set()
        self.villages: list[_Village] = []
        for v in villages_of(conn, township):
            short = _short_name(v.name)
            word = "村民小组" if short.endswith("村") else "居民小组"
            self.villages.append(
                _Village(v.code, short, association_id(v.code), self.rng.uniform(0.4, 1.6), word)
            )
        if not self.villages:
            raise ValueError(f"township {township} has no villages")
        self.village_pick = _Weighted([(v, v.weight) for v in self.villages])
        self.town_assoc = association_id(township)
        self.hospitals = [
            f"{self.county_name}人民医院",
            f"{self.county_name}中医医院",
            f"{self.county_name}妇幼保健院",
            f"{self.town_name}卫生院",
            "中南大学湘雅医院",
            "湖南省人民医院",
        ]
        self.township_cadres: list[_Person] = []
        self.volunteers: list[tuple[Row, _Person]] = []
        self.town_pool: list[_Person] = []  # attendees of township activities

    # -- primitives ------------------------------------------------------------------------

    def new_id(self) -> str:
        """Like `models.new_id` (a UUID4 as 32 hex digits), but from the seed."""
        n = self.id_rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET
        return f"{n:032x}"

    def stamp(self, d: date) -> datetime:
        """When a record dated `d` was typed in: that day or a little later, in
        office hours, never after today (nor after now)."""
        rng = self.rng
        day = min(d + timedelta(days=rng.choice(_ENTRY_LAG_DAYS)), self.today)
        at = datetime.combine(day, _OPENS) + timedelta(seconds=rng.randrange(_OFFICE_SECONDS))
        return min(at, self.now)

    def scaled(self, n: float) -> int:
        return max(1, round(n * self.scale))

    def name(self, sex: str, birth: date) -> str:
        rng = self.rng
        surname = _SURNAME_PICK.pick(rng)
        pool = _GIVEN_PICK[(_generation(birth), sex)]
        given = rng.choice(pool)
        if len(given) == 1 and rng.random() < 0.35:
            given += rng.choice(_GIVEN_PICK[("new", sex)])[-1]
        return surname + given

    def id_number(self, birth: date, sex: str) -> str:
        rng = self.rng
        for _ in range(100):
            code = self.county_code if rng.random() < 0.96 else rng.choice(self.other_counties)
            seq = rng.randrange(500) * 2 + (1 if sex == "1" else 0)
            number = make_id_number(code, birth, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
        raise RuntimeError("could not find an unused ID number")  # pragma: no cover

    def mobile(self) -> str:
        rng = self.rng
        while True:
            m = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if m not in self.used_mobiles:
                self.used_mobiles.add(m)
                return m

    def birth_for_age(self, age: float) -> date:
        """A birth date giving about `age` years today."""
        days = int(age * 365.25) + self.rng.randint(0, 364)
        return self.today - timedelta(days=days)

    def person(
        self,
        village: _Village | None,
        sex: str,
        birth: date,
        *,
        seen: date,
        address: str | None = None,
    ) -> _Person:
        rng = self.rng
        age = _age_on(birth, self.today)
        gen = _generation(birth)
        if age < 18:
            marital, political, education = "10", None, None
            mobile = self.mobile() if age >= 14 and rng.random() < 0.5 else None
        else:
            if age < 24:
                marital = "10" if rng.random() < 0.8 else "20"
            elif age >= 70:
                marital = "30" if rng.random() < 0.3 else "20"
            else:
                r = rng.random()
                marital = (
                    "20"
                    if r < 0.72
                    else "21"
                    if r < 0.82
                    else "22"
                    if r < 0.87
                    else "40"
                    if r < 0.92
                    else "30"
                    if r < 0.95
                    else "10"
                )
            r = rng.random()
            if age <= 28 and r < 0.3:
                political = "03"
            elif r < 0.09:
                political = "01"
            elif r < 0.1:
                political = "02"
            elif r < 0.105:
                political = "12"
            else:
                political = "13"
            education = _EDUCATION_PICK[gen].pick(rng)
            p_mobile = 0.6 if age >= 75 else 0.9 if age >= 60 else 0.97
            mobile = self.mobile() if rng.random() < p_mobile else None
        if address is None and village is not None:
            address = f"{self.town_name}{village.name}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        row: Row = dict(
            id=self.new_id(),
            division_code=village.code if village else self.township,
            created_at=self.stamp(max(seen, birth)),
            name=self.name(sex, birth),
            id_number=self.id_number(birth, sex),
            sex=sex,
            birth_date=birth,
            ethnicity=self.ethnicity.pick(rng),
            education=education,
            political=political,
            marital=marital,
            mobile=mobile,
            address=address,
        )
        self.rows["person"].append(row)
        return _Person(row, village)

    def ensure_mobile(self, p: _Person) -> str:
        if p.row["mobile"] is None:
            p.row["mobile"] = self.mobile()
        return str(p.row["mobile"])

    # -- members, groups, officers -----------------------------------------------------------

    def build_members(self) -> None:
        rng = self.rng
        total = round(MEMBERS * self.scale)
        for v in self.villages:
            n_groups = rng.randint(3, 10)
            for i in range(n_groups):
                num = _CN_NUM[i] if i < 10 else str(i + 1)
                v.groups.append(
                    dict(
                        id=self.new_id(),
                        division_code=v.code,
                        created_at=self.stamp(self.start - timedelta(days=rng.randint(400, 3000))),
                        association_id=v.association_id,
                        name=f"第{num}{v.group_word}",
                        leader_person_id=None,
                    )
                )
            self.rows["membergroup"].extend(v.groups)
        for _ in range(total):
            v = self.village_pick.pick(rng)
            self.new_member(v)
        for v in self.villages:
            self.assign_group_roles(v)
        for v in self.villages:
            v.members.sort(key=lambda p: p.member["joined_on"] if p.member else self.today)
            for k, p in enumerate(v.members, 1):
                assert p.member is not None
                p.member["card_no"] = f"{v.code}{k:05d}"

    def new_member(self, v: _Village) -> _Person:
        rng = self.rng
        sex = "2" if rng.random() < 0.62 else "1"
        birth = self.birth_for_age(rng.triangular(19, 86, 47))
        adult = add_years(birth, 18)
        if rng.random() < 0.8:
            joined = _between(rng, max(adult, date(1995, 1, 1)), self.start)
        else:
            joined = _between(rng, max(adult, self.start), self.today)
        joined = min(joined, self.today)
        group = rng.choice(v.groups)
        gno = v.groups.index(group) + 1
        person = self.person(
            v,
            sex,
            birth,
            seen=joined,
            address=f"{self.town_name}{v.name}{gno}组{rng.randint(1, 80)}号",
        )
        r = rng.random()
        status, left = "active", None
        if r < 0.03:
            status = "left"
        elif r < 0.05 and _age_on(person.birth, self.today) > 55:
            status = "deceased"
        if status != "active":
            lo = max(joined + timedelta(days=30), self.start)
            if lo < self.today:
                left = _between(rng, lo, self.today)
            else:
                status = "active"
        member: Row = dict(
            id=self.new_id(),
            division_code=v.code,
            created_at=self.stamp(joined),
            person_id=person.id,
            association_id=v.association_id,
            group_id=group["id"],
            member_type="group" if rng.random() < 0.005 else "individual",
            role="member",
            card_no=None,
            joined_on=joined,
            left_on=left,
            status=status,
        )
        person.member = member
        self.rows["member"].append(member)
        v.members.append(person)
        return person

    def assign_group_roles(self, v: _Village) -> None:
        rng = self.rng
        by_group: dict[str, list[_Person]] = {g["id"]: [] for g in v.groups}
        for p in v.members:
            assert p.member is not None
            if p.member["status"] == "active" and 28 <= _age_on(p.birth, self.today) <= 70:
                by_group[p.member["group_id"]].append(p)
        for g in v.groups:
            candidates = by_group[g["id"]]
            if not candidates:
                continue
            picked = rng.sample(candidates, min(len(candidates), 1 + rng.randint(2, 3)))
            leader, heads = picked[0], picked[1:]
            g["leader_person_id"] = leader.id
            assert leader.member is not None
            leader.member["role"] = "group_leader"
            self.ensure_mobile(leader)
            for h in heads:
                assert h.member is not None
                h.member["role"] = "liaison_head"

    def terms(self) -> list[tuple[date, date | None]]:
        """Five-year terms covering the period; the current one began 1 month
        to 6 years ago, so most associations had a 换届 within five years."""
        rng = self.rng
        current = self.today - timedelta(days=rng.randint(30, 6 * 365))
        out: list[tuple[date, date | None]] = [(current, None)]
        s = current
        while s > self.start:
            prev = add_years(s, -5) + timedelta(days=rng.randint(-60, 60))
            out.insert(0, (prev, s - timedelta(days=1)))
            s = prev
        return out

    def build_township_cadres(self) -> None:
        rng = self.rng
        for _ in range(rng.randint(6, 10)):
            sex = "1" if rng.random() < 0.55 else "2"
            p = self.person(
                None,
                sex,
                self.birth_for_age(rng.uniform(26, 56)),
                seen=self.start - timedelta(days=rng.randint(0, 2000)),
                address=f"{self.town_name}人民政府",
            )
            p.row["political"] = "01" if rng.random() < 0.8 else "13"
            p.row["education"] = rng.choice(("21", "21", "31", "31", "14"))
            self.ensure_mobile(p)
            self.township_cadres.append(p)

    def build_officers(self) -> None:
        rng = self.rng
        for v in self.villages:
            prev: list[_Person] = []
            for start, end in self.terms():
                pool = [
                    p
                    for p in v.members
                    if p.active_member_on(start)
                    and p.active_member_on(end or self.today)
                    and 25 <= _age_on(p.birth, start) <= 65
                ]
                keep = [p for p in prev if p in pool and rng.random() < 0.5]
                fresh = [p for p in pool if p not in keep]
                rng.shuffle(fresh)
                chosen = keep + fresh
                posts = (
                    ["president"]
                    + ["vice_president"] * rng.randint(1, 2)
                    + ["secretary_general"]
                    + ["council"] * rng.randint(2, 4)
                    + (["supervisor"] if rng.random() < 0.5 else [])
                )
                current: list[_Person] = []
                for i, post in enumerate(posts):
                    p = chosen[i] if i < len(chosen) else None
                    self.officer(v.association_id, v.code, post, start, end, p)
                    if p is not None:
                        current.append(p)
                        if end is None:
                            assert p.member is not None
                            p.member["role"] = "council"
                            if post == "president":
                                p.row["political"] = "01"
                prev = current
            v.cadres = prev
        cadres = self.township_cadres
        for start, end in self.terms():
            posts = [
                "president",
                "vice_president",
                "vice_president",
                "secretary_general",
                "council",
                "council",
            ]
            sample = rng.sample(cadres, min(len(cadres), len(posts)))
            for post, p in zip(posts, sample, strict=False):
                self.officer(self.town_assoc, self.township, post, start, end, p)

    def officer(
        self, assoc: str, code: str, post: str, start: date, end: date | None, p: _Person | None
    ) -> None:
        rng = self.rng
        if p is None:
            sex = "1" if rng.random() < 0.6 else "2"
            name = self.name(sex, self.birth_for_age(rng.uniform(30, 60)))
            mobile: str | None = self.mobile()
        else:
            name, mobile = p.name, self.ensure_mobile(p)
        self.rows["officer"].append(
            dict(
                id=self.new_id(),
                division_code=code,
                created_at=self.stamp(start),
                association_id=assoc,
                person_id=p.id if p else None,
                name=name,
                post=post,
                term_start=start,
                term_end=end,
                mobile=mobile,
            )
        )

    # -- volunteers ---------------------------------------------------------------------------

    def build_volunteers(self) -> None:
        rng = self.rng
        taken: set[str] = set()
        for i in range(self.scaled(VOLUNTEERS)):
            v = self.village_pick.pick(rng)
            p: _Person | None = None
            if rng.random() < 0.4 and v.members:
                for _ in range(10):
                    c = rng.choice(v.members)
                    if (
                        c.active_member_on(self.today)
                        and c.id not in taken
                        and 18 <= _age_on(c.birth, self.today) <= 70
                    ):
                        p = c
                        break
            if p is None:
                sex = "2" if rng.random() < 0.6 else "1"
                p = self.person(v, sex, self.birth_for_age(rng.uniform(18, 68)), seen=self.start)
            taken.add(p.id)
            self.ensure_mobile(p)
            registered = _between(
                rng,
                max(add_years(p.birth, 18), date(2012, 1, 1), self.start - timedelta(days=1500)),
                self.today,
            )
            level = rng.choices(("village", "township", "county"), (50, 35, 15))[0]
            row: Row = dict(
                id=self.new_id(),
                division_code=v.code if level == "village" else self.township,
                created_at=self.stamp(registered),
                person_id=p.id,
                team_level=level,
                registration_no=f"43{self.county_code[2:]}{registered.year}{i + 1:05d}",
                skills="、".join(rng.sample(_SKILLS, rng.randint(1, 2))),
                registered_on=registered,
                active=rng.random() < 0.85,
            )
            self.rows["volunteer"].append(row)
            self.volunteers.append((row, p))

    # -- special families -----------------------------------------------------------------------

    def build_families(self) -> None:
        for _ in range(self.scaled(FAMILIES)):
            self.family(self.village_pick.pick(self.rng))

    def reuse_member(self, v: _Village, sex: str, lo: date, hi: date) -> _Person | None:
        """An active member of the village born in [lo, hi], not yet in a family."""
        rng = self.rng
        for _ in range(30 if v.members else 0):
            p = rng.choice(v.members)
            if (
                p.sex == sex
                and lo <= p.birth <= hi
                and not p.in_family
                and p.active_member_on(self.today)
            ):
                return p
        return None

    def family(self, v: _Village) -> None:
        rng, today = self.rng, self.today
        category = "bereaved" if rng.random() < 0.75 else "disabled"
        single = rng.random() < 0.15
        mother_present = not single or rng.random() < 0.7
        fresh: list[_Person] = []  # persons made for this family, stamped once enrolled is known

        def parent(sex: str, birth: date) -> _Person:
            lo = max(birth - timedelta(days=400), date(1933, 1, 1))
            hi = min(birth + timedelta(days=400), add_years(today, -49))
            reused = self.reuse_member(v, sex, lo, hi) if rng.random() < 0.3 else None
            if reused is None:
                reused = self.person(v, sex, birth, seen=today)
                fresh.append(reused)
            reused.in_family = True
            reused.row["marital"] = (
                rng.choice(("30", "30", "40")) if single else (rng.choice(("20", "20", "21")))
            )
            return reused

        # The criteria hang on the woman: born 1933 or later, 49 or older.
        target = max(self.birth_for_age(rng.triangular(49.2, 86, 60)), date(1933, 1, 1))
        mother = parent("2", target) if mother_present else None
        mother_birth = mother.birth if mother is not None else target
        father = None
        if not single or mother is None:
            father_birth = mother_birth - timedelta(days=rng.randint(-700, 2500))
            father = parent("1", max(father_birth, date(1933, 1, 1)))
        child_birth = min(
            add_years(mother_birth, rng.randint(20, 34)) + timedelta(days=rng.randint(0, 364)),
            today - timedelta(days=400),
        )
        child_sex = "1" if rng.random() < 0.55 else "2"
        if category == "bereaved":
            event = _between(
                rng,
                max(child_birth + timedelta(days=365), date(1990, 1, 1)),
                today - timedelta(days=30),
            )
        else:
            event = _between(
                rng, child_birth, min(add_years(child_birth, 40), today - timedelta(days=30))
            )
        enrolled = min(
            max(
                event + timedelta(days=rng.randint(90, 365)),
                add_years(mother_birth, 49) + timedelta(days=rng.randint(0, 200)),
                date(2008, 1, 1) + timedelta(days=rng.randint(0, 400)),
            ),
            today,
        )
        for p in fresh:
            p.row["created_at"] = self.stamp(enrolled)

        head = father if father is not None and (mother is None or rng.random() < 0.8) else mother
        assert head is not None
        people: list[tuple[_Person, str]] = [(head, "02")]  # relations to the head, GB/T 4761
        spouse = mother if head is father else father
        if spouse is not None:
            people.append((spouse, "12" if spouse.sex == "2" else "11"))
        if category == "disabled":
            child = self.person(
                v, child_sex, child_birth, seen=enrolled, address=head.row["address"]
            )
            child.in_family = True
            if rng.random() < 0.8:
                child.row["marital"] = "10"
            people.append((child, "21" if child_sex == "1" else "31"))
        # A grandchild raised by the grandparents, or the head's aged mother.
        if len(people) < 4 and (len(people) == 1 or rng.random() < 0.2):
            gc_lo = add_years(child_birth, 20)
            gc_hi = min(event, today - timedelta(days=365))
            head_mother_birth = add_years(head.birth, -rng.randint(20, 32))
            if gc_lo < gc_hi and (category == "bereaved" or rng.random() < 0.5):
                gsex = "1" if rng.random() < 0.5 else "2"
                gc = self.person(
                    v, gsex, _between(rng, gc_lo, gc_hi), seen=enrolled, address=head.row["address"]
                )
                gc.in_family = True
                grand = {("1", "1"): "41", ("1", "2"): "42", ("2", "1"): "43", ("2", "2"): "44"}
                people.append((gc, grand[(child_sex, gsex)]))
            elif _age_on(head_mother_birth, today) <= 98:
                gm = self.person(
                    v, "2", head_mother_birth, seen=enrolled, address=head.row["address"]
                )
                gm.row["marital"] = "30"
                gm.in_family = True
                people.append((gm, "52"))
            elif len(people) == 1:
                sib_birth = head.birth + timedelta(days=rng.randint(-2000, 2000))
                sib = self.person(
                    v,
                    "1" if rng.random() < 0.5 else "2",
                    min(sib_birth, add_years(today, -30)),
                    seen=enrolled,
                    address=head.row["address"],
                )
                sib.in_family = True
                elder = sib.birth < head.birth
                rel = ("71" if elder else "73") if sib.sex == "1" else ("75" if elder else "77")
                people.append((sib, rel))

        status, exit_reason, exit_date = "enrolled", None, None
        if rng.random() < 0.06 and enrolled < today - timedelta(days=60):
            exit_date = _between(rng, max(enrolled + timedelta(days=30), self.start), today)
            exit_reason = rng.choices(
                ("death", "moved_out", "adoption", "rebirth"), (50, 30, 15, 5)
            )[0]
            if exit_reason == "rebirth" and (
                mother is None or _age_on(mother_birth, exit_date) > 52
            ):
                exit_reason = "adoption"
            status = "exited"
        fam: Row = dict(
            id=self.new_id(),
            division_code=v.code,
            created_at=self.stamp(enrolled),
            head_person_id=head.id,
            category=category,
            disability_grade=(
                rng.choices(("1", "2", "3"), (25, 35, 40))[0] if category == "disabled" else None
            ),
            event_date=event,
            address=head.row["address"],
            doc_certificate=rng.random() < 0.95,
            doc_death_or_disability=rng.random() < 0.93,
            doc_household=rng.random() < 0.9,
            family_doctor_signed=rng.random() < 0.85,
            priority_hospital=rng.random() < 0.7,
            status=status,
            exit_reason=exit_reason,
            exit_date=exit_date,
            enrolled_on=enrolled,
            override_reason=None,
            notes=rng.choice(_FAMILY_NOTES) if rng.random() < 0.3 else None,
        )
        self.rows["specialfamily"].append(fam)
        for p, rel in people:
            self.rows["familymember"].append(
                dict(
                    id=self.new_id(),
                    division_code=v.code,
                    created_at=fam["created_at"],
                    family_id=fam["id"],
                    person_id=p.id,
                    relation=rel,
                )
            )
        parents = [p for p in (head, spouse) if p is not None]
        visitors = self.contacts(v, fam, enrolled)
        self.visits(fam, enrolled, exit_date or today, visitors, category)
        if exit_reason == "death" and exit_date is not None:
            self.visit(
                fam,
                exit_date,
                "home",
                visitors,
                "poor",
                "poor",
                event=("家庭成员去世", "上门吊唁，协助料理后事，办理退出手续"),
            )
        self.subsidies(
            fam,
            parents + [p for p, r in people if r in ("21", "31")],
            enrolled,
            exit_date or today,
            exit_reason == "rebirth",
        )

    def contacts(self, v: _Village, fam: Row, enrolled: date) -> list[str]:
        """Two-post contacts and sometimes others; returns names of those who visit."""
        rng = self.rng
        since = max(enrolled, self.start - timedelta(days=rng.randint(0, 1500)))
        cadre = rng.choice(self.township_cadres)
        vc = rng.choice(v.cadres[:4]) if v.cadres else None
        rows: list[Row] = [
            dict(kind="township_cadre", name=cadre.name, person_id=cadre.id, mobile=cadre.mobile)
        ]
        if vc is not None:
            rows.append(dict(kind="village_cadre", name=vc.name, person_id=vc.id, mobile=vc.mobile))
        else:
            sex = "1" if rng.random() < 0.6 else "2"
            rows.append(
                dict(
                    kind="village_cadre",
                    person_id=None,
                    mobile=self.mobile(),
                    name=self.name(sex, self.birth_for_age(rng.uniform(30, 60))),
                )
            )
        if rng.random() < 0.25:
            sex = "1" if rng.random() < 0.5 else "2"
            rows.append(
                dict(
                    kind="doctor",
                    person_id=None,
                    mobile=self.mobile(),
                    name=self.name(sex, self.birth_for_age(rng.uniform(28, 60))),
                )
            )
        pairs = rng.choices((0, 1, 2), (35, 55, 10))[0]
        for vol, vp in rng.sample(self.volunteers, min(pairs, len(self.volunteers))):
            psince = max(enrolled, vol["registered_on"])
            self.rows["volunteerpairing"].append(
                dict(
                    id=self.new_id(),
                    division_code=fam["division_code"],
                    created_at=self.stamp(psince),
                    volunteer_id=vol["id"],
                    family_id=fam["id"],
                    since=psince,
                )
            )
            if rng.random() < 0.4:
                rows.append(dict(kind="volunteer", name=vp.name, person_id=vp.id, mobile=vp.mobile))
        if rng.random() < 0.1 and v.members:
            m = rng.choice(v.members)
            if m.active_member_on(self.today) and not m.in_family:
                rows.append(dict(kind="member", name=m.name, person_id=m.id, mobile=m.mobile))
        for r in rows:
            r.update(
                id=self.new_id(),
                division_code=fam["division_code"],
                family_id=fam["id"],
                created_at=self.stamp(since),
                since=since,
            )
            self.rows["familycontact"].append(r)
        return [str(r["name"]) for r in rows[:2]]

    def visits(
        self, fam: Row, enrolled: date, until: date, visitors: list[str], category: str
    ) -> None:
        """About one contact a month while enrolled in the period, a home visit
        each quarter, festival visits with aid; a few major events."""
        rng = self.rng
        lo = max(enrolled, self.start)
        if lo > until:
            return
        base_mental = rng.choices(
            ("good", "fair", "poor"), (30, 50, 20) if category == "bereaved" else (45, 40, 15)
        )[0]
        base_physical = rng.choices(("good", "fair", "poor"), (40, 45, 15))[0]
        phase = rng.randint(0, 2)  # which month of each quarter has the home visit
        y, mth = lo.year, lo.month
        while date(y, mth, 1) <= until:
            first = date(y, mth, 1)
            last = (date(y + (mth == 12), mth % 12 + 1, 1)) - timedelta(days=1)
            a, b = max(first, lo), min(last, until)
            n = rng.choices((0, 1, 2), (8, 82, 10))[0]
            for k in range(n):
                home = k == 0 and (mth % 3 == phase or mth == 1)  # and one for 春节
                mode = (
                    "home" if home else rng.choices(("phone", "wechat", "activity"), (60, 32, 8))[0]
                )
                self.visit(fam, _between(rng, a, b), mode, visitors, base_physical, base_mental)
            mth += 1
            if mth > 12:
                y, mth = y + 1, 1

    def visit(
        self,
        fam: Row,
        d: date,
        mode: str,
        visitors: list[str],
        physical: str,
        mental: str,
        event: tuple[str, str] | None = None,
    ) -> None:
        rng = self.rng
        if mode == "home" and event is None and d.weekday() >= 5 and rng.random() < 0.8:
            d = max(d - timedelta(days=d.weekday() - 4), fam["enrolled_on"])
        aid = 0
        if mode == "home":
            if d.month in (1, 2):
                aid = rng.choice((50000, 60000, 80000, 100000))  # 春节慰问金
            elif d.month in (9, 10) and rng.random() < 0.6:
                aid = rng.choice((20000, 30000, 50000))  # 中秋、重阳
            elif rng.random() < 0.1:
                aid = rng.randint(5, 30) * 1000  # goods
        major = event is not None or rng.random() < 0.006
        if major:
            needs, actions = event or rng.choice(_MAJOR_EVENTS)
            physical, mental = "poor", "poor"
        else:
            needs = rng.choice(_NEEDS)
            actions = rng.choice(_ACTIONS[mode])
            physical = self.drift(physical)
            mental = self.drift(mental)
        follow = None
        if major or rng.random() < 0.12:
            due = d + timedelta(days=rng.choice((3, 7, 7, 14, 30)))
            follow = due if due <= self.today else None
        visitor = rng.choice(visitors)
        if mode == "home" and len(visitors) > 1 and rng.random() < 0.3:
            visitor = "、".join(visitors[:2])
        self.rows["carevisit"].append(
            dict(
                id=self.new_id(),
                division_code=fam["division_code"],
                created_at=self.stamp(d),
                family_id=fam["id"],
                visit_date=d,
                mode=mode,
                visitor=visitor,
                physical_state=physical,
                mental_state=mental,
                needs=needs,
                actions=actions,
                aid_fen=aid,
                major_event=major,
                follow_up_due=follow,
            )
        )

    def drift(self, state: str) -> str:
        r = self.rng.random()
        order = ("good", "fair", "poor")
        i = order.index(state)
        if r < 0.1 and i > 0:
            return order[i - 1]
        if r < 0.2 and i < 2:
            return order[i + 1]
        return state

    def subsidies(
        self, fam: Row, people: list[_Person], enrolled: date, until: date, birth: bool
    ) -> None:
        rng = self.rng
        lo = max(enrolled, self.start)
        for year in range(lo.year, until.year + 1):
            if rng.random() >= 0.3:
                continue
            ya, yb = max(lo, date(year, 1, 1)), min(until, date(year, 12, 31))
            if ya >= yb:
                continue
            self.subsidy(fam, rng.choice(people), "hospital_care", ya, yb, rng.randint(2, 25))
        if birth and people:
            mothers = [p for p in people if p.sex == "2"] or people
            self.subsidy(
                fam,
                mothers[0],
                "birth_care",
                max(lo, until - timedelta(days=30)),
                until,
                rng.randint(3, 7),
            )

    def subsidy(self, fam: Row, p: _Person, kind: str, lo: date, hi: date, days: int) -> None:
        rng = self.rng
        admitted = _between(rng, lo, hi)
        discharged = min(admitted + timedelta(days=days), self.today)
        days = (discharged - admitted).days
        rate = self.rate(kind, admitted.year)
        age = (self.today - discharged).days
        reviewer: str | None = rng.choice(self.township_cadres).name
        paid = None
        if age < 20:
            status, reviewer = "applied", None
        elif age < 45:
            status = "reviewed"
        elif rng.random() < 0.07:
            status = "refused"
        else:
            status = "paid"
            paid = min(discharged + timedelta(days=rng.randint(20, 60)), self.today)
        docs = ["住院发票", "出院小结", "身份证复印件"]
        if rng.random() < 0.1:
            docs.pop()
        self.rows["caresubsidy"].append(
            dict(
                id=self.new_id(),
                division_code=fam["division_code"],
                created_at=self.stamp(discharged),
                family_id=fam["id"],
                person_id=p.id,
                kind=kind,
                hospital=rng.choice(self.hospitals),
                admitted_on=admitted,
                discharged_on=discharged,
                days=days,
                rate_fen=rate,
                amount_fen=days * rate,
                status=status,
                reviewer=reviewer,
                paid_on=paid,
                documents="；".join(docs),
            )
        )

    def rate(self, kind: str, year: int) -> int:
        return _BASE_RATES[kind] + 500 * (year - self.start.year)

    def build_rates(self) -> None:
        for year in range(self.start.year, self.today.year + 1):
            for kind in _BASE_RATES:
                self.rows["subsidyrate"].append(
                    dict(
                        id=self.new_id(),
                        division_code=self.township,
                        created_at=self.stamp(max(date(year, 1, 1), self.start)),
                        kind=kind,
                        year=year,
                        rate_fen=self.rate(kind, year),
                    )
                )

    # -- sites, projects, activities ----------------------------------------------------------

    def build_sites(self) -> list[Row]:
        rng = self.rng
        kinds = ["member_home", "warm_home", "sunflower", "eugenics_center", "childcare"]
        sites: list[Row] = []
        for i in range(self.scaled(SITES)):
            kind = kinds[i] if i < len(kinds) else rng.choice(kinds)
            town_level = kind == "eugenics_center" or (i == 0 and rng.random() < 0.5)
            v = None if town_level else self.village_pick.pick(rng)
            place = self.town_name if v is None else v.name
            opened = _between(rng, date(2015, 1, 1), self.today)
            complete = 0.95 if kind == "warm_home" else 0.8
            row: Row = dict(
                id=self.new_id(),
                division_code=v.code if v else self.township,
                created_at=self.stamp(opened),
                association_id=v.association_id if v else self.town_assoc,
                kind=kind,
                name=f"{place}{_SITE_NAMES[kind]}",
                address=f"{self.town_name}{place}",
                opened_on=opened,
                **{
                    f: rng.random() < complete
                    for f in (
                        "has_place",
                        "has_sign",
                        "has_rules",
                        "has_plan",
                        "has_activities",
                        "has_management",
                    )
                },
            )
            sites.append(row)
        self.rows["site"].extend(sites)
        return sites

    def build_projects(self, sites: list[Row]) -> None:
        rng = self.rng
        for year in range(self.start.year, self.today.year + 1):
            for _ in range(self.scaled(PROJECTS_PER_YEAR)):
                title, kind = rng.choice(_PROJECTS)
                begun = max(date(year, 1, 1) + timedelta(days=rng.randint(0, 120)), self.start)
                if begun > self.today:
                    begun = self.today
                if year < self.today.year:
                    status = rng.choices(("finished", "cancelled", "running"), (88, 5, 7))[0]
                else:
                    status = rng.choices(("running", "planned"), (60, 40))[0]
                evaluation = None
                if status == "finished":
                    evaluation = (
                        f"完成年度目标，服务群众{rng.randint(50, 800)}人次，"
                        f"开展活动{rng.randint(3, 30)}场，满意度{rng.randint(88, 99)}%"
                    )
                pid = self.new_id()
                self.rows["project"].append(
                    dict(
                        id=pid,
                        division_code=self.township,
                        created_at=self.stamp(begun),
                        name=f"{year}年{self.town_name}{title}",
                        level=_PROJECT_LEVEL_PICK.pick(rng),
                        fund_source=rng.choice(_FUND_SOURCES),
                        amount_fen=rng.randint(2, 50) * 1_000_000,
                        year=year,
                        status=status,
                        self_evaluation=evaluation,
                    )
                )
                matching = [s for s in sites if s["kind"] == kind] or sites
                n = 1 if kind else rng.choices((0, 1, 2), (30, 55, 15))[0]
                for s in rng.sample(matching, min(n, len(matching))):
                    self.rows["projectsite"].append(
                        dict(
                            id=self.new_id(),
                            division_code=self.township,
                            created_at=self.stamp(begun),
                            project_id=pid,
                            site_id=s["id"],
                        )
                    )

    def build_activities(self) -> None:
        rng = self.rng
        span = (self.today - self.start).days
        total = max(1, round(ACTIVITIES_PER_YEAR * self.scale * span / 365.25))
        for _ in range(total):
            v = None if rng.random() < 0.15 else self.village_pick.pick(rng)
            d = _between(rng, self.start, self.today)
            kind = _ACTIVITY_TYPE_PICK.pick(rng)
            campaign = "none"
            if kind == "condolence":
                campaign = "warm_heart" if rng.random() < 0.6 else "none"
            elif kind in ("publicity", "lecture", "clinic") and rng.random() < 0.3:
                campaign = "eugenics_home"
            elif kind in ("lecture", "training") and rng.random() < 0.25:
                campaign = "youth_health"
            self.activity(v, d, kind, campaign)
        # 5.29 members' day: every association where the scale allows, every May.
        assocs: list[_Village | None] = [None, *self.villages]
        n = min(len(assocs), max(1, round(len(assocs) * min(1.0, self.scale))))
        for year in range(self.start.year, self.today.year + 1):
            d = date(year, 5, 29)
            if not self.start <= d <= self.today:
                continue
            for v in rng.sample(assocs, n):
                self.activity(v, d, "publicity", "member_day_529")

    def activity(self, v: _Village | None, d: date, kind: str, campaign: str) -> None:
        rng = self.rng
        place_name = self.town_name if v is None else v.name
        if campaign == "member_day_529":
            title = f"{place_name}“5·29会员活动日”主题活动"
        else:
            titles = _ACTIVITY_TITLES[kind]
            if kind == "condolence":  # festival visits in their season
                titles = (
                    ("春节走访慰问",)
                    if d.month in (1, 2)
                    else ("重阳节慰问",)
                    if d.month == 10
                    else ("计生特殊家庭慰问", "暖心行动慰问")
                )
            title = f"{place_name}{rng.choice(titles)}"
        places = (
            ("镇政府会议室", "镇文化广场", "镇卫生院", "会员之家")
            if v is None
            else ("村部会议室", "会员之家", "文化广场", "暖心家园", "村卫生室")
        )
        count = rng.randint(15, 60) if kind != "publicity" else rng.randint(30, 300)
        aid = self.new_id()
        attendees: list[_Person] = []
        if rng.random() < 0.25:
            pool = v.members if v is not None else self.town_pool
            want = rng.randint(8, 40)
            seen: set[str] = set()
            for _ in range(want * 3):
                if len(attendees) >= want or not pool:
                    break
                p = rng.choice(pool)
                if p.id not in seen and p.active_member_on(d):
                    seen.add(p.id)
                    attendees.append(p)
            count = max(count, len(attendees))
        code = v.code if v else self.township
        created = self.stamp(d)
        self.rows["activity"].append(
            dict(
                id=aid,
                division_code=code,
                created_at=created,
                association_id=v.association_id if v else self.town_assoc,
                title=title,
                type=kind,
                campaign=campaign,
                held_on=d,
                place=f"{place_name}{rng.choice(places)}",
                partners="、".join(rng.sample(_PARTNERS, rng.randint(1, 2)))
                if rng.random() < 0.6
                else None,
                participant_count=count,
                materials_count=rng.randint(50, 500) if kind == "publicity" else rng.randint(0, 30),
                funds_raised_fen=rng.randint(10, 200) * 10000 if rng.random() < 0.05 else 0,
                families_visited=rng.randint(2, 15) if kind == "condolence" else 0,
                notes="活动照片已存档" if rng.random() < 0.3 else None,
            )
        )
        for p in attendees:
            self.rows["activityparticipant"].append(
                dict(
                    id=self.new_id(),
                    division_code=code,
                    created_at=created,
                    activity_id=aid,
                    person_id=p.id,
                )
            )

    def build(self) -> None:
        self.build_rates()
        self.build_township_cadres()
        self.build_members()
        self.build_officers()
        self.build_volunteers()
        self.build_families()
        sites = self.build_sites()
        self.build_projects(sites)
        members = [p for v in self.villages for p in v.members]
        self.town_pool = self.rng.sample(members, min(len(members), 1000))
        self.build_activities()


# --- public API ------------------------------------------------------------------------------


def build(
    store: Store,
    township_code: str,
    scale: float = 1.0,
    seed: int = 0,
    years: int = 5,
    today: date | None = None,
) -> DemoData:
    """Make the records in memory without writing them (the township's
    reference data and associations are set up first if missing)."""
    real_today = date.today()
    today = today or real_today
    if today > real_today:
        raise ValueError("today cannot be in the future: the write path refuses future dates")
    if not (scale > 0 and math.isfinite(scale)):
        raise ValueError(f"scale must be positive, got {scale}")
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    created = 0
    if store.township_code != township_code:
        created = init_township(store, township_code)  # refuses a store of another township
    b = _Builder(store, township_code, scale, seed, years, today)
    b.build()
    return DemoData(township_code, today, b.rows, created)


def write(
    store: Store, data: DemoData, progress: Progress | None = None, *, mark: bool = True
) -> dict[str, int]:
    """Write `data` through the journaled write path, `CHUNK` rows per
    transaction, parents first; returns rows written per entity.

    The store is marked as demo data (`Store.is_demo`): shown as such and
    never connected to a server. Only tools that fill a test server of
    their own (benchmarks, the release self-test) pass `mark=False`."""
    persons = data.rows["person"]
    if persons and store.get("person", persons[0]["id"]) is not None:
        raise ValueError("this seed's demo data is already in the store; use another seed")
    if mark:
        if store.meta("server_url"):
            # Fake people would be uploaded with the real ones at the next sync.
            raise ValueError(
                "this store is connected to a server: demo data goes in a store of its own"
            )
        with store.transaction() as tx:
            # Marked before the first row: a half-written demo is demo data too.
            store.set_meta(DEMO_KEY, "1", tx.conn)
    counts: dict[str, int] = {}
    if data.associations_created:
        counts["association"] = data.associations_created
    for entity in WRITE_ORDER:
        rows = data.rows[entity]
        for i in range(0, len(rows), CHUNK):
            batch: list[Mapping[str, Any]] = [*rows[i : i + CHUNK]]
            with store.transaction() as tx:
                tx.insert_many(entity, batch)
            if progress is not None:
                progress(entity, min(i + CHUNK, len(rows)))
        counts[entity] = len(rows)
    return counts


def generate(
    store: Store,
    township_code: str,
    scale: float = 1.0,
    seed: int = 0,
    years: int = 5,
    today: date | None = None,
    progress: Progress | None = None,
    *,
    mark: bool = True,
) -> dict[str, int]:
    """Fill `store` with one township's fake records over the `years` years up
    to `today`; returns the rows written per entity. Deterministic for a
    seed, township and `today`. `progress(entity, rows_done)` is called after
    each written chunk. The store is marked as demo data unless `mark` is
    False (see `write`)."""
    data = build(store, township_code, scale, seed, years, today)
    return write(store, data, progress, mark=mark)


__all__ = ["CHUNK", "WRITE_ORDER", "DemoData", "add_years", "build", "generate", "write"]
