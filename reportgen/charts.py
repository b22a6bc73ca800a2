"""Altair chart specs built from result records. The HTML embeds them; the PDF gets them as SVG."""

from __future__ import annotations

import math

import altair as alt

from reportgen.fmt import config_label
from reportgen.learners import LABELS
from reportgen.records.activations import ActivationsResult
from reportgen.records.compute import ComputeResult
from reportgen.records.data_scale import DataScaleResult
from reportgen.records.scaling import ScalingResult
from reportgen.text import printable_tree

WIDTH = 520
HEIGHT = 280
FONT = "DejaVu Sans"  # installed with WeasyPrint's fonts, so SVG text in the PDF matches the page
CONFIG = {"font": FONT, "axis": {"labelFontSize": 11, "titleFontSize": 12},
          "legend": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260,
                     "symbolOpacity": 1}}  # the spread bands are faint; their legend symbols must not be


def drawable(rows: list[dict], log: tuple[str, ...] = ()) -> list[dict]:
    """The rows a chart can draw: every number finite, and positive where its axis is logarithmic.

    A results file may hold a zero time, a subnormal one whose reciprocal is infinite, or a zero gradient; such a
    point has no place on the chart (the tables beside it still show it), and JSON has no Infinity to carry it.
    """
    return [row for row in rows
            if all(math.isfinite(v) for v in row.values() if isinstance(v, (int, float)))
            and all(row[k] > 0 for k in log)]


def decades(values) -> list[float]:
    """Tick values at the powers of ten spanning `values`: a log axis labelled at every 1-2-5 is unreadable."""
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    return [10.0**e for e in range(max(low, -323), min(high, 308) + 1)]  # the powers of ten a float can hold


SPAN_FOR_LOG = 100  # values whose largest is this many times the smallest get a log axis: on a linear one the
                   # small values (a GPU at batch 100, a CPU's GFLOP/s) sit flat on the floor


def y_axis(field: str, title: str, values: list[float], fmt: str = "~g") -> alt.Y:
    """A y axis that turns logarithmic, labelled at the decades, where the values span two decades or more."""
    positive = [v for v in values if v > 0]
    if positive and max(positive) >= SPAN_FOR_LOG * min(positive):
        return alt.Y(field, title=f"{title} (log scale)", scale=alt.Scale(type="log"),
                     axis=alt.Axis(values=decades(positive), format=fmt))
    return alt.Y(field, title=title)


def finish(chart) -> dict:
    """The chart's spec, with our fonts. Its text is made printable: a control character in a label (\\x1b, U+FFFF)
    made vl-convert abort the whole process, report unwritten.

    Altair's check of the whole spec against the Vega-Lite schema is left out: the dict is the same without it, and
    it took a fifth of building the report context. The specs' shapes come from this code alone, not from input,
    and the tests check every chart against the schema (test_document.py)."""
    spec = printable_tree(chart.to_dict(validate=False))
    spec["config"] = {**spec.get("config", {}), **CONFIG}
    return spec


def _m_axis(rows: list[dict]) -> alt.X:
    """A log axis over exactly the m values drawn, labelled at each of them."""
    m_values = sorted({row["m"] for row in rows})
    return alt.X("m:Q", scale=alt.Scale(type="log", domain=[m_values[0], m_values[-1]], nice=False),
                 axis=alt.Axis(values=m_values, format=",", labelOverlap=True),
                 title="Labelled training examples m (log scale)")


def accuracy_vs_m(r: DataScaleResult) -> dict | None:
    rows = []
    for learner in r.learners:
        for m in r.m_run(learner.name):
            s = r.accuracy(learner.name, m)
            rows.append({"learner": learner.label, "m": m, "accuracy": s.mean, "low": s.low, "high": s.high,
                         "seeds": s.n})
    rows = drawable(rows, log=("m",))
    if not rows:
        return None
    order = list(dict.fromkeys(x.label for x in r.learners))
    base = alt.Chart(alt.Data(values=rows)).encode(x=_m_axis(rows), color=alt.Color("learner:N", title="Learner",
                                                                                     sort=order))
    band = base.mark_area(opacity=0.18).encode(y="low:Q", y2="high:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y("accuracy:Q", title="Test accuracy (mean over seeds)", axis=alt.Axis(format="%")),
        tooltip=["learner:N", "m:Q", alt.Tooltip("accuracy:Q", format=".1%"),
                 alt.Tooltip("low:Q", format=".1%", title="lowest seed"),
                 alt.Tooltip("high:Q", format=".1%", title="highest seed"), "seeds:Q"])
    return finish((band + line).properties(width=WIDTH, height=HEIGHT))


def fit_time_vs_m(r: DataScaleResult) -> dict | None:
    rows = drawable([{"learner": x.label, "m": m, "seconds": r.fit_seconds(x.name, m).mean}
                     for x in r.learners for m in r.m_run(x.name)], log=("m", "seconds"))
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=_m_axis(rows),
        y=alt.Y("seconds:Q", scale=alt.Scale(type="log"), title="Fit time, seconds (log scale)",
                axis=alt.Axis(values=decades([x["seconds"] for x in rows]), format="~g")),
        color=alt.Color("learner:N", title="Learner", sort=list(dict.fromkeys(x.label for x in r.learners))),
        tooltip=["learner:N", "m:Q", alt.Tooltip("seconds:Q", format=".3g")])
    return finish(chart.properties(width=WIDTH, height=HEIGHT * 0.8))


