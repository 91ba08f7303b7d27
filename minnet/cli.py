"""The ``minnet`` command (also ``python -m minnet``).

Exit codes: 0 success, 1 a check failed, 2 a usage error. Output piped into a program that stops
reading early (``minnet gradcheck | head``) ends quietly.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

from . import __version__


def _color(text: str, code: str, enabled: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if enabled else text


def _seed(text: str) -> int:
    """A non-negative integer seed, or a usage error (exit 2) saying so."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"the seed must be a non-negative integer, got {value}")
    return value


# ---- minnet gradcheck ---------------------------------------------------------------------------

def cmd_gradcheck(args: argparse.Namespace) -> int:
    """Check every op and layer's backward against finite differences and print a table."""
    from .gradcheck import gradcheck, verdict
    from .gradcheck.cases import all_cases

    tty = sys.stdout.isatty()
    cases = [c for c in all_cases() if not args.only or args.only.lower() in c.name.lower()]
    if not cases:
        print(f"minnet gradcheck: no op or layer matches {args.only!r}", file=sys.stderr)
        return 2
    print("Gradient check: analytical backward() vs central finite differences, float64, eps=1e-6\n")
    print(f"{'':2}{'kind':<6}{'op / layer':<30}{'input shapes':<34}{'max rel error':>14}  verdict", flush=True)
    failed, start = [], time.perf_counter()
    for case in cases:
        inputs = case.inputs(args.seed)
        report = gradcheck(case.fn, inputs)
        word = verdict(report.max_rel_error, report.ok)
        code = {"fine": "32", "borderline": "33", "WRONG": "31"}[word]
        print(f"{'':2}{case.kind:<6}{case.name:<30}{case.shapes(inputs):<34}"
              f"{report.max_rel_error:>14.2e}  {_color(word, code, tty)}", flush=True)
        if not report.ok:
            failed.append((case, report))
    elapsed = time.perf_counter() - start
    print(f"\n{len(cases) - len(failed)} of {len(cases)} passed in {elapsed:.1f} s. Relative error = "
          "|analytical - numerical| / max(|analytical|, |numerical|); in float64 a correct gradient is "
          "below 1e-7, and above 1e-2 it is wrong.")
    for case, report in failed:
        print(f"\n{case.name}:\n{report}")
    return 1 if failed else 0


# ---- minnet tour, minnet failures ------------------------------------------------------------------

def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def cmd_tour(args: argparse.Namespace) -> int:
    """Every failure mode broken and fixed: a table here, and a web page with a figure per mode."""
    from .failures import catalog, get, tour

    only = _names(args.only) if args.only else None
    for name in only or ():
        try:
            get(name)
        except KeyError as e:
            print(f"minnet tour: {e.args[0]}", file=sys.stderr)
            return 2
    count = len(only) if only else len(catalog())
    print(f"minnet tour: {count} failure mode(s), each trained broken and fixed (seed {args.seed}"
          f"{', quick settings' if args.quick else ''}); figures and index.html go to {args.out}/", flush=True)
    comparisons = tour(args.out, quick=args.quick, only=only, seed=args.seed, progress=sys.stderr.isatty())
    return 0 if all(c.ok for c in comparisons) else 1


