"""The engine equals pgmpy's exact VariableElimination, on this network and on networks nobody here wrote."""
import warnings

import numpy as np
import pytest

from model.engine import Engine, spec_from_pgmpy
from model.engine.sample import forward_sample

warnings.filterwarnings("ignore", category=FutureWarning)
from pgmpy.inference import VariableElimination  # noqa: E402
from pgmpy.utils import get_example_model as _get_example_model  # noqa: E402


def get_example_model(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return _get_example_model(name)

TOL = 1e-9


def random_cases(spec, names, n, rng, observe=0.5):
    """Partial cases over `names`: each observed with probability `observe`, uniform state."""
    cases = []
    for _ in range(n):
        cases.append({v: str(rng.choice(spec.variables[v].states)) for v in names if rng.random() < observe})
    return cases


def ve_marginals(ve, queries, evidence):
    result = ve.query(queries, evidence=evidence, joint=False, show_progress=False)
    return {q: result[q] for q in queries}


def test_project_network_matches_pgmpy_on_random_partial_cases(ranker):
    ve = VariableElimination(ranker.network)
    rng = np.random.default_rng(7)
    inputs = list(ranker.vocabulary.inputs)
    cases = random_cases(ranker.spec, inputs, 2000, rng)
    post = ranker.engine.infer(ranker.engine.encode(cases))
    checked = 0
    for row, case in enumerate(cases):
        if post.impossible[row]:
            continue
        ref = ve_marginals(ve, ranker.causes, case)
        for c in ranker.causes:
            assert abs(ref[c].get_value(**{c: "present"}) - post.marginals[c][row, 1]) < TOL, (c, case)
        checked += 1
    assert checked == len(cases)


def test_one_case_at_a_time_matches_pgmpy(ranker):
    """rank() on single cases takes the few-row layout (and, where terms cancel, the batch
    layout or the fallback): every path must give pgmpy's numbers."""
    ve = VariableElimination(ranker.network)
    rng = np.random.default_rng(17)
    cases = random_cases(ranker.spec, list(ranker.vocabulary.inputs), 150, rng)
    for case in cases:
        ref = ve_marginals(ve, ranker.causes, case)
        got = ranker.rank(case)
        for c in ranker.causes:
            assert abs(ref[c].get_value(**{c: "present"}) - got.probability(c)) < TOL, (c, case)


def test_project_network_matches_pgmpy_on_cases_sampled_from_it(ranker):
    ve = VariableElimination(ranker.network)
    full = forward_sample(ranker.spec, 200, seed=3)
    rng = np.random.default_rng(3)
    names = ranker.spec.names
    cases = [{n: ranker.spec.variables[n].states[row[j]] for j, n in enumerate(names)
              if n in ranker.vocabulary.inputs and rng.random() < 0.6} for row in full]
    post = ranker.engine.infer(ranker.engine.encode(cases))
    for row, case in enumerate(cases):
        ref = ve_marginals(ve, ranker.causes, case)
        got = np.array([post.marginals[c][row, 1] for c in ranker.causes])
        want = np.array([ref[c].get_value(**{c: "present"}) for c in ranker.causes])
        assert np.abs(got - want).max() < TOL


def test_short_version_2_cases_match_pgmpy(ranker):
    """Cases of 3-8 answers, as people give them, each with at least one version 2 input
    (family history, diabetes, alcohol, acid tablet, breathing, sudden symptoms) and often age:
    the graded findings with an age parent and the new causes stay exact."""
    ve = VariableElimination(ranker.network)
    rng = np.random.default_rng(29)
    new = ["family_history", "diabetes", "alcohol", "ppi", "breathing", "sudden_symptoms"]
    others = [i for i in ranker.vocabulary.inputs if i not in new]
    states = {i: ranker.vocabulary.inputs[i].states for i in ranker.vocabulary.inputs}
    for _ in range(200):
        k = int(rng.integers(3, 9))
        chosen = [str(rng.choice(new))] + [str(x) for x in rng.choice(others, size=k - 1, replace=False)]
        case = {i: str(rng.choice(states[i])) for i in chosen}
        got = ranker.rank(case)
        ref = ve_marginals(ve, ranker.causes, case)
        for c in ranker.causes:
            assert abs(ref[c].get_value(**{c: "present"}) - got.probability(c)) < TOL, (c, case)


def test_engine_is_built_from_exactly_the_pgmpy_tables(ranker):
    from_pgmpy = spec_from_pgmpy(ranker.network)
    for name, var in ranker.spec.variables.items():
        other = from_pgmpy.variables[name]
        assert other.states == var.states and other.parents == var.parents
        assert np.array_equal(other.table, var.table)


def test_rows_with_many_rare_findings_stay_exact(ranker):
    """Several rare positive findings make the factorised terms cancel; the fallback keeps it exact."""
    case = {"twitching": "yes", "atrophy": "yes", "speech_swallowing": "yes", "weight_loss": "yes",
            "fever": "yes", "persistent_pain": "yes", "numbness_tingling": "yes", "weakness": "progressive",
            "cramps": "yes", "twitch_duration": "months", "age": "under_40"}
    post = ranker.engine.infer(ranker.engine.encode([case]))
    ref = ve_marginals(VariableElimination(ranker.network), ranker.causes, case)
    for c in ranker.causes:
        assert abs(ref[c].get_value(**{c: "present"}) - post.marginals[c][0, 1]) < TOL


def test_impossible_evidence_is_reported_not_guessed(priors_copy):
    from model import ImpossibleEvidenceError, load_ranker

    text = (priors_copy / "findings.toml").read_text()
    text = text.replace("[fever.baseline]\nvalue = 0.02\nrange = [0.005, 0.05]", "[fever.baseline]\nvalue = 0.0\nrange = [0.0, 0.05]")
    text = text.replace("[fever.given.systemic_illness]\nvalue = 0.4\nrange = [0.20, 0.60]",
                        "[fever.given.systemic_illness]\nvalue = 0.0\nrange = [0.0, 0.60]")
    (priors_copy / "findings.toml").write_text(text)
    ranker = load_ranker(priors_copy)
    with pytest.raises(ImpossibleEvidenceError, match="impossible under the model"):
        ranker.rank({"fever": "yes"})
    assert ranker.rank({"fever": "no"}).causes


EXAMPLES = ["asia", "cancer", "earthquake", "survey", "sachs", "child", "alarm", "insurance", "hepar2", "win95pts"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_networks_match_pgmpy(name):
    """Networks that ship with pgmpy. Several store tables whose columns sum to 1 only
    within 1e-7, and pgmpy drops unobserved leaves assuming they sum to 1; both sides
    therefore use the normalised tables."""
    model = get_example_model(name)
    for cpd in model.get_cpds():
        cpd.normalize()
    spec = spec_from_pgmpy(model)
    kids = spec.children()
    queries = [n for n in spec.names if kids[n]]  # leaves left out of the queries get factorised
    engine = Engine(spec, queries=queries)
    ve = VariableElimination(model)
    rng = np.random.default_rng(11)
    cases = random_cases(spec, spec.names, 12, rng, observe=0.25)
    post = engine.infer(engine.encode(cases))
    checked = 0
    for row, case in enumerate(cases):
        if post.impossible[row]:  # pgmpy's own P(evidence) must be zero
            assert ve.query(list(case), joint=True, show_progress=False).get_value(**case) == 0.0
            continue
        for q in [q for q in queries if q not in case][:6]:
            ref = ve.query([q], evidence=case, show_progress=False)
            order = [spec.variables[q].states.index(s) for s in ref.state_names[q]]
            assert np.abs(ref.values - post.marginals[q][row][order]).max() < TOL, (name, q, case)
        checked += 1
    assert checked >= 6


def test_all_nodes_can_be_queried_when_nothing_is_factorised():
    model = get_example_model("asia")
    spec = spec_from_pgmpy(model)
    engine = Engine(spec, queries=spec.names)
    assert not engine.leaves
    post = engine.infer(engine.encode([{"xray": "yes"}]))
    ref = VariableElimination(model).query(["lung"], evidence={"xray": "yes"}, show_progress=False)
    assert abs(ref.get_value(lung="yes") - post.marginals["lung"][0, spec.variables["lung"].states.index("yes")]) < TOL


def test_per_row_tables_equal_a_network_rebuilt_from_them(ranker):
    """Rows carrying their own parameters (uncertainty draws) give what pgmpy gives on
    a network built from those parameters."""
    from model.network import build_network, dense_tables, node_tables
    from model.priors import load_priors

    priors = load_priors()
    rng = np.random.default_rng(5)
    values = np.clip(priors.values * rng.uniform(0.7, 1.3, size=(3, len(priors.values))), 0, 1)
    tables = node_tables(priors, values)
    case = {"twitching": "yes", "caffeine": "high", "cramps": "yes", "weakness": "subjective", "age": "over_60"}
    ev = np.repeat(ranker.engine.encode([case]), 3, axis=0)
    post = ranker.engine.infer(ev, tables)
    for r in range(3):
        ve = VariableElimination(build_network(priors, dense_tables(priors, values[r:r + 1])))
        ref = ve_marginals(ve, ranker.causes, case)
        for c in ranker.causes:
            assert abs(ref[c].get_value(**{c: "present"}) - post.marginals[c][r, 1]) < TOL


def test_row_cost_counts_the_tree_rows_each_case_takes(ranker):
    # what the batch front ends bound their engine calls by (model/batch/frame.py)
    engine = Engine(ranker.spec, queries=ranker.causes)
    rng = np.random.default_rng(5)
    cases = random_cases(ranker.spec, list(ranker.vocabulary.inputs), 300, rng, observe=0.7)
    evidence = engine.encode(cases)
    case, *_ = engine._terms(evidence)
    assert engine.row_cost(evidence).tolist() == np.bincount(case, minlength=len(cases)).tolist()
    worst = {i: s.states[-1] if i not in ("potassium", "magnesium", "calcium") else "low"
             for i, s in ranker.vocabulary.inputs.items() if ranker.vocabulary.role_of(i) == "finding"}
    assert engine.row_cost(engine.encode([worst]))[0] >= 2 ** 8, "many positive findings: exponentially many rows"
