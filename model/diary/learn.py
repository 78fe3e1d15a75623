"""This person's own trigger strengths, learned from their diary.

A trigger link is a number of the priors of the form `<cause>.given.<exposure>.<state>`: the
chance that this exposure state, on its own, brings on the cause (caffeine high ->
caffeine effect). The twitching background (`twitching.baseline`, the person's twitching
with none of the modelled causes) is learned too.

The maths. For one link value rho with every other number fixed, the probability of a
day's answers is linear in rho: P(e_d | rho) = alpha_d + beta_d * rho. (The network's joint
is multilinear in its table entries, and rho enters each entry of its node's table linearly.)
So each distinct day's likelihood is known, as a function of rho, from
its exact value at the current numbers (carried along: after a link moves from `now` to its
new value, L_d becomes L_d (1 + (new - now) slope_d), exactly) and one more exact evaluation
at another value; unanswered questions are marginalised exactly, and a day that logged the
exposure at another state does not depend on the link at all. With a Beta prior centred on
the hand-set value, worth `experience_days` days of evidence (priors/diary.toml),

    log p(rho | diary) = (a - 1) log rho + (b - 1) log(1 - rho) + sum_d log(alpha_d + beta_d rho) + const,
    a = n0 * rho_population, b = n0 * (1 - rho_population),

is summed over cells of (0, 1): each cell's prior mass exactly (the Beta CDF, so a prior
crowded near 0 is no trouble) times the likelihood at its point, with points both at equal
prior mass and evenly spaced (a diary can take a strength far from the prior), first over
all of (0, 1), then finely over the posterior's bulk: the posterior mean is the personal strength and the 5% and 95% points
its 90% credible interval. A link whose exposure the
diary never logged keeps its prior. Links are updated one at a time, the others at their
current personal values, sweeping twice (coordinate-wise conditional posteriors: when two
triggers always come together the data cannot separate them, which `warnings` says).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..network import NoisyTable, node_tables
from ..priors import Priors
from ..ranking import BaseRanker

COARSE, FINE = 128, 256  # grid points: over all of (0, 1), then over the posterior's bulk
TAIL = 1e-4  # posterior mass left out on each side of the fine pass
SWEEPS = 2
BACKGROUND = "twitching.baseline"


@dataclass(frozen=True)
class Link:
    """One learnable number: a trigger link (input, state -> cause) or the twitching background."""

    parameter: str
    input: str | None
    state: str | None
    cause: str | None


@dataclass(frozen=True)
class Strength:
    """A link's population value and this person's posterior."""

    link: Link
    population: float
    personal: float
    interval: tuple[float, float]
    days_exposed: int
    days_unexposed: int
    enough_data: bool

    def to_dict(self) -> dict:
        return {"input": self.link.input, "state": self.link.state, "cause": self.link.cause,
                "population": self.population, "personal": self.personal,
                "interval": [self.interval[0], self.interval[1]], "days_exposed": self.days_exposed,
                "enough_data": self.enough_data}


@dataclass(frozen=True)
class Learned:
    """What a diary teaches about one person."""

    days: int
    triggers: tuple[Strength, ...]
    background: Strength | None
    warnings: tuple[str, ...] = ()
    values: Mapping[str, float] = field(default_factory=dict)  # parameter id -> personal value

    def overrides(self, only_enough: bool = True) -> dict[str, float]:
        """The personal values as overrides of the priors (by default only links with enough data)."""
        kept = [s for s in (*self.triggers, *([self.background] if self.background else [])) if s.enough_data or
                not only_enough]
        return {s.link.parameter: s.personal for s in kept}


def trigger_links(priors: Priors) -> list[Link]:
    """Every exposure -> cause link of the priors, in file order."""
    vocab = priors.vocabulary
    out = []
    for p in priors.parameters:
        parts = p.id.split(".")
        if len(parts) == 4 and parts[1] == "given" and parts[0] in priors.causes:
            spec = vocab.inputs.get(parts[2])
            if spec is not None and spec.group == "exposure":
                out.append(Link(p.id, parts[2], parts[3], parts[0]))
    return out


def learn(ranker: BaseRanker, days: Sequence[tuple[object, Mapping[str, str]]], experience_days: float,
          min_exposed: int, min_unexposed: int) -> Learned:
    """Personal strengths of every trigger link the diary speaks to, and of the twitching background."""
    priors = ranker.priors
    cases = [dict(case) for _, case in days]
    distinct = Counter(tuple(sorted(c.items())) for c in cases)
    unique = [dict(k) for k in distinct]
    weight = np.array([distinct[k] for k in distinct], dtype=float)
    links = [link for link in trigger_links(priors) if any(link.input in c for c in unique)]
    if any("twitching" in c for c in unique):
        links.append(Link(BACKGROUND, None, None, None))
    values = np.array(priors.values, dtype=float)
    posteriors: dict[str, tuple[float, tuple[float, float]]] = {}
    learnable = [link for link in links if _exposure_days(cases, link)[0] > 0]
    if learnable:
        ev = ranker.engine.encode(unique)
        log_now = ranker.engine.infer(ev).log_evidence  # log P(day | values), carried along exactly below
        for _ in range(SWEEPS):
            for link in learnable:
                rows = _rows_depending_on(ranker, ev, link)
                i = priors.index(link.parameter)
                now = float(values[i])
                mean, interval, slope = _posterior(ranker, ev[rows], weight[rows], log_now[rows], values,
                                                   link.parameter, experience_days)
                with np.errstate(divide="ignore", invalid="ignore"):
                    log_now[rows] += np.log1p((mean - now) * slope)  # L(mean) = L(now) (1 + (mean - now) slope)
                values[i] = mean
                posteriors[link.parameter] = (mean, interval)
    strengths = []
    for link in links:
        population = float(priors.values[priors.index(link.parameter)])
        personal, interval = posteriors.get(link.parameter) or (population, _prior_interval(population, experience_days))
        exposed, unexposed = _exposure_days(cases, link)
        enough = exposed >= min_exposed and unexposed >= min_unexposed
        strengths.append(Strength(link, float(population), float(personal), interval, exposed, unexposed, enough))
    background = next((s for s in strengths if s.link.parameter == BACKGROUND), None)
    triggers = tuple(s for s in strengths if s.link.parameter != BACKGROUND)
    return Learned(len(days), triggers, background, tuple(confounded(cases, triggers)),
                   {s.link.parameter: s.personal for s in strengths})


def link_posterior(ranker: BaseRanker, cases: Sequence[Mapping[str, str]], parameter: str, experience_days: float,
                   values: np.ndarray | None = None) -> tuple[float, tuple[float, float]]:
    """The posterior mean and 90% credible interval of one number given some days' answers,
    every other number at `values` (default: the priors): the one-link step of `learn`."""
    values = np.array(ranker.priors.values if values is None else values, dtype=float)
    tables = tables_at(ranker, values, parameter, (float(values[ranker.priors.index(parameter)]),), 1)
    ev = ranker.engine.encode([dict(c) for c in cases])
    log_now = ranker.engine.infer(ev, tables).log_evidence
    mean, interval, _ = _posterior(ranker, ev, np.ones(len(cases)), log_now, values, parameter, experience_days)
    return mean, interval


def _rows_depending_on(ranker: BaseRanker, ev: np.ndarray, link: Link) -> np.ndarray:
    """The days whose likelihood depends on the link: its exposure at the link's state or not
    answered (a day with the exposure at another state never uses that table entry)."""
    if link.input is None:
        return np.arange(ev.shape[0])
    column = ev[:, ranker.spec.names.index(link.input)]
    state = ranker.vocabulary.inputs[link.input].states.index(link.state)
    return np.flatnonzero((column == state) | (column < 0))


def _posterior(ranker: BaseRanker, ev: np.ndarray, weight: np.ndarray, log_now: np.ndarray, values: np.ndarray,
               parameter: str, experience_days: float) -> tuple[float, tuple[float, float], np.ndarray]:
    """Posterior mean, 90% interval and each day's slope (L(rho) = L(now) (1 + (rho - now) slope))
    of one number, every other number at `values`; log_now = log P(day | values).

    The posterior is summed over cells (see `_cumulative`): a coarse pass over all of (0, 1),
    then a fine pass over the range where the coarse pass found all but 1e-4 of the
    posterior on each side."""
    priors = ranker.priors
    i = priors.index(parameter)
    a, b = _beta(float(priors.values[i]), experience_days)
    now = float(values[i])
    other = 0.5 * now if now > 0.5 else 0.5 + 0.5 * now  # any second point in (0, 1) will do
    log_other = ranker.engine.infer(ev, tables_at(ranker, values, parameter, (other,), 1)).log_evidence  # shared
    with np.errstate(over="ignore", invalid="ignore"):
        slope = (np.exp(log_other - log_now) - 1.0) / (other - now)
    live = np.isfinite(log_now) & np.isfinite(slope)
    slope = np.where(live, slope, 0.0)
    like = (now, slope[live], weight[live])
    coarse = _cells(a, b, 0.0, 1.0, COARSE)
    edges, cdf = _cumulative(coarse, 0.0, 1.0, a, b, like)
    lo = edges[max(int(np.searchsorted(cdf, TAIL)) - 1, 0)]
    hi = edges[min(int(np.searchsorted(cdf, 1.0 - TAIL)) + 1, len(edges) - 1)]
    fine = _cells(a, b, lo, hi, FINE)
    edges, cdf = _cumulative(fine, lo, hi, a, b, like)
    mass = np.diff(cdf)
    mean = float(fine @ mass)
    low, high = (float(np.interp(q, cdf, edges)) for q in (0.05, 0.95))
    return mean, (low, high), slope


def _cells(a: float, b: float, lo: float, hi: float, points: int) -> np.ndarray:
    """Grid points on [lo, hi]: half at equal prior mass (where the prior is) and half evenly
    spaced (where the diary may take the posterior, however far from the prior)."""
    from scipy.special import betainc, betaincinv

    u_lo, u_hi = betainc(a, b, lo), betainc(a, b, hi)
    u = u_lo + (u_hi - u_lo) * (np.arange(points // 2) + 0.5) / (points // 2)
    even = lo + (hi - lo) * (np.arange(points - points // 2) + 0.5) / (points - points // 2)
    return np.unique(np.concatenate([betaincinv(a, b, u), even]))


def _cumulative(points: np.ndarray, lo: float, hi: float, a: float, b: float,
                like: tuple[float, np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Cell edges (lo, the midpoints between the points, hi) and the posterior's cumulative
    mass at each edge: each cell's prior mass (exact, from the Beta CDF) times the likelihood
    at its point, normalised."""
    from scipy.special import betainc

    now, slope, weight = like
    edges = np.concatenate([[lo], (points[1:] + points[:-1]) / 2, [hi]])
    prior = np.diff(betainc(a, b, edges))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 1.0 + np.outer(points - now, slope)  # (points, days): L(rho) / L(now) per day
        log_like = np.log(np.maximum(ratio, 0.0)) @ weight + np.log(prior)
    log_like = np.where(np.isfinite(log_like), log_like, -np.inf)
    mass = np.exp(log_like - log_like.max())
    return edges, np.concatenate([[0.0], np.cumsum(mass / mass.sum())])


