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
                     "reportgen/templates/finding.html",
                     "reportgen/results.schema.json", "reportgen/profiles/quick.toml",
                     "reportgen/profiles/standard.toml", "reportgen/profiles/full.toml", "reportgen/cli.py"):
        assert required in names
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "reportgen").rglob("*.py")}
    assert modules <= names, f"left out of the wheel (add the package to pyproject.toml): {sorted(modules - names)}"


def test_the_command_runs_from_another_directory(tmp_path):
    done = subprocess.run([sys.executable, "-m", "reportgen", "--version"], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    assert "reportgen" in done.stdout


# The first Python version each standard-library module the code imports exists in, where it is newer than 3.9.
STDLIB_SINCE = {"tomllib": (3, 11), "zoneinfo": (3, 9), "graphlib": (3, 9)}


def test_requires_python_admits_no_version_the_code_cannot_run_on():
    import ast
    import tomllib

    from packaging.specifiers import SpecifierSet

    allowed = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    imported = set()
    for path in (ROOT / "reportgen").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    needed = max((STDLIB_SINCE[name] for name in imported & set(STDLIB_SINCE)), default=(3, 9))
    assert "tomllib" in imported  # what the floor is about today
    too_old = f"{needed[0]}.{needed[1] - 1}"
    assert not allowed.contains(too_old), f"requires-python {allowed} admits {too_old}, which lacks a module we use"
    assert allowed.contains(f"{needed[0]}.{needed[1]}")
