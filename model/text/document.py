"""The report for a doctor: its content built once (`report_content`), rendered as a one-page A4
PDF (`pdf_report`, fpdf2, core Helvetica) or as Markdown (`markdown_report`).

It says, in this order: the date and the person's age band; the advice with what to do and
how soon; every warning sign of the vocabulary as present, absent or not asked; how long
the twitching has gone on; the medicines and the possible triggers; the serious condition
framed for the level; the leading causes in words (no table of percentages); the answers
given; and that this is not a diagnosis.

PDF text: core Helvetica shows windows-1252 only; `pdf_text` maps the few other characters
the texts may hold (≥, →, ...) and a test checks that every string shipped is representable.
The page is drawn at 10 pt and redrawn smaller, then with fewer answers listed, until it
fits one page.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..ranking import Ranking
from ..triage import PROMPT, RULES
from ..vocabulary import MEDICINES, Vocabulary
from .labels import NOT_A_DIAGNOSIS
from .result import result_text

TITLE = "Muscle twitching: a summary to discuss with a doctor"
PRESENT, ABSENT, NOT_ASKED = "present", "absent", "not asked"


@dataclass(frozen=True)
class ReportContent:
    """What the report says, as plain text."""

    made_on: date
    age: str  # the age band, or "not given"
    advice: str  # symbol-free title and when
    reasons: tuple[str, ...]
    warning_signs: tuple[tuple[str, str], ...]  # (warning sign, present / absent / not asked)
    duration: str
    medicines: tuple[str, ...]
    triggers: tuple[str, ...]
    serious: str
    leading: tuple[str, ...]
    answers: tuple[tuple[str, str], ...]  # (question, answer), vocabulary order
    extra: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)  # (heading, lines): e.g. a diary
    disclaimer: str = NOT_A_DIAGNOSIS


def report_content(ranking: Ranking, vocabulary: Vocabulary, made_on: date | None = None,
                   extra: Sequence[tuple[str, Sequence[str]]] = ()) -> ReportContent:
    """The report's content for one ranking (`extra`: further sections, heading and lines)."""
    evidence = ranking.evidence
    words = result_text(ranking, vocabulary)
    signs = []
    for rule in RULES:
        if rule.level < PROMPT:
            continue
        given = evidence.get(rule.input)
        status = NOT_ASKED if given is None else PRESENT if given == rule.state else ABSENT
        signs.append((rule.short[:1].upper() + rule.short[1:], status))
    label = vocabulary.inputs

    def answer(i: str) -> str:
        return label[i].label_of(evidence[i])

    medicines = tuple(label[i].question for i in MEDICINES if evidence.get(i) == "yes")
    triggers = tuple(f"{e.question}: {answer(e.id)}" for e in vocabulary.exposures
                     if e.id in evidence and e.id not in MEDICINES and evidence[e.id] != e.baseline)
    advice = words.advice.title
    return ReportContent(
        made_on=made_on or date.today(),
        age=answer("age") if "age" in evidence else "not given",
        advice=advice, reasons=words.reasons, warning_signs=tuple(signs),
        duration=answer("twitch_duration") if "twitch_duration" in evidence else "not given",
        medicines=medicines, triggers=triggers, serious=words.serious, leading=words.leading,
        answers=tuple((spec.question, answer(i)) for i, spec in label.items() if i in evidence),
        extra=tuple((heading, tuple(lines)) for heading, lines in extra))


# ---------------------------------------------------------------------- Markdown
def markdown_report(content: ReportContent, overrides: Mapping[str, tuple[float, float]] | None = None) -> str:
    """The report as Markdown (`overrides`: number id -> (the files' value, the value used))."""
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [f"# {TITLE}", "", f"*{content.disclaimer}*", "",
             f"Made on {content.made_on:%d %B %Y}. Age: {content.age}.", "",
             f"## {content.advice}", ""]
    lines += [f"- {r}" for r in content.reasons]
    lines += ["", "## Warning signs", ""] + [f"- {sign}: **{status}**" for sign, status in content.warning_signs]
    lines += ["", "## About the twitching", "", f"- How long: {content.duration}",
              f"- Medicines: {', '.join(content.medicines) or 'none reported'}",
              f"- Possible triggers: {'; '.join(content.triggers) or 'none reported'}",
              "", "## What the model makes of it", "", content.serious, "",
              "Most likely everyday causes: " + (", ".join(content.leading) or "none") + "."]
    for heading, body in content.extra:
        lines += ["", f"## {heading}", ""] + [f"- {line}" for line in body]
    lines += ["", "## My answers", ""]
    if content.answers:
        lines += ["| Question | Answer |", "|---|---|"] + [f"| {cell(q)} | {cell(a)} |" for q, a in content.answers]
    else:
        lines.append("No questions answered.")
    if overrides:
        lines += ["", "## Numbers changed for this session", "", "| Number | In the files | Used |", "|---|---:|---:|"]
        lines += [f"| {cell(pid)} | {old:g} | {new:g} |" for pid, (old, new) in sorted(overrides.items())]
    lines += ["", "---", "", content.disclaimer, ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------- PDF
# What windows-1252 lacks but texts may hold; anything else outside it would become "?", and
# tests/text/test_document.py checks that no shipped string does.
REPLACEMENTS = {"\u2265": ">=", "\u2264": "<=", "\u2248": "~", "\u2192": "->", "\u2212": "-", "\u2011": "-",
                "\u2010": "-", "\u2009": " ", "\u202f": " ", "\u200b": "", "\u2032": "'", "\u2033": '"'}
SIZES = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5)
FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)  # no clock in the file: the same input, the same bytes
STATUS_RGB = {PRESENT: (153, 27, 27), ABSENT: (22, 101, 52), NOT_ASKED: (75, 85, 99)}


