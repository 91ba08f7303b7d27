"""Time the programs students run most: ``minnet tour`` and the lessons, with a warm and a cold cache.

    python benchmarks/time_programs.py                  # print the table
    python benchmarks/time_programs.py --write          # also update benchmarks/README.md
    python benchmarks/time_programs.py --runs 3 --lesson-runs 1 --lessons 1,4,5

Each program runs in a fresh process, from an empty folder, as a student would start it. "Cold" is
the first run after installing: Numba's kernel cache is empty (a fresh ``NUMBA_CACHE_DIR``), so
the kernels are compiled; "warm" runs with a cache a previous run filled. Besides the wall clock it
reports the CPU time of the process (user + system), which time-sharing with other programs leaves
about alone, and the machine's load average when it started, so a reader can tell a quiet run from
a busy one. Too slow for CI (three tours and fifteen lessons, twice each, take about fifteen minutes): run it
by hand.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

from readme_section import README, write_section


def run(args: list[str], cache_dir: str) -> tuple[float, float]:
    """Run ``minnet args...`` in a fresh process in an empty folder; (wall s, CPU s)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, MPLBACKEND="Agg")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "minnet", *args], cwd=folder, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(args: list[str], runs: int) -> dict:
    """``runs`` cold runs (each starting from an empty cache; the first fills the one the warm runs
    use), then ``runs`` warm runs."""
    loads, cold, warm = [], [], []
    with tempfile.TemporaryDirectory() as filled:
        for i in range(runs):
            loads.append(os.getloadavg()[0])
            with tempfile.TemporaryDirectory() as empty:
                cold.append(run(args, filled if i == 0 else empty))
        for _ in range(runs):
            loads.append(os.getloadavg()[0])
            warm.append(run(args, filled))
    return {"cold": cold, "warm": warm, "load": (min(loads), max(loads))}


def _s(seconds: float) -> str:
    return f"{seconds:.1f}" if seconds < 10 else f"{seconds:.0f}"


def _cell(samples: list[tuple[float, float]]) -> str:
    wall, cpu = np.array(samples).T
    spread = f" ({_s(wall.min())}–{_s(wall.max())})" if len(wall) > 1 else ""
    return f"{_s(np.median(wall))} s{spread} wall, {_s(np.median(cpu))} s CPU"


def row(name: str, result: dict) -> str:
    low, high = result["load"]
    return f"| {name} | {_cell(result['warm'])} | {_cell(result['cold'])} | {low:.1f}–{high:.1f} |"


def write_readme(rows: list[str], runs: int, lesson_runs: int) -> None:
    head = ("| program | warm cache: median (range) | cold cache: median (range) | load average |\n"
            "|---|---|---|---|")
    stamp = time.strftime("%Y-%m-%d")
    write_section("program-times",
                  f"{stamp}: {runs} cold and {runs} warm run(s) of the tour, {lesson_runs} of each lesson; "
                  "every run a fresh process in an empty folder "
                  f"(`python benchmarks/time_programs.py --write`).\n\n{head}\n" + "\n".join(rows),
                  "The tour and the lessons")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold and warm runs of the tour")
    parser.add_argument("--lesson-runs", type=int, default=1, help="cold and warm runs of each lesson")
    parser.add_argument("--lessons", default="all", help="comma-separated lesson numbers, 'all' or 'none'")
    parser.add_argument("--no-tour", action="store_true", help="time only the lessons")
    parser.add_argument("--write", action="store_true", help="update the table in benchmarks/README.md")
    args = parser.parse_args(argv)

    from minnet.lessons import catalog as lesson_catalog    # the installed lessons, in order
    numbers = [lesson.number for lesson in lesson_catalog()]
    if args.lessons == "none":
        numbers = []
    elif args.lessons != "all":
        numbers = [int(n) for n in args.lessons.split(",")]

    tour = [] if args.no_tour else [("`minnet tour`", ["tour"], args.runs),
                                    ("`minnet tour --quick`", ["tour", "--quick"], args.runs)]
    lessons = [(f"`minnet lesson {n} --no-pause`", ["lesson", str(n), "--no-pause"], args.lesson_runs)
               for n in numbers]
    rows = []
    for name, cmd, runs in tour + lessons:
        print(f"{name} ...", end=" ", file=sys.stderr, flush=True)
        rows.append(row(name, measure(cmd, runs)))
        print(rows[-1], flush=True)
    if args.write:
        write_readme(rows, args.runs, args.lesson_runs)
        print(f"\nwrote the table into {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
