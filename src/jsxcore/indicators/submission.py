"""A township's monthly report sent up to the county: the record's id, the
states it passes through and who may move it.

The township submits (state ``submitted``); a county reviewer accepts it or
returns it with a comment (``accepted``/``returned``); a returned report is
corrected and submitted again into the same record. An accepted one is final.
"""

from __future__ import annotations

import uuid

from jsxcore.messages import DomainError, Issue

_NAMESPACE = uuid.UUID("6f1c3a52-8d7e-4b0a-9c55-2f3e1d7a9b40")

REVIEW_STATES = ("accepted", "returned")


def report_id(township: str, period_key: str) -> str:
    """Deterministic: two devices of a township submitting the same period
    write one record, whose fields merge like any other."""
    return uuid.uuid5(_NAMESPACE, f"monthlyreport:{township}:{period_key}").hex


def already_accepted(period_label: str) -> DomainError:
    return DomainError(
        Issue(
            "state",
            "report.accepted",
            f"{period_label}的月报已由县级审核通过，不能重新上报",
            f"The report for {period_label} was accepted by the county and cannot be "
            "submitted again",
        )
    )


def comment_needed() -> DomainError:
    return DomainError(
        Issue(
            "review_comment",
            "report.comment_needed",
            "退回月报时请写明原因，乡镇才知道要改什么",
            "Say why when returning a report, so the township knows what to correct",
        )
    )
