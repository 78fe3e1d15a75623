"""The noisy-OR/MAX kernel (model/engine/noisy.py) against pgmpy, a long-double brute force and
exact fractions."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from model.engine import Engine
from model.engine.noisy import NoisyKernel
from model.engine.spec import NetworkSpec, Variable, spec_from_pgmpy
from tests.engine import noisy_support as kt

warnings.filterwarnings("ignore", category=FutureWarning)
ROOT = Path(__file__).resolve().parents[2]
PGMPY_ATOL = 1e-9
BRUTE_RTOL, BRUTE_ATOL = 1e-12, 1e-14


@pytest.fixture(scope="module")
def ranker():
    return kt.project()


@pytest.fixture(scope="module")
def kernel(ranker):
    k = NoisyKernel.compile(ranker.spec, ranker.causes)
    assert k is not None, NoisyKernel.last_reason
    return k


@pytest.fixture(scope="module")
def tree(ranker):
    """The junction-tree engine on the same network (the engine before the kernel)."""
    return Engine(ranker.spec, queries=ranker.causes)


@pytest.fixture(scope="module")
def pgmpy_ref(ranker):
    return kt.Pgmpy(ranker.spec, ranker.network)


def marginals(post, i: int) -> np.ndarray:
    return post.stacked[i].reshape(-1, 2)


def assert_close_brute(spec, queries, post, ev, rows=None):
    """Every probability within 1e-12 relative (atol 1e-14) of the long-double brute
    force, log P(e) within 1e-12, impossible rows flagged."""
    worst = 0.0
    for i in (range(len(ev)) if rows is None else rows):
        ref, log_z = kt.brute_force(spec, queries, ev[i])
        if not np.isfinite(log_z):
            assert post.impossible[i] and np.isnan(post.stacked[i]).all() and post.log_evidence[i] == -np.inf
            continue
        assert not post.impossible[i]
        ref = ref.astype(float)
        err = np.abs(marginals(post, i) - ref)
        assert (err <= BRUTE_RTOL * ref + BRUTE_ATOL).all(), (i, err.max(), ev[i])
        assert abs(post.log_evidence[i] - float(log_z)) <= 1e-12 * max(1.0, abs(float(log_z))), i
        worst = max(worst, float((err / np.maximum(ref, 1e-300)).max()))
    return worst


def assert_close_pgmpy(ref, queries, post, ev):
    for i in range(len(ev)):
        m = ref.marginals(queries, ev[i])
        assert np.abs(marginals(post, i) - m).max() <= PGMPY_ATOL, (i, ev[i])


# ====================================================================== (a) the project network vs pgmpy
@pytest.mark.parametrize("uniform", [False, True], ids=["realistic", "uniform"])
def test_project_matches_pgmpy(ranker, kernel, pgmpy_ref, uniform):
    ev = kt.project_cases(ranker, 300, uniform, seed=11)
    assert_close_pgmpy(pgmpy_ref, ranker.causes, kernel.infer(ev), ev)


def test_project_many_positive_findings_match_pgmpy(ranker, kernel, pgmpy_ref):
    ev = kt.project_cases(ranker, 20000, True, seed=12, mask=0.1)
    ev = ev[kt.positive_count(kernel, ev) >= 6][:120]
    assert len(ev) >= 60
    assert_close_pgmpy(pgmpy_ref, ranker.causes, kernel.infer(ev), ev)


def extreme_cases(ranker, kernel) -> np.ndarray:
    """Every finding at its worst grade with every answer hidden; every finding at its
    mildest grade; and complete cases (every input observed)."""
    spec = ranker.spec
    worst = np.full(len(spec.names), -1, dtype=np.int64)
    mild = worst.copy()
    for f in kernel.findings:
        worst[f.col] = f.order[-1]
        mild[f.col] = f.order[0]
    complete = kt.project_cases(ranker, 40, False, seed=13, mask=0.0)
    complete_uniform = kt.project_cases(ranker, 40, True, seed=14, mask=0.0)
    return np.vstack([worst, mild, complete, complete_uniform])


def test_project_extremes_match_pgmpy_and_brute_force(ranker, kernel, pgmpy_ref):
    ev = extreme_cases(ranker, kernel)
    post = kernel.infer(ev)
    assert_close_pgmpy(pgmpy_ref, ranker.causes, post, ev)
    assert_close_brute(ranker.spec, ranker.causes, post, ev)


# ====================================================================== (b) vs long-double brute force
@pytest.mark.parametrize("uniform", [False, True], ids=["realistic", "uniform"])
def test_project_matches_long_double_brute_force(ranker, kernel, uniform):
    ev = kt.project_cases(ranker, 200, uniform, seed=21)
    worst = assert_close_brute(ranker.spec, ranker.causes, kernel.infer(ev), ev)
    assert worst < 1e-12


def test_project_many_positives_match_brute_force(ranker, kernel):
    ev = kt.project_cases(ranker, 20000, True, seed=22, mask=0.0)
    ev = ev[kt.positive_count(kernel, ev) >= 7][:60]
    assert len(ev) >= 30
    assert_close_brute(ranker.spec, ranker.causes, kernel.infer(ev), ev)


def test_log_evidence_matches_the_junction_tree(ranker, kernel, tree):
    ev = kt.project_cases(ranker, 500, True, seed=23)
    ours, theirs = kernel.infer(ev), tree.infer(ev)
    assert np.abs(ours.log_evidence - theirs.log_evidence).max() < 1e-10
    assert np.abs(ranker.present(ours) - ranker.present(theirs)).max() < 1e-10


@pytest.mark.parametrize("seed", range(6))
def test_small_networks_match_exact_fractions(seed):
    spec, queries = kt.random_network(100 + seed, answers=3, causes=4, findings=4)
    k = NoisyKernel.compile(spec, queries)
    assert k is not None, NoisyKernel.last_reason
    ev = kt.random_evidence(np.random.default_rng(seed), spec, 8, queries=queries)
    post = k.infer(ev)
    for i in range(len(ev)):
        exact, total = kt.exact_fractions(spec, queries, ev[i])
        if total == 0:
            assert post.impossible[i]
            continue
        ref = np.array([[float(x) for x in pair] for pair in exact])
        assert (np.abs(marginals(post, i) - ref) <= BRUTE_RTOL * ref + BRUTE_ATOL).all()
        assert abs(post.log_evidence[i] - float(np.log(float(total)))) < 1e-12


# ====================================================================== (c) random networks of the class
@pytest.mark.parametrize("seed", range(30))
def test_random_networks_match_pgmpy_and_brute_force(seed):
    spec, queries = kt.random_network(seed, answers=4 + seed % 4, causes=5 + seed % 5, findings=5 + seed % 6)
    k = NoisyKernel.compile(spec, queries)
    if k is None:  # only a block over the limit may refuse a network of the generator
        assert "coupled causes" in NoisyKernel.last_reason, NoisyKernel.last_reason
        pytest.skip(NoisyKernel.last_reason)
    ev = kt.random_evidence(np.random.default_rng(seed), spec, 25, queries=queries)
    post = k.infer(ev)
    assert_close_brute(spec, queries, post, ev)
    assert_close_pgmpy(kt.Pgmpy(spec), queries, post, ev[:10])


def test_random_networks_use_cutsets_blocks_and_answer_parents():
    """The generator exercises the structure: cutset passes, blocks, context parents of findings."""
    seen = {"passes": 0, "blocks": 0, "answer_parent": 0, "reversed": 0}
    for seed in range(30):
        spec, queries = kt.random_network(seed, answers=4 + seed % 4, causes=5 + seed % 5, findings=5 + seed % 6)
        k = NoisyKernel.compile(spec, queries)
        if k is None:
            continue
        seen["passes"] += k.passes_worst > 1
        seen["blocks"] += any(len(u) > 1 for u in k.info["units"])
        seen["answer_parent"] += any(f.answers for f in k.findings)
        seen["reversed"] += any(f.kind == "product" and f.order[0] != 0 for f in k.findings)
    assert all(v >= 3 for v in seen.values()), seen


@pytest.mark.parametrize("uniform", [False, True], ids=["realistic", "uniform"])
def test_the_project_network_with_age_in_the_cutset(ranker, kernel, uniform):
    """Age is a parent of findings' backgrounds: one pass per age band when it is hidden.
    Hidden and observed age, both mixes and the worst row, against brute force and pgmpy."""
    assert kernel.cutset == ["age"] and kernel.passes_worst == 3
    ev = kt.project_cases(ranker, 120, uniform, seed=3)
    worst = np.full((1, len(ranker.spec.names)), -1, dtype=np.int64)
    for f in kernel.findings:
        worst[0, f.col] = f.order[-1]
    ev = np.vstack([ev, worst])
    post = kernel.infer(ev)
    assert_close_brute(ranker.spec, ranker.causes, post, ev)
    assert_close_pgmpy(kt.Pgmpy(ranker.spec, ranker.network), ranker.causes, kernel.infer(ev[::6]), ev[::6])


# ====================================================================== (d) per-row tables
@pytest.fixture(scope="module")
def draws(ranker):
    from model.analyses.uncertainty import draw_values
    from model.network import node_tables

    values = draw_values(ranker.priors, n=12, seed=5)
    return node_tables(ranker.priors, values)


def test_per_row_tables_equal_per_network_results(ranker, kernel, draws, tree):
    cases = kt.project_cases(ranker, 6, True, seed=31)
    rows = 12
    dense = {n: (t.dense() if hasattr(t, "leak_cdf") else np.asarray(t)) for n, t in draws.items()}
    for case in cases:
        ev = np.repeat(case[None], rows, axis=0)
        factored = kernel.infer(ev, draws)
        full = kernel.infer(ev, dense)
        assert np.abs(factored.stacked - full.stacked).max() < 1e-12
        assert np.abs(factored.log_evidence - full.log_evidence).max() < 1e-12
        for r in (0, 5, 11):
            own = NoisyKernel.compile(kt.spec_with_tables(ranker.spec, dense, r), ranker.causes)
            alone = own.infer(case[None])
            assert np.abs(alone.stacked[0] - factored.stacked[r]).max() < 1e-12
            assert abs(alone.log_evidence[0] - factored.log_evidence[r]) < 1e-12
        engine = tree.infer(ev, draws)
        assert np.abs(ranker.present(engine) - ranker.present(factored)).max() < 1e-9


def test_per_row_finding_tables_only_and_broadcast(ranker, kernel, draws):
    """Only the findings' tables given, as one-row tables broadcast over the batch (the unit
    priors stay precomputed): equal to the network compiled with those tables."""
    cases = kt.project_cases(ranker, 12, True, seed=32)
    one_row = {f.name: _row(draws[f.name], 3) for f in kernel.findings}
    post = kernel.infer(cases, one_row)
    dense = {n: (t.dense() if hasattr(t, "leak_cdf") else t) for n, t in one_row.items()}
    alone = NoisyKernel.compile(kt.spec_with_tables(ranker.spec, dense, 0), ranker.causes).infer(cases)
    assert np.abs(alone.stacked - post.stacked).max() < 1e-12
    assert np.abs(alone.log_evidence - post.log_evidence).max() < 1e-12


def _row(table, r: int):
    """Row r of a per-row table, kept as a one-row table of the same kind."""
    if hasattr(table, "leak_cdf"):
        from model.network import NoisyTable

        return NoisyTable(table.order, table.parents, table.leak_cdf[r:r + 1],
                          {p: a[r:r + 1] for p, a in table.act.items()})
    return np.asarray(table)[r:r + 1]


def test_per_row_tables_on_random_networks():
    """Same structure, three new parameter sets (every table redrawn): each row equals the
    network compiled with that row's tables, and the brute force."""
    rng = np.random.default_rng(7)
    checked = 0
    for seed in range(8):
        spec, queries = kt.random_network(200 + seed)
        k = NoisyKernel.compile(spec, queries)
        if k is None:
            continue
        product = {f.name: f for f in k.findings if f.kind == "product"}
        tables = {}
        for name, var in spec.variables.items():
            cards = list(var.table.shape[1:])
            if name in product:
                rows = [kt.noisy_table(rng, var.card, cards, reverse=product[name].order[0] != 0) for _ in range(3)]
            else:
                rows = [kt.random_table(rng, var.card, cards) for _ in range(3)]
            tables[name] = np.stack(rows)
        shared = np.repeat(kt.random_evidence(rng, spec, 1, queries=queries), 3, axis=0)
        for ev in (shared, kt.random_evidence(rng, spec, 3, queries=queries)):  # one pattern, or one per row
            post = k.infer(ev, tables)
            for r in range(3):
                own_spec = kt.spec_with_tables(spec, tables, r)
                alone = NoisyKernel.compile(own_spec, queries).infer(ev[r:r + 1])
                assert bool(alone.impossible[0]) == bool(post.impossible[r])
                if not alone.impossible[0]:
                    assert np.abs(alone.stacked[0] - post.stacked[r]).max() < 1e-12
                    assert abs(alone.log_evidence[0] - post.log_evidence[r]) < 1e-12
                assert_close_brute(own_spec, queries, post, ev, rows=[r])
                checked += 1
    assert checked >= 24


