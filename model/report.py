"""Human-readable renderings of a ranking: the CLI table and the Markdown report."""
from __future__ import annotations

import textwrap

from .frequency import natural_frequency

LEVEL_TITLES = {"self_care": "Self-care", "see_doctor": "See a doctor", "prompt_evaluation": "Prompt evaluation"}
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
        f"High-priority check ({hp.label}): {_pct(hp.probability)}, {natural_frequency(hp.probability)} people "
        f"with these answers; base rate {_base(ranking)}.", width)
    lines += ["", f"{'#':>2}  {'Cause':<52} {'Probability':>11}"]
    for i, c in enumerate(ranking.causes, 1):
        label = c.label if len(c.label) <= 52 else c.label[:49] + "..."
        lines.append(f"{i:>2}  {label:<52} {_pct(c.probability):>11}")
    detail = ranking.detail
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
