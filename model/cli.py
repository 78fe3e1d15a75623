"""The `twitch-causes` command line.

Exit status: 0 done, 2 bad input or bad priors, 1 anything else.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from .analyses import sensitivity
from .api import Ranker, load_ranker
from .batch import run_batch
from .diary import Diary, default_path, from_csv, parse_day
from .errors import InputError
from .evidence import validate_case
from .files import write_file
from .formatting import percent
from .readwrite import export_network, format_for, read_case_file, read_text
from .text import (
    LEVEL_TITLES,
    diary_sections,
    experiment_lines,
    markdown_report,
    pdf_report,
    report_content,
    strength_line,
    text_table,
)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl+C so that every clean-up runs (no half-written output)."""


STOP_SIGNALS = ("SIGTERM", "SIGHUP")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    previous = _catch_signals()
    try:
        return args.run(args)
    except InputError as exc:
        print(f"twitch-causes: {exc}", file=sys.stderr)
        return 2
    except Stopped as exc:
        print(f"twitch-causes: stopped by {exc}; no output was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("twitch-causes: interrupted; no output was written", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    except Exception as exc:  # anything unexpected: one line, status 1
        print(f"twitch-causes: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _catch_signals() -> dict:
    """SIGINT, SIGTERM and SIGHUP raise in the main thread (Stopped, KeyboardInterrupt), so a
    batch removes its temporary output; returns the handlers to put back."""
    def stop(number, frame):
        raise Stopped(signal.Signals(number).name)

    previous = {}
    wanted = [(getattr(signal, name), stop) for name in STOP_SIGNALS if hasattr(signal, name)]
    wanted.append((signal.SIGINT, signal.default_int_handler))
    for number, handler in wanted:
        try:
            previous[number] = signal.signal(number, handler)
        except (ValueError, OSError):  # not the main thread, or not allowed here
            continue
    return previous


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twitch-causes",
        description="Rank the likely causes of muscle twitching from your answers. Not a diagnosis.")
    parser.add_argument("--priors", metavar="DIR", help="use another priors folder (default: the repository's priors/)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--priors", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    rank = sub.add_parser("rank", parents=[common], help="rank the causes for one case",
                          description="Rank the causes for one case given as INPUT=STATE pairs or a JSON file.")
    rank.add_argument("answers", nargs="*", metavar="INPUT=STATE", help="e.g. caffeine=high twitching=yes")
    rank.add_argument("--case", metavar="FILE", help="read the case from a JSON object in FILE ('-' for standard input)")
    rank.add_argument("--json", action="store_true", help="print the JSON result")
    rank.add_argument("--detail", action="store_true", help="add what-if, next questions and intervals")
    rank.add_argument("--diary", metavar="PATH", help="rank with your own trigger strengths learned from this diary, "
                                                      "and add what the diary shows to the triage")
    rank.set_defaults(run=_rank)

    report = sub.add_parser("report", parents=[common], help="write a one-page summary to show a doctor",
                            description="Write a one-page A4 PDF (or Markdown, with -o FILE.md) to print or show "
                                        "a doctor: every warning sign as present, absent or not asked, your "
                                        "answers, what to do and how soon, the leading causes in words and, with "
                                        "--diary, the diary's timeline and what was tried. It holds health "
                                        "answers: it is created with your umask.")
    report.add_argument("answers", nargs="*", metavar="INPUT=STATE")
    report.add_argument("--case", metavar="FILE", help="read the case from a JSON object in FILE ('-' for standard input)")
    report.add_argument("--diary", metavar="PATH", help="add the diary's timeline, your own triggers and what was tried")
    report.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.md", help="the file to write")
    report.set_defaults(run=_report)

    _diary_parser(sub, common)

    batch = sub.add_parser("batch", parents=[common], help="rank every row of a CSV file",
                           description="Rank every row of a CSV (columns = input ids, empty cell = unknown). "
                                       "The output holds the answers, which are health information: it is "
                                       "created with your umask (0o666 & ~umask; a replaced file keeps its "
                                       "mode), so set `umask 077` or write to a private folder to keep it "
                                       "to yourself. It appears only when the run is complete; it may not be "
                                       "the input, a symbolic link or a read-only file.")
    batch.add_argument("source", metavar="CASES.csv", help="input CSV ('-' for standard input)")
    batch.add_argument("-o", "--output", required=True, metavar="RANKED.csv",
                       help="output CSV (mode 0o666 & ~umask: it holds health answers)")
    batch.add_argument("--ignore-columns", action="append", default=[], metavar="NAME,...",
                       help="columns that are not inputs (notes, ids): passed through to the output unranked; "
                            "any other column must name an input (case and spaces aside)")
    batch.add_argument("--strict", action="store_true", help="stop at the first bad row")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.set_defaults(run=_batch)

    sens = sub.add_parser("sensitivity", parents=[common], help="which hand-set number could change the answer",
                          description="For one case: which single prior, moved within its range, would change the "
                                      "top cause or the triage level, and how far it must move.")
    sens.add_argument("answers", nargs="*", metavar="INPUT=STATE")
    sens.add_argument("--case", metavar="FILE", help="read the case from a JSON object in FILE ('-' for standard input)")
    sens.add_argument("--json", action="store_true", help="print JSON")
    sens.add_argument("--top", type=_positive, default=10, metavar="N", help="rows in the table (a positive integer, default 10)")
    sens.set_defaults(run=_sensitivity)

    export = sub.add_parser("export", parents=[common], help="write the network for GeNIe, Hugin, pyAgrum or bnlearn",
                            description="Write the Bayesian network, with its state names and exact probabilities, "
                                        "in a file other tools read: xdsl (GeNIe), net (Hugin), bif or xmlbif "
                                        "(pyAgrum, bnlearn; pyAgrum wants an XMLBIF file named .bifxml).")
    export.add_argument("--format", metavar="{bif,xmlbif,xdsl,net}",
                        help="file format (default: from the file name: .bif, .xml/.bifxml, .xdsl, .net)")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    export.set_defaults(run=_export)

    vocab = sub.add_parser("inputs", parents=[common], help="list the inputs and their states")
    vocab.set_defaults(run=_inputs)
    return parser


def _ranker(args) -> Ranker:
    return load_ranker(args.priors)


def _read_case(args) -> dict:
    """The case from --case and the INPUT=STATE pairs; an input given twice is refused, by name."""
    case: dict = {}
    if args.case:
        case.update(read_case_file(args.case))
    given: dict[str, str] = {}
    for pair in args.answers:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InputError(f"{pair!r}: answers are written INPUT=STATE, e.g. caffeine=high")
        key, value = key.strip(), value.strip()
        if key in given:
            raise InputError(f"input {key!r} is given twice ({key}={given[key]} and {key}={value}); give each input once")
        if key in case:
            where = "standard input" if args.case == "-" else args.case
            raise InputError(f"input {key!r} is given both in {where} and as {key}={value}; give each input once")
        given[key] = value
    case.update(given)
    return case


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _rank(args) -> int:
    case = _read_case(args)
    ranker = _ranker(args)
    if args.diary:
        with _open_diary(args.diary, create=False) as diary:
            ranking = ranker.rank_with_diary(case, diary, detail=args.detail)
    else:
        ranking = ranker.rank(case, detail=args.detail)
    if args.json:
        print(ranking.to_json())
    else:
        print(text_table(ranking, ranker))
    return 0


REPORT_FORMATS = {".pdf": "pdf", ".md": "markdown", ".markdown": "markdown"}


def _report(args) -> int:
    fmt = REPORT_FORMATS.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise InputError(f"{args.output}: the report is a PDF or Markdown file; name it FILE.pdf or FILE.md")
    case = _read_case(args)
    ranker = _ranker(args)
    extra: list = []
    if args.diary:
        with _open_diary(args.diary, create=False) as diary:
            ranking = ranker.rank_with_diary(case, diary)
            extra = diary_sections(diary, ranker)
    else:
        ranking = ranker.rank(case)
    content = report_content(ranking, ranker.vocabulary, extra=extra)
    written = write_file(args.output, pdf_report(content) if fmt == "pdf" else markdown_report(content))
    print(f"twitch-causes: wrote the report to {written} ({'one A4 page, PDF' if fmt == 'pdf' else 'Markdown'})",
          file=sys.stderr)
    return 0


# ---------------------------------------------------------------------- the diary
KEY_ENV = "TWITCH_CAUSES_DIARY_KEY"  # a passphrase for an encrypted diary (never on the command line)


def _open_diary(path: str | None, create: bool) -> Diary:
    return Diary.open(path, create=create, key=os.environ.get(KEY_ENV) or None)


@contextlib.contextmanager
def _diary_to_write(path: str | None) -> Iterator[Diary]:
    """The diary, started if need be. Answers are checked before this is called; should a
    write still be refused, a diary started here and left empty is removed again, with any
    folder made for it (a refused first entry stores nothing)."""
    target = Path(path) if path else default_path()
    made = [p for p in (target.absolute(), *target.absolute().parents) if not p.exists()]
    diary = _open_diary(path, create=True)
    try:
        yield diary
    except BaseException:
        if made and not len(diary):
            diary.delete()
            for folder in made[1:]:
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise
    diary.close()


def _diary_parser(sub, common) -> None:
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--file", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    diary = sub.add_parser(
        "diary", parents=[common], help="keep a diary on this machine and learn your own triggers",
        description="One entry per day, kept in a file on this machine (nothing is stored until you add a "
                    f"day). Default file: {default_path()}. Set {KEY_ENV} to encrypt it (needs the "
                    "'encrypted' extra).")
    diary.add_argument("--file", metavar="PATH", default=None, help="the diary file (default: the user data folder)")
    actions = diary.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[common, where], help="record a day (replaces that day's entry)",
                             description="Record one day: DATE as YYYY-MM-DD, today or yesterday, then the "
                                         "answers as INPUT=STATE (left out = unknown), e.g. twitching=yes "
                                         "caffeine=high.")
    add.add_argument("day", metavar="DATE")
    add.add_argument("answers", nargs="*", metavar="INPUT=STATE")
    add.add_argument("--case", metavar="FILE", help="read the answers from a JSON object in FILE ('-' for standard input)")
    add.set_defaults(run=_diary_add)
    listed = actions.add_parser("list", parents=[common, where], help="show every day, oldest first")
    listed.add_argument("--json", action="store_true", help="print JSON: [{\"date\": ..., \"case\": {...}}, ...]")
    listed.set_defaults(run=_diary_list)
    learn = actions.add_parser("learn", parents=[common, where], help="your own trigger strengths and what the diary shows")
    learn.add_argument("--json", action="store_true", help="print the JSON of the interface")
    learn.set_defaults(run=_diary_learn)
    export = actions.add_parser("export", parents=[common, where], help="write every day to a CSV (or JSON) file")
    export.add_argument("-o", "--output", required=True, metavar="FILE.csv|FILE.json")
    export.set_defaults(run=_diary_export)
    load = actions.add_parser("import", parents=[common, where], help="add the days of a CSV written by export",
                              description="Add the days of a CSV (a date column, then input-id columns; empty = "
                                          "unknown). All rows are added or, if one is bad, none.")
    load.add_argument("source", metavar="FILE.csv")
    load.set_defaults(run=_diary_import)
    delete = actions.add_parser("delete", parents=[common, where], help="remove the diary file")
    delete.add_argument("--yes", action="store_true", help="confirm: the file and every day in it are removed")
    delete.set_defaults(run=_diary_delete)
    trial = actions.add_parser("experiment", parents=[common, where], help="a fair self-experiment on one trigger",
                               description="Without --start: the running experiment's progress, or the one the "
                                           "diary proposes. --start fixes the plan and its decision rule now, "
                                           "before its first day; --end stops the running one.")
    trial.add_argument("--start", metavar="DATE", nargs="?", const="today",
                       help="start the proposed plan on DATE (today, tomorrow or YYYY-MM-DD; default today)")
    trial.add_argument("--end", action="store_true", help="end the running experiment today")
    trial.add_argument("--json", action="store_true", help="print JSON")
    trial.set_defaults(run=_diary_experiment)


