"""Odd inputs a hostile user fed the commands, each once a bug: headlines past their word limit, ratios printed
as 0.0x, files whose fits contradict each other, and the like."""

from __future__ import annotations

import dataclasses

import factories

from reportgen.findings import Verdict, findings
from reportgen.findings.verdicts import HEADLINE_WORDS

I, N = Verdict.INCONCLUSIVE, Verdict.NOT_TESTED
SIX = {"logistic": [0.25, 0.30, 0.32, 0.325, 0.326], "svm_rbf": [0.36, 0.45, 0.55, 0.60, 0.65],
       "mlp_small": [0.22, 0.27, 0.31, 0.33, 0.34], "mlp_medium": [0.23, 0.3, 0.4, 0.5, 0.6],
       "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.651], "cnn": [0.3, 0.4, 0.5, 0.6, 0.7]}
factories.PARAMETERS.setdefault("mlp_medium", 17_000)
factories.PARAMETERS.setdefault("cnn", 5_000)


def by_key(ds):
    return {f.key: f for f in findings(factories.results(data=ds))}


def _set(r, learner, m, seed, accuracy):
    fits = [dataclasses.replace(f, test_accuracy=accuracy) if (f.learner, f.m, f.seed) == (learner, m, seed) else f
            for f in r.fits]
    return dataclasses.replace(r, fits=fits)


def test_an_open_win_over_the_svm_keeps_its_headline_within_the_word_limit():
    f = by_key(factories.data_scale(SIX))["nets_win_at_scale"]
    assert f.verdict is I and "SVM (RBF kernel)" in f.headline, f.headline
    assert len(f.headline.split()) <= HEADLINE_WORDS, f.headline
    missing = factories.data_scale({k: v if k != "svm_rbf" else [*v[:-1], None] for k, v in SIX.items()})
    f = by_key(missing)["nets_win_at_scale"]
    assert f.verdict is I and "not every traditional learner" in f.headline
    assert len(f.headline.split()) <= HEADLINE_WORDS, f.headline


def test_an_open_late_gain_split_across_seeds_keeps_its_headline_within_the_word_limit():
    r = factories.data_scale({**SIX, "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.70]})
    r = _set(r, "mlp_large", 10000, 2, 0.645)  # seed 2 gains half a point, seeds 0 and 1 six points
    f = by_key(r)["large_net_rising"]
    assert f.verdict is I and "the seeds do not agree on either bar" in f.headline, f.headline
    assert "m = 3,000 to 10,000" in f.headline and len(f.headline.split()) <= HEADLINE_WORDS, f.headline


def test_a_claim_missing_every_learner_at_the_smallest_m_keeps_its_headline_within_the_word_limit():
    r = factories.data_scale({k: [None, *v[1:]] for k, v in SIX.items()})
    f = by_key(r)["small_m_ranking"]
    assert f.verdict is N and len(f.headline.split()) <= HEADLINE_WORDS, f.headline
    assert "CNN" in f.evidence and "Logistic regression" in f.evidence  # the evidence still names them all