def _beta(population: float, experience_days: float) -> tuple[float, float]:
    """The Beta prior centred on the hand-set value, worth `experience_days` days."""
    return max(experience_days * population, 1e-3), max(experience_days * (1.0 - population), 1e-3)


def _prior_interval(population: float, experience_days: float) -> tuple[float, float]:
    from scipy.special import betaincinv

    low, high = betaincinv(*_beta(population, experience_days), np.array([0.05, 0.95]))
    return float(low), float(high)


def tables_at(ranker: BaseRanker, values: np.ndarray, parameter: str, points: Sequence[float],
              repeat: int) -> dict[str, NoisyTable]:
    """Per-row tables of `parameter`'s node with the parameter at each of `points` (every other
    number at `values`), each point's table repeated `repeat` times: rows point-major, for
    evidence stacked as [ev, ev, ...] with `repeat` rows per copy."""
    priors = ranker.priors
    rows = np.repeat(values[None, :], len(points), axis=0)
    rows[:, priors.index(parameter)] = points
    node = priors.parameter(parameter).node
    table = node_tables(priors, rows, only=[node])[node]
    assert isinstance(table, NoisyTable)  # links belong to noisy-OR nodes
    return {node: replace(table, leak_cdf=np.repeat(table.leak_cdf, repeat, axis=0),
                          act={p: np.repeat(x, repeat, axis=0) for p, x in table.act.items()})}