@pytest.fixture(scope="module")
def many_draws(ranker):
    """300 rows of prior draws: more than a block of rows evaluated together (ROW_BLOCK)."""
    from model.analyses.uncertainty import draw_values
    from model.network import node_tables

    return node_tables(ranker.priors, draw_values(ranker.priors, n=300, seed=6))


def _mixed_evidence(ranker, kernel, rows: int, seed: int) -> np.ndarray:
    """Rows of a few cases interleaved (groups of rows sharing an evidence pattern that are
    not contiguous), every tenth row a case of its own, and the worst row."""
    few = kt.project_cases(ranker, 3, False, seed=seed)
    few[0, ranker.engine.column["age"]] = -1  # three passes
    ev = few[np.arange(rows) % 3].copy()
    ev[::10] = kt.project_cases(ranker, len(ev[::10]), True, seed=seed + 1)
    for f in kernel.findings:
        ev[-1, f.col] = f.order[-1]
    return ev


def test_per_row_tables_with_mixed_evidence(ranker, kernel, many_draws, monkeypatch):
    """Per-row tables with rows of different evidence (priors grouped by pattern, groups not
    contiguous, blocks of ROW_BLOCK rows, the rows held ROWS_AT_ONCE at a time): each row
    equals the kernel given only that row's tables (priors precomputed per pattern), and
    the long-double brute force of the network with that row's tables."""
    import model.engine.noisy as nk

    ev = _mixed_evidence(ranker, kernel, 300, seed=33)
    whole = kernel.infer(ev, many_draws)
    monkeypatch.setattr(nk, "ROWS_AT_ONCE", 37)
    monkeypatch.setattr(nk, "PARALLEL_ROWS_PER_ROW_TABLES", 1 << 30)
    pieces = kernel.infer(ev, many_draws)
    assert np.array_equal(whole.stacked, pieces.stacked) and np.array_equal(whole.log_evidence, pieces.log_evidence)
    dense = {n: (t.dense() if hasattr(t, "leak_cdf") else np.asarray(t)) for n, t in many_draws.items()}
    for r in [*range(0, 300, 7), 299]:
        alone = kernel.infer(ev[r:r + 1], {n: _row(t, r) for n, t in many_draws.items()})
        assert np.abs(alone.stacked[0] - whole.stacked[r]).max() < 1e-12, r
        assert abs(alone.log_evidence[0] - whole.log_evidence[r]) < 1e-12, r
    for r in (0, 1, 2, 10, 131, 299):
        assert_close_brute(kt.spec_with_tables(ranker.spec, dense, r), ranker.causes, whole, ev, rows=[r])


