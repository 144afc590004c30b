"""A pull page row's stamps read without decoding them (a row stamped whole
by one change) come out exactly as decoding them does, and every text that
is not exactly that takes the long way."""

from __future__ import annotations

import json
import random

from jsxcore.entities import ENTITIES
from jsxcore.wire import compress_stamps
from jsxserver.services import pull

ENTITY = "person"
FIELDS = ENTITIES[ENTITY].data_fields


def _slow(text: str) -> str:
    row, exceptions = compress_stamps(json.loads(text), frozenset(FIELDS))
    return f'"hlc":{json.dumps(row, ensure_ascii=False, separators=(",", ":"))},"field_hlc":' + (
        json.dumps(exceptions, ensure_ascii=False, separators=(",", ":"))
    )


def _texts(rng: random.Random) -> list[str]:
    """Stamps as the database gives them back: whole rows, and all sorts of
    near misses."""
    out = []
    for i in range(400):
        s = f"17960665{i:05d}-{i % 7:05d}-dev{rng.randrange(99):02d}"
        t = f"17960665{i:05d}-{i % 5:05d}-other"
        whole = dict.fromkeys(FIELDS, s)
        out.append(json.dumps(whole, separators=(",", ":")))
        out.append(json.dumps(whole))  # PostgreSQL's spacing
        out.append(json.dumps(dict(reversed(list(whole.items())))))
        f = rng.choice(FIELDS)
        out.append(json.dumps({**whole, f: t}, separators=(",", ":")))
        out.append(json.dumps({**whole, f: None}, separators=(",", ":")))
        out.append(json.dumps({**whole, f: s + s}, separators=(",", ":")))
        out.append(json.dumps({**whole, f: ""}, separators=(",", ":")))
        out.append(json.dumps({k: v for k, v in whole.items() if k != f}, separators=(",", ":")))
        out.append(json.dumps({**whole, "extra": s}, separators=(",", ":")))
        out.append(json.dumps({**whole, f: s[:-1] + '"'}, separators=(",", ":")))
        # Two fields swap stamps with a third: same count of `s`, other layout.
        g = rng.choice([x for x in FIELDS if x != f])
        out.append(json.dumps({**whole, f: s + s, g: ""}, separators=(",", ":")))
    out.append("{}")
    return out


def test_rows_of_one_stamp_read_without_decoding_match_the_long_way() -> None:
    rng = random.Random(7)
    texts = _texts(rng)
    rng.shuffle(texts)
    pull._skeletons.clear()
    fast = 0
    for text in texts:
        if pull._uniform_stamp(ENTITY, text) is not None:
            fast += 1
        assert pull._row_stamps(ENTITY, text) == _slow(text), text
        # Protocol 3's form of the same: (row stamp, exceptions).
        assert pull._stamps(ENTITY, text) == compress_stamps(json.loads(text), frozenset(FIELDS))
    # After the first whole rows (one per layout), whole rows go the short way.
    assert fast >= 3 * 400 - 10
    assert len(pull._skeletons[ENTITY]) <= 3
