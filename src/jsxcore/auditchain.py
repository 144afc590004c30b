"""The audit log's hash chain, shared by the client that writes it
(`jsxclient.store.audit`) and the server that checks uploads of it: each
entry's hash covers its fields and the previous entry's hash, so an entry
altered or removed before the upload shows."""

from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64  # the "previous hash" of a device's first entry


def digest(
    prev: str, at: str, user: str, device: str, action: str, obj: str, result: str, detail: str
) -> str:
    payload = json.dumps([prev, at, user, device, action, obj, result, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
