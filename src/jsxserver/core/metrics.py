"""Prometheus metrics of this server (``GET /metrics``, text format).

With several worker processes (``serve --workers N``) every worker writes its
samples to files in ``PROMETHEUS_MULTIPROC_DIR`` (``serve`` sets one up) and
``/metrics`` adds them up, so whichever worker answers the scrape reports the
whole server. The variable must be set before this module is first imported.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "jsxserver_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "jsxserver_request_duration_seconds",
    "Time to answer a request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
CHANGES = Counter(
    "jsxserver_changes_total",
    "Pushed changes by result (applied, merged, conflict, rejected)",
    ["status"],
)
CONFLICTS = Counter(
    "jsxserver_conflict_fields_total", "Fields both sides changed (kept as conflicts)"
)
REJECTIONS = Counter("jsxserver_rejections_total", "Rejected changes by reason code", ["reason"])
PULLED_ROWS = Counter("jsxserver_pulled_rows_total", "Rows sent by pulls")
LOGINS = Counter("jsxserver_logins_total", "Login attempts by outcome", ["outcome"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


def render() -> bytes:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()
