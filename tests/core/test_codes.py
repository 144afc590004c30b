"""Code tables: completeness against the standards and the helper functions."""

from __future__ import annotations

import pytest

from jsxcore import codes
from jsxcore.codes import CODE_TABLES, TABLE_TITLES, choices, is_valid, label, table_title

PROJECT_TABLES: dict[str, set[str]] = {
    "member_type": {"individual", "group"},
    "member_role": {"council", "group_leader", "liaison_head", "member"},
    "member_status": {"active", "left", "deceased"},
    "association_level": {"province", "city", "county", "township", "village", "sector"},
    "officer_post": {"president", "vice_president", "secretary_general", "council", "supervisor"},
    "family_category": {"bereaved", "disabled"},
    "family_status": {"enrolled", "exited"},
    "family_exit_reason": {"rebirth", "adoption", "death", "moved_out"},
    "contact_kind": {"township_cadre", "village_cadre", "member", "doctor", "volunteer"},
    "visit_mode": {"home", "phone", "wechat", "activity"},
    "wellbeing": {"good", "fair", "poor"},
    "subsidy_kind": {"hospital_care", "birth_care"},
    "subsidy_status": {"applied", "reviewed", "paid", "refused"},
    "site_kind": {"member_home", "warm_home", "sunflower", "eugenics_center", "childcare"},
    "project_level": {"national", "provincial", "city", "county", "township"},
    "project_status": {"planned", "running", "finished", "cancelled"},
    "activity_type": {
        "publicity",
        "training",
        "condolence",
        "lecture",
        "clinic",
        "parent_child",
        "other",
    },
    "campaign": {"member_day_529", "eugenics_home", "youth_health", "warm_heart", "none"},
    "volunteer_level": {"province", "city", "county", "township", "village"},
    "disability_grade": {"1", "2", "3", "4"},
    "report_state": {"submitted", "accepted", "returned"},
}

STANDARD_TABLES = ("sex", "ethnicity", "marital", "relation", "political", "education")


def test_all_tables_present_with_titles() -> None:
    assert set(CODE_TABLES) == set(STANDARD_TABLES) | set(PROJECT_TABLES)
    assert set(TABLE_TITLES) == set(CODE_TABLES)


@pytest.mark.parametrize("table", sorted(CODE_TABLES))
def test_every_entry_has_both_labels(table: str) -> None:
    entries = CODE_TABLES[table]
    assert entries
    for code, entry in entries.items():
        assert isinstance(code, str) and code and code.isascii() and " " not in code
        assert set(entry) == {"zh", "en"}
        assert entry["zh"].strip() and entry["en"].strip()
    zh_labels = [e["zh"] for e in entries.values()]
    assert len(set(zh_labels)) == len(zh_labels), "duplicate Chinese label"


@pytest.mark.parametrize(("table", "expected"), sorted(PROJECT_TABLES.items()))
def test_project_tables_have_exact_codes(table: str, expected: set[str]) -> None:
    assert set(CODE_TABLES[table]) == expected


def test_project_labels_from_brief() -> None:
    assert label("member_role", "liaison_head") == "联系户长"
    assert label("member_status", "active") == "在籍"
    assert label("officer_post", "secretary_general") == "秘书长"
    assert label("family_category", "bereaved") == "失独"
    assert label("family_exit_reason", "moved_out") == "迁出"
    assert label("site_kind", "sunflower") == "向日葵亲子小屋"
    assert label("campaign", "member_day_529") == "5.29会员活动日"
    assert label("subsidy_kind", "hospital_care") == "住院护理补贴"
    assert [c for c, _ in choices("disability_grade")] == ["1", "2", "3", "4"]
    assert label("disability_grade", "3") == "三级"


def test_sex_gb_t_2261_1() -> None:
    assert list(codes.SEX) == ["0", "1", "2", "9"]
    assert label("sex", "1") == "男" and label("sex", "2") == "女"
    assert label("sex", "2", "en") == "Female"


def test_marital_gb_t_2261_2() -> None:
    assert list(codes.MARITAL) == ["10", "20", "21", "22", "23", "30", "40", "90"]
    assert label("marital", "30") == "丧偶"
    assert label("marital", "40") == "离婚"


