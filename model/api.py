"""The public ranker: `rank`, `load_ranker` and `Ranker`, which adds to the ranking core the
analyses (`rank(case, detail=True)`), tables of cases (`rank_frame`) and session overrides."""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .analyses import add_detail
from .batch import rank_frame
from .diary import Diary, LearnedReport, combine_triage
from .priors import apply_overrides
from .ranking import RANKERS, BaseRanker, Ranking
from .triage import Triage


class Ranker(BaseRanker):
    """Built once per priors folder and content (see `load_ranker`); cheap to call repeatedly."""

    def rank(self, case: Mapping[str, str], detail: bool = False) -> Ranking:
        """Rank every cause for one case (input id -> state name); `detail=True` adds the
        analyses: intervals, rank stability, what-if and next questions."""
        ranking = super().rank(case)
        return add_detail(self, ranking) if detail else ranking

    def rank_frame(self, frame: Any, errors: str = "raise", chunk: int | None = None,
                   ignore: Iterable[Hashable] = ()) -> Any:
        """Rank a pandas DataFrame (or, lazily, a Dask DataFrame) of cases; columns name input ids
        (case and spaces aside), and any other column must be named in `ignore` (else InputError);
        `chunk` rows per engine call (default model.batch.CHUNK); see model.batch."""
        return rank_frame(self, frame, errors=errors, chunk=chunk, ignore=ignore)

    def with_overrides(self, overrides: Mapping[str, float]) -> Ranker:
        """A ranker with some hand-set numbers changed (files untouched); numbers that break a
        rule of the priors (see model/priors/overrides.py) are refused with a PriorsError."""
        if not overrides:
            return self
        return RANKERS.get(Ranker, self.priors.with_values(apply_overrides(self.priors, overrides)))

    def personalised(self, diary: Diary, learned: LearnedReport | None = None) -> Ranker:
        """A ranker whose trigger strengths (and twitching background) are this person's, learned
        from their diary (`diary.learn`, or `learned` when the caller has it already); links
        without enough days keep the hand-set value. Inference stays exact: it is this ranker's
        network with those numbers changed."""
        return self.with_overrides((learned if learned is not None else diary.learn(self)).overrides())

    def rank_with_diary(self, case: Mapping[str, str], diary: Diary, detail: bool = False,
                        learned: LearnedReport | None = None) -> Ranking:
        """`rank --diary`: the case ranked by the personalised ranker, its triage combined with
        the diary's own (warning signs on any day, twitching persisting despite cutting back)."""
        ranking = self.personalised(diary, learned).rank(case, detail=detail)
        level, reasons = combine_triage(ranking.triage.level, ranking.triage.reasons, diary.triage(self))
        return replace(ranking, triage=Triage(level, reasons))


def load_ranker(priors_dir: str | Path | None = None) -> Ranker:
    """The ranker for a priors folder (default: the repository's priors/), built once per
    folder and content: editing the folder's files gives a fresh ranker."""
    return RANKERS.for_folder(Ranker, priors_dir)


def rank(case: Mapping[str, str], detail: bool = False) -> Ranking:
    """Rank every cause for one case with the default priors."""
    return load_ranker().rank(case, detail=detail)
