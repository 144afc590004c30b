"""Server settings: the release policy is checked when the server starts."""

from __future__ import annotations

import pytest

from jsxserver.core.config import Settings


def test_release_settings_come_from_the_environment() -> None:
    s = Settings.from_env(
        {
            "JSXSERVER_MIN_CLIENT_VERSION": "0.2.0",
            "JSXSERVER_LATEST_CLIENT_VERSION": "0.2.1",
            "JSXSERVER_CLIENT_DOWNLOAD_URL": "https://jsx.example.gov.cn/dl/",
        }
    )
    assert (s.min_client_version, s.latest_client_version) == ("0.2.0", "0.2.1")
    assert Settings.from_env({}).min_client_version == ""  # no policy: any client


def test_a_mistyped_version_stops_the_server() -> None:
    with pytest.raises(ValueError, match="JSXSERVER_MIN_CLIENT_VERSION"):
        Settings.from_env({"JSXSERVER_MIN_CLIENT_VERSION": "latest"})
