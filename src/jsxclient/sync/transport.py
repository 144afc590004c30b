"""HTTP transport: one requests session per server, typed replies, typed errors.

Retries connection failures, timeouts and 5xx with exponential backoff and
jitter; never a 4xx. Retrying a push is safe because the server is idempotent
by batch_id and change_id. Bodies are counted as they travel (compressed), so
the receipt shows real traffic. Every reply is parsed into its protocol model
before anyone sees it: a reply that does not parse raises `SyncBugError` and
the caller has changed nothing yet.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import random
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast
from urllib.parse import urlsplit

import orjson
import requests
import urllib3.exceptions
from pydantic import BaseModel, TypeAdapter, ValidationError

from jsxclient.sync.errors import (
    AuthExpiredError,
    ClientTooOldError,
    InsecureServerError,
    OfflineError,
    RejectedError,
    ServerError,
    ServerIncompatibleError,
    SyncBugError,
    SyncCancelled,
)
from jsxcore.entities import SCHEMA_VERSION
from jsxcore.protocol import (
    API_PREFIX,
    CLIENT_HEADER,
    MAX_RESPONSE_BYTES,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SCHEMA_HEADER,
    TABLE_TAIL,
    ErrorResponse,
    LoginRequest,
    LoginResponse,
    PulledRow,
    PullPage,
    PullResponse,
    PullTables,
    PushRequest,
    PushResponse,
    ReferenceResponse,
    VersionInfo,
)
from jsxcore.version import APP_VERSION
from jsxcore.wire import is_tables, table_rows

M = TypeVar("M", bound=BaseModel)

_PULL_PAGE = TypeAdapter(PullPage)

FaultPhase = Literal["before_send", "after_response"]


@dataclass(frozen=True)
class FaultPoint:
    """Where a test's fault hook is consulted. Raising `requests.ConnectionError`
    at "after_response" simulates a reply lost after the server committed."""

    phase: FaultPhase
    method: str
    path: str
    attempt: int
    status: int | None = None


FaultHook = Callable[[FaultPoint], None]

# Failures worth retrying: the request may or may not have reached the server.
_NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
    ConnectionError,
)


# Not the request's fault: busy or slow server, try again like a 5xx.
_RETRY_STATUSES = frozenset({408, 429})


class ReplyTooLarge(ValueError):
    """A reply (or what it inflates to) beyond MAX_RESPONSE_BYTES."""


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """HTTPS for every server but one on this computer: a password or token
    never crosses a network in clear. Raises `InsecureServerError`."""
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return
    raise InsecureServerError(url)


class Transport:
    LOGIN = "/auth/login"
    PUSH = "/push"
    PULL = "/pull"
    REFERENCE = "/reference"
    HEALTH = "/health"
    VERSION = "/version"

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        ca_bundle: str | None = None,
        verify: bool = True,
        connect_timeout: float = 10.0,
        read_timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        backoff_max: float = 8.0,
        gzip_requests: bool = True,
        fault: FaultHook | None = None,
    ) -> None:
        check_url(base_url)
        self.base_url = base_url.rstrip("/")
        self.token = token
        # A CA bundle path replaces the system store (a provincial private CA).
        # Verification can be switched off only for a server on this computer
        # (tests); anywhere else it stays on.
        if not verify and not is_loopback(urlsplit(self.base_url).hostname or ""):
            raise InsecureServerError(f"{base_url}: TLS verification cannot be turned off")
        self.verify: bool | str = ca_bundle if ca_bundle else verify
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.gzip_requests = gzip_requests
        self.fault = fault
        self.cancel: threading.Event | None = None
        # What /version lists (jsxcore.protocol FEATURE_*), asked once.
        self.server_features: list[str] | None = None
        self.bytes_sent = 0
        self.bytes_received = 0
        self._lock = threading.Lock()
        self._session = requests.Session()
        # Every request says what this program is, so a server that no longer
        # takes it refuses before any route runs (jsxcore.compat).
        self._session.headers.update(
            {
                PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                SCHEMA_HEADER: str(SCHEMA_VERSION),
                CLIENT_HEADER: APP_VERSION,
                "Accept": "application/json",
                "Accept-Encoding": "gzip",
                "User-Agent": f"jsxclient/{APP_VERSION}",
            }
        )

    @property
    def protocol(self) -> int:
        """The protocol version requests are written in (set by the handshake)."""
        return int(self._session.headers[PROTOCOL_HEADER])

    @protocol.setter
    def protocol(self, version: int) -> None:
        self._session.headers[PROTOCOL_HEADER] = str(version)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the protocol's calls ---------------------------------------------------

    def login(self, req: LoginRequest) -> LoginResponse:
        return self.call("POST", self.LOGIN, LoginResponse, body=req, auth=False, gzip_body=False)

    def push(self, req: PushRequest | bytes) -> PushResponse:
        """``req`` may come as its JSON already (the push stage encodes and
        checks a whole batch at once)."""
        return self.call("POST", self.PUSH, PushResponse, body=req)

    def pull(self, cursor: int, limit: int, own_after: int | None = None) -> PullResponse:
        """One page as `PullResponse` rows, whatever protocol it came in."""
        raw = self.pull_raw(cursor, limit, own_after)
        page = self.parse_page(raw)
        if is_tables(page):
            return PullResponse(
                rows=[PulledRow.model_validate(row) for row in table_rows(page)],
                cursor=page["cursor"],
                more=page["more"],
                server_seq=page["server_seq"],
            )
        return self.parse(raw, PullResponse, "GET /pull")

    def reference(self) -> ReferenceResponse:
        return self.call("GET", self.REFERENCE, ReferenceResponse)

    def version(self) -> VersionInfo:
        return self.call("GET", self.VERSION, VersionInfo, auth=False)

    def health(self) -> bool:
        """One quick probe, no retries: is the server there and answering?"""
        try:
            resp = self._session.get(
                self._url(self.HEALTH), timeout=(3.0, 5.0), verify=self.verify, stream=True
            )
            try:
                body = resp.raw.read(64 * 1024, decode_content=False)
            finally:
                resp.close()
        except _NETWORK_ERRORS:
            return False
        except requests.RequestException:
            return False
        with self._lock:
            self.bytes_received += len(body)
        return resp.status_code < 500

    # -- the machinery ------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.base_url}{API_PREFIX}{path}"

    def call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        body: BaseModel | bytes | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        gzip_body: bool | None = None,
    ) -> M:
        text = self.fetch(method, path, body=body, params=params, auth=auth, gzip_body=gzip_body)
        return self.parse(text, model, f"{method} {path}")

    @staticmethod
    def parse(text: bytes, model: type[M], what: str = "reply") -> M:
        try:
            return model.model_validate_json(text)
        except (ValidationError, ValueError) as exc:
            raise SyncBugError(f"{what}: malformed reply: {str(exc)[:300]}") from exc

    @staticmethod
    def parse_page(text: bytes) -> PullPage | PullTables:
        """A pull page as plain dicts and lists (a bootstrap parses hundreds
        of thousands of rows: no object each), in the form it came in:
        tables (protocol 3, checked by `check_tables`) or rows, validated as
        strictly as `PullResponse`."""
        try:
            page = orjson.loads(text)
            if isinstance(page, dict) and "tables" in page:
                check_tables(page)
                return cast(PullTables, page)
            return _PULL_PAGE.validate_python(page)
        except (ValidationError, ValueError) as exc:
            raise SyncBugError(f"pull: malformed reply: {str(exc)[:300]}") from exc

    def pull_raw(self, cursor: int, limit: int, own_after: int | None = None) -> bytes:
        """A pull page's JSON, not yet parsed: the pull stage fetches on one
        thread and parses on another (parsing holds the GIL)."""
        return self.fetch("GET", self.PULL, params=_pull_params(cursor, limit, own_after))

    def fetch(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | bytes | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        gzip_body: bool | None = None,
    ) -> bytes:
        """The decoded body of a 2xx reply, after retries; typed errors otherwise."""
        headers: dict[str, str] = {}
        data: bytes | None = None
        if body is not None:
            data = body if isinstance(body, bytes) else body.model_dump_json().encode("utf-8")
            headers["Content-Type"] = "application/json"
            if self.gzip_requests if gzip_body is None else gzip_body:
                data = gzip.compress(data, compresslevel=5)
                headers["Content-Encoding"] = "gzip"
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempt = 0
        while True:
            try:
                status, resp_headers, raw = self._send(method, path, params, data, headers, attempt)
            except _NETWORK_ERRORS as exc:
                if attempt >= self.retries:
                    raise OfflineError(f"{method} {path}: {exc}") from exc
                self._wait(attempt)
                attempt += 1
                continue
            if status >= 500 or status in _RETRY_STATUSES:
                if attempt >= self.retries:
                    zh, en, code = _error_text(resp_headers, raw)
                    raise ServerError(f"{method} {path}: HTTP {status} {code}".strip())
                self._wait(attempt)
                attempt += 1
                continue
            break
        if status >= 400:
            zh, en, code = _error_text(resp_headers, raw)
            if status == 401:  # the server's words: wrong password, expired, revoked
                raise AuthExpiredError(f"HTTP 401 {code}".strip(), zh, en)
            if code == "client.too_old":
                raise ClientTooOldError(f"HTTP {status} {code}", zh, en)
            if status == 426 or code.startswith("protocol."):
                raise ServerIncompatibleError(f"HTTP {status} {code}".strip(), zh, en)
            raise RejectedError(
                f"HTTP {status} {code}: {en or ''}".strip(), zh, en, code=code, status=status
            )
        if status >= 300:
            raise SyncBugError(f"{method} {path}: unexpected HTTP {status}")
        try:
            return _decode(resp_headers, raw)
        except ReplyTooLarge as exc:
            raise SyncBugError(f"{method} {path}: {exc}") from exc
        except (ValueError, OSError, EOFError, zlib.error) as exc:
            raise SyncBugError(f"{method} {path}: undecodable reply: {str(exc)[:300]}") from exc

    def _send(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        data: bytes | None,
        headers: dict[str, str],
        attempt: int,
    ) -> tuple[int, dict[str, str], bytes]:
        if self.fault is not None:
            self.fault(FaultPoint("before_send", method, path, attempt))
        with self._lock:
            self.bytes_sent += len(data or b"")
        # stream=True so the body is read raw (still compressed): the byte
        # count is what travelled, and decoding errors are ours to classify.
        resp = self._session.request(
            method,
            self._url(path),
            params=params,
            data=data,
            headers=headers,
            timeout=self.timeout,
            verify=self.verify,
            stream=True,
        )
        try:
            # Never more than the protocol's limit in memory, however much
            # the other end sends.
            raw = resp.raw.read(MAX_RESPONSE_BYTES + 1, decode_content=False)
        finally:
            resp.close()
        if len(raw) > MAX_RESPONSE_BYTES:
            raise SyncBugError(f"{method} {path}: reply larger than {MAX_RESPONSE_BYTES} bytes")
        with self._lock:
            self.bytes_received += len(raw)
        if self.fault is not None:
            self.fault(FaultPoint("after_response", method, path, attempt, resp.status_code))
        return resp.status_code, dict(resp.headers), raw

    def _wait(self, attempt: int) -> None:
        cap = min(self.backoff_max, self.backoff * (2**attempt))
        delay = cap / 2 + random.uniform(0, cap / 2)  # jitter spreads 2,000 devices apart
        if self.cancel is not None:
            if self.cancel.wait(delay):
                raise SyncCancelled("cancelled while waiting to retry")
        else:
            time.sleep(delay)


_PAGE_KEYS = frozenset(PullTables.__annotations__)
_TABLE_KEYS = frozenset(("entity", "columns", "rows", "stamps"))
_STAMP = (str, type(None))


def check_tables(page: dict[str, Any]) -> None:
    """Refuse (ValueError) a protocol 3 page whose shape is not
    `jsxcore.protocol.PullTables`, before any of it is applied: every row
    an array of its table's length whose id, stamps and seq are of their
    types. The values are the data's own (bound as they are: a value
    SQLite cannot take fails the page's transaction)."""
    if page.keys() != _PAGE_KEYS:
        raise ValueError(f"page keys {sorted(page)}")
    cursor, more, high = page["cursor"], page["more"], page["server_seq"]
    if type(cursor) is not int or type(high) is not int or type(more) is not bool:
        raise ValueError("cursor, more or server_seq of the wrong type")
    tables, exits = page["tables"], page["exits"]
    if type(tables) is not list or type(exits) is not list:
        raise ValueError("tables and exits must be arrays")
    for t in tables:
        if type(t) is not dict or t.keys() != _TABLE_KEYS:
            raise ValueError("a table must have entity, columns, rows and stamps")
        entity, cols, rows, stamps = t["entity"], t["columns"], t["rows"], t["stamps"]
        if (
            type(entity) is not str
            or type(cols) is not list
            or not all(type(c) is str for c in cols)
            or len(set(cols)) != len(cols)
            or "deleted" not in cols
            or type(rows) is not list
            or type(stamps) is not dict
        ):
            raise ValueError(f"table {entity!r}: malformed")
        n = len(cols)
        width, hlc, at, dev, user, seq = n + 1 + TABLE_TAIL, n + 1, n + 2, n + 3, n + 4, n + 5
        for r in rows:
            if (
                type(r) is not list
                or len(r) != width
                or type(r[0]) is not str
                or type(r[seq]) is not int
                or type(r[at]) is not str
                or type(r[dev]) is not str
                or type(r[user]) is not str
                or type(r[hlc]) not in _STAMP
            ):
                raise ValueError(f"table {entity!r}: a row is not [id, {n} values, {TABLE_TAIL}]")
        if stamps:
            ids = {r[0] for r in rows}
            for row_id, exceptions in stamps.items():
                if (
                    row_id not in ids
                    or type(exceptions) is not dict
                    or not all(type(v) in _STAMP for v in exceptions.values())
                ):
                    raise ValueError(f"table {entity!r}: stamps of {row_id!r} malformed")
    for e in exits:
        if type(e) is not list or len(e) != 3 or type(e[0]) is not str:
            raise ValueError("an exit must be [entity, id, seq]")
        if type(e[1]) is not str or type(e[2]) is not int:
            raise ValueError("an exit must be [entity, id, seq]")


