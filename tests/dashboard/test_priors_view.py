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


def test_every_number_has_a_readable_name_without_ids(ranker):
    from dashboard.priors_view import parameter_names

    names = parameter_names(ranker.priors)
    assert set(names) == {p.id for p in ranker.priors.parameters}
    for pid, name in names.items():
        assert pid not in name and "_" not in name, name
    assert names[CAFFEINE_HIGH] == "Caffeine, from Caffeine most days: 4+ cups, or energy drinks"
    assert names["age.prior.under_40"] == "Age: share answering \u201cUnder 40\u201d"


def test_slider_format_shows_the_files_value_as_the_caption_does(ranker):
    for p in ranker.priors.parameters:
        assert float(slider_format(p) % p.value) == p.value


def test_table_numbers_are_rounded_for_display(ranker):
    from dashboard.priors_view import shown

    assert shown(0.8319999999999999) == 0.832
    rows = priors_rows(ranker.priors, ranker.priors.values * 0.999999)
    assert all(r["in use"] == float(f"{r['in use']:.6g}") for r in rows)
    assert any(r["in use"] != v * 0.999999 for r, v in zip(rows, ranker.priors.values, strict=True))


def test_the_numbers_open_on_the_top_causes_node(ranker):
    from dashboard.priors_view import default_node
    from model import rank
    assert default_node(ranker.priors, rank({"caffeine": "high", "twitching": "yes"})) == "caffeine_effect"


def test_the_network_as_a_list_names_what_brings_each_cause_on(ranker):
    from dashboard.priors_view import network_rows
    from model import rank
    ranking = rank({"caffeine": "high"})
    rows = network_rows(ranker, ranking)
    assert [r["id"] for r in rows] == [c.id for c in ranking.causes]
    caffeine = rows[[r["id"] for r in rows].index("caffeine_effect")]
    assert caffeine["from"] == ["Caffeine most days"] and caffeine["answered"] == ["Caffeine most days"]
    assert any("twitching" in n for n in caffeine["leads to"])
