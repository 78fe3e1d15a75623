"""Words and rows the dashboard shows, kept out of the pages so they can be tested.

The sentences about a result come from model.text (result_text, what_if_lines, ...); this
module only arranges them for the screen: the banner's heading and kind, the leads of the
interview's screens, and the rows behind the charts and their tables.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from model.analyses import AnswerEffect
from model.formatting import day_words, natural_frequency, percent
from model.interview import EMERGENCY_SCREEN, WARNING_SCREEN, Screen
from model.ranking import Ranking
from model.text import LEVEL_TITLES, Advice, Guidance, ResultText, describe, display_label, short_label
from model.text.result import NOT_YET
from model.vocabulary import Vocabulary

# Streamlit's alert kinds per level: two levels share red, so the symbol and the words
# (never the colour alone) tell them apart.
BANNER = {"self_care": "success", "see_doctor": "warning", "prompt_evaluation": "error", "emergency": "error"}
NOT_YET_LEVEL = "Not yet"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def escape_markdown(text: str) -> str:
    """Markdown's own characters escaped. Not enough for untrusted text (emoji short codes,
    maths and colour directives survive escaping): text from a file is shown with st.text,
    never as Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def level_name(advice: Advice) -> str:
    """The level in words: 'Emergency', 'Prompt evaluation', ..., or 'Not yet'."""
    return NOT_YET_LEVEL if advice == NOT_YET else LEVEL_TITLES[advice.level]


def banner_kind(advice: Advice) -> str:
    """st.success / st.warning / st.error / st.info."""
    return "info" if advice == NOT_YET else BANNER[advice.level]


def advice_heading(advice: Advice) -> str:
    """'Emergency – Call the emergency number now': the level and what to do (the symbol is
    drawn beside it as the banner's icon)."""
    return f"{level_name(advice)} – {advice.title}"


def advice_line(advice: Advice) -> str:
    """One line with the symbol, for the 'so far' note under a question."""
    return f"{advice.symbol} {advice_heading(advice)}"


def banner_body(words: ResultText) -> str:
    """The banner: the heading in bold, then the reasons (or, before the warning signs are
    answered, which of them are still open), as Markdown the app wrote."""
    lines = [f"**{advice_heading(words.advice)}**", ""]
    if words.advice == NOT_YET:
        lines.append("Some warning-sign questions are not answered yet, so there is no advice: "
                     + "; ".join(words.open_warning_signs) + ".")
    else:
        lines += [f"- {reason}" for reason in words.reasons]
    return "\n".join(lines)


def leading_sentence(words: ResultText) -> str:
    """The likely everyday causes in one sentence, most likely first."""
    if not words.leading:
        return ""
    first, *others = words.leading
    text = f"Most likely: **{first}**."
    if others:
        text += " Also possible: " + ", ".join(others) + "."
    return text


SCREEN_LEADS = {
    EMERGENCY_SCREEN: "First, one question about something that needs help straight away.",
    WARNING_SCREEN: "Next, the warning signs. Choose an answer for each one that applies; anything you leave "
                    "unanswered counts as \u201cNot sure\u201d, never as \u201cNo\u201d.",
}
CORE_LEAD = "This matters for every cause."
ADAPTIVE_LEAD = "This answer could change the advice or the most likely cause."


def screen_heading(screen: Screen, vocabulary: Vocabulary) -> str:
    """The question a screen asks, as its heading."""
    if screen.kind == WARNING_SCREEN:
        return "Do you have any of these?"
    return vocabulary.inputs[screen.inputs[0]].question


def screen_lead(screen: Screen, core: tuple[str, ...]) -> str:
    if screen.kind in SCREEN_LEADS:
        return SCREEN_LEADS[screen.kind]
    return CORE_LEAD if screen.inputs[0] in core else ADAPTIVE_LEAD


def screen_note(screen: Screen, answers: dict[str, str], vocabulary: Vocabulary) -> str:
    """A note on a question that does not fit an earlier answer (a contradiction, named)."""
    if answers.get("twitching") != "no" or not screen.inputs:
        return ""
    asked = screen.inputs[0]
    if asked == "twitch_duration":
        return ("You said you have no twitching now. If it has stopped, say how long it lasted; "
                "otherwise choose \u201cNot sure\u201d.")
    if asked in {e.id for e in vocabulary.exposures}:
        return ("You said you have no twitching now, so this question is about what could bring it on again. "
                "You can also see your result now.")
    return ""


def progress_text(done: int, total: int) -> str:
    return f"Step {done + 1} of about {total}"


def chart_rows(ranking: Ranking) -> list[dict]:
    """The ranked causes as rows for the bar chart and its table, highest first."""
    per_cause = {}
    if ranking.detail is not None:
        per_cause = {c: u["interval"] for c, u in ranking.detail.per_cause().items()}
    rows = []
    for i, c in enumerate(ranking.causes, 1):
        low, high = per_cause.get(c.id, (c.probability, c.probability))
        name = short_label(c.label)
        rows.append({"rank": i, "id": c.id, "cause": display_label(c.label), "name": name,
                     "probability": c.probability, "shown": percent(c.probability),
                     "frequency": natural_frequency(c.probability), "low": low, "high": high,
                     "label": f"{name}: {percent(c.probability)}",
                     "description": f"{i}. {name}: {percent(c.probability)}, {natural_frequency(c.probability)}"
                                    f" (90% range {percent(low)} to {percent(high)})"})
    return rows