def test_prepared_tables_cache_their_per_row_priors(ranker, kernel, many_draws):
    """Prepared tables keep the per-row priors of the evidence patterns they were asked for
    (one entry per pattern, least recently used out beyond the byte limit), with the same
    numbers as without the cache; rows of different patterns are not cached."""
    from model.engine.noisy import PreparedTables, _RowCache

    prepared = kernel.prepare(many_draws)
    cases = kt.project_cases(ranker, 3, False, seed=34)
    cases[0, ranker.engine.column["age"]] = -1
    for i, case in enumerate(cases):
        ev = np.repeat(case[None], 300, axis=0)
        plain = kernel.infer(ev, many_draws)
        first = kernel.infer(ev, prepared)
        again = kernel.infer(ev, prepared)
        assert len(prepared.cache) == i + 1
        assert np.array_equal(first.stacked, again.stacked) and np.array_equal(first.log_evidence, again.log_evidence)
        assert np.abs(plain.stacked - first.stacked).max() < 1e-15
        assert np.abs(plain.log_evidence - first.log_evidence).max() < 1e-12
    per_entry = prepared.cache.nbytes // 3
    assert per_entry == 300 * kernel._phi_row_size * 8
    assert prepared.nbytes == (prepared.item_f.nbytes + prepared.cpt_t.nbytes + prepared.phi.nbytes
                               + prepared.cache.nbytes)
    kernel.infer(_mixed_evidence(ranker, kernel, 300, seed=35), prepared)  # several patterns: not cached
    assert len(prepared.cache) == 3
    small = PreparedTables(prepared.rows, prepared.item_f, prepared.cpt_t, prepared.phi, _RowCache(2 * per_entry))
    for case in cases:
        kernel.infer(np.repeat(case[None], 300, axis=0), small)
    assert len(small.cache) == 2 and small.cache.nbytes <= 2 * per_entry
    tiny = PreparedTables(prepared.rows, prepared.item_f, prepared.cpt_t, prepared.phi, _RowCache(per_entry - 1))
    out = kernel.infer(np.repeat(cases[0][None], 300, axis=0), tiny)  # does not fit: computed, not kept
    assert len(tiny.cache) == 0
    assert np.abs(out.stacked - kernel.infer(np.repeat(cases[0][None], 300, axis=0), many_draws).stacked).max() == 0


