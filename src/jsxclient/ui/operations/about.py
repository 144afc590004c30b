"""What the About box shows; read on the database worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jsxclient.store import schema
from jsxcore.entities import SCHEMA_VERSION
from jsxcore.protocol import PROTOCOL_VERSION
from jsxcore.version import APP_VERSION

if TYPE_CHECKING:
    from jsxclient.store.store import Store


@dataclass(frozen=True)
class AboutInfo:
    version: str
    store_path: str
    store_schema: int
    protocol: int
    record_schema: int
    server_url: str | None
    update_version: str | None  # a newer release the server told us about
    update_url: str | None


def about(store: Store) -> AboutInfo:
    from jsxclient.sync.handshake import known_update

    notice = known_update(store)
    return AboutInfo(
        version=APP_VERSION,
        store_path=str(store.db.path),
        store_schema=schema.schema_version(store.db.connection()),
        protocol=PROTOCOL_VERSION,
        record_schema=SCHEMA_VERSION,
        server_url=store.meta("server_url"),
        update_version=notice.version if notice else None,
        update_url=notice.download_url if notice else None,
    )
