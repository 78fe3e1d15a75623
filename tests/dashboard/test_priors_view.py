"""The expert view's helpers (dashboard/priors_view.py)."""
from dashboard.priors_view import (
    cause_sources,
    node_title,
    parameters_by_node,
    priors_rows,
    slider_bounds,
    slider_format,
    slider_step,
)

CAFFEINE_HIGH = "caffeine_effect.given.caffeine.high"


def test_sliders_stay_within_the_range_with_a_step_the_format_shows(ranker):
    for p in ranker.priors.parameters:
        low, high = slider_bounds(p)
        assert 0 <= low <= p.value <= high <= 1
        step = slider_step(p)
        assert step > 0 and (high == low or step <= (high - low) / 50)
        shown = slider_format(p) % step
        assert float(shown) == step  # the format shows every digit a step can reach


def test_numbers_are_grouped_by_node_with_triage_last(ranker):
    groups = parameters_by_node(ranker.priors)
    assert sum(len(v) for v in groups.values()) == len(ranker.priors.parameters)
    assert list(groups)[-1] == "triage"
    assert node_title(ranker.priors, "triage") == "Triage thresholds"
    assert node_title(ranker.priors, "caffeine_effect") == "Cause: Caffeine"
    assert node_title(ranker.priors, "caffeine").startswith("Question: Caffeine")


def test_rows_carry_every_number_with_its_source(ranker):
    rows = priors_rows(ranker.priors, ranker.priors.values)
    assert [r["number"] for r in rows] == [p.id for p in ranker.priors.parameters]
    assert all(r["source"] and r["rationale"] for r in rows)


def test_cause_sources_cover_its_own_numbers_and_its_links(ranker):
    sources = cause_sources(ranker.priors, "caffeine_effect")
    assert ranker.priors.parameter(CAFFEINE_HIGH).source in sources
    assert ranker.priors.parameter("twitching.given.caffeine_effect").source in sources
    assert len(sources) == len(set(sources))
