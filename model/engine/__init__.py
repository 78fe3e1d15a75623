"""Exact, batched inference for discrete Bayesian networks (see core.py)."""
from .core import Engine, Posterior
from .spec import NetworkSpec, Variable, spec_from_pgmpy, spec_to_pgmpy

__all__ = ["Engine", "Posterior", "NetworkSpec", "Variable", "spec_from_pgmpy", "spec_to_pgmpy"]
