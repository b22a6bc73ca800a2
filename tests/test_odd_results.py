"""A results file that loads always renders: report, comparison and site index, from records at their edges.

Each case is a schema-valid file a real run, an older or newer reportgen, or a hand edit can produce. Values no
measurement can take (negative, non-finite, beyond any count) are refused at load in one line instead.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import factories
import pytest
import records
from hypothesis import HealthCheck, given, settings

from reportgen import render
from reportgen import results as R
from reportgen.compare import compare
from reportgen.context import build_report
from reportgen.publish import COLUMNS

MARKUP = "mlp_huge<script>alert(1)</script>"


def _steps(r, **changes):
    return replace(r, compute=replace(r.compute, steps=[replace(s, **changes) for s in r.compute.steps]))


def _timings(r, seconds):
    c = r.compute
    timed = [replace(s, timing=replace(s.timing, median_s=seconds, iqr_s=seconds, round_medians_s=[seconds]))
             for s in c.steps]
    mm = [replace(m, timing=replace(m.timing, median_s=seconds, iqr_s=seconds)) for m in c.matmuls]
    return replace(r, compute=replace(c, steps=timed, matmuls=mm))


def _gradients(r, grads):
    a = r.activations
    return replace(r, activations=replace(a, gradients=[replace(g, mean_abs_grad=grads(g)) for g in a.gradients]))


ODD = {
    "no m values": lambda r: replace(r, data_scale=replace(r.data_scale, m_values=[])),
    "no learners": lambda r: replace(r, data_scale=replace(r.data_scale, learners=[], fits=[])),
    "no fits": lambda r: replace(r, data_scale=replace(r.data_scale, fits=[])),
    "no gradients": lambda r: replace(r, activations=replace(r.activations, gradients=[], depths=[])),
    "empty curves": lambda r: replace(r, activations=replace(
        r.activations, runs=[replace(x, curve=[]) for x in r.activations.runs], learning_rates=[])),
    "target met at step 0": lambda r: replace(r, activations=replace(
        r.activations, runs=[replace(x, steps_to_target=0, seconds_to_target=0.0) for x in r.activations.runs])),
    "no compute steps": lambda r: replace(r, compute=replace(r.compute, steps=[], matmuls=[])),
    "every step skipped": lambda r: _steps(r, timing=None, skipped="out of memory"),
    "zero times": lambda r: _timings(r, 0.0),
    "subnormal times": lambda r: _timings(r, 5e-324),
    "times near the float limit": lambda r: _timings(r, 1.7e308),
    "zero parameters": lambda r: replace(_steps(r, parameters=0), data_scale=replace(
        r.data_scale, learners=[replace(x, parameters=0 if x.parameters else None) for x in r.data_scale.learners])),
    "zero gradients": lambda r: _gradients(r, lambda g: [0.0] * len(g.mean_abs_grad)),
    "input gradient underflowed to zero": lambda r: _gradients(r, lambda g: [0.0, *g.mean_abs_grad[1:]]),
    "gradients near the float limit": lambda r: _gradients(r, lambda g: [1e-308, 1.7e308]),
    "layer count not the depth": lambda r: _gradients(r, lambda g: g.mean_abs_grad[:2]),
    "unknown names": lambda r: replace(_steps(r, model=MARKUP), data_scale=replace(
        r.data_scale, learners=[replace(x, name=MARKUP + x.name) for x in r.data_scale.learners],
        fits=[replace(f, learner=MARKUP + f.learner) for f in r.data_scale.fits])),
    "created_utc not a time": lambda r: replace(r, created_utc="yesterday <b>noon</b>"),
}


def _reload(r):
    """Through the file, as a user's file would come: what loads is what renders."""
    return R.loads(R.dumps(r), "results.json")


def _renders(loaded, monkeypatch) -> str:
    monkeypatch.setattr(render, "_bundle", lambda: "")  # the 900 KB bundle adds nothing to what is tested here
    report = build_report(loaded)
    for spec in (f.spec for f in report.figures if f.spec is not None):
        json.dumps(spec, allow_nan=False)  # JSON has no Infinity or NaN: a chart holding one draws nothing
    html = render.render_html(loaded, report)
    c = compare([loaded, factories.results()])
    for spec in (f.spec for f in c.figures if f.spec is not None):
        json.dumps(spec, allow_nan=False)
    render.render_page("compare.html", charts=True, c=c, index_href=None, run_hrefs=None)
    assert all(isinstance(column.cell(loaded).text, str) for column in COLUMNS)
    return html


@pytest.mark.parametrize("case", ODD)
def test_an_odd_but_valid_results_file_renders(case, monkeypatch):
    html = _renders(_reload(ODD[case](factories.results())), monkeypatch)
    assert "<script>alert(1)" not in html
    if case == "unknown names":
        assert "mlp_huge&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as it is, escaped
    if case in ("every step skipped", "no fits"):
        assert "Nothing to draw" in html


