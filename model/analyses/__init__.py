"""Analyses beyond the ranking, asked for with rank(case, detail=True):

- what_if: the counterfactual chance the twitching stops without each trigger (whatif.py)
- next_questions: expected information gain of each unanswered input (questions.py)
- interval / rank_stability / how_sure: the ranking under the priors' uncertainty (uncertainty.py)
- explain: which answers raised or lowered each cause (explain.py; not part of detail=True)
- sensitivity: which single number would change the top cause or triage (sensitivity.py;
  not part of detail=True, see `twitch-causes sensitivity`)
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..ranking import BaseRanker, Ranking
from .explain import AnswerEffect, Explanation, explain
from .questions import next_questions
from .results import CauseUncertainty, Detail, HowSure, NextQuestion, SensitivityEntry, Uncertainty, WhatIf
from .sensitivity import sensitivity
from .uncertainty import DRAWS, SEED, how_sure
from .whatif import prepare, what_if


def add_detail(ranker: BaseRanker, ranking: Ranking, draws: int = DRAWS, seed: int = SEED) -> Ranking:
    """The ranking with the analyses added under the interface's names."""
    evidence = ranking.evidence
    prepare(ranker)  # every what-if network compiled once, on the first detailed ranking
    probs = np.array([ranking.probability(c) for c in ranker.causes])
    detail = Detail(uncertainty=how_sure(ranker, evidence, probs, n=draws, seed=seed),
                    what_if=what_if(ranker, evidence), next_questions=next_questions(ranker, evidence))
    return replace(ranking, detail=detail)


__all__ = ["add_detail", "what_if", "next_questions", "how_sure", "sensitivity", "explain", "prepare",
           "AnswerEffect", "CauseUncertainty", "Detail", "Explanation", "HowSure", "NextQuestion",
           "SensitivityEntry", "Uncertainty", "WhatIf"]
