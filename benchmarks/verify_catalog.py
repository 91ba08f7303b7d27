"""Verify every failure mode over ten seeds and publish the table (too slow for CI: run it by hand).

    python benchmarks/verify_catalog.py                 # every mode, seeds 0..9, print the tables
    python benchmarks/verify_catalog.py --only dead_relu,zero_init --seeds 5
    python benchmarks/verify_catalog.py --write         # also update benchmarks/README.md

For each mode, broken and fixed run on every seed. A seed is good when broken shows the symptom
and raises every finding the mode lists, and fixed shows neither. The summary gives, per mode, the
good seeds, the main symptom's range broken and fixed, and the seconds a run took (a warm kernel
cache; the CPU shared with nothing else, if you want the timings to mean something).
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import minnet as mn
from minnet.failures.compare import behaves

from readme_section import README, write_section


def _range(values) -> str:
    v = np.asarray(values, float)
    return f"{np.median(v):.3g} [{v.min():.3g}, {v.max():.3g}]"


def summary_row(verification) -> str:
    m, rows = verification.mode, verification.rows
    key = next(iter(rows[0][1].symptoms))
    good = sum(behaves(m, b, f) for _, b, f in rows)
    seconds = np.mean([r.seconds for _, b, f in rows for r in (b, f)])
    expected = ", ".join(sorted(m.findings)) or "none"
    raised = sum(set(m.findings) <= b.findings.codes for _, b, _ in rows)
    return (f"| `{m.name}` | {good}/{len(rows)} | {key} | {_range([b.symptoms[key] for _, b, _ in rows])} | "
            f"{_range([f.symptoms[key] for _, _, f in rows])} | {expected} ({raised}/{len(rows)}) | {seconds:.2f} |")


def write_readme(rows: list[str], seeds: int) -> None:
    head = ("| mode | good seeds | symptom | broken: median [min, max] | fixed: median [min, max] | "
            "findings on broken (seeds) | s per run |\n|---|---|---|---|---|---|---:|")
    stamp = time.strftime("%Y-%m-%d")
    write_section("catalog-verification",
                  f"Seeds 0..{seeds - 1}, {stamp}. A seed is good when broken shows the symptom and raises every "
                  "listed finding, and fixed shows neither.\n\n" + head + "\n" + "\n".join(rows),
                  "The failure catalog over ten seeds")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated mode names")
    parser.add_argument("--write", action="store_true", help="update the table in benchmarks/README.md")
    args = parser.parse_args(argv)
    modes = [mn.failures.get(n) for n in args.only.split(",") if n] or mn.failures.catalog()
    rows, robust = [], True
    for mode in modes:
        v = mode.verify(seeds=range(args.seeds), progress=sys.stderr.isatty())
        print(v, flush=True)
        rows.append(summary_row(v))
        robust &= v.robust
    print("\n" + "\n".join(rows))
    if args.write:
        write_readme(rows, args.seeds)
        print(f"\nwrote the table into {README}")
    return 0 if robust else 1


if __name__ == "__main__":
    sys.exit(main())
