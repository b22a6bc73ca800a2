"""Findings: a pure function from results to the claims of the lecture and the checks behind them, each with a
verdict, a headline and its evidence.

The report's narrative is assembled from these, never from fixed prose about outcomes: where the data contradicts
the story, the finding says so. One module per experiment, as in `records/` and `experiments/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportgen.findings.activations import activation_findings
from reportgen.findings.compute import ComputeFindings, compute_findings
from reportgen.findings.curves import largest_net
from reportgen.findings.data_scale import DataScaleFindings, data_scale_findings
from reportgen.findings.precision import bf16_accuracy_finding, cost_words
from reportgen.findings.scaling import scaling_findings
from reportgen.findings.verdicts import DRIVERS, ROLES, Finding, Verdict, decide
from reportgen.results import Results

__all__ = ["DRIVERS", "ROLES", "Analysis", "Finding", "Verdict", "analyse", "decide", "findings"]


@dataclass(frozen=True)
class Analysis:
    """Everything the findings layer says of one results file, experiment by experiment (None: not run)."""

    data_scale: DataScaleFindings | None
    activations: list[Finding]
    compute: ComputeFindings | None
    precision: list[Finding] = field(default_factory=list)  # what bf16 training cost the data-scale nets
    scaling: list[Finding] = field(default_factory=list)  # data-parallel training across worker processes

    @property
    def findings(self) -> list[Finding]:
        return [*(self.data_scale.findings if self.data_scale else []), *self.activations,
                *(self.compute.findings if self.compute else []), *self.precision, *self.scaling]


def analyse(results: Results) -> Analysis:
    table = results.settings.profile_table.get("data_scale")
    table = table if isinstance(table, dict) else {}
    ds, c = results.data_scale, results.compute
    compute = None
    if c:
        # The loop finding may put one learning curve's cost in words only where the computation experiment
        # timed the data-scale experiment's own largest net at its own step budget.
        same = ds and c.steps and largest_net(ds) == c.largest_model and table.get("steps") == c.loop_steps
        sweep = [f.steps if f.steps is not None else c.loop_steps for f in ds.fits
                 if f.learner == c.largest_model] if same else []
        compute = compute_findings(c, sweep, table.get("batch_size"))
    precision = [f for f in [bf16_accuracy_finding(ds) if ds else None] if f]
    return Analysis(data_scale_findings(ds, table.get("steps")) if ds else None,
                    activation_findings(results.activations) if results.activations else [],
                    _with_cost(compute, precision), precision,
                    scaling_findings(results.scaling) if results.scaling else [])


def _with_cost(compute: ComputeFindings | None, precision: list[Finding]) -> ComputeFindings | None:
    """Where the control behind a held claim went against it (bf16 training lost accuracy behind bf16's speed-up),
    the claim's reason on page one and in the closing says the cost beside the speed: the speed is never given as a
    reason deep learning took off while what it cost stays out of sight. The verdict stays: the claim is about
    speed, and the speed held."""
    lost = next((f for f in precision if f.key == "bf16_accuracy" and f.verdict is Verdict.CONTRADICTED), None)
    if compute is None or lost is None:
        return compute
    return replace(compute, findings=[replace(f, because=f"{f.because}, though {cost_words(lost)}")
                                      if f.key == "matrix_hardware" and f.because else f
                                      for f in compute.findings])


def findings(results: Results) -> list[Finding]:
    """Every finding of the results, in the report's order."""
    return analyse(results).findings
