"""Turn a pytest-benchmark JSON file into the ratio table of benchmarks/README.md.

    python -m pytest benchmarks --benchmark-json=bench.json
    python benchmarks/report.py bench.json
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict

# each group's reference columns, in the order they are shown
REFERENCES = ["torch", "numpy-by-hand", "minnet-numpy"]


def table(path: str) -> str:
    with open(path) as f:
        data = json.load(f)
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    for bench in data["benchmarks"]:
        groups[bench["group"]][bench["name"]] = bench["stats"]["median"]
    machine = data.get("machine_info", {})
    lines = [f"Machine: {machine.get('cpu', {}).get('brand_raw', '?')}, "
             f"{machine.get('cpu', {}).get('count', '?')} logical cores; Python {machine.get('python_version', '?')}; "
             f"{data.get('datetime', '')[:10]}", "",
             "| group | implementation | median (ms) | " + " | ".join(f"÷ {r}" for r in REFERENCES) + " |",
             "|---|---|---:|" + "---:|" * len(REFERENCES)]
    for group in sorted(groups):
        medians = groups[group]
        for name, median in sorted(medians.items(), key=lambda kv: kv[1]):
            ratios = [f"{median / medians[r]:.2f}×" if r in medians and r != name else "" for r in REFERENCES]
            lines.append(f"| {group} | {name} | {median * 1e3:.2f} | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/report.py BENCH.json")
    print(table(sys.argv[1]))
