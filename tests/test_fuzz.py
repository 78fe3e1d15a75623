"""Fuzzing: every input ends in a ranking or the one documented error, never anything else.

Covers the Python API (`rank`, `rank_frame`), the command line (`rank` with answers,
`--case` from a file or standard input, `batch`) and the priors loader (random
corruptions of a copy of priors/). "The documented error" is `model.InputError` (a
ValueError) with a message naming the problem; in the CLI, exit status 2 with that
message on stderr. Never another exception, never a NaN, never a probability outside
[0, 1], never exit status 1.

The number of inputs and corruptions each test really tried is printed at the end of
the module (look for "fuzz counts" in pytest's output); docs/security.md quotes the
numbers of the ci profile.
"""
from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from model import ImpossibleEvidenceError, InputError, PriorsError, Ranker, Ranking, rank
from model.cli import main
from model.priors import load_priors
from model.triage import LEVELS
from tests.support.compare import assert_ranked
from tests.support.strategies import (
    CAUSE_IDS,
    INPUT_IDS,
    INPUTS,
    answer_pairs,
    case_file_bytes,
    cell_state,
    copy_priors,
    corruptions,
    defective_cases,
    frames,
    junk,
    message_names,
    non_string,
    tally,
    valid_cases,
    weird_text,
)

COUNTS, report_counts = tally("fuzz counts")
CLI_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# ------------------------------------------------------------------ checking a result


def assert_valid_ranking(data: dict, ranker, evidence: dict | None = None) -> None:
    """The interface's JSON shape, with every probability a number in [0, 1]."""
    causes = data["causes"]
    assert sorted(c["id"] for c in causes) == sorted(ranker.causes)
    for c in causes:
        p = c["probability"]
        assert isinstance(p, float) and math.isfinite(p) and 0.0 <= p <= 1.0, c
    assert_ranked([(c["id"], c["probability"]) for c in causes])  # ties (within 1e-12) by id
    assert data["triage"]["level"] in LEVELS
    assert data["triage"]["reasons"] and all(isinstance(r, str) and r for r in data["triage"]["reasons"])
    hp = data["high_priority"]
    assert hp["id"] == ranker.high_priority and 0.0 <= hp["probability"] <= 1.0
    assert hp["probability"] == next(c["probability"] for c in causes if c["id"] == hp["id"])
    json.dumps(data, allow_nan=False)  # no NaN or infinity anywhere, detail included
    if evidence is not None:
        assert data["evidence"] == evidence


def rank_or_error(call):
    """('ranking', result) or ('error', message); anything else fails the test."""
    try:
        return "ranking", call()
    except InputError as exc:
        msg = str(exc)
        assert msg.strip(), "an InputError must say what is wrong"
        return "error", msg


# ------------------------------------------------------------------ rank()


@given(case=valid_cases())
def test_every_valid_case_is_ranked(ranker, case):
    COUNTS["rank: valid cases"] += 1
    result = rank(case)
    assert isinstance(result, Ranking)
    assert_valid_ranking(result.to_dict(), ranker, evidence=case)


@given(case_and_defect=defective_cases())
@example(({"caffeine": "high", "cafeine": "high"}, None))
def test_a_case_with_one_defect_is_refused_naming_it(case_and_defect):
    case, defect = case_and_defect
    COUNTS["rank: cases with one defect"] += 1
    with pytest.raises(InputError) as err:
        rank(case)
    assert type(err.value) is InputError
    if defect is not None:
        assert message_names(str(err.value), defect), (defect, str(err.value)[:300])
    else:
        assert "did you mean 'caffeine'" in str(err.value)


@given(anything=junk)
def test_anything_at_all_gives_a_ranking_or_the_documented_error(ranker, anything):
    COUNTS["rank: arbitrary objects"] += 1
    outcome, result = rank_or_error(lambda: rank(anything))
    if outcome == "ranking":
        assert_valid_ranking(result.to_dict(), ranker)


