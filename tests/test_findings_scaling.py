"""The scaling experiment's records and finding, on small synthetic records: nccl-tests' bandwidths, the scaling
efficiencies, and the verdict on same-round pairs with the rules of the other timing findings."""

from dataclasses import replace

import factories
import pytest

from reportgen.context import build_report
from reportgen.findings import Verdict, findings
from reportgen.findings.scaling import scaling_findings
from reportgen.findings.verdicts import HEADLINE_WORDS
from reportgen.records.scaling import AllReduceTime, bus_factor
from reportgen.render import render_html


@pytest.mark.parametrize("n, factor", [(1, 0.0), (2, 1.0), (4, 1.5), (8, 1.75)])
def test_the_bus_factor_is_nccl_tests(n, factor):
    assert bus_factor(n) == factor


def test_algbw_is_size_over_time_and_busbw_scales_it_by_the_bus_factor():
    a = AllReduceTime(world_size=4, bytes=16 << 20, median_s=0.01, iqr_s=0.001, repeats=10)
    assert a.algbw == pytest.approx((16 << 20) / 0.01)
    assert a.busbw == pytest.approx(a.algbw * 1.5)
    assert AllReduceTime(world_size=2, bytes=4096, median_s=0.0, iqr_s=0.0, repeats=1).algbw == 0.0


def test_efficiencies_are_against_one_process_without_ddp_and_labelled_by_mode():
    r = factories.scaling({("mlp_large", 1, "single"): 4.0, ("mlp_large", 1, "weak"): 5.0,
                           ("mlp_large", 2, "weak"): 5.0, ("mlp_large", 2, "strong"): 2.5})
    assert r.efficiency(r.step("mlp_large", 2, "strong")) == pytest.approx(4.0 / (2 * 2.5))  # T1 / (n Tn)
    assert r.efficiency(r.step("mlp_large", 2, "weak")) == pytest.approx(4.0 / 5.0)  # T1 / Tn
    assert r.efficiency(r.step("mlp_large", 1, "single")) is None
    assert r.step("mlp_large", 1, "strong") is r.step("mlp_large", 1, "weak")  # one configuration at world size 1
    assert r.step("mlp_large", 2, "weak").communication_share == pytest.approx(0.3)
    assert r.step("mlp_large", 1, "single").communication_share is None


def _finding(r):
    """The finding with the verdict: the claim on GPUs; on a CPU, where the workers split one machine, the check
    beside a claim that is not tested (no device was added)."""
    found = scaling_findings(r)
    for f in found:
        assert f.driver == "computation" and len(f.headline.split()) <= HEADLINE_WORDS, f.headline
    if r.device == "cuda" or r.largest == 1:
        (f,) = found
        assert f.key == "data_parallel" and f.role == "claim"
        return f
    claim, f = found
    assert (claim.key, claim.role, claim.verdict) == ("data_parallel", "claim", Verdict.NOT_TESTED)
    assert "split one CPU" in claim.headline and "--device cuda" in claim.how_to_test
    assert f.key == "data_parallel_split" and f.role == "mechanism" and not f.because
    return f


def test_two_workers_splitting_a_cpu_slower_than_one_process_contradict_the_claim_and_say_why():
    f = _finding(factories.scaling())  # 3.7 ms in one process, 6.8 ms spread over two: 0.54x
    assert f.verdict is Verdict.CONTRADICTED
    assert "fewer examples per second than one process on all 2 threads (0.7×)" in f.headline and "split the same CPU" in f.headline and "busbw" in f.headline
    assert "split of one machine, not added hardware" in f.why
    assert "weak scaling at world size 2" in f.evidence and "strong scaling at world size 2" in f.evidence
    assert "30.0% of it communicating" in f.evidence and "busbw" in f.evidence and not f.because


def test_gpus_that_spread_the_step_faster_support_it_with_a_reason_and_the_link():
    r = factories.scaling({("mlp_large", 1, "single"): 4.0, ("mlp_large", 1, "weak"): 4.2,
                           ("mlp_large", 2, "weak"): 4.4, ("mlp_large", 2, "strong"): 2.2}, device="cuda")
    f = _finding(r)
    assert f.verdict is Verdict.SUPPORTED and "2 GPUs" in f.headline and "1.8×" in f.headline
    assert f.because.startswith("spread over 2 GPUs, training processed 1.8× as many examples per second") and "peer-to-peer" in f.evidence
    assert "split of one machine" not in f.why


def test_one_disturbed_round_does_not_decide_but_a_single_round_decides_nothing():
    disturbed = {("mlp_large", 2, "weak"): (1.0, 0.3, 1.0)}  # one round of the pair ran fast
    assert _finding(factories.scaling(rounds=disturbed)).verdict is Verdict.CONTRADICTED
    once = {key: (1.0,) for key in [("mlp_large", 1, "single"), ("mlp_large", 2, "weak")]}
    f = _finding(factories.scaling(rounds=once))
    assert f.verdict is Verdict.INCONCLUSIVE and "single round" in f.headline


