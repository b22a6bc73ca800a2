"""The HTML report in headless Chromium: every chart drawn, no console errors, offline."""

import re

import pytest
from browser import dump_dom, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]


def test_every_chart_is_drawn_without_console_errors(quick_build):
    html = (quick_build / "report.html").read_text()
    charts = html.count('<div class="chart"')
    dom, errors = dump_dom((quick_build / "report.html").as_uri())
    assert f'data-charts-drawn="{charts}"' in dom
    assert len(re.findall(r'<svg[^>]*class="marks"', dom)) == charts
    assert errors == []
