"""The record layer stays free of machine-learning libraries, so reading and rendering results loads none."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["reportgen.render", "reportgen.compare", "reportgen.publish"])
def test_rendering_comparing_and_publishing_load_neither_torch_nor_sklearn(module):
    probe = (f"import sys, {module}; "
             "print(sorted(m for m in ('torch', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_probe_sees_torch_where_it_is_loaded():
    out = subprocess.run([sys.executable, "-c", "import sys, reportgen.models; print('torch' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
