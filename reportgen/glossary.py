"""The words a newcomer needs, defined once: the glossary at the end of the report's main body, and the links from
the report's sentences to it (the first use of each term in a paragraph, in the HTML and the PDF alike)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Term:
    key: str  # the anchor: #term-<key>
    term: str  # as the glossary lists it
    definition: str
    pattern: str  # where a sentence uses it (a regular expression over the escaped text)


TERMS = [
    Term("m", "m", "The number of labelled training examples a learner is given. The grid about doubles m from one "
         "point to the next; Figure 1 puts it on a log axis.",
         r"(?<![\w.&;-])m(?= = |\b values| range)"),
    Term("mnist1d", "MNIST-1D", "A small stand-in for handwritten digits, generated on this machine (Greydanus and "
         "Kobak 2020): 40 numbers per example, 10 classes. It still tells simple learners from deep ones.",
         r"MNIST-1D"),
    Term("point", "point (of accuracy)", "One percentage point of test accuracy, the unit of every gain and "
         "lead here. A gain or a lead counts only where it exceeds the noise of its test set.",
         r"\bpoints?\b"),
    Term("seed", "seed", "The number that starts a run's random choices: the examples drawn, the initial weights, "
         "the batch order. A verdict needs every seed to agree, so one lucky draw cannot decide it.",
         r"\bseeds?\b"),
    Term("init", "initialisation (He, Glorot)", "How a net's weights are drawn before training: Glorot's (2010) "
         "scale suits tanh, He's (2015) suits ReLU, and PyTorch's default draws smaller weights than either.",
         r"\binitiali[sz]ation\b"),
    Term("pair", "same-round pair", "Two timings taken side by side in one round (say 1 and 2 threads of one step): "
         "a slow moment of the machine touches both, so their ratio is fair. Verdicts use the median pair.",
         r"same-round pairs?"),
    Term("verdict", "supported, contradicted, inconclusive, not tested", "Supported or contradicted: every seed or "
         "pair falls on one side of the stated bar. Inconclusive: measured, but not decided. Not tested: this run "
         "could not measure it.",
         r"\binconclusive\b"),
]


_ANY = re.compile("|".join(f"(?P<{t.key}>{t.pattern})" for t in TERMS))


def link_terms(text: str) -> Markup:
    """The text, escaped, with the first use of each term linked to its glossary entry (one pass, so that a link
    is never made inside another)."""
    seen: set[str] = set()

    def link(match: re.Match) -> str:
        key = match.lastgroup
        if key in seen:
            return match.group(0)
        seen.add(key)
        return f'<a class="term" href="#term-{key}">{match.group(0)}</a>'
    return Markup(_ANY.sub(link, str(escape(text))))
