"""A section of the report's body, as a view model: its charts first, a few plain sentences on what they show on
this machine, then its claims and the checks behind them. In a module of its own so that the context and each
section's own module (scaling_section) build on it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.findings import Finding
from reportgen.tables import Figure, Table


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]  # the charts it opens with
    sentences: list[str]  # two to four plain sentences on what they show on this machine
    claims: list[Finding]
    check_figures: list[Figure] = field(default_factory=list)  # charts the checks discuss, just before them
    checks: list[Finding] = field(default_factory=list)  # mechanisms, controls and published results
    notes: list[str] = field(default_factory=list)  # what to keep in mind: a projection, a failed fit
    tables: list[Table] = field(default_factory=list)  # for the appendix, after the data behind its figures
