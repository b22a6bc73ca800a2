import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests import the record factories beside them


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Tests never touch the user's data cache."""
    os.environ["REPORTGEN_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def quick_build(tmp_path_factory, private_cache):
    """The real quick battery, built once per test session through the CLI."""
    from click.testing import CliRunner

    from reportgen.cli import main

    out = tmp_path_factory.mktemp("output")
    result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", "quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (folder,) = out.iterdir()
    return folder
