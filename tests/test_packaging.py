"""The installed wheel carries the templates and profiles, so reportgen works from any directory."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_templates_and_profiles(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("reportgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("reportgen/templates/report.html", "reportgen/templates/table.html",
                     "reportgen/templates/report.css", "reportgen/templates/compare.html",
                     "reportgen/templates/site_index.html", "reportgen/templates/site.css",
                     "reportgen/templates/figure.html", "reportgen/templates/embed.html",
                     "reportgen/results.schema.json", "reportgen/profiles/quick.toml",
                     "reportgen/profiles/standard.toml", "reportgen/profiles/full.toml", "reportgen/cli.py"):
        assert required in names
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "reportgen").rglob("*.py")}
    assert modules <= names, f"left out of the wheel (add the package to pyproject.toml): {sorted(modules - names)}"


def test_the_command_runs_from_another_directory(tmp_path):
    done = subprocess.run([sys.executable, "-m", "reportgen", "--version"], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    assert "reportgen" in done.stdout
