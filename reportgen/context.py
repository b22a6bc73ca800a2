"""The report context: view models with every number already formatted, built from results and their findings.

The report reads as a paper does: page one answers the lecture's question for this machine (the three drivers,
the verdicts and headlines of their claims, Figure 1, the hardware at a glance); each section opens with its chart,
says in a few plain sentences what it shows here, then gives each finding as a headline with its evidence one step
away; the full tables, the rules and the methods sit in appendices. Templates only lay these out; they make no
decisions about what the data means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reportgen import charts, methods, tables
from reportgen.findings import Analysis, Finding, analyse
from reportgen.findings.activations import own_init, steps_to_target
from reportgen.findings.curves import largest_net
from reportgen.findings.projection import projection_words
from reportgen.fmt import and_list, config_label, duration, pct, times
from reportgen.glossary import TERMS, Term
from reportgen.learners import LABELS
from reportgen.overview import Closing, Driver, Hardware, answer, closing, counts, drivers, hardware, sizes
from reportgen.profile import EXPERIMENTS
from reportgen.references import REFERENCES
from reportgen.results import Results
from reportgen.scaling_section import KEYS as SCALING_KEYS
from reportgen.scaling_section import scaling_method, scaling_section
from reportgen.section import Section
from reportgen.tables import Figure, Table


@dataclass
class Part:
    """A part of an appendix: paragraphs and tables."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    title: str
    machine: str
    device: str
    device_reason: str
    created: str
    tool_version: str
    profile: str
    drivers: list[Driver]
    counts: dict[str, int]  # the lecture's claims, by verdict (every verdict named)
    sizes: str  # the claims and the checks behind them, counted in words
    answer: str  # why deep learning is taking off, on this run's supported claims
    hardware: Hardware
    figure_one: Figure | None
    sections: list[Section]
    closing: Closing
    limits: list[str]
    glossary: list[Term]
    references: list
    findings: list[Finding]  # every finding, for the appendix of how each verdict is decided
    data: list[Part]  # the appendix of full tables
    methods: list[Part]  # how each experiment was measured
    system: list[tuple[str, str]]
    settings: list[tuple[str, str]]
    phases: list[tuple[str, str]]
    command: str
    failures: list[str] = field(default_factory=list)  # experiments that failed, in words

    @property
    def figures(self) -> list[Figure]:
        return ([self.figure_one] if self.figure_one else []) + [
            f for s in self.sections for f in (*s.figures, *s.check_figures)]


def build_report(results: Results) -> Report:
    analysis = analyse(results)
    found = analysis.findings
    figure_one = (Figure("accuracy_vs_m", "Test accuracy against the number of labelled examples m, measured on this "
                         "machine: the lecture's figure. Bands span the lowest to the highest seed.",
                         charts.accuracy_vs_m(results.data_scale), tables.accuracy_table(results.data_scale))
                  if results.data_scale else None)
    sections = [s for s in (_data_section(results, analysis), _algorithms_section(results, analysis),
                            _compute_section(results, analysis), scaling_section(results, found)) if s]
    data = [Part(f"data-{s.key}", s.title, tables=[*([figure_one.table] if s.key == "data" and figure_one else []),
                                                  *(f.table for f in (*s.figures, *s.check_figures)), *s.tables])
            for s in sections]
    _number(figure_one, sections, data)
    claims = [f for f in found if f.is_claim]
    return Report(
        title="Why deep learning is taking off: measured on this machine",
        machine=results.system.summary_for(results.settings.device),
        device=results.settings.device,
        device_reason=results.settings.device_reason,
        created=results.created_utc,
        tool_version=results.tool_version,
        profile=results.settings.profile,
        drivers=drivers(found),
        counts=counts(claims),
        sizes=sizes(found),
        answer=answer(found),
        hardware=hardware(results),
        figure_one=figure_one,
        sections=sections,
        closing=closing(found),
        limits=methods.limits(results),
        glossary=TERMS,
        references=REFERENCES,
        findings=found,
        data=data,
        methods=_method_parts(results),
        system=methods.system_rows(results),
        settings=methods.settings_rows(results),
        phases=[(name, duration(sec)) for name, sec in results.phases.items()],
        command=results.settings.command,
        failures=[f"{EXPERIMENTS.get(name, name)}: the experiment failed ({reason}), so its section is missing; "
                  "`reportgen build --resume` on the run folder tries it again." for name, reason in
                  results.failures.items()],
    )


