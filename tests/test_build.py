"""Run folders: one per build, named by UTC time and host, never reusing an existing one."""

from datetime import UTC, datetime

from reportgen.folders import new_run_folder

NOW = datetime(2026, 11, 25, 12, 30, 5, tzinfo=UTC)


def test_each_build_gets_a_new_folder(tmp_path):
    first = new_run_folder(tmp_path, NOW, "lab box/1")
    second = new_run_folder(tmp_path, NOW, "lab box/1")
    assert first.name == "20261125T123005Z-lab-box-1"
    assert second.name == "20261125T123005Z-lab-box-1-2"
    assert first.is_dir() and second.is_dir()


def test_the_reproduce_command_names_files_without_their_folders():
    from pathlib import Path

    from reportgen.build import reproduce_command

    command = reproduce_command("cpu", "/home/alice/mine.toml", 1, 2, Path("/home/alice/data.csv"), "kind", 0.9,
                                Path("/srv/gpu/results.json"))
    assert command == ("reportgen build --device cpu --profile mine.toml --seed 1 --threads 2 --dataset data.csv "
                       "--label kind --target-accuracy 0.9 --baseline results.json")
    assert "alice" not in command


def test_the_reproduce_command_is_shell_quoted():
    import shlex
    from pathlib import Path

    from reportgen.build import reproduce_command

    hostile = Path("/data/my data; rm -rf ~ $(touch pwned).csv")
    command = reproduce_command("cpu", "quick", 0, 1, hostile, "label `id`", None, Path("/x/base line.json"))
    assert shlex.split(command)[-6:] == ["--dataset", hostile.name, "--label", "label `id`", "--baseline",
                                         "base line.json"]
    assert "'my data; rm -rf ~ $(touch pwned).csv'" in command
