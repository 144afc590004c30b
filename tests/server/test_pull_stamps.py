"""A pull page row's stamps taken the short way (a row stamped whole by one
change: one stamp, no exceptions) come out exactly as compress_stamps makes
them, and every text that is not exactly that takes the long way; in
protocol 2's text and protocol 3's (row stamp, exceptions) alike."""

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


def test_rows_of_one_stamp_taken_the_short_way_match_the_long_way() -> None:
    rng = random.Random(7)
    texts = _texts(rng)
    rng.shuffle(texts)
    whole = 0
    names = frozenset(FIELDS)
    for text in texts:
        assert pull._row_stamps(ENTITY, text) == _slow(text), text
        row, exceptions = pull._stamps(ENTITY, text, names)
        assert (row, exceptions) == compress_stamps(json.loads(text), names), text
        whole += row is not None and not exceptions
    # The three layouts of a whole row in each of the 400 rounds (and no
    # near miss) have one stamp and no exceptions.
    assert whole == 3 * 400
