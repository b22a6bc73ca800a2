"""Matrix hardware (bf16 against fp32 on one device) and the accuracy bf16 training costs: each verdict reached,
and missed, on small synthetic records."""

import dataclasses

import factories
import pytest

from reportgen.findings import Verdict, findings
from reportgen.records.compute import MatmulTime, StepTime
from reportgen.records.data_scale import Fit

S, C, I, N = Verdict.SUPPORTED, Verdict.CONTRADICTED, Verdict.INCONCLUSIVE, Verdict.NOT_TESTED
NOT_NATIVE = "bf16 not timed on the CPU: this CPU has no native bf16 unit (no AMX BF16 among its flags)"


def _step(model, batch, precision, threads, ms, rounds=factories.ROUNDS, device="cpu"):
    return StepTime(model=model, parameters=factories.PARAMETERS[model], batch_size=batch, device=device,
                    precision=precision, threads=threads, timing=factories._timing(ms / 1e3, rounds))


def machine(bf16_gain=None, rounds=None, unit="AMX", batches=(100, 1000), gpu=None):
    """fp32 on 1 and 2 threads for both MLPs at `batches`; bf16 on 2 threads at `bf16_gain` {batch: gain over
    fp32} for the large MLP (the small one gains 1.1x), its rounds `rounds` {batch: factors}. `gpu`: {precision:
    ms} of the large MLP at every batch on cuda:0."""
    rounds, steps = rounds or {}, []
    for b in batches:
        for model, ms in (("mlp_small", 0.2 * b / 100), ("mlp_large", 4.0 * b / 100)):
            steps += [_step(model, b, "fp32", 1, ms), _step(model, b, "fp32", 2, ms / 1.5)]
            if bf16_gain:
                gain = bf16_gain[b] if model == "mlp_large" else 1.1
                steps.append(_step(model, b, "bf16", 2, ms / 1.5 / gain, rounds.get(b, factories.ROUNDS)
                                   if model == "mlp_large" else factories.ROUNDS))
            for precision, gpu_ms in (gpu or {}).items():
                steps.append(_step(model, b, precision, None, gpu_ms * b / 100, device="cuda:0"))
    matmuls = [MatmulTime(n=n, device="cpu", precision=p, threads=2, timing=factories._timing(2 * n**3 / rate))
               for n in (256, 2048) for p, rate in (("fp32", 300e9), ("bf16", (2000e9 if n > 256 else 900e9)))
               if p == "fp32" or bf16_gain]
    return dataclasses.replace(factories.compute(), steps=steps, matmuls=matmuls, bf16_unit=unit if bf16_gain else None,
                               bf16_not_timed="" if bf16_gain else NOT_NATIVE,
                               devices=["cpu", "cuda:0"] if gpu else ["cpu"])


def by_key(comp=None, data=None):
    return {f.key: f for f in findings(factories.results(comp=comp, data=data))}


@pytest.mark.parametrize("gains, rounds, verdict", [
    ({100: 2.4, 1000: 3.1}, None, S),  # every pair past 2x at both batches
    ({100: 1.6, 1000: 1.8}, None, C),  # no pair reaches 1.9x (1.8 x 1.02 / 0.98 < 1.9)
    ({100: 1.6, 1000: 3.1}, None, I),  # the batches disagree
    ({100: 2.4, 1000: 1.85}, {1000: (0.9, 1.0, 1.1)}, I),  # at batch 1000 a pair reaches 1.9x, the median does not
    ({100: 1.8, 1000: 1.85}, {100: (0.9, 1.0, 1.1), 1000: (0.9, 1.0, 1.1)}, C),  # the same, at every batch
    ({100: 1.95, 1000: 2.4}, None, I),  # within 5% under 2x at batch 100: the noise of the bar
    ({100: 2.05, 1000: 2.4}, {100: (1.1, 1.0, 0.9)}, S),  # one pair under 2x: the median decides
])
def test_the_matrix_verdict_is_the_large_mlp_s_median_pair_at_every_batch(gains, rounds, verdict):
    f = by_key(machine(gains, rounds))["matrix_hardware"]
    assert f.verdict is verdict, f.why
    assert f"{gains[100]:.1f}× at batch 100" in f.headline or verdict is I
    assert "Small MLP (32) 1.1×" in f.evidence  # every model is shown, only the largest decides
    assert "peaked at 300 GFLOP/s in fp32 and 2,000 GFLOP/s in bf16 (6.7×)" in f.evidence
    assert (f.because != "") == (verdict is S)
    assert len(f.headline.split()) <= 30