def _pull_params(cursor: int, limit: int, own_after: int | None) -> dict[str, int]:
    """`own_after`: leave out the rows this device wrote last after that seq
    (it holds them: the server acknowledged them to it). A server that does
    not know the parameter ignores it and sends them anyway."""
    params = {"cursor": cursor, "limit": limit}
    if own_after is not None:
        params["own_after"] = own_after
    return params


def inflate(raw: bytes, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    """gunzip `raw`, refusing to produce more than `limit` bytes (a small
    reply can inflate to gigabytes). Works a megabyte at a time, so a bomb
    is stopped with at most `limit` bytes in memory; the pieces are joined
    once at the end (growing one buffer copied a bootstrap's 100 MB twice)."""
    d = zlib.decompressobj(wbits=31)
    parts: list[bytes] = []
    size = 0
    data = raw
    while True:
        chunk = d.decompress(data, 1 << 20)
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            raise ReplyTooLarge(f"reply inflates to more than {limit} bytes")
        data = d.unconsumed_tail
        if not data and (d.eof or not chunk):
            break
    tail = d.flush()
    if size + len(tail) > limit:
        raise ReplyTooLarge(f"reply inflates to more than {limit} bytes")
    if not d.eof:
        raise EOFError("truncated gzip reply")
    parts.append(tail)
    return b"".join(parts)


def _decode(headers: dict[str, str], raw: bytes) -> bytes:
    enc = {k.lower(): v for k, v in headers.items()}.get("content-encoding", "").lower()
    if enc == "gzip":
        return inflate(raw)
    if enc in ("", "identity"):
        return raw
    raise ValueError(f"unsupported content encoding {enc!r}")


def _error_text(headers: dict[str, str], raw: bytes) -> tuple[str | None, str | None, str]:
    """The server's zh/en message and code, when the body is an ErrorResponse."""
    try:
        body = _decode(headers, raw)
        err = ErrorResponse.model_validate_json(body).error
        return err.zh, err.en, err.code
    except (ValidationError, ValueError, OSError, EOFError, zlib.error):
        pass
    try:  # FastAPI's own {"detail": ...} for routing and validation errors
        detail = json.loads(_decode(headers, raw)).get("detail")
        return None, str(detail)[:300] if detail else None, ""
    except (ValueError, AttributeError, OSError, EOFError, zlib.error):
        return None, None, ""
