"""The ``minnet`` command."""
from __future__ import annotations

import argparse
import sys
import time


def _color(text: str, code: str, enabled: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if enabled else text


def cmd_gradcheck(args: argparse.Namespace) -> int:
    """Check every op and layer's backward against finite differences and print a table."""
    import minnet as mn
    from minnet.gradcheck import verdict
    from minnet.gradcheck_cases import all_cases

    tty = sys.stdout.isatty()
    cases = [c for c in all_cases() if not args.only or args.only.lower() in c.name.lower()]
    if not cases:
        print(f"minnet gradcheck: no op or layer matches {args.only!r}", file=sys.stderr)
        return 2
    print("Gradient check: analytical backward() vs central finite differences, float64, eps=1e-6\n")
    print(f"{'':2}{'kind':<6}{'op / layer':<30}{'input shapes':<34}{'max rel error':>14}  verdict")
    failed, start = [], time.perf_counter()
    for case in cases:
        inputs = case.inputs(args.seed)
        report = mn.gradcheck(case.fn, inputs)
        word = verdict(report.max_rel_error, report.ok)
        code = {"fine": "32", "borderline": "33", "WRONG": "31"}[word]
        print(f"{'':2}{case.kind:<6}{case.name:<30}{case.shapes(inputs):<34}"
              f"{report.max_rel_error:>14.2e}  {_color(word, code, tty)}")
        if not report.ok:
            failed.append((case, report))
    elapsed = time.perf_counter() - start
    print(f"\n{len(cases) - len(failed)} of {len(cases)} passed in {elapsed:.1f} s. Relative error = "
          "|analytical - numerical| / max(|analytical|, |numerical|); in float64 a correct gradient is "
          "below 1e-7, and above 1e-2 it is wrong.")
    for case, report in failed:
        print(f"\n{case.name}:\n{report}")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minnet", description="minnet: learn how neural networks train, "
                                     "and how training goes wrong.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("gradcheck", help="check every op's and layer's gradient numerically")
    p.add_argument("--only", default="", help="check only the ops/layers whose name contains this text")
    p.add_argument("--seed", type=int, default=0, help="seed for the random test inputs (default 0)")
    p.set_defaults(func=cmd_gradcheck)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
