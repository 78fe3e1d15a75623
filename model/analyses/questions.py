"""The next best question: how much answering each unanswered input would tell.

For an unanswered input Q and the causes C_1..C_n, given the answers e so far:

    information_gain(Q) = sum_i w_i * I(Q ; C_i | e)          (bits)
    I(Q ; C_i | e)      = H(C_i | e) - sum_q P(Q=q | e) * H(C_i | e, Q=q)

the expected reduction of each cause's uncertainty, summed over causes, with every
weight w_i = 1 except the high-priority node's, HIGH_PRIORITY_WEIGHT = 100: missing
a serious condition is weighed as a hundred times worse than missing a benign cause
(a judgement on the cost of errors, not a probability). A question that could
reveal a serious condition therefore ranks high exactly when the posterior leaves
room for it: with little known (twitching only) "weakness" ranks in the top three,
and first once age, duration or a red flag raise the node; for a young heavy coffee
drinker with a short history, where the node is near one in a million, it does not.
Every term is exact: one engine call evaluates all answers to all questions.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..ranking import BaseRanker, ranked, ranked_order
from .results import NextQuestion

HIGH_PRIORITY_WEIGHT = 100.0


def next_questions(ranker: BaseRanker, evidence: Mapping[str, str]) -> tuple[NextQuestion, ...]:
    """Unanswered inputs, most informative first (ties by input id)."""
    open_inputs = [i for i in ranker.vocabulary.inputs.values() if i.id not in evidence]
    if not open_inputs:
        return ()
    rows = [dict(evidence)] + [{**evidence, i.id: s} for i in open_inputs for s in i.states]
    post = ranker.engine.infer(ranker.engine.encode(rows))
    marg = ranker.present(post)  # (rows, causes)
    weights = np.array([HIGH_PRIORITY_WEIGHT if c == ranker.high_priority else 1.0 for c in ranker.causes])
    base = marg[0]
    h_now = _entropy(base)
    # every question at once: its answers are the rows starts[q]:starts[q + 1] (after row 0)
    sizes = np.array([len(spec.states) for spec in open_inputs])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    with np.errstate(invalid="ignore", over="ignore"):
        p_answer = np.exp(post.log_evidence[1:] - post.log_evidence[0])
    p_answer = np.where(np.isfinite(p_answer), p_answer, 0.0)
    p_answer = p_answer / np.repeat(np.add.reduceat(p_answer, starts), sizes)
    after = np.nan_to_num(marg[1:])
    mi = h_now - np.add.reduceat(p_answer[:, None] * _entropy(after), starts, axis=0)  # (questions, causes)
    gains = np.clip(mi, 0.0, None) @ weights
    moved = np.add.reduceat(np.abs(after - base) * p_answer[:, None], starts, axis=0)
    moves_most = ranked_order(moved, ranker.causes)[:, 0]
    out = [NextQuestion(spec.id, spec.question, float(gains[q]), ranker.causes[int(moves_most[q])],
                        {s: float(p) for s, p in zip(spec.states, p_answer[starts[q]:starts[q] + sizes[q]], strict=True)})
           for q, spec in enumerate(open_inputs)]
    return tuple(ranked(out, lambda q: q.information_gain, lambda q: q.input))


def _entropy(p: np.ndarray) -> np.ndarray:
    """Binary entropy in bits, elementwise."""
    p = np.clip(p, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
    return np.nan_to_num(h)
