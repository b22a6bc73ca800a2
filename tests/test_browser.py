"""The HTML report in headless Chromium: every chart drawn, no console errors, offline."""

import re

import pytest
from browser import dump_dom, needs_chromium, print_to_pdf

pytestmark = [pytest.mark.e2e, needs_chromium]


def test_every_chart_is_drawn_without_console_errors(quick_build):
    html = (quick_build / "report.html").read_text()
    charts = html.count('<div class="chart"')
    dom, errors = dump_dom((quick_build / "report.html").as_uri())
    assert f'data-charts-drawn="{charts}"' in dom
    assert len(re.findall(r'<svg[^>]*class="marks"', dom)) == charts
    assert errors == []


_MEASURE = """<script>
  // Whether each finding's evidence can be seen on screen (1) or not (0): 0 while its <details> is closed.
  document.body.dataset.evidenceBoxes = [...document.querySelectorAll("details.evidence > p")]
    .map((p) => (p.checkVisibility({contentVisibilityAuto: true}) && p.getBoundingClientRect().height > 0 ? 1 : 0))
    .join(",");
</script></body>"""


def test_the_evidence_is_collapsed_on_screen_and_expanded_in_print(tmp_path):
    import shutil

    import factories

    from reportgen.findings import findings
    from reportgen.render import render_html

    results = factories.results()
    html = render_html(results)
    page = tmp_path / "report.html"
    head, _, tail = html.rpartition("</body>")  # the page's own end tag; the inlined scripts hold the string too
    page.write_text(head + _MEASURE + tail, encoding="utf-8")
    dom, errors = dump_dom(page.as_uri())
    assert errors == []
    boxes = re.search(r'data-evidence-boxes="([\d,]*)"', dom).group(1).split(",")
    assert len(boxes) >= len(findings(results)) and set(boxes) == {"0"}  # every block there, and every one closed
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    import subprocess

    pdf = tmp_path / "printed.pdf"
    print_to_pdf((tmp_path / "report.html").as_uri(), str(pdf))
    printed = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                   check=True).stdout)
    assert "How we know" not in printed  # the summary a reader would click is gone on paper ...
    for f in findings(results):
        first = " ".join(f.evidence.split()[:6])
        assert first in printed, (f.key, first)  # ... and the evidence it hid is printed
