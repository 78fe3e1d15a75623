"""Read and validate a priors folder: the hand-set numbers, with their rationale and source.

A priors folder holds five TOML files (see priors/README.md for the format):
exposures.toml, causes.toml, findings.toml, triage.toml and diary.toml (the diary's
settings, which are not probabilities of the network), and no other *.toml file.
Each must be a regular file of at most MAX_FILE_BYTES, UTF-8 (a byte-order mark is
fine); a symbolic link is followed only within the folder. Loading checks every file,
node and number, and refuses a malformed folder with a `PriorsError` that names the
file, the key and the problem (a FIFO, a folder, a link loop, a permission denied, a
file too large are each named as what they are). The folder's identity is its content: `fingerprint`
is the sha256 of the file names and bytes, and a `Priors` carries the fingerprint of
the files it was read from.
"""
from __future__ import annotations

import errno
import graphlib
import hashlib
import math
import os
import stat
import threading
import tomllib
from pathlib import Path

import numpy as np

from ..errors import PriorsError
from ..vocabulary import ABSENT, CAUSE_STATES, PRESENT, Vocabulary, load_vocabulary
from .schema import DIARY_UNITS, TRIAGE_KEYS, Node, Parameter, Priors, Setting


def _default_priors() -> Path:
    """The repository's priors/ (or the copy an installed package carries as model/_priors)."""
    package = Path(__file__).resolve().parent.parent
    repo = package.parent / "priors"
    return repo if (repo / "causes.toml").is_file() else package / "_priors"


DEFAULT_PRIORS = _default_priors().resolve()
FILES = ("exposures.toml", "causes.toml", "findings.toml", "triage.toml", "diary.toml")
NODE_FILE = {"context": "exposures.toml", "exposure": "exposures.toml",
             "symptom": "findings.toml", "lab": "findings.toml"}
ENTRY_KEYS = {"value", "range", "judgement", "source", "rationale"}
MODEL_KEYS = {
    "prior": {"model", "prior"},
    "noisy_or": {"model", "present", "reference", "baseline", "given", "label"},
    "noisy_max": {"model", "order", "reference", "baseline", "given", "label"},
}
# The network's shape (what the exact noisy-OR kernel relies on): a finding (symptom or
# blood test) is childless and takes causes as parents, plus these inputs for a background
# that depends on them; a cause takes answers (context and exposure inputs) and other
# causes; an answer takes only other answers.
FINDING_INPUT_PARENTS = ("age",)
SUM_TOLERANCE = 1e-6
MAX_FILE_BYTES = 1 << 20  # 1 MiB: the real files are a few tens of KB


def load_priors(folder: str | Path | None = None) -> Priors:
    """Read and validate a priors folder (the repository's `priors/` by default)."""
    folder = _folder(folder)
    _no_extra_files(folder)
    data = {name: _read_bytes(folder, name) for name in FILES}
    raw = {name: _parse_toml(name, data[name]) for name in FILES}
    return _Builder(folder, raw, load_vocabulary(), _digest(data)).build()


def fingerprint(folder: str | Path | None = None) -> str:
    """The sha256 of a priors folder's files (names and bytes): changes exactly when the content does.

    Reading four small files is cheap, but `rank()` asks on every call, so the digest is
    remembered for each file's (inode, size, modification time) and read again only when one
    of those changes."""
    paths = _PATHS.get(folder) if folder is not None else _PATHS.get(DEFAULT_PRIORS)
    if paths is not None:  # a folder seen before: four stat calls on its files' paths, nothing else
        stamp = (paths[0], tuple(_stat(p) for p in paths[1:]))
        with _STAMPS_LOCK:
            known = _STAMPS.get(stamp)
        if known is not None:
            return known
    folder = _folder(folder)
    paths = (str(folder), *(os.path.join(folder, name) for name in FILES))
    if len(_PATHS) < 256:
        _PATHS[folder] = paths
    stamp = (paths[0], tuple(_stat(p) for p in paths[1:]))
    with _STAMPS_LOCK:
        known = _STAMPS.get(stamp)
    if known is not None:
        return known
    digest = _digest({name: _read_bytes(folder, name) for name in FILES})
    with _STAMPS_LOCK:
        if len(_STAMPS) >= 64:
            _STAMPS.clear()
        _STAMPS[stamp] = digest
    return digest


