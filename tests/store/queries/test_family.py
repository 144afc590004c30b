"""A special family's page: its next visit, the eligibility inputs from its
member list, and the subsidy rate that applies."""

from __future__ import annotations

from datetime import date, timedelta

from jsxclient.store.queries.family import family_eligibility_inputs, family_summary, subsidy_rate
from jsxclient.store.store import Store

from ...conftest import VILLAGE
from .builders import conn, family, visit


def test_next_visit_counts_from_enrolment_or_recording(store: Store) -> None:
    today = date.today()
    enrolled = family(store, enrolled="2024-01-10")
    s = family_summary(conn(store), enrolled, today)
    assert s is not None and s.next_due == "2024-04-10" and s.head_name == "邓淑兰"
    visit(store, enrolled, today, mode="phone")  # no face-to-face visit
    s = family_summary(conn(store), enrolled, today)
    assert s is not None and s.next_due == "2024-04-10" and s.visits_this_year == 1
    with store.transaction() as tx:
        tx.update("specialfamily", enrolled, {"enrolled_on": None})
    s = family_summary(conn(store), enrolled, today)
    assert s is not None and s.next_due == (today + timedelta(days=91)).isoformat()
    assert family_summary(conn(store), "0" * 32, today) is None


def test_eligibility_inputs_read_the_member_list(store: Store) -> None:
    with store.transaction() as tx:
        husband = tx.insert("person", dict(name="王大", sex="1", division_code=VILLAGE))
        wife = tx.insert(
            "person", dict(name="刘芳", sex="2", division_code=VILLAGE, birth_date="1960-02-03")
        )
        son = tx.insert("person", dict(name="王小", sex="1", division_code=VILLAGE))
        fid = tx.insert(
            "specialfamily",
            dict(category="bereaved", division_code=VILLAGE, head_person_id=husband),
        )
        for pid, relation in ((wife, "12"), (son, "22")):
            tx.insert(
                "familymember",
                dict(family_id=fid, person_id=pid, relation=relation, division_code=VILLAGE),
            )
    assert family_eligibility_inputs(conn(store), fid, husband) == ("1960-02-03", 1)
    # A new family (no id yet) with a female head: her birth date, children unknown.
    assert family_eligibility_inputs(conn(store), None, wife) == ("1960-02-03", None)
    assert family_eligibility_inputs(conn(store), None, None) == (None, None)


def test_the_latest_rate_up_to_the_year_applies(store: Store) -> None:
    with store.transaction() as tx:
        tx.insert("subsidyrate", dict(kind="hospital_care", year=2022, rate_fen=5000))
        tx.insert("subsidyrate", dict(kind="hospital_care", year=2024, rate_fen=8000))
        assert tx.subsidy_rate("hospital_care", 2023) == 5000  # the write path's lookup
    assert subsidy_rate(conn(store), "hospital_care", 2025) == 8000
    assert subsidy_rate(conn(store), "hospital_care", 2021) is None
    assert subsidy_rate(conn(store), "birth_care", 2025) is None
