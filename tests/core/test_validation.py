"""Validation: GB 11643 ID numbers, mobiles, dates, codes, records, special families."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsxcore.messages import DomainError, Issue
from jsxcore.validation import (
    EARLIEST_BIRTH_DATE,
    IdNumber,
    RecordRules,
    age_on,
    cross_check_person,
    id_check_char,
    make_id_number,
    parse_date,
    parse_id_number,
    passes,
    special_family_eligibility,
    validate_code,
    validate_mobile,
    validate_not_future,
    validate_record,
    validate_required,
)

TODAY = date(2024, 6, 1)
OLD = date(1800, 1, 1)
ID_ALPHABET = "0123456789X"
EXAMPLES = {
    # number: (birth date, sex)
    "11010519491231002X": (date(1949, 12, 31), "2"),
    "440524188001010014": (date(1880, 1, 1), "1"),
}


def _code_of(text: str, **kwargs: object) -> str:
    with pytest.raises(DomainError) as info:
        parse_id_number(text, TODAY, **kwargs)  # type: ignore[arg-type]
    return info.value.issue.code


# --- messages -----------------------------------------------------------------------


def test_issue_text_and_domain_error() -> None:
    issue = Issue("mobile", "mobile.format", "手机号不对", "Bad mobile")
    assert issue.severity == "error" and issue.is_error
    assert issue.text() == "手机号不对"
    assert issue.text("en") == "Bad mobile"
    assert issue.text("en_GB") == "Bad mobile"
    err = DomainError(issue)
    assert isinstance(err, ValueError)
    assert str(err) == "手机号不对"
    assert err.issue is issue
    assert err.text("en") == "Bad mobile"
    warning = Issue("", "x", "提示", "Note", severity="warning")
    assert not warning.is_error


# --- GB 11643 -------------------------------------------------------------------------


def test_check_char_of_standard_examples() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"
    with pytest.raises(DomainError):
        id_check_char("1101051949123100")
    with pytest.raises(DomainError):
        id_check_char("1101051949123100A")


@pytest.mark.parametrize(("number", "expected"), sorted(EXAMPLES.items()))
def test_standard_examples_parse(number: str, expected: tuple[date, str]) -> None:
    ident = parse_id_number(number, TODAY, earliest=OLD)
    assert ident == IdNumber(number, number[:6], *expected)


def test_standard_examples_pass_with_defaults() -> None:
    assert parse_id_number("440524188001010014", TODAY).birth_date == date(1880, 1, 1)
    assert _code_of(make_id_number("440524", date(1849, 12, 31), 1)) == "id_number.birth_date"
    assert parse_id_number("11010519491231002X", TODAY).sex == "2"


@pytest.mark.parametrize("number", sorted(EXAMPLES))
def test_every_single_character_change_fails(number: str) -> None:
    passed: list[str] = []
    tried = 0
    for pos in range(18):
        for ch in ID_ALPHABET:
            if ch == number[pos]:
                continue
            mutated = number[:pos] + ch + number[pos + 1 :]
            tried += 1
            try:
                parse_id_number(mutated, TODAY, earliest=OLD)
            except DomainError:
                continue
            passed.append(mutated)
    assert tried == 18 * 10
    assert passed == []


def test_single_digit_changes_fail_on_the_checksum() -> None:
    number = "11010519491231002X"
    # Sequence digits (positions 15-17) never touch the birth date.
    for pos in (14, 15, 16):
        for ch in "0123456789":
            if ch != number[pos]:
                mutated = number[:pos] + ch + number[pos + 1 :]
                assert _code_of(mutated) == "id_number.checksum"


def test_checksum_message() -> None:
    with pytest.raises(DomainError) as info:
        parse_id_number("110105194912310021", TODAY)
    assert str(info.value) == "身份证号校验位错误，请核对"
    assert info.value.issue.en == "ID number check character is wrong; please check it"
    assert info.value.issue.field == "id_number"


def test_normalisation() -> None:
    assert parse_id_number("11010519491231002x", TODAY).number == "11010519491231002X"
    assert parse_id_number(" 110105 19491231 002X ", TODAY).number == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２ｘ", TODAY).number == (
        "11010519491231002X"
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "id_number.length"),
        ("1101051949123100", "id_number.length"),
        ("11010519491231002X1", "id_number.length"),
        ("11010519491231002Y", "id_number.chars"),
        ("1101051949123100-X", "id_number.chars"),
        ("X10105194912310021", "id_number.chars"),
        ("11010549123100X", "id_number.chars"),  # 15-digit numbers have no X
        ("110105194902300020", "id_number.birth_date"),  # 30 February
        ("110105194913010020", "id_number.birth_date"),  # month 13
        ("110105184912310020", "id_number.birth_date"),  # before 1850
        ("110105202501010020", "id_number.birth_date"),  # after TODAY
        ("110105194912310021", "id_number.checksum"),
    ],
)
def test_parse_errors(text: str, code: str) -> None:
    assert _code_of(text) == code


def test_birth_date_bounds_are_inclusive() -> None:
    on_floor = make_id_number("430524", EARLIEST_BIRTH_DATE, 1)
    assert parse_id_number(on_floor, TODAY).birth_date == EARLIEST_BIRTH_DATE
    born_today = make_id_number("430524", TODAY, 2)
    assert parse_id_number(born_today, TODAY).birth_date == TODAY
    tomorrow = make_id_number("430524", date(2024, 6, 2), 2)
    assert _code_of(tomorrow) == "id_number.birth_date"


def test_default_today_is_the_real_date() -> None:
    assert parse_id_number("11010519491231002X").birth_date == date(1949, 12, 31)


def test_legacy_15_digit_upgrade() -> None:
    ident = parse_id_number("110105491231002", TODAY)
    assert ident.number == "11010519491231002X"
    assert ident.birth_date == date(1949, 12, 31)
    assert ident.sex == "2"
    assert ident.address_code == "110105"
    assert parse_id_number("430524 650301 123", TODAY).sex == "1"


def _downgrade(number: str) -> str:
    return number[:6] + number[8:17]


@settings(max_examples=300, database=None, deadline=None)
@given(
    address=st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_legacy_round_trip(address: str, birth: date, seq: int) -> None:
    number = make_id_number(address, birth, seq)
    legacy = _downgrade(number)
    assert len(legacy) == 15
    assert parse_id_number(legacy, TODAY).number == number


@settings(max_examples=500, database=None, deadline=None)
@given(
    address=st.from_regex(r"[0-9]{6}", fullmatch=True),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
)
def test_make_id_number_parses_back(address: str, birth: date, seq: int) -> None:
    number = make_id_number(address, birth, seq)
    assert len(number) == 18
    ident = parse_id_number(number, TODAY)
    assert ident.number == number
    assert ident.address_code == address
    assert ident.birth_date == birth
    assert ident.sex == ("1" if seq % 2 else "2")
    assert parse_id_number(number.lower(), TODAY) == ident


def test_make_id_number_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        make_id_number("43052", date(1980, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("43052a", date(1980, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("430524", date(1980, 1, 1), 1000)
    with pytest.raises(ValueError):
        make_id_number("430524", date(1980, 1, 1), -1)


# --- single values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["13800138000", "19912345678", "14700000000", "16612345678", "17000000000"]
)
def test_valid_mobiles(number: str) -> None:
    assert validate_mobile(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "",
        "12800138000",  # second digit 2
        "10800138000",
        "1380013800",  # 10 digits
        "138001380000",  # 12 digits
        "23800138000",
        "138 0013 8000",
        "+8613800138000",
        "13800138000\n",
        "１３８００１３８０００",  # full-width digits
        "1380013800a",
    ],
)
def test_invalid_mobiles(number: str) -> None:
    issue = validate_mobile(number, "phone")
    assert issue is not None
    assert issue.field == "phone" and issue.code == "mobile.format"
    assert issue.zh and issue.en


def test_validate_required() -> None:
    for missing in (None, "", "   ", "\u3000"):
        issue = validate_required("name", missing)
        assert issue is not None and issue.code == "required" and issue.field == "name"
    for present in ("张三", 0, False, date(2024, 1, 1)):
        assert validate_required("name", present) is None


def test_validate_not_future() -> None:
    assert validate_not_future("d", None, TODAY) is None
    assert validate_not_future("d", TODAY, TODAY) is None
    assert validate_not_future("d", date(2000, 1, 1), TODAY) is None
    issue = validate_not_future("d", date(2024, 6, 2), TODAY)
    assert issue is not None and issue.code == "date.future" and issue.field == "d"
    assert validate_not_future("d", datetime(2024, 6, 1, 23, 59), TODAY) is None


def test_parse_date() -> None:
    assert parse_date("2024-05-29") == date(2024, 5, 29)
    assert parse_date(date(2024, 5, 29)) == date(2024, 5, 29)
    assert parse_date(datetime(2024, 5, 29, 8, 0)) == date(2024, 5, 29)
    assert parse_date(None) is None
    assert parse_date("") is None
    for bad in ("2023-02-29", "20240529", "2024/05/29", "2024-5-29", "2024-W01-1", 20240529):
        with pytest.raises(DomainError) as info:
            parse_date(bad, "held_on")
        assert info.value.issue.code == "date.format"
        assert info.value.issue.field == "held_on"


def test_age_on() -> None:
    assert age_on(date(1975, 6, 1), date(2024, 6, 1)) == 49
    assert age_on(date(1975, 6, 2), date(2024, 6, 1)) == 48
    assert age_on(date(1976, 2, 29), date(2025, 2, 28)) == 48
    assert age_on(date(1976, 2, 29), date(2025, 3, 1)) == 49


def test_validate_code() -> None:
    assert validate_code("ethnicity", "ethnicity", "15") is None
    assert validate_code("ethnicity", "ethnicity", None) is None
    assert validate_code("ethnicity", "ethnicity", "") is None
    issue = validate_code("ethnicity", "ethnicity", "57")
    assert issue is not None and issue.code == "code.invalid" and issue.field == "ethnicity"
    assert "民族" in issue.zh and "57" in issue.zh
    assert "ethnicity" in issue.en
    assert validate_code("sex", "sex", 1) is not None
    with pytest.raises(KeyError):
        validate_code("x", "no_such_table", "1")


# --- person cross-check ---------------------------------------------------------------------


def test_cross_check_person() -> None:
    values: dict[str, object] = {
        "id_number": "11010519491231002X",
        "birth_date": "1949-12-31",
        "sex": "2",
    }
    assert cross_check_person(values, TODAY) == []
    assert cross_check_person({**values, "birth_date": date(1949, 12, 31)}, TODAY) == []
    wrong = cross_check_person({**values, "birth_date": "1949-12-30", "sex": "1"}, TODAY)
    assert [(i.field, i.code, i.severity) for i in wrong] == [
        ("birth_date", "person.birth_date_mismatch", "error"),
        ("sex", "person.sex_mismatch", "error"),
    ]
    assert "1949-12-31" in wrong[0].zh
    assert "女" in wrong[1].zh and "female" in wrong[1].en
    # Nothing to compare against, or nothing given: no issues.
    assert cross_check_person({"birth_date": "1949-12-30", "sex": "1"}, TODAY) == []
    assert cross_check_person({**values, "id_number": "110105194912310021"}, TODAY) == []
    assert cross_check_person({"id_number": values["id_number"]}, TODAY) == []
    assert cross_check_person({**values, "birth_date": "garbage"}, TODAY) == []


def test_cross_check_person_custom_fields() -> None:
    values = {"idno": "110105491231002", "born": "1949-12-31", "gender": "1"}
    issues = cross_check_person(
        values, TODAY, id_field="idno", birth_field="born", sex_field="gender"
    )
    assert [i.field for i in issues] == ["gender"]


# --- records --------------------------------------------------------------------------------

SUBSIDY_RULES = RecordRules(
    required=("family_id", "kind", "admitted_on"),
    codes={"kind": "subsidy_kind", "status": "subsidy_status"},
    id_numbers=("id_number",),
    mobiles=("mobile",),
    past_dates=("admitted_on", "discharged_on", "paid_on"),
    date_order=(("admitted_on", "discharged_on"),),
    non_negative=("days", "amount_fen"),
    labels={
        "admitted_on": ("入院日期", "admission date"),
        "discharged_on": ("出院日期", "discharge date"),
    },
)

GOOD_SUBSIDY: dict[str, object] = {
    "family_id": "f-1",
    "kind": "hospital_care",
    "status": "applied",
    "id_number": "11010519491231002X",
    "mobile": "13800138000",
    "admitted_on": "2024-05-01",
    "discharged_on": date(2024, 5, 10),
    "paid_on": None,
    "days": 9,
    "amount_fen": 0,
}


def _codes(issues: list[Issue]) -> list[tuple[str, str]]:
    return [(i.field, i.code) for i in issues]


def test_validate_record_good() -> None:
    assert validate_record(SUBSIDY_RULES, GOOD_SUBSIDY, TODAY) == []


def test_validate_record_empty_optionals_pass() -> None:
    minimal = {"family_id": "f-1", "kind": "birth_care", "admitted_on": "2024-01-01"}
    assert validate_record(SUBSIDY_RULES, minimal, TODAY) == []
    blanks = {**minimal, "status": "", "id_number": " ", "mobile": None, "days": None}
    assert validate_record(SUBSIDY_RULES, blanks, TODAY) == []


def test_validate_record_reports_every_problem() -> None:
    bad: dict[str, object] = {
        "family_id": "  ",
        "kind": "cash",
        "status": "applied",
        "id_number": "110105194912310021",
        "mobile": "12345",
        "admitted_on": "2024-05-10",
        "discharged_on": "2024-05-01",
        "paid_on": "2024-07-01",
        "days": -1,
        "amount_fen": "100",
    }
    issues = validate_record(SUBSIDY_RULES, bad, TODAY)
    assert _codes(issues) == [
        ("family_id", "required"),
        ("kind", "code.invalid"),
        ("id_number", "id_number.checksum"),
        ("mobile", "mobile.format"),
        ("paid_on", "date.future"),
        ("discharged_on", "date.order"),
        ("days", "number.negative"),
        ("amount_fen", "number.invalid"),
    ]
    assert all(i.severity == "error" and i.zh and i.en for i in issues)
    order = issues[5]
    assert order.zh == "出院日期不能早于入院日期"
    assert order.en == "discharge date cannot be earlier than admission date"


def test_validate_record_missing_required_and_malformed_dates() -> None:
    issues = validate_record(
        SUBSIDY_RULES,
        {"kind": "hospital_care", "admitted_on": "2024-13-01", "discharged_on": "1 May"},
        TODAY,
    )
    assert _codes(issues) == [
        ("family_id", "required"),
        ("admitted_on", "date.format"),
        ("discharged_on", "date.format"),
    ]


def test_validate_record_id_number_field_name_is_kept() -> None:
    rules = RecordRules(id_numbers=("spouse_id",))
    issues = validate_record(rules, {"spouse_id": "123"}, TODAY)
    assert _codes(issues) == [("spouse_id", "id_number.length")]


def test_validate_record_numbers() -> None:
    rules = RecordRules(non_negative=("n",))
    assert validate_record(rules, {"n": 0}, TODAY) == []
    assert validate_record(rules, {"n": 2.5}, TODAY) == []
    assert _codes(validate_record(rules, {"n": True}, TODAY)) == [("n", "number.invalid")]
    assert _codes(validate_record(rules, {"n": float("nan")}, TODAY)) == [("n", "number.invalid")]


def test_validate_record_cross_check() -> None:
    rules = RecordRules(
        required=("name",),
        codes={"sex": "sex"},
        id_numbers=("id_number",),
        past_dates=("birth_date",),
        cross_check=True,
    )
    person = {
        "name": "王芳",
        "id_number": "11010519491231002X",
        "birth_date": "1949-12-31",
        "sex": "1",
    }
    assert _codes(validate_record(rules, person, TODAY)) == [("sex", "person.sex_mismatch")]
    assert validate_record(rules, {**person, "sex": "2"}, TODAY) == []


# --- special families ------------------------------------------------------------------------


def _warn_codes(issues: list[Issue]) -> list[str]:
    assert all(i.severity == "warning" for i in issues)
    assert all(i.zh and i.en for i in issues)
    return [i.code for i in issues]


def test_eligible_families_have_no_warnings() -> None:
    assert special_family_eligibility("bereaved", date(1970, 3, 1), TODAY, 1, False) == []
    assert special_family_eligibility("disabled", "1933-01-01", TODAY, 1, False, "3") == []
    assert special_family_eligibility("disabled", date(1975, 6, 1), TODAY, 1, False, 1) == []


def test_eligibility_mother_age() -> None:
    # 49th birthday is today: eligible; tomorrow: not yet.
    assert special_family_eligibility("bereaved", date(1975, 6, 1), TODAY, 1, False) == []
    issues = special_family_eligibility("bereaved", date(1975, 6, 2), TODAY, 1, False)
    assert _warn_codes(issues) == ["special_family.mother_under_49"]
    assert "48" in issues[0].zh


def test_eligibility_born_before_1933() -> None:
    issues = special_family_eligibility("bereaved", date(1932, 12, 31), TODAY, 1, False)
    assert _warn_codes(issues) == ["special_family.born_before_1933"]
    assert issues[0].field == "mother_birth_date"


def test_eligibility_children() -> None:
    issues = special_family_eligibility("bereaved", date(1960, 1, 1), TODAY, 2, True)
    assert _warn_codes(issues) == ["special_family.child_count", "special_family.other_child"]
    assert _warn_codes(special_family_eligibility("bereaved", None, TODAY, 0, False)) == [
        "special_family.child_count"
    ]
    assert special_family_eligibility("bereaved", None, TODAY, None, False) == []


def test_eligibility_disability_grade() -> None:
    for grade in ("4", 4, None, ""):
        issues = special_family_eligibility("disabled", date(1960, 1, 1), TODAY, 1, False, grade)
        assert _warn_codes(issues) == ["special_family.disability_grade"]
        assert issues[0].field == "disability_grade"
    # Grade does not matter for a bereaved family.
    assert special_family_eligibility("bereaved", date(1960, 1, 1), TODAY, 1, False, "4") == []


def test_eligibility_all_at_once_and_unknown_category() -> None:
    issues = special_family_eligibility("orphan", date(1990, 1, 1), TODAY, 3, True, "2")
    assert _warn_codes(issues) == [
        "special_family.category",
        "special_family.mother_under_49",
        "special_family.child_count",
        "special_family.other_child",
    ]
    assert special_family_eligibility("bereaved", "not a date", TODAY, 1, False) == []


# -- passes: validate_record's verdict, told quickly --------------------------------

# Values of every kind a pushed field may hold, each rule's edge cases among them.
_SOME_VALUES = st.sampled_from(
    [
        None,
        "",
        "  ",
        "1",
        "2",
        "3",
        "01",
        "x",
        "active",
        "member",
        "individual",
        "submitted",
        "2020-01-12",
        "2024-06-01",
        "2024-06-02",
        "2023-02-29",
        " 2020-01-12",
        "2020-1-12",
        date(2020, 1, 12),
        date(2030, 1, 1),
        datetime(2020, 1, 12, 8, 0),
        "13812345678",
        "1381234567",
        "11010519491231002X",
        "110105194912310021",
        0,
        5,
        -1,
        1.5,
        float("nan"),
        True,
    ]
)


@settings(max_examples=400)
@given(st.data())
def test_passes_agrees_with_validate_record(data: st.DataObject) -> None:
    from jsxcore.entities import ENTITIES

    spec = ENTITIES[data.draw(st.sampled_from(sorted(ENTITIES)))]
    names = list(spec.data_fields)
    values = {name: data.draw(_SOME_VALUES, label=name) for name in names}
    assert passes(spec.rules, values, TODAY) == (not validate_record(spec.rules, values, TODAY))


def test_passes_takes_valid_records_quickly() -> None:
    rules = RecordRules(
        required=("name",),
        codes={"sex": "sex"},
        past_dates=("joined_on",),
        date_order=(("joined_on", "left_on"),),
        non_negative=("amount",),
    )
    ok = {"name": "王芳", "sex": "2", "joined_on": "2020-01-12", "left_on": None, "amount": 3}
    assert passes(rules, ok, TODAY) and not validate_record(rules, ok, TODAY)
    for bad in (
        {"name": " "},
        {"sex": "x"},
        {"joined_on": "2024-06-02"},
        {"left_on": "2019-12-31"},
        {"joined_on": "2023-02-29"},
        {"amount": -1},
    ):
        assert not passes(rules, {**ok, **bad}, TODAY), bad