def test_a_clean_split_between_batches_says_where_bf16_doubled_the_step_and_where_not():
    f = by_key(machine({100: 1.05, 1000: 2.4}))["matrix_hardware"]
    assert f.verdict is I
    assert f.headline == ("bf16 on the CPU doubled the Large MLP (512x3)'s training speed at batch 1000 but not at "
                          "batch 100: 1.1× at batch 100 and 2.4× at batch 1000.")
    undecided = by_key(machine({100: 2.4, 1000: 1.95}, {1000: (1.0,)}))["matrix_hardware"]  # one round at 1000
    assert "and its rounds decide nothing" in undecided.headline
    assert "doubled" not in undecided.headline
    near = by_key(machine({100: 1.95, 1000: 2.4}))["matrix_hardware"]
    assert near.verdict is I and "within 5% under 2× decides nothing" in near.headline and "doubled" not in near.headline
    assert "Undecided at batch 100: the median pair lies between 1.9× and 2×" in near.why


def test_a_single_round_decides_nothing():
    f = by_key(machine({100: 3.0, 1000: 3.0}, {100: (1.0,), 1000: (1.0,)}))["matrix_hardware"]
    assert f.verdict is I  # bf16 has one round, fp32 three: unpaired, a ratio of medians


def test_a_cpu_without_a_bf16_unit_leaves_both_hardware_claims_untested():
    found = by_key(machine())
    f = found["matrix_hardware"]
    assert f.verdict is N and f.evidence == NOT_NATIVE + "."
    assert "amx_bf16" in f.how_to_test and "reportgen build" in f.how_to_test
    assert found["iteration_loop"].verdict is N  # the fastest configuration is the CPU's threads in fp32


def test_with_a_bf16_unit_the_loop_sets_it_against_fp32_on_all_threads():
    loop = by_key(machine({100: 2.4, 1000: 3.1}))["iteration_loop"]
    assert "on CPU, 2 threads and" in loop.evidence and "on CPU bf16, 2 threads" in loop.evidence
    assert loop.numbers["loop_gain"] == pytest.approx(2.4)  # 2 threads in fp32 against bf16: the thread gain left out


def test_an_amx_unit_at_1_5x_is_one_contradicted_claim_not_one_held_and_one_against():
    """An AMX unit at 1.5x: matrix_hardware contradicted and the loop once supported on the same ratio, page one
    reading '1 held and 1 went against the lecture'. The loop restates the pair; it is no claim of its own."""
    from reportgen.overview import answer

    found = by_key(machine({100: 1.5, 1000: 1.5}))
    matrix, loop = found["matrix_hardware"], found["iteration_loop"]
    assert matrix.verdict is C and loop.verdict is N and loop.role == "mechanism" and not loop.because
    said = answer([matrix, loop])
    assert said.startswith("Of the lecture's 1 claims this run decided 1") and "held" not in said


@pytest.mark.parametrize("gains, rounds", [
    ({100: 3.0, 1000: 3.0}, None), ({100: 1.01, 1000: 1.01}, None), ({100: 1.1, 1000: 1.1}, None),
    ({100: 3.0, 1000: 3.0}, {100: (1.0,)}),  # a single round at the training batch
])
def test_every_loop_headline_keeps_to_its_word_limit(gains, rounds):
    loop = by_key(machine(gains, rounds))["iteration_loop"]
    assert loop.verdict is N and len(loop.headline.split()) <= 30, loop.headline


def test_on_cuda_the_matrix_finding_compares_the_gpu_s_own_precisions():
    f = by_key(machine({100: 1.2, 1000: 1.2}, gpu={"fp32": 1.0, "bf16": 0.25}))["matrix_hardware"]
    assert f.verdict is S and "cuda:0" in f.headline and "tensor cores" in f.headline  # 4x on the GPU, not 1.2x
    f = by_key(machine(gpu={"fp32": 1.0, "bf16": 0.8}))["matrix_hardware"]
    assert f.verdict is C and "cuda:0" in f.headline


def test_a_busy_machine_decides_nothing_about_matrix_hardware():
    f = by_key(dataclasses.replace(machine({100: 2.4, 1000: 3.1}), others_busy=0.6))["matrix_hardware"]
    assert f.verdict is I and f.because == ""


