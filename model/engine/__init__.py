"""Exact, batched inference for discrete Bayesian networks.

`compile_engine(spec, queries)` gives the fastest exact engine for a network: the noisy-OR
kernel (noisy.py: no signed terms, nothing to cancel, numba-compiled) when the network is
in its class, otherwise the batched junction tree (core.py), which takes any discrete
network. Both give a `Posterior` from `infer(evidence, tables=None)`.
"""
from __future__ import annotations

from .core import Engine, Posterior
from .noisy import NoisyKernel
from .spec import NetworkSpec, Variable, encode_cases, spec_from_pgmpy, spec_to_pgmpy

InferenceEngine = Engine | NoisyKernel


def compile_engine(spec: NetworkSpec, queries: list[str]) -> InferenceEngine:
    """The noisy-OR kernel when `spec` is in its class (checked against every table entry),
    else the junction tree."""
    kernel = NoisyKernel.compile(spec, queries)
    return kernel if kernel is not None else Engine(spec, queries=queries)


__all__ = ["Engine", "InferenceEngine", "NetworkSpec", "NoisyKernel", "Posterior", "Variable", "compile_engine",
           "encode_cases", "spec_from_pgmpy", "spec_to_pgmpy"]