def test_shared_tables_with_priors_per_row(ranker, kernel, monkeypatch):
    """The network's own tables with unit priors too many to precompute (PHI_LIMIT): computed
    per row, once per evidence pattern of the batch; the same numbers."""
    import model.engine.noisy as nk

    monkeypatch.setattr(nk, "PHI_LIMIT", 0)
    k = NoisyKernel.compile(ranker.spec, ranker.causes)
    assert k._phi.size == 0
    ev = np.vstack([kt.project_cases(ranker, 400, True, seed=36), _mixed_evidence(ranker, kernel, 40, seed=37)])
    ours, ref = k.infer(ev), kernel.infer(ev)
    assert np.abs(ours.stacked - ref.stacked).max() < 1e-12
    assert np.abs(ours.log_evidence - ref.log_evidence).max() < 1e-12
    bad = ev[:3].copy()
    bad[2, ranker.engine.column["diabetes"]] = 2  # read by the priors before the kernel checks it
    with pytest.raises(ValueError, match="row 2"):
        k.infer(bad)


def test_per_row_bad_evidence_is_refused_before_the_priors(ranker, kernel, draws):
    ev = np.repeat(kt.project_cases(ranker, 1, True, seed=38), 12, axis=0)
    ev[5, ranker.engine.column["alcohol"]] = 7
    with pytest.raises(ValueError, match="row 5"):
        kernel.infer(ev, draws)
    with pytest.raises(ValueError, match="row 5"):
        kernel.infer(ev, kernel.prepare(draws))


