"""The system description: what a hardware evaluation needs, and nothing private beyond it."""

import dataclasses
import getpass
import json
import os
from pathlib import Path

import torch

from reportgen.system import describe_system


def test_the_description_has_what_an_evaluation_needs():
    info = describe_system()
    assert info.cpu_model and info.logical_cores >= 1 and info.os and info.kernel and info.python
    assert info.torch == torch.__version__ and info.blas.startswith("torch: ")
    assert info.threads == torch.get_num_threads()
    assert info.gpus == []  # a CPU run describes no CUDA device: it must not start a CUDA context


def test_a_virtual_machine_is_known_by_its_cpu_flag():
    from reportgen import system

    assert system._virtual("flags\t\t: fpu vme hypervisor avx2\n") is True
    assert system._virtual("flags\t\t: fpu vme avx2\n") is False
    assert system._virtual("") is None


def test_a_virtual_machine_is_named_among_the_limits():
    import factories

    from reportgen.context import build_report

    virtual = build_report(factories.results(virtual=True))
    assert any("virtual machine" in limit for limit in virtual.limits)
    assert not any("virtual machine" in limit for limit in build_report(factories.results()).limits)


def test_the_description_holds_no_user_name_path_or_environment():
    text = json.dumps(dataclasses.asdict(describe_system()))
    private = {getpass.getuser(), str(Path.home()), os.getcwd(), str(Path(__file__).parent.parent)}
    private |= {v for v in os.environ.values() if "/" in v}  # paths and search paths from the environment
    assert not [p for p in private if len(p) > 3 and p in text]
