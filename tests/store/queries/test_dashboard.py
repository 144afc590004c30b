"""The dashboard's due visits and follow-ups."""

from __future__ import annotations

from datetime import date, timedelta

from jsxclient.store.queries.dashboard import dashboard
from jsxclient.store.store import Store

from .builders import conn, family, visit


def test_dashboard_due_visits_and_follow_ups(store: Store) -> None:
    today = date.today()
    overdue = family(store)
    visit(store, overdue, today - timedelta(days=120))
    fine = family(store)
    visit(store, fine, today - timedelta(days=10))
    phoned = family(store)
    visit(store, phoned, today - timedelta(days=120))
    visit(store, phoned, today - timedelta(days=5), mode="phone")  # a call is no home visit
    follow = family(store)
    visit(
        store,
        follow,
        today - timedelta(days=3),
        follow_up_due=today + timedelta(days=2),
        needs="想了解补贴政策",
    )
    major = family(store)
    visit(store, major, today - timedelta(days=2), major_event=True)
    d = dashboard(conn(store), today)
    due = {x.family_id: x for x in d.due}
    assert overdue in due and due[overdue].due < today.isoformat()
    assert phoned in due and fine not in due
    assert due[follow].reason == "follow_up"
    assert {f.family_id for f in d.follow_ups} == {follow, major}
    assert d.overdue == 2 and d.counts["families"] == 5
    assert d.pending == store.pending_count()
