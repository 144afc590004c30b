"""Monthly reports on the server: a township cannot answer its own report,
the review routes check role and area, targets are validated."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from jsxcore.messages import DomainError
from jsxserver.services import reports
from tests.server.support import LiveServer


def _report(dev: object, township: str, **kw: object) -> dict[str, object]:
    return dev.insert(  # type: ignore[attr-defined, no-any-return]
        "monthlyreport",
        township,
        period="2026-10",
        period_start="2026-10-01",
        period_end="2026-10-31",
        figures='{"version": 1}',
        **kw,
    )


def test_a_township_cannot_answer_its_own_report(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    accepted = dev.push_one(_report(dev, town.code, state="accepted"))
    assert (accepted["status"], accepted["reason_code"]) == ("rejected", "report.review_only")
    assert "县级审核员" in accepted["reason_zh"]
    ins = _report(dev, town.code, state="submitted")
    assert dev.push_one(ins)["status"] == "applied"
    comment = dev.push_one(dev.update("monthlyreport", ins["row_id"], review_comment="好"))
    assert comment["reason_code"] == "report.review_only"
    # Submitting again (the answer cleared) is the township's to do.
    again = dev.update("monthlyreport", ins["row_id"], state="submitted", reviewed_by=None)
    assert dev.push_one(again)["status"] in ("applied", "merged")


def test_review_routes_check_role_and_area(server: LiveServer) -> None:
    town, other = server.fresh_township(), server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    ins = _report(dev, town.code, state="submitted")
    assert dev.push_one(ins)["status"] == "applied"
    rid = ins["row_id"]
    stranger = server.device_for("county_reviewer", other.county)
    if other.county != town.county:
        r = stranger.http.post(
            server.url(f"/reports/{rid}/review"), json={"state": "accepted"}, timeout=30
        )
        assert r.status_code == 404 and r.json()["error"]["code"] == "report.not_found"
    reviewer = server.device_for("county_reviewer", town.county)
    # The period is matched in the database (JSON on SQLite and PostgreSQL).
    for period, listed_too in (("2026-10", True), ("2026-09", False)):
        listed = reviewer.http.get(server.url("/reports"), params={"period": period}, timeout=30)
        ids = [r["id"] for r in listed.json()["reports"]]
        assert (rid in ids) == listed_too
    bad = reviewer.http.post(
        server.url(f"/reports/{rid}/review"), json={"state": "maybe"}, timeout=30
    )
    assert bad.status_code == 422
    ok = reviewer.http.post(
        server.url(f"/reports/{rid}/review"), json={"state": "accepted"}, timeout=30
    )
    assert ok.status_code == 200 and ok.json()["state"] == "accepted"
    bad_period = reviewer.http.get(server.url("/reports"), params={"period": "Oct"}, timeout=30)
    assert bad_period.status_code == 422 and "2026-10" in bad_period.json()["error"]["zh"]


def test_targets_are_checked(server: LiveServer) -> None:
    with Session(server.db.write_engine) as session:
        with pytest.raises(DomainError):
            reports.set_target(session, "430105000000", "family_doctor", 90)
        with pytest.raises(ValueError):
            reports.set_target(session, "439999999999", "family_doctor", 0.9)
        reports.set_target(session, "430105000000", "family_doctor", 0.9)
        reports.set_target(session, "430105000000", "family_doctor", 0.8)
        over = reports.target_overrides(session, "430105003000")
    assert over["430105000000"] == {"family_doctor": 0.8}
