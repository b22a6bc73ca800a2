"""Resuming a run that used --dataset: the file is read again, and it must be the one the run started with."""

from pathlib import Path

import numpy as np
import pytest

from reportgen import results as R
from reportgen.battery import start
from reportgen.devices import DeviceChoice
from reportgen.profile import load_profile
from reportgen.resume import ResumeError, plan_resume
from reportgen.user_data import load_user_dataset

TINY = Path(__file__).parent / "tiny.toml"


def test_a_resume_reads_the_runs_dataset_again_and_refuses_another(tmp_path):
    data_file = tmp_path / "d.csv"
    data_file.write_text("a,b,label\n" + "".join(f"{i},{i % 7},{'cat' if i % 2 else 'dog'}\n" for i in range(120)))
    data = load_user_dataset(data_file, "label", 0)
    profile, table = load_profile(str(TINY))
    folder = tmp_path / "run"
    folder.mkdir()
    R.save(start(profile, table, DeviceChoice("cpu", "test"), 0, 1, "test", data), folder / "checkpoint.json")

    with pytest.raises(ResumeError, match="give --dataset d.csv again"):
        plan_resume(folder)
    again = plan_resume(folder, dataset=data_file).user_data
    assert again.info == data.info and np.array_equal(again.x_pool, data.x_pool)
    data_file.write_text(data_file.read_text().replace("3,3,cat", "3,4,cat"))
    with pytest.raises(ResumeError, match="it is not the d.csv the run started with"):
        plan_resume(folder, dataset=data_file)


def test_a_second_build_of_a_run_folder_in_use_is_refused_in_one_line(tmp_path):
    import factories
    from click.testing import CliRunner

    from reportgen.cli import main
    from reportgen.resume import run_lock

    folder = tmp_path / "run"
    folder.mkdir()
    R.save(factories.results(), folder / "results.json")  # complete: a resume would only render the report
    with run_lock(folder):  # another build holds it (flock conflicts across open files, even in one process)
        result = CliRunner().invoke(main, ["build", "--resume", str(folder)])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "is in use by another reportgen build" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["results.json"]  # it wrote nothing
