"""A static site of runs: an index sortable by column, each run's report, PDF and results.json, and a comparison.

Links are relative, so the folder works from any static host and from the file system. Each run lives at
runs/<slug>/, the slug derived from the run itself (created time, host, a hash of its results file): publishing
again adds runs and rewrites only index.html and compare.html, so a link once shared keeps working.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportgen import results as results_file
from reportgen.compare import compare, machine
from reportgen.errors import UserError
from reportgen.files import write_atomically
from reportgen.findings import Verdict, findings, largest_net
from reportgen.fmt import config_label, duration, pct
from reportgen.folders import OutputError, check_destination
from reportgen.render import REPORT_FILES, render_page, write_report
from reportgen.results import Results, ResultsError

RUNS = "runs"


class PublishError(UserError):
    """A run or a site folder that cannot be published, with the reason in one line."""


@dataclass(frozen=True)
class Source:
    """One run to publish: its results file, and the run folder whose reports can be copied, when given one."""

    results: Results
    data: bytes
    folder: Path | None

    @property
    def slug(self) -> str:
        return slug(self.results, self.data)


@dataclass(frozen=True)
class Cell:
    text: str
    sort: str  # what the column sorts by: a number in numeric columns; "" where there is nothing, sorted last


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool
    cell: Callable[[Results], Cell]


@dataclass(frozen=True)
class SiteRun:
    slug: str
    created: str
    cells: list[Cell]  # one per column of COLUMNS

    @property
    def folder(self) -> str:
        return f"{RUNS}/{self.slug}"


@dataclass(frozen=True)
class Published:
    index: Path
    added: list[str]  # slugs new to the site
    runs: int  # runs on the site now


def _number(value: float | None, text: Callable[[float], str]) -> Cell:
    return Cell("not run", "") if value is None else Cell(text(value), f"{value:.6g}")


def _plain(text: str) -> Cell:
    return Cell(text, text)


def _supported(r: Results) -> Cell:
    found = findings(r)
    n = sum(f.verdict is Verdict.SUPPORTED for f in found)
    return Cell(f"{n} of {len(found)}", f"{n / len(found):.6f}" if found else "")


def _step(r: Results) -> Cell:
    step = _fastest_largest_step(r)
    return Cell(f"{duration(step[0])} ({step[1]})", f"{step[0]:.6g}") if step else Cell("not run", "")


COLUMNS = [
    Column("Run (UTC)", False, lambda r: Cell(r.created_utc.replace("T", " ").replace("Z", ""), r.created_utc)),
    Column("Host", False, lambda r: _plain(r.system.hostname)),
    Column("Machine", False, lambda r: _plain(machine(r))),
    Column("Device", False, lambda r: _plain(r.settings.device)),
    Column("reportgen", False, lambda r: _plain(r.tool_version)),
    Column("Profile", False, lambda r: _plain(r.settings.profile)),
    Column("Claims supported", True, _supported),
    Column("Largest net at largest m", True, lambda r: _number(_largest_net_accuracy(r), pct)),
    Column("Fastest step, largest model", True, _step),
    Column("Peak matmul GFLOP/s", True, lambda r: _number(_peak_gflops(r), lambda x: f"{x:,.0f}")),
]


def slug(results: Results, data: bytes) -> str:
    """Stable for a run, distinct between runs: its created time, its host, and a hash of its results file."""
    created = re.sub(r"[^0-9TZ]", "", results.created_utc)
    host = re.sub(r"[^a-z0-9]+", "-", results.system.hostname.lower()).strip("-") or "host"
    return f"{created}-{host}-{hashlib.sha256(data).hexdigest()[:8]}"


def read_source(path: Path) -> Source:
    """A run folder (holding results.json) or a results file."""
    folder = path if path.is_dir() else None
    file = path / "results.json" if folder else path
    if not file.is_file():
        raise PublishError(f"{path} is neither a run folder with a results.json nor a results file")
    try:
        data = file.read_bytes()
        return Source(results_file.loads(data.decode("utf-8"), str(file)), data, folder)
    except (OSError, UnicodeDecodeError, ResultsError) as error:
        raise PublishError(str(error))


def publish(paths: list[Path], site: Path) -> Published:
    """Add the runs at `paths` to the site at `site` (created if need be), then rewrite its index and comparison."""
    sources = [read_source(p) for p in paths]  # all are checked before anything is written
    try:
        check_destination(site)
    except OutputError as error:
        raise PublishError(str(error))
    runs = site / RUNS
    added = list(dict.fromkeys(s.slug for s in sources if not (runs / s.slug).exists()))
    for source in sources:
        _add(source, runs / source.slug)
    on_site = _runs_on_site(runs)
    if len(on_site) > 1:
        write_atomically(site / "compare.html", render_page(
            "compare.html", charts=True, c=compare([r for _, r in on_site]), index_href="index.html",
            run_hrefs=[f"{RUNS}/{name}/report.html" for name, _ in on_site]))
    rows = sorted((SiteRun(name, r.created_utc, [c.cell(r) for c in COLUMNS]) for name, r in on_site),
                  key=lambda x: x.created, reverse=True)
    write_atomically(site / "index.html", render_page("site_index.html", columns=COLUMNS, runs=rows,
                                                      has_compare=len(on_site) > 1))
    return Published(site / "index.html", added, len(on_site))


def _add(source: Source, folder: Path) -> None:
    """Fill in what the run's folder lacks, copied from the run folder or rendered; what is there stays."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "results.json").exists():
        write_atomically(folder / "results.json", source.data)
    to_render = []
    for fmt, name in REPORT_FILES.items():
        built = source.folder / name if source.folder else None
        if (folder / name).exists():
            continue
        if built and built.is_file():
            write_atomically(folder / name, built.read_bytes())
        else:
            to_render.append(fmt)
    if to_render:
        write_report(source.results, folder, to_render)


def _runs_on_site(runs: Path) -> list[tuple[str, Results]]:
    """Every run the site holds, oldest first, loaded (and so validated) from its own results.json."""
    found = []
    for file in sorted(runs.glob("*/results.json")):
        try:
            found.append((file.parent.name, results_file.load(file)))
        except ResultsError as error:
            raise PublishError(f"the site holds a run it cannot read: {error}")
    return sorted(found, key=lambda x: (x[1].created_utc, x[0]))


def _largest_net_accuracy(r: Results) -> float | None:
    ds = r.data_scale
    big = largest_net(ds) if ds else None
    at_max = ds.accuracy(big, ds.m_values[-1]) if big else None
    return at_max.mean if at_max else None


def _fastest_largest_step(r: Results) -> tuple[float, str] | None:
    """The fastest training step of the largest model timed, and where it ran."""
    timed = [s for s in r.compute.steps if s.timing] if r.compute else []
    if not timed:
        return None
    best = r.compute.fastest_step(max(timed, key=lambda s: s.parameters).model)
    return best.timing.median_s, config_label(best.device, best.precision, best.threads)


def _peak_gflops(r: Results) -> float | None:
    return max((m.gflops for m in r.compute.matmuls if m.timing), default=None) if r.compute else None
