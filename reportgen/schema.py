"""The JSON Schema of results.json, generated from the record type hints, and validation against it.

The records grow fields as experiments grow, so the schema is never written by hand: `generate()` walks the same
type hints that `serde` loads by, and takes each field's description from the comment beside it in the source.
The generated file ships in the package (results.schema.json) for anyone who reads results.json without
reportgen; a test fails when it is out of date. Regenerate it with:

    python -m reportgen.schema --write
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import re
import sys
import types
import typing
from importlib import resources
from pathlib import Path

import jsonschema

from reportgen.serde import member

SCHEMA_FILE = "results.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
_PRIMITIVES = {str: "string", int: "integer", float: "number", bool: "boolean"}
_COMMENT = re.compile(r"^    (\w+)\s*:[^#]*#\s*(.+?)\s*$")  # a field with a comment beside it, in the class body


def generate(root: type, version: int, title: str) -> dict:
    """The schema of `root` (a dataclass), its nested records under $defs, with schema_version pinned."""
    defs: dict[str, tuple[type, dict]] = {}
    body = _record(root, defs)
    body["properties"]["schema_version"] = {**body["properties"]["schema_version"], "const": version}
    return {"$schema": DIALECT, "title": title, **body,
            "$defs": {name: defs[name][1] for name in sorted(defs)}}


def dumps(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _of(hint, defs: dict[str, tuple[type, dict]]) -> dict:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [o for o in typing.get_args(hint) if o is not type(None)]
        if len(options) != 1:
            raise TypeError(f"unsupported union {hint}: results records allow only X | None")
        inner = _of(options[0], defs)
        if set(inner) == {"type"}:
            return {"type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin in (list, tuple):
        return {"type": "array", "items": _of(typing.get_args(hint)[0], defs)}
    if origin is dict:
        key, value = typing.get_args(hint)
        if key is not str:
            raise TypeError(f"unsupported mapping {hint}: JSON object keys are strings")
        return {"type": "object", "additionalProperties": _of(value, defs)}
    if dataclasses.is_dataclass(hint):
        name = hint.__name__
        if name not in defs:
            defs[name] = (hint, {})  # reserve the name first: a record may refer to itself
            defs[name] = (hint, _record(hint, defs))
        elif defs[name][0] is not hint:
            raise TypeError(f"two records are named {name}: rename one so that the schema can tell them apart")
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if hint is typing.Any:
        return {}
    if hint in _PRIMITIVES:
        return {"type": _PRIMITIVES[hint]}
    raise TypeError(f"unsupported type {hint} in a results record")


def _record(cls: type, defs: dict[str, tuple[type, dict]]) -> dict:
    hints = typing.get_type_hints(cls)
    comments = _field_comments(cls)
    properties, required = {}, []
    for field in dataclasses.fields(cls):
        schema = _of(hints[field.name], defs)
        if field.name in comments:
            schema = {"description": comments[field.name], **schema}
        if field.default is not dataclasses.MISSING:
            schema["default"] = field.default
        elif field.default_factory is dataclasses.MISSING:
            required.append(field.name)
        properties[field.name] = schema
    out: dict = {"type": "object"}
    doc = inspect.getdoc(cls)
    if doc and not doc.startswith(f"{cls.__name__}("):  # dataclasses invent a docstring from the signature
        out["description"] = " ".join(doc.split())
    return {**out, "properties": properties, "required": required, "additionalProperties": False}


def _field_comments(cls: type) -> dict[str, str]:
    """The comment beside each field in the class source: what the field means, written once, where it is."""
    try:
        lines = inspect.getsource(cls).splitlines()
    except (OSError, TypeError):
        return {}
    indent = len(lines[0]) - len(lines[0].lstrip())
    found = (_COMMENT.match(line[indent:]) for line in lines[1:])
    return {m.group(1): m.group(2) for m in found if m}


# --- validation ----------------------------------------------------------------------------------------------

def shipped() -> dict:
    return json.loads((resources.files("reportgen") / SCHEMA_FILE).read_text(encoding="utf-8"))


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(shipped())


def problem(raw) -> str | None:
    """The first way `raw` breaks the shipped schema, as one line with its JSON path; None when it fits."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(raw))
    if error is None:
        return None
    path = functools.reduce(member, error.absolute_path, "$")
    described = _describe(error)
    if len(described) > 300:  # the message quotes the faulty value: a whole nested results file, say
        described = described[:297] + "..."
    return f"{path}: {described}"


_EXPECTED = {"number": "a number", "integer": "an integer", "string": "a string", "boolean": "true or false",
             "array": "a list", "object": "an object", "null": "null"}


def _describe(error: jsonschema.ValidationError) -> str:
    """jsonschema's complaint in the words serde uses for the same fault."""
    instance = error.instance
    checks = error.context if error.validator == "anyOf" else [error]  # X | None fails as anyOf
    if checks and all(e.validator == "type" for e in checks):
        wanted = [w for e in checks for w in
                  (e.validator_value if isinstance(e.validator_value, list) else [e.validator_value])]
        got = "null" if instance is None else type(instance).__name__
        return f"expected {' or '.join(_EXPECTED.get(w, w) for w in wanted)}, got {got}"
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in instance]
        return f"missing field '{missing[0]}'"
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        return f"unknown field {min(set(instance) - known)!r}"
    return error.message


def main(argv: list[str]) -> int:
    from reportgen.results import generated_schema

    text = dumps(generated_schema())
    if argv == ["--write"]:
        Path(__file__).with_name(SCHEMA_FILE).write_text(text, encoding="utf-8")
    elif argv:
        print("usage: python -m reportgen.schema [--write]", file=sys.stderr)
        return 2
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