def gradients_by_layer(r: ActivationsResult) -> dict | None:
    stages = {"init": "at initialisation", "trained": f"after {r.trained_steps} steps"}
    rows = drawable([{"activation": f"{g.activation}, {g.init} init", "depth": f"{g.depth} hidden layers", "layer": i + 1,
                      "gradient": v, "when": stages.get(g.stage, g.stage)}
                     for g in r.gradients for i, v in enumerate(g.mean_abs_grad)], log=("gradient",))
    if not rows:
        return None
    depths = list(dict.fromkeys(row["depth"] for row in sorted(rows, key=lambda row: int(row["depth"].split()[0]))))
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("layer:O", title="Weight layer (1 = input side)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("gradient:Q", scale=alt.Scale(type="log"), title="Mean |dL/dW| (log scale)",
                axis=alt.Axis(values=decades([x["gradient"] for x in rows]), format=".0e")),
        color=alt.Color("activation:N", title="Activation, initialisation"),
        strokeDash=alt.StrokeDash("when:N", title="Measured", sort=list(stages.values())),
        tooltip=["activation:N", "depth:N", "when:N", "layer:O", alt.Tooltip("gradient:Q", format=".2e")])
    columns = min(len(depths), 2)  # wider panels: four in a row leave each too narrow to read on paper
    return finish(chart.properties(width=(WIDTH - 40 * columns) / columns, height=130).facet(
        facet=alt.Facet("depth:N", title=None, sort=depths), columns=columns
    ).resolve_scale(x="independent"))


def accuracy_vs_time(r: ActivationsResult) -> dict | None:
    rows = []
    for activation, init in dict.fromkeys((x.activation, x.init) for x in r.runs):
        for run in r.best_runs(activation, init):
            for p in run.curve:
                rows.append({"activation": f"{activation}, {init} init (lr {run.learning_rate:g})", "seed": run.seed,
                             "seconds": p.seconds, "step": p.step, "accuracy": p.train_accuracy})
    rows = drawable(rows)
    if not rows:
        return None
    line = alt.Chart(alt.Data(values=rows)).mark_line().encode(
        x=alt.X("seconds:Q", title="Training time, seconds"),
        y=alt.Y("accuracy:Q", title="Training accuracy", axis=alt.Axis(format="%")),
        color=alt.Color("activation:N", title="Activation, initialisation (best rate)"),
        detail="seed:N",
        tooltip=["activation:N", "seed:N", "step:Q", alt.Tooltip("seconds:Q", format=".2f"),
                 alt.Tooltip("accuracy:Q", format=".1%")])
    target = alt.Chart(alt.Data(values=[{"target": r.target_accuracy}])).mark_rule(
        strokeDash=[4, 4], color="gray").encode(y="target:Q")
    return finish((line + target).properties(width=WIDTH, height=HEIGHT * 0.8))


def step_time_vs_size(r: ComputeResult) -> dict | None:
    rows = drawable([{"configuration": config_label(s.device, s.precision, s.threads),
                      "model": LABELS.get(s.model, s.model), "family": "CNN" if s.model == "cnn" else "MLP",
                      "parameters": s.parameters, "batch": s.batch_size, "ms": s.timing.median_s * 1e3,
                      "iqr_ms": s.timing.iqr_s * 1e3} for s in r.steps if s.timing], log=("parameters", "ms"))
    if not rows:
        return None
    # Lines join the MLPs, which differ only in size; the CNN, whose convolutions cost more per parameter, is
    # drawn as points of its own shape rather than joined into the MLP line.
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("parameters:Q", scale=alt.Scale(type="log"), title="Model parameters (log scale)",
                axis=alt.Axis(values=decades([x["parameters"] for x in rows]), format="~s")),
        y=alt.Y("ms:Q", scale=alt.Scale(type="log"), title="Median time per training step, ms (log)",
                axis=alt.Axis(values=decades([x["ms"] for x in rows]), format="~g")),
        color=alt.Color("configuration:N", title="Device"),
        tooltip=["configuration:N", "model:N", "parameters:Q", "batch:Q", alt.Tooltip("ms:Q", format=".3g"),
                 alt.Tooltip("iqr_ms:Q", format=".2g", title="IQR ms")])
    lines = base.mark_line().encode(strokeDash=alt.StrokeDash("batch:N", title="Batch size")).transform_filter(
        alt.datum.family == "MLP")
    points = base.mark_point(filled=True, size=50).encode(shape=alt.Shape("family:N", title="Model"))
    return finish((lines + points).properties(width=WIDTH, height=HEIGHT * 0.8))