def _number(figure_one: Figure | None, sections: list[Section], data: list[Part]) -> None:
    """Figures in the order they appear; tables in the appendix's order, each figure's data first in its part."""
    figures = ([figure_one] if figure_one else []) + [f for s in sections for f in (*s.figures, *s.check_figures)]
    for i, fig in enumerate(figures, 1):
        fig.number = i
    for i, table in enumerate((t for part in data for t in part.tables), 1):
        table.number = i


def _of(analysis: Analysis, driver: str, claims: bool) -> list[Finding]:
    """A driver's claims (or checks), less those a section of their own shows."""
    return [f for f in analysis.findings if f.driver == driver and f.is_claim == claims and f.key not in SCALING_KEYS]


# --- the sections ----------------------------------------------------------------------------------------------

def _data_section(results: Results, analysis: Analysis) -> Section | None:
    r = results.data_scale
    if not r or not analysis.data_scale:
        return None
    fit_time = Figure("fit_time_vs_m", "Fit time against m (log-log): the cost side of more data.",
                      charts.fit_time_vs_m(r), tables.fit_time_table(r))
    table = results.settings.profile_table.get("data_scale")
    table = table if isinstance(table, dict) else {}
    notes = methods.data_notes(results)
    if analysis.data_scale.projection:
        notes.append(projection_words(r, analysis.data_scale.projection, analysis.data_scale.trends,
                                      table.get("steps")))
    more = [tables.trend_table(r, analysis.data_scale.trends), tables.published_table(r, table)]
    return Section("data", "Scale of data and of nets", [], _data_sentences(r), _of(analysis, "data", True),
                   [fit_time], _of(analysis, "data", False), notes, [t for t in more if t])


def _data_sentences(r) -> list[str]:
    """What Figure 1 shows on this machine: the grid, and who is best with the most data (each learner's late gain
    is in the trend table of Appendix A, and the claims below say what the gains mean)."""
    if not r.m_values:
        return ["This run recorded no value of m, so Figure 1 has nothing to show."]
    m_max, big = r.m_values[-1], largest_net(r)
    said = [(f"Figure 1 plots test accuracy on {r.test_size:,} held-out examples against m, from {r.m_values[0]:,} "
            f"to {m_max:,} labelled examples, for {len(r.learners)} learners.")]
    at_max = {x.name: s.mean for x in r.learners if (s := r.accuracy(x.name, m_max))}
    if at_max:
        best = max(at_max, key=at_max.get)
        said.append(f"With the most data (m = {m_max:,}) the {r.learner(best).label} scored highest, {pct(at_max[best])}"
                    + (f", and the {r.learner(big).label} reached {pct(at_max[big])}" if big in at_max and big != best
                       else "") + ".")
    return said


def _algorithms_section(results: Results, analysis: Analysis) -> Section | None:
    r = results.activations
    if not r:
        return None
    race = Figure("accuracy_vs_time", "Training accuracy against training time for each activation at its best "
                  "learning rate, every seed; the dashed line is the target.", charts.accuracy_vs_time(r),
                  tables.runs_table(r))
    gradients = Figure("gradients", "Mean absolute weight gradient per layer, at initialisation (solid) and after "
                       f"{r.trained_steps} training steps (dashed), log scale. A line that falls to the left means "
                       "gradients fade on their way back to the input.", charts.gradients_by_layer(r),
                       tables.gradient_table(r))
    return Section("algorithms", "Algorithms: sigmoid against ReLU", [race], _algorithm_sentences(r),
                   _of(analysis, "algorithms", True), [gradients], _of(analysis, "algorithms", False),
                   methods.activations_notes(results), [tables.speed_table(r), tables.saturation_table(r)])


