"""Human-readable renderings of a ranking: the CLI table and the Markdown report."""
from __future__ import annotations

import textwrap

from .frequency import natural_frequency
from .guidance import display_label

LEVEL_TITLES = {"self_care": "Self-care", "see_doctor": "See a doctor", "prompt_evaluation": "Prompt evaluation",
                "emergency": "Emergency"}
NOT_A_DIAGNOSIS = ("This is not a diagnosis. It ranks likely causes from your answers using published "
                   "figures and stated judgement; a doctor's examination decides.")


def text_table(ranking, ranker, width: int = 78) -> str:
    """The plain-text table printed by `twitch-causes rank`."""
    tri = ranking.triage
    vocab = ranker.vocabulary
    lines = [f"Triage: {LEVEL_TITLES[tri.level]} - {vocab.triage_levels[tri.level]}"]
    for reason in tri.reasons:
        lines += textwrap.wrap(reason, width, initial_indent="  - ", subsequent_indent="    ")
    hp = ranking.high_priority
    lines.append("")
    lines += textwrap.wrap(
        f"High-priority check ({display_label(hp.label)}): {_pct(hp.probability)}, "
        f"{natural_frequency(hp.probability)} people "
        f"with these answers; base rate {_base(ranking)}.", width)
    detail = ranking.detail
    per_cause = detail.get("per_cause", {})
    head = f"{'#':>2}  {'Cause':<52} {'Probability':>11}"
    lines += ["", head + (f"  {'90% interval':>17}  {'same rank':>9}" if per_cause else "")]
    for i, c in enumerate(ranking.causes, 1):
        label = c.label if len(c.label) <= 52 else c.label[:49] + "..."
        row = f"{i:>2}  {label:<52} {_pct(c.probability):>11}"
        if c.id in per_cause:
            lo, hi = per_cause[c.id]["interval"]
            row += f"  {_pct(lo):>7} - {_pct(hi):<7}  {100 * per_cause[c.id]['rank_stability']:>8.0f}%"
        lines.append(row)
    if detail.get("how_sure"):
        sure = detail["how_sure"]
        lines += ["", f"How sure: over {sure['draws']} draws of the priors within their ranges, "
                      f"{sure['top_cause']} stays first in {100 * sure['top_stays_first']:.0f}% and the triage "
                      f"level stays the same in {100 * sure['triage_stays']:.0f}%."]
    if detail.get("what_if"):
        lines += ["", "What if (chance the twitching would settle):"]
        for w in detail["what_if"]:
            lines.append(f"  {w['input']} -> {w['to']}: {_pct(w['twitching_stops'])}")
    if detail.get("next_questions"):
        lines += ["", "Answering these would help most:"]
        for q in detail["next_questions"][:5]:
            lines.append(f"  {q['input']}: {q['information_gain']:.3f} bits")
    lines += ["", *textwrap.wrap("Causes are not exclusive, so the probabilities need not add up to 100%. "
                                 + NOT_A_DIAGNOSIS, width)]
    return "\n".join(lines)


def _pct(p: float) -> str:
    if p >= 0.001:
        return f"{100 * p:.1f}%"
    return f"{100 * p:.2g}%"


def _base(ranking) -> str:
    age = ranking.evidence.get("age")
    who = f"for your age ({age.replace('_', ' ')})" if age else "for any adult"
    return f"{who} {natural_frequency(ranking.base_rate)}"


def markdown_report(ranking, ranker, overrides: dict[str, float] | None = None, top: int = 3) -> str:
    """A short Markdown summary to take to a doctor: triage, answers, ranked causes, what drove the top ones."""
    from .explain import describe, explain

    vocab = ranker.vocabulary
    tri = ranking.triage
    hp = ranking.high_priority

    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["# Muscle twitching: a summary to discuss with a doctor", "",
             f"*Made with twitch-causes, an offline ranker of the causes of muscle twitching. {NOT_A_DIAGNOSIS}*",
             "", "## Triage", "", f"**{LEVEL_TITLES[tri.level]}** – {vocab.triage_levels[tri.level]}", ""]
    lines += [f"- {reason}" for reason in tri.reasons]
    lines += ["", f"**{display_label(hp.label)}**: {natural_frequency(hp.probability)} people with these answers "
                  f"({_pct(hp.probability)}); base rate {_base(ranking)}.",
              "", "## My answers", ""]
    answered = [spec for spec in vocab.inputs.values() if spec.id in ranking.evidence]
    if answered:
        lines += ["| Question | Answer |", "|---|---|"]
        lines += [f"| {cell(spec.question)} | {cell(spec.label_of(ranking.evidence[spec.id]))} |" for spec in answered]
    else:
        lines.append("No questions answered.")
    unanswered = len(vocab.inputs) - len(answered)
    if unanswered:
        lines += ["", f"{unanswered} questions were left as \"Not sure\" and treated as unknown."]
    lines += ["", "## Likely causes", "", "| # | Cause | Probability |", "|---:|---|---:|"]
    lines += [f"| {i} | {cell(display_label(c.label))} | {_pct(c.probability)} |" for i, c in enumerate(ranking.causes, 1)]
    lines += ["", "Causes are not exclusive, so the probabilities need not add up to 100%."]
    if ranking.evidence:
        why = explain(ranker, ranking.evidence)
        lines += ["", "## What points to the leading causes", ""]
        for c in ranking.causes[:top]:
            effects = why.for_cause(c.id, at_least=0.005)[:3]
            said = " ".join(describe(e, vocab) for e in effects) or "No single answer moved it much."
            lines.append(f"- **{display_label(c.label)}** ({_pct(c.probability)}): {said}")
    if overrides:
        lines += ["", "## Numbers changed for this session", "",
                  "These hand-set numbers were changed from the model's files for this result:", "",
                  "| Number | In the files | Used |", "|---|---:|---:|"]
        for pid, value in sorted(overrides.items()):
            lines.append(f"| {cell(pid)} | {_file_value(ranker, pid):g} | {value:g} |")
    lines += ["", "---", "", NOT_A_DIAGNOSIS, ""]
    return "\n".join(lines)


def _file_value(ranker, parameter_id: str) -> float:
    """A number's value in the priors files (the session ranker's Parameter keeps the file's value)."""
    return ranker.priors.parameter(parameter_id).value
