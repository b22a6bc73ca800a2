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


def test_every_error_a_module_raises_for_the_user_is_a_user_error():
    """The command line catches UserError alone: an error class outside it would end in a traceback."""
    import importlib
    import inspect
    import pkgutil

    import reportgen
    from reportgen.errors import UserError
    from reportgen.serde import RecordError

    internal = {RecordError}  # a record that does not fit: always re-raised as a ResultsError or ProfileError
    found = set()
    for module in pkgutil.walk_packages(reportgen.__path__, "reportgen."):
        if module.name != "reportgen.__main__":
            found |= {cls for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass)
                      if cls.__module__.startswith("reportgen.") and issubclass(cls, ValueError)}
    assert len(found) >= 9
    assert {cls.__name__ for cls in found - internal if not issubclass(cls, UserError)} == set()


def test_a_build_loads_scikit_learn_only_where_it_fits_a_learner():
    """Loading scikit-learn (and scipy under it) cost every build most of a second of start-up, in the main
    process and in every worker that trains only nets; the learners import it where they are fitted."""
    probe = ("import sys, reportgen.battery, reportgen.build, reportgen.system; "
             "reportgen.system.describe_system(); print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
