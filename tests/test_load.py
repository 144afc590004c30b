"""The suite's time limits stretch with the machine's load (tests/load.py)."""

from __future__ import annotations

import pytest

from tests.load import FACTOR, scaled


def test_time_limit_is_the_configured_one_stretched(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("timeout")
    assert marker is not None
    base = float(request.config.getini("timeout"))
    assert FACTOR >= 1 and marker.args[0] == int(scaled(base)) >= base