# --- the accuracy bf16 costs ------------------------------------------------------------------------------------

def with_bf16(shifts, m=3000, not_run=""):
    """The factory's data-scale record with the large MLP at m trained again in bf16, each seed's test accuracy
    moved by `shifts` (a fraction) from its fp32 fit's."""
    r = factories.data_scale()
    fp32 = [f for f in r.fits if f.learner == "mlp_large" and f.m == m]
    bf16 = [dataclasses.replace(f, test_accuracy=min(1.0, max(0.0, f.test_accuracy + d))) for f, d in zip(fp32, shifts)]
    return dataclasses.replace(r, bf16_fits=bf16, bf16_not_run=not_run)


@pytest.mark.parametrize("shifts, verdict", [
    ((0.003, -0.004, 0.0), S),  # the interval of the mean, -0.90 to 0.84 points: its low end above -1 point
    ((-0.05, -0.04, -0.06), C),  # every seed lost more than the margin
    ((-0.017, -0.019, -0.018), C),  # a steady loss inside the 2 points of one accuracy's noise is still a loss
    ((0.014, 0.016, 0.015), S),  # a steady gain is no cost
    ((0.022, 0.021, 0.023), S),  # +2.2 points in every seed once read 'not settled whether bf16 costs accuracy'
    ((0.008, -0.009, 0.0), I),  # every seed within a point, but the interval (-2.1 to 2.0 points) reaches past -1
    ((-0.05, 0.0, -0.01), I),  # one seed lost, two kept
    ((-0.009, -0.011, -0.010), I),  # a steady loss of 1 point: the interval straddles the bar
    ((0.0,), I),  # a single seed decides nothing
])
def test_the_accuracy_check_is_kept_lost_or_open(shifts, verdict):
    f = by_key(data=with_bf16(shifts))["bf16_accuracy"]
    assert f.verdict is verdict
    assert "at m = 3,000" in f.evidence and ("across 3 seeds" in f.evidence or len(shifts) == 1)
    assert f.numbers["interval_low"] <= f.numbers["bf16_minus_fp32"] <= f.numbers["interval_high"]
    assert (f.because != "") == (verdict is S) and len(f.headline.split()) <= 30


def test_the_accuracy_claim_is_one_sided_with_one_bound_both_ways():
    """Kept where the interval's low end is above -1 point, lost where its high end is below it: mirror images
    about the one bound, at the same spread."""
    from reportgen.findings.precision import ACCURACY_CLAIM

    assert ACCURACY_CLAIM == "Training under bf16 autocast costs at most 1 point of fp32's test accuracy."
    kept = by_key(data=with_bf16((-0.004, -0.005, -0.006)))["bf16_accuracy"]  # -0.5 +- 0.25: low end -0.75
    lost = by_key(data=with_bf16((-0.014, -0.015, -0.016)))["bf16_accuracy"]  # -1.5 +- 0.25: high end -1.25
    assert (kept.verdict, lost.verdict) == (S, C)
    assert kept.numbers["interval_low"] + 0.01 == pytest.approx(-0.01 - lost.numbers["interval_high"])
    assert kept.headline.startswith("Training the Large MLP (512x3) under bf16 autocast cost at most 1 point of test")
    assert lost.headline.startswith("Training the Large MLP (512x3) under bf16 autocast cost more than 1 point")
    assert "low end of the 95% interval" in kept.why and "one bound both ways" in kept.why


def test_the_accuracy_interval_is_student_s_t_over_the_seeds_paired_differences():
    f = by_key(data=with_bf16((-0.017, -0.019, -0.018)))["bf16_accuracy"]  # mean -1.8, SD 0.1, t(2) 4.30
    assert f.numbers["interval_low"] == pytest.approx(-0.018 - 4.30 * 0.001 / 3 ** 0.5)
    assert f.numbers["seed_sd"] == pytest.approx(0.001)
    assert ("the differences' standard deviation across seeds is 0.10 points, and the 95% interval of their mean "
            "from it is -2.05 to -1.55 points") in f.evidence
    assert f.headline.endswith("cost more than 1 point of test accuracy: -1.8 points against fp32 at m = 3,000.")


def test_an_accuracy_change_too_small_to_show_never_reads_minus_zero():
    f = by_key(data=with_bf16((0.0002, -0.0006, 0.0001)))["bf16_accuracy"]  # mean -0.01 points
    assert "-0.0" not in f.headline + f.evidence and "+0.0 points against fp32" in f.headline


