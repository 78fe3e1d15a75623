"""The diary in words (model/text/diary.py) and in the report for a doctor."""
from __future__ import annotations

from datetime import date, timedelta

from pypdf import PdfReader

from model import Diary
from model.diary.simulate import synthetic_diary
from model.text import diary_sections, pdf_report, report_content, strength_line, weekly_timeline
from model.text.document import unsupported

MONDAY = date(2026, 11, 2)


def test_the_weekly_timeline_counts_logged_days_and_names_the_triggers(ranker):
    entries = [(MONDAY + timedelta(days=k), {"twitching": "yes" if k < 3 else "no", "caffeine": "high"})
               for k in range(5)]
    entries += [(MONDAY + timedelta(days=7), {"sleep": "good"})]
    lines = weekly_timeline(entries, ranker.vocabulary)
    assert lines[0].startswith("Week of 2 November: 5 days logged, twitching on 3 of 5 days logged")
    assert "Caffeine most days: 4+ cups, or energy drinks (5 d)" in lines[0]
    assert lines[1] == "Week of 9 November: 1 day logged, twitching not logged; no triggers logged"
    many = [(MONDAY - timedelta(days=k), {"twitching": "yes"}) for k in range(200)]
    assert len(weekly_timeline(many, ranker.vocabulary)) == 8


def test_a_strength_reads_as_yours_against_most_peoples(ranker, tmp_path):
    with Diary.open(tmp_path / "d.sqlite3") as diary:
        diary.add_many(synthetic_diary(ranker, 40, seed=1), today=date(2026, 12, 1))
        learned = diary.learn(ranker)
    s = next(t for t in learned.triggers if t.days_exposed)
    line = strength_line(s, ranker.vocabulary, ranker.priors.causes)
    assert "yours about" in line and "90% interval" in line and "most people" in line
    assert line.endswith("day" if s.days_exposed == 1 else "days") or "too few days yet" in line


def test_three_years_of_diary_and_an_experiment_still_fit_one_page(ranker, tmp_path):
    with Diary.open(tmp_path / "d.sqlite3") as diary:
        days = synthetic_diary(ranker, 3 * 365, logged=("twitching", "caffeine", "sleep", "stress", "exertion",
                                                        "alcohol", "nicotine", "fluid_intake"),
                               start=date(2023, 11, 1), seed=3)
        diary.add_many(days, today=date(2026, 12, 1))
        from model.diary import plan

        p = plan({"input": "caffeine", "state": "high"}, ranker.vocabulary, ranker.priors.diary, date(2026, 10, 1))
        diary.start_experiment(p, date(2026, 10, 1))
        sections = diary_sections(diary, ranker, today=date(2026, 12, 1))
        ranking = ranker.rank_with_diary({"twitching": "yes", "age": "over_60"}, diary)
    headings = [h for h, _ in sections]
    assert headings[0] == "Diary timeline" and "What was tried" in headings
    content = report_content(ranking, ranker.vocabulary, extra=sections)
    assert not set().union(*(unsupported(line) for _, lines in sections for line in lines))
    reader = PdfReader(__import__("io").BytesIO(pdf_report(content)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Diary timeline" in text and "What was tried" in text
