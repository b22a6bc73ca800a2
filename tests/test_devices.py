"""Device selection, including the CUDA paths, exercised on a CPU machine through the `available` seam."""

import pytest

from reportgen.devices import DeviceError, resolve_device, synchronizer

GPU_BOX = ["cpu", "cuda:0", "cuda:1"]


def test_auto_prefers_cuda_then_mps_then_cpu():
    assert resolve_device("auto", GPU_BOX).name == "cuda:0"
    assert resolve_device("auto", ["cpu", "mps"]).name == "mps"
    cpu = resolve_device("auto", ["cpu"])
    assert cpu.name == "cpu" and "no CUDA or MPS" in cpu.reason


@pytest.mark.parametrize("request_, expected", [("cuda", "cuda:0"), ("cuda:1", "cuda:1"), ("CPU", "cpu")])
def test_explicit_devices(request_, expected):
    assert resolve_device(request_, GPU_BOX).name == expected


def test_a_missing_device_names_those_available():
    with pytest.raises(DeviceError, match="device 'cuda' is not available here; available: cpu$"):
        resolve_device("cuda", ["cpu"])
    with pytest.raises(DeviceError, match="cuda:7.*available: cpu, cuda:0, cuda:1"):
        resolve_device("cuda:7", GPU_BOX)


def test_an_unknown_device_is_refused():
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        resolve_device("tpu", GPU_BOX)


def test_cuda_synchronisation_calls_torch(monkeypatch):
    import torch

    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: calls.append(device))
    synchronizer("cuda:1")()
    assert calls == ["cuda:1"]
    synchronizer("cpu")()
    assert calls == ["cuda:1"]
