"""The `rank(case, detail=True)` refresh done through pgmpy's VariableElimination, for
the benchmark's side-by-side figure.

The same work as the project's analyses, with the same networks:
- the ranking: one `query(causes, joint=False)`;
- how sure: for each of the 1,000 prior draws, the network rebuilt with the drawn numbers
  (`build_network`) and one query; timed on a few draws and scaled to 1,000;
- what-if: for each observed trigger, the same slim twin network the project uses
  (`model.analyses.whatif`), converted to pgmpy, and one VE query for the counterfactual;
- next questions: for each unanswered input, one query for its answer's distribution
  and one query per answer for the causes.
"""
from __future__ import annotations

import time
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)


def detail_through_pgmpy(ranker, case: dict[str, str], draws_timed: int = 3, draws: int = 1000) -> dict:
    """Seconds for one detail refresh through pgmpy (the draws part scaled from `draws_timed`)."""
    from pgmpy.inference import VariableElimination

    from model.analyses.uncertainty import SEED, draw_values
    from model.analyses.whatif import TARGET, twin_engine
    from model.engine import spec_to_pgmpy
    from model.network import build_network, dense_tables

    ve = VariableElimination(ranker.network)
    parts = {}
    start = time.perf_counter()
    ve.query(ranker.causes, evidence=case, joint=False, show_progress=False)
    parts["ranking"] = time.perf_counter() - start

    values = draw_values(ranker.priors, draws_timed, SEED)
    start = time.perf_counter()
    for row in values:
        net = build_network(ranker.priors, dense_tables(ranker.priors, row[None]))
        VariableElimination(net).query(ranker.causes, evidence=case, joint=False, show_progress=False)
    parts["intervals"] = (time.perf_counter() - start) / draws_timed * draws

    start = time.perf_counter()
    if case.get(TARGET) == "yes":
        for spec in ranker.vocabulary.exposures:
            if case.get(spec.id) not in (None, spec.baseline):
                engine, cf, fired = twin_engine(ranker, spec.id)
                twin = VariableElimination(spec_to_pgmpy(engine.spec))
                rest = {k: v for k, v in case.items() if k != TARGET}
                twin.query([fired, cf], evidence=rest, joint=True, show_progress=False)
    parts["what_if"] = time.perf_counter() - start

    start = time.perf_counter()
    for spec in ranker.vocabulary.inputs.values():
        if spec.id in case:
            continue
        ve.query([spec.id], evidence=case, show_progress=False)
        for state in spec.states:
            ve.query(ranker.causes, evidence={**case, spec.id: state}, joint=False, show_progress=False)
    parts["next_questions"] = time.perf_counter() - start
    parts["total"] = sum(parts.values())
    return parts
