"""The report context's own sentences, from records: the published-figures table and the projection note."""

import dataclasses
import math

import factories
import pytest

from reportgen.context import build_report
from reportgen.findings import projection
from reportgen.findings.curves import trends
from reportgen.findings.projection import WITHHELD, data_needed, projection_words
from reportgen.learners import LABELS
from reportgen.records.data_scale import Learner
from reportgen.tables import published_table

DENSE = [100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000]


def _with_paper_learners(parameters):
    """STORY's curves with a medium MLP and a CNN beside them, each with the given parameter count."""
    r = factories.data_scale({**factories.STORY, "mlp_medium": [0.2, 0.3, 0.5, 0.6, 0.7],
                              "cnn": [0.2, 0.4, 0.7, 0.85, 0.9]}, m=[100, 300, 1000, 4000, 10000])
    learners = [Learner(name=x.name, label=x.label, kind=x.kind, parameters=parameters.get(x.name, x.parameters))
                for x in r.learners]
    return dataclasses.replace(r, learners=learners)


def test_the_published_table_sets_our_nets_beside_the_papers_from_the_records():
    r = _with_paper_learners({"mlp_medium": 22_410, "cnn": 5_987})
    caption = published_table(r, {"steps": 2000}).caption
    assert (f"our {LABELS['mlp_medium']} has 22,410 parameters against the paper's MLP of two hidden layers of 100 "
            "units (15,210 parameters)") in caption
    assert f"our {LABELS['cnn']} has 5,987 parameters against the paper's CNN of three conv layers" in caption
    other = published_table(_with_paper_learners({"mlp_medium": 999, "cnn": 5_987}), {}).caption
    assert "has 999 parameters" in other and "22,410" not in other  # the count is the record's, not typed in


def _law(c=0.05):
    """A net on err = 3·m^-0.3 + c, which passes its held-out check (3.1 points gained over the last doubling)."""
    return {"logistic": [0.3, 0.31, 0.315, 0.316, 0.316, 0.316, 0.316, 0.316, 0.316],
            "mlp_large": factories.power_law_curve(DENSE, a=3.0, b=-0.3, c=c)}


def _projection(r, measured, steps=None):
    """The projection's words, as the report's data section prints them."""
    return projection_words(r, data_needed(r, measured, steps), measured, steps)


def test_a_withheld_projection_says_why_and_a_made_one_its_spread():
    r = dataclasses.replace(factories.data_scale(_law(), m=DENSE), target_accuracy=0.85)
    made = _projection(r, trends(r))
    assert made.startswith("Projection: from its power-law fit, the Large MLP (512x3)")
    assert "over resamples of the seeds" in made and "up to 4 times its largest m" in made
    pinned = dataclasses.replace(factories.data_scale(_law(c=0.0), m=DENSE), target_accuracy=0.97)
    words = _projection(pinned, trends(pinned))
    assert words.startswith("No projection of how much data 97.0% test accuracy would need: the Large MLP (512x3)'s "
                            "fitted floor sits at its bound 0")


def test_the_report_builds_from_records_with_every_new_sentence():
    report = build_report(factories.results(data=factories.data_scale(_law(), m=DENSE)))
    assert any("spread over resamples of the seeds" in t.caption for s in report.sections for t in s.tables)
    rows = [row for s in report.sections for t in s.tables if t.caption.startswith("How each") for row in t.rows]
    assert "95.2% (the fit's asymptote, not a measurement)" in next(row for row in rows if row[0] == LABELS["mlp_large"])
    assert next(row for row in rows if row[0] == LABELS["logistic"])[5].startswith("none stated")  # flat: no law


def test_a_target_above_the_level_is_said_only_up_to_four_times_the_largest_m():
    r = dataclasses.replace(factories.data_scale(_law(), m=DENSE), target_accuracy=0.97)  # the curve levels at 95.2%
    words = _projection(r, trends(r))
    assert words == ("Projection: up to 128,000 labelled examples (4 times the largest m), the power-law fit of the "
                     "Large MLP (512x3), the best learner at the largest m, stays below 97.0% test accuracy: it reaches "
                     "86.4% there (86.3% to 86.5% over resamples of the seeds). Past that a fitted curve says nothing.")


def test_a_curve_whose_nets_ran_out_their_steps_is_said_to_be_the_step_budgets():
    r = dataclasses.replace(factories.data_scale(_law(), m=DENSE, steps=2000), target_accuracy=0.97)
    budget = (" This is with 2,000 Adam steps per fit, not with more data alone: every seed's fit at m = 32,000 ran "
              "all 2,000 steps without fitting its training set (training accuracy 81.6%), so the step budget shapes "
              "the top of the curve as much as the data.")
    assert _projection(r, trends(r), 2000).endswith("over resamples of the seeds)." + budget)
    assert "Adam steps per fit" not in _projection(r, trends(r), 2500)  # a budget of 2,500: they stopped early
    results = factories.results(data=r)
    table = {**results.settings.profile_table, "data_scale": {"steps": 2000}}  # the budget, as the profile gave it
    report = build_report(dataclasses.replace(results, settings=dataclasses.replace(results.settings,
                                                                                    profile_table=table)))
    assert any(n.endswith(budget) for s in report.sections for n in s.notes)


def _notes(results):
    return [n for s in build_report(results).sections for n in s.notes]


def test_a_curve_linear_in_log_m_withholds_the_projection_and_the_report_still_builds():
    """The log-line rival forecasts this curve as well as the law: the projection is withheld as "rivals", which had
    no words and crashed the report."""
    line = {**_law(), "mlp_large": [0.2 + 0.07 * math.log(m / 100) for m in DENSE]}
    notes = _notes(factories.results(data=factories.data_scale(line, m=DENSE)))
    assert any(n.startswith("No projection") and "a straight line in log m" in n for n in notes)


@pytest.mark.parametrize("reason", WITHHELD)
def test_every_reason_to_withhold_a_projection_has_words_in_the_report(monkeypatch, reason):
    r = factories.data_scale(_law(), m=DENSE)
    monkeypatch.setattr(projection, "withheld", lambda trend, law: reason)
    words = _projection(r, trends(r))
    assert words.startswith("No projection") and not words.endswith(": .")
    assert words in _notes(factories.results(data=r))
