"""The sync stage tests run against the same real server process as e2e."""

from tests.e2e.conftest import client_template, make_device, server, server_template

__all__ = ["client_template", "make_device", "server", "server_template"]
