"""A static site of runs: an index sortable by column, each run's report, PDF and results.json, and a comparison.

Links are relative, so the folder works from any static host and from the file system. Each run lives at
runs/<slug>/, the slug derived from the run itself (created time, host, a hash of its results file): publishing
again adds runs and rewrites only index.html and compare.html, so a link once shared keeps working.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportgen import results as results_file
from reportgen.compare import compare, machine
from reportgen.errors import UserError
from reportgen.files import write_atomically
from reportgen.findings import Verdict, findings
from reportgen.findings.curves import largest_net
from reportgen.fmt import config_label, duration, pct
from reportgen.folders import OutputError, check_destination
from reportgen.render import REPORT_FILES, render_page, write_report
from reportgen.results import Results, ResultsError

RUNS = "runs"
SERVED = ("results.json", *REPORT_FILES.values())  # a run on the site is complete with these
STAGING = ".staging-"
MAX_TIME = 20  # characters of the created time in a slug: "20260101T120000Z" is 16
MAX_HOST = 200  # characters of the host in a slug: with the time and hash, within a file name's 255 bytes  # a run being rendered, in runs/ until it is complete


class PublishError(UserError):
    """A run or a site folder that cannot be published, with the reason in one line."""


@dataclass(frozen=True)
class Source:
    """One run to publish: its results, from which every page of it on the site is rendered."""

    results: Results
    data: bytes  # the results file as given: published byte for byte, and hashed into the slug

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
    created = re.sub(r"[^0-9TZ]", "", results.created_utc)[:MAX_TIME]
    host = re.sub(r"[^a-z0-9]+", "-", results.system.hostname.lower())[:MAX_HOST].strip("-") or "host"
    return f"{created}-{host}-{hashlib.sha256(data).hexdigest()[:8]}"


def read_source(path: Path) -> Source:
    """A run folder (holding results.json) or a results file. Of a run folder only results.json is read: the
    pages the site serves are rendered from it, so nothing else in the folder (a report edited by hand, a link to
    a private file) reaches the site."""
    file = path / "results.json" if path.is_dir() else path
    if not file.is_file():
        raise PublishError(f"{path} is neither a run folder with a results.json nor a results file")
    if file != path and not file.resolve().is_relative_to(path.resolve()):
        raise PublishError(f"{file} is a link out of its run folder; give the file it points to, if you mean it")
    try:  # a report.pdf carries its results.json, as render and compare read
        text = results_file.read_text(file)
        return Source(results_file.loads(text, str(file)), text.encode("utf-8"))
    except ResultsError as error:
        raise PublishError(str(error))


def publish(paths: list[Path], site: Path) -> Published:
    """Add the runs at `paths` to the site at `site` (created if need be), then rewrite its index and comparison.

    Everything is checked before anything is written: the runs given, the destination, and every run already on
    the site. Each new run is rendered into a staging folder and moved into runs/ only when complete, so a publish
    that fails part-way leaves no run that the index would link to with dead links.
    """
    sources = list({s.slug: s for s in (read_source(p) for p in paths)}.values())
    runs = site / RUNS
    try:
        check_destination(site)
    except OutputError as error:
        raise PublishError(str(error))
    if runs.exists() and not runs.is_dir():
        raise PublishError(f"the site {site} is broken: {runs} is not a folder")
    created = not site.exists()
    with _site_lock(site) as empty:  # an existing site is only opened: a broken one is refused before any write
        return _publish_locked(sources, site, runs, created and empty)


@contextlib.contextmanager
def _site_lock(site: Path):
    """One publish at a time per site: two at once each rewrote the index from the runs it had seen, and the last
    one's index lacked the other's run. The second waits for the first (flock on the site folder, released by
    the kernel however the process ends; nothing is left in the folder), then reads the site afresh. Yields
    whether the site was empty when the lock was taken: only then is it this publish's to remove on a failure."""
    try:
        site.mkdir(parents=True, exist_ok=True)
        fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise PublishError(f"could not publish to {site}: {error.strerror or error}") from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield not any(site.iterdir())
    finally:
        os.close(fd)


PAGES = ("compare.html", "index.html")  # rewritten by each publish; the index last, as it is what lists a run


