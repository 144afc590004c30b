"""The rule of merging two records of one person (jsxcore.personmerge)."""

from __future__ import annotations

import pytest

from jsxcore import personmerge as pm

KEPT = {
    "id": "a",
    "name": "刘玉兰",
    "sex": "2",
    "birth_date": "1950-01-02",
    "mobile": "13807310001",
    "address": None,
    "created_at": "2025-01-01 08:00:00",
    "deleted": False,
}


def test_compare_fills_what_only_the_other_has_and_lists_differences() -> None:
    other = {**KEPT, "id": "b", "mobile": "13907310002", "address": "东门组", "created_at": "x"}
    cmp = pm.compare(KEPT, other)
    assert cmp.fill == {"address": "东门组"}
    assert cmp.differences == [pm.Difference("mobile", "13807310001", "13907310002")]


def test_empty_values_and_record_fields_are_never_differences() -> None:
    other = {**KEPT, "id": "b", "mobile": "", "deleted": True, "created_at": "2026-01-01"}
    assert pm.compare(KEPT, other) == pm.Comparison({}, [])


def test_resolve_takes_the_chosen_side_and_the_kept_one_by_default() -> None:
    other = {**KEPT, "name": "刘玉蓝", "mobile": "13907310002", "address": "东门组"}
    cmp = pm.compare(KEPT, other)
    assert pm.resolve(cmp, {}) == {"address": "东门组"}
    assert pm.resolve(cmp, {"name": "other", "mobile": "kept"}) == {
        "address": "东门组",
        "name": "刘玉蓝",
    }


def test_resolve_refuses_choices_that_are_not_differences() -> None:
    cmp = pm.compare(KEPT, {**KEPT, "name": "刘玉蓝"})
    with pytest.raises(pm.ChoiceError):
        pm.resolve(cmp, {"sex": "other"})
    with pytest.raises(pm.ChoiceError):
        pm.resolve(cmp, {"name": "mine"})  # type: ignore[dict-item]


def test_keeper_prefers_an_id_number_then_the_first_registered() -> None:
    early = {**KEPT, "id": "z", "created_at": "2024-05-01 00:00:00"}
    late = {**KEPT, "id": "a", "created_at": "2025-05-01 00:00:00"}
    assert pm.keeper(late, early) == ("z", "a")
    assert pm.keeper(early, {**late, "id_number": "430105195001020028"}) == ("a", "z")
    same_time = {**early, "id": "y"}
    assert pm.keeper(early, same_time) == pm.keeper(same_time, early) == ("y", "z")


def test_pair_is_the_same_either_way_round() -> None:
    assert pm.pair("b", "a") == pm.pair("a", "b") == "a:b"
