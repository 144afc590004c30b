"""Pure validation functions for the township association's records.

Everything here is free of Qt and of the database: functions take plain
values (wire form: dates as ``"YYYY-MM-DD"`` strings or :class:`datetime.date`,
numbers as ``int``, ``None`` for empty) and return :class:`Issue` objects, or
raise :class:`DomainError` for the ``parse_*`` functions. Every message comes
in Chinese and English.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache

from jsxcore import codes
from jsxcore.messages import DomainError, Issue

# --- resident ID numbers (GB 11643-1999) ------------------------------------------

ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

EARLIEST_BIRTH_DATE = date(1850, 1, 1)
"""Default lower bound for a birth date read from an ID number; low enough
for the standard's own example ``440524188001010014`` (born 1880)."""

_DIGITS = frozenset("0123456789")
_ID_CHARS = _DIGITS | {"X"}
# Full-width digits and X, as Chinese input methods sometimes produce them.
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

_SEX_ZH = {"1": "男", "2": "女"}
_SEX_EN = {"1": "male", "2": "female"}


@dataclasses.dataclass(frozen=True)
class IdNumber:
    """A checked 18-character resident ID number and what it encodes."""

    number: str  # 18 characters, check character as uppercase "X"
    address_code: str  # where the number was issued, not where the person lives
    birth_date: date
    sex: str  # GB/T 2261.1: "1" male (odd sequence), "2" female (even sequence)


def _id_issue(code: str, zh: str, en: str, field: str = "id_number") -> DomainError:
    return DomainError(Issue(field, f"id_number.{code}", zh, en))


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise _id_issue(
            "chars",
            "计算校验位需要身份证号的前17位数字",
            "The check character needs the first 17 digits of the ID number",
        )
    total = sum(map(operator.mul, map(int, first17), ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def _normalize_id_text(text: str) -> str:
    return "".join(text.split()).translate(_FULLWIDTH).upper()


def parse_id_number(
    text: str, today: date | None = None, *, earliest: date = EARLIEST_BIRTH_DATE
) -> IdNumber:
    """Check a resident ID number and return what it encodes.

    Whitespace is ignored, a lowercase ``x`` and full-width digits are accepted,
    and a legacy 15-digit number is upgraded to 18 characters ("19" inserted
    after the address code, check character appended). The birth date must be a
    real calendar date, not after ``today`` and not before ``earliest``.

    Raises :class:`DomainError` with code ``id_number.length``,
    ``id_number.chars``, ``id_number.birth_date`` or ``id_number.checksum``.
    The address code is never checked against the person's current village.
    """
    today = today or date.today()
    return _parse_id(_normalize_id_text(text), today, earliest)


@lru_cache(maxsize=8192)
def _parse_id(s: str, today: date, earliest: date) -> IdNumber:
    # Cached: an import checks each number several times (the cell, the
    # record rules, the person cross-check, the write path). Errors are not
    # cached; they are raised afresh.
    if not set(s) <= _ID_CHARS:
        raise _id_issue(
            "chars",
            "身份证号只能由数字组成，最后一位可以是X",
            "An ID number may contain only digits, with an X allowed as the last character",
        )
    if len(s) not in (15, 18):
        raise _id_issue(
            "length",
            f"身份证号应为18位（旧证为15位），现在是{len(s)}位",
            f"An ID number has 18 characters (15 for old cards); this one has {len(s)}",
        )
    body = s if len(s) == 15 else s[:17]
    if not set(body) <= _DIGITS:
        raise _id_issue(
            "chars",
            "身份证号只有最后一位可以是X，其余都应是数字",
            "Only the last character of an ID number may be X; the rest must be digits",
        )

    legacy = len(s) == 15
    first17 = s[:6] + "19" + s[6:] if legacy else body
    raw_birth = first17[6:14]
    try:
        birth = date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:8]))
    except ValueError:
        shown = f"{raw_birth[:4]}-{raw_birth[4:6]}-{raw_birth[6:8]}"
        raise _id_issue(
            "birth_date",
            f"身份证号中的出生日期{shown}不存在，请核对",
            f"The birth date in the ID number ({shown}) does not exist; please check it",
        ) from None
    if birth > today:
        raise _id_issue(
            "birth_date",
            "身份证号中的出生日期晚于今天，请核对",
            "The birth date in the ID number is later than today; please check it",
        )
    if birth < earliest:
        raise _id_issue(
            "birth_date",
            f"身份证号中的出生日期早于{earliest.year}年，请核对",
            f"The birth date in the ID number is before {earliest.year}; please check it",
        )

    check = id_check_char(first17)
    if not legacy and s[17] != check:
        raise _id_issue(
            "checksum",
            "身份证号校验位错误，请核对",
            "ID number check character is wrong; please check it",
        )
    sex = "1" if int(first17[14:17]) % 2 == 1 else "2"
    return IdNumber(number=first17 + check, address_code=first17[:6], birth_date=birth, sex=sex)


