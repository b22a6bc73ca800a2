"""The JSON Schema of results.json: generated from the records, shipped in step with them, enforced on loading."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

import factories
import jsonschema
import pytest

from reportgen import results as R
from reportgen import schema


def test_the_shipped_schema_is_the_generated_one():
    shipped = (resources.files("reportgen") / schema.SCHEMA_FILE).read_text(encoding="utf-8")
    assert shipped == schema.dumps(R.generated_schema()), (
        "reportgen/results.schema.json is out of date: run  python -m reportgen.schema --write")


def test_the_shipped_schema_is_valid_json_schema_and_a_results_file_fits_it():
    jsonschema.Draft202012Validator.check_schema(schema.shipped())
    raw = json.loads(R.dumps(factories.results(comp=factories.compute(gpu_ms={"mlp_large": 0.3}),
                                               gpus=[factories.gpu()])))
    jsonschema.validate(raw, schema.shipped())  # any validator, not only ours, accepts what reportgen writes
    assert schema.problem(raw) is None


@dataclass(frozen=True)
class Inner:
    """A nested record."""

    size: float  # in bytes


@dataclass(frozen=True)
class Outer:
    schema_version: int
    name: str  # what it is called
    inner: Inner | None
    tags: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    note: str | None = None


def test_the_generator_follows_the_type_hints_and_the_comments_beside_them():
    out = schema.generate(Outer, 3, "test")
    props = out["properties"]
    assert props["schema_version"] == {"type": "integer", "const": 3}
    assert props["name"] == {"description": "what it is called", "type": "string"}
    assert props["inner"] == {"anyOf": [{"$ref": "#/$defs/Inner"}, {"type": "null"}]}
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert props["counts"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert props["note"] == {"type": ["string", "null"], "default": None}
    assert out["required"] == ["schema_version", "name", "inner"]  # fields with defaults may be left out
    assert out["additionalProperties"] is False
    assert out["$defs"]["Inner"]["description"] == "A nested record."
    assert out["$defs"]["Inner"]["properties"]["size"] == {"description": "in bytes", "type": "number"}


def test_a_type_json_cannot_hold_stops_the_generator():
    @dataclass
    class Bad:
        schema_version: int
        either: int | str

    with pytest.raises(TypeError, match="unsupported union"):
        schema.generate(Bad, 1, "bad")


def _v0(raw: dict) -> dict:
    """The synthetic version 0 stored the creation time as "created"."""
    out = dict(raw)
    out["created_utc"] = out.pop("created")
    return out


def test_an_older_version_is_migrated_on_loading(monkeypatch):
    current = factories.results()
    old = json.loads(R.dumps(current))
    old["schema_version"] = 0
    old["created"] = old.pop("created_utc")
    monkeypatch.setitem(R.MIGRATIONS, 0, _v0)
    assert R.loads(json.dumps(old)) == current


def test_an_older_version_without_a_migration_is_refused():
    raw = json.loads(R.dumps(factories.results()))
    raw["schema_version"] = 0
    with pytest.raises(R.ResultsError, match=f"schema version 0, which this reportgen cannot migrate to version {R.SCHEMA_VERSION}"):
        R.loads(json.dumps(raw))


def test_a_migration_that_produces_an_invalid_file_is_refused(monkeypatch):
    raw = json.loads(R.dumps(factories.results()))
    raw["schema_version"] = 0
    monkeypatch.setitem(R.MIGRATIONS, 0, lambda old: {**old, "surprise": 1})
    with pytest.raises(R.ResultsError, match=r"is invalid: \$: unknown field 'surprise'"):
        R.loads(json.dumps(raw))


@pytest.mark.parametrize("change, message", [
    (lambda raw: raw.update(compute=3), r"\$\.compute: expected an object or null, got int"),
    (lambda raw: raw["system"].update(gpus=[{"name": "x"}]), r"\$\.system\.gpus\[0\]: missing field 'memory_gib'"),
    (lambda raw: raw["settings"].update(seed=None), r"\$\.settings\.seed: expected an integer, got null"),
])
def test_an_invalid_file_is_refused_in_one_line_with_the_path_of_the_fault(change, message):
    raw = json.loads(R.dumps(factories.results()))
    change(raw)
    with pytest.raises(R.ResultsError, match=message) as refused:
        R.loads(json.dumps(raw))
    assert "\n" not in str(refused.value)
