"""Rendering: report context -> HTML (interactive, self-contained) and PDF (static SVG charts, WeasyPrint)."""

from __future__ import annotations

import base64
from importlib import resources
from pathlib import Path

import jinja2

from reportgen.context import Report, build_report
from reportgen.results import Results, write_atomically

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
    return env


def _render(report: Report, mode: str, bundle: str = "") -> str:
    css = (resources.files("reportgen.templates") / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html").render(report=report, mode=mode, bundle=bundle, css=css)


def _bundle() -> str:
    import vl_convert

    return vl_convert.javascript_bundle().replace("</script", "<\\/script")  # must not close its own element


def render_html(results: Results, report: Report | None = None) -> str:
    """One self-contained page: the Vega bundle inlined once, the specs embedded as JSON, no network."""
    return _render(report or build_report(results), "html", _bundle())


def render_page(template: str, charts: bool = False, **context) -> str:
    """A page beside the reports (a comparison, a site's index), in the report's style; self-contained too."""
    css = "\n".join((resources.files("reportgen.templates") / name).read_text(encoding="utf-8")
                    for name in ("report.css", "site.css"))
    return _environment().get_template(template).render(css=css, bundle=_bundle() if charts else "", **context)


def render_pdf(results: Results, report: Report | None = None) -> bytes:
    """The same document with every chart as vector SVG, laid out for print by WeasyPrint."""
    import vl_convert
    from weasyprint import HTML

    report = report or build_report(results)
    for figure in report.figures:
        svg = vl_convert.vegalite_to_svg(figure.spec)
        figure.svg = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return HTML(string=_render(report, "pdf")).write_pdf()


def write_report(results: Results, folder: Path, formats=FORMATS) -> list[Path]:
    """Render report.html and/or report.pdf into `folder` from the results alone, running nothing."""
    renderers = {"html": render_html, "pdf": render_pdf}
    for fmt in formats:
        write_atomically(folder / REPORT_FILES[fmt], renderers[fmt](results))
    return [folder / REPORT_FILES[fmt] for fmt in formats]