def _exposure_days(cases: list[dict[str, str]], link: Link) -> tuple[int, int]:
    """Days the link's exposure was logged at its state, and days it was logged otherwise."""
    if link.input is None:  # the background: days with twitching logged
        logged = sum(1 for c in cases if "twitching" in c)
        return logged, logged
    exposed = sum(1 for c in cases if c.get(link.input) == link.state)
    unexposed = sum(1 for c in cases if link.input in c and c[link.input] != link.state)
    return exposed, unexposed


def confounded(cases: list[dict[str, str]], strengths: tuple[Strength, ...]) -> list[str]:
    """Warnings for pairs of triggers that were logged on exactly the same days, so that their
    effects cannot be told apart yet."""
    by_trigger: dict[tuple[str, str], frozenset[int]] = {}
    for s in strengths:
        assert s.link.input is not None and s.link.state is not None
        days = frozenset(k for k, c in enumerate(cases) if c.get(s.link.input) == s.link.state)
        if len(days) >= 2:
            by_trigger[(s.link.input, s.link.state)] = days
    out = []
    keys = list(by_trigger)
    for x in range(len(keys)):
        for y in range(x + 1, len(keys)):
            (i, si), (j, sj) = keys[x], keys[y]
            if i != j and by_trigger[keys[x]] == by_trigger[keys[y]]:
                both = [k for k, c in enumerate(cases) if i in c and j in c]
                if len(both) >= 2:
                    out.append(f"{i} {si} and {j} {sj} were logged on the same days: their effects cannot be "
                               "told apart yet")
    return list(dict.fromkeys(out))
