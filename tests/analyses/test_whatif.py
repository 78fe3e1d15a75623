"""What-if counterfactuals: against a brute-force twin network in pgmpy, and hand-derived closed forms."""
import warnings

import numpy as np
import pytest

from model import rank
from model.analyses.whatif import twin_spec, what_if
from model.engine import Engine, NetworkSpec, Variable
from model.network import NoisyTable
from tests.support.cases import QUIET, quiet

warnings.filterwarnings("ignore", category=FutureWarning)
from pgmpy.factors.discrete import TabularCPD  # noqa: E402
from pgmpy.inference import VariableElimination  # noqa: E402
from pgmpy.models import DiscreteBayesianNetwork  # noqa: E402

TOL = 1e-9
EXPOSURE_ONLY = {k: v for k, v in QUIET.items() if k in
                 ("caffeine", "nicotine", "stress", "sleep", "exertion", "fluid_intake", "diuretic",
                  "asthma_medication", "ssri", "prolonged_sitting", "alcohol", "ppi")}


def brute_force_twin(spec, tables, exposure, baseline):
    """An independent twin network for pgmpy: every noisy node is rebuilt from explicit
    exogenous noise, one noise variable per edge whose states are the intervals between
    that edge's switch chances, and every noisy node is duplicated for the
    counterfactual world (the exposure fixed at `baseline`)."""
    noisy = [n for n in spec.names if isinstance(tables[n], NoisyTable)]
    model = DiscreteBayesianNetwork()
    cpds, states_of = [], {}

    def add(name, states, parents, values):
        model.add_node(name)
        model.add_edges_from((p, name) for p in parents)
        names = {name: list(states), **{p: states_of[p] for p in parents}}
        cpds.append(TabularCPD(name, len(states), np.asarray(values).reshape(len(states), -1),
                               evidence=list(parents) or None,
                               evidence_card=[len(states_of[p]) for p in parents] or None, state_names=names))
        states_of[name] = list(states)

    for n in spec.names:
        if n not in noisy:
            var = spec.variables[n]
            add(n, var.states, var.parents, var.table)
    for n in noisy:
        var, t = spec.variables[n], tables[n]
        absent, present = t.order
        add(f"{n}:bg", ("off", "on"), (), [t.leak_cdf[0, 0], 1 - t.leak_cdf[0, 0]])
        worlds = {"": [f"{n}:bg"], "'": [f"{n}:bg"]}
        for p in t.parents:
            chance = 1.0 - t.act[p][0, :, 0]  # switch chance per parent state
            cuts = np.unique(np.r_[0.0, chance, 1.0])
            noise = f"{n}:u:{p}"
            add(noise, [f"i{k}" for k in range(len(cuts) - 1)], (), np.diff(cuts))
            for world in ("", "'"):
                sw = f"{n}:sw:{p}{world}"
                if p == exposure and world == "'":  # fixed at baseline
                    on = (cuts[:-1] < chance[baseline]).astype(float)
                    add(sw, ("off", "on"), (noise,), np.stack([1 - on, on]))
                else:
                    src = p + world if p in noisy else p
                    on = (cuts[:-1, None] < chance[None, :]).astype(float)  # (noise, parent state)
                    add(sw, ("off", "on"), (noise, src), np.stack([1 - on, on]))
                worlds[world].append(sw)
        for world, switches in worlds.items():
            k = len(switches)
            table = np.zeros((2,) + (2,) * k)
            table[(present,) + (slice(None),) * k] = 1.0
            table[(present,) + (0,) * k] = 0.0
            table[(absent,) + (0,) * k] = 1.0
            add(n + world, var.states, switches, table)
    model.add_cpds(*cpds)
    model.check_model()
    return model