def table_rows(rows: list[dict]) -> list[dict]:
    """The chart as a table: one row per cause, in rank order, values as percentages."""
    return [{"Rank": r["rank"], "Cause": r["cause"], "Chance": r["shown"], "In words": r["frequency"],
             "90% range": f"{percent(r['low'])} to {percent(r['high'])}"} for r in rows]


def chart_summary(rows: list[dict]) -> str:
    """A short accessible name for the chart: what it shows and the top three."""
    top = "; ".join(f"{r['name']} {r['shown']}" for r in rows[:3])
    return f"Bar chart of the chance that each of {len(rows)} causes is contributing, highest first: {top}."


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


# ----------------------------------------------------------------------------- the diary
def timeline_rows(entries: Sequence[tuple[date, Mapping[str, str]]], vocabulary: Vocabulary) -> list[dict]:
    """The timeline chart's cells: one per logged day and row (twitching, then each everyday
    trigger), with what was logged; a day or answer not logged has no cell (missing, not "no")."""
    rows = []
    triggers = vocabulary.lifestyle
    order = {"Twitching": 0, **{spec.question: k + 1 for k, spec in enumerate(triggers)}}
    for day, case in entries:
        if "twitching" in case:
            yes = case["twitching"] == "yes"
            rows.append({"day": day.isoformat(), "row": "Twitching", "order": 0,
                         "status": "Twitching" if yes else "No twitching",
                         "description": f"{day_words(day)}: {'twitching' if yes else 'no twitching'}"})
        for spec in triggers:
            if spec.id in case:
                on = case[spec.id] != spec.baseline
                rows.append({"day": day.isoformat(), "row": spec.question, "order": order[spec.question],
                             "status": "Trigger" if on else "Usual",
                             "description": f"{day_words(day)}: {spec.question}: {spec.label_of(case[spec.id])}"})
    return rows


def timeline_summary(entries: Sequence[tuple[date, Mapping[str, str]]], vocabulary: Vocabulary) -> str:
    """The timeline chart's accessible name: what it shows, in one sentence."""
    logged = [c["twitching"] for _, c in entries if "twitching" in c]
    if not entries:
        return "Timeline: no days logged."
    return (f"Timeline of the latest {len(entries)} days logged, {day_words(entries[0][0])} to "
            f"{day_words(entries[-1][0])}: twitching on {logged.count('yes')} of {len(logged)} days with an answer, "
            "and the everyday triggers logged each day. The same in words is below the chart.")


def strength_rows(learned, vocabulary: Vocabulary, causes: Mapping[str, str]) -> list[dict]:
    """One row per trigger link the diary has days for: this person's strength and its 90%
    interval against the population's, as model.diary learned them (nothing recomputed)."""
    rows = []
    for s in learned.triggers:
        if not s.days_exposed:
            continue
        spec = vocabulary.inputs[s.link.input]
        trigger = f"{spec.question}: {spec.label_of(s.link.state)}"
        cause = short_label(causes.get(s.link.cause, s.link.cause))
        low, high = s.interval
        rows.append({"name": f"{trigger} \u2192 {cause}", "trigger": trigger, "cause": cause,
                     "personal": s.personal, "low": low, "high": high, "population": s.population,
                     "days": s.days_exposed, "enough": s.enough_data,
                     "label": "\n".join([f"{spec.question}:", spec.label_of(s.link.state),
                                         f"\u2192 {cause}: yours {percent(s.personal)}, most people {percent(s.population)}"]),
                     "description": (f"{trigger} \u2192 {cause}: yours about {percent(s.personal)} (90% interval "
                                     f"{percent(low)} to {percent(high)}), most people {percent(s.population)}")})
    rows.sort(key=lambda r: (-r["personal"], r["name"]))
    for k, r in enumerate(rows):
        r["rank"] = k + 1
    return rows


def strength_table(rows: list[dict]) -> list[dict]:
    """The strengths chart as a table, in the chart's order."""
    return [{"Trigger": r["name"], "Yours": percent(r["personal"]),
             "90% interval": f"{percent(r['low'])} to {percent(r['high'])}", "Most people": percent(r["population"]),
             "Days logged": r["days"], "Enough days": "Yes" if r["enough"] else "Not yet"} for r in rows]


def strengths_summary(rows: list[dict]) -> str:
    if not rows:
        return "Your trigger strengths: none logged yet."
    top = rows[0]
    return (f"Bar chart of {len(rows)} trigger strengths, yours against most people's; the strongest for you: "
            f"{top['description']}. The same as a table below the chart.")
