"""Every number the report showed before the page-one rewrite still appears in it: the tables moved to an appendix
and the findings gained headlines, but no measurement left the report."""

import re
from html import unescape
from pathlib import Path

import factories

from reportgen.render import render_html

BEFORE = Path(__file__).parent / "gold" / "numbers-before-the-rewrite.txt"
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:×10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)?")


def visible_text(html: str) -> str:
    """What a reader sees: no style sheet, no chart specification or script, no tags."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def numbers(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def test_every_number_shown_before_the_rewrite_is_still_shown():
    before = {line for line in BEFORE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}
    assert len(before) > 150  # the fixture is the old report's, not an empty list
    missing = before - numbers(visible_text(render_html(factories.results())))
    assert not missing, f"numbers the report no longer shows: {sorted(missing)}"


def test_the_check_sees_a_number_that_goes_missing():
    html = render_html(factories.results())
    shown = numbers(visible_text(html))
    assert "551,434" in shown  # the large MLP's parameter count, in the tables
    assert "551,434" not in numbers(visible_text(html.replace("551,434", "")))
