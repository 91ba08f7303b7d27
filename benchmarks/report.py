"""Turn pytest-benchmark JSON files (one per run) into the tables of benchmarks/README.md.

    python -m pytest benchmarks --benchmark-json=run1.json      # three times, run1..run3
    python benchmarks/report.py run1.json run2.json run3.json

For the comparisons timed in interleaved blocks (minnet against PyTorch or NumPy by hand, the busy
machine) each run gives a median ratio; the table shows the median over the runs and the range of
the per-run medians. For the other benchmarks it shows pytest-benchmark's median time per run.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict


def _load(paths: list[str]):
    runs = []
    for path in paths:
        with open(path) as f:
            runs.append(json.load(f))
    return runs


def _median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def _spread(values: list[float], fmt: str) -> str:
    return f"{fmt.format(_median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def ratio_table(runs) -> str:
    """One row per comparison: the times and the ratio, median over the runs (range of the runs)."""
    rows = defaultdict(lambda: defaultdict(list))
    for run in runs:
        for bench in run["benchmarks"]:
            for key, value in bench["extra_info"].items():
                if isinstance(value, (int, float)):
                    rows[(bench["group"], bench["name"])][key].append(value)
    lines = ["| comparison | setting | times, median of runs | ratio, median (range over runs) |", "|---|---|---|---:|"]
    for (group, name), info in sorted(rows.items()):
        ratios = [k for k in info if "/" in k]
        times = ", ".join(f"{k.removesuffix('_ms').removesuffix('_s')} {_median(v):.3g} {'ms' if k.endswith('_ms') else 's'}"
                          for k, v in info.items() if "/" not in k and k != "load")
        if "load" in info:
            times += f" (load {min(info['load']):.1f}–{max(info['load']):.1f})"
        for key in ratios:
            lines.append(f"| {group} | {name} | {times} | {key} = {_spread(info[key], '{:.2f}')}× |")
    return "\n".join(lines)


def time_table(runs) -> str:
    """pytest-benchmark's median time (ms) per run for every timed case, and the median of the runs."""
    rows = defaultdict(list)
    for run in runs:
        for bench in run["benchmarks"]:
            if not any("/" in key for key in bench["extra_info"]):
                rows[(bench["group"], bench["name"])].append(bench["stats"]["median"] * 1e3)
    lines = ["| group | implementation | median ms per run | median |", "|---|---|---|---:|"]
    for (group, name), times in sorted(rows.items()):
        lines.append(f"| {group} | {name} | {', '.join(f'{t:.3g}' for t in times)} | {_median(times):.3g} |")
    return "\n".join(lines)


def machine(runs) -> str:
    info = runs[0].get("machine_info", {})
    dates = ", ".join(run.get("datetime", "")[:16] for run in runs)
    return (f"Machine: {info.get('cpu', {}).get('brand_raw', '?')}, {info.get('cpu', {}).get('count', '?')} logical "
            f"cores; Python {info.get('python_version', '?')}; runs at {dates}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python benchmarks/report.py RUN.json [RUN.json ...]")
    runs = _load(sys.argv[1:])
    print(machine(runs), "", ratio_table(runs), "", time_table(runs), sep="\n")