def test_an_interval_end_is_never_printed_on_the_wrong_side_of_the_bar():
    from reportgen.findings.precision import _beside_margin

    assert _beside_margin(-0.010004) == "-1.0004" and _beside_margin(-0.009996) == "-0.9996"
    assert _beside_margin(-0.0123) == "-1.23" and _beside_margin(-0.00001) == "0.00"


def test_a_held_speed_up_is_never_a_reason_on_page_one_while_its_accuracy_cost_is_hidden():
    """bf16 at 2.5x on an AMX unit while bf16 training lost 2.2 points: page one once gave the speed-up as a reason
    deep learning is taking off and never said 'accuracy'."""
    from reportgen.overview import answer, closing

    lost = findings(factories.results(comp=machine({100: 2.5, 1000: 2.5}), data=with_bf16((-0.022, -0.020, -0.025))))
    by = {f.key: f for f in lost}
    assert by["bf16_accuracy"].verdict is C and by["matrix_hardware"].verdict is S
    cost = "though bf16 training lost 2.2 points of test accuracy"
    assert by["matrix_hardware"].because.endswith(", " + cost)
    said = answer(lost)
    assert ("bf16 on the CPU's AMX unit made the Large MLP (512x3)'s training step faster than fp32 by 2.5× at batch "
            f"100 and 2.5× at batch 1000, {cost}") in said
    assert any(cost in words for _, words in closing(lost).drivers)
    kept = findings(factories.results(comp=machine({100: 2.5, 1000: 2.5}), data=with_bf16((-0.002, 0.0, 0.001))))
    assert "accuracy" not in {f.key: f for f in kept}["matrix_hardware"].because  # nothing lost, nothing to say


def test_an_accuracy_check_not_run_says_why_and_one_never_asked_for_is_absent():
    why = "not run: this CPU has no native bf16 unit, and emulated bf16 would say nothing of the hardware"
    f = by_key(data=dataclasses.replace(factories.data_scale(), bf16_not_run=why))["bf16_accuracy"]
    assert f.verdict is N and why in f.evidence and f.how_to_test
    assert "bf16_accuracy" not in by_key()


def test_a_check_short_of_a_seed_says_so_and_pairs_the_rest():
    f = by_key(data=with_bf16((0.0, 0.001), not_run="not complete: the bf16 fit of seed 2 failed (out of memory)"))
    assert f["bf16_accuracy"].verdict is S and "seed 2 failed" in f["bf16_accuracy"].evidence


def test_bf16_fits_with_no_fp32_pair_make_no_finding():
    r = factories.data_scale()
    lone = [Fit(learner="mlp_large", m=123, seed=0, test_accuracy=0.5, train_accuracy=0.5, fit_seconds=1.0)]
    assert "bf16_accuracy" not in by_key(data=dataclasses.replace(r, bf16_fits=lone))


# --- the report's words -----------------------------------------------------------------------------------------

def _method(report) -> str:
    """The computation method, in Appendix C."""
    return " ".join(p for part in report.methods if part.key == "method-computation" for p in part.paragraphs)


def test_the_computation_section_teaches_with_this_run_s_numbers_and_the_system_names_the_unit():
    from reportgen.context import build_report

    results = factories.results(comp=machine({100: 1.6, 1000: 2.4}), cpu_features=["AVX2", "AMX BF16"],
                                bf16_unit="AMX", torch_cpu="AVX512 kernels; detects AMX tiles")
    report = build_report(results)
    section = next(s for s in report.sections if s.key == "computation")
    lesson, method = " ".join(section.sentences), _method(report)
    assert "this CPU's is its AMX unit" in lesson
    assert "peaked at 2,000 GFLOP/s in bf16 against 300 in fp32 (6.7×)" in lesson
    assert "ran 1.6× to 2.4× as fast in bf16, less than the matrix product alone gained" in lesson
    assert "on its AMX unit, in the same rounds as fp32" in method
    system = dict(report.system)
    assert system["CPU features for training"] == "AVX2, AMX BF16" and system["Native bf16 unit"] == "AMX"
    assert system["torch CPU kernels"] == "AVX512 kernels; detects AMX tiles"


def _lesson(comp):
    from reportgen.findings.compute import compute_findings

    return compute_findings(comp, [], 100).lesson


