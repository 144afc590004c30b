"""The version handshake: before a sync or a login writes anything, ask the
server what it speaks (`GET /version`) and agree on a protocol version, or
refuse plainly ("please update") when one side is too old.

The server checks the same on every request (jsxcore.compat), which covers
clients that never ask; asking first is what lets this program refuse
before it has written anything on either side, and learn about a newer
release even when it is still accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from jsxclient.store.store import Store
from jsxclient.sync.errors import ClientTooOldError, ServerTooOldError
from jsxclient.sync.transport import Transport
from jsxcore import compat
from jsxcore.protocol import VersionInfo
from jsxcore.version import APP_VERSION, is_older

# What the server last said about releases (shown in the About box and the
# status bar until a sync says otherwise).
LATEST_KEY = "server_latest_client_version"
DOWNLOAD_KEY = "server_download_url"


@dataclass(frozen=True)
class UpdateNotice:
    version: str
    download_url: str | None

    def text(self, lang: str = "zh") -> str:
        where = self.download_url
        if lang.lower().startswith("en"):
            return f"Version {self.version} is available" + (f": {where}" if where else ".")
        return f"新版本 {self.version} 已发布" + (f"，下载地址：{where}" if where else "。")


def handshake(transport: Transport, app_version: str = APP_VERSION) -> VersionInfo:
    """Agree on the protocol with the server `transport` talks to, or raise
    `ClientTooOldError` / `ServerTooOldError` (both exit status 6)."""
    info = transport.version()
    outcome = compat.check(info, app_version)
    if outcome.verdict == "client_too_old":
        need = info.min_client_version or info.latest_client_version
        raise ClientTooOldError(
            outcome.why, *compat.too_old_text(app_version, need, info.download_url)
        )
    if outcome.verdict == "server_too_old":
        raise ServerTooOldError(outcome.why, *compat.server_too_old_text())
    assert outcome.protocol is not None
    transport.protocol = outcome.protocol
    transport.server_features = list(info.features)  # the security stage reads them
    return info


def update_notice(info: VersionInfo, app_version: str = APP_VERSION) -> UpdateNotice | None:
    latest = info.latest_client_version
    try:
        newer = bool(latest) and is_older(app_version, latest or "")
    except ValueError:
        newer = False
    return UpdateNotice(latest or "", info.download_url) if newer else None


def remember_release(store: Store, info: VersionInfo) -> None:
    """Keep what the server says about a newer release (or forget an old note)."""
    notice = update_notice(info)
    want = {
        LATEST_KEY: notice.version if notice else None,
        DOWNLOAD_KEY: notice.download_url if notice else None,
    }
    if all(store.meta(k) == v for k, v in want.items()):
        return  # nothing new: no write
    with store.transaction() as tx:
        for key, value in want.items():
            if value is None:
                tx.conn.execute("DELETE FROM meta WHERE key=?", (key,))
            else:
                store.set_meta(key, value, tx.conn)


def known_update(store: Store) -> UpdateNotice | None:
    """The newer release the server told this store about at the last sync."""
    latest = store.meta(LATEST_KEY)
    if not latest:
        return None
    try:
        if not is_older(APP_VERSION, latest):
            return None  # this program has been updated since
    except ValueError:
        return None
    return UpdateNotice(latest, store.meta(DOWNLOAD_KEY))
