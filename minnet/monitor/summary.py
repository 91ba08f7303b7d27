"""``Monitor.summary()``: the first and last recorded value of each metric, one row per layer."""
from __future__ import annotations

import math

# (column title, metric) in the order shown; "dead / saturated" holds whichever applies
COLUMNS = (("grad_norm", "grad_norm"), ("weight_norm", "weight_norm"), ("update_ratio", "update_ratio"),
           ("zero grad", "grad_zero_fraction"), ("act_mean", "act_mean"), ("act_std", "act_std"),
           ("dead / saturated", ("dead_fraction", "saturated_fraction")))


def _fmt(x: float) -> str:
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return f"{x:.2g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.1e}"


def summary_table(mon) -> str:
    """The table :meth:`Monitor.summary` prints (``first → last`` in each cell)."""
    steps = mon.steps
    if not len(steps):
        return "Monitor: nothing recorded yet (pass it to fit(..., monitor=mon))"
    values = {metric: mon.get(metric) for metric in mon.METRICS}
    header = ["layer", "type"] + [title for title, _ in COLUMNS]
    rows = []
    for name in mon.layers:
        row = [name or "(model)", mon.layer_types[name]]
        for _, metrics in COLUMNS:
            cell = ""
            for metric in (metrics,) if isinstance(metrics, str) else metrics:
                if name in values[metric]:
                    series = values[metric][name]
                    cell = f"{_fmt(series[0])} → {_fmt(series[-1])}" if len(series) > 1 else _fmt(series[0])
            row.append(cell)
        rows.append(row)
    keep = [i for i in range(len(header)) if i < 2 or any(r[i] for r in rows)]   # drop empty columns
    header, rows = [header[i] for i in keep], [[r[i] for i in keep] for r in rows]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()   # noqa: E731
    span = f"steps {steps[0]} to {steps[-1]}, every {mon.every}" if len(steps) > 1 else f"step {steps[0]}"
    title = f"Monitor: {len(steps)} recorded step(s) ({span}); first → last value per layer"
    return "\n".join([title, line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])
