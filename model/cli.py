"""The `twitch-causes` command line.

Exit status: 0 done, 2 bad input or bad priors, 1 anything else.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys

from .analyses import sensitivity
from .api import Ranker, load_ranker
from .batch import run_batch
from .errors import InputError
from .evidence import validate_case
from .formatting import percent
from .readwrite import export_network, format_for, read_case_file
from .text import text_table


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
    rank.set_defaults(run=_rank)

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
    ranking = _ranker(args).rank(case, detail=args.detail)
    if args.json:
        print(ranking.to_json())
    else:
        print(text_table(ranking, _ranker(args)))
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
