"""Hypothesis strategies and helpers shared by the robustness tests (fuzz, numerics, batch edges).

Three families:
- cases: valid cases, cases with exactly one known defect (so a test can check the
  error names it), and arbitrary junk (anything at all, for "never another exception");
- frames and CSV text for rank_frame and the batch command;
- priors folders: a small TOML writer, editing helpers, and corruptions of a copy of
  priors/ that each describe the file and key they break.
"""
from __future__ import annotations

import contextlib
import json
import math
import shutil
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings
from hypothesis import strategies as st

from model.priors import DEFAULT_PRIORS, FILES
from model.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
INPUTS: dict[str, tuple[str, ...]] = {i: spec.states for i, spec in VOCAB.inputs.items()}
INPUT_IDS = tuple(INPUTS)
CAUSE_IDS = tuple(VOCAB.causes)
ALL_STATES = tuple(sorted({s for states in INPUTS.values() for s in states}))
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# ------------------------------------------------------------------ reporting


def tally(title: str):
    """A module's counter of generated inputs and a module fixture that prints it at the end:
    `COUNTS, report_counts = tally("fuzz counts")` at the top of a test module."""
    counts: Counter = Counter()

    @pytest.fixture(scope="module", autouse=True)
    def report_counts(request):
        yield
        print_counts(request, title, counts)

    return counts, report_counts


