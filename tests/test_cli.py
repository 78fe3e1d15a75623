"""The twitch-causes command: output shapes, case files, CSV batches and exit status."""
import csv
import json
import subprocess
import sys

import pytest

from model import rank
from model.cli import main


def run(capsys, *argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rank_json_has_the_interface_shape_with_caffeine_first(capsys):
    code, out, _ = run(capsys, "rank", "--json", "caffeine=high", "twitching=yes")
    assert code == 0
    data = json.loads(out)
    assert data["causes"][0]["id"] == "caffeine_effect"
    assert set(data) >= {"triage", "high_priority", "causes"}
    assert set(data["triage"]) == {"level", "reasons"} and data["triage"]["level"] == "self_care"
    assert data["high_priority"]["id"] == "neuromuscular_disease"
    assert {"id", "label", "probability"} <= set(data["causes"][0])
    assert data == rank({"caffeine": "high", "twitching": "yes"}).to_dict()


def test_rank_table_is_readable(capsys):
    code, out, _ = run(capsys, "rank", "caffeine=high", "twitching=yes")
    assert code == 0
    assert out.startswith("LIKELY BENIGN: EASE THE TRIGGERS")
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith(" #"))
    assert "Caffeine" in lines[header + 1]
    assert "not a diagnosis" in out


def test_case_file_and_stdin(capsys, tmp_path, monkeypatch):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"caffeine": "high", "twitching": "yes"}))
    code, out, _ = run(capsys, "rank", "--json", "--case", str(path))
    assert code == 0 and json.loads(out)["causes"][0]["id"] == "caffeine_effect"
    code, out, _ = run(capsys, "rank", "--json", "--case", "-", stdin='{"stress": "high", "twitching": "yes"}',
                       monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["causes"][0]["id"] == "stress_anxiety"


def test_a_saved_result_can_be_read_back_as_a_case(capsys, tmp_path):
    path = tmp_path / "result.json"
    path.write_text(rank({"nicotine": "yes", "twitching": "yes"}).to_json())
    code, out, _ = run(capsys, "rank", "--json", "--case", str(path))
    assert code == 0 and json.loads(out)["evidence"] == {"nicotine": "yes", "twitching": "yes"}


@pytest.mark.parametrize("argv, fragment", [
    (["rank", "cafeine=high"], "did you mean 'caffeine'"),
    (["rank", "caffeine=lots"], "valid states: none, moderate, high"),
    (["rank", "caffeine"], "INPUT=STATE"),
    (["rank", "--case", "/nonexistent/case.json"], "cannot read"),
    (["--priors", "/nonexistent/priors", "rank"], "not a folder"),
])
def test_bad_input_exits_2_with_a_message(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and fragment in err and "Traceback" not in err and out == ""


@pytest.mark.parametrize("text, fragment", [
    ("{bad", "not valid JSON"), ('["caffeine"]', "expected a JSON object"), ('{"caffeine": 3}', "must be a string"),
    ('{"caffeine": null}', "must be a string"), ("", "not valid JSON"),
])
def test_malformed_case_json_exits_2(capsys, monkeypatch, text, fragment):
    code, _, err = run(capsys, "rank", "--case", "-", stdin=text, monkeypatch=monkeypatch)
    assert code == 2 and fragment in err


def test_other_priors_folder(capsys, priors_copy):
    text = (priors_copy / "causes.toml").read_text().replace(
        "[caffeine_effect.given.caffeine.high]\nvalue = 0.12", "[caffeine_effect.given.caffeine.high]\nvalue = 0.06")
    (priors_copy / "causes.toml").write_text(text)
    _, default, _ = run(capsys, "rank", "--json", "caffeine=high", "twitching=yes")
    code, other, _ = run(capsys, "--priors", str(priors_copy), "rank", "--json", "caffeine=high", "twitching=yes")
    assert code == 0
    p = lambda out: next(c["probability"] for c in json.loads(out)["causes"] if c["id"] == "caffeine_effect")  # noqa: E731
    assert p(other) < p(default)


def write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_batch_ranks_good_rows_and_reports_bad_ones(capsys, tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, [["patient", "caffeine", "twitching", "age"],
                    ["a", "high", "yes", "under_40"],
                    ["b", "lots", "yes", ""],
                    ["c", "", "yes", "over_60"],
                    ["d", "none"],
                    ["e", "moderate", "no", "40_to_60"]])
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst), "--quiet", "--ignore-columns", "patient")
    assert code == 2
    assert "row 3:" in err and "'lots'" in err and "row 5:" in err and "2 bad rows" in err
    out = read_csv(dst)
    assert [r["patient"] for r in out] == ["a", "c", "e"]
    assert len(out) + 2 == 5
    expected = rank({"caffeine": "high", "twitching": "yes", "age": "under_40"})
    assert float(out[0]["caffeine_effect"]) == pytest.approx(expected.probability("caffeine_effect"), abs=1e-12)
    assert out[0]["triage"] == expected.triage.level


