"""A real build on the user's own CSV: the data-scale experiment runs on it, end to end, in a few seconds."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from reportgen.cli import main

pytestmark = pytest.mark.e2e

PROFILE = """
name = "tiny"
description = "data scale only, on a small table"
[data]
test_size = 100
[data_scale]
m = [50, 100, 200, 400, 800]
seeds = 2
learners = ["logistic", "svm_rbf", "mlp_small", "cnn"]
steps = 100
batch_size = 50
svm_max_m = 800
[data_scale.learning_rates]
mlp_small = 0.01
cnn = 0.01
"""


def test_build_on_a_csv(tmp_path):
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=800, n_features=6, n_informative=4, n_classes=3, random_state=0)
    rows = [",".join(f"{v:.4f}" for v in row) + f",class{c}" for row, c in zip(x, y)]
    (tmp_path / "mine.csv").write_text("f1,f2,f3,f4,f5,f6,kind\n" + "\n".join(rows) + "\n")
    (tmp_path / "tiny.toml").write_text(PROFILE)
    result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", str(tmp_path / "tiny.toml"),
                                       "--dataset", str(tmp_path / "mine.csv"), "--label", "kind",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()
    raw = json.loads((folder / "results.json").read_text())
    ds = raw["data_scale"]
    assert ds["data"]["name"] == "mine.csv" and ds["data"]["classes"] == 3
    assert ds["m_values"] == [50, 100, 200, 400, 600]  # the pool holds 600 of the 800 rows
    assert {x["name"] for x in ds["learners"]} == {"logistic", "svm_rbf", "mlp_small"}
    assert raw["data"] is None and raw["activations"] is None  # nothing else ran, MNIST-1D was not made
    html = (folder / "report.html").read_text()
    assert "labelled mine.csv examples" in html
    assert "CNN was left out" in html
    assert "Published MNIST-1D" not in html
    accuracies = [f["test_accuracy"] for f in ds["fits"] if f["m"] == 600]
    assert np.mean(accuracies) > 0.5  # an informative table is learnable (chance is 1/3)
