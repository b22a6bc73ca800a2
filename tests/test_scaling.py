"""The scaling experiment for real: torch.distributed workers on gloo, started by our launcher. Each test launches
a few processes (a few seconds each on 2 cores); the worker functions live here, at module level, so that the
spawned processes can import them."""

import os
import threading
import time
from datetime import timedelta

import pytest
import torch
import torch.distributed as dist

from reportgen import battery, launcher
from reportgen.devices import DeviceChoice
from reportgen.experiments import compute, scaling
from reportgen.profile import ScalingSettings, parse_profile

TINY = ScalingSettings(max_world_size=2, allreduce_bytes=[4096], allreduce_warmup=1, allreduce_repeats=2,
                       models=["mlp_small"], batch_size=20, warmup_steps=1, steps=2, rounds=2, timeout_seconds=60)


def _group(rank: int, port: int, world: int = 2):
    store = launcher.join_store(port, 60)
    dist.init_process_group("gloo", store=dist.PrefixStore("group", store), rank=rank, world_size=world,
                            timeout=timedelta(seconds=60))
    return store


def checks(rank: int, port: int) -> None:
    """A gloo all-reduce of the ranks' ids; then one DDP step on each rank's own data from each rank's own initial
    weights, and the same step without the gradient exchange."""
    store = _group(rank, port)
    x = torch.tensor([float(rank)])
    dist.all_reduce(x)
    plan = scaling.Plan(TINY, [1, 2], "gloo", False, 2)
    ranks = scaling.Ranks(rank, plan, {2: dist.group.WORLD}, store)
    synced, synced_net = ranks.make_step("mlp_small", 20, 2, sync=True)
    local, local_net = ranks.make_step("mlp_small", 20, 2, sync=False)
    synced()
    local()
    agree = (scaling.parameters_agree(synced_net, dist.group.WORLD, ranks.device),
             scaling.parameters_agree(local_net, dist.group.WORLD, ranks.device))
    if rank == 0:
        launcher.hand_back(store, {"sum": x.item(), "agree": agree, "port": port})
    dist.destroy_process_group()


def faulty(rank: int, port: int, fault: str) -> None:
    """Rank 1 raises, kills itself (as `kill -9` would) or hangs, while rank 0 waits for it in an all-reduce."""
    if fault == "hang":
        time.sleep(3600)
    _group(rank, port)
    if rank == 1:
        if fault == "raise":
            raise RuntimeError("injected fault in worker 1")
        os.kill(os.getpid(), 9)
    dist.all_reduce(torch.zeros(1))


def failing_worker(rank: int, port: int, plan) -> None:
    if rank == 1:
        raise RuntimeError("injected fault in worker 1")
    time.sleep(3600)


def _gone(pids: list[int]) -> bool:
    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return not any(alive(pid) for pid in pids)