def pdf_text(text: str) -> str:
    """Text core Helvetica in windows-1252 can show."""
    text = "".join(REPLACEMENTS.get(ch, ch) for ch in unicodedata.normalize("NFC", str(text)))
    return text.encode("cp1252", "replace").decode("cp1252")


def unsupported(text: str) -> set[str]:
    """The characters `pdf_text` would turn into '?'."""
    text = "".join(REPLACEMENTS.get(ch, ch) for ch in unicodedata.normalize("NFC", str(text)))
    return {ch for ch in text if not ch.encode("cp1252", "ignore")}


def pdf_report(content: ReportContent) -> bytes:
    """One A4 page, always: the type shrinks, then fewer answers are listed, until it fits."""
    for max_lines in (None, 14, 8, 4, 0):  # answers listed, and lines of each extra section
        for size in SIZES:
            pdf = _draw(content, size, max_lines)
            if pdf.pages_count == 1:
                return bytes(pdf.output())
    raise ValueError("the report does not fit on one page even at its smallest type")


def _draw(content: ReportContent, size: float, max_lines: int | None) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(pdf_text(TITLE))
    pdf.set_lang("en")
    pdf.set_creator("twitch-causes")
    pdf.set_producer("twitch-causes")
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=14)  # an overflow becomes a second page: that is the fit test
    pdf.add_page()

    def para(text: str, style: str = "", pt: float = size, rgb=(17, 24, 39), gap: float = 1.0) -> None:
        pdf.set_font("helvetica", style, pt)
        pdf.set_text_color(*rgb)
        pdf.multi_cell(pdf.epw, pt * 0.5, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    def heading(text: str) -> None:
        pdf.ln(1.2)
        para(text, "B", size + 1.5, gap=0.6)

    para(TITLE, "B", size + 6, gap=0.8)
    para(f"Made on {content.made_on:%d %B %Y}. Age: {content.age}.", pt=size, rgb=(55, 65, 81), gap=0.6)
    para(content.disclaimer, "I", size - 1, rgb=(55, 65, 81), gap=1.5)
    heading(content.advice)
    for reason in content.reasons:
        para(f"\u2022 {reason}", gap=0.4)
    heading("Warning signs")
    for sign, status in content.warning_signs:
        pdf.set_font("helvetica", "", size)
        pdf.set_text_color(17, 24, 39)
        pdf.cell(pdf.epw * 0.62, size * 0.5, pdf_text(f"\u2022 {sign}"))
        pdf.set_font("helvetica", "B", size)
        pdf.set_text_color(*STATUS_RGB[status])
        pdf.cell(pdf.epw * 0.38, size * 0.5, pdf_text(status), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    heading("About the twitching")
    para(f"How long: {content.duration}.", gap=0.3)
    para(f"Medicines: {', '.join(content.medicines) or 'none reported'}.", gap=0.3)
    para(f"Possible triggers: {'; '.join(content.triggers) or 'none reported'}.", gap=0.3)
    heading("What the model makes of it")
    para(content.serious, gap=0.6)
    para("Most likely everyday causes: " + (", ".join(content.leading) or "none") + ".", gap=0.3)
    for title, body in content.extra:
        heading(title)
        lines = list(body) if max_lines is None or len(body) <= max_lines else \
            [*body[:max_lines], f"... and {len(body) - max_lines} more"]
        for line in lines:
            para(f"\u2022 {line}", gap=0.3)
    heading("My answers")
    answers = list(content.answers)
    if max_lines is not None and len(answers) > max_lines:
        answers = answers[:max_lines] + [(f"... and {len(content.answers) - max_lines} more answers", "")]
    if answers:
        pdf.set_font("helvetica", "", size - 0.5)
        pdf.set_text_color(17, 24, 39)
        with pdf.table(col_widths=(64, 36), line_height=(size - 0.5) * 0.48, padding=(0.4, 1.0),
                       borders_layout="HORIZONTAL_LINES", first_row_as_headings=False, text_align="LEFT") as table:
            for question, answer in answers:
                table.row([pdf_text(question), pdf_text(answer)])
    else:
        para("No questions answered.")
    return pdf
