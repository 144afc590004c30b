"""Demo data never reaches a server: connect, the transport and the sync
engine refuse a demo store before any request; demo data is never written
into a connected store."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsxclient import demo
from jsxclient.store.store import Store
from jsxclient.sync import account
from jsxclient.sync.engine import SyncEngine
from jsxclient.sync.errors import DemoStoreError
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import PASSWORD, ServerProcess


def test_a_demo_store_is_refused_by_connect(tmp_path: Path, server: ServerProcess) -> None:
    township, _villages = server.fresh_township()
    user = server.make_user(township)
    store = Store.open(tmp_path / "demo.db", user="tester")
    try:
        demo.generate(store, township, scale=0.02, seed=3)
        assert store.is_demo
        with pytest.raises(DemoStoreError) as caught:
            account.connect(store, server.url, user, PASSWORD, "laptop")
        assert "演示数据" in caught.value.text("zh") and "demo data" in caught.value.text("en")
        assert store.meta("server_url") is None  # nothing of the server was kept
        # The layers below refuse too, whatever a caller hands them.
        with pytest.raises(DemoStoreError):
            account.make_transport(store)
        from jsxclient.sync.transport import Transport

        with pytest.raises(DemoStoreError), Transport(server.url) as t:
            SyncEngine(store, t).run()
        # The server never heard of this device.
        assert server.records(township) == {
            k: v for k, v in server.records(township).items() if k[0] == "association"
        }
    finally:
        store.close()


def test_demo_data_is_not_written_into_a_connected_store(
    server: ServerProcess, make_device: MakeDevice
) -> None:
    township, _villages = server.fresh_township()
    d = make_device(server.make_user(township))
    d.sync()
    with pytest.raises(ValueError, match="connected to a server"):
        demo.generate(d.store, township, scale=0.02, seed=3)
    assert not d.store.is_demo and d.pending() == 0