@pytest.fixture(scope="module")
def two_builds():
    """Two launches at once, as two builds on one machine would start them (each costs seconds of start-up)."""
    found = []
    threads = [threading.Thread(target=lambda: found.append(launcher.launch(checks, 2, (), 60))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return found


def test_a_two_rank_gloo_all_reduce_of_the_ranks_ids_gives_their_sum(two_builds):
    assert [found["sum"] for found in two_builds] == [1.0, 1.0]


def test_parameters_are_equal_across_ranks_after_a_ddp_step_and_differ_without_the_exchange(two_builds):
    assert [found["agree"] for found in two_builds] == [(True, False), (True, False)]


def test_two_builds_at_once_do_not_collide_on_a_port(two_builds):
    ports = [found["port"] for found in two_builds]
    assert len(ports) == 2 and ports[0] != ports[1] and 0 not in ports


@pytest.mark.parametrize("fault, timeout, reason", [
    ("raise", 60, "worker 1 failed: RuntimeError: injected fault in worker 1"),
    ("kill", 60, "signal SIGKILL"),
    ("hang", 4, "made no progress for 4 s and was stopped (hung)"),
])
def test_a_failed_or_hung_worker_ends_the_launch_with_its_reason_and_no_process_left(fault, timeout, reason):
    pids, begin = [], time.monotonic()
    with pytest.raises(launcher.WorkerError) as error:
        launcher.launch(faulty, 2, (fault,), timeout, started=pids.extend)
    assert time.monotonic() - begin < timeout + 20
    if fault == "kill":  # rank 0 may notice its peer gone first: either way the reason names the failure
        assert "signal SIGKILL" in str(error.value) or "worker 0 failed" in str(error.value)
    else:
        assert reason in str(error.value)
    assert len(pids) == 2 and _gone(pids)


def test_world_sizes_are_powers_of_two_up_to_the_devices_or_threads():
    assert scaling.world_sizes(TINY, "cpu", 2) == [1, 2]
    assert scaling.world_sizes(TINY, "cpu", 1) == [1]
    wide = ScalingSettings(**{**TINY.__dict__, "max_world_size": 8})
    assert scaling.world_sizes(wide, "cpu", 6) == [1, 2, 4, 6]
    assert scaling.world_sizes(wide, "cpu", 64) == [1, 2, 4, 8]


def test_the_experiment_records_every_world_size_with_ddp_and_its_baseline():
    told = []
    r = scaling.run(TINY, "cpu", 2, told.append)
    assert len(told) == scaling.units(TINY, "cpu", 2)
    assert r.backend == "gloo" and r.world_sizes == [1, 2] and r.threads == 2
    assert [(a.world_size, a.bytes, a.repeats) for a in r.allreduce] == [(1, 4096, 2), (2, 4096, 2)]
    assert [(s.world_size, s.scaling, s.batch_per_worker, s.threads_per_worker) for s in r.steps] == [
        (1, "single", 20, 2), (1, "weak", 20, 2), (2, "weak", 20, 1), (2, "strong", 10, 1)]
    assert all(len(s.timing.round_medians_s) == 2 and s.timing.median_s > 0 for s in r.steps)
    assert [s.parameters_equal for s in r.steps] == [None, None, True, True]
    assert r.steps[0].local is None and all(s.local for s in r.steps[1:])


def _computation_and_scaling():
    """A battery of a tiny computation experiment and the TINY scaling one: the profile and its table."""
    table = {"name": "t", "description": "t", "data": {"test_size": 100},
             "compute": {"models": ["mlp_small"], "batch_sizes": [10], "matmul_sizes": [8], "max_seconds": 0.1,
                         "loop_steps": 10},
             "scaling": {**TINY.__dict__, "timeout_seconds": 30}}
    return parse_profile(table, "test"), table


def test_a_failed_worker_fails_the_experiment_and_the_battery_goes_on(monkeypatch):
    import factories

    profile, table = _computation_and_scaling()
    monkeypatch.setattr(scaling, "worker", failing_worker)
    monkeypatch.setattr(compute, "run", lambda *args: factories.compute())
    start = battery.start(profile, table, DeviceChoice("cpu", "test"), 0, 2, "test")
    results = battery.run_battery(profile, start)
    assert results.scaling is None and results.compute == factories.compute()
    assert results.failures == {"scaling": "failed: WorkerError: worker 1 failed: RuntimeError: injected fault in "
                                           "worker 1"}


def test_the_battery_lets_the_idle_fit_workers_go_before_the_scaling_workers_start(monkeypatch):
    """Their memory would add to the scaling workers' (the standard build's peak went from 1.9 to 2.65 GiB)."""
    import factories

    profile, table = _computation_and_scaling()
    calls = []
    monkeypatch.setattr(battery, "release", lambda: calls.append("release"))
    monkeypatch.setattr(compute, "run", lambda *args: calls.append("compute") or factories.compute())
    monkeypatch.setattr(scaling, "run", lambda *args: calls.append("scaling") or factories.scaling())
    battery.run_battery(profile, battery.start(profile, table, DeviceChoice("cpu", "test"), 0, 2, "test"))
    assert calls == ["compute", "release", "scaling", "release"]