def test_a_gradient_that_underflowed_to_zero_has_vanished_entirely():
    from reportgen.findings import Verdict, findings

    loaded = _reload(ODD["input gradient underflowed to zero"](factories.results()))
    found = {f.key: f for f in findings(loaded)}
    assert found["sigmoid_vanishing"].verdict is Verdict.SUPPORTED and "∞" in found["sigmoid_vanishing"].evidence
    nothing = {f.key for f in findings(_reload(ODD["zero gradients"](factories.results())))}
    assert not nothing & {"sigmoid_vanishing", "relu_keeps_gradients"}  # no signal at all: left out, not guessed


def test_an_odd_results_file_renders_a_pdf_too():
    odd = factories.results()
    for case in ("subnormal times", "every step skipped", "created_utc not a time",
                 "input gradient underflowed to zero"):
        odd = ODD[case](odd)
    assert render.render_pdf(_reload(odd)).startswith(b"%PDF")


@pytest.mark.parametrize("edit, message", [
    (lambda raw: raw["compute"]["steps"][0]["timing"].update(median_s=-0.001),
     "$.compute.steps[0].timing.median_s: -0.001 is negative"),
    (lambda raw: raw["phases"].update(data=-1), "$.phases.data: -1 is negative"),
    (lambda raw: raw["data_scale"]["fits"][0].update(test_accuracy=1.5), "test_accuracy: 1.5 is above 1"),
    (lambda raw: raw["data_scale"].update(m_values=[10**30]), "is out of range"),
    (lambda raw: raw["data_scale"].update(m_values=[0, *raw["data_scale"]["m_values"][1:]]),
     "$.data_scale.m_values[0]: 0 is below 1, and a training-set size m cannot be"),
    (lambda raw: raw["data_scale"]["fits"][0].update(m=0), "$.data_scale.fits[0].m: 0 is below 1"),
    (lambda raw: raw["scaling"]["steps"][0].update(world_size=0),
     "$.scaling.steps[0].world_size: 0 is below 1, and a world size cannot be"),
    (lambda raw: raw["scaling"].update(world_sizes=[0]), "$.scaling.world_sizes[0]: 0 is below 1"),
    (lambda raw: raw["scaling"]["allreduce"][0].update(repeats=0), "a count of timed repeats cannot be"),
    (lambda raw: raw["scaling"].update(rounds=0), "$.scaling.rounds: 0 is below 1"),
])
def test_a_value_no_measurement_can_take_is_refused_at_load_in_one_line(edit, message):
    raw = json.loads(R.dumps(factories.results(scal=factories.scaling())))
    edit(raw)
    with pytest.raises(R.ResultsError) as refused:
        R.loads(json.dumps(raw), "results.json")
    assert message in str(refused.value) and len(str(refused.value).splitlines()) == 1


# derandomize: the same examples on every run, so that CI is repeatable; the random search that found the two
# cases below ran for thousands of examples outside the suite.
@settings(max_examples=40, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                              HealthCheck.function_scoped_fixture])
@given(records.record(R.Results))
def test_any_record_the_schema_allows_renders_or_is_refused_in_one_line(monkeypatch, record):
    try:
        loaded = _reload(record)
    except R.ResultsError as error:
        assert len(str(error).splitlines()) == 1
        return
    _renders(loaded, monkeypatch)


@settings(max_examples=20, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(records.record(R.Results, signed=True))
def test_negative_numbers_are_refused_at_load_in_one_line(record):
    try:
        loaded = _reload(record)
    except R.ResultsError as error:
        assert len(str(error).splitlines()) == 1 and any(
            why in str(error) for why in ("is negative", "above 1", "below 1"))
    else:
        assert not any(isinstance(v, (int, float)) and v < 0 for v in _numbers(json.loads(R.dumps(loaded))))


def _numbers(node, skip=("profile_table", "generator_args")):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in skip:
                yield from _numbers(value)
    elif isinstance(node, list):
        for value in node:
            yield from _numbers(value)
    elif not isinstance(node, bool) and isinstance(node, (int, float)) and math.isfinite(node):
        yield node


def test_a_baseline_time_of_zero_or_at_the_float_limits_compares_without_an_error():
    from reportgen.tables import _compared

    assert _compared(0.0, 1.0) == _compared(-0.0, 1.0) == "not comparable (a time of 0)"  # found by hypothesis
    assert _compared(2.0, 1.0) == "2.0× faster" and _compared(1.0, 2.0) == "2.0× slower"
    assert _compared(1e-300, 1e300) == "∞ slower"  # the other way round, the ratio underflowed to 0


def test_activation_findings_without_depths_are_left_out_not_an_error():
    from reportgen.findings import findings

    r = factories.results()
    findings(replace(r, activations=replace(r.activations, depths=[], gradients=[])))  # found by hypothesis
