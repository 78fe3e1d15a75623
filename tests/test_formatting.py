"""Probabilities in words and numbers (model/formatting.py): one formatter for every surface."""
import math

import pytest

from model.formatting import natural_frequency, one_in, percent, threshold_words


def test_natural_frequencies():
    assert natural_frequency(0.0005) == "about 1 in 2,000"
    assert natural_frequency(0.58) == "about 6 in 10"
    assert natural_frequency(0.12) == "about 1 in 10"
    assert natural_frequency(0.000123) == "about 1 in 8,100"
    assert natural_frequency(3e-8) == "fewer than 1 in a million"
    assert natural_frequency(0.97) == "more than 9 in 10"
    assert natural_frequency(0.0) == "none"
    assert one_in(1 / 575) == 580


@pytest.mark.parametrize("p, shown", [(0.6458, "65%"), (0.1, "10%"), (0.0999, "10.0%"), (0.064, "6.4%"),
                                      (0.01, "1.0%"), (0.00064, "0.064%"), (1e-9, "under 0.0001%"), (1.2e-6, "0.00012%"), (0.0, "0%"), (1.0, "100%")])
def test_percent_keeps_two_significant_figures_below_ten_percent(p, shown):
    assert percent(p) == shown


def test_the_dashboard_cli_and_report_share_it(ranker):
    """One formatter: the text table and the dashboard rows show the same percentage, and the
    report and the result the same natural frequency."""
    from dashboard.text import chart_rows
    from model import rank
    from model.text import markdown_report, report_content, result_text, text_table

    ranking = rank({"caffeine": "high", "twitching": "yes"})
    top = ranking.causes[0]
    shown = percent(top.probability)
    assert shown in text_table(ranking, ranker)
    assert chart_rows(ranking)[0]["shown"] == shown
    words = natural_frequency(top.probability)
    assert words in result_text(ranking, ranker.vocabulary).leading[0]
    assert words in markdown_report(report_content(ranking, ranker.vocabulary))


def test_threshold_words_drop_about():
    assert threshold_words(0.005) == "1 in 200"
    assert threshold_words(0.03) == "1 in 33"


@pytest.mark.parametrize("bad", [-0.1, 1.5, math.nan, math.inf, "0.5", None])
def test_not_a_probability_is_refused(bad):
    with pytest.raises(ValueError, match="not a probability"):
        percent(bad)
    with pytest.raises(ValueError, match="not a probability"):
        natural_frequency(bad)


def test_one_in_needs_a_probability_strictly_inside():
    with pytest.raises(ValueError):
        one_in(0.0)
