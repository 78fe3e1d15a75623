"""The result in words, in the order a person should read it: what to do and how soon, then
the serious condition framed against its base rate, then the likely causes.

The dashboard, the CLI table and the report for a doctor all say the same thing from here.
For an urgent pattern (prompt evaluation or emergency) what to do and the high-priority
cause come before the everyday causes; for a benign one the likely cause comes first and
the serious condition's chance is shown next to the base rate for the person's age, as a
frequency ("about 1 in 11,000, against about 1 in 33,000 of all people your age"), never
as a ratio that reads like a multiplied risk.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..formatting import natural_frequency
from ..ranking import CauseProbability, Ranking
from ..triage import LEVELS, PROMPT, WARNING_SIGNS, open_warning_signs
from ..vocabulary import Vocabulary
from .labels import display_label, short_label


@dataclass(frozen=True)
class Advice:
    """A triage level for people: a symbol and a title that carry it without colour, and when."""

    level: str
    symbol: str
    title: str  # what to do
    when: str  # how soon, or "" for self-care

    @property
    def urgent(self) -> bool:
        return LEVELS.index(self.level) >= PROMPT


ADVICE = {
    "emergency": Advice("emergency", "🚨", "Call the emergency number now", "now"),
    "prompt_evaluation": Advice("prompt_evaluation", "⚠️", "See a doctor within the next few days",
                                "within the next few days"),
    "see_doctor": Advice("see_doctor", "📅", "Book a routine appointment in the coming weeks", "in the coming weeks"),
    "self_care": Advice("self_care", "✅", "Likely benign: ease the triggers", ""),
}
NOT_YET = Advice("self_care", "❔", "Answer the warning-sign questions first", "")
NO_TWITCHING = Advice("self_care", "✅", "No warning sign, and no twitching now", "")


@dataclass(frozen=True)
class ResultText:
    """Everything the result says, as plain sentences in reading order."""

    advice: Advice
    reasons: tuple[str, ...]
    serious: str  # the high-priority cause, framed for this level
    leading: tuple[str, ...]  # the likely everyday causes in words, most likely first
    open_warning_signs: tuple[str, ...]  # warning-sign questions not asked yet (short names)
    contradictions: tuple[str, ...] = ()  # answers that do not fit together, in words

    @property
    def serious_first(self) -> bool:
        """The high-priority cause is shown before the everyday causes."""
        return self.advice.urgent


def result_text(ranking: Ranking, vocabulary: Vocabulary, asked: frozenset[str] | None = None,
                leading: int = 3) -> ResultText:
    """The result of one ranking in words. `asked`: the questions put so far (an interview);
    while a warning-sign question is neither answered nor asked, no self-care verdict is given."""
    open_signs = tuple(WARNING_SIGNS[i] for i in open_warning_signs(ranking.evidence)
                       if asked is None or i not in asked)
    advice = ADVICE[ranking.triage.level]
    if advice.level == "self_care" and ranking.evidence.get("twitching") == "no":
        advice = NO_TWITCHING  # no "ease the triggers" when there is nothing to ease
    if advice.level == "self_care" and open_signs and asked is not None:
        advice = NOT_YET
    everyday = [c for c in ranking.causes if c.id != ranking.high_priority.id]
    return ResultText(advice, ranking.triage.reasons, serious_sentence(ranking, vocabulary, advice),
                      tuple(cause_words(c) for c in everyday[:leading]), open_signs,
                      contradictions(ranking.evidence, vocabulary))


def contradictions(evidence: Mapping[str, str], vocabulary: Vocabulary) -> tuple[str, ...]:
    """Answers that do not fit together, named in words (the ranking uses them as given).

    - no twitching now, but how long the twitching has gone on;
    - no twitching now, but possible triggers of twitching named (they have nothing to explain).
    """
    if evidence.get("twitching") != "no":
        return ()
    out = []
    if "twitch_duration" in evidence:
        duration = vocabulary.inputs["twitch_duration"].label_of(evidence["twitch_duration"])
        out.append(f'You said you have no twitching now, but also how long it has gone on ("{duration}"). '
                   "The result uses both answers: if you do have twitching, change the first one.")
    triggers = [e.question[:1].lower() + e.question[1:] for e in vocabulary.exposures
                if e.id in evidence and evidence[e.id] != e.baseline]
    if triggers:
        out.append(f"You said you have no twitching now, so the possible triggers you named ({'; '.join(triggers)}) "
                   "have no twitching to explain. The likely causes shown are those that would fit if it came back.")
    return tuple(out)


def serious_sentence(ranking: Ranking, vocabulary: Vocabulary, advice: Advice) -> str:
    hp = ranking.high_priority
    name = display_label(hp.label)
    name = name[:1].lower() + name[1:]
    chance = natural_frequency(hp.probability)
    if advice.urgent:
        others = ("most have another cause, and the examination will tell which" if hp.probability < 0.5
                  else "an examination is the way to find out")
        return f"A doctor will want to rule out a {name}. With answers like these it is found in {chance} people; {others}."
    age = ranking.evidence.get("age")
    who = f"all people aged {vocabulary.inputs['age'].label_of(age).lower()}" if age else "all adults"
    return (f"A {name} is rare: {chance} people with answers like yours have one, against "
            f"{natural_frequency(ranking.base_rate)} of {who}.")


def cause_words(cause: CauseProbability) -> str:
    """'Caffeine (about 6 in 10)'."""
    return f"{short_label(cause.label)} ({natural_frequency(cause.probability)})"