def test_per_row_dense_table_not_of_product_form_is_refused(ranker, kernel):
    bad = np.array(ranker.spec.variables["cramps"].table[None], copy=True)
    bad[0, :, 1, 1] = [0.5, 0.5]  # breaks product form
    ev = kt.project_cases(ranker, 1, True, seed=1)
    with pytest.raises(ValueError, match="product form"):
        kernel.infer(ev, {"cramps": bad})


# ====================================================================== (e) detection
def test_refuses_non_product_form_finding():
    spec, queries = kt.random_network(1)
    f = next(n for n, v in spec.variables.items() if n.startswith("f") and len(v.parents) >= 2
             and any(p in queries for p in v.parents))
    var = spec.variables[f]
    table = kt.random_table(np.random.default_rng(0), var.card, list(var.table.shape[1:]))
    bad = NetworkSpec({n: (Variable(n, v.states, v.parents, table) if n == f else v)
                       for n, v in spec.variables.items()})
    assert NoisyKernel.compile(bad, queries) is None
    assert "product" in NoisyKernel.last_reason and f in NoisyKernel.last_reason
    assert NoisyKernel.reason_unsupported(bad, queries) == NoisyKernel.last_reason


def test_refuses_oversize_block():
    """Nine causes chained cause -> cause cannot be split by conditioning on answers."""
    rng = np.random.default_rng(3)
    variables = {"a": Variable("a", ("a0", "a1"), (), np.array([0.6, 0.4]))}
    prev = "a"
    causes = []
    for i in range(9):
        name = f"c{i}"
        variables[name] = Variable(name, ("absent", "present"), (prev,), kt.random_table(rng, 2, [2]))
        causes.append(name)
        prev = name
    variables["f"] = Variable("f", ("no", "yes"), tuple(causes), kt.noisy_table(rng, 2, [2] * 9))
    spec = NetworkSpec(variables)
    assert NoisyKernel.compile(spec, causes) is None
    assert "2^9" in NoisyKernel.last_reason
    assert NoisyKernel.compile(spec, causes[:8]) is not None  # c8 is then context: the block has 8 causes


