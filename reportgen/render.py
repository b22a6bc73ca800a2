"""Rendering: report context -> HTML (interactive, self-contained) and PDF (static SVG charts, WeasyPrint)."""

from __future__ import annotations

import base64
from datetime import datetime
from importlib import resources
from pathlib import Path

import jinja2

from reportgen.context import Report, build_report
from reportgen.files import cache_dir, write_atomically
from reportgen.glossary import link_terms
from reportgen.results import Results, dumps

REPORT_FILES = {"html": "report.html", "pdf": "report.pdf"}
FORMATS = tuple(REPORT_FILES)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("reportgen.templates"))),
        autoescape=True,  # every string from outside (host and CPU names, labels) is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["terms"] = link_terms
    return env


def _render(report: Report, mode: str, bundle: str = "", page_size: str = "A4") -> str:
    css = (resources.files("reportgen.templates") / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html").render(report=report, mode=mode, bundle=bundle, css=css,
                                                             page_size=page_size)


def _bundle() -> str:
    """The Vega bundle every HTML page inlines. vl-convert takes 1.2 s to build it, the same for each of its
    versions, so it is kept in the cache folder (a copy that cannot be read or written is just rebuilt)."""
    import vl_convert

    path = cache_dir() / f"vega-bundle-vl-convert-{vl_convert.__version__}.js"
    try:
        if text := path.read_text(encoding="utf-8"):
            return text
    except (OSError, UnicodeDecodeError):
        pass
    text = vl_convert.javascript_bundle().replace("</script", "<\\/script")  # must not close its own element
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
    except OSError:
        pass
    return text


def render_html(results: Results, report: Report | None = None) -> str:
    """One self-contained page: the Vega bundle inlined once, the specs embedded as JSON, no network."""
    return _render(report or build_report(results), "html", _bundle())


def render_page(template: str, charts: bool = False, **context) -> str:
    """A page beside the reports (a comparison, a site's index), in the report's style; self-contained too."""
    css = "\n".join((resources.files("reportgen.templates") / name).read_text(encoding="utf-8")
                    for name in ("report.css", "site.css"))
    return _environment().get_template(template).render(css=css, bundle=_bundle() if charts else "", **context)


def render_pdf(results: Results, report: Report | None = None, page_size: str = "A4") -> bytes:
    """The same document with vector (SVG) charts, as archival PDF/A-3b carrying its own results.json.

    The attachment makes a PDF sent on its own auditable and re-renderable (`reportgen render report.pdf`). Its
    timestamps are the run's, so the same results give the same bytes (with SOURCE_DATE_EPOCH set for the rest).
    """
    import vl_convert
    from weasyprint import HTML, Attachment

    report = report or build_report(results)
    for figure in (f for f in report.figures if f.spec is not None):
        svg = vl_convert.vegalite_to_svg(figure.spec)
        figure.svg = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    created = _time(results.created_utc)
    evidence = Attachment(string=dumps(results).encode(), name=ATTACHMENT, relationship="Source",
                          description="The measurements this report was rendered from (reportgen results.json)",
                          created=created, modified=created)
    return HTML(string=_render(report, "pdf", page_size=page_size)).write_pdf(pdf_variant="pdf/a-3b",
                                                                              attachments=[evidence])


ATTACHMENT = "results.json"


def _time(text: str) -> datetime | None:
    """The run's creation time; None (WeasyPrint then stamps the present) where the file's is not a time."""
    try:
        return datetime.fromisoformat(text)  # 3.11 reads the trailing Z
    except ValueError:
        return None


def write_report(results: Results, folder: Path, formats=FORMATS, page_size: str = "A4") -> list[Path]:
    """Render report.html and/or report.pdf into `folder` from the results alone, running nothing.

    Findings, fits and charts are worked out once for both formats.
    """
    report = build_report(results)
    renderers = {"html": lambda: render_html(results, report),
                 "pdf": lambda: render_pdf(results, report, page_size=page_size)}
    for fmt in formats:
        write_atomically(folder / REPORT_FILES[fmt], renderers[fmt]())
    return [folder / REPORT_FILES[fmt] for fmt in formats]
