"""The per-field rule both sides apply (jsxcore.merge)."""

from __future__ import annotations

from jsxcore.merge import MISSING, RecordMerge, merge_field, merge_record

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


# -- a whole record: the one function push (server) and pull (client) call --------

ROW = {"name": "张三", "mobile": "13900000000", "created_at": "2026-01-01 00:00:00.000000"}
STAMPS = dict.fromkeys(ROW, OLD)


def record(**kw: object) -> RecordMerge:
    args: dict[str, object] = dict(
        written={},
        seen=ROW,
        mine_hlc={},
        deletes=False,
        delete_hlc=None,
        theirs=ROW,
        theirs_hlc=STAMPS,
        theirs_deleted=False,
    )
    args.update(kw)
    return merge_record(**args)  # type: ignore[arg-type]


def test_record_edit_of_an_untouched_row() -> None:
    rm = record(written={"mobile": "13700000000"}, mine_hlc={"mobile": NEW})
    assert rm.taken("mine") == ["mobile"] and not rm.conflicts and not rm.deleted
    assert rm.survivors == ["mobile"] and not rm.theirs_changed


def test_record_their_edit_beats_our_delete() -> None:
    theirs = {**ROW, "mobile": "13700000000"}
    rm = record(deletes=True, delete_hlc=NEW, theirs=theirs, theirs_hlc={**STAMPS, "mobile": MID})
    assert not rm.deleted and rm.theirs_changed
    dc = rm.delete_conflict
    assert dc is not None and (dc.field, dc.mine, dc.theirs, dc.take) == (
        "deleted",
        True,
        False,
        "theirs",
    )
    assert dc.theirs_hlc == MID and rm.conflicts == [dc]


def test_record_our_edit_beats_their_delete() -> None:
    rm = record(written={"mobile": "13700000000"}, mine_hlc={"mobile": MID}, theirs_deleted=True)
    assert not rm.deleted
    dc = rm.delete_conflict
    assert dc is not None and (dc.mine, dc.theirs, dc.take) == (False, True, "mine")


def test_record_an_edit_that_changes_nothing_leaves_a_delete_standing() -> None:
    rm = record(written={"mobile": ROW["mobile"]}, mine_hlc={"mobile": MID}, theirs_deleted=True)
    assert rm.deleted and rm.delete_conflict is None


def test_record_deleted_on_both_sides_is_no_conflict() -> None:
    rm = record(deletes=True, delete_hlc=NEW, theirs_deleted=True)
    assert rm.deleted and not rm.conflicts


def test_record_plain_delete() -> None:
    rm = record(deletes=True, delete_hlc=NEW)
    assert rm.deleted and not rm.conflicts


def test_record_insert_collision_of_a_derived_row() -> None:
    """Two sides derived the same row: no base; the creation time is
    write-once, equal values are no conflict, a different value is."""
    mine = {**ROW, "created_at": "2026-02-02 00:00:00.000000", "mobile": "13700000000"}
    rm = record(written=mine, seen={}, mine_hlc=dict.fromkeys(mine, NEW))
    assert "created_at" in rm.skipped and "created_at" not in rm.fields
    assert not rm.fields["name"].conflict
    assert rm.fields["mobile"].conflict and rm.fields["mobile"].take == "mine"


def test_record_field_the_other_side_never_had() -> None:
    rm = record(written={"notes": "x"}, mine_hlc={"notes": MID})
    assert rm.fields["notes"].take == "mine" and not rm.conflicts
