"""Typed records to and from plain JSON values.

Result records are frozen dataclasses; results.json stores them as nested dicts and lists. Loading walks the
type hints, so a file whose values have the wrong type is refused with the path of the bad value rather than
producing a record that fails later, far from the cause.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing


class RecordError(ValueError):
    """A JSON value does not fit the record type it should fill."""


def to_jsonable(record):
    return dataclasses.asdict(record)


def from_jsonable(cls, value, path: str = "$"):
    """Build an instance of `cls` (a dataclass or a typing form) from JSON data, checking every type."""
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(cls)
        if value is None and type(None) in options:
            return None
        inner = [o for o in options if o is not type(None)]
        if len(inner) == 1:
            return from_jsonable(inner[0], value, path)
        raise RecordError(f"{path}: unsupported union {cls}")
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise RecordError(f"{path}: expected a list, got {_kind(value)}")
        (item,) = typing.get_args(cls)[:1]
        items = [from_jsonable(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
        return items if origin is list else tuple(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise RecordError(f"{path}: expected an object, got {_kind(value)}")
        _, item = typing.get_args(cls)
        return {str(k): from_jsonable(item, v, member(path, str(k))) for k, v in value.items()}
    if dataclasses.is_dataclass(cls):
        if not isinstance(value, dict):
            raise RecordError(f"{path}: expected an object, got {_kind(value)}")
        hints = _hints(cls)
        unknown = sorted(set(value) - set(hints))
        if unknown:
            raise RecordError(f"{path}: unknown field {unknown[0]!r}")
        kwargs = {}
        for field in dataclasses.fields(cls):
            if field.name in value:
                kwargs[field.name] = from_jsonable(hints[field.name], value[field.name], f"{path}.{field.name}")
            elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise RecordError(f"{path}: missing field '{field.name}'")
        return cls(**kwargs)
    if cls is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RecordError(f"{path}: expected a number, got {_kind(value)}")
        return float(value)
    if cls is typing.Any:
        return value
    if cls in (int, str, bool):
        if not isinstance(value, cls) or (cls is int and isinstance(value, bool)):
            raise RecordError(f"{path}: expected {cls.__name__}, got {_kind(value)}")
        return value
    raise RecordError(f"{path}: unsupported type {cls}")


@functools.cache
def _hints(cls) -> dict:
    """A record type's field types. get_type_hints evaluates every annotation string anew on each call: once per
    record of the file, it was half of loading a standard results.json (5,700 records of a few dozen types)."""
    return typing.get_type_hints(cls)


def member(path: str, key: str | int) -> str:
    """The JSON path of a list index or of a key from the file, quoted unless plain, so that an error message
    stays one readable line."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__