def test_ethnicity_gb_3304_complete() -> None:
    expected = [f"{n:02d}" for n in range(1, 57)] + ["97", "98"]
    assert list(codes.ETHNICITY) == expected
    assert label("ethnicity", "01") == "汉族"
    assert label("ethnicity", "06") == "苗族"
    assert label("ethnicity", "15") == "土家族"
    assert label("ethnicity", "13") == "瑶族"
    assert label("ethnicity", "12") == "侗族"
    assert label("ethnicity", "56") == "基诺族"
    assert label("ethnicity", "98") == "外国血统中国籍人士"
    groups = [e["zh"] for c, e in codes.ETHNICITY.items() if c <= "56"]
    assert all(name.endswith("族") for name in groups)


def test_political_gb_t_4762() -> None:
    assert list(codes.POLITICAL) == [f"{n:02d}" for n in range(1, 14)]
    assert label("political", "01") == "中共党员"
    assert label("political", "02") == "中共预备党员"
    assert label("political", "03") == "共青团员"
    assert label("political", "13") == "群众"


def test_education_gb_t_4658() -> None:
    edu = codes.EDUCATION
    assert all(len(c) == 2 and c.isdigit() for c in edu)
    for code in ("10", "11", "14", "17", "20", "21", "28", "30", "31", "40", "41", "44", "47"):
        assert code in edu
    for code in ("60", "61", "70", "71", "73", "80", "81", "83", "90"):
        assert code in edu
    assert label("education", "10") == "研究生教育"
    assert label("education", "21") == "大学本科毕业"
    assert label("education", "71") == "初中毕业"
    assert label("education", "90") == "其他"
    assert list(edu) == sorted(edu)


def test_relation_gb_t_4761() -> None:
    rel = codes.RELATION
    assert all(len(c) == 2 and c.isdigit() for c in rel)
    assert list(rel) == sorted(rel)
    for code in ["01", "02", "10", "11", "12", "97", "99"]:
        assert code in rel
    for decade in range(2, 9):  # 20-29 sons ... 80-89 other relatives, all present
        for unit in range(10):
            assert f"{decade}{unit}" in rel
    assert {f"9{u}" for u in range(0, 8)} <= set(rel)
    assert "98" not in rel
    assert label("relation", "01") == "本人"
    assert label("relation", "02") == "户主"
    assert label("relation", "10") == "配偶"
    assert label("relation", "21") == "独生子"
    assert label("relation", "22") == "长子"
    assert label("relation", "29") == "其他儿子"
    assert label("relation", "31") == "独生女"
    assert label("relation", "39") == "其他女儿"
    assert label("relation", "51") == "父亲"
    assert label("relation", "52") == "母亲"
    assert label("relation", "97") == "其他亲属"
    assert label("relation", "99") == "非亲属"


def test_label_languages_and_unknowns() -> None:
    assert label("visit_mode", "home") == "入户走访"
    assert label("visit_mode", "home", "en") == "Home visit"
    assert label("visit_mode", "home", "en_US") == "Home visit"
    assert label("visit_mode", "home", "zh_CN") == "入户走访"
    assert label("visit_mode", "carrier_pigeon") == "carrier_pigeon"
    with pytest.raises(KeyError):
        label("no_such_table", "x")


def test_is_valid() -> None:
    assert is_valid("ethnicity", "15")
    assert not is_valid("ethnicity", "15 ")
    assert not is_valid("ethnicity", "57")
    assert not is_valid("ethnicity", "")
    assert not is_valid("sex", 1)  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        is_valid("nope", "1")


def test_choices_in_table_order() -> None:
    assert choices("wellbeing") == [("good", "良好"), ("fair", "一般"), ("poor", "较差")]
    assert choices("wellbeing", "en") == [("good", "Good"), ("fair", "Fair"), ("poor", "Poor")]
    assert len(choices("ethnicity")) == 58
    with pytest.raises(KeyError):
        choices("nope")


def test_table_title() -> None:
    assert table_title("ethnicity") == "民族"
    assert table_title("ethnicity", "en") == "ethnicity"
    with pytest.raises(KeyError):
        table_title("nope")
