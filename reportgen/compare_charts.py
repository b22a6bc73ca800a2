"""Altair specs that overlay several runs, one colour per machine, built from the result records."""

from __future__ import annotations

import altair as alt

from reportgen.charts import HEIGHT, WIDTH, decades, drawable, finish
from reportgen.fmt import config_label
from reportgen.learners import LABELS
from reportgen.results import Results

MACHINE = "Machine (run)"


def _machine(labels: list[str]) -> alt.Color:
    return alt.Color("machine:N", title=MACHINE, sort=labels)


def step_times(runs: list[Results], labels: list[str]) -> dict | None:
    rows = drawable([{"machine": label, "configuration": config_label(s.device, s.precision, s.threads),
                      "model": s.model, "parameters": s.parameters, "batch": s.batch_size,
                      "ms": s.timing.median_s * 1e3}
                     for r, label in zip(runs, labels) if r.compute for s in r.compute.steps if s.timing],
                    log=("parameters", "ms"))
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("parameters:Q", scale=alt.Scale(type="log"), title="Model parameters (log scale)",
                axis=alt.Axis(values=decades([x["parameters"] for x in rows]), format="~s")),
        y=alt.Y("ms:Q", scale=alt.Scale(type="log"), title="Median time per training step, ms (log)",
                axis=alt.Axis(values=decades([x["ms"] for x in rows]), format="~g")),
        color=_machine(labels),
        strokeDash=alt.StrokeDash("configuration:N", title="Device"),
        detail="batch:N",
        tooltip=["machine:N", "configuration:N", "model:N", "parameters:Q", "batch:Q",
                 alt.Tooltip("ms:Q", format=".3g")])
    return finish(chart.properties(width=WIDTH, height=HEIGHT))


def gflops(runs: list[Results], labels: list[str]) -> dict | None:
    rows = drawable([{"machine": label, "configuration": config_label(m.device, m.precision, m.threads), "n": m.n,
                      "gflops": m.gflops}
                     for r, label in zip(runs, labels) if r.compute for m in r.compute.matmuls
                     if m.gflops is not None], log=("n",))
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("n:Q", scale=alt.Scale(type="log", base=2), title="Matrix size n (n × n, log scale)"),
        y=alt.Y("gflops:Q", title="GFLOP/s (2n³ / median time)"),
        color=_machine(labels),
        strokeDash=alt.StrokeDash("configuration:N", title="Device"),
        tooltip=["machine:N", "configuration:N", "n:Q", alt.Tooltip("gflops:Q", format=".1f")])
    return finish(chart.properties(width=WIDTH, height=HEIGHT))


def accuracy(runs: list[Results], labels: list[str]) -> dict | None:
    rows, learners = [], {}
    for r, label in zip(runs, labels):
        if not r.data_scale:
            continue
        for learner in r.data_scale.learners:
            learners.setdefault(learner.label)
            for m in r.data_scale.m_run(learner.name):
                rows.append({"machine": label, "learner": learner.label, "m": m,
                             "accuracy": r.data_scale.accuracy(learner.name, m).mean})
    rows = drawable(rows, log=("m",))
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("m:Q", scale=alt.Scale(type="log"), title="m (log scale)",
                axis=alt.Axis(format="~s", values=decades([x["m"] for x in rows]))),
        y=alt.Y("accuracy:Q", title="Test accuracy", axis=alt.Axis(format="%")),
        color=_machine(labels),
        tooltip=["machine:N", "learner:N", "m:Q", alt.Tooltip("accuracy:Q", format=".1%")])
    columns = 3
    return finish(chart.properties(width=(WIDTH - 40 * columns) / columns, height=150).facet(
        facet=alt.Facet("learner:N", title=None, sort=list(learners)), columns=columns))


def busbw(runs: list[Results], labels: list[str]) -> dict | None:
    rows = drawable([{"machine": label, "world size": f"{a.world_size} workers", "KiB": a.bytes / 1024,
                      "busbw": a.busbw / 1e9}
                     for r, label in zip(runs, labels) if r.scaling for a in r.scaling.allreduce if a.world_size > 1],
                    log=("KiB", "busbw"))
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("KiB:Q", scale=alt.Scale(type="log", base=2), title="Message size, KiB (log scale)",
                axis=alt.Axis(values=sorted({row["KiB"] for row in rows}), format=",")),
        y=alt.Y("busbw:Q", scale=alt.Scale(type="log"), title="busbw, GB/s (log scale)"),
        color=_machine(labels), strokeDash=alt.StrokeDash("world size:N", title="World size"),
        tooltip=["machine:N", "world size:N", "KiB:Q", alt.Tooltip("busbw:Q", format=".3g")])
    return finish(chart.properties(width=WIDTH, height=HEIGHT))


def scaling_steps(runs: list[Results], labels: list[str]) -> dict | None:
    rows = drawable([{"machine": label, "model": LABELS.get(s.model, s.model), "world size": s.world_size,
                      "ms": s.timing.median_s * 1e3}
                     for r, label in zip(runs, labels) if r.scaling for m in r.scaling.models
                     for s in r.scaling.series(m, "strong")], log=("ms",))
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("world size:Q", scale=alt.Scale(type="log", base=2), title="World size (workers)",
                axis=alt.Axis(format="d")),
        y=alt.Y("ms:Q", scale=alt.Scale(type="log"), title="Strong-scaling step time, ms (log scale)"),
        color=_machine(labels), strokeDash=alt.StrokeDash("model:N", title="Model"),
        tooltip=["machine:N", "model:N", "world size:Q", alt.Tooltip("ms:Q", format=".3g")])
    return finish(chart.properties(width=WIDTH, height=HEIGHT))
