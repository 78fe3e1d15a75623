"""The batch command on messy CSV files: every row is ranked or reported, and nothing written can run.

Row numbers follow spreadsheets (header = row 1, a blank line is a row, a cell with a
line break inside quotes stays one row). The invariant checked throughout:
rows written + bad rows reported = case rows in the file (blank lines are not cases).
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import InputError, rank
from model.batch.csv_stream import MAX_ROW_CHARS, MAX_ROW_LINES, neutralise, run_batch
from model.cli import main
from tests.support.strategies import FORMULA_PREFIXES, INPUT_IDS, INPUTS, tally

COUNTS, report_counts = tally("batch counts")


FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\",\"y\")"]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read_out(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def batch(ranker, tmp_path, text, encoding="utf-8", **kw):
    src = tmp_path / "in.csv"
    if isinstance(text, bytes):
        src.write_bytes(text)
    else:
        write(src, text, encoding)
    dst = tmp_path / "out.csv"
    dst.unlink(missing_ok=True)
    report = run_batch(ranker, src, dst, **kw)
    rows = read_out(dst)
    assert report.ranked == len(rows) - 1
    assert report.ranked + len(report.bad) == report.rows, "a row was dropped without a report"
    assert_neutralised(rows)
    return report, rows


def assert_neutralised(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), f"formula-like cell written as is: {cell!r}"


def bad_numbers(report) -> list[int]:
    return [n for n, _ in report.bad]


# ------------------------------------------------------------------ good and bad rows


def test_bad_rows_are_reported_by_number_and_good_rows_ranked(ranker, tmp_path):
    text = ("id,caffeine,stress,twitching\n"
            "a,high,low,yes\n"        # 2 good
            "b,lots,low,yes\n"        # 3 unknown state
            "c,,high,\n"              # 4 good, unknowns
            "d,none\n"                # 5 too few cells
            "e,none,low,yes,extra\n"  # 6 too many cells
            "f,High,low,yes\n"        # 7 wrong case: refused, with a suggestion
            "g, moderate ,low,yes\n")  # 8 surrounding spaces are tolerated
    report, rows = batch(ranker, tmp_path, text, ignore=["id"])
    assert bad_numbers(report) == [3, 5, 6, 7]
    messages = dict(report.bad)
    assert "'lots'" in messages[3] and "none, moderate, high" in messages[3]
    assert "has 2 cells, the header has 4" in messages[5] and "has 5 cells" in messages[6]
    assert "did you mean 'high'" in messages[7]
    assert [r[0] for r in rows[1:]] == ["a", "c", "g"]
    assert report.rows == 7 and report.ranked == 3
    header = rows[0]
    expected = rank({"caffeine": "moderate", "stress": "low", "twitching": "yes"})
    got = dict(zip(header, rows[3], strict=True))
    for cause in ranker.causes:
        assert float(got[cause]) == pytest.approx(expected.probability(cause), abs=1e-12)
    assert got["triage"] == expected.triage.level


def test_columns_to_ignore_pass_through_and_are_named(ranker, tmp_path):
    report, rows = batch(ranker, tmp_path, "patient,caffeine,comment\np1,high,hello\n", ignore=["patient", "Comment"])
    assert report.ignored_columns == ["patient", "comment"]
    assert rows[0][:3] == ["patient", "caffeine", "comment"] and rows[1][:3] == ["p1", "high", "hello"]


@pytest.mark.parametrize("header", ["Caffeine,Twitching", "caffeine ,  twitching", "CAFFEINE, Twitching "])
def test_headers_match_input_ids_whatever_their_case_and_spaces(ranker, tmp_path, header):
    # issue 11, item 6: "Atrophy" or "weakness " used to be dropped, so answers went unread
    report, rows = batch(ranker, tmp_path, f"{header}\nhigh,yes\n")
    assert report.ignored_columns == [] and rows[0][:2] == ["caffeine", "twitching"], "written by their ids"
    expected = rank({"caffeine": "high", "twitching": "yes"})
    assert float(dict(zip(rows[0], rows[1], strict=True))["caffeine_effect"]) == pytest.approx(
        expected.probability("caffeine_effect"), abs=1e-12)


def test_an_answer_under_a_header_in_other_case_is_read_not_dropped(ranker, tmp_path):
    report, rows = batch(ranker, tmp_path, "Atrophy,weakness \nyes,\n")
    assert dict(zip(rows[0], rows[1], strict=True))["triage"] == "prompt_evaluation"


@pytest.mark.parametrize("header, named", [("patient,caffeine", "'patient'"), ("caffeine,cafeine", "'cafeine'"),
                                           ("caffeine,caffeine_effect", "'caffeine_effect'")])
def test_an_unknown_column_is_refused_by_name_with_the_valid_ids(capsys, ranker, tmp_path, header, named):
    with pytest.raises(InputError, match=f"^row 1: column {named} is not an input") as err:
        run_batch(ranker, write(tmp_path / "in.csv", header + "\nhigh,x\n"), tmp_path / "out.csv")
    assert "valid inputs: age, family_history, diabetes, caffeine," in str(err.value) and "--ignore-columns" in str(err.value)
    if named == "'cafeine'":
        assert "did you mean 'caffeine'" in str(err.value)
    assert not (tmp_path / "out.csv").exists()
    code = main(["batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--quiet"])
    assert code == 2 and f"column {named} is not an input" in capsys.readouterr().err


def test_a_column_without_a_name_is_refused_unless_passed_over(capsys, ranker, tmp_path):
    src = write(tmp_path / "in.csv", ",caffeine\n0,high\n")  # as pandas writes its index
    with pytest.raises(InputError, match="row 1: a column has no name"):
        run_batch(ranker, src, tmp_path / "out.csv")
    assert main(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--quiet", "--ignore-columns", ""]) == 0
    assert read_out(tmp_path / "out.csv")[1][:2] == ["0", "high"]


def test_two_headers_naming_one_input_are_a_duplicate(ranker, tmp_path):
    with pytest.raises(InputError, match=r"row 1: duplicated column caffeine \(as 'caffeine' and 'Caffeine'\)"):
        run_batch(ranker, write(tmp_path / "in.csv", "caffeine,Caffeine\nhigh,none\n"), tmp_path / "out.csv")


def test_the_cli_ignores_the_columns_it_is_told_to(capsys, tmp_path):
    src = write(tmp_path / "in.csv", "id,caffeine,notes,twitching\na,high,x,yes\n")
    code = main(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--quiet", "--ignore-columns", "id, Notes"])
    assert code == 0 and "ignored as asked): id, notes" in capsys.readouterr().err
    out = read_out(tmp_path / "out.csv")
    assert out[0][:4] == ["id", "caffeine", "notes", "twitching"] and out[1][:4] == ["a", "high", "x", "yes"]
    code = main(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--quiet", "--ignore-columns", "id",
                 "--ignore-columns", "notes,twitching"])  # an input may be passed over too
    out = read_out(tmp_path / "out.csv")
    assert code == 0 and out[1][3] == "yes" and float(dict(zip(out[0], out[1], strict=True))["caffeine_effect"]) == \
        pytest.approx(rank({"caffeine": "high"}).probability("caffeine_effect"), abs=1e-12)


def test_the_cli_reports_rows_on_stderr_and_exits_2(capsys, tmp_path):
    src = write(tmp_path / "in.csv", "caffeine\nhigh\nlots\n\nnone\n")
    code = main(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "twitch-causes: row 3: input 'caffeine': unknown state 'lots'" in err
    assert "2 of 3 rows ranked" in err and "1 bad rows" in err


def test_strict_stops_at_the_first_bad_row_and_writes_nothing(ranker, tmp_path):
    src = write(tmp_path / "in.csv", "caffeine\nhigh\n=1+1\nnone\n")
    with pytest.raises(InputError, match="row 3"):
        run_batch(ranker, src, tmp_path / "out.csv", strict=True)
    assert list(tmp_path.iterdir()) == [src], "no output and no temporary file is left behind"


def test_rows_are_reported_in_file_order_and_strict_stops_at_the_first(ranker, tmp_path):
    text = "caffeine,stress\nlots,low\nhigh\nhigh,low\n\"x,y\n"
    report, _ = batch(ranker, tmp_path, text)
    assert bad_numbers(report) == [2, 3, 5]
    with pytest.raises(InputError, match=r"^row 2: input 'caffeine'"):
        run_batch(ranker, write(tmp_path / "in.csv", text), tmp_path / "strict.csv", strict=True)


# ------------------------------------------------------------------ encodings


def test_a_bom_is_not_part_of_the_first_column_name(ranker, tmp_path):
    report, rows = batch(ranker, tmp_path, "\ufeffcaffeine,twitching\r\nhigh,yes\r\n")
    assert rows[0][:2] == ["caffeine", "twitching"] and report.ignored_columns == []
    assert float(dict(zip(rows[0], rows[1], strict=True))["caffeine_effect"]) == pytest.approx(
        rank({"caffeine": "high", "twitching": "yes"}).probability("caffeine_effect"), abs=1e-12)


def test_a_row_in_another_encoding_is_reported_not_guessed(ranker, tmp_path):
    raw = b"note,caffeine\nok,high\n" + "café,none\n".encode("latin-1") + b"fine,\n"
    report, rows = batch(ranker, tmp_path, raw, ignore=["note"])
    assert bad_numbers(report) == [3] and "UTF-8" in report.bad[0][1]
    assert [r[0] for r in rows[1:]] == ["ok", "fine"]


def test_a_literal_replacement_character_is_text_not_an_encoding_error(ranker, tmp_path):
    # U+FFFD written as valid UTF-8 is a character like any other; only undecodable bytes are bad
    raw = "note,caffeine\n\ufffd ok,high\n".encode() + b"caf\xe9,none\n" + "\ufffd,\n".encode()
    report, rows = batch(ranker, tmp_path, raw, ignore=["note"])
    assert bad_numbers(report) == [3] and "not valid UTF-8" in report.bad[0][1]
    assert [r[0] for r in rows[1:]] == ["\ufffd ok", "\ufffd"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_file_in_utf16_or_utf32_is_refused_as_a_whole(ranker, tmp_path, encoding):
    src = write(tmp_path / "in.csv", "caffeine,twitching\nhigh,yes\n", encoding)
    with pytest.raises(InputError, match="row 1: the header is not UTF-8 text"):
        run_batch(ranker, src, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_latin1_header_is_refused_rather_than_silently_ignoring_the_column(ranker, tmp_path):
    with pytest.raises(InputError, match="row 1: the header is not UTF-8"):
        run_batch(ranker, write(tmp_path / "in.csv", "caffeine,stress,humeur é\nhigh,low,x\n", "latin-1"),
                  tmp_path / "out.csv")


# ------------------------------------------------------------------ formula injection


@pytest.mark.parametrize("formula", FORMULAS)
def test_formulas_in_passed_through_cells_are_neutralised(ranker, tmp_path, formula):
    buf = io.StringIO()
    csv.writer(buf).writerows([["note", "caffeine"], [formula, "high"], ["plain", "none"]])
    report, rows = batch(ranker, tmp_path, buf.getvalue(), ignore=["note"])
    assert report.bad == []
    assert rows[1][0] == "'" + formula and rows[2][0] == "plain"


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_in_an_input_column_is_a_bad_row_and_never_written(ranker, tmp_path, formula):
    buf = io.StringIO()
    csv.writer(buf).writerows([["id", "caffeine"], ["a", formula], ["b", "none"]])
    report, rows = batch(ranker, tmp_path, buf.getvalue(), ignore=["id"])
    assert bad_numbers(report) == [2]
    assert [r[0] for r in rows[1:]] == ["b"]
    assert formula not in {cell for row in rows for cell in row}


def test_formula_column_names_are_neutralised_too(ranker, tmp_path):
    buf = io.StringIO()
    csv.writer(buf).writerows([["=1+1", "@x", "caffeine"], ["a", "b", "high"]])
    report, rows = batch(ranker, tmp_path, buf.getvalue(), ignore=["=1+1", "@x"])
    assert rows[0][:3] == ["'=1+1", "'@x", "caffeine"] and rows[1][:3] == ["a", "b", "high"]


def test_neutralise_only_touches_what_a_spreadsheet_would_run():
    assert neutralise("=1") == "'=1" and neutralise("+1") == "'+1" and neutralise("-1") == "'-1"
    assert neutralise("@a") == "'@a" and neutralise("\t=1") == "'\t=1" and neutralise("\r=1") == "'\r=1"
    for harmless in ["", "high", "a=b", "1-2", " =1", "'=1", "café"]:
        assert neutralise(harmless) == harmless


# ------------------------------------------------------------------ the shape of the file


def test_quotes_commas_and_line_breaks_inside_cells_keep_one_row_each(ranker, tmp_path):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([
        ["note", "caffeine"], ['he said "hi", twice', "high"], ["line 1\nline 2\r\nline 3", "none"], ["x", "lots"]])
    report, rows = batch(ranker, tmp_path, buf.getvalue(), ignore=["note"])
    assert bad_numbers(report) == [4], "the row after a multi-line cell keeps its spreadsheet row number"
    assert [r[0] for r in rows[1:]] == ['he said "hi", twice', "line 1\nline 2\r\nline 3"]


def test_an_unclosed_quote_is_one_bad_row_and_reading_resumes_at_the_next_line(ranker, tmp_path):
    report, rows = batch(ranker, tmp_path, 'note,caffeine\na,high\n"b,none\nc,none\n', ignore=["note"])
    assert bad_numbers(report) == [3] and "not closed before the end of the file" in report.bad[0][1]
    assert [r[0] for r in rows[1:]] == ["a", "c"]


@pytest.mark.parametrize("n", [5_000, 20_000])
def test_the_issue_recipe_loses_no_row(capsys, tmp_path, n):
    # issue 11, item 1: 5,000 cases used to end up inside one notes cell; with 20,000, 5,243 vanished
    src = tmp_path / "q.csv"
    src.write_text('age,twitching,atrophy,notes\nover_60,yes,yes,"sore calf\n' + "under_40,yes,no,ok\n" * n)
    code = main(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--quiet", "--ignore-columns", "notes"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"row 2: not valid CSV: a quote opened on this row is not closed before {MAX_ROW_LINES} lines" in err
    assert f"{n} of {n + 1} rows ranked" in err and "1 bad rows" in err
    out = read_out(tmp_path / "out.csv")
    assert len(out) - 1 == n and {tuple(r[:4]) for r in out[1:]} == {("under_40", "yes", "no", "ok")}


@pytest.mark.parametrize("text, bad, ranked", [
    # a stray quote closed a few lines later: the lines between are cases, so they are read as such
    ('age,atrophy,notes\nover_60,yes,"sore calf\nunder_40,no,ok\nunder_40,no,"ok"\nunder_40,no,fine\n',
     [2], ["ok", "ok", "fine"]),
    ('age,atrophy,notes\nover_60,yes,"sore calf\nunder_40,no,"ok"\nunder_40,no,fine\n', [2], ["ok", "fine"]),
    ('notes,age,atrophy\n"sore calf,over_60,yes\nok,under_40,no\n"x",under_40,no\n', [2], ["ok", "x"]),
    # a note over several lines (within the bound) is one row
    ('age,atrophy,notes\nover_60,yes,"sore calf,\nleft side\n"\nunder_40,no,fine\n', [], ["sore calf,\nleft side\n", "fine"]),
    ('notes,age\n"two\nlines",over_60\n"one\nunder_40",under_40\n', [], ["two\nlines", "one\nunder_40"]),
])
def test_a_stray_quote_never_swallows_rows(ranker, tmp_path, text, bad, ranked):
    report, rows = batch(ranker, tmp_path, text, ignore=["notes"])
    assert bad_numbers(report) == bad
    notes = rows[0].index("notes")
    assert [r[notes] for r in rows[1:]] == ranked


def test_a_quoted_cell_may_span_the_bound_and_no_more(ranker, tmp_path):
    note = "\n".join(f"line {k}" for k in range(MAX_ROW_LINES))  # MAX_ROW_LINES lines: one row
    report, rows = batch(ranker, tmp_path, f'note,caffeine\n"{note}",high\nb,none\n', ignore=["note"])
    assert report.bad == [] and [r[0] for r in rows[1:]] == [note, "b"]
    longer = note + "\none more"  # one line too many: a bad row, and every line after it read as a row
    report, rows = batch(ranker, tmp_path, f'note,caffeine\n"{longer}",high\nb,none\n', ignore=["note"])
    assert bad_numbers(report)[0] == 2 and "not closed before" in report.bad[0][1]
    assert rows[-1][0] == "b" and report.rows == MAX_ROW_LINES + 2


def test_an_overlong_line_is_a_bad_row_and_the_next_line_is_read(ranker, tmp_path):
    text = "note,caffeine\na,high\n" + "x" * (3 * MAX_ROW_CHARS) + ",none\nc,none\n"
    report, rows = batch(ranker, tmp_path, text, ignore=["note"])
    assert bad_numbers(report) == [3] and f"longer than {MAX_ROW_CHARS:,} characters" in report.bad[0][1]
    assert [r[0] for r in rows[1:]] == ["a", "c"]


def test_a_huge_cell_is_a_bad_row_not_a_crash(ranker, tmp_path):
    text = "note,caffeine\na,high\n" + '"' + "x" * 200_000 + '",none\nc,none\n'
    report, rows = batch(ranker, tmp_path, text, ignore=["note"])
    assert bad_numbers(report) == [3] and "not valid CSV" in report.bad[0][1]
    assert [r[0] for r in rows[1:]] == ["a", "c"]


def test_blank_lines_are_not_cases_but_keep_row_numbers(ranker, tmp_path):
    report, rows = batch(ranker, tmp_path, "\n\ncaffeine,stress\n\nhigh,low\n\n\nlots,low\n,\n \n\n")
    # header on row 3; data on rows 5, 8 (bad) and 9 (',' = an empty case); ' ' in a 2-column file is blank
    assert bad_numbers(report) == [8]
    assert report.rows == 3 and [r[:2] for r in rows[1:]] == [["high", "low"], ["", ""]]


@pytest.mark.parametrize("header", ["caffeine", "caffeine,stress"])
def test_a_whitespace_only_line_is_blank_like_an_empty_line(ranker, tmp_path, header):
    width = header.count(",") + 1
    text = f"{header}\n" + ",".join(["high"] * 1 + ["low"] * (width - 1)) + "\n   \n\t\n \r\n\n" + \
        ",".join(["none"] + ["high"] * (width - 1)) + "\n"
    report, rows = batch(ranker, tmp_path, text)
    assert report.bad == [] and report.rows == 2 and [r[0] for r in rows[1:]] == ["high", "none"]


def test_a_closed_standard_input_is_a_plain_message(tmp_path):
    import subprocess

    script = Path(sys.executable).with_name("twitch-causes")
    out = tmp_path / "x.csv"
    result = subprocess.run(["sh", "-c", f"exec '{script}' batch - -o '{out}' --quiet <&-"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "standard input is closed" in result.stderr
    assert "internal error" not in result.stderr and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(ranker, tmp_path, newline):
    report, rows = batch(ranker, tmp_path, newline.join(["caffeine,stress", "high,low", "none,high", ""]))
    assert report.rows == 2 and report.bad == [] and [r[:2] for r in rows[1:]] == [["high", "low"], ["none", "high"]]


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n\r\n", " , \n"])
def test_an_empty_file_is_refused(ranker, tmp_path, text):
    with pytest.raises(InputError, match="the CSV file is empty"):
        run_batch(ranker, write(tmp_path / "in.csv", text), tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_header_only_file_gives_an_empty_output(ranker, tmp_path):
    report, rows = batch(ranker, tmp_path, "caffeine,stress\r\n")
    assert report.rows == 0 and rows == [["caffeine", "stress", *ranker.causes, "triage"]]


@pytest.mark.parametrize("header, named", [("caffeine,stress,caffeine", "'caffeine'"), ("note,caffeine,note", "'note'"),
                                           ("caffeine,,", "''"), ("caffeine , caffeine", "'caffeine'")])
def test_duplicated_headers_are_refused_by_name(ranker, tmp_path, header, named):
    with pytest.raises(InputError, match=f"row 1: duplicated column {named}"):
        run_batch(ranker, write(tmp_path / "in.csv", header + "\nhigh,low,none\n"), tmp_path / "out.csv")


@pytest.mark.parametrize("header, hint", [("caffeine;stress", "separated by commas"), ("note,comment", ""),
                                          ("caffeine\tstress", "separated by commas")])
def test_a_header_without_any_input_is_refused(ranker, tmp_path, header, hint):
    with pytest.raises(InputError, match="no column is an input") as err:
        run_batch(ranker, write(tmp_path / "in.csv", header + "\nhigh;low\n"), tmp_path / "out.csv")
    assert hint in str(err.value)


def test_standard_input_can_be_the_source(capsys, tmp_path):
    stdin = io.TextIOWrapper(io.BytesIO(b"caffeine\nhigh\nlots\n"))
    with mock.patch.object(sys, "stdin", stdin):
        code = main(["batch", "-", "-o", str(tmp_path / "out.csv"), "--quiet"])
    assert code == 2 and "row 3" in capsys.readouterr().err
    assert [r[0] for r in read_out(tmp_path / "out.csv")[1:]] == ["high"]


@pytest.mark.parametrize("where", ["missing-folder/out.csv", "."])
def test_an_output_that_cannot_be_written_is_bad_input(capsys, tmp_path, where):
    src = write(tmp_path / "in.csv", "caffeine\nhigh\n")
    code = main(["batch", str(src), "-o", str(tmp_path / where), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "internal error" not in err and "Traceback" not in err


def test_a_missing_source_is_bad_input(capsys, tmp_path):
    code = main(["batch", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "out.csv"), "--quiet"])
    assert code == 2 and "cannot open" in capsys.readouterr().err


# ------------------------------------------------------------------ property: any mix of rows


@st.composite
def csv_files(draw):
    """(bytes, expected good rows {number: (id, case, cells)}, expected bad row numbers, header)."""
    inputs = draw(st.lists(st.sampled_from(INPUT_IDS), min_size=1, max_size=4, unique=True))
    extras = draw(st.lists(st.sampled_from(["note", "=HYPERLINK(1)", "+x", "@id", "-", "caffeine_effect"]),
                           unique=True, max_size=2))
    header = ["id"] + draw(st.permutations(inputs + extras))
    # inputs under any spelling of their id (case and spaces aside): written out by their ids
    spelled = [draw(st.sampled_from([h, h.upper(), h.title(), f" {h} "])) if h in INPUTS else h for h in header]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    free_text = st.one_of(st.sampled_from(FORMULAS + ["", "a,b", 'say "x"', "two\nlines", "café", "日本", "\x00"]),
                          st.text(st.characters(codec="utf-8", exclude_characters="\ufffd"), max_size=8))
    chunks: list[bytes] = []
    number = 1
    for _ in range(draw(st.integers(0, 3))):  # blank lines before the header
        chunks.append(newline.encode())
        number += 1

    def line(cells, encoding="utf-8"):
        buf = io.StringIO()  # "\r\n" as terminator makes the writer quote a lone "\r" in a cell too
        csv.writer(buf, lineterminator="\r\n").writerow(cells)
        return (buf.getvalue()[:-2] + newline).encode(encoding)

    chunks.append(line(spelled))
    good, bad = {}, set()
    for _ in range(draw(st.integers(0, 10))):
        number += 1
        kind = draw(st.sampled_from(["good", "good", "good", "bad_state", "short", "long", "latin1", "blank",
                                     "spaces"]))
        if kind == "blank":
            chunks.append(newline.encode())
            continue
        if kind == "spaces":  # a whitespace-only line is blank too, whatever the number of columns
            chunks.append((draw(st.sampled_from([" ", "\t", "  \t "])) + newline).encode())
            continue
        cells, case = [f"r{number}"], {}
        for col in header[1:]:
            if col in INPUTS:
                state = draw(st.one_of(st.sampled_from(INPUTS[col]), st.just("")))
                pad = draw(st.sampled_from(["", " ", "\t"])) if state else ""
                cells.append(pad + state + pad)
                if state:
                    case[col] = state
            else:
                cells.append(draw(free_text) if kind != "latin1" else "ok")
        if kind == "bad_state":
            col = draw(st.sampled_from(inputs))
            value = draw(free_text.filter(lambda v, states=INPUTS[col]: v.strip() and v.strip() not in states))
            cells[header.index(col)] = value
        elif kind == "short":
            cells = cells[: draw(st.integers(1, len(cells) - 1))] if len(cells) > 1 else cells + ["x"]
        elif kind == "long":
            cells = cells + draw(st.lists(free_text, min_size=1, max_size=2))
        if kind == "latin1":
            cells[0] += "é"
            chunks.append(line(cells, "latin-1"))
        else:
            chunks.append(line(cells))
        if kind == "good":
            good[number] = (cells[0], case, cells)
        else:
            bad.add(number)
    if draw(st.booleans()):  # a quote left open on the last row: that row is bad, nothing else changes
        number += 1
        chunks.append(f'r{number},"never closed{newline}'.encode())
        bad.add(number)
    for _ in range(draw(st.integers(0, 2))):
        chunks.append(newline.encode())
    raw = (b"\xef\xbb\xbf" if bom else b"") + b"".join(chunks)
    return raw, good, bad, header


@settings(max_examples=max(10, settings.default.max_examples // 2))
@given(data=csv_files(), chunk_rows=st.sampled_from([1, 2, 3, 50_000]))
def test_every_row_is_written_or_reported_exactly_once(ranker, tmp_path_factory, data, chunk_rows):
    raw, good, bad, header = data
    COUNTS["generated files"] += 1
    COUNTS["generated case rows"] += len(good) + len(bad)
    COUNTS["generated bad rows"] += len(bad)
    tmp = tmp_path_factory.getbasetemp()
    src, dst = tmp / "prop-in.csv", tmp / "prop-out.csv"
    src.write_bytes(raw)
    report = run_batch(ranker, src, dst, chunk_rows=chunk_rows, ignore=[h for h in header if h not in INPUTS])
    rows = read_out(dst)
    assert_neutralised(rows)
    assert rows[0] == [neutralise(h) for h in header] + ranker.causes + ["triage"]
    assert set(bad_numbers(report)) == bad and len(report.bad) == len(bad)
    assert sorted(bad_numbers(report)) == bad_numbers(report), "bad rows are reported in file order"
    assert [r[0] for r in rows[1:]] == [good[n][0] for n in sorted(good)]
    assert report.rows == len(good) + len(bad) and report.ranked == len(good)
    for row, n in zip(rows[1:], sorted(good), strict=True):
        _, case, cells = good[n]
        assert row[: len(header)] == [neutralise(c) for c in cells]
        got = dict(zip(rows[0], row, strict=True))
        expected = rank(case)
        for cause in ranker.causes:
            assert float(got[cause]) == pytest.approx(expected.probability(cause), abs=1e-12)
        assert got["triage"] == expected.triage.level
