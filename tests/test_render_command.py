"""reportgen render: a report again from a results file alone, and clear refusals of what it cannot render."""

import factories
import pytest
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main


def run(*args):
    return CliRunner().invoke(main, ["render", *map(str, args)])


def test_renders_beside_the_results_file_by_default(tmp_path):
    R.save(factories.results(), tmp_path / "results.json")
    result = run(tmp_path / "results.json", "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "report.html")
    assert "Test CPU" in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("write, args, message", [
    (True, ["--format", "docx"], "Error: unknown format 'docx'; choose from html, pdf"),
    (True, ["--format", ","], "Error: unknown format ','; choose from html, pdf"),
    (False, [], "Error: cannot read"),
])
def test_bad_input_stops_with_one_line_and_writes_nothing(tmp_path, write, args, message):
    if write:
        R.save(factories.results(), tmp_path / "results.json")
    result = run(tmp_path / "results.json", "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_invalid_results_file_is_refused_with_the_reason(tmp_path):
    (tmp_path / "results.json").write_text('{"schema_version": 1, "tool": "reportgen"}')
    result = run(tmp_path / "results.json")
    assert result.exit_code == 2
    assert "is invalid: $: missing field 'tool_version'" in result.output


def _pdf(filter_name: bytes, xref: bytes = b"startxref\n0\n%%EOF\n") -> bytes:
    """A PDF whose attached results.json is encoded with `filter_name`, its cross-reference table broken."""
    return (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names "
            b"[(results.json) 4 0 R] >> >> >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"3 0 obj << /Type /EmbeddedFile /Filter /" + filter_name + b" /Length 5 >> stream\nhello\nendstream "
            b"endobj\n4 0 obj << /Type /Filespec /F (results.json) /EF << /F 3 0 R >> >> endobj\n"
            b"trailer << /Root 1 0 R >>\n" + xref)


@pytest.mark.parametrize("data, message", [
    (_pdf(b"NoSuchDecode"), "Unsupported filter /NoSuchDecode"),
    (_pdf(b"JBIG2Decode"), "report.pdf as a PDF"),
    (_pdf(b"FlateDecode"), "is not valid JSON"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R", "report.pdf as a PDF"),
    (_pdf(b"FlateDecode", b""), "report.pdf as a PDF"),
])
def test_a_damaged_or_unsupported_pdf_is_refused_in_one_line(tmp_path, data, message):
    (tmp_path / "report.pdf").write_bytes(data)
    result = run(tmp_path / "report.pdf", "--out", tmp_path / "out")
    assert result.exit_code == 2 and message in result.output
    assert result.output.count("\n") == 1  # no warnings from the PDF reader before it, no traceback
    assert not (tmp_path / "out").exists()