def _start_day(text: str) -> date:
    """An experiment's first day: today or later, so that its rule is fixed before any of its days."""
    today = date.today()
    word = text.strip().lower()
    if word in ("today", "tomorrow"):
        return today + timedelta(days=word == "tomorrow")
    try:
        day = date.fromisoformat(word)
    except ValueError:
        raise InputError(f"{text!r} is not a date; write it as YYYY-MM-DD, today or tomorrow") from None
    if day < today:
        raise InputError(f"{day.isoformat()} has passed; an experiment starts today or later, so that its rule "
                         "is fixed before its first day")
    return day


def _diary_add(args) -> int:
    vocab = _ranker(args).vocabulary
    case = validate_case(_read_case(args), vocab)
    day = parse_day(args.day)  # both checked before a diary is started
    with _diary_to_write(args.file) as diary:
        diary.add(day, case)
        print(f"twitch-causes: saved {day.isoformat()} ({len(case)} answer{'s' if len(case) != 1 else ''}) in "
              f"{diary.path}; {_days(len(diary))} logged", file=sys.stderr)
    return 0


def _days(n: int) -> str:
    return f"{n:,} day" + ("" if n == 1 else "s")


def _diary_list(args) -> int:
    vocab = _ranker(args).vocabulary
    with _open_diary(args.file, create=False) as diary:
        if args.json:
            print(diary.export_json(), end="")
            return 0
        entries = diary.entries()
    for day, case in entries:
        answers = "; ".join(f"{vocab.inputs[i].question}: {vocab.inputs[i].label_of(s)}" for i, s in case.items())
        print(f"{day.isoformat()}  {answers or '(nothing answered)'}")
    if not entries:
        print("twitch-causes: the diary has no days yet", file=sys.stderr)
    return 0


