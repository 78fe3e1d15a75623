"""The CLI table (model/text/report.py): what to do first, the serious cause before the everyday ones
when the pattern is urgent, every cause with its probability."""
from model import rank
from model.formatting import percent
from model.text.labels import display_label
from model.text.report import text_table
from tests.support.cases import quiet


def rows(text: str) -> list[str]:
    return [line[4:56].strip() for line in text.splitlines() if line[:2].strip().isdigit()]


def test_a_benign_pattern_lists_the_causes_first(ranker):
    ranking = rank(quiet(caffeine="high"))
    text = text_table(ranking, ranker)
    assert text.splitlines()[0] == "LIKELY BENIGN: EASE THE TRIGGERS"
    assert rows(text)[0] == "Caffeine" and len(rows(text)) == len(ranking.causes)
    assert text.index("Caffeine") < text.index("is rare:")
    assert percent(ranking.causes[0].probability) in text


def test_an_urgent_pattern_puts_the_serious_cause_first(ranker):
    ranking = rank({"age": "over_60", "weakness": "progressive", "twitching": "yes"})
    text = text_table(ranking, ranker)
    hp = display_label(ranking.high_priority.label)
    assert text.splitlines()[0] == "SEE A DOCTOR WITHIN THE NEXT FEW DAYS"
    assert text.index("Check first:") < text.index(hp) < text.index("Other possible causes:")
    listed = rows(text)
    assert len(listed) == len(ranking.causes) - 1 and not any(hp.startswith(r.rstrip(".")) for r in listed)
    for reason in ranking.triage.reasons:
        assert " ".join(reason.split()[:6]) in " ".join(text.split())


def test_an_emergency_says_so_first(ranker):
    text = text_table(rank({"sudden_symptoms": "yes"}), ranker)
    assert text.splitlines()[0] == "CALL THE EMERGENCY NUMBER NOW"