def test_batch_strict_stops_and_writes_nothing(capsys, tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, [["caffeine"], ["high"], ["lots"], ["none"]])
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst), "--strict", "--quiet")
    assert code == 2 and "row 3" in err and not dst.exists()


def test_batch_neutralises_formulas_and_handles_a_bom(capsys, tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes("\ufeffnote,caffeine\r\n\"=cmd|' /C calc'!A0\",high\r\n+1,none\r\n@SUM(A1),\r\n-2,moderate\r\n".encode())
    code, _, _ = run(capsys, "batch", str(src), "-o", str(dst), "--quiet", "--ignore-columns", "note")
    assert code == 0
    notes = [r["note"] for r in read_csv(dst)]
    assert notes == ["'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "'-2"]


def test_batch_survives_a_wrong_encoding(capsys, tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes("note,caffeine\ncaf\xe9,high\nok,none\n".encode("latin-1"))
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst), "--quiet", "--ignore-columns", "note")
    assert code == 2 and "row 2" in err and "UTF-8" in err
    assert [r["note"] for r in read_csv(dst)] == ["ok"]


def test_batch_equals_rank_frame(capsys, tmp_path, ranker):
    import pandas as pd

    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    frame = pd.DataFrame({"caffeine": ["high", "none", ""], "stress": ["", "high", "low"], "weakness": ["none", "", "progressive"]})
    frame.to_csv(src, index=False)
    assert run(capsys, "batch", str(src), "-o", str(dst), "--quiet")[0] == 0
    out = pd.read_csv(dst)
    expected = ranker.rank_frame(frame.replace("", None))
    for c in ranker.causes:
        assert (out[c] - expected[c]).abs().max() < 1e-12
    assert list(out["triage"]) == list(expected["triage"])


def test_the_console_script_is_installed():
    from pathlib import Path

    script = Path(sys.executable).with_name("twitch-causes")
    result = subprocess.run([str(script), "rank", "--json", "caffeine=high", "twitching=yes"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert json.loads(result.stdout)["causes"][0]["id"] == "caffeine_effect"


def test_rank_detail_in_json_and_in_the_table(capsys):
    code, out, _ = run(capsys, "rank", "--json", "--detail", "caffeine=high", "twitching=yes")
    assert code == 0
    data = json.loads(out)
    assert data == json.loads(rank({"caffeine": "high", "twitching": "yes"}, detail=True).to_json())
    assert {"interval", "rank_stability"} <= set(data["causes"][0]) and data["what_if"] and data["next_questions"]
    code, out, _ = run(capsys, "rank", "--detail", "caffeine=high", "twitching=yes")
    assert code == 0
    assert "90% interval" in out and "How sure:" in out and "caffeine -> none" in out and "Answering these" in out


def test_sensitivity_json_and_table(capsys, ranker):
    from model.analyses import sensitivity

    case = {"caffeine": "high", "stress": "high", "twitching": "yes"}
    code, out, _ = run(capsys, "sensitivity", "--json", *[f"{k}={v}" for k, v in case.items()])
    assert code == 0
    assert json.loads(out) == [e.to_dict() for e in sensitivity(ranker, case)]
    code, out, _ = run(capsys, "sensitivity", "--top", "3", *[f"{k}={v}" for k, v in case.items()])
    assert code == 0 and len(out.strip().splitlines()) == 4 and "top ->" in out
    code, _, err = run(capsys, "sensitivity", "caffeine=lots")
    assert code == 2 and "valid states" in err


# ------------------------------------------------------------------ issue 11, items 7, 10 and 15


@pytest.mark.parametrize("argv, fragment", [
    (["rank", "atrophy=yes", "atrophy=no"], "input 'atrophy' is given twice (atrophy=yes and atrophy=no)"),
    (["rank", "atrophy=yes", " atrophy =yes"], "input 'atrophy' is given twice"),
    (["sensitivity", "caffeine=high", "caffeine=none"], "input 'caffeine' is given twice"),
])
def test_an_input_given_twice_on_the_command_line_is_refused(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and fragment in err and out == ""


def test_an_input_in_the_case_file_and_on_the_command_line_is_refused(capsys, tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"atrophy": "yes"}')
    code, _, err = run(capsys, "rank", "--case", str(path), "atrophy=no")
    assert code == 2 and f"input 'atrophy' is given both in {path} and as atrophy=no" in err


def test_a_duplicated_key_in_a_json_case_exits_2(capsys, monkeypatch):
    code, _, err = run(capsys, "rank", "--case", "-", stdin='{"atrophy":"yes","atrophy":"no"}', monkeypatch=monkeypatch)
    assert code == 2 and "the key 'atrophy' appears more than once" in err
    code, _, err = run(capsys, "rank", "--case", "-", stdin='{"atrophy":"yes","evidence":{}, "causes":[]}',
                       monkeypatch=monkeypatch)
    assert code == 2 and "but also 'atrophy'" in err


def twitch_causes(args: str, **kw) -> subprocess.CompletedProcess:
    """The installed command in a real shell (for redirections such as <&-)."""
    from pathlib import Path

    script = Path(sys.executable).with_name("twitch-causes")
    return subprocess.run(["sh", "-c", f"exec '{script}' {args}"], capture_output=True, text=True, timeout=120, **kw)


@pytest.mark.parametrize("args", ["rank --case - <&-", "sensitivity --case - <&-"])
def test_a_closed_standard_input_is_a_plain_message(args):
    result = twitch_causes(args)
    assert result.returncode == 2, result.stderr
    assert "standard input is closed" in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("top", ["-3", "0", "x"])
def test_sensitivity_top_must_be_a_positive_integer(capsys, top):
    with pytest.raises(SystemExit) as exit_:
        main(["sensitivity", "--top", top, "caffeine=high"])
    assert exit_.value.code == 2 and "--top: must be a positive integer" in capsys.readouterr().err


# ------------------------------------------------------------------ the diary and the report
def test_diary_commands_of_the_interface(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("TWITCH_CAUSES_DIARY_KEY", raising=False)
    path = str(tmp_path / "d.sqlite3")
    for day, answers in (("2026-11-01", ["caffeine=high", "twitching=yes"]), ("2026-11-02", ["twitching=no"]),
                         ("2026-11-01", ["caffeine=high", "twitching=yes", "sleep=poor"])):
        code, _, err = run(capsys, "diary", "--file", path, "add", day, *answers)
        assert code == 0 and f"saved {day}" in err
    code, out, _ = run(capsys, "diary", "--file", path, "list", "--json")
    assert code == 0
    assert json.loads(out) == [{"date": "2026-11-01", "case": {"caffeine": "high", "sleep": "poor", "twitching": "yes"}},
                               {"date": "2026-11-02", "case": {"twitching": "no"}}]
    code, out, _ = run(capsys, "diary", "--file", path, "list")
    assert code == 0 and out.splitlines()[0].startswith("2026-11-01  ")
    code, out, _ = run(capsys, "diary", "--file", path, "learn", "--json")
    assert code == 0 and json.loads(out)["days"] == 2
    code, out, _ = run(capsys, "diary", "--file", path, "learn")
    assert code == 0 and "2 days logged" in out and "What the diary says: Self-care" in out
    csv_path = tmp_path / "days.csv"
    assert run(capsys, "diary", "--file", path, "export", "-o", str(csv_path))[0] == 0
    copy = str(tmp_path / "copy.sqlite3")
    code, _, err = run(capsys, "diary", "--file", copy, "import", str(csv_path))
    assert code == 0 and "added 2 days" in err
    assert run(capsys, "diary", "--file", copy, "list", "--json")[1] == run(capsys, "diary", "--file", path, "list",
                                                                            "--json")[1]
    json_path = tmp_path / "days.json"
    assert run(capsys, "diary", "--file", path, "export", "-o", str(json_path))[0] == 0
    assert json.loads(json_path.read_text())[0]["date"] == "2026-11-01"
    code, _, err = run(capsys, "diary", "--file", copy, "delete")
    assert code == 2 and "--yes" in err and (tmp_path / "copy.sqlite3").exists()
    assert run(capsys, "diary", "--file", copy, "delete", "--yes")[0] == 0
    assert not (tmp_path / "copy.sqlite3").exists()


@pytest.mark.parametrize("argv, words", [
    (["add", "2026-02-30", "twitching=yes"], ["'2026-02-30' is not a date"]),
    (["add", "2999-01-01", "twitching=yes"], ["in the future"]),
    (["add", "2026-11-01", "twitchin=yes"], ["'twitchin'", "twitching"]),
    (["add", "2026-11-01", "twitching=often"], ["'often'", "valid states"]),
    (["export", "-o", "days.xlsx"], ["FILE.csv or FILE.json"]),
    (["experiment", "--start", "2020-01-01"], ["has passed", "fixed before its first day"]),
])
def test_diary_bad_input_exits_2_with_a_clear_message(capsys, tmp_path, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "d.sqlite3")
    assert run(capsys, "diary", "--file", path, "add", "2026-10-01", "twitching=yes")[0] == 0
    code, out, err = run(capsys, "diary", "--file", path, *argv)
    assert code == 2 and out == ""
    for word in words:
        assert word in err
    assert "Traceback" not in err
    assert json.loads(run(capsys, "diary", "--file", path, "list", "--json")[1]) == [
        {"date": "2026-10-01", "case": {"twitching": "yes"}}]


def test_the_diary_experiment_command_proposes_then_starts_and_reports(capsys, tmp_path):
    path = str(tmp_path / "d.sqlite3")
    for k in range(1, 15):
        run(capsys, "diary", "--file", path, "add", f"2026-11-{k:02d}", f"caffeine={'high' if k % 2 else 'none'}",
            f"twitching={'yes' if k % 2 else 'no'}")
    code, out, _ = run(capsys, "diary", "--file", path, "experiment")
    assert code == 0 and out.startswith("Proposed: a test of") and "Decision rule (fixed when you start)" in out
    code, _, err = run(capsys, "diary", "--file", path, "experiment", "--start")
    assert code == 0 and "fixed from now on" in err
    code, out, _ = run(capsys, "diary", "--file", path, "experiment", "--json")
    data = json.loads(out)
    assert code == 0 and data["result"]["complete"] is False and data["plan"]["input"] == "caffeine"
    assert run(capsys, "diary", "--file", path, "experiment", "--start")[0] == 2  # one at a time
    assert run(capsys, "diary", "--file", path, "experiment", "--end")[0] == 0


def test_report_writes_one_page_pdf_or_markdown_with_the_diary(capsys, tmp_path):
    from pypdf import PdfReader

    path = str(tmp_path / "d.sqlite3")
    for k in range(1, 29):
        run(capsys, "diary", "--file", path, "add", f"2026-10-{k:02d}", "caffeine=none", "twitching=yes")
    pdf, md = tmp_path / "r.pdf", tmp_path / "r.md"
    answers = ["twitching=yes", "age=40_to_60", "weakness=none"]
    code, _, err = run(capsys, "report", "-o", str(pdf), "--diary", path, *answers)
    assert code == 0 and "one A4 page" in err
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Diary timeline" in text and "Book a routine appointment" in text  # 4 weeks despite cutting back
    assert run(capsys, "report", "-o", str(md), "--diary", path, *answers)[0] == 0
    words = md.read_text()
    assert "## Diary timeline" in words and "28 days logged" in words
    assert "Weakness that is getting worse: **absent**" in words
    assert run(capsys, "report", "-o", str(tmp_path / "r.md"), *answers)[0] == 0
    assert "Diary" not in (tmp_path / "r.md").read_text()
    code, _, err = run(capsys, "report", "-o", str(tmp_path / "r.docx"), *answers)
    assert code == 2 and "FILE.pdf or FILE.md" in err