def make_id_number(address_code: str, birth: date, seq: int) -> str:
    """Build a valid 18-character ID number (for fake data and tests).

    ``seq`` is the 3-digit sequence 0..999; odd means male, even female.
    """
    if len(address_code) != 6 or not set(address_code) <= _DIGITS:
        raise ValueError(f"address code must be 6 digits, got {address_code!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"sequence must be 0..999, got {seq}")
    if not 1000 <= birth.year <= 9999:
        raise ValueError(f"birth year must have 4 digits, got {birth.year}")
    first17 = f"{address_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


# --- single values ------------------------------------------------------------------


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_required(field: str, value: object) -> Issue | None:
    """An error if ``value`` is missing: ``None``, ``""`` or only whitespace."""
    if _is_blank(value):
        return Issue(field, "required", "此项为必填项", "This field is required")
    return None


def validate_mobile(text: str, field: str = "mobile") -> Issue | None:
    """An error unless ``text`` is a mainland mobile number (``^1[3-9]\\d{9}$``)."""
    if isinstance(text, str) and _MOBILE_RE.fullmatch(text):
        return None
    return Issue(
        field,
        "mobile.format",
        "手机号码格式不对，应为1开头的11位数字",
        "The mobile number is not valid: it should be 11 digits starting with 1",
    )


def validate_not_future(field: str, d: date | None, today: date | None = None) -> Issue | None:
    """An error if the date ``d`` is after ``today``."""
    if d is None:
        return None
    today = today or date.today()
    if _as_date(d) > today:
        return Issue(
            field, "date.future", "日期不能晚于今天", "The date cannot be later than today"
        )
    return None


def validate_code(field: str, table: str, value: object) -> Issue | None:
    """An error if a non-empty ``value`` is not a code of ``table`` (unknown table: KeyError)."""
    if _is_blank(value):
        return None
    if isinstance(value, str) and codes.is_valid(table, value):
        return None
    title_zh = codes.table_title(table, "zh")
    title_en = codes.table_title(table, "en")
    shown = str(value)
    if len(shown) > 20:
        shown = shown[:20] + "…"
    return Issue(
        field,
        "code.invalid",
        f"“{shown}”不是有效的{title_zh}代码，请从列表中选择",
        f"“{shown}” is not a valid {title_en} code; please choose one from the list",
    )


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def parse_date(value: object, field: str = "") -> date | None:
    """A wire-form date (``"YYYY-MM-DD"`` or :class:`date`) as a date; empty gives None.

    Raises :class:`DomainError` (code ``date.format``) for anything else,
    including impossible dates such as ``"2023-02-29"``.
    """
    if _is_blank(value):
        return None
    if isinstance(value, date):
        return _as_date(value)
    if isinstance(value, str):
        s = value.strip()
        if _ISO_DATE_RE.fullmatch(s):
            try:
                return date.fromisoformat(s)
            except ValueError:
                pass
    raise DomainError(
        Issue(
            field,
            "date.format",
            "日期不正确，请按“年-月-日”填写，如2024-05-29",
            "The date is not valid; use YYYY-MM-DD, e.g. 2024-05-29",
        )
    )


def age_on(birth: date, on: date) -> int:
    """Age in completed years on the day ``on`` (born 29 Feb: a year passes on 1 Mar)."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


# --- records --------------------------------------------------------------------------


def cross_check_person(
    values: Mapping[str, object],
    today: date | None = None,
    *,
    id_field: str = "id_number",
    birth_field: str = "birth_date",
    sex_field: str = "sex",
) -> list[Issue]:
    """Errors where the birth date or sex given disagree with the ID number.

    Only runs when the ID number parses; a bad ID number, date or sex code is
    reported by the field checks of :func:`validate_record`, not here.
    """
    raw_id = values.get(id_field)
    if not isinstance(raw_id, str) or _is_blank(raw_id):
        return []
    try:
        ident = parse_id_number(raw_id, today)
    except DomainError:
        return []
    issues: list[Issue] = []
    try:
        birth = parse_date(values.get(birth_field), birth_field)
    except DomainError:
        birth = None
    if birth is not None and birth != ident.birth_date:
        shown = ident.birth_date.isoformat()
        issues.append(
            Issue(
                birth_field,
                "person.birth_date_mismatch",
                f"出生日期与身份证号不一致（身份证号上是{shown}）",
                f"The birth date does not match the ID number (which gives {shown})",
            )
        )
    sex = values.get(sex_field)
    if not _is_blank(sex) and sex != ident.sex:
        issues.append(
            Issue(
                sex_field,
                "person.sex_mismatch",
                f"性别与身份证号不一致（身份证号上是{_SEX_ZH[ident.sex]}）",
                f"The sex does not match the ID number (which gives {_SEX_EN[ident.sex]})",
            )
        )
    return issues


@dataclasses.dataclass(frozen=True)
class RecordRules:
    """Declarative rules for one kind of record, checked by :func:`validate_record`."""

    required: tuple[str, ...] = ()
    codes: Mapping[str, str] = dataclasses.field(default_factory=dict)  # field -> table name
    id_numbers: tuple[str, ...] = ()
    mobiles: tuple[str, ...] = ()
    past_dates: tuple[str, ...] = ()  # date fields that must not be in the future
    date_order: tuple[tuple[str, str], ...] = ()  # (earlier, later), e.g. admitted/discharged
    non_negative: tuple[str, ...] = ()
    # Extras beyond the basic rules:
    labels: Mapping[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    """field -> (zh, en) names, used where a message must name another field."""
    cross_check: bool = False
    """Also run :func:`cross_check_person` with its default field names."""

    # What `passes` walks, put together once (it runs for every pushed insert).
    @cached_property
    def checked_numbers(self) -> tuple[str, ...]:
        """The ID number and mobile fields."""
        return (*self.id_numbers, *self.mobiles)

    @cached_property
    def dated(self) -> tuple[str, ...]:
        """The date fields some rule reads."""
        return tuple(dict.fromkeys((*self.past_dates, *(f for p in self.date_order for f in p))))


def _field_label(rules: RecordRules, name: str) -> tuple[str, str]:
    return rules.labels.get(name, (name, name))


def _check_number(name: str, value: object) -> Issue | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return Issue(name, "number.invalid", "请填写数字", "Please enter a number")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return Issue(name, "number.invalid", "请填写数字", "Please enter a number")
    if value < 0:
        return Issue(name, "number.negative", "不能为负数", "Must not be negative")
    return None


def validate_record(
    spec: RecordRules, values: Mapping[str, object], today: date | None = None
) -> list[Issue]:
    """All errors in one record's ``values`` under ``spec``; empty optional values pass.

    Issues come in a stable order: required, codes, ID numbers, mobile
    numbers, dates, date order, numbers, then the person cross-check.
    """
    today = today or date.today()
    issues: list[Issue] = []

    for name in spec.required:
        issue = validate_required(name, values.get(name))
        if issue:
            issues.append(issue)

    for name, table in spec.codes.items():
        issue = validate_code(name, table, values.get(name))
        if issue:
            issues.append(issue)

    for name in spec.id_numbers:
        value = values.get(name)
        if _is_blank(value):
            continue
        if not isinstance(value, str):
            issues.append(
                Issue(name, "id_number.chars", "身份证号应为文字", "The ID number must be text")
            )
            continue
        try:
            parse_id_number(value, today)
        except DomainError as exc:
            issues.append(dataclasses.replace(exc.issue, field=name))

    for name in spec.mobiles:
        value = values.get(name)
        if _is_blank(value):
            continue
        issue = validate_mobile(value if isinstance(value, str) else repr(value), name)
        if issue:
            issues.append(issue)

    dates: dict[str, date | None] = {}
    date_fields = list(spec.past_dates)
    for pair in spec.date_order:
        date_fields.extend(pair)
    bad_dates: set[str] = set()
    for name in dict.fromkeys(date_fields):
        try:
            dates[name] = parse_date(values.get(name), name)
        except DomainError as exc:
            issues.append(exc.issue)
            bad_dates.add(name)
            dates[name] = None
    for name in spec.past_dates:
        issue = validate_not_future(name, dates[name], today)
        if issue:
            issues.append(issue)
    for earlier, later in spec.date_order:
        first, second = dates[earlier], dates[later]
        if first is not None and second is not None and second < first:
            e_zh, e_en = _field_label(spec, earlier)
            l_zh, l_en = _field_label(spec, later)
            issues.append(
                Issue(
                    later,
                    "date.order",
                    f"{l_zh}不能早于{e_zh}",
                    f"{l_en} cannot be earlier than {e_en}",
                )
            )

    for name in spec.non_negative:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        issue = _check_number(name, value)
        if issue:
            issues.append(issue)

    if spec.cross_check:
        issues.extend(cross_check_person(values, today))

    return issues


def passes(spec: RecordRules, values: Mapping[str, object], today: date) -> bool:
    """Whether ``validate_record(spec, values, today)`` finds nothing, told
    in one pass for the common record (valid codes, empty optional fields):
    anything it is not sure of goes to ``validate_record`` itself, so the
    answer is always the same. A server checks every pushed insert (a first
    push of an imported register is hundreds of thousands)."""
    get = values.get
    for name in spec.required:
        v = get(name)
        if v is None or (isinstance(v, str) and not v.strip()):
            return False  # an issue for sure
    for name, table in spec.codes.items():
        v = get(name)
        if v is not None and not (isinstance(v, str) and codes.is_valid(table, v)):
            return not validate_record(spec, values, today)
    for name in spec.checked_numbers:
        if get(name) is not None:
            return not validate_record(spec, values, today)
    dates: dict[str, date | None] = {}
    for name in spec.dated:
        v = get(name)
        if v is None:
            dates[name] = None
        elif type(v) is str and _ISO_DATE_RE.fullmatch(v):
            try:
                dates[name] = date.fromisoformat(v)
            except ValueError:
                return False  # date.format
        else:
            return not validate_record(spec, values, today)
    for name in spec.past_dates:
        when = dates[name]
        if when is not None and when > today:
            return False  # date.future
    for earlier, later in spec.date_order:
        first, second = dates[earlier], dates[later]
        if first is not None and second is not None and second < first:
            return False  # date.order
    for name in spec.non_negative:
        v = get(name)
        if v is not None and not (type(v) is int and v >= 0):
            return not validate_record(spec, values, today)
    if spec.cross_check and get("id_number") is not None:
        return not validate_record(spec, values, today)
    return True


# --- special families -------------------------------------------------------------------

SPECIAL_FAMILY_BORN_FROM = date(1933, 1, 1)
SPECIAL_FAMILY_MIN_AGE = 49
SPECIAL_FAMILY_GRADES = ("1", "2", "3")


def _warning(field: str, code: str, zh: str, en: str) -> Issue:
    return Issue(field, f"special_family.{code}", zh, en, severity="warning")


def special_family_eligibility(
    category: str,
    mother_birth_date: date | str | None,
    today: date | None,
    child_count: int | None,
    has_living_other_child: bool,
    disability_grade: str | int | None = None,
) -> list[Issue]:
    """Warnings where a family does not meet the national special-family criteria.

    Criteria (DOMAIN.md): the woman born on or after 1933-01-01 and aged 49 or
    more; one child born or legally adopted (``child_count`` counts every child
    ever born or adopted); no other living child; for the ``disabled`` category
    the child's disability grade 1-3. All results have severity "warning": the
    worker may enrol the family anyway with a reason. A missing (or malformed)
    birth date or a missing child count skips that check (making them required is the record rules'
    job). Issue fields are the parameter names.
    """
    today = today or date.today()
    issues: list[Issue] = []

    if category not in codes.FAMILY_CATEGORY:
        issues.append(
            _warning(
                "category",
                "category",
                "特殊家庭类别应为失独或伤残",
                "The special-family category should be bereaved or disabled",
            )
        )

    try:
        birth = parse_date(mother_birth_date, "mother_birth_date")
    except DomainError:
        birth = None  # a malformed date is the record rules' error to report
    if birth is not None:
        if birth < SPECIAL_FAMILY_BORN_FROM:
            issues.append(
                _warning(
                    "mother_birth_date",
                    "born_before_1933",
                    "女方出生于1933年1月1日之前，不符合特殊家庭扶助条件",
                    "The woman was born before 1 January 1933, which does not meet "
                    "the special-family criteria",
                )
            )
        age = age_on(birth, today)
        if age < SPECIAL_FAMILY_MIN_AGE:
            issues.append(
                _warning(
                    "mother_birth_date",
                    "mother_under_49",
                    f"女方未满49周岁（现{age}周岁），不符合特殊家庭扶助条件",
                    f"The woman is under 49 (now {age}), which does not meet "
                    "the special-family criteria",
                )
            )

    if child_count is not None and child_count != 1:
        issues.append(
            _warning(
                "child_count",
                "child_count",
                f"特殊家庭应只生育或合法收养过一个子女（现登记{child_count}个）",
                "A special family has had only one child, born or legally adopted "
                f"({child_count} recorded)",
            )
        )

    if has_living_other_child:
        issues.append(
            _warning(
                "has_living_other_child",
                "other_child",
                "家庭还有其他存活子女，不符合特殊家庭扶助条件",
                "The family has another living child, which does not meet "
                "the special-family criteria",
            )
        )

    if category == "disabled":
        grade = None if disability_grade is None else str(disability_grade).strip()
        if not grade:
            issues.append(
                _warning(
                    "disability_grade",
                    "disability_grade",
                    "伤残家庭须填写子女的伤残等级",
                    "For a disabled-child family, enter the child's disability grade",
                )
            )
        elif grade not in SPECIAL_FAMILY_GRADES:
            issues.append(
                _warning(
                    "disability_grade",
                    "disability_grade",
                    "伤残家庭的子女伤残等级须为三级及以上（一至三级）",
                    "For a disabled-child family the child's disability must be "
                    "grade 3 or worse (grades 1 to 3)",
                )
            )

    return issues


__all__ = [
    "EARLIEST_BIRTH_DATE",
    "ID_CHECK_CHARS",
    "ID_WEIGHTS",
    "SPECIAL_FAMILY_BORN_FROM",
    "SPECIAL_FAMILY_GRADES",
    "SPECIAL_FAMILY_MIN_AGE",
    "IdNumber",
    "RecordRules",
    "age_on",
    "cross_check_person",
    "id_check_char",
    "id_number_taken",
    "make_id_number",
    "parse_date",
    "parse_id_number",
    "person_link_taken",
    "special_family_eligibility",
    "validate_code",
    "validate_mobile",
    "validate_not_future",
    "validate_record",
    "validate_required",
]


def id_number_taken(name: str, place: str) -> Issue:
    """A second live person with an ID number already registered: one person,
    one row, so their member, volunteer and family records all meet."""
    where_zh = f"（{place}）" if place else ""
    where_en = f" ({place})" if place else ""
    return Issue(
        "id_number",
        "id_number.taken",
        f"此身份证号已登记为 {name}{where_zh}，同一人不能登记两次，请使用已有人员",
        f"This ID number is already registered to {name}{where_en}; a person cannot be "
        "registered twice: use the existing person",
    )


def person_link_taken(entity_zh: str, entity_en: str) -> Issue:
    """A second live record of one kind (member, volunteer) for one person."""
    return Issue(
        "person_id",
        "person.record_exists",
        f"此人已有{entity_zh}记录，请打开已有记录，不要重复登记",
        f"This person already has a {entity_en} record: open it instead of registering again",
    )
