"""Priors: the hand-set numbers as data (the schema, reading a folder, session overrides)."""
from .loader import DEFAULT_PRIORS, FILES, fingerprint, load_priors
from .overrides import apply_overrides, set_override
from .schema import DIARY_UNITS, TRIAGE_KEYS, Node, Parameter, Priors, Setting

__all__ = ["DEFAULT_PRIORS", "DIARY_UNITS", "FILES", "Setting", "TRIAGE_KEYS", "Node", "Parameter", "Priors", "apply_overrides",
           "fingerprint", "load_priors", "set_override"]
