"""End to end, from the real quick build: re-render, compare with itself, publish a site and browse it.

The site is published from three runs: the quick build, a copy from another host given as a bare results file
(so publishing renders its HTML and PDF), and a third added by publishing again. It is served over HTTP on
loopback and crawled for broken links, and its pages are opened in headless Chromium.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.compare import compare
from reportgen.results import load

pytestmark = pytest.mark.e2e


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_rendering_the_results_of_a_build_gives_the_html_the_build_wrote(quick_build, tmp_path):
    cli("render", quick_build / "results.json", "--out", tmp_path, "--format", "html")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    # The HTML holds no render time (only the run's own created time), so no scrubbing is needed.
    assert tmp_path.joinpath("report.html").read_bytes() == quick_build.joinpath("report.html").read_bytes()


def test_a_build_compared_with_itself_has_speedups_of_one_and_no_differences(quick_build, tmp_path):
    results = quick_build / "results.json"
    page = cli("compare", results, results, "--out", tmp_path).strip()
    html = Path(page).read_text(encoding="utf-8")
    assert "0 difference(s) between the machines and settings" in html
    assert 'class="differs"' not in html
    speedups = re.findall(r"\(([\d.]+)×\)</td>", html)
    assert set(speedups) == {"1.0"}
    c = compare([load(results)] * 2)
    ddp = next(f.table.rows for f in c.figures if f.key == "scaling_steps")
    assert len(speedups) == len(c.steps) + len(c.matmuls) + len(ddp) > len(ddp) > 0  # every workload, each at 1.0×


def _copy(quick_build, folder, created, hostname):
    raw = json.loads((quick_build / "results.json").read_text())
    raw["created_utc"], raw["system"]["hostname"] = created, hostname
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps(raw, indent=2))
    return folder / "results.json"


@pytest.fixture(scope="module")
def site(quick_build, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site-runs")
    second = _copy(quick_build, tmp / "second", "2030-01-01T00:00:00Z", "other-host")
    third = _copy(quick_build, tmp / "third", "2030-02-01T00:00:00Z", "third-host")
    site = tmp / "site"
    cli("publish", quick_build, second, "--site", site)
    shared = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    pages_before = {p: (site / p).read_bytes() for p in shared if p.startswith("runs/")}
    cli("publish", third.parent, "--site", site)
    return site, shared, pages_before


@pytest.fixture(scope="module")
def served(site):
    root, *_ = site
    handler = functools.partial(Quiet, directory=str(root))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}/"
        server.shutdown()


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            elif name == "id":
                self.ids.add(value)


def _fetch(url):
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, response.headers.get_content_type(), response.read()


def test_publishing_again_kept_every_link_and_page(site):
    root, shared, pages_before = site
    assert all((root / p).is_file() for p in shared)
    assert all((root / p).read_bytes() == data for p, data in pages_before.items())
    assert len(list((root / "runs").iterdir())) == 3
    for run in (root / "runs").iterdir():  # the copies had no reports: publishing rendered them
        assert run.joinpath("report.pdf").read_bytes().startswith(b"%PDF")
        assert run.joinpath("report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_served_site_has_no_broken_link_and_only_relative_ones(served):
    index = urljoin(served, "index.html")
    queue, seen, pages, broken = [index], set(), {}, []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            status, kind, body = _fetch(url)
        except urllib.error.URLError as error:
            broken.append(f"{url}: {error}")
            continue
        assert status == 200
        if kind != "text/html":
            continue
        parser = Links()
        parser.feed(body.decode("utf-8"))
        pages[url] = parser
        for link in parser.links:
            assert not urlparse(link).scheme and not link.startswith("/"), f"{url} links outside: {link}"
            queue.append(urldefrag(urljoin(url, link)).url)
    assert not broken, broken
    for url, parser in pages.items():  # every fragment points at an element that is there
        for link in parser.links:
            target, fragment = urldefrag(urljoin(url, link))
            if fragment:
                assert fragment in pages[target].ids, f"{url}: no #{fragment} in {target}"
    reports = [u for u in pages if u.endswith("/report.html")]
    downloads = [u for u in seen if u.endswith(("/report.pdf", "/results.json"))]
    assert len(reports) == 3 and len(downloads) == 6 and urljoin(served, "compare.html") in pages


def _chromium(url, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        pytest.skip("chromium is not on PATH (apt-get install -y chromium)")
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", url],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_index_and_pages_render_in_headless_chromium(served, site, tmp_path):
    index = _chromium(urljoin(served, "index.html"), tmp_path)
    assert index.count('<button type="button">') == 10  # the sorting script ran and made each heading a button
    assert len(re.findall(r'<a href="runs/[^"]+/report.html">', index)) == 3
    compare = _chromium(urljoin(served, "compare.html"), tmp_path)
    drawn = re.findall(r'<div class="chart[^"]*" id="chart-\d+"[^>]*><svg', compare)
    assert len(drawn) == compare.count('type="application/json" id="spec-') == 5  # 2 computation, 2 scaling, 1 data
    root, *_ = site
    run = max((root / "runs").iterdir()).name
    report = _chromium(urljoin(served, f"runs/{run}/report.html"), tmp_path)
    assert len(re.findall(r'<div class="chart[^"]*" id="chart-\d+"[^>]*><svg', report)) == report.count(
        'type="application/json" id="spec-') == 9  # every figure of the quick report drawn (2 of them scaling's)
