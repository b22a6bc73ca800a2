"""Real builds that reach the edges of what a results file holds, and still end in a report.

One build's profile is accepted, yet every training-step workload fails (as when each batch is out of memory on
a GPU), and its sigmoid net is deep enough that the input layer's gradient underflows to zero in float32. Both
used to crash rendering after the battery had run, and every --resume crashed the same way.
"""

import json

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.experiments import compute

pytestmark = pytest.mark.e2e

PROFILE = """
name = "edges"
description = "Every step workload fails; the sigmoid gradient underflows."
[data]
test_size = 100
[activations]
activations = ["sigmoid", "relu"]
width = 8
depths = [80]
gradient_batch = 50
trained_steps = 1
train_depth = 1
train_examples = 100
target_accuracy = 0.99
max_steps = 5
learning_rates = [0.1]
seeds = 1
eval_every = 5
[compute]
models = ["mlp_small"]
batch_sizes = [10]
matmul_sizes = [8]
max_seconds = 0.01
loop_steps = 1
"""


def test_a_build_whose_steps_all_fail_and_whose_gradients_underflow_renders(tmp_path, monkeypatch):
    def out_of_memory(*args, **kwargs):
        raise RuntimeError("CUDA out of memory. Tried to allocate 80 GiB")

    monkeypatch.setattr(compute, "training_step", out_of_memory)
    (tmp_path / "edges.toml").write_text(PROFILE)
    result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", str(tmp_path / "edges.toml"),
                                       "--threads", "1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()
    raw = json.loads((folder / "results.json").read_text())
    assert raw["failures"] == {}
    assert {s["skipped"] for s in raw["compute"]["steps"]} == {"out of memory"}
    sigmoid = next(g for g in raw["activations"]["gradients"] if g["activation"] == "sigmoid" and g["stage"] == "init")
    assert sigmoid["mean_abs_grad"][0] == 0.0 < sigmoid["mean_abs_grad"][-1]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Nothing to draw" in html and "∞" in html
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    again = CliRunner().invoke(main, ["build", "--resume", str(folder)])  # a resume re-renders it too
    assert again.exit_code == 0, again.output