@settings(max_examples=max(3, settings.default.max_examples // 15))
@given(case=st.one_of(valid_cases(), defective_cases().map(lambda cd: cd[0])))
def test_detail_analyses_stay_finite_or_refuse(ranker, case):
    COUNTS["rank(detail=True)"] += 1
    outcome, result = rank_or_error(lambda: rank(case, detail=True))
    if outcome == "ranking":
        data = result.to_dict()
        assert_valid_ranking(data, ranker, evidence=case)
        for c in data["causes"]:
            if "interval" in c:
                lo, hi = c["interval"]
                assert 0.0 <= lo <= hi <= 1.0
            if "rank_stability" in c:
                assert 0.0 <= c["rank_stability"] <= 1.0
        for w in data.get("what_if", []):
            assert 0.0 <= w["twitching_stops"] <= 1.0
        for q in data.get("next_questions", []):
            assert q["information_gain"] >= -1e-12 and q["input"] not in case


def parameter_ids(ranker) -> list[str]:
    return [p.id for p in ranker.priors.parameters]


@settings(max_examples=max(5, settings.default.max_examples // 5))
@given(data=st.data())
def test_session_overrides_give_a_ranker_or_the_documented_error(ranker, data):
    """The dashboard's expert view: any set of changed numbers, valid or not."""
    ids = parameter_ids(ranker)
    if data.draw(st.booleans(), label="plausible"):  # real ids, numbers in [0, 1] (edges included)
        key, value = st.sampled_from(ids), st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 1e-12]))
    else:
        key = st.one_of(st.sampled_from(ids), st.sampled_from(ids).map(lambda s: s[:-1]), weird_text)
        value = st.one_of(st.floats(0, 1), st.floats(allow_nan=True), non_string)
    overrides = data.draw(st.dictionaries(key, value, min_size=1, max_size=3), label="overrides")
    COUNTS["with_overrides: override sets"] += 1
    before = ranker.priors.values.copy()
    outcome, edited = rank_or_error(lambda: ranker.with_overrides(overrides))
    assert np.array_equal(ranker.priors.values, before), "the shared ranker's numbers must not change"
    if outcome == "error":
        assert any(word in edited for word in ("prior", "grades", "threshold", "mapping")), edited
        COUNTS["with_overrides: refused"] += 1
        return
    for case in ({}, {"caffeine": "high", "twitching": "yes"}):
        outcome, result = rank_or_error(lambda c=case: edited.rank(c))
        if outcome == "ranking":
            assert_valid_ranking(result.to_dict(), edited)
        else:
            assert "impossible under the model" in result


# ------------------------------------------------------------------ rank_frame()


def column_input(column) -> str | None:
    """The input id a column names, as the interface matches them: case and spaces aside."""
    key = "_".join(str(column).strip().lower().split())
    return key if key in INPUTS else None


def expected_rows(frame: pd.DataFrame, ignore=()):
    """Per row position: the case it stands for, or None if some input cell is bad."""
    out = []
    for pos in range(len(frame)):
        case = {}
        for j, column in enumerate(frame.columns):
            input_id = column_input(column)
            if input_id is None or column in ignore:
                continue
            try:
                state = cell_state(input_id, frame.iloc[pos, j])
            except ValueError:
                case = None
                break
            if state is not None:
                case[input_id] = state
        out.append(case)
    return out


@given(frame=frames(), ignore_extras=st.booleans())
@example(frame=pd.DataFrame(columns=["caffeine", "note", "Caffeine"]), ignore_extras=False)  # found by CI
def test_rank_frame_ranks_good_rows_and_reports_each_bad_one(ranker, frame, ignore_extras):
    COUNTS["rank_frame: frames"] += 1
    COUNTS["rank_frame: rows"] += len(frame)
    unknown = [c for c in frame.columns if column_input(c) is None]
    ignore = unknown if ignore_extras else []
    named = [column_input(c) for c in frame.columns if column_input(c) is not None]
    if len(set(named)) < len(named):  # "caffeine" and " caffeine": one input twice
        COUNTS["rank_frame: one input under two names"] += 1
        with pytest.raises(InputError, match="duplicated column"):
            ranker.rank_frame(frame, errors="skip", ignore=ignore)
        return
    if unknown and not ignore_extras:  # a column that names no input must be passed over by name
        COUNTS["rank_frame: unknown columns refused"] += 1
        with pytest.raises(InputError, match=f"column {str(unknown[0])!r} is not an input"):
            ranker.rank_frame(frame, errors="skip")
        return
    expected = expected_rows(frame, ignore)
    bad = [pos for pos, case in enumerate(expected) if case is None]
    out = ranker.rank_frame(frame, errors="skip", ignore=ignore)
    assert list(out.columns) == ranker.causes + ["triage"]
    assert sorted(out.attrs["bad_positions"]) == bad
    assert list(out.index) == [frame.index[p] for p, case in enumerate(expected) if case is not None]
    assert len(out) + len(out.attrs["bad_positions"]) == len(frame), "no row may vanish"
    values = out[ranker.causes].to_numpy(dtype=float)
    assert np.isfinite(values).all() and (values >= 0).all() and (values <= 1).all()
    for row, case in enumerate(c for c in expected if c is not None):
        single = rank(case)
        for c in ranker.causes:
            assert out.iloc[row][c] == pytest.approx(single.probability(c), abs=1e-12)
        assert out.iloc[row]["triage"] == single.triage.level
    for msg in out.attrs["bad_positions"].values():
        assert any(repr(column_input(c)) in msg for c in frame.columns if column_input(c)), msg
    if bad:
        with pytest.raises(InputError) as err:
            ranker.rank_frame(frame, ignore=ignore)
        label = frame.index[bad[0]]
        label = label.item() if isinstance(label, np.generic) else label
        assert str(err.value).startswith(f"row {bad[0]} (index {label!r})")
    else:
        pd.testing.assert_frame_equal(ranker.rank_frame(frame, ignore=ignore), out)


@given(frame=frames(max_rows=4), column=st.sampled_from(INPUT_IDS))
def test_a_duplicated_column_is_refused_by_name(ranker, frame, column):
    COUNTS["rank_frame: duplicated columns"] += 1
    doubled = pd.concat([frame, pd.DataFrame({column: [None] * len(frame)}, index=frame.index, dtype=object),
                         pd.DataFrame({column: [None] * len(frame)}, index=frame.index, dtype=object)], axis=1)
    with pytest.raises(InputError, match=f"duplicated column .*{column}"):
        ranker.rank_frame(doubled)


@given(thing=st.one_of(junk, st.builds(lambda c: pd.Series(c, dtype=object), valid_cases()),
                       st.builds(lambda cs: [c for c in cs], st.lists(valid_cases(), max_size=3))))
def test_rank_frame_refuses_what_is_not_a_frame(ranker, thing):
    COUNTS["rank_frame: not a frame"] += 1
    with pytest.raises(InputError, match="DataFrame"):
        ranker.rank_frame(thing)


# ------------------------------------------------------------------ the command line


@contextmanager
def stdin_bytes(raw: bytes):
    with mock.patch.object(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")):
        yield


def cli(capsys, argv, stdin: bytes | None = None):
    """Run the CLI in-process; argparse's own refusals (SystemExit) count as an exit status."""
    capsys.readouterr()
    try:
        if stdin is None:
            code = main(argv)
        else:
            with stdin_bytes(stdin):
                code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_cli_outcome(code, out, err, ranker, case=None):
    """Exit 0 with a valid JSON ranking, or exit 2 with one clear message; never 1, never a traceback."""
    assert "Traceback" not in err
    assert code in (0, 2), f"exit {code}: {err[-500:]}"
    if code == 0:
        data = json.loads(out)
        assert_valid_ranking(data, ranker)
        if case is not None:
            assert data == rank(case).to_dict()
        return "ranking"
    assert out == "", "nothing on stdout when the input is refused"
    assert err.startswith(("twitch-causes: ", "usage: twitch-causes")), err[:200]
    assert len(err.strip()) > len("twitch-causes: ")
    return "error"


def parse_answers(pairs: list[str]) -> dict | None:
    """What the CLI should read from INPUT=STATE answers, if they are all valid and each input is
    given once; else None."""
    case = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or pair.startswith("-") or key.strip() in case:
            return None
        case[key.strip()] = value.strip()
    if all(k in INPUTS and v in INPUTS[k] for k, v in case.items()):
        return case
    return None


@CLI_SETTINGS
@given(pairs=st.lists(answer_pairs, max_size=5), as_json=st.booleans())
@example(pairs=["caffeine= high", " twitching =yes"], as_json=True)
@example(pairs=["caffeine=high", "caffeine=none"], as_json=True)  # an input given twice: refused (issue 11)
@example(pairs=["-h=x"], as_json=True)
def test_cli_rank_answers(capsys, ranker, pairs, as_json):
    COUNTS["cli rank: argument lists"] += 1
    argv = ["rank"] + (["--json"] if as_json else []) + pairs
    code, out, err = cli(capsys, argv)
    expected = parse_answers(pairs)
    if as_json:
        outcome = assert_cli_outcome(code, out, err, ranker, expected)
    else:
        assert "Traceback" not in err and code in (0, 2), (code, err[-300:])
        outcome = "ranking" if code == 0 else "error"
        if code == 0:
            assert out.strip() and err == ""
    if expected is not None:
        assert outcome == "ranking", err
    elif code == 2:
        assert err.startswith(("twitch-causes: ", "usage: twitch-causes"))


@CLI_SETTINGS
@given(raw=case_file_bytes(), via_stdin=st.booleans())
@example(raw=b"[" * 100_000 + b"]" * 100_000, via_stdin=True)
@example(raw=b"\xef\xbb\xbf" + b'{"caffeine": "high"}', via_stdin=True)
@example(raw=b'{"caffeine": "high", "twitching": NaN}', via_stdin=False)
def test_cli_case_files(capsys, ranker, tmp_path_factory, raw, via_stdin):
    COUNTS["cli rank --case: files"] += 1
    if via_stdin:
        code, out, err = cli(capsys, ["rank", "--json", "--case", "-"], stdin=raw)
    else:
        path = tmp_path_factory.getbasetemp() / "fuzz-case.json"
        path.write_bytes(raw)
        code, out, err = cli(capsys, ["rank", "--json", "--case", str(path)])
    try:
        parsed = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        parsed = None
    if isinstance(parsed, dict) and "causes" in parsed and isinstance(parsed.get("evidence"), dict):
        parsed = parsed["evidence"]
    valid = isinstance(parsed, dict) and all(k in INPUTS and v in INPUTS[k] for k, v in parsed.items()
                                             if isinstance(v, str)) and all(isinstance(v, str) for v in parsed.values())
    outcome = assert_cli_outcome(code, out, err, ranker, parsed if valid else None)
    assert outcome == ("ranking" if valid else "error"), (raw[:200], err[:300])


HUGE = b"7" * 4301  # one digit more than Python converts by default (sys.get_int_max_str_digits)


@pytest.mark.parametrize("raw", [b'{"caffeine": ' + HUGE + b"}", b'{"caffeine": [' + HUGE + b"]}",
                                 b'{"causes": [], "evidence": {"age": ' + HUGE + b"}}", HUGE],
                         ids=["value", "nested", "saved-result", "bare"])
def test_a_case_file_with_a_huge_integer_is_bad_input(capsys, tmp_path, raw):
    """Found by the fuzzer: json.loads raises a plain ValueError (not JSONDecodeError) for
    integers of more than 4300 digits, and the CLI reported it as an internal error, exit 1."""
    path = tmp_path / "case.json"
    path.write_bytes(raw)
    code, out, err = cli(capsys, ["rank", "--json", "--case", str(path)])
    assert code == 2 and out == "" and "internal error" not in err, err[:300]
    assert err.startswith(f"twitch-causes: {path}: ")


def csv_rows(n_rows):
    cell = st.one_of(st.sampled_from(["high", "none", "yes", "no", "", " ", "lots"]),
                     st.text(max_size=8), st.sampled_from(["=1+1", "+1", "-1", "@A1", "a,b", 'q"q', "l1\nl2"]))
    return st.lists(st.lists(cell, min_size=0, max_size=4), max_size=n_rows)


@CLI_SETTINGS
@given(header=st.lists(st.sampled_from(INPUT_IDS[:6] + ("note", "=x", "")), min_size=1, max_size=4, unique=True),
       rows=csv_rows(8), tail=st.binary(max_size=40), newline=st.sampled_from(["\n", "\r\n"]))
def test_cli_batch_random_files(capsys, ranker, tmp_path_factory, header, rows, tail, newline):
    """Any file: exit 0 or 2, and every row is either in the output or reported by number."""
    COUNTS["cli batch: files"] += 1
    base = tmp_path_factory.getbasetemp()
    src, dst = base / "fuzz-batch.csv", base / "fuzz-batch-out.csv"
    dst.unlink(missing_ok=True)
    text = io.StringIO()
    import csv

    csv.writer(text, lineterminator=newline).writerows([header] + rows)
    src.write_bytes(text.getvalue().encode("utf-8") + tail)
    code, out, err = cli(capsys, ["batch", str(src), "-o", str(dst), "--quiet"])
    assert "Traceback" not in err and code in (0, 2), (code, err[-400:])
    assert out == ""
    if not dst.exists():  # refused as a whole: one message, exit 2
        assert code == 2 and err.startswith("twitch-causes: ") and err.count("\n") == 1, err
        return
    reported = [line for line in err.splitlines() if line.startswith("twitch-causes: row ")]
    with open(dst, newline="", encoding="utf-8") as f:
        written = list(csv.reader(f))[1:]
    summary = err.strip().splitlines()[-1]
    ranked, total = (int(x) for x in summary.split("twitch-causes: ")[1].split(" rows")[0].split(" of "))
    assert ranked == len(written) and ranked + len(reported) == total, err
    assert (code == 2) == bool(reported)
    for row in written:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


# ------------------------------------------------------------------ priors folders


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    counter = iter(range(10**9))
    made = []

    def factory() -> Path:
        path = tmp_path_factory.getbasetemp() / "corrupt" / f"p{next(counter)}"
        made.append(path)
        return path

    yield factory
    shutil.rmtree(tmp_path_factory.getbasetemp() / "corrupt", ignore_errors=True)


@CLI_SETTINGS
@given(data=st.data())
def test_a_corrupted_priors_folder_is_refused_naming_file_and_key(capsys, ranker, scratch, data):
    folder, corruption = data.draw(corruptions(scratch), label="corruption")
    COUNTS["priors: corruptions"] += 1
    COUNTS[f"priors corruption: {corruption.kind}"] += 1
    try:
        outcome, result = rank_or_error(lambda: load_priors(folder))
        if outcome == "error":
            msg = result
            assert corruption.file in msg, (str(corruption), msg)
            assert corruption.named_in(msg), (str(corruption), msg)
            if corruption.kind == "out_of_range":
                assert any(w in msg for w in ("not a probability", "outside its range", "must be numbers from 0")), msg
            if corruption.kind == "sum_off":
                assert "sum to 1" in msg, msg
            if corruption.kind == "cycle":
                assert "cycle" in msg, msg
            if corruption.kind == "broken_toml":
                assert "not valid TOML" in msg, msg
            if corruption.kind == "delete_file":
                assert "missing" in msg, msg
            expected = {"not_a_file": "not a file", "extra_toml": "not a priors file",
                        "link_outside": "outside the priors folder", "oversized": "1 MiB"}.get(corruption.kind)
            assert expected is None or expected in msg, msg
            with pytest.raises(PriorsError):
                load_priors(folder)
            code, out, err = cli(capsys, ["--priors", str(folder), "rank", "--json", "caffeine=high"])
            assert code == 2 and out == "" and err == f"twitch-causes: {msg}\n"
            COUNTS["priors: refused"] += 1
        else:
            assert not corruption.must_refuse, f"accepted a broken folder: {corruption}"
            COUNTS["priors: still valid after the change"] += 1
            other = Ranker(result)
            for case in ({}, {"caffeine": "high", "twitching": "yes"}, {"weakness": "progressive", "age": "over_60"}):
                outcome, ranking = rank_or_error(lambda c=case: other.rank(c))
                if outcome == "ranking":
                    assert_valid_ranking(ranking.to_dict(), other)
                else:
                    assert "impossible under the model" in ranking
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ real processes


def test_the_installed_command_refuses_bad_input_with_status_2(tmp_path):
    script = Path(sys.executable).with_name("twitch-causes")
    bad = subprocess.run([str(script), "rank", "--json", "cafeine=high", "\udcff=\udcfe"],
                         capture_output=True, text=True, timeout=120, errors="surrogateescape")
    assert bad.returncode == 2 and bad.stdout == ""
    assert "unknown input 'cafeine'" in bad.stderr and "did you mean 'caffeine'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_installed_command_refuses_a_broken_priors_folder_with_status_2(tmp_path):
    folder = copy_priors(tmp_path / "priors")
    (folder / "findings.toml").write_text((folder / "findings.toml").read_text() + "\n[twitching\n")
    script = Path(sys.executable).with_name("twitch-causes")
    run = subprocess.run([str(script), "--priors", str(folder), "rank", "caffeine=high"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("twitch-causes: findings.toml: not valid TOML") and "Traceback" not in run.stderr


def test_impossible_answers_are_the_documented_error_in_every_entry_point(capsys, tmp_path):
    folder = copy_priors(tmp_path / "priors")
    from tests.support.strategies import set_distribution

    set_distribution(folder, "exposures.toml", ("caffeine", "prior"), {"none": 0.0, "moderate": 0.9, "high": 0.1})
    ranker = Ranker(load_priors(folder))
    with pytest.raises(ImpossibleEvidenceError, match="impossible under the model"):
        ranker.rank({"caffeine": "none"})
    code, out, err = cli(capsys, ["--priors", str(folder), "rank", "--json", "caffeine=none"])
    assert code == 2 and out == "" and "impossible under the model" in err
    assert set(CAUSE_IDS) <= set(ranker.causes)
