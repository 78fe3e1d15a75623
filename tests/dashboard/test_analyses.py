"""Rows for the dashboard's charts and buttons (dashboard/analyses.py)."""
from dashboard.analyses import interval_rows, question_rows, tornado_rows
from model import rank
from model.analyses import sensitivity


def test_question_rows_offer_every_answer_of_the_most_informative_questions(ranker):
    detail = rank({"twitching": "yes"}, detail=True).detail
    rows = question_rows(detail.next_questions, ranker.vocabulary)
    assert [r["input"] for r in rows] == [q.input for q in detail.next_questions[:3]]
    for row in rows:
        spec = ranker.vocabulary.inputs[row["input"]]
        assert row["answers"] == [(s, spec.label_of(s)) for s in spec.states] and row["question"] == spec.question


def test_interval_rows_follow_the_ranking():
    ranking = rank({"caffeine": "high", "twitching": "yes"}, detail=True)
    rows = interval_rows(ranking)
    assert [r["id"] for r in rows] == [c.id for c in ranking.causes]
    assert all(r["low"] <= ranking.probability(r["id"]) <= r["high"] for r in rows)
    assert interval_rows(rank({"twitching": "yes"})) == []  # no analyses, no whiskers


def test_tornado_rows_are_the_widest_swings(ranker):
    entries = sensitivity(ranker, {"caffeine": "high", "stress": "high", "twitching": "yes"})
    rows = tornado_rows(entries, n=5)
    widths = [r["high"] - r["low"] for r in rows]
    assert len(rows) == 5 and widths == sorted(widths, reverse=True)
    assert widths[0] == max(e.swing for e in entries)