def _diary_learn(args) -> int:
    ranker = _ranker(args)
    with _open_diary(args.file, create=False) as diary:
        learned = diary.learn(ranker)
        found = diary.triage(ranker)
    if args.json:
        print(json.dumps(learned.to_dict(), indent=2, allow_nan=False))
        return 0
    print(f"{_days(learned.learned.days)} logged.")
    shown = sorted((s for s in learned.triggers if s.days_exposed), key=lambda s: -s.personal)
    print("Your own triggers, against most people's:" if shown else "No trigger logged yet.")
    for s in shown:
        print(f"  {strength_line(s, ranker.vocabulary, ranker.priors.causes)}")
    for warning in learned.learned.warnings:
        print(f"  Note: {warning}")
    run = learned.persisting
    if run.weeks:
        print(f"Twitching on most logged days for the last {run.weeks} week(s)"
              + (", with the logged triggers cut back." if run.despite_changes else "."))
    print(f"What the diary says: {LEVEL_TITLES[found.level]}")
    for reason in found.reasons:
        print(f"  - {reason}")
    return 0


def _diary_export(args) -> int:
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError(f"{args.output}: a diary exports to a CSV or JSON file; name it FILE.csv or FILE.json")
    with _open_diary(args.file, create=False) as diary:
        data = diary.export_csv() if suffix == ".csv" else diary.export_json()
        written = write_file(args.output, data, source=diary.path)
        count = len(diary)
    print(f"twitch-causes: wrote {_days(count)} to {written} (it holds health answers: created with your umask)",
          file=sys.stderr)
    return 0