def _publish_locked(sources: list[Source], site: Path, runs: Path, created: bool) -> Published:
    """Everything is written into a staging folder first (the new runs, the new pages); then it is moved into
    place by renames alone, which need no room on the disk, and undone should one fail. So either the whole
    publish lands or nothing of it does: a disk that filled after a run was moved in left it in runs/ unlisted,
    and the next publish said "0 run(s) added"."""
    try:
        on_site = _runs_on_site(runs) if runs.is_dir() else []
    except OSError as error:
        raise PublishError(f"cannot read the site {site}: {error.strerror or error}") from error
    broken = next((site / page for page in PAGES if (site / page).is_symlink() or (site / page).exists()
                   and not (site / page).is_file()), None)
    if broken:
        raise PublishError(f"the site {site} is broken: {broken} is not a file")
    there = {name for name, _ in on_site}
    new = [s for s in sources if s.slug not in there]
    work: Path | None = None
    moved: list[Path] = []
    replaced: list[tuple[Path, Path | None]] = []  # each page put in place, and the link kept to its old version
    try:
        runs.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=STAGING, dir=runs))
        staged = [(_stage(source, work), runs / source.slug) for source in new]
        on_site = sorted([*on_site, *((s.slug, s.results) for s in new)], key=lambda x: (x[1].created_utc, x[0]))
        pages = {}
        if len(on_site) > 1:
            pages["compare.html"] = render_page(
                "compare.html", charts=True, c=compare([r for _, r in on_site]), index_href="index.html",
                run_hrefs=[f"{RUNS}/{name}/report.html" for name, _ in on_site])
        rows = sorted((SiteRun(name, r.created_utc, [c.cell(r) for c in COLUMNS]) for name, r in on_site),
                      key=lambda x: x.created, reverse=True)
        pages["index.html"] = render_page("site_index.html", columns=COLUMNS, runs=rows,
                                          has_compare=len(on_site) > 1)
        for name, text in pages.items():
            write_atomically(work / name, text)
        for folder, place in staged:  # from here on, renames only
            _set_aside(place, runs)
            os.rename(folder, place)
            moved.append(place)
        for name in pages:
            old = None
            if (site / name).is_file():
                old = work / f"{name}.old"
                os.link(site / name, old)
            replaced.append((site / name, old))
            os.replace(work / name, site / name)
    except BaseException as error:
        _undo(moved, replaced)
        if created:  # a site this publish began is removed whole
            shutil.rmtree(site, ignore_errors=True)
        if isinstance(error, OSError):  # a full disk, a folder made read-only under us
            raise PublishError(f"could not publish to {site}: {error.strerror or error}"
                               + ("" if created else "; the site is as it was")) from error
        raise
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return Published(site / "index.html", [s.slug for s in new], len(on_site))


def _undo(moved: list[Path], replaced: list[tuple[Path, Path | None]]) -> None:
    """Take back what a failed publish had put in place: the runs it moved in, and the pages it replaced."""
    for page, old in reversed(replaced):
        with contextlib.suppress(OSError):
            if old is None:
                page.unlink(missing_ok=True)
            else:
                os.replace(old, page)
    for place in moved:
        shutil.rmtree(place, ignore_errors=True)


def _stage(source: Source, work: Path) -> Path:
    """The run's pages, rendered from its results into a folder of their own inside the staging folder."""
    staging = Path(tempfile.mkdtemp(prefix="run-", dir=work))
    write_atomically(staging / "results.json", source.data)
    write_report(source.results, staging)
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp's folder is private; a published run is not
    return staging


def _set_aside(path: Path, runs: Path) -> None:
    """Remove what an incomplete earlier publish left at `path`, so that the complete run can take its place."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        aside = Path(tempfile.mkdtemp(prefix=STAGING, dir=runs))
        os.rename(path, aside / path.name)
        shutil.rmtree(aside)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _runs_on_site(runs: Path) -> list[tuple[str, Results]]:
    """Every run the site holds, oldest first, loaded (and so validated) from its own results.json.

    Left-over staging folders of an interrupted publish are not runs; a run folder without its pages (from a
    reportgen before publishing was atomic) is not one either, and is published again when it is given again.
    """
    found = []
    for folder in sorted(runs.iterdir()):
        if folder.name.startswith(".") or not all((folder / name).is_file() for name in SERVED):
            continue
        if (folder / "results.json").is_symlink():  # the index would be built from a file outside the site
            raise PublishError(f"the site {runs.parent} is broken: {folder / 'results.json'} is a link")
        try:
            found.append((folder.name, results_file.load(folder / "results.json")))
        except ResultsError as error:
            raise PublishError(f"the site {runs.parent} holds a run it cannot read: {error}")
    return sorted(found, key=lambda x: (x[1].created_utc, x[0]))


def _largest_net_accuracy(r: Results) -> float | None:
    ds = r.data_scale
    big = largest_net(ds) if ds else None
    at_max = ds.accuracy(big, ds.m_values[-1]) if big and ds.m_values else None
    return at_max.mean if at_max else None


def _fastest_largest_step(r: Results) -> tuple[float, str] | None:
    """The fastest training step of the largest model timed, and where it ran."""
    timed = [s for s in r.compute.steps if s.timing] if r.compute else []
    if not timed:
        return None
    best = r.compute.fastest_step(max(timed, key=lambda s: s.parameters).model)
    return best.timing.median_s, config_label(best.device, best.precision, best.threads)


def _peak_gflops(r: Results) -> float | None:
    return max((m.gflops for m in r.compute.matmuls if m.gflops is not None), default=None) if r.compute else None
