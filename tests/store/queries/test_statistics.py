"""Statistics of a period, per village and by type."""

from __future__ import annotations

from datetime import date

from jsxclient.store.queries.statistics import statistics
from jsxclient.store.store import Store

from ...conftest import TOWNSHIP, VILLAGE
from .builders import add_members, conn, family, visit


def test_statistics_by_village_add_up(store: Store) -> None:
    add_members(store, 12)
    other = (
        conn(store)
        .execute(
            "SELECT code FROM division WHERE parent_code = ? AND code != ? LIMIT 1",
            (TOWNSHIP, VILLAGE),
        )
        .fetchone()[0]
    )
    add_members(store, 5, village=other)
    fid = family(store)
    visit(store, fid, date(2024, 3, 1))
    s = statistics(conn(store), TOWNSHIP, date(2024, 1, 1), date(2024, 12, 31))
    by = {v.code: v for v in s.villages}
    assert by[VILLAGE].members == 12 and by[other].members == 5
    assert by[VILLAGE].families == 1 and by[VILLAGE].families_visited == 1
    assert by[VILLAGE].home_visits == 1
    assert s.villages[0].code == TOWNSHIP