def small_network(seed):
    """A random noisy-OR network: two exposures, three causes (one downstream of another)
    and a twitching node; each switch chance drawn at random, reference states off."""
    rng = np.random.default_rng(seed)
    shape = {"E1": ("none", "some", "lots"), "E2": ("no", "yes")}
    parents = {"C1": ("E1",), "C2": ("E1", "E2"), "C3": ("C2", "E2"), "T": ("C1", "C2", "C3")}
    variables, tables = {}, {}
    for e, states in shape.items():
        p = rng.dirichlet(np.ones(len(states)))
        variables[e] = Variable(e, states, (), p)
        tables[e] = p[None]
    for n, ps in parents.items():
        states = ("no", "yes") if n == "T" else ("absent", "present")
        act = {}
        for p in ps:
            card = len(shape.get(p, ("absent", "present")))
            chance = np.r_[0.0, rng.uniform(0.05, 0.9, card - 1)]
            act[p] = (1 - chance)[None, :, None]
        t = NoisyTable((0, 1), ps, np.array([[1 - rng.uniform(0.01, 0.2)]]), act)
        tables[n] = t
        variables[n] = Variable(n, states, ps, t.dense()[0])
    return NetworkSpec(variables), tables


@pytest.mark.parametrize("seed", range(6))
def test_twin_network_equals_a_brute_force_twin_in_pgmpy(seed):
    spec, tables = small_network(seed)
    rng = np.random.default_rng(100 + seed)
    for exposure in ("E1", "E2"):
        twin, cf = twin_spec(spec, tables, exposure, "T")
        engine = Engine(twin, queries=[])
        ve = VariableElimination(brute_force_twin(spec, tables, exposure, baseline=0))
        for _ in range(4):
            case = {"T": "yes", exposure: str(rng.choice(spec.variables[exposure].states[1:]))}
            other = "E2" if exposure == "E1" else "E1"
            if rng.random() < 0.6:
                case[other] = str(rng.choice(spec.variables[other].states))
            if rng.random() < 0.4:
                case["C1"] = str(rng.choice(["absent", "present"]))
            post = engine.infer(engine.encode([case, {**case, cf: "no"}]))
            got = float(np.exp(post.log_evidence[1] - post.log_evidence[0]))
            ref = ve.query(["T'"], evidence=case, show_progress=False).get_value(**{"T'": "no"})
            assert abs(got - ref) < TOL, (seed, exposure, case)


def test_the_slim_twin_equals_the_full_twin_on_the_project_network(ranker):
    """what_if evaluates a slimmer twin (the factual twitching as the OR of the switches that
    differ between worlds); it must equal the plain twin network, and the twin's factual
    world must be the network itself."""
    from model.network import node_tables

    tables = node_tables(ranker.priors)
    cases = [
        {"caffeine": "high", "twitching": "yes", "stress": "moderate", "cramps": "yes"},
        {"diuretic": "yes", "age": "over_60", "twitching": "yes", "twitch_duration": "weeks", "potassium": "normal"},
        {"exertion": "intense", "fluid_intake": "low", "twitching": "yes", "weakness": "subjective"},
        {"caffeine": "moderate", "nicotine": "yes", "asthma_medication": "yes", "twitching": "yes", "fever": "no"},
    ]
    for case in cases:
        for entry in what_if(ranker, case):
            twin, cf = twin_spec(ranker.spec, tables, entry.input, "twitching")
            engine = Engine(twin, queries=[])
            post = engine.infer(engine.encode([case, {**case, cf: "no"}]))
            plain = ranker.engine.infer(ranker.engine.encode([case])).log_evidence[0]
            assert abs(post.log_evidence[0] - plain) < 1e-12  # the twin's factual world is the network
            assert abs(np.exp(post.log_evidence[1] - post.log_evidence[0]) - entry.twitching_stops) < TOL


