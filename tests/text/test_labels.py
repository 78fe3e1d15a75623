"""Names and sentences shown to people (model/text/labels.py)."""
from model import rank
from model.analyses import explain
from model.formatting import percent
from model.text.labels import LEVEL_TITLES, describe, display_label, short_label


def test_display_label_drops_the_node_suffix(ranker):
    label = ranker.priors.causes["neuromuscular_disease"]
    assert label.endswith(": the high-priority node")
    assert display_label(label) == "Serious neuromuscular condition (e.g. motor neuron disease)"
    assert display_label("Caffeine") == "Caffeine"


def test_short_label_drops_the_parenthesis_too(ranker):
    assert short_label(ranker.priors.causes["neuromuscular_disease"]) == "Serious neuromuscular condition"
    assert short_label("Low potassium (hypokalemia)") == "Low potassium"


def test_an_effect_is_described_with_the_question_the_answer_and_both_chances(ranker):
    case = {"caffeine": "high", "twitching": "yes"}
    effect = explain(ranker, case).effect("caffeine", "caffeine_effect")
    text = describe(effect, ranker.vocabulary)
    assert text == (f"**Caffeine most days: 4+ cups, or energy drinks** raised it from {percent(effect.without)} "
                    f"to {percent(effect.with_all)}.")
    lowered = explain(ranker, {"caffeine": "none", "twitching": "yes"}).effect("caffeine", "caffeine_effect")
    assert " lowered it from " in describe(lowered, ranker.vocabulary)


def test_every_triage_level_has_a_title(ranker):
    assert set(LEVEL_TITLES) == set(ranker.vocabulary.triage_levels)
    assert LEVEL_TITLES[rank({}).triage.level] == "Self-care"