def test_the_lesson_says_tiles_only_for_a_tile_unit_and_dot_products_for_a_vector_one():
    assert "whole tiles of numbers in one instruction" in _lesson(machine({100: 2.4, 1000: 3.1}))  # AMX
    for unit in ("AVX-512 BF16", "Arm BF16"):
        lesson = _lesson(machine({100: 2.4, 1000: 3.1}, unit=unit))
        assert f"This CPU multiplies bf16 with {unit} instructions" in lesson and "(dot products)" in lesson
        assert "A matrix unit is circuitry" not in lesson
    gpu = _lesson(machine({100: 1.2, 1000: 1.2}, gpu={"fp32": 1.0, "bf16": 0.25}))
    assert "on cuda:0 they are its tensor cores" in gpu


def test_the_lesson_s_sentences_follow_the_measured_ratios_and_the_verdict():
    c = machine({100: 0.8, 1000: 0.8})
    slow_peak = [dataclasses.replace(x, timing=factories._timing(x.timing.median_s * 10)) if x.precision == "bf16"
                 else x for x in c.matmuls]  # the bf16 product at 200 and 90 GFLOP/s against 300 in fp32
    lesson = _lesson(dataclasses.replace(c, matmuls=slow_peak))
    assert "here, though, a matrix product was no faster in bf16: it peaked at 200 GFLOP/s" in lesson
    assert "ran 0.8× as fast in bf16, short of the 2× the claim asks." in lesson and "less than" not in lesson
    assert "ran 2.4× to 3.1× as fast in bf16, less than the matrix product alone gained" in _lesson(
        machine({100: 2.4, 1000: 3.1}))


def test_under_the_busy_rule_the_lesson_s_numbers_are_said_to_decide_nothing():
    lesson = _lesson(dataclasses.replace(machine({100: 2.4, 1000: 3.1}), others_busy=0.6))
    said, numbers = lesson.index("decide nothing"), lesson.index("peaked at")
    assert "Other processes used 60% of the CPUs" in lesson and said < numbers
    assert lesson.endswith("the matrix finding does not decide whether that is twice as fast at every batch.")


def test_without_a_unit_the_section_says_why_bf16_was_not_timed_and_teaches_nothing_it_did_not_measure():
    from reportgen.context import build_report

    report = build_report(factories.results(comp=machine(), cpu_features=["AVX2", "FMA"]))
    section = next(s for s in report.sections if s.key == "computation")
    assert "matrix unit" not in " ".join(section.sentences) and NOT_NATIVE + "." in _method(report)
    assert dict(report.system)["Native bf16 unit"] == "none: bf16 would be emulated"
    old = build_report(factories.results())  # a file from before version 4: neither row
    assert "Native bf16 unit" not in dict(old.system)


def test_the_loop_is_judged_against_all_threads_in_fp32_even_where_a_disturbed_round_made_another_slowest():
    """A shared machine once timed the 2-thread and bf16 steps slower than 1 thread: the loop must not then set
    the fastest against the slowest and call that faster hardware, nor skip a bf16 step that came out slowest."""
    c = machine({100: 2.4, 1000: 3.1})
    slowed = [dataclasses.replace(s, timing=factories._timing(s.timing.median_s * 100)) if s.threads == 2 else s
              for s in c.steps]
    loop = by_key(dataclasses.replace(c, steps=slowed))["iteration_loop"]
    assert loop.numbers["loop_gain"] == pytest.approx(2.4)  # both slowed alike
    bf16_slow = [dataclasses.replace(s, timing=factories._timing(s.timing.median_s * 100))
                 if s.precision == "bf16" else s for s in c.steps]
    loop = by_key(dataclasses.replace(c, steps=bf16_slow))["iteration_loop"]
    assert "on CPU, 2 threads and" in loop.evidence and "CPU bf16, 2 threads" in loop.evidence
    assert loop.numbers["loop_gain"] == pytest.approx(0.024)


def test_a_cpu_timed_in_fp32_alone_leaves_the_loop_untested_whichever_thread_count_was_fastest():
    c = machine()  # fp32 only; a disturbed machine timed 2 threads slower than 1
    slowed = [dataclasses.replace(s, timing=factories._timing(s.timing.median_s * 100)) if s.threads == 2 else s
              for s in c.steps]
    loop = by_key(dataclasses.replace(c, steps=slowed))["iteration_loop"]
    assert loop.verdict is N and "on CPU, 2 threads; no GPU or bf16 unit was timed" in loop.evidence
