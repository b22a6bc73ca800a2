"""The report as a document: gold HTML, PDF/A-3 with its evidence, determinism, and a story contradicted."""

import os
import re
from pathlib import Path

import factories
import pytest
from pypdf import PdfReader

from reportgen import __version__
from reportgen.compare import compare
from reportgen.context import build_report
from reportgen.records.data_scale import DataScaleResult
from reportgen.render import render_html, render_pdf
from reportgen.results import dumps, load

GOLD = Path(__file__).parent / "gold" / "report.html"
UPDATE = os.environ.get("REPORTGEN_UPDATE_GOLD") == "1"  # REPORTGEN_UPDATE_GOLD=1 pytest tests/test_document.py


def scrub(html: str) -> str:
    """Leave out what changes without the report changing: the Vega bundle and the tool's version."""
    html = re.sub(r"<script>(?!\s*// Draw).*?</script>", "<script>[vega bundle]</script>", html, count=1, flags=re.DOTALL)
    return html.replace(__version__, "[version]")


def test_html_matches_the_gold_file():
    html = scrub(render_html(factories.results()))
    if UPDATE:
        GOLD.write_text(html, encoding="utf-8")
    assert html == GOLD.read_text(encoding="utf-8"), "HTML changed: look at it, then REPORTGEN_UPDATE_GOLD=1"


@pytest.fixture(scope="module")
def pdf_bytes():
    return render_pdf(factories.results())


def test_the_pdf_is_pdf_a_3b_and_carries_its_results(pdf_bytes, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes)
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert reader.attachments["results.json"][0].decode() == dumps(factories.results())
    assert load(path) == factories.results()  # `reportgen render report.pdf` reads it back
    assert reader.metadata.title.startswith("Why deep learning is taking off")
    assert reader.metadata.creator == f"reportgen {__version__}"
    assert reader.metadata.creation_date.year == 2026  # the run's time, not the render's


def test_same_results_give_byte_identical_pdfs(pdf_bytes, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert render_pdf(factories.results()) == render_pdf(factories.results())


def test_letter_pages(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(render_pdf(factories.results(), page_size="Letter"))
    box = PdfReader(path).pages[0].mediabox
    assert (round(box.width), round(box.height)) == (612, 792)


def test_every_chart_spec_is_valid_vega_lite():
    """charts.finish skips altair's own check, for speed; the check is made here, on every chart of a report and
    of a comparison, with the fonts merged in as the renderers get them."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    figures = [*build_report(factories.results()).figures,
               *compare([factories.results(), factories.results(hostname="other")]).figures]
    specs = [f.spec for f in figures if f.spec is not None]
    assert len(specs) >= 10
    for spec in specs:
        validate_jsonschema(spec, load_schema())


def _losing_story():
    """Logistic regression ahead of every net at every m (the largest net loses at the largest m), and ReLU slower
    than sigmoid."""
    data: DataScaleResult = factories.data_scale({"logistic": [0.5, 0.6, 0.7, 0.8, 0.9],
                                                  "mlp_small": [0.2, 0.25, 0.3, 0.32, 0.33],
                                                  "mlp_large": [0.3, 0.4, 0.45, 0.46, 0.46]})
    acts = factories.activations(steps={"sigmoid": 100, "relu": 400}, own_steps={"sigmoid": 100, "relu": 400})
    return factories.results(data=data, acts=acts)


def _page_one(html: str) -> str:
    return html[html.index('id="overview"'):html.index("</section>", html.index('id="overview"'))]


def test_a_contradicted_story_is_said_on_page_one_and_in_the_closing():
    report = build_report(_losing_story())
    data = next(d for d in report.drivers if d.key == "data")
    assert data.verdict.value == "contradicted"
    assert {"nets_win_at_scale", "large_net_rising"} <= {f.key for f in data.claims if f.verdict.value == "contradicted"}
    html = render_html(_losing_story())
    page_one = _page_one(html)
    row = page_one[page_one.index('<a href="#data">'):page_one.index('<a href="#algorithms">')]
    assert '<span class="badge badge-contradicted">contradicted</span>' in row.split("</th>")[0]  # the driver's own
    assert "Logistic regression led it by 44 <a class=\"term\" href=\"#term-point\">points</a>" in row
    assert "this run decided 6, and 5 went against the lecture" in page_one and "its argument does not hold here" in page_one
    closing = html[html.index('id="closing"'):html.index('id="limits"')]
    assert "The lecture&#39;s data argument does not hold on these numbers" in closing
    assert "The lecture&#39;s algorithms argument does not hold on these numbers" in closing


def test_every_count_on_page_one_matches_the_claims_shown_beneath_it():
    for results in (factories.results(), _losing_story()):
        page_one = _page_one(render_html(results))
        table = page_one[page_one.index('<table class="drivers">'):]
        table = table[:table.index("</table>")]
        shown = re.findall(r'<li class="verdict-([a-z-]+)">', table)  # a tested claim each; untested ones together:
        for n in re.findall(r'<li class="verdict-not-tested" data-claims="(\d+)">', table):
            shown += ["not-tested"] * int(n)
        counts = page_one[page_one.index('class="counts">'):].split("</p>")[0]
        claims = re.search(r"The lecture&#39;s (\d+) claims: ([^.]*)\.", counts)
        assert int(claims.group(1)) == len(shown)
        for n, verdict in re.findall(r"(\d+) (supported|contradicted|inconclusive|not tested)", claims.group(2)):
            assert shown.count(verdict.replace(" ", "-")) == int(n), verdict
        assert "because" in page_one or "does not hold here" in page_one


def test_a_failed_experiment_is_named_on_page_one():
    from dataclasses import replace

    r = replace(factories.results(), activations=None, failures={"activations": "out of memory"})
    html = render_html(r)
    assert "Sigmoid against ReLU: the experiment failed (out of memory)" in _page_one(html)
    assert 'id="algorithms"' not in html


def test_both_formats_share_one_report(tmp_path, monkeypatch):
    """Findings, fits and charts are worked out once per render, not once per format."""
    from reportgen import render

    built = []
    monkeypatch.setattr(render, "build_report", lambda results: built.append(results) or build_report(results))
    written = render.write_report(factories.results(), tmp_path, ["html", "pdf"])
    assert [p.name for p in written] == ["report.html", "report.pdf"] and len(built) == 1
    assert b"%PDF" in (tmp_path / "report.pdf").read_bytes()[:8]


def test_the_chart_bundle_is_built_once_and_kept_per_vl_convert_version(tmp_path, monkeypatch):
    """Building it costs vl-convert 1.2 s per page rendered; a cached copy is reused, an empty one rebuilt."""
    import vl_convert

    from reportgen import render

    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path))
    built = render._bundle()
    (kept,) = tmp_path.glob("vega-bundle-vl-convert-*.js")
    assert vl_convert.__version__ in kept.name and kept.read_text(encoding="utf-8") == built
    assert "</script" not in built
    kept.write_text("/* the cached copy */", encoding="utf-8")
    assert render._bundle() == "/* the cached copy */"
    kept.write_text("", encoding="utf-8")
    assert render._bundle() == built