def test_refuses_non_binary_query_and_unknown_query(ranker):
    assert NoisyKernel.compile(ranker.spec, ["age"]) is None
    assert "3 states" in NoisyKernel.last_reason
    assert NoisyKernel.compile(ranker.spec, ["nope"]) is None


def _example(name: str):
    from pgmpy.utils import get_example_model

    spec = spec_from_pgmpy(get_example_model(name))
    kids = spec.children()
    return spec, [n for n in spec.names if kids[n] and spec.variables[n].card == 2]


@pytest.mark.parametrize("name,why", [("asia", "product"), ("survey", "product"), ("child", "product"),
                                      ("alarm", "product"), ("hepar2", "product"), ("insurance", "sums over")])
def test_pgmpy_example_networks_outside_the_class_are_refused(name, why):
    spec, queries = _example(name)
    assert NoisyKernel.compile(spec, queries) is None
    assert why in NoisyKernel.last_reason


@pytest.mark.parametrize("name", ["cancer", "earthquake"])
def test_pgmpy_example_networks_inside_the_class_match(name):
    spec, queries = _example(name)
    k = NoisyKernel.compile(spec, queries)
    assert k is not None, NoisyKernel.last_reason
    ev = kt.random_evidence(np.random.default_rng(0), spec, 40, mask=0.5, queries=queries)
    post = k.infer(ev)
    assert_close_brute(spec, queries, post, ev)
    assert_close_pgmpy(kt.Pgmpy(spec), queries, post, ev)


def test_project_structure(kernel):
    info = kernel.info
    assert info["passes_worst"] >= 1 and max(len(u) for u in info["units"]) <= 8
    assert {f for f, kind in info["findings"].items() if kind == "direct"} == {"fever", "potassium", "magnesium",
                                                                              "calcium"}


# ====================================================================== (f) batch independence
def test_row_does_not_depend_on_its_batch(ranker, kernel):
    from model.engine.noisy import PARALLEL_ROWS

    ev = kt.project_cases(ranker, PARALLEL_ROWS * 3 + 17, True, seed=41)
    whole = kernel.infer(ev)  # threaded chunks
    picks = np.random.default_rng(0).choice(len(ev), 200, replace=False)
    alone = np.vstack([kernel.infer(ev[i:i + 1]).stacked for i in picks])
    assert np.abs(whole.stacked[picks] - alone).max() < 1e-12
    shuffled = kernel.infer(ev[picks[::-1]])
    assert np.abs(shuffled.stacked[::-1] - alone).max() < 1e-12