def _diary_import(args) -> int:
    days = from_csv(read_text(args.source, what="the diary CSV"), _ranker(args).vocabulary)
    with _diary_to_write(args.file) as diary:
        added = diary.add_many(days)
        print(f"twitch-causes: added {_days(added)} to {diary.path}; {_days(len(diary))} logged", file=sys.stderr)
    return 0


def _diary_delete(args) -> int:
    path = Path(args.file) if args.file else default_path()
    diary = _open_diary(args.file, create=False)
    if not args.yes:
        days = len(diary)
        diary.close()
        raise InputError(f"{path}: holds {days} days; add --yes to remove the file and every day in it")
    diary.delete()
    print(f"twitch-causes: removed {path}", file=sys.stderr)
    return 0


def _diary_experiment(args) -> int:
    ranker = _ranker(args)
    with _open_diary(args.file, create=False) as diary:
        running = [e for e in diary.experiments() if e.ended is None]
        if args.end:
            if not running:
                raise InputError("no experiment is running; start one with `diary experiment --start`")
            diary.end_experiment(running[-1].id, date.today())
            print("twitch-causes: the experiment was ended today", file=sys.stderr)
            return 0
        if args.start is not None:
            plan = diary.propose_experiment(ranker, _start_day(args.start))
            if plan is None:
                raise InputError("log a few days with your triggers first: there is nothing to test yet")
            started = diary.start_experiment(plan, date.fromisoformat(plan["schedule"][0]["from"]))
            print(f"twitch-causes: experiment started; its rule is fixed from now on: {plan['rule']['text']}",
                  file=sys.stderr)
            running = [started]
        if running:
            result = diary.experiment_result()
            assert result is not None
            if args.json:
                print(json.dumps({"plan": result[0].plan, "fixed_at": result[0].fixed_at.isoformat(),
                                  "result": result[1].to_dict()}, indent=2, allow_nan=False))
            else:
                print("\n".join(experiment_lines(*result)))
            return 0
        plan = diary.propose_experiment(ranker)
    if args.json:
        print(json.dumps({"proposal": plan}, indent=2, allow_nan=False))
    elif plan is None:
        print("No experiment to propose yet: log a few days with your triggers first.")
    else:
        spec = ranker.vocabulary.inputs[plan["input"]]
        print(f"Proposed: a test of \u201c{spec.question}: {spec.label_of(plan['state'])}\u201d in "
              f"{len(plan['schedule'])} phases: "
              + ", ".join(f"{p['phase']} it from {p['from']} to {p['to']}" for p in plan["schedule"]) + ".")
        print(f"Decision rule (fixed when you start): {plan['rule']['text']}")
        print("Start it with: twitch-causes diary experiment --start")
    return 0


