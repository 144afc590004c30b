"""Property-based requests generated from the served OpenAPI document: no
input, valid or not, may produce a 5xx; every error has our shape."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from jsxcore.protocol import ErrorResponse
from tests.server.support import LiveServer

MAX_EXAMPLES = 30


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(server: LiveServer, mode: GenerationMode) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    schema = schemathesis.openapi.from_url(server.url("/openapi.json"))
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 6
    for op in operations:
        if op.path.endswith("/auth/logout"):
            continue  # would revoke the token the other operations use

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=op.as_strategy(generation_mode=mode))
        def check(case: schemathesis.Case) -> None:
            response = case.call(base_url=server.base_url, session=dev.http)
            assert response.status_code < 500, (case.method, case.path, response.text[:500])
            if response.status_code >= 400:
                ErrorResponse.model_validate_json(response.content)

        try:
            check()
        except Unsatisfiable:
            # Nothing to break: no parameters and no body (negative mode).
            assert mode == GenerationMode.NEGATIVE