# ====================================================================== (g) impossible evidence
def test_impossible_evidence_is_flagged(ranker, kernel):
    spec = ranker.spec
    tw = spec.variables["twitching"]
    never = np.zeros_like(tw.table)
    never[0] = 1.0  # twitching never happens
    odd = NetworkSpec({n: (Variable(n, v.states, v.parents, never) if n == "twitching" else v)
                       for n, v in spec.variables.items()})
    k = NoisyKernel.compile(odd, ranker.causes)
    ev = kt.project_cases(ranker, 50, True, seed=51)
    post = k.infer(ev)
    yes = ev[:, ranker.engine.column["twitching"]] == 1
    assert yes.any() and (~yes).any()
    assert (post.impossible == yes).all()
    assert np.isnan(post.stacked[yes]).all() and (post.log_evidence[yes] == -np.inf).all()
    assert np.isfinite(post.stacked[~yes]).all() and np.isfinite(post.log_evidence[~yes]).all()
    # the same through per-row tables: one row of the batch impossible, its neighbours not
    rows = np.repeat(ev[yes][:1], 3, axis=0)
    tables = {"twitching": np.stack([tw.table, never, tw.table])}
    post = kernel.infer(rows, tables)
    assert post.impossible.tolist() == [False, True, False]
    assert np.isfinite(post.stacked[[0, 2]]).all()


def test_impossible_rows_on_random_networks_with_zeros():
    flagged = 0
    for seed in range(12):
        spec, queries = kt.random_network(400 + seed)
        spec = NetworkSpec({n: Variable(n, v.states, v.parents,
                                        _with_zeros(v.table, seed) if not n.startswith("f") else v.table)
                            for n, v in spec.variables.items()})
        k = NoisyKernel.compile(spec, queries)
        if k is None:
            continue
        ev = kt.random_evidence(np.random.default_rng(seed), spec, 30, mask=0.2, queries=queries)
        post = k.infer(ev)
        assert_close_brute(spec, queries, post, ev)
        flagged += int(post.impossible.sum())
    assert flagged > 0


def _with_zeros(table: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.array(table, copy=True).reshape(table.shape[0], -1)
    t[:, rng.random(t.shape[1]) < 0.3] = 0.0
    t[0, t.sum(axis=0) == 0] = 1.0
    col = rng.integers(t.shape[1])
    t[:, col] = 0.0
    t[rng.integers(t.shape[0]), col] = 1.0
    return (t / t.sum(axis=0, keepdims=True)).reshape(table.shape)


def test_underflow_far_below_the_double_range():
    """P(e) ~ 2^-4800: twenty graded findings observed at a middle grade of probability
    ~2^-41 (each opens a bit) and twenty one-parent findings of probability ~2^-200 (per-cause
    factors). Tables are binary fractions, so every entry, pmf included, is exact."""
    variables, causes = {}, []
    for i in range(8):
        variables[f"c{i}"] = Variable(f"c{i}", ("absent", "present"), (), np.array([0.75, 0.25]))
        causes.append(f"c{i}")
    leak = np.array([0.5, 0.5 + 2.0 ** -40, 1.0])
    act = np.array([[1.0, 1.0, 1.0], [0.5, 0.5, 1.0]])  # P(grade <= k) per cause state
    for j in range(20):
        pair = (causes[2 * (j % 4)], causes[2 * (j % 4) + 1])
        cdf = leak[:, None, None] * act.T[:, :, None] * act.T[:, None, :]
        variables[f"g{j}"] = Variable(f"g{j}", ("none", "some", "much"), pair, np.diff(cdf, axis=0, prepend=0.0))
    for j in range(20):
        t = np.array([[1 - 2.0 ** -200, 1 - 2.0 ** -201], [2.0 ** -200, 2.0 ** -201]])
        variables[f"d{j}"] = Variable(f"d{j}", ("no", "yes"), (causes[j % 8],), t)
    spec = NetworkSpec(variables)
    k = NoisyKernel.compile(spec, causes)
    assert k is not None, NoisyKernel.last_reason
    ev = np.full((2, len(spec.names)), -1, dtype=np.int64)
    ev[:, 8:28] = 1  # every graded finding at its middle grade
    ev[1, 28:] = 1  # and every one-parent finding positive
    post = k.infer(ev)
    assert_close_brute(spec, causes, post, ev)
    assert post.log_evidence[1] < -4800 * np.log(2)


# ====================================================================== the plain-Python path
def test_same_numbers_without_jit(ranker, kernel, tmp_path):
    """NUMBA_DISABLE_JIT=1 runs the same functions as plain Python: same numbers."""
    ev = np.vstack([kt.project_cases(ranker, 6, True, seed=61), extreme_cases(ranker, kernel)[:2]])
    np.save(tmp_path / "ev.npy", ev)
    script = (
        "import sys, json, numpy as np; from tests.engine import noisy_support as kt;"
        "from model.engine.noisy import NoisyKernel, JIT; r = kt.project();"
        "k = NoisyKernel.compile(r.spec, r.causes); ev = np.load({!r}); p = k.infer(ev);"
        "np.save({!r}, p.stacked); np.save({!r}, p.log_evidence);"
        "from model.analyses.uncertainty import draw_values; from model.network import node_tables;"
        "t = node_tables(r.priors, draw_values(r.priors, n=12, seed=9));"
        "q = k.infer(np.repeat(ev[:3], 4, axis=0), t); np.save({!r}, q.stacked); np.save({!r}, q.log_evidence);"
        "print(json.dumps({{'jit': JIT}}))"
    ).format(*(str(tmp_path / f) for f in ("ev.npy", "post.npy", "loge.npy", "rows.npy", "rows_loge.npy")))
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"jit": False}
    post = kernel.infer(ev)
    assert np.abs(np.load(tmp_path / "post.npy") - post.stacked).max() < 1e-12
    assert np.abs(np.load(tmp_path / "loge.npy") - post.log_evidence).max() < 1e-12
    from model.analyses.uncertainty import draw_values  # per-row tables: the priors per row in plain Python too
    from model.network import node_tables

    rows = kernel.infer(np.repeat(ev[:3], 4, axis=0), node_tables(ranker.priors, draw_values(ranker.priors, n=12,
                                                                                             seed=9)))
    assert np.abs(np.load(tmp_path / "rows.npy") - rows.stacked).max() < 1e-12
    assert np.abs(np.load(tmp_path / "rows_loge.npy") - rows.log_evidence).max() < 1e-12


