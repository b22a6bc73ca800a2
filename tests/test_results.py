"""results.json: round trip, and clear refusals of files that are not what they claim."""

import json

import factories
import pytest

from reportgen import results as R
from reportgen.files import write_atomically
from reportgen.render import render_html


def test_round_trip_is_exact(tmp_path):
    original = factories.results()
    R.save(original, tmp_path / "results.json")
    assert R.load(tmp_path / "results.json") == original


def test_the_envelope_carries_version_time_system_and_settings():
    raw = json.loads(R.dumps(factories.results()))
    assert raw["schema_version"] == R.SCHEMA_VERSION
    assert raw["created_utc"].endswith("Z")
    assert raw["system"]["cpu_model"] == "Test CPU"
    assert raw["settings"]["seed"] == 0
    assert set(raw) >= {"phases", "data_scale", "activations", "compute", "tool_version"}


def test_a_version_1_file_loads_with_the_defaults_of_what_version_2_added(tmp_path):
    raw = json.loads(R.dumps(factories.results()))
    raw["schema_version"] = 1
    del raw["settings"]["allocator"], raw["system"]["virtual"], raw["compute"]["min_seconds"], raw["compute"]["rounds"]
    for step in raw["compute"]["steps"]:
        del step["timing"]["round_medians_s"]
    old = R.loads(json.dumps(raw), "old.json")
    assert old.schema_version == R.SCHEMA_VERSION and old.settings.allocator is None and old.system.virtual is None
    assert (old.compute.rounds, old.compute.min_seconds) == (1, 0.0)
    assert old.compute.steps[0].timing.round_medians_s == [] and old.compute.steps[0].timing.round_drift == 0


@pytest.mark.parametrize("text, message", [
    ('{"schema_version": 1, "tool": "reportgen"', "not valid JSON"),
    ("[1, 2]", "no JSON object"),
    ('{"hello": 1}', "no schema_version"),
    ('{"schema_version": 99}', r"schema version 99, newer than this reportgen reads \(\d+\): upgrade reportgen"),
    ('{"schema_version": 1, "phases": {"data": NaN}}', "NaN is not a number JSON allows"),
    ('{"schema_version": 1, "phases": {"data": 1e999}}', "number 1e999 is out of range"),
    ('{"schema_version": 1, "seed": ' + "9" * 5000 + "}", "not valid JSON"),
    ("[" * 100000, "not valid JSON"),
])
def test_unreadable_files_are_refused_with_the_reason(text, message):
    with pytest.raises(R.ResultsError, match=message):
        R.loads(text)


def test_a_value_of_the_wrong_type_is_refused_with_its_path():
    raw = json.loads(R.dumps(factories.results()))
    raw["data_scale"]["fits"][0]["test_accuracy"] = "high"
    with pytest.raises(R.ResultsError, match=r"data_scale\.fits\[0\]\.test_accuracy: expected a number"):
        R.loads(json.dumps(raw))


def test_a_missing_or_unknown_field_is_refused():
    raw = json.loads(R.dumps(factories.results()))
    del raw["system"]["cpu_model"]
    with pytest.raises(R.ResultsError, match="missing field 'cpu_model'"):
        R.loads(json.dumps(raw))
    raw = json.loads(R.dumps(factories.results()))
    raw["settings"]["surprise"] = 1
    with pytest.raises(R.ResultsError, match="unknown field 'surprise'"):
        R.loads(json.dumps(raw))
    del raw["settings"]["surprise"]
    raw["phases"]["two\nlines"] = "long"
    with pytest.raises(R.ResultsError, match=r"phases\['two\\nlines'\]: expected a number, got str$"):
        R.loads(json.dumps(raw))  # a key from the file cannot break the message into two lines


def test_atomic_write_never_leaves_a_half_written_file(tmp_path):
    target = tmp_path / "results.json"
    target.write_text("good")
    with pytest.raises(TypeError):
        write_atomically(target, object())  # the write fails half-way
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_a_version_4_file_loads_as_a_cpu_timed_in_fp32_only_with_its_features_unknown():
    raw = json.loads(R.dumps(factories.results()))
    raw["schema_version"] = 4
    for key in ("cpu_features", "torch_cpu", "bf16_unit"):
        del raw["system"][key]
    for key in ("bf16_unit", "bf16_not_timed"):
        del raw["compute"][key]
    for key in ("bf16_fits", "bf16_not_run"):
        del raw["data_scale"][key]
    old = R.loads(json.dumps(raw), "old.json")
    assert old.schema_version == R.SCHEMA_VERSION
    assert (old.system.cpu_features, old.system.bf16_unit, old.compute.bf16_unit) == (None, None, None)
    assert old.data_scale.bf16_fits == [] and old.data_scale.bf16_not_run == old.compute.bf16_not_timed == ""
    assert R.MIGRATIONS[4].__name__ == "_v4_to_v5" and R.MIGRATIONS[4].__doc__


def test_a_version_5_file_loads_without_a_scaling_record_and_renders():
    raw = json.loads(R.dumps(factories.results(scal=factories.scaling())))
    raw["schema_version"] = 5
    del raw["scaling"]
    old = R.loads(json.dumps(raw), "old.json")
    assert old.schema_version == R.SCHEMA_VERSION and old.scaling is None
    assert R.MIGRATIONS[5].__name__ == "_v5_to_v6" and R.MIGRATIONS[5].__doc__
    assert "Data-parallel" not in render_html(old)
    assert "Data-parallel" in render_html(R.loads(R.dumps(factories.results(scal=factories.scaling())), "new.json"))