def test_a_gain_between_the_bars_is_inconclusive():
    r = factories.scaling({("mlp_large", 1, "single"): 4.0, ("mlp_large", 2, "weak"): 7.2})  # 2 x 4 / 7.2: 1.11x
    assert _finding(r).verdict is Verdict.INCONCLUSIVE


def test_the_verdict_is_weak_scaling_throughput_so_a_split_small_batch_cannot_decide_it_alone():
    # 8 GPUs: the batch of 100 split 8 ways barely speeds a launch-bound step, but 8 batches run in 1.2x the time
    times = {("mlp_large", 1, "single"): 4.0, ("mlp_large", 1, "weak"): 4.2, ("mlp_large", 8, "weak"): 4.8,
             ("mlp_large", 8, "strong"): 3.9}
    f = _finding(factories.scaling(times, device="cuda", world_sizes=(1, 8)))
    assert f.verdict is Verdict.SUPPORTED and "6.7× as many examples per second" in f.headline
    assert "strong scaling at world size 8" in f.evidence


def test_replicas_that_drift_apart_decide_nothing():
    r = factories.scaling({("mlp_large", 1, "single"): 4.0, ("mlp_large", 2, "weak"): 4.4}, device="cuda")
    drifted = replace(r, steps=[replace(s, parameters_equal=False) if s.world_size == 2 else s for s in r.steps])
    assert _finding(r).verdict is Verdict.SUPPORTED
    f = _finding(drifted)
    assert f.verdict is Verdict.INCONCLUSIVE and "different parameters" in f.headline


def test_a_busy_machine_decides_nothing():
    f = _finding(factories.scaling(others_busy=0.5))
    assert f.verdict is Verdict.INCONCLUSIVE and "50%" in f.headline and "Rerun on an idle machine" in f.why


def test_one_gpu_leaves_it_not_tested_and_says_more_gpus_are_needed():
    r = factories.scaling({("mlp_large", 1, "single"): 4.0, ("mlp_large", 1, "weak"): 4.3}, device="cuda",
                          world_sizes=(1,))
    f = _finding(r)
    assert f.verdict is Verdict.NOT_TESTED and "more GPUs are needed to scale" in f.why
    assert "--device cuda" in f.how_to_test and "DDP" in f.evidence


def test_the_report_has_a_scaling_section_with_both_charts_and_its_finding_outside_computation():
    results = factories.results(scal=factories.scaling())
    report = build_report(results)
    section = next(s for s in report.sections if s.key == "scaling")
    assert [f.key for f in section.claims] == ["data_parallel"]
    assert [f.key for f in section.checks] == ["data_parallel_split"]
    assert all(f.spec for f in section.figures) and [f.key for f in section.figures] == ["busbw", "scaling_steps"]
    computation = next(s for s in report.sections if s.key == "computation")
    assert not {"data_parallel", "data_parallel_split"} & {f.key for f in computation.claims + computation.checks}
    steps = section.figures[1].table
    assert [row[1:6] for row in steps.rows] == [["no DDP", "1", "100", "100", "2"], ["DDP", "1", "100", "100", "2"],
                                               ["weak", "2", "100", "200", "1"], ["strong", "2", "50", "100", "1"]]
    assert [row[-2:] for row in steps.rows[2:]] == [["33.6%", "yes"], ["27.2%", "yes"]]
    assert "Data-parallel training" in render_html(results)
    assert "data_parallel" in [f.key for f in findings(results)]


def test_a_report_without_scaling_has_no_such_section():
    assert "scaling" not in [s.key for s in build_report(factories.results()).sections]


def test_compare_sets_the_scaling_figures_side_by_side_with_and_without_the_record():
    from reportgen.compare import compare

    with_it = factories.results(scal=factories.scaling())
    gpus = factories.results(scal=factories.scaling(
        {("mlp_large", 1, "single"): 2.0, ("mlp_large", 2, "strong"): 1.0}, device="cuda"))
    c = compare([with_it, gpus, factories.results()])
    figures = {f.key: f for f in c.figures}
    assert figures["busbw"].spec and figures["scaling_steps"].spec
    steps = {row[0]: row[1:] for row in figures["scaling_steps"].table.rows}
    assert steps["Large MLP (512x3), strong scaling, world size 2"] == ["6.8 ms", "1 ms (6.8×)", "not timed"]
    assert figures["busbw"].table.rows[-1][1:] == ["16 MiB", "1.19 GB/s", "1.19 GB/s", "none"]
    assert "busbw" not in {f.key for f in compare([factories.results(), factories.results()]).figures}
