"""The plain-text table `twitch-causes rank` prints.

It reads like the dashboard's result (model/text/result.py): what to do and how soon first;
for an urgent pattern the high-priority cause next, before the everyday causes; then every
cause with its probability (and, with --detail, its 90% interval and the analyses).
"""
from __future__ import annotations

import textwrap

from ..analyses import Detail
from ..formatting import percent
from ..ranking import BaseRanker, Ranking
from .labels import NOT_A_DIAGNOSIS, display_label
from .result import result_text


def text_table(ranking: Ranking, ranker: BaseRanker, width: int = 78) -> str:
    """The plain-text result printed by `twitch-causes rank`."""
    vocab = ranker.vocabulary
    words = result_text(ranking, vocab)
    advice = words.advice
    lines = [advice.title.upper()]
    for reason in words.reasons:
        lines += textwrap.wrap(reason, width, initial_indent="  - ", subsequent_indent="    ")
    hp = ranking.high_priority
    serious = textwrap.wrap(f"{display_label(hp.label)}: {percent(hp.probability)}. {words.serious}", width)
    detail = ranking.detail if isinstance(ranking.detail, Detail) else None
    if words.serious_first:  # an urgent pattern: the serious cause before the everyday ones
        lines += ["", "Check first:", *serious]
        rows = [c for c in ranking.causes if c.id != hp.id]
        lines += ["", "Other possible causes:"]
    else:
        rows = list(ranking.causes)
        lines += [""]
    head = f"{'#':>2}  {'Cause':<52} {'Probability':>11}"
    lines.append(head + (f"  {'90% interval':>17}  {'same rank':>9}" if detail else ""))
    for i, c in enumerate(rows, 1):
        label = c.label if len(c.label) <= 52 else c.label[:49] + "..."
        row = f"{i:>2}  {label:<52} {percent(c.probability):>11}"
        if detail:
            u = detail.interval(c.id)
            row += f"  {percent(u.interval[0]):>7} - {percent(u.interval[1]):<7}  {percent(u.rank_stability):>9}"
        lines.append(row)
    if not words.serious_first:
        lines += ["", *serious]
    if detail:
        sure = detail.how_sure
        lines += ["", f"How sure: over {sure.draws} draws of the priors within their ranges, "
                      f"{sure.top_cause} stays first in {percent(sure.top_stays_first)} and the triage "
                      f"level stays the same in {percent(sure.triage_stays)}."]
        if detail.what_if:
            lines += ["", "What if (chance the twitching would settle):"]
            for w in detail.what_if:
                lines.append(f"  {w.input} -> {w.to}: {percent(w.twitching_stops)}")
        if detail.next_questions:
            lines += ["", "Answering these would help most:"]
            for q in detail.next_questions[:5]:
                lines.append(f"  {q.input}: {q.information_gain:.3f} bits")
    lines += ["", *textwrap.wrap("Causes are not exclusive, so the probabilities need not add up to 100%. "
                                 + NOT_A_DIAGNOSIS, width)]
    return "\n".join(lines)