def _algorithm_sentences(r) -> list[str]:
    said = [(f"The race figure follows training accuracy over time for a {r.train_depth}-hidden-layer net of each "
            f"activation; the target is {pct(r.target_accuracy)} training accuracy, where chance is 10%.")]
    reached = []
    for activation in r.activations:
        init = own_init(r, activation)
        steps, seconds = steps_to_target(r, activation, init)
        reached.append(f"{'ReLU' if activation == 'relu' else activation} in {steps:,.0f} steps ({duration(seconds)})"
                       if steps is not None else f"{activation} not in every seed within {r.max_steps:,} steps")
    if r.runs:
        said.append("With each activation's own initialisation, the median seed reached it: " + and_list(reached) + ".")
    deepest = max(r.depths, default=None)
    ratios = [(a, g.ratio) for a in r.activations
              if deepest and (g := r.gradient(a, deepest)) and not math.isnan(g.ratio)]  # NaN: no gradient at all
    if ratios:
        said.append(f"Behind the race, the gradient figure shows each weight layer's mean gradient at initialisation: "
                    f"at {deepest} hidden layers the output layer's gradient was "
                    + and_list([f"{times(x)} the input layer's for {'ReLU' if a == 'relu' else a}" for a, x in ratios])
                    + " (PyTorch's default initialisation).")
    return said


def _compute_section(results: Results, analysis: Analysis) -> Section | None:
    r = results.compute
    if not r:
        return None
    figures = [Figure("step_time", "Median time per training step against model size (log-log), on each "
                      "configuration timed.", charts.step_time_vs_size(r), tables.step_table(r)),
               Figure("gflops", "Matrix-product throughput against matrix size, per configuration; the line style "
                      "marks the precision.", charts.gflops_vs_size(r),
                      tables.matmul_table(r)),
               Figure("speedups", "Speed-up of one training step over the CPU on one thread, per workload; the "
                      "dashed line marks no gain.", charts.speedups(r), tables.speedup_table(r))]
    more = [tables.loop_table(r, analysis), tables.baseline_table(results)]
    lesson = analysis.compute.lesson if analysis.compute else ""
    return Section("computation", "Computation", figures, _compute_sentences(r, lesson),
                   _of(analysis, "computation", True),
                   [], _of(analysis, "computation", False), methods.compute_notes(results), [t for t in more if t])


def _compute_sentences(r, lesson: str) -> list[str]:
    """The step time of the largest model, then what a matrix unit is (the findings' lesson) or, where no unit was
    timed in two precisions, the matrix product's fp32 peak."""
    said = []
    big = r.largest_model
    batch = min((s.batch_size for s in r.steps), default=None)
    steps = r.timed_steps(big, batch) if big else []
    if steps:
        said.append(f"At batch {batch} one training step (forward, backward, Adam update) of the {LABELS[big]} took "
                    + and_list([f"{duration(s.timing.median_s)} on {config_label(s.device, s.precision, s.threads)}"
                                for s in steps]) + " per step.")
    if lesson:
        said.append(lesson)
    elif peak := max((m for m in r.matmuls if m.gflops is not None), key=lambda m: m.gflops, default=None):
        said.append(f"The matrix product, the operation a net's layers are made of, peaked at {peak.gflops:,.0f} "
                    f"GFLOP/s ({config_label(peak.device, peak.precision, peak.threads)}, n = {peak.n:,}).")
    return said


# --- the appendices --------------------------------------------------------------------------------------------

def _method_parts(results: Results) -> list[Part]:
    parts = []
    if results.data_scale:
        parts.append(Part("method-data", "Scale of data", [methods.data_method(results)]))
    if results.activations:
        parts.append(Part("method-algorithms", "Algorithms", [methods.activations_method(results)]))
    if results.compute:
        parts.append(Part("method-computation", "Computation", [methods.compute_method(results)]))
    if results.scaling:
        parts.append(Part("method-scaling", "Data-parallel training", [scaling_method(results.scaling)]))
    return parts
