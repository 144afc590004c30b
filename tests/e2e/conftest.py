"""Fixtures for end-to-end sync tests: templates once per session, one real
server process per test module, devices per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import Device, ServerProcess, make_client_template, make_server_template

MakeDevice = Callable[..., Device]


@pytest.fixture(scope="session")
def server_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("server-template") / "server.db"
    make_server_template(path)
    return path


@pytest.fixture(scope="session")
def client_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("client-template") / "client.db"
    make_client_template(path)
    return path


@pytest.fixture(scope="module")
def server(
    server_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    d = tmp_path_factory.mktemp("server")
    shutil.copyfile(server_template, d / "server.db")
    srv = ServerProcess(f"sqlite:///{d / 'server.db'}", d / "server.log").start()
    yield srv
    srv.stop()


@pytest.fixture
def make_device(
    server: ServerProcess, client_template: Path, tmp_path: Path
) -> Iterator[MakeDevice]:
    made: list[Device] = []

    def make(username: str, name: str = "", **kw: Any) -> Device:
        name = name or f"dev{len(made)}"
        d = Device(tmp_path / f"{name}.db", client_template, server, username, name, **kw)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()
