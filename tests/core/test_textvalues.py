"""Values as spreadsheets keep them, read into wire form."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jsxcore import textvalues as tv
from jsxcore.messages import DomainError
from jsxcore.validation import make_id_number

ID = make_id_number("430105", date(1980, 3, 4), 123)


@pytest.mark.parametrize(
    "value",
    [
        "1990-01-01",
        "1990/1/1",
        "1990/01/01",
        "1990.1.1",
        "1990年1月1日",
        "１９９０年１月１日",
        "19900101",
        " 1990-1-1 00:00:00 ",
        32874,
        32874.0,
        "32874",
        date(1990, 1, 1),
        datetime(1990, 1, 1, 0, 0),
    ],
)
def test_dates(value: object) -> None:
    assert tv.parse_date(value) == date(1990, 1, 1)


@pytest.mark.parametrize("value", ["1990.2.30", "90.1.1", "一九九〇年", "2024-13-01", True, 5])
def test_bad_dates(value: object) -> None:
    with pytest.raises(DomainError) as err:
        tv.parse_date(value, "birth_date")
    assert err.value.issue.code == "date.format" and err.value.issue.field == "birth_date"
    assert "2024年5月29日" in err.value.issue.zh


def test_blank() -> None:
    for v in (None, "", "  ", "\u3000", float("nan")):
        assert tv.parse_date(v) is None and tv.text(v) is None


@pytest.mark.parametrize(
    ("table", "value", "code"),
    [
        ("sex", "男", "1"),
        ("sex", "女性", "2"),
        ("sex", 1.0, "1"),
        ("ethnicity", "汉族", "01"),
        ("ethnicity", "汉", "01"),
        ("ethnicity", "Tujia", "15"),
        ("ethnicity", 6, "06"),
        ("political", "党员", "01"),
        ("education", "大专", "31"),
        ("relation", "户主", "02"),
        ("family_category", "失独", "bereaved"),
        ("visit_mode", " 入户走访 ", "home"),
        ("member_role", "理事", "council"),
    ],
)
def test_code_words(table: str, value: object, code: str) -> None:
    assert tv.parse_code(table, value) == code


def test_unknown_code_word() -> None:
    with pytest.raises(DomainError) as err:
        tv.parse_code("ethnicity", "火星族", "ethnicity")
    assert "民族" in err.value.issue.zh and "火星族" in err.value.issue.zh


def test_id_numbers() -> None:
    assert tv.parse_id_cell(f" {ID.lower()} ") == ID
    wide = ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert tv.parse_id_cell(wide) == ID
    assert tv.parse_id_cell("'" + ID) == ID  # Excel's text prefix in a CSV
    legacy = ID[:6] + ID[8:17]
    assert tv.parse_id_cell(legacy) == ID[:17] + tv.parse_id_cell(legacy)[-1]
    assert tv.parse_id_cell(int(legacy)) == tv.parse_id_cell(legacy)  # 15 digits fit a double
    for spoiled in (float(ID[:17] + "0"), 4.30105e17, "4.30105E+17", "4.30105e+17"):
        with pytest.raises(DomainError) as err:
            tv.parse_id_cell(spoiled)
        assert err.value.issue.code == "id_number.as_number"
    with pytest.raises(DomainError) as err:
        tv.parse_id_cell("430***********123X")
    assert err.value.issue.code == "id_number.masked"
    assert tv.parse_id_cell("12345") == "12345"  # for the record rules to judge


def test_phones_money_counts_flags() -> None:
    assert tv.parse_phone(13812345678.0) == "13812345678"
    assert tv.parse_phone("+86 138-1234-5678") == "13812345678"
    assert tv.parse_phone("１３８１２３４５６７８") == "13812345678"
    assert tv.parse_money_fen("￥1,234.50") == 123450
    assert tv.parse_money_fen("200元") == 20000
    assert tv.parse_money_fen(12.345) == 1235
    assert tv.parse_int("12人") == 12 and tv.parse_int(3.0) == 3
    with pytest.raises(DomainError):
        tv.parse_int("2.5")
    assert tv.parse_bool("√") is True and tv.parse_bool("否") is False
    assert tv.parse_bool(1) is True and tv.parse_bool("已签约") is True
    with pytest.raises(DomainError):
        tv.parse_bool("也许")


def test_text_keeps_chinese_punctuation() -> None:
    assert tv.text("上门慰问，陪同聊天（2次）") == "上门慰问，陪同聊天（2次）"
    assert tv.text("３号楼\u3000２单元") == "3号楼 2单元"
    assert tv.person_name("张\u3000三") == "张三"
    assert tv.person_name("Anna  Lee") == "Anna Lee"
    assert tv.text(12.0) == "12"