def print_counts(request, title: str, counts) -> None:
    """Write the counts on the terminal, past pytest's output capture."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or not counts:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line("")
        reporter.write_line(f"{title} (profile: {settings.default.max_examples} examples per test)")
        for key, value in sorted(counts.items()):
            reporter.write_line(f"  {key}: {value}")


# ------------------------------------------------------------------ text

# Every Unicode code point Python can hold, surrogates and control characters included.
any_char = st.characters(codec=None, categories=None)
unicode_text = st.text(any_char, max_size=30)
long_text = st.builds(lambda s, n: (s or "x") * n, st.text(any_char, min_size=1, max_size=5),
                      st.integers(2_000, 60_000))
near_miss = st.one_of(  # almost a real id or state: case, spaces, a typo, a zero-width space
    st.sampled_from(INPUT_IDS + ALL_STATES).map(str.upper),
    st.sampled_from(INPUT_IDS + ALL_STATES).map(lambda s: s + "\u200b"),
    st.sampled_from(INPUT_IDS + ALL_STATES).map(lambda s: s[:-1]),
    st.sampled_from(INPUT_IDS + ALL_STATES).map(lambda s: s.replace("_", "-")),
    st.sampled_from(INPUT_IDS + ALL_STATES).map(lambda s: "\u0301" + s),
)
formula_text = st.builds(lambda p, rest: p + rest, st.sampled_from(FORMULA_PREFIXES),
                         st.sampled_from(["cmd|' /C calc'!A0", "SUM(A1:A2)", "1+1", "HYPERLINK(\"http://x\")", ""]))
weird_text = st.one_of(unicode_text, near_miss, formula_text, long_text,
                       st.sampled_from(["", " ", "\x00", "\ufeff", "nan", "None", "null", "NaN", "\r\n", "'", '"']))

# ------------------------------------------------------------------ values that are not strings

non_string = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.just(float("nan")), st.binary(max_size=10), st.lists(st.sampled_from(ALL_STATES), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.tuples(st.text(max_size=3)),
    st.just(np.float64("nan")), st.just(np.int64(1)), st.builds(object), st.just(pd.NA), st.just(pd.NaT),
)

# ------------------------------------------------------------------ cases


@st.composite
def valid_cases(draw) -> dict[str, str]:
    """Any subset of the inputs, each at one of its states (left out = unknown)."""
    chosen = draw(st.lists(st.sampled_from(INPUT_IDS), unique=True, max_size=len(INPUT_IDS)))
    return {i: draw(st.sampled_from(INPUTS[i])) for i in chosen}


@dataclass(frozen=True)
class Defect:
    """What is wrong with a case: the bad key, or the input and its bad value."""

    kind: str  # "unknown_input" | "non_string_value" | "unknown_state"
    key: object
    value: object = None


def shown(value, limit: int = 40) -> str:
    """The start of how an error message shows a value (it may cut long ones)."""
    text = repr(value) if isinstance(value, str) else f"{type(value).__name__}"
    return text[:limit]


@st.composite
def defective_cases(draw) -> tuple[dict, Defect]:
    """A valid case with exactly one defect, and the defect."""
    case = draw(valid_cases())
    kind = draw(st.sampled_from(["unknown_input", "non_string_value", "unknown_state"]))
    if kind == "unknown_input":
        key = draw(st.one_of(weird_text, non_string.filter(_hashable))
                   .filter(lambda k: not (isinstance(k, str) and k in INPUTS)))
        value = draw(st.one_of(st.sampled_from(ALL_STATES), weird_text))
        bad = Defect(kind, key, value)
    else:
        key = draw(st.sampled_from(INPUT_IDS))
        if kind == "non_string_value":
            value = draw(non_string)
        else:
            value = draw(weird_text.filter(lambda v: v not in INPUTS[key]))
        bad = Defect(kind, key, value)
    case.pop(key, None)  # the defect replaces any valid answer to the same input
    items = list(case.items())
    at = draw(st.integers(0, len(items)))
    items.insert(at, (bad.key, bad.value))
    return dict(items), bad


def _hashable(x) -> bool:
    try:
        hash(x)
    except TypeError:
        return False
    return True


def message_names(msg: str, defect: Defect) -> bool:
    """Does the error message name what is wrong (and what would be valid)?"""
    if defect.kind == "unknown_input":
        return "unknown input" in msg and shown(defect.key) in msg and "valid inputs" in msg
    named = repr(defect.key) in msg and "valid states" in msg
    if defect.kind == "non_string_value":
        return named and "must be a string" in msg and type(defect.value).__name__ in msg
    return named and "unknown state" in msg and shown(defect.value) in msg


junk = st.deferred(lambda: st.one_of(
    valid_cases(), defective_cases().map(lambda cd: cd[0]), non_string, weird_text,
    st.dictionaries(st.one_of(weird_text, st.sampled_from(INPUT_IDS)), st.one_of(weird_text, non_string), max_size=4),
    st.lists(st.tuples(st.sampled_from(INPUT_IDS), st.sampled_from(ALL_STATES)), max_size=3),
))

# ------------------------------------------------------------------ JSON case files


def json_values(max_leaves: int = 8):
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                        weird_text.filter(lambda s: len(s) < 200), st.sampled_from(ALL_STATES))
    return st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), kids, max_size=3)),
                        max_leaves=max_leaves)


@st.composite
def case_file_bytes(draw) -> bytes:
    """The bytes of a --case file: a valid case, a mutated one, other JSON, or not JSON at all."""
    kind = draw(st.sampled_from(["valid", "defective", "json", "saved", "broken", "bytes", "deep", "bom"]))
    if kind == "valid":
        return json.dumps(draw(valid_cases())).encode()
    if kind == "defective":
        case, _ = draw(defective_cases())
        case = {k if isinstance(k, str) else repr(k): v for k, v in case.items()}
        return json.dumps(case, default=repr).encode("utf-8", "surrogatepass")
    if kind == "json":
        return json.dumps(draw(json_values()), ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if kind == "saved":
        return json.dumps({"causes": [], "evidence": draw(st.one_of(valid_cases(), json_values()))}).encode()
    if kind == "broken":
        text = json.dumps(draw(valid_cases()))
        cut = draw(st.integers(0, max(0, len(text) - 1)))
        return text[:cut].encode() + draw(st.sampled_from([b"", b"}", b",", b"'", b"\xff"]))
    if kind == "deep":
        depth = draw(st.integers(500, 100_000))
        return b"[" * depth + b"]" * depth
    if kind == "bom":
        return b"\xef\xbb\xbf" + json.dumps(draw(valid_cases())).encode()
    return draw(st.binary(max_size=64))


# ------------------------------------------------------------------ CLI answers

answer_pairs = st.one_of(
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(INPUT_IDS), st.sampled_from(ALL_STATES)),
    st.builds(lambda k, v: f"{k}={v}", st.one_of(st.sampled_from(INPUT_IDS), weird_text.filter(lambda s: len(s) < 500)),
              weird_text.filter(lambda s: len(s) < 500)),
    weird_text.filter(lambda s: "=" not in s and len(s) < 500),  # no '=' at all
)


def cli_safe(text: str) -> bool:
    """An argv element a real shell could pass: no NUL (surrogates stand for undecodable bytes)."""
    return "\x00" not in text


# ------------------------------------------------------------------ frames

cell_values = st.one_of(
    st.sampled_from(ALL_STATES), st.sampled_from(ALL_STATES).map(lambda s: f"  {s}\t"),
    st.sampled_from(["", " ", None, float("nan")]), weird_text.filter(lambda s: len(s) < 100),
    st.integers(-3, 3), st.floats(allow_nan=True), st.booleans(), st.sampled_from([pd.NA, pd.NaT, np.nan]),
    st.lists(st.sampled_from(ALL_STATES), max_size=2), st.builds(lambda s: np.array([s]), st.sampled_from(ALL_STATES)),
    st.dictionaries(st.sampled_from(ALL_STATES), st.integers(), max_size=1), st.binary(max_size=4),
)


def cell_is_unknown(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_state(column: str, value):
    """The state a cell stands for, None if unknown; raises ValueError if the cell is bad."""
    if cell_is_unknown(value):
        return None
    if isinstance(value, str) and value.strip() in INPUTS[column]:
        return value.strip()
    raise ValueError(value)


@st.composite
def frames(draw, max_rows: int = 12):
    """A pandas DataFrame of cases: input columns (any subset), extra columns, messy cells."""
    import pandas as pd

    columns = draw(st.lists(st.sampled_from(INPUT_IDS), unique=True, max_size=6))
    extras = draw(st.lists(st.one_of(st.sampled_from(["note", "patient", "Caffeine", " caffeine", "caffeine_effect"]),
                                     st.integers(0, 3)), unique=True, max_size=2))
    columns = columns + [e for e in extras if e not in columns]
    n = draw(st.integers(0, max_rows))
    data = {}
    for c in columns:
        mostly_valid = st.one_of(st.sampled_from(INPUTS[c]) if c in INPUTS else st.text(max_size=3), cell_values)
        data[c] = draw(st.lists(mostly_valid, min_size=n, max_size=n))
    index = draw(st.one_of(st.just(None), st.just("strings"), st.just("shuffled")))
    frame = pd.DataFrame(data, columns=columns, dtype=object) if columns else pd.DataFrame(index=range(n))
    if index == "strings":
        frame.index = [f"p{i}" for i in range(n)]
    elif index == "shuffled":
        frame.index = draw(st.permutations(list(range(100, 100 + n))))
    return frame


# ------------------------------------------------------------------ TOML and priors folders


def toml_dumps(data: dict) -> str:
    """TOML text for nested dicts of str, bool, int, float, lists and tables (dotted keys, one per line).

    Enough to write back any priors file after editing its parsed form."""
    lines: list[str] = []

    def text(t: str) -> str:
        return json.dumps(t, ensure_ascii=False).replace("\x7f", "\\u007f")

    def key(k) -> str:
        return text(str(k))

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            if math.isnan(v):
                return "nan"
            if math.isinf(v):
                return "inf" if v > 0 else "-inf"
            return repr(v)
        if isinstance(v, str):
            return text(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + "}"
        raise TypeError(type(v))

    def walk(prefix: list[str], table: dict) -> None:
        for k, v in table.items():
            if isinstance(v, dict) and v:
                walk(prefix + [k], v)
            else:
                lines.append(".".join(key(p) for p in prefix + [k]) + " = " + value(v))

    walk([], data)
    return "\n".join(lines) + "\n"


def copy_priors(target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(DEFAULT_PRIORS, target)
    return target


def read_priors(folder: Path) -> dict[str, dict]:
    return {name: tomllib.loads((folder / name).read_text(encoding="utf-8")) for name in FILES}


def write_priors_file(folder: Path, name: str, data: dict) -> None:
    (folder / name).write_text(toml_dumps(data), encoding="utf-8")


def set_number(folder: Path, file: str, entry: tuple[str, ...], value: float, state: str | None = None,
               widen: bool = True) -> None:
    """Set one number of a priors folder: the entry at `entry` (e.g. ("twitching", "given",
    "caffeine_effect")), or one `state` of its distribution; widen its range to include it."""
    data = read_priors(folder)
    table = get_path(data[file], entry)
    if state is None:
        table["value"] = value
        if widen:
            table["range"] = [min(table["range"][0], value), max(table["range"][1], value)]
    else:
        table["value"][state] = value
        if widen:
            lo, hi = table["range"][state]
            table["range"][state] = [min(lo, value), max(hi, value)]
    write_priors_file(folder, file, data[file])


def set_distribution(folder: Path, file: str, entry: tuple[str, ...], values: dict[str, float]) -> None:
    """Replace a whole distribution (a prior or a graded finding), widening each range."""
    data = read_priors(folder)
    table = get_path(data[file], entry)
    for state, value in values.items():
        table["value"][state] = value
        lo, hi = table["range"][state]
        table["range"][state] = [min(lo, value), max(hi, value)]
    write_priors_file(folder, file, data[file])


def leaves(table, path=()) -> list[tuple]:
    """Paths to every leaf value (list elements included) of a parsed TOML table."""
    out = []
    if isinstance(table, dict):
        for k, v in table.items():
            out += leaves(v, path + (k,))
    elif isinstance(table, list):
        for i, v in enumerate(table):
            out += leaves(v, path + (i,))
    out.append(path) if path and not isinstance(table, dict) else None
    return out


def subpaths(table, path=()) -> list[tuple]:
    """Paths to every key (tables included) of a parsed TOML table."""
    out = []
    if isinstance(table, dict):
        for k, v in table.items():
            out.append(path + (k,))
            out += subpaths(v, path + (k,))
    return out


def get_path(data, path):
    for p in path:
        data = data[p]
    return data


def put_path(data, path, value):
    get_path(data, path[:-1])[path[-1]] = value


def delete_path(data, path):
    parent = get_path(data, path[:-1])
    if isinstance(parent, list):
        parent.pop(path[-1])
    else:
        del parent[path[-1]]


def is_probability_leaf(path: tuple) -> bool:
    """A leaf that holds a probability: under `value` or `range`."""
    return any(p in ("value", "range") for p in path if isinstance(p, str))


@dataclass(frozen=True)
class Corruption:
    """One thing broken in a copy of priors/: what kind, where, and whether it must be refused."""

    kind: str
    file: str
    key: str  # the top-level table (node or triage key) it touches; "" for the whole file
    must_refuse: bool
    detail: str = ""
    also: tuple[str, ...] = ()  # other keys the message may name instead (the nodes of a cycle)

    def named_in(self, msg: str) -> bool:
        return not self.key or any(k in msg for k in (self.key, *self.also))

    def __str__(self) -> str:
        return f"{self.kind} in {self.file} [{self.key}] {self.detail}"


BASE = {name: tomllib.loads((DEFAULT_PRIORS / name).read_text(encoding="utf-8")) for name in FILES}
CAUSE_NODES = tuple(k for k in BASE["causes.toml"])
PRIOR_DISTRIBUTIONS = tuple(k for k, t in BASE["exposures.toml"].items() if t.get("model") == "prior")
GARBAGE_LINES = ("[unclosed", "x = ", "= 1", 'a = "unterminated', "[[]]", "key = 1 2", "\x00", "value = {,}")
OUT_OF_RANGE = (-0.1, 1.5, 2, -1, 1.0000001, -1e-300, float("inf"), float("-inf"), float("nan"), 1e308)
NEVER_A_COUNT = (-0.1, -1, -1e-300, float("-inf"), float("nan"))  # for a number of days, weeks or phases
OTHER_TYPES = ("0.3", "", True, [0.1, 0.2], {"x": 0.1}, [], {})


def _file_corruption(draw, folder, kind: str) -> Corruption:
    """Something other than a readable priors file of a sensible size where one should be, an
    extra *.toml file, or a byte-order mark (which is fine)."""
    import os

    name = draw(st.sampled_from(FILES))
    path = folder / name
    if kind == "extra_toml":
        extra = draw(st.sampled_from(["extra.toml", "causes.old.toml", "Triage.TOML", "x.toml"]))
        (folder / extra).write_text(draw(st.sampled_from(["", "[caffeine_effect]\nmodel = 'noisy_or'\n"])))
        return Corruption(kind, extra, "", True)
    if kind == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        return Corruption(kind, name, "", False)
    if kind == "oversized":
        with open(path, "ab") as f:
            f.write(b"# padding\n" * (1 + (1 << 20) // 10))
        return Corruption(kind, name, "", True)
    if kind == "link_outside":
        outside = folder.parent / f"{folder.name}-outside"
        outside.mkdir(exist_ok=True)
        path.rename(outside / name)
        path.symlink_to(outside / name)
        return Corruption(kind, name, "", True)
    what = draw(st.sampled_from(["fifo", "folder", "loop"]))
    path.unlink()
    if what == "fifo":
        os.mkfifo(path)
    elif what == "folder":
        path.mkdir()
    else:
        path.symlink_to(path)
    return Corruption(kind, name, "", True, what)


def _other_type(draw, current):
    options = [v for v in OTHER_TYPES if type(v) is not type(current)]
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        options = [v for v in options if isinstance(v, (str, bool, list, dict))]
    return draw(st.sampled_from(options))


@st.composite
def corruptions(draw, folder_factory):
    """Break a fresh copy of priors/ one way; returns (folder, Corruption).

    folder_factory() must return an empty scratch path to copy into."""
    folder = copy_priors(folder_factory())
    kind = draw(st.sampled_from(["delete_key", "change_type", "out_of_range", "sum_off", "cycle",
                                 "broken_toml", "bad_utf8", "delete_file", "extra_key", "unknown_parent",
                                 "not_a_file", "extra_toml", "link_outside", "oversized", "bom"]))
    if kind in ("not_a_file", "extra_toml", "link_outside", "oversized", "bom"):
        return folder, _file_corruption(draw, folder, kind)
    data = read_priors(folder)
    if kind in ("delete_file", "broken_toml", "bad_utf8"):
        name = draw(st.sampled_from(FILES))
        path = folder / name
        if kind == "delete_file":
            path.unlink()
            return folder, Corruption(kind, name, "", True)
        text = path.read_text(encoding="utf-8").splitlines(keepends=True)
        at = draw(st.integers(0, len(text)))
        if kind == "broken_toml":
            garbage = draw(st.sampled_from(GARBAGE_LINES))
            text.insert(at, garbage + "\n")
            path.write_text("".join(text), encoding="utf-8")
            return folder, Corruption(kind, name, "", True, f"line {at + 1}: {garbage!r}")
        raw = "".join(text[:at]).encode() + b"\xff\xfe" + "".join(text[at:]).encode()
        path.write_bytes(raw)
        return folder, Corruption(kind, name, "", True, f"at line {at + 1}")
    if kind == "sum_off":
        node = draw(st.sampled_from(PRIOR_DISTRIBUTIONS))
        entry = data["exposures.toml"][node]["prior"]
        state = draw(st.sampled_from(sorted(entry["value"])))
        delta = draw(st.sampled_from([1e-3, -1e-3]))
        old = entry["value"][state]
        if old + delta < 0:
            delta = 1e-3
        entry["value"][state] = old + delta
        lo, hi = entry["range"][state]
        entry["range"][state] = [max(0.0, min(lo, old + delta)), min(1.0, max(hi, old + delta))]
        write_priors_file(folder, "exposures.toml", data["exposures.toml"])
        return folder, Corruption(kind, "exposures.toml", node, True, f"{state} {old} -> {old + delta}")
    if kind == "cycle":
        k = draw(st.integers(2, 4))
        ring = draw(st.permutations(CAUSE_NODES))[:k]
        causes = data["causes.toml"]
        for child, parent in zip(ring, ring[1:] + ring[:1], strict=True):
            given = causes[child].setdefault("given", {})
            given.setdefault(parent, {"value": 0.1, "range": [0.0, 0.5], "judgement": True,
                                      "source": "fuzz", "rationale": "fuzz"})
        write_priors_file(folder, "causes.toml", causes)
        # The new edges may close a shorter cycle with the folder's own edges: any node of the ring will do.
        return folder, Corruption(kind, "causes.toml", ring[0], True, " -> ".join(ring), also=tuple(ring[1:]))
    if kind == "unknown_parent":
        name = draw(st.sampled_from(["causes.toml", "findings.toml"]))
        node = draw(st.sampled_from(sorted(k for k, t in data[name].items() if t.get("model") != "prior")))
        parent = draw(st.sampled_from(["cafeine_effect", "alcohol", "Twitching", "neuromuscular disease"]))
        data[name][node].setdefault("given", {})[parent] = {"value": 0.1, "range": [0.0, 0.5], "judgement": True,
                                                            "source": "fuzz", "rationale": "fuzz"}
        write_priors_file(folder, name, data[name])
        return folder, Corruption(kind, name, node, True, parent)
    name = draw(st.sampled_from(FILES))
    table = data[name]
    if kind == "extra_key":
        path = draw(st.sampled_from([p for p in subpaths(table) if isinstance(get_path(table, p), dict)]))
        get_path(table, path)["unit"] = "percent"
        write_priors_file(folder, name, table)
        return folder, Corruption(kind, name, str(path[0]), True, ".".join(map(str, path)) + ".unit")
    if kind == "delete_key":
        path = draw(st.sampled_from(subpaths(table) + [p for p in leaves(table) if isinstance(p[-1], int)]))
        delete_path(table, path)
        write_priors_file(folder, name, table)
        # Some keys are optional (a cause parent's whole `given` entry): the folder may stay valid.
        return folder, Corruption(kind, name, str(path[0]), False, ".".join(map(str, path)))
    leaf_paths = leaves(table)
    if kind == "out_of_range":
        path = draw(st.sampled_from([p for p in leaf_paths if is_probability_leaf(p)
                                     and isinstance(get_path(table, p), (int, float))]))
        # diary.toml holds days, weeks and counts besides shares: only what no unit allows
        counted = name == "diary.toml" and table[path[0]].get("unit") != "share"
        bad = draw(st.sampled_from(NEVER_A_COUNT if counted else OUT_OF_RANGE))
        put_path(table, path, bad)
        write_priors_file(folder, name, table)
        return folder, Corruption(kind, name, str(path[0]), True, f"{'.'.join(map(str, path))} = {bad}")
    # change_type: any leaf or table gets a value of another type
    path = draw(st.sampled_from(leaf_paths + subpaths(table)))
    new = _other_type(draw, get_path(table, path))
    put_path(table, path, new)
    write_priors_file(folder, name, table)
    # An empty table written where a table was is still "a table"; only a type change counts.
    must = not (isinstance(new, dict) and isinstance(get_path(BASE[name], path), dict))
    return folder, Corruption(kind, name, str(path[0]), must, f"{'.'.join(map(str, path))} = {new!r}")
