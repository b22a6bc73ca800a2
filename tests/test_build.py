"""Run folders: one per build, named by UTC time and host, never reusing an existing one."""

from datetime import datetime, timezone

from reportgen.build import new_run_folder

NOW = datetime(2026, 11, 25, 12, 30, 5, tzinfo=timezone.utc)


def test_each_build_gets_a_new_folder(tmp_path):
    first = new_run_folder(tmp_path, NOW, "lab box/1")
    second = new_run_folder(tmp_path, NOW, "lab box/1")
    assert first.name == "20261125T123005Z-lab-box-1"
    assert second.name == "20261125T123005Z-lab-box-1-2"
    assert first.is_dir() and second.is_dir()
