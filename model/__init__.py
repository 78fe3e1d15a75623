"""twitch-causes: an offline Bayesian ranker of the causes of muscle twitching.

    from model import rank, load_ranker
    rank({"caffeine": "high", "twitching": "yes"}).to_dict()

How the code is laid out (each layer imports only from layers below it):
    cli                                  the `twitch-causes` command
    text, api                            what people read; the public Ranker
    analyses, batch, readwrite,          what-if, next questions, how sure, sensitivity;
      evaluation, diary                    frames and CSV; files; scoring cases; the diary
    ranking                              the ranking core (BaseRanker, Ranking)
    network, evidence, triage            tables and pgmpy network; input checks; triage rules
    vocabulary, priors                   the public vocabulary; the hand-set numbers as data
    engine, errors, formatting           exact inference; the one error family; numbers in words
"""
from .api import Ranker, load_ranker, rank
from .diary import Diary
from .errors import ImpossibleEvidenceError, InputError, PriorsError
from .ranking import Ranking

__all__ = ["rank", "load_ranker", "Ranker", "Ranking", "Diary", "InputError", "PriorsError", "ImpossibleEvidenceError"]