def _folder(folder: str | Path | None) -> Path:
    folder = Path(DEFAULT_PRIORS if folder is None else folder)
    if not folder.is_dir():
        raise PriorsError(f"{folder}: not a folder (a priors folder holds {', '.join(FILES)})")
    return folder


_STAMPS: dict[tuple, str] = {}
_PATHS: dict[str | Path, tuple[str, ...]] = {}  # a folder -> its path and its files' paths, as strings
_STAMPS_LOCK = threading.Lock()


def _stat(path: str | Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _digest(data: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + data[name] + b"\0")
    return digest.hexdigest()


def _no_extra_files(folder: Path) -> None:
    """Refuse *.toml files that are not priors files: numbers a reviewer expects to count."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as exc:
        raise PriorsError(f"{folder}: the priors folder cannot be listed: {_reason(exc)}") from None
    extra = [n for n in names if n.lower().endswith(".toml") and n not in FILES]
    if extra:
        raise PriorsError(f"{', '.join(extra)}: not a priors file (a priors folder holds exactly "
                          f"{', '.join(FILES)}); remove or rename {'it' if len(extra) == 1 else 'them'}")


def _read_bytes(folder: Path, name: str) -> bytes:
    """A priors file's bytes, refused by name when it is not a readable regular file of at most
    MAX_FILE_BYTES inside the folder."""
    path = folder / name
    where = f"(a priors folder holds {', '.join(FILES)})"
    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        raise PriorsError(f"{name}: file is missing from {folder} {where}") from None
    except OSError as exc:
        raise PriorsError(f"{name}: cannot be read: {_reason(exc)}") from None
    if link:
        try:
            real = Path(os.path.realpath(path, strict=True))
        except FileNotFoundError:
            raise PriorsError(f"{name}: is a symbolic link to a missing file ({os.readlink(path)})") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP or "loop" in str(exc).lower():
                raise PriorsError(f"{name}: is a symbolic link loop, not a file") from None
            raise PriorsError(f"{name}: cannot be read: {_reason(exc)}") from None
        home = Path(os.path.realpath(folder))
        if real.parent != home and home not in real.parents:
            raise PriorsError(f"{name}: is a symbolic link to {real}, outside the priors folder {home}; "
                              "copy the file into the folder instead")
    try:
        fd = _open_file(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PriorsError(f"{name}: is a symbolic link loop, not a file") from None
        raise PriorsError(f"{name}: cannot be read: {_reason(exc)}") from None
    try:
        st = os.fstat(fd)  # the file opened, not the name looked at before
        if not stat.S_ISREG(st.st_mode):
            raise PriorsError(f"{name}: is {_file_kind(st.st_mode)}, not a file {where}")
        if st.st_size > MAX_FILE_BYTES:
            raise PriorsError(f"{name}: is {st.st_size:,} bytes, over the {MAX_FILE_BYTES:,} bytes (1 MiB) a "
                              "priors file may hold")
        with os.fdopen(fd, "rb") as handle:
            fd = -1  # the handle closes it now
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PriorsError(f"{name}: cannot be read: {_reason(exc)}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_FILE_BYTES:  # it grew after the check
        raise PriorsError(f"{name}: is over the {MAX_FILE_BYTES:,} bytes (1 MiB) a priors file may hold")
    return data


def _open_file(path: Path) -> int:
    """Open for reading without blocking on a FIFO (O_NONBLOCK) or following a final link
    that the checks above did not see."""
    return os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))


def _file_kind(mode: int) -> str:
    for test, word in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return word
    return "not a regular file"


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def _parse_toml(name: str, data: bytes) -> dict:
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as exc:
        raise PriorsError(f"{name}: not UTF-8 text ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PriorsError(f"{name}: not valid TOML: {exc}") from None


class _Builder:
    """Turns the raw TOML tables into validated nodes and a parameter vector."""

    def __init__(self, folder: Path, raw: dict[str, dict], vocab: Vocabulary, digest: str):
        self.folder, self.raw, self.vocab, self.digest = folder, raw, vocab, digest
        self.parameters: list[Parameter] = []

    # ------------------------------------------------------------------ top level
    def build(self) -> Priors:
        declared = self._declared_nodes()
        self.node_states = {n: states for n, (_, states, _, _) in declared.items()}
        self.causes = {n for n, (_, _, _, is_cause) in declared.items() if is_cause}
        nodes = {n: self._node(n, *declared[n]) for n in declared}
        order = _topological(nodes)
        triage = self._triage()
        extras = {n: nodes[n].label for n in declared if n in self.causes and n not in self.vocab.causes}
        values = np.array([p.value for p in self.parameters], dtype=float)
        values.setflags(write=False)
        return Priors(
            folder=self.folder,
            nodes={n: nodes[n] for n in order},
            parameters=tuple(self.parameters),
            values=values,
            triage=triage,
            causes={**self.vocab.causes, **extras},
            vocabulary=self.vocab,
            fingerprint=self.digest,
            diary=self._diary(),
        )

    def _declared_nodes(self) -> dict[str, tuple[str, tuple[str, ...], str, bool]]:
        """node id -> (file, states, label, is_cause), checking each node is in its file."""
        declared: dict[str, tuple[str, tuple[str, ...], str, bool]] = {}
        for name in ("exposures.toml", "findings.toml", "causes.toml"):
            for key, table in self.raw[name].items():
                where = f"{name}: [{key}]"
                if not isinstance(table, dict):
                    raise PriorsError(f"{where}: expected a table of settings, got {_kind(table)}")
                if key in declared:
                    raise PriorsError(f"{where}: defined twice (also in {declared[key][0]})")
                if name == "causes.toml":
                    if key in self.vocab.inputs:
                        raise PriorsError(f"{where}: {key!r} is an input; it belongs in {NODE_FILE[self.vocab.inputs[key].group]}")
                    if key in self.vocab.causes:
                        label = self.vocab.causes[key]
                        if "label" in table:
                            raise PriorsError(f"{where}.label: vocabulary causes take their label from the vocabulary; remove it")
                    else:
                        given = table.get("label")
                        if not isinstance(given, str) or not given.strip():
                            raise PriorsError(f"{where}.label: a cause that is not in the vocabulary needs a label (a non-empty string)")
                        label = given
                    declared[key] = (name, CAUSE_STATES, label, True)
                else:
                    spec = self.vocab.inputs.get(key)
                    if spec is None or NODE_FILE[spec.group] != name:
                        valid = sorted(i.id for i in self.vocab.inputs.values() if NODE_FILE[i.group] == name)
                        raise PriorsError(f"{where}: unknown input for this file; valid: {', '.join(valid)}")
                    if "label" in table:
                        raise PriorsError(f"{where}.label: inputs take their label from the vocabulary; remove it")
                    declared[key] = (name, spec.states, spec.question, False)
        for spec in self.vocab.inputs.values():
            if spec.id not in declared:
                raise PriorsError(f"{NODE_FILE[spec.group]}: [{spec.id}] is missing (every vocabulary input needs an entry)")
        for cause in self.vocab.causes:
            if cause not in declared:
                raise PriorsError(f"causes.toml: [{cause}] is missing (every vocabulary cause needs an entry)")
        return declared

    # ------------------------------------------------------------------ nodes
    def _node(self, node: str, file: str, states: tuple[str, ...], label: str, is_cause: bool) -> Node:
        table = self.raw[file][node]
        where = f"{file}: [{node}]"
        model = table.get("model")
        if not isinstance(model, str) or model not in MODEL_KEYS:
            raise PriorsError(f"{where}.model: must be one of {', '.join(MODEL_KEYS)}, got {model!r}")
        _check_keys(table, MODEL_KEYS[model], {"model"} | ({"prior"} if model == "prior" else {"baseline"}), where)
        if model == "prior":
            if is_cause:
                raise PriorsError(f"{where}.model: causes use noisy_or")
            prior = self._distribution(file, f"{node}.prior", table["prior"], states, states, "prior", node)
            return Node(node, file, model, states, label, is_cause, prior=prior)
        if model == "noisy_or":
            order = self._noisy_or_order(table, states, is_cause, where)
        else:
            order = self._noisy_max_order(table, states, where)
        reference = self._reference(table, model, where)
        grades = [states[i] for i in order[1:]]
        baseline = self._graded(file, f"{node}.baseline", table["baseline"], grades, states, model, node)
        given_raw = table.get("given", {})
        if not isinstance(given_raw, dict):
            raise PriorsError(f"{where}.given: expected a table, got {_kind(given_raw)}")
        given: dict[str, dict[int, dict[int, int]]] = {}
        for parent, entry in given_raw.items():
            key = f"{node}.given.{parent}"
            if parent not in self.node_states:
                raise PriorsError(f"{file}: {key}: unknown parent {parent!r}; valid parents are causes ({', '.join(sorted(self.causes))}) or inputs")
            if parent == node:
                raise PriorsError(f"{file}: {key}: a node cannot be its own parent")
            self._check_edge(file, key, node, parent, is_cause)
            if parent in self.causes:
                if parent in reference:
                    raise PriorsError(f"{file}: {node}.reference.{parent}: causes always have reference 'absent'; remove it")
                given[parent] = {CAUSE_STATES.index(PRESENT): self._graded(file, key, entry, grades, states, model, node)}
                continue
            if parent not in reference:
                raise PriorsError(f"{file}: {key}: input parent {parent!r} needs a reference state in {node}.reference")
            if not isinstance(entry, dict):
                raise PriorsError(f"{file}: {key}: expected a table of parent states, got {_kind(entry)}")
            pstates = self.node_states[parent]
            by_state: dict[int, dict[int, int]] = {}
            for pstate, sub in entry.items():
                skey = f"{key}.{pstate}"
                if pstate not in pstates:
                    raise PriorsError(f"{file}: {skey}: unknown state {pstate!r} of {parent}; valid: {', '.join(pstates)}")
                if pstates.index(pstate) == reference[parent]:
                    raise PriorsError(f"{file}: {skey}: this is the reference state; its value is the baseline")
                by_state[pstates.index(pstate)] = self._graded(file, skey, sub, grades, states, model, node)
            if not by_state:
                raise PriorsError(f"{file}: {key}: no states given")
            given[parent] = by_state
        for parent in reference:
            if parent not in given:
                raise PriorsError(f"{file}: {node}.reference.{parent}: parent has no entry under {node}.given")
        ref_idx = {p: reference[p] if p in reference else CAUSE_STATES.index(ABSENT) for p in given}
        return Node(node, file, model, states, label, is_cause, parents=tuple(given), reference=ref_idx,
                    order=order, baseline=baseline, given=given)

    def _check_edge(self, file, key, node, parent, is_cause) -> None:
        """Refuse an edge outside the network's shape (see FINDING_INPUT_PARENTS)."""
        role, prole = ("cause" if is_cause else self.vocab.role_of(node)), self.vocab.role_of(parent)
        if prole == "finding":
            raise PriorsError(f"{file}: {key}: {parent!r} is a finding (a symptom or blood test); findings have no "
                              "children, so it cannot be a parent")
        if role == "finding" and prole == "answer" and parent not in FINDING_INPUT_PARENTS:
            raise PriorsError(f"{file}: {key}: a finding's parents are causes, or {', '.join(FINDING_INPUT_PARENTS)} "
                              f"for a background that depends on it; {parent!r} is an answer: link it to a cause instead")
        if role == "answer" and prole == "cause":
            raise PriorsError(f"{file}: {key}: an answer's parents are other answers; {parent!r} is a cause")

    def _noisy_or_order(self, table, states, is_cause, where) -> tuple[int, ...]:
        if len(states) != 2:
            raise PriorsError(f"{where}.model: noisy_or needs a yes/no node; this one has states {', '.join(states)}")
        present = table.get("present", PRESENT if is_cause else None)
        if present not in states:
            raise PriorsError(f"{where}.present: must name the state the causes produce, one of {', '.join(states)}; got {present!r}")
        p = states.index(present)
        return (1 - p, p)

    def _noisy_max_order(self, table, states, where) -> tuple[int, ...]:
        order = table.get("order")
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(states) or len(order) != len(states):
            raise PriorsError(f"{where}.order: must list every state once, mildest first: {', '.join(states)}; got {order!r}")
        return tuple(states.index(s) for s in order)

    def _reference(self, table, model, where) -> dict[str, int]:
        ref = table.get("reference", {})
        if not isinstance(ref, dict):
            raise PriorsError(f"{where}.reference: expected a table parent = state, got {_kind(ref)}")
        out = {}
        for parent, state in ref.items():
            if parent not in self.node_states or parent in self.causes:
                raise PriorsError(f"{where}.reference.{parent}: unknown input parent; valid: {', '.join(sorted(self.vocab.inputs))}")
            pstates = self.node_states[parent]
            if state not in pstates:
                raise PriorsError(f"{where}.reference.{parent}: unknown state {state!r}; valid: {', '.join(pstates)}")
            out[parent] = pstates.index(state)
        return out

    # ------------------------------------------------------------------ parameters
    def _distribution(self, file, key, entry, keys, states, kind, node) -> dict[int, int]:
        """An entry whose value is a table over `keys` (a prior or a graded finding)."""
        where = f"{file}: {key}"
        meta = self._entry_meta(entry, where)
        value, rng = entry["value"], entry["range"]
        for name, table in (("value", value), ("range", rng)):
            if not isinstance(table, dict):
                raise PriorsError(f"{where}.{name}: expected a table keyed by state ({', '.join(keys)}), got {_kind(table)}")
            if set(table) != set(keys):
                missing, extra = set(keys) - set(table), set(table) - set(keys)
                parts = ([f"missing {', '.join(sorted(missing))}"] if missing else []) + ([f"unknown {', '.join(sorted(extra))}"] if extra else [])
                raise PriorsError(f"{where}.{name}: {'; '.join(parts)} (expected states {', '.join(keys)})")
        out = {}
        for state in keys:
            out[states.index(state)] = self._add(file, f"{key}.{state}", value[state], rng[state], meta, key, kind, node)
        total = sum(self.parameters[i].value for i in out.values())
        if kind == "prior" and abs(total - 1.0) > SUM_TOLERANCE:
            raise PriorsError(f"{where}.value: the probabilities must sum to 1, they sum to {total:.6g}")
        if kind == "graded" and total > 1.0 + SUM_TOLERANCE:
            raise PriorsError(f"{where}.value: the probabilities of the grades must sum to at most 1, they sum to {total:.6g}")
        return out

    def _graded(self, file, key, entry, grades, states, model, node) -> dict[int, int]:
        if model == "noisy_max":
            return self._distribution(file, key, entry, grades, states, "graded", node)
        where = f"{file}: {key}"
        meta = self._entry_meta(entry, where)
        return {states.index(grades[0]): self._add(file, key, entry["value"], entry["range"], meta, key, "single", node)}

    def _entry_meta(self, entry, where) -> dict:
        if not isinstance(entry, dict):
            raise PriorsError(f"{where}: expected a table with {', '.join(sorted(ENTRY_KEYS))}, got {_kind(entry)}")
        _check_keys(entry, ENTRY_KEYS, ENTRY_KEYS, where)
        if not isinstance(entry["judgement"], bool):
            raise PriorsError(f"{where}.judgement: must be true or false, got {_kind(entry['judgement'])}")
        for text in ("source", "rationale"):
            if not isinstance(entry[text], str) or not entry[text].strip():
                raise PriorsError(f"{where}.{text}: must be a non-empty string")
        return {"judgement": entry["judgement"], "source": entry["source"].strip(), "rationale": entry["rationale"].strip()}

    def _add(self, file, pid, value, rng, meta, group, kind, node) -> int:
        where = f"{file}: {pid}"
        value = _probability(value, f"{where} value")
        if not isinstance(rng, list) or len(rng) != 2:
            raise PriorsError(f"{where} range: expected [low, high], got {rng!r}")
        low, high = (_probability(x, f"{where} range") for x in rng)
        if not low <= value <= high:
            raise PriorsError(f"{where}: value {value} lies outside its range [{low}, {high}]")
        self.parameters.append(Parameter(pid, file, node, value, low, high, group=group, kind=kind, **meta))
        return len(self.parameters) - 1

    def _triage(self) -> dict[str, int]:
        raw = self.raw["triage.toml"]
        _check_keys(raw, set(TRIAGE_KEYS), set(TRIAGE_KEYS), "triage.toml")
        out = {}
        for key in TRIAGE_KEYS:
            meta = self._entry_meta(raw[key], f"triage.toml: {key}")
            out[key] = self._add("triage.toml", f"triage.{key}", raw[key]["value"], raw[key]["range"], meta,
                                 f"triage.{key}", "single", "triage")
        low, high = (self.parameters[out[k]].value for k in ("see_doctor_above", "prompt_evaluation_above"))
        if low > high:
            raise PriorsError(f"triage.toml: see_doctor_above ({low}) must not exceed prompt_evaluation_above ({high})")
        return out


    def _diary(self) -> dict[str, Setting]:
        """The diary's settings: numbers with a unit, a range, judgement, source and rationale."""
        raw = self.raw["diary.toml"]
        _check_keys(raw, set(DIARY_UNITS), set(DIARY_UNITS), "diary.toml")
        out = {}
        for key, unit in DIARY_UNITS.items():
            where = f"diary.toml: [{key}]"
            entry = raw[key]
            if not isinstance(entry, dict):
                raise PriorsError(f"{where}: expected a table of settings, got {_kind(entry)}")
            _check_keys(entry, ENTRY_KEYS | {"unit"}, ENTRY_KEYS | {"unit"}, where)
            meta = self._entry_meta({k: v for k, v in entry.items() if k != "unit"}, where)
            if entry["unit"] != unit:
                raise PriorsError(f"{where}.unit: must be {unit!r}, got {entry['unit']!r}")
            value, rng = entry["value"], entry["range"]
            top = 1.0 if unit == "share" else math.inf
            numbers = [value, *(rng if isinstance(rng, list) else [])]
            if not isinstance(rng, list) or len(rng) != 2 or any(
                    isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 <= x <= top for x in numbers):
                raise PriorsError(f"{where}: value and range [low, high] must be numbers from 0"
                                  + (" to 1 (a share)" if unit == "share" else f" ({unit})"))
            if not rng[0] <= value <= rng[1]:
                raise PriorsError(f"{where}: value {value} lies outside its range [{rng[0]}, {rng[1]}]")
            out[key] = Setting(key, float(value), float(rng[0]), float(rng[1]), unit, **meta)
        return out


def _check_keys(table: dict, allowed: set[str], required: set[str], where: str) -> None:
    missing = sorted(required - set(table))
    if missing:
        raise PriorsError(f"{where}: missing key {', '.join(missing)}")
    extra = sorted(set(table) - allowed)
    if extra:
        raise PriorsError(f"{where}: unknown key {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})")


def _probability(x, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise PriorsError(f"{where}: expected a number between 0 and 1, got {_kind(x)}")
    x = float(x)
    if math.isnan(x) or not 0.0 <= x <= 1.0:
        raise PriorsError(f"{where}: {x} is not a probability (it must lie in [0, 1])")
    return x


def _kind(x) -> str:
    if isinstance(x, dict):
        return "a table"
    if isinstance(x, list):
        return "a list"
    return f"{type(x).__name__} {x!r}"


def _topological(nodes: dict[str, Node]) -> list[str]:
    """Parents before children and otherwise the order of the files (the earliest node whose
    parents are all placed comes next), so the order is the same on every run; a cycle is
    refused with the nodes on it."""
    sorter = graphlib.TopologicalSorter({n: nodes[n].parents for n in nodes})
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        cycle = list(reversed(exc.args[1]))  # graphlib lists it child-first; show each arrow to a parent
        raise PriorsError(f"{nodes[cycle[0]].file}: [{cycle[0]}]: the parents form a cycle: "
                          f"{' -> '.join(cycle)} (each arrow points to a parent)") from None
    position = {n: k for k, n in enumerate(nodes)}
    ready: list[str] = []
    order: list[str] = []
    while sorter.is_active():
        ready = sorted([*ready, *sorter.get_ready()], key=position.__getitem__)
        order.append(ready.pop(0))
        sorter.done(order[-1])
    return order