def speedups(r: ComputeResult) -> dict | None:
    """Speed-up of each configuration over the CPU on one thread, per model and batch size."""
    rows = [{"workload": f"{LABELS.get(s.model, s.model)}, batch {s.batch_size}",
             "configuration": config_label(s.device, s.precision, s.threads), "speedup": gain}
            for s, gain in r.speedups()]
    rows = drawable(rows)
    if not rows:
        return None
    bars = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("workload:N", title=None, axis=alt.Axis(labelAngle=-30, labelLimit=300)),
        xOffset="configuration:N",
        y=y_axis("speedup:Q", "Speed-up over 1 CPU thread (×)", [x["speedup"] for x in rows]),
        color=alt.Color("configuration:N", title="Device"),
        tooltip=["workload:N", "configuration:N", alt.Tooltip("speedup:Q", format=".2f")])
    one = alt.Chart(alt.Data(values=[{"y": 1}])).mark_rule(color="gray", strokeDash=[4, 4]).encode(y="y:Q")
    return finish((bars + one).properties(width=WIDTH, height=HEIGHT * 0.7))


def gflops_vs_size(r: ComputeResult) -> dict | None:
    rows = drawable([{"configuration": config_label(m.device, m.precision, m.threads), "precision": m.precision,
                      "n": m.n, "gflops": m.gflops} for m in r.matmuls if m.gflops is not None], log=("n",))
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("n:Q", scale=alt.Scale(type="log", base=2), title="Matrix size n (n × n, log scale)"),
        y=y_axis("gflops:Q", "GFLOP/s (2n³ / median time)", [x["gflops"] for x in rows]),
        color=alt.Color("configuration:N", title="Device"),
        strokeDash=alt.StrokeDash("precision:N", title="Precision"),  # bf16 against fp32: the matrix units' gain
        tooltip=["configuration:N", "precision:N", "n:Q", alt.Tooltip("gflops:Q", format=".1f")])
    return finish(chart.properties(width=WIDTH, height=HEIGHT * 0.7))


def busbw_vs_size(r: ScalingResult) -> dict | None:
    """All-reduce bus bandwidth against message size, one line per world size above 1 (at 1 nothing crosses a link,
    and busbw is 0)."""
    rows = drawable([{"world size": f"{a.world_size} workers", "KiB": a.bytes / 1024, "busbw": a.busbw / 1e9,
                      "algbw": a.algbw / 1e9, "ms": a.median_s * 1e3}
                     for a in r.allreduce if a.world_size > 1], log=("KiB", "busbw"))
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("KiB:Q", scale=alt.Scale(type="log", base=2), title="Message size, KiB (log scale)",
                axis=alt.Axis(values=sorted({row["KiB"] for row in rows}), format=",")),
        y=y_axis("busbw:Q", "busbw, GB/s (algbw × 2(n−1)/n)", [x["busbw"] for x in rows]),
        color=alt.Color("world size:N", title="World size"),
        tooltip=["world size:N", "KiB:Q", alt.Tooltip("busbw:Q", format=".3g"),
                 alt.Tooltip("algbw:Q", format=".3g"), alt.Tooltip("ms:Q", format=".3g")])
    return finish(chart.properties(width=WIDTH, height=HEIGHT * 0.7))


def throughput_vs_world_size(r: ScalingResult) -> dict | None:
    """Examples per second against world size, per model and scaling mode, with the ideal line: one process
    without DDP times n on GPUs, and on a CPU's split one process's own, the same cores at every world size. The
    finding judges weak scaling (a batch per worker) on GPUs and strong scaling (one batch split) on a CPU."""
    rows, ideal = [], []
    for model in r.models:
        single = r.step(model, 1, "single")
        label = LABELS.get(model, model)
        rows += [{"series": f"{label}, {mode}", "world size": s.world_size, "examples/s": s.examples_per_second}
                 for mode in ("weak", "strong") for s in r.series(model, mode) if s.examples_per_second]
        if single and single.examples_per_second:
            ideal += [{"series": f"{label}, ideal" + (", same cores" if r.split else ", n × one"), "world size": n,
                       "examples/s": (1 if r.split else n) * single.examples_per_second} for n in r.world_sizes]
    rows, ideal = drawable(rows, log=("examples/s",)), drawable(ideal, log=("examples/s",))
    if not rows:
        return None
    x = alt.X("world size:Q", title="World size (workers)", scale=alt.Scale(type="log", base=2),
              axis=alt.Axis(values=r.world_sizes, format="d"))
    y = y_axis("examples/s:Q", "Training examples per second", [v["examples/s"] for v in rows + ideal])
    color = alt.Color("series:N", title="Model, scaling")
    measured = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=x, y=y, color=color, tooltip=["series:N", "world size:Q", alt.Tooltip("examples/s:Q", format=",.0f")])
    layers = measured
    if ideal:
        layers = alt.Chart(alt.Data(values=ideal)).mark_line(strokeDash=[4, 4], opacity=0.7).encode(
            x=x, y=y, color=color) + measured
    return finish(layers.properties(width=WIDTH, height=HEIGHT * 0.7))
