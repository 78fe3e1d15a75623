"""twitch-causes: an offline Bayesian ranker of the causes of muscle twitching.

    from model import rank, load_ranker
    rank({"caffeine": "high", "twitching": "yes"}).to_dict()
"""
from .errors import ImpossibleEvidenceError, InputError, PriorsError
from .ranking import Ranker, Ranking, load_ranker, rank

__all__ = ["rank", "load_ranker", "Ranker", "Ranking", "InputError", "PriorsError", "ImpossibleEvidenceError"]
