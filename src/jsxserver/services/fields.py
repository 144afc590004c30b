"""Shape checks of pushed values against the client's models.

The client's tables are the contract: a value the server accepts must fit
the column it lands in on every device (type, NOT NULL, length), or a pull
would wedge the device. Domain rules (codes, ID numbers, dates in the past)
are `validate_record`'s job; this only checks shape.
"""

from __future__ import annotations

import math
import re
import types
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Union, get_args, get_origin

from annotated_types import MaxLen
from pydantic_core import PydanticUndefined

from jsxcore.entities import ENTITIES, EntitySpec
from jsxserver.core.errors import BAD_TEXT, TOO_DEEP, ApiError, Reason

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DIVISION_RE = re.compile(r"\d{12}", re.ASCII)


@dataclass(frozen=True)
class FieldShape:
    kind: str  # str | int | bool | date | datetime | float
    nullable: bool
    max_length: int | None


def shapes(es: EntitySpec) -> dict[str, FieldShape]:
    return _shapes(es.name)


@cache
def _shapes(entity: str) -> dict[str, FieldShape]:
    es = ENTITIES[entity]
    out: dict[str, FieldShape] = {}
    for name in es.data_fields:
        info = es.model.model_fields[name]
        ann: Any = info.annotation
        nullable = False
        if get_origin(ann) in (Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            nullable = len(args) < len(get_args(ann))
            ann = args[0]
        kind = {
            str: "str",
            int: "int",
            bool: "bool",
            float: "float",
            date: "date",
            datetime: "datetime",
        }.get(ann, "any")
        max_len = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
        out[name] = FieldShape(kind, nullable, max_len)
    return out


def defaults(es: EntitySpec) -> dict[str, Any]:
    """Defaults of the data fields that have one (created_at is set per row)."""
    return _defaults(es.name)


@cache
def _defaults(entity: str) -> dict[str, Any]:
    es = ENTITIES[entity]
    raw = es.defaults()
    out = {}
    for name in es.data_fields:
        info = es.model.model_fields[name]
        if name != "created_at" and (
            info.default is not PydanticUndefined or info.default_factory is not None
        ):
            out[name] = raw[name]
    return out


def _problem(field: str, zh: str, en: str) -> Reason:
    return Reason("field.type", f"字段“{field}”{zh}", f"Field '{field}' {en}")


def check_value(field: str, shape: FieldShape, value: Any) -> tuple[Any, Reason | None]:
    """The value normalised to wire form, or why it does not fit."""
    if value is None:
        if shape.nullable:
            return None, None
        return None, _problem(field, "不能为空", "cannot be empty")
    kind = shape.kind
    if kind == "str":
        if not isinstance(value, str):
            return value, _problem(field, "应为文字", "must be text")
        if shape.max_length is not None and len(value) > shape.max_length:
            return value, _problem(
                field, f"不能超过{shape.max_length}个字", f"is longer than {shape.max_length}"
            )
        if field == "division_code" and not _DIVISION_RE.fullmatch(value):
            return value, _problem(field, "应为12位区划代码", "must be a 12-digit division code")
        return value, None
    if kind == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, int) and value in (0, 1):  # SQLite's 0/1
            return bool(value), None
        return value, _problem(field, "应为是或否", "must be true or false")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**63:
            return value, _problem(field, "应为整数", "must be a whole number")
        return value, None
    if kind == "float":
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or not math.isfinite(value):
            return value, _problem(field, "应为数字", "must be a number")
        return value, None
    if kind == "date":
        if isinstance(value, str) and _DATE_RE.fullmatch(value):
            try:
                date.fromisoformat(value)
                return value, None
            except ValueError:
                pass
        return value, _problem(field, "应为日期（年-月-日）", "must be a date YYYY-MM-DD")
    if kind == "datetime":
        if isinstance(value, str) and len(value) <= 32:
            try:
                datetime.fromisoformat(value)
                return value, None
            except ValueError:
                pass
        return value, _problem(field, "应为时间", "must be a date and time")
    if isinstance(value, dict | list):
        return value, _problem(field, "格式不正确", "has the wrong shape")
    return value, None


def check_values(
    es: EntitySpec, fields: dict[str, Any]
) -> tuple[dict[str, Any], tuple[str, Reason] | None]:
    """``check_value`` of every pushed field (names known to be data fields):
    the values in wire form, or the first field that does not fit and why.
    An empty value of a nullable field and text that fits a plain text
    column are taken without the general check (most of an insert's fields)."""
    quick = _quick(es.name)
    values: dict[str, Any] = {}
    for name, raw in fields.items():
        nullable, longest, is_bool = quick[name]
        t = type(raw)
        if raw is None:
            if nullable:
                values[name] = None
                continue
        elif (t is str and len(raw) <= longest) or (t is bool and is_bool):
            values[name] = raw
            continue
        value, problem = check_value(name, _shapes(es.name)[name], raw)
        if problem is not None:
            return values, (name, problem)
        values[name] = value
    return values, None


@cache
def _quick(entity: str) -> dict[str, tuple[bool, float, bool]]:
    """Per data field: whether None fits it, the longest text that fits it
    as is (-1 where text needs the general check: not a text column, or a
    division code), and whether it is a yes/no column (true or false fit)."""
    out: dict[str, tuple[bool, float, bool]] = {}
    for name, s in _shapes(entity).items():
        plain = s.kind == "str" and name != "division_code"
        longest = (math.inf if s.max_length is None else s.max_length) if plain else -1
        out[name] = (s.nullable, longest, s.kind == "bool")
    return out


# Records are flat: a push nests five levels (batch, changes, change,
# fields, value). Deeper is not a client's, and walking it recursively
# anywhere would be a crash waiting to happen.
MAX_JSON_DEPTH = 32


def json_problem(*values: Any) -> Reason | None:
    """Why decoded JSON cannot be taken: nested deeper than MAX_JSON_DEPTH,
    or NUL characters, lone surrogates, non-finite numbers (PostgreSQL
    cannot store them and no client sends them). Walked without recursion.

    Strings and flat objects (a pushed change's fields) are taken in one
    pass and their text checked at once; anything nested goes through the
    general walk."""
    texts: list[str] = []
    stack: list[tuple[Any, int]] = []
    for value in values:
        if type(value) is str:
            texts.append(value)
        elif type(value) is dict:
            for k, v in value.items():
                if type(k) is str:
                    texts.append(k)
                else:
                    stack.append((k, 1))
                t = type(v)
                if t is str:
                    texts.append(v)
                elif not (v is None or t is int or t is bool):
                    stack.append((v, 2))
        else:
            stack.append((value, 1))
    joined = "".join(texts)
    if "\x00" in joined:
        return BAD_TEXT
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return BAD_TEXT
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return BAD_TEXT
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return BAD_TEXT
        elif isinstance(value, float):
            if not math.isfinite(value):
                return BAD_TEXT
        elif isinstance(value, dict | list | tuple):
            if depth > MAX_JSON_DEPTH:
                return TOO_DEEP
            if isinstance(value, dict):
                stack.extend((k, depth) for k in value)
                stack.extend((v, depth + 1) for v in value.values())
            else:
                stack.extend((v, depth + 1) for v in value)
    return None


def check_json(*values: Any) -> None:
    """Raise the 400 that `json_problem` finds, if any."""
    problem = json_problem(*values)
    if problem is not None:
        raise ApiError(400, problem)
