"""Which client may sync with which server: the version check both sides run.

Three things are compared (docs/sync-protocol.md section 1.1):

* **protocol**: each side speaks a range of protocol versions
  (`PROTOCOL_MIN`..`PROTOCOL_VERSION` of the code it was built from). The
  client writes its requests in the newest version both ranges hold; an
  empty overlap means one side is too old.
* **record schema** (`jsxcore.entities.SCHEMA_VERSION`): the entities and
  fields that travel. A server serves clients whose schema lies between its
  `min_client_schema` and its own.
* **program version**: the server may refuse programs older than its
  setting `min_client_version` (a release policy: "everyone on 0.2 by
  Monday"), and advertise the newest release and where to download it.

The client checks `GET /version` before it writes anything (`check`); the
server checks the request headers of every request (`refusal`), so a client
that never asks (every 0.1.x release) is refused too, before any route runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jsxcore.entities import SCHEMA_VERSION
from jsxcore.protocol import PROTOCOL_MIN, PROTOCOL_VERSION, VersionInfo
from jsxcore.version import is_older

Verdict = Literal["ok", "client_too_old", "server_too_old"]

#: The oldest record schema a server of this code serves (see Peer).
MIN_CLIENT_SCHEMA = 1

#: Every program from 0.2.0 on sends CLIENT_HEADER. A request that states a
#: protocol but no program version comes from an older client.
UNSTATED_CLIENT_VERSION = "0.1.0"


@dataclass(frozen=True)
class Peer:
    """What one side speaks."""

    protocol_min: int = PROTOCOL_MIN
    protocol_max: int = PROTOCOL_VERSION
    schema: int = SCHEMA_VERSION
    # The oldest record schema of a client a server serves. A server sends
    # its rows unconverted; schemas 2 and 3 only added an entity each
    # (monthlyreport, persondecision), which an older client skips when it
    # pulls it, so all are served.
    schema_min: int = MIN_CLIENT_SCHEMA


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    protocol: int | None  # the version to write requests in, when ok
    why: str = ""  # for logs and the error's detail


def choose_protocol(client: Peer, server_min: int, server_max: int) -> int | None:
    """The newest protocol version both sides speak, None if there is none."""
    version = min(client.protocol_max, server_max)
    return version if version >= max(client.protocol_min, server_min) else None


def check(info: VersionInfo, app_version: str, client: Peer | None = None) -> Outcome:
    """The client's side: may this program sync with the server that sent `info`?"""
    me = client or Peer()
    protocol = choose_protocol(me, info.min_client_protocol, info.protocol)
    if protocol is None:
        if me.protocol_max < info.min_client_protocol:
            return Outcome(
                "client_too_old",
                None,
                f"protocol {me.protocol_min}-{me.protocol_max}, server needs "
                f">= {info.min_client_protocol}",
            )
        return Outcome(
            "server_too_old",
            None,
            f"protocol {me.protocol_min}-{me.protocol_max}, server speaks <= {info.protocol}",
        )
    if me.schema < info.min_client_schema:
        return Outcome(
            "client_too_old",
            None,
            f"record schema {me.schema}, server needs >= {info.min_client_schema}",
        )
    if me.schema > info.schema_version:
        return Outcome(
            "server_too_old",
            None,
            f"record schema {me.schema}, server has {info.schema_version}",
        )
    if info.min_client_version and is_older(app_version, info.min_client_version):
        return Outcome(
            "client_too_old", None, f"program {app_version}, server needs {info.min_client_version}"
        )
    return Outcome("ok", protocol)


def refusal(
    protocol: str | None,
    schema: str | None,
    client_version: str | None,
    min_client_version: str | None,
    server: Peer | None = None,
) -> Outcome:
    """The server's side, from a request's headers (`None`: header absent).

    A request without a protocol header is not from a jsxclient (a browser, a
    health check) and is let through; the routes that need a client need a
    token, which only a client that passed this check obtained."""
    me = server or Peer()
    if protocol is None:
        return Outcome("ok", None)
    major = protocol.strip().split(".", 1)[0]
    if not (major.isascii() and major.isdigit()):
        return Outcome("server_too_old", None, f"unreadable protocol {protocol!r}")
    version = int(major)
    if version < me.protocol_min:
        return Outcome("client_too_old", None, f"protocol {version} < {me.protocol_min}")
    if version > me.protocol_max:
        return Outcome("server_too_old", None, f"protocol {version} > {me.protocol_max}")
    stated_schema = (schema or "").strip()
    # ASCII only: int() also reads full-width and Arabic-Indic digits.
    readable = stated_schema.isascii() and stated_schema.isdigit()
    client_schema = int(stated_schema) if readable else 1
    if client_schema < me.schema_min:
        return Outcome("client_too_old", None, f"record schema {client_schema} < {me.schema_min}")
    if client_schema > me.schema:
        return Outcome("server_too_old", None, f"record schema {client_schema} > {me.schema}")
    stated = (client_version or "").strip() or UNSTATED_CLIENT_VERSION
    if min_client_version:
        try:
            too_old = is_older(stated, min_client_version)
        except ValueError:
            too_old = True  # an unreadable version is no proof of being new enough
        if too_old:
            return Outcome("client_too_old", None, f"program {stated} < {min_client_version}")
    return Outcome("ok", version)


def too_old_text(have: str, need: str | None, download_url: str | None) -> tuple[str, str]:
    """What a worker reads when the server refuses this program: in Chinese
    and English, with the version needed and where to get it."""
    need_zh = f"服务器要求 {need} 或更新的版本" if need else "服务器要求更新的版本"
    need_en = (
        f"the server needs version {need} or newer" if need else "the server needs a newer one"
    )
    get_zh = (
        f"下载地址：{download_url}" if download_url else "请向县级或省级管理员索取新版本安装程序"
    )
    get_en = (
        f"Download it from {download_url}"
        if download_url
        else "Ask your county or province administrator for the new installer"
    )
    return (
        f"本程序版本过旧（{have}），{need_zh}。请更新程序后再同步：{get_zh}。"
        "未同步的数据仍安全保存在本机，更新后即可同步。",
        f"This program ({have}) is too old: {need_en}. Please update it, then sync: "
        f"{get_en}. Unsynced records stay safe on this computer and sync after the update.",
    )


def server_too_old_text() -> tuple[str, str]:
    return (
        "服务器的版本较旧，还不支持本程序。请联系县级或省级管理员升级服务器；"
        "未同步的数据仍安全保存在本机。",
        "The server is older than this program and cannot take its data yet. Ask your county "
        "or province administrator to update the server; unsynced records stay safe here.",
    )
