"""The report for a doctor (model/text/document.py): one content, a one-page A4 PDF and Markdown."""
import io
from datetime import date

import pytest
from pypdf import PdfReader

from model import rank
from model.text.document import (
    ABSENT,
    NOT_ASKED,
    PRESENT,
    markdown_report,
    pdf_report,
    pdf_text,
    report_content,
    unsupported,
)
from model.triage import PROMPT, RULES, TEXTS
from tests.support.cases import quiet

DAY = date(2026, 11, 3)
OLDER = {"age": "over_60", "weakness": "progressive", "twitching": "yes", "twitch_duration": "months",
         "diuretic": "yes", "caffeine": "high", "atrophy": "no"}


def page_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    return " ".join(reader.pages[0].extract_text().split())


def flat(text: str) -> str:
    return " ".join(pdf_text(text).split())


def test_every_warning_sign_is_present_absent_or_not_asked(ranker):
    content = report_content(rank(OLDER), ranker.vocabulary, DAY)
    status = dict(content.warning_signs)
    shorts = {r.short[:1].upper() + r.short[1:]: r for r in RULES if r.level >= PROMPT}
    assert set(status) == set(shorts)
    assert status["Weakness that is getting worse"] == PRESENT
    assert status["A muscle getting thinner"] == ABSENT
    assert status["Fever"] == NOT_ASKED


def test_the_pdf_is_one_a4_page_that_says_what_matters(ranker):
    ranking = rank(OLDER)
    content = report_content(ranking, ranker.vocabulary, DAY)
    text = page_text(pdf_report(content))
    assert "03 November 2026" in text and "Over 60" in text
    assert flat(content.advice) in text and flat(content.disclaimer) in text
    for sign, status in content.warning_signs:
        assert flat(f"{sign} {status}") in text
    assert "Taking a diuretic (water pill)" in text and "4+ cups, or energy drinks" in text
    assert "Longer, despite cutting back on triggers" in text
    assert flat(content.leading[0]) in text
    assert "%" not in text  # the leading causes in words, not a table of percentages


def test_the_same_answers_give_the_same_bytes(ranker):
    content = report_content(rank(quiet(caffeine="high")), ranker.vocabulary, DAY)
    assert pdf_report(content) == pdf_report(content)


def test_every_answer_fits_one_page(ranker):
    """All the questions answered, a long diary section: still one page."""
    everything = {i: spec.states[-1] for i, spec in ranker.vocabulary.inputs.items() if i != "sudden_symptoms"}
    extra = [("What the diary shows", [f"Day {k}: twitching, caffeine high, sleep poor" for k in range(30)])]
    content = report_content(rank(everything), ranker.vocabulary, DAY, extra=extra)
    page_text(pdf_report(content))


def test_every_shipped_sentence_can_be_printed(ranker):
    strings = [r.reason for r in RULES] + [r.short for r in RULES] + [r.also for r in RULES]
    strings += [v for t in TEXTS.values() for v in t.values()]
    strings += [s.question for s in ranker.vocabulary.inputs.values()] + list(ranker.priors.causes.values())
    strings += [label for s in ranker.vocabulary.inputs.values() for label in s.labels]
    for text in strings:
        assert not unsupported(text), (text, unsupported(text))


def test_the_markdown_says_the_same(ranker):
    content = report_content(rank(OLDER), ranker.vocabulary, DAY)
    text = markdown_report(content)
    assert text.startswith("# Muscle twitching") and f"## {content.advice}" in text
    for sign, status in content.warning_signs:
        assert f"- {sign}: **{status}**" in text
    for question, answer in content.answers:
        assert f"| {question} | {answer} |" in text
    assert "changed for this session" not in text
    edited = markdown_report(content, {"caffeine_effect.given.caffeine.high": (0.12, 0.3)})
    assert "| caffeine_effect.given.caffeine.high | 0.12 | 0.3 |" in edited


def test_no_answers_at_all(ranker):
    content = report_content(rank({}), ranker.vocabulary, DAY)
    assert content.age == "not given" and all(s == NOT_ASKED for _, s in content.warning_signs)
    assert "No questions answered." in markdown_report(content)
    assert "No questions answered." in page_text(pdf_report(content))


@pytest.mark.parametrize("raw, shown", [("≥ 3", ">= 3"), ("a → b", "a -> b"), ("–", "–"), ("€5", "€5")])
def test_pdf_text_maps_what_helvetica_cannot_show(raw, shown):
    assert pdf_text(raw) == shown and not unsupported(raw)