@pytest.mark.parametrize("exposure, state, cause", [
    ("caffeine", "high", "caffeine_effect"), ("caffeine", "moderate", "caffeine_effect"),
    ("nicotine", "yes", "nicotine_effect"), ("sleep", "poor", "sleep_deprivation"),
    ("stress", "high", "stress_anxiety"), ("exertion", "intense", "muscle_fatigue"),
    ("asthma_medication", "yes", "medication_side_effect"),
])
def test_single_trigger_matches_the_closed_form(ranker, exposure, state, cause):
    """With every other exposure at baseline and only twitching observed, the twitching
    stops in the counterfactual world exactly when the trigger's own switch made the
    cause present, the cause's link to twitching fired, and nothing else fired:

        P(stop | e) = l * (1 - b) * a * P(tw=no | e without twitching, cause absent) / P(tw=yes | e without twitching)

    with l = twitching.given.<cause>, b = <cause>.baseline, a = <cause>.given.<exposure>.<state>."""
    priors = ranker.priors
    exposures = {**EXPOSURE_ONLY, "age": "40_to_60", exposure: state}
    case = {**exposures, "twitching": "yes"}
    entry = next(e for e in what_if(ranker, case) if e.input == exposure)
    value = lambda pid: priors.parameter(pid).value  # noqa: E731
    link, b, a = (value(f"twitching.given.{cause}"), value(f"{cause}.baseline"),
                  value(f"{cause}.given.{exposure}.{state}"))
    ve = VariableElimination(ranker.network)
    no_tw_without = ve.query(["twitching"], evidence={**exposures, cause: "absent"}, show_progress=False).get_value(twitching="no")
    p_tw = ve.query(["twitching"], evidence=exposures, show_progress=False).get_value(twitching="yes")
    assert abs(entry.twitching_stops - link * (1 - b) * a * no_tw_without / p_tw) < TOL


def test_removing_the_only_trigger_gives_the_best_chance_the_twitching_stops():
    """Version 2: heavy caffeine makes twitching only about 1.5 times as likely (see
    caffeine_effect.given.caffeine.high in priors/causes.toml), and ordinary passing twitches need no cause, so even the only trigger explains a
    good share of the twitching, not most of it."""
    result = rank(quiet(caffeine="high"), detail=True).to_dict()
    (entry,) = result["what_if"]
    assert entry == {**entry, "input": "caffeine", "from": "high", "to": "none"}
    assert 0.25 < entry["twitching_stops"] < 0.7
    moderate = rank(quiet(caffeine="moderate"), detail=True).to_dict()["what_if"][0]["twitching_stops"]
    assert moderate < entry["twitching_stops"] / 3


def test_an_ssri_what_if_carries_only_the_medicine_s_own_strength():
    """Stopping the SSRI does not take away the anxiety it treats: the what-if stays small."""
    result = rank({"ssri": "yes", "stress": "high", "twitching": "yes"}, detail=True).to_dict()
    ssri = next(e for e in result["what_if"] if e["input"] == "ssri")
    stress = next(e for e in result["what_if"] if e["input"] == "stress")
    assert ssri["twitching_stops"] < 0.15 < stress["twitching_stops"]


def test_two_triggers_each_explain_less_than_one_alone():
    alone = rank(quiet(caffeine="high"), detail=True).to_dict()["what_if"][0]["twitching_stops"]
    both = {e["input"]: e["twitching_stops"] for e in rank(quiet(caffeine="high", stress="high"), detail=True).to_dict()["what_if"]}
    assert both["caffeine"] < alone and set(both) == {"caffeine", "stress"}


def test_no_what_if_without_observed_twitching_or_triggers(ranker):
    assert what_if(ranker, quiet(twitching="no", caffeine="high")) == ()
    assert what_if(ranker, quiet()) == ()
    assert what_if(ranker, {"caffeine": "high"}) == ()


def test_an_exposure_at_a_state_without_effect_changes_nothing(ranker):
    (entry,) = what_if(ranker, quiet(exertion="none"))
    assert entry.input == "exertion" and entry.twitching_stops == pytest.approx(0.0, abs=1e-12)