# ====================================================================== the interface
def test_interface_shapes_and_bad_evidence(ranker, kernel):
    ev = kt.project_cases(ranker, 3, True, seed=71)
    post = kernel.infer(ev)
    assert post.stacked.shape == (3, 2 * len(ranker.causes)) and set(post.columns) == set(ranker.causes)
    assert np.allclose(post.stacked.reshape(3, -1, 2).sum(axis=2), 1.0)
    one = kernel.infer(ev[0])  # a single row as a 1-D array
    assert np.abs(one.stacked[0] - post.stacked[0]).max() < 1e-12
    assert np.abs(kernel.infer(ev.astype(np.int32)).stacked - post.stacked).max() < 1e-12
    empty = kernel.infer(np.zeros((0, len(ranker.spec.names)), dtype=np.int64))
    assert empty.stacked.shape == (0, 2 * len(ranker.causes)) and empty.impossible.shape == (0,)
    bad = ev.copy()
    bad[1, ranker.engine.column["age"]] = 3
    with pytest.raises(ValueError, match="row 1"):
        kernel.infer(bad)
    with pytest.raises(ValueError, match="columns"):
        kernel.infer(ev[:, :-1])
    # same layout as the junction tree's results: ranker.present reads both
    tree = Engine(ranker.spec, queries=ranker.causes)
    assert np.abs(ranker.present(post) - ranker.present(tree.infer(ev))).max() < 1e-10


def test_same_numbers_without_numba_installed(ranker, kernel, tmp_path):
    """`import numba` failing (sys.modules entry None): the plain-Python path, same numbers."""
    ev = kt.project_cases(ranker, 4, True, seed=62)
    np.save(tmp_path / "ev.npy", ev)
    script = (
        "import sys; sys.modules['numba'] = None; import numpy as np;"
        "from tests.engine import noisy_support as kt; import model.engine.noisy as nk; assert not nk.JIT;"
        "r = kt.project(); assert isinstance(r.engine, nk.NoisyKernel);"
        "k = nk.NoisyKernel.compile(r.spec, r.causes); np.save({!r}, k.infer(np.load({!r})).stacked)"
    ).format(str(tmp_path / "post.npy"), str(tmp_path / "ev.npy"))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert np.abs(np.load(tmp_path / "post.npy") - kernel.infer(ev).stacked).max() < 1e-12
