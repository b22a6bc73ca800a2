"""End to end: the real quick battery, its real HTML and PDF, checked against its results.json."""

import json
import platform
import re
from html import unescape

import pytest
from pypdf import PdfReader

from reportgen import results as R
from reportgen.findings import findings
from reportgen.fmt import pct

pytestmark = pytest.mark.e2e


def _text(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def _body(page: str) -> str:
    """A PDF page's text without its running header and footer, so that a paragraph that a page break splits still
    reads as one (which paragraph falls on a break depends on the lengths of the measured numbers), and with a line
    that ends in a word's own hyphen ("same-" then "round") or slash ("GFLOP/" then "s") joined again."""
    page = re.sub(r"([-/])\n", r"\1", page)
    return re.sub(r"reportgen: why deep learning is taking off|Page \d+ of \d+", " ", page)


@pytest.fixture(scope="module")
def built(quick_build):
    html = quick_build.joinpath("report.html").read_text(encoding="utf-8")
    pdf = PdfReader(quick_build / "report.pdf")
    pdf_text = _text(" ".join(_body(page.extract_text()) for page in pdf.pages))
    raw = json.loads(quick_build.joinpath("results.json").read_text())
    return quick_build, html, pdf, pdf_text, raw


def test_a_build_writes_the_three_files(built):
    folder, *_ = built
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.pdf", "results.json"]


def test_results_json_has_the_envelope(built):
    _, page, *_, raw = built
    assert raw["schema_version"] == R.SCHEMA_VERSION
    assert raw["settings"]["device"] == "cpu" and raw["settings"]["threads"] >= 1
    if platform.libc_ver()[0] == "glibc":  # the run says what it set on the allocator, and so does the report
        assert raw["settings"]["allocator"].startswith("glibc malloc keeps freed memory")
        assert raw["settings"]["allocator"] in unescape(page)
    assert raw["compute"]["rounds"] == 3 and "in 3 rounds interleaved with the other workloads" in page
    assert all(len(step["timing"]["round_medians_s"]) == 3 for step in raw["compute"]["steps"])
    assert set(raw["phases"]) == {"data", "data_scale", "activations", "compute", "scaling"}
    assert raw["system"]["cpu_model"] and raw["system"]["torch"]


def test_the_scaling_record_has_gloo_all_reduce_and_ddp_steps_at_world_sizes_1_and_2_with_a_verdict(built):
    _, page, _, text, raw = built
    scaling = raw["scaling"]
    threads = raw["settings"]["threads"]
    sizes = [1, 2] if threads >= 2 else [1]
    assert scaling["backend"] == "gloo" and scaling["world_sizes"] == sizes
    assert {a["world_size"] for a in scaling["allreduce"]} == set(sizes)
    assert {(s["world_size"], s["scaling"]) for s in scaling["steps"]} >= {(1, "single"), (1, "weak")}
    assert all(s["parameters_equal"] is not False for s in scaling["steps"])
    assert "Data-parallel training" in text and "Spread over n devices, training reaches at least 60% of n times one device" in page


def test_the_pdf_has_the_three_experiment_sections_each_with_a_chart(built):
    _, _, pdf, text, _ = built
    for title in ("Scale of data", "Algorithms: sigmoid against ReLU", "Computation"):
        assert title in text
    for n in range(1, 8):
        assert f"Figure {n}." in text
    assert pdf.metadata.title.startswith("Why deep learning is taking off")
    # Each chart is drawn as vector graphics with real text: its axis titles are in the PDF's text layer.
    for axis in ("Labelled training examples m (log scale)", "Weight layer (1 = input side)",
                 "Training time, seconds", "Model parameters (log scale)", "Matrix size n"):
        assert axis in text
    assert sum(len(page.images) for page in pdf.pages) == 0  # no raster images anywhere


def test_the_html_is_self_contained_and_embeds_the_vega_bundle_once(built):
    _, html, *_ = built
    assert html.count("window.vegaEmbed=") == 1
    assert html.count('type="application/json" id="spec-') == 9  # 2 data, 2 algorithms, 3 computation, 2 scaling
    assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing fetched from the network


def test_every_finding_reads_the_same_in_html_pdf_and_results(built):
    folder, html, _, pdf_text, _ = built
    page = _text(unescape(re.sub(r"<[^>]+>", "", html)))  # inline: a glossary link sits inside a sentence
    for finding in findings(R.load(folder / "results.json")):
        assert _text(finding.evidence) in page
        assert _text(finding.evidence) in pdf_text


def test_accuracy_table_numbers_equal_results_json(built):
    """Read accuracies straight from the JSON (not through our record classes) and find them in the report."""
    _, html, _, pdf_text, raw = built
    ds = raw["data_scale"]
    for learner in ds["learners"]:
        row = [f"{pct(f['test_accuracy'])}" for m in ds["m_values"] for f in ds["fits"]
               if f["learner"] == learner["name"] and f["m"] == m]  # quick profile: one seed per point
        expected = " ".join([learner["label"], *row])
        assert expected in pdf_text, expected
        cells = "".join(f"<td>{v}</td>" for v in row)
        assert cells in html


def test_no_raw_python_values_in_the_text(built):
    _, _, _, pdf_text, _ = built
    for bad in (" nan", "None", "inf ", "[", "{"):
        assert bad not in pdf_text
    assert not re.search(r"\d\.\d{6,}", pdf_text)  # no long raw floats
