"""The timing core on a fake clock: warm-up, blocks, stopping rule, median and IQR."""

import itertools

import pytest

from reportgen.timing import BLOCK_SECONDS, MIN_BLOCKS, Sampler, median_iqr


class FakeClock:
    """Each call of the timed function advances time by the next duration in `durations`."""

    def __init__(self, durations):
        self.now = 0.0
        self.durations = itertools.cycle(durations)

    def __call__(self):
        return self.now

    def work(self):
        self.now += next(self.durations)


def one_visit(clock, sync=lambda: None, min_seconds=0.0, max_seconds=1.0):
    """A workload timed in a single visit, with the visit's default minimum of blocks."""
    sampler = Sampler(clock.work, sync, clock=clock)
    sampler.visit(min_seconds, max_seconds)
    return sampler.timing()


def test_steady_work_stops_after_the_minimum_blocks_with_the_right_median():
    clock = FakeClock([0.001])
    syncs = []
    t = one_visit(clock, sync=lambda: syncs.append(1))
    assert t.blocks == MIN_BLOCKS
    assert abs(t.median_s - 0.001) < 1e-12 and t.iqr_s < 1e-12
    assert t.calls_per_block == round(BLOCK_SECONDS / 0.001)
    assert t.stable
    assert len(syncs) >= 2 * t.blocks  # synchronised before and after every timed block


def test_steady_work_is_still_timed_for_the_minimum_time():
    clock = FakeClock([0.001])
    t = one_visit(clock, min_seconds=0.3, max_seconds=1.0)
    assert t.blocks > MIN_BLOCKS
    assert 0.3 <= t.total_s < 0.3 + 2 * BLOCK_SECONDS


def test_noisy_work_repeats_until_the_time_cap_and_is_flagged():
    clock = FakeClock([0.001, 0.003, 0.001, 0.0005, 0.004])
    t = one_visit(clock, max_seconds=0.5)
    assert t.blocks > MIN_BLOCKS
    assert t.total_s >= 0.5
    assert not t.stable and t.relative_spread > 0.1


def test_median_iqr():
    assert median_iqr([1, 2, 3, 4, 5]) == (3, 2)


def test_a_slow_round_does_not_carry_the_timing():
    clock = FakeClock([0.001])
    sampler = Sampler(clock.work, clock=clock)
    sampler.visit(0.0, 1.0, min_blocks=3)
    sampler.visit(0.0, 1.0, min_blocks=3)
    clock.durations = itertools.cycle([0.002])  # the machine slows down for the last round, which then runs long
    sampler.visit(0.0, 1.0, min_blocks=3)
    t = sampler.timing()
    assert t.round_medians_s == pytest.approx([0.001, 0.001, 0.002])
    assert sum(s == pytest.approx(0.002) for s in sampler.samples) > 6  # most blocks are slow ...
    assert t.median_s == pytest.approx(0.001)  # ... but the timing is the median round's
    assert t.blocks == len(sampler.samples)
    assert t.round_drift == pytest.approx(1.0)
