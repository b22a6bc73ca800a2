"""The timing core on a fake clock: warm-up, blocks, stopping rule, median and IQR."""

import itertools

from reportgen.timing import BLOCK_SECONDS, MIN_BLOCKS, measure, median_iqr


class FakeClock:
    """Each call of the timed function advances time by the next duration in `durations`."""

    def __init__(self, durations):
        self.now = 0.0
        self.durations = itertools.cycle(durations)

    def __call__(self):
        return self.now

    def work(self):
        self.now += next(self.durations)


def test_steady_work_stops_after_the_minimum_blocks_with_the_right_median():
    clock = FakeClock([0.001])
    syncs = []
    t = measure(clock.work, sync=lambda: syncs.append(1), clock=clock)
    assert t.blocks == MIN_BLOCKS
    assert abs(t.median_s - 0.001) < 1e-12 and t.iqr_s < 1e-12
    assert t.calls_per_block == round(BLOCK_SECONDS / 0.001)
    assert t.stable
    assert len(syncs) >= 2 * t.blocks  # synchronised before and after every timed block


def test_noisy_work_repeats_until_the_time_cap_and_is_flagged():
    clock = FakeClock([0.001, 0.003, 0.001, 0.0005, 0.004])
    t = measure(clock.work, clock=clock, max_seconds=0.5)
    assert t.blocks > MIN_BLOCKS
    assert t.total_s >= 0.5
    assert not t.stable and t.relative_spread > 0.1


def test_median_iqr():
    assert median_iqr([1, 2, 3, 4, 5]) == (3, 2)