def _knob_settings(pairs: list[str]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--set takes KNOB=VALUE, got {pair!r}")
        settings[name.strip()] = value.strip()
    return settings


def cmd_failures(args: argparse.Namespace) -> int:
    """List, describe, run and verify the failure modes of the catalog."""
    from .failures import catalog, get

    if args.action == "list":
        for mode in catalog():
            print(f"  {mode.name:<28} {mode.title}")
        print(f"\n{len(catalog())} modes. minnet failures show NAME describes one; minnet tour runs them all.")
        return 0
    try:
        mode = get(args.name)
    except KeyError as e:
        print(f"minnet failures: {e.args[0]}", file=sys.stderr)
        return 2
    if args.action == "show":
        print(mode.describe())
        return 0
    if args.action == "run":
        try:
            run = mode.run(broken=not args.fixed, seed=args.seed, **_knob_settings(args.set))
        except ValueError as e:
            print(f"minnet failures run: {e}", file=sys.stderr)
            return 2
        print(run)
        print()
        print(run.findings)
        if args.plot:
            from .failures import Comparison
            other = mode.run(broken=args.fixed, seed=args.seed, **_knob_settings(args.set))
            pair = Comparison(mode, other, run) if args.fixed else Comparison(mode, run, other)
            pair.plot(args.plot)
            print(f"\nfigure (broken and fixed): {args.plot}")
        return 0
    verification = mode.verify(seeds=range(args.seeds), progress=sys.stderr.isatty())
    print(verification)
    return 0 if verification.robust else 1


# ---- minnet exercises / minnet exercise start|check ----------------------------------------------

def cmd_exercises(args: argparse.Namespace) -> int:
    """List the gradient-checking exercises."""
    from .exercises import commands
    return commands.list_exercises()


def cmd_exercise(args: argparse.Namespace) -> int:
    """Write an exercise's template, or check a student's file."""
    from .exercises import commands
    if args.exercise_command == "start":
        return commands.start(args.name, args.dir, args.force)
    if args.exercise_command == "check":
        return commands.check_file(args.file)
    args.exercise_parser.print_usage(sys.stderr)
    print("minnet exercise: say what to do: start NAME, or check FILE", file=sys.stderr)
    return 2


def add_exercise_commands(sub) -> None:
    p = sub.add_parser("exercises", help="list the gradient-checking exercises")
    p.set_defaults(func=cmd_exercises)
    p = sub.add_parser("exercise", help="start or check a gradient-checking exercise")
    p.set_defaults(func=cmd_exercise, exercise_parser=p)
    actions = p.add_subparsers(dest="exercise_command", metavar="start|check")
    start = actions.add_parser("start", help="write the template of an exercise to DIR/NAME.py")
    start.add_argument("name", metavar="NAME", help="the exercise (see `minnet exercises`)")
    start.add_argument("--dir", default=".", help="the folder to write it to (default: this one)")
    start.add_argument("--force", action="store_true", help="write over an existing file")
    check = actions.add_parser("check", help="check your op: forward values and gradients")
    check.add_argument("file", metavar="FILE", help="your exercise file, e.g. sigmoid.py")


# ---- minnet lessons, minnet lesson N ------------------------------------------------------------

def cmd_lessons(args: argparse.Namespace) -> int:
    """List the lessons: number, title and the one-line summary of each."""
    from .lessons import catalog
    from .lessons.terminal import Style, text_width

    style, width = Style.for_stream(sys.stdout), text_width()
    print("Lessons (step through one with `minnet lesson N`; add --no-pause to run it straight through):\n")
    for lesson in catalog():
        line = f"{lesson.number:>3}  {lesson.title}: {lesson.summary}"
        if sys.stdout.isatty() and len(line) > width:
            line = line[:width - 1] + "…"
        print(line.replace(lesson.title, style.bold(lesson.title), 1))
    return 0


def cmd_lesson(args: argparse.Namespace) -> int:
    """Step through lesson N (or write it as a notebook with --notebook)."""
    from .lessons import find
    from .lessons.stepper import step

    try:
        lesson = find(args.number)
    except LookupError as e:
        print(f"minnet lesson: {e.args[0]}", file=sys.stderr)
        return 2
    if args.notebook:
        from .lessons.notebook import write_notebook
        try:
            path = write_notebook(lesson, args.notebook)
        except RuntimeError as e:
            print(f"minnet lesson: {e}", file=sys.stderr)
            return 1
        print(f"wrote lesson {lesson.number} as the notebook {path}; open it with: jupyter lab {path}")
        return 0
    return step(lesson, pause=not args.no_pause, quick=args.quick, figures=args.figures)


def _add_lesson_commands(sub) -> None:
    p = sub.add_parser("lessons", help="list the step-through lessons")
    p.set_defaults(func=cmd_lessons)
    p = sub.add_parser("lesson", help="step through a lesson, one cell at a time")
    p.add_argument("number", help="the lesson's number (`minnet lessons` lists them), or a lesson file's path")
    p.add_argument("--no-pause", action="store_true", help="run straight through without waiting for Enter")
    p.add_argument("--quick", action="store_true", help="fewer epochs and less data: the lesson runs in seconds")
    p.add_argument("--notebook", metavar="PATH", help="write the lesson as a Jupyter notebook (.ipynb) instead")
    p.add_argument("--figures", metavar="DIR", type=pathlib.Path,
                   help="where figures are saved (default: ./minnet-figures)")
    p.set_defaults(func=cmd_lesson)


# ---- the parser -----------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minnet", description="minnet: learn how neural networks train, "
                                     "and how training goes wrong.")
    parser.add_argument("--version", action="version", version=f"minnet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("gradcheck", help="check every op's and layer's gradient numerically")
    p.add_argument("--only", default="", help="check only the ops/layers whose name contains this text")
    p.add_argument("--seed", type=_seed, default=0, help="seed for the random test inputs (default 0)")
    p.set_defaults(func=cmd_gradcheck)

    p = sub.add_parser("tour", help="every failure mode broken and fixed: a table and a web page (the main job)")
    p.add_argument("--out", default="minnet-tour", help="folder for index.html and the figures (default minnet-tour)")
    p.add_argument("--quick", action="store_true", help="shorter runs (fewer epochs), for a first look")
    p.add_argument("--only", default="", help="comma-separated mode names (default: every mode)")
    p.add_argument("--seed", type=_seed, default=0, help="seed of every run (default 0)")
    p.set_defaults(func=cmd_tour)

    p = sub.add_parser("failures", help="list, show, run or verify the failure modes")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every mode with its title")
    a = actions.add_parser("show", help="a mode's sources, mechanism, symptom rule and knobs")
    a.add_argument("name")
    a = actions.add_parser("run", help="run a mode (broken unless --fixed) and print its symptoms and findings")
    a.add_argument("name")
    a.add_argument("--fixed", action="store_true", help="run the fixed setting")
    a.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE", help="set a knob (repeatable)")
    a.add_argument("--seed", type=_seed, default=0)
    a.add_argument("--plot", metavar="FILE", help="also run the other setting and save the broken/fixed figure")
    a = actions.add_parser("verify", help="broken and fixed over several seeds: is the mode robust?")
    a.add_argument("name")
    a.add_argument("--seeds", type=int, default=5, help="how many seeds, 0..N-1 (default 5)")
    p.set_defaults(func=cmd_failures)
    add_exercise_commands(sub)
    _add_lesson_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:           # argparse exits 2 on a usage error, 0 for --help/--version
        return int(e.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early: not an error. Point stdout at /dev/null so the
        # interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
