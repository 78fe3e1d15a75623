"""Words and tables the dashboard shows, kept out of app.py so they can be tested."""
from __future__ import annotations

import re

from model.analyses import AnswerEffect
from model.formatting import natural_frequency, percent
from model.ranking import Ranking
from model.text import LEVEL_TITLES, Guidance, describe, display_label
from model.vocabulary import Vocabulary

BANNER = {"self_care": "success", "see_doctor": "warning", "prompt_evaluation": "error", "emergency": "error"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def escape_markdown(text: str) -> str:
    """Text shown literally by a Markdown renderer (for messages that quote a file's content)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def banner_text(ranking: Ranking, vocabulary: Vocabulary) -> str:
    """The triage banner: the level, what to do, then the reasons as a list."""
    tri = ranking.triage
    head = f"**{LEVEL_TITLES[tri.level]}** – {vocabulary.triage_levels[tri.level]}"
    return "\n".join([head, ""] + [f"- {reason}" for reason in tri.reasons])


def chance_texts(ranking: Ranking, vocabulary: Vocabulary) -> tuple[str, str]:
    """The high-priority chance with these answers, and the base rate for the person's age."""
    with_answers = f"{_capital(natural_frequency(ranking.high_priority.probability))} people with these answers"
    age = ranking.evidence.get("age")
    who = f"people aged {vocabulary.inputs['age'].label_of(age).lower()}" if age else "adults of any age"
    return with_answers, f"{_capital(natural_frequency(ranking.base_rate))} {who}"


def chance_sentence(ranking: Ranking, vocabulary: Vocabulary) -> str:
    """The high-priority chance with these answers, with the base rate for the person's age beside it."""
    with_answers, base_rate = chance_texts(ranking, vocabulary)
    return f"{with_answers}, against a base rate of {base_rate[:1].lower()}{base_rate[1:]}."


def chance_heading(ranking: Ranking) -> str:
    """The heading over the high-priority chance, in plain words."""
    name = display_label(ranking.high_priority.label)
    return f"How often answers like yours go with a {name[:1].lower()}{name[1:]}"


def chart_rows(ranking: Ranking) -> list[dict]:
    """The ranked causes as rows for the bar chart, highest first."""
    return [{"rank": i, "id": c.id, "cause": display_label(c.label), "probability": c.probability,
             "shown": percent(c.probability)} for i, c in enumerate(ranking.causes, 1)]


def comparison_rows(file_ranking: Ranking, session_ranking: Ranking) -> list[dict]:
    """Each cause's chance with the files' numbers and with the session's, in the session's order."""
    before = {c.id: c.probability for c in file_ranking.causes}
    return [{"cause": display_label(c.label), "with the files' numbers": percent(before[c.id]),
             "with your changes": percent(c.probability), "id": c.id, "probability": c.probability}
            for c in session_ranking.causes]


def cause_details(guidance: Guidance, effects: list[AnswerEffect], vocabulary: Vocabulary, answered: bool) -> str:
    """The body of one cause's section: what it is, what the answers did, what to try."""
    if effects:
        did = "\n".join(f"- {describe(e, vocabulary)}" for e in effects)
    elif answered:
        did = "No answer moved it by half a percentage point or more; its chance mostly reflects how common it is."
    else:
        did = "You have not answered yet; this is how common it is among adults."
    tips = "\n".join(f"- {tip}" for tip in guidance.advice)
    return f"{guidance.what}\n\n**What your answers did**\n\n{did}\n\n**What to try**\n\n{tips}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