def _batch(args) -> int:
    ranker = _ranker(args)
    show = not args.quiet and sys.stderr.isatty()
    progress = None
    if show:
        from tqdm import tqdm

        progress = tqdm(unit=" rows", file=sys.stderr, desc="ranking")

    def on_bad(number: int, msg: str) -> None:
        line = f"twitch-causes: row {number}: {msg}"
        (progress.write(line, file=sys.stderr) if progress is not None else print(line, file=sys.stderr))

    try:
        ignore = [name.strip() for names in args.ignore_columns for name in names.split(",")]
        report = run_batch(ranker, args.source, args.output, strict=args.strict, on_bad=on_bad, progress=progress,
                           ignore=ignore)
    finally:
        if progress is not None:
            progress.close()
    if report.ignored_columns:
        print(f"twitch-causes: columns passed through unranked (ignored as asked): {', '.join(report.ignored_columns)}",
              file=sys.stderr)
    print(f"twitch-causes: {report.ranked} of {report.rows} rows ranked into {args.output}"
          + (f"; {len(report.bad)} bad rows reported above" if report.bad else ""), file=sys.stderr)
    return 2 if report.bad else 0


def _sensitivity(args) -> int:
    ranker = _ranker(args)
    evidence = validate_case(_read_case(args), ranker.vocabulary)
    entries = sensitivity(ranker, evidence)
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], indent=2, allow_nan=False))
        return 0
    print(f"{'prior':<52} {'value':>8} {'range':>17}  {'top cause at low .. high':>24}  changes")
    for e in entries[: args.top]:
        change = []
        if e.top_changes_at is not None:
            change.append(f"top -> {e.new_top} at {e.top_changes_at:.3g}")
        if e.triage_changes_at is not None:
            change.append(f"triage -> {e.new_triage} at {e.triage_changes_at:.3g}")
        rng = f"[{e.range[0]:.3g}, {e.range[1]:.3g}]"
        swing = f"{percent(e.top_at_low)} .. {percent(e.top_at_high)}"
        print(f"{e.parameter:<52} {e.value:>8.3g} {rng:>17}  {swing:>24}  {'; '.join(change) or 'none'}")
    return 0


def _export(args) -> int:
    fmt = args.format if args.format is not None else format_for(args.output)
    done = export_network(_ranker(args), fmt, args.output)
    print(f"twitch-causes: wrote the network ({done.nodes} nodes) to {done.path} as {done.format}", file=sys.stderr)
    for node, ids in done.renamed.items():
        changes = ", ".join(f"{state} -> {new}" for state, new in ids.items())
        print(f"twitch-causes: {node}: state ids changed for GeNIe, which wants identifiers: {changes}",
              file=sys.stderr)
    return 0


def _inputs(args) -> int:
    vocab = _ranker(args).vocabulary
    for spec in vocab.inputs.values():
        print(f"{spec.id:18s} {', '.join(spec.states):40s} {spec.question}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
