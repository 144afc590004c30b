"""The per-field rule both sides apply (jsxcore.merge)."""

from __future__ import annotations

from jsxcore.merge import MISSING, merge_field

OLD, MID, NEW = "0001700000000-00000-a", "0001700000001-00000-b", "0001700000002-00000-c"


def test_untouched_field_takes_the_edit() -> None:
    out = merge_field("x", "y", "x", MID, OLD)
    assert (out.value, out.take, out.conflict) == ("y", "mine", False)


def test_only_the_other_side_changed() -> None:
    out = merge_field("x", "x", "z", MID, NEW)
    assert (out.value, out.take, out.conflict) == ("z", "theirs", False)


def test_same_new_value_is_no_conflict() -> None:
    assert not merge_field("x", "y", "y", OLD, NEW).conflict


def test_both_changed_newer_stamp_wins() -> None:
    assert merge_field("x", "y", "z", NEW, MID).take == "mine"
    late = merge_field("x", "y", "z", MID, NEW)
    assert (late.value, late.take, late.conflict) == ("z", "theirs", True)


def test_changed_and_changed_back_after_the_edit_is_a_conflict() -> None:
    # Found by the convergence property on PostgreSQL: the server's value went
    # x -> w -> x after this edit was stamped; "theirs == base" is then no
    # proof that nobody touched the field, and applying the older edit
    # silently would lose the newer one.
    out = merge_field("x", "y", "x", MID, NEW)
    assert (out.value, out.take, out.conflict) == ("x", "theirs", True)


def test_no_base_means_any_difference_conflicts() -> None:
    assert merge_field(MISSING, "y", "z", NEW, OLD).conflict
    assert not merge_field(MISSING, "y", "y", NEW, OLD).conflict


def test_none_and_zero_differ() -> None:
    assert merge_field(None, 0, None, NEW, OLD).take == "mine"
    assert merge_field(0, 0, None, OLD, NEW).take == "theirs"
