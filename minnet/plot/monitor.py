"""Figures of the instruments (``mn.monitor``): what happened inside each layer during training.

* :func:`plot_monitor` (``mon.plot()``): one panel per metric over the recorded steps, one line per
  layer, coloured from the input (dark) to the output (light).
* :func:`plot_activation_histograms`: one small histogram per layer of its outputs, in forward order
  on a shared x axis, from a model and a batch or from a ``Monitor(histograms=True)`` at one step:
  the classic picture of activations collapsing to 0 (or piling up at ±1) through a deep tanh net.
* :func:`plot_gradient_norms`: the gradient norm of each layer with a weight against its depth, at
  one or several steps: vanishing gradients fall from right (output) to left (input).
"""
from __future__ import annotations

import math

import numpy as np

from ..monitor import Monitor, layer_kinds, layer_outputs
from ._base import finish, plt

ACTIVATION_KINDS = ("relu", "tanh", "sigmoid")

# metric -> (panel title, y label)
TITLES = {
    "grad_norm": ("gradient norm", "‖∂L/∂W‖"),
    "weight_norm": ("weight norm", "‖W‖"),
    "update_ratio": ("update / weight", "‖ΔW‖ / ‖W‖"),
    "grad_zero_fraction": ("exact-zero gradients", "fraction of ∂L/∂W = 0"),
    "act_mean": ("activation mean", "mean of output"),
    "act_std": ("activation std", "std of output"),
    "dead_fraction": ("dead units (ReLU family)", "fraction ≤ 0 on whole batch"),
    "saturated_fraction": ("saturated outputs (tanh/sigmoid)", "fraction in flat tails"),
}
FRACTIONS = ("grad_zero_fraction", "dead_fraction", "saturated_fraction")

# Shaded where a healthy range is published: cs231n's rule of thumb for the update/weight ratio
# is ~1e-3; a decade either side is still ordinary, beyond it the learning rate is suspect.
HEALTHY_BANDS = {"update_ratio": (1e-4, 1e-2, "healthy ≈ 1e-3 (cs231n)")}


def _depth_colours(names: list[str]) -> dict[str, tuple]:
    """A colour per layer running with depth: dark purple at the input, yellow-green at the output."""
    cmap = plt.get_cmap("viridis")
    n = max(len(names) - 1, 1)
    return {name: cmap(0.85 * i / n) for i, name in enumerate(names)}


def _label(name: str, kind: str) -> str:
    return f"{name or '(model)'} {kind}"


def _y_scale(ax, series: list[np.ndarray], always_log: bool = False) -> None:
    """Logarithmic when the positive values span two or more orders of magnitude (or ``always_log``).

    Zeros have no place on a log axis; when there are some (a layer the gradient never reached),
    the axis is "symlog": linear from 0 up to the smallest positive value, logarithmic above, so
    they stay visible at the bottom.
    """
    values = np.concatenate([s[np.isfinite(s)] for s in series]) if series else np.empty(0)
    positive = values[values > 0]
    if not positive.size or (values < 0).any():
        return
    if not (always_log or positive.max() >= 100 * positive.min()):
        return
    if (values == 0).any():
        ax.set_yscale("symlog", linthresh=float(positive.min()))
        ax.set_ylim(bottom=0)
        # symlog labels every decade; keep about six labelled ticks
        low, high = math.ceil(math.log10(positive.min())), math.ceil(math.log10(positive.max()))
        stride = max(1, math.ceil((high - low) / 6))
        ax.set_yticks([0.0] + [10.0 ** e for e in range(low, high + 1, stride)])
    else:
        ax.set_yscale("log")


def _first_nonfinite(steps: np.ndarray, series: list[np.ndarray]) -> int | None:
    bad = [steps[~np.isfinite(s)][0] for s in series if (~np.isfinite(s)).any()]
    return int(min(bad)) if bad else None


def plot_monitor(mon: Monitor, path=None, metrics=None, layers=None, title: str | None = None):
    """Every recorded metric over the training steps: one panel per metric, one line per layer.

    ``metrics``: which panels (default: every metric with values); ``layers``: which layers (default:
    all, except that the activation panels show only the activation layers when the model has any).
    A panel turns logarithmic when its values span two or more orders of magnitude (the update
    ratio always; "symlog" when some values are exactly 0, so they stay visible); the update/weight panel shades the healthy band 1e-4..1e-2 around cs231n's
    1e-3; a red dashed line marks the first step where a value became NaN or inf.
    """
    if not len(mon.steps):
        raise ValueError("plot_monitor: the monitor has recorded nothing yet; pass it to fit(..., monitor=mon)")
    chosen = list(mon.layers) if layers is None else list(layers)
    acts = [n for n in chosen if mon.kind(n) in ACTIVATION_KINDS] if layers is None else chosen
    panels = []
    for metric in (metrics or mon.METRICS):
        per_layer = mon.get(metric)
        pick = acts if metric in ("act_mean", "act_std") and acts else chosen
        shown = [(n, per_layer[n]) for n in pick if n in per_layer]
        if shown:
            panels.append((metric, shown))
    colours = _depth_colours(mon.layers)
    cols = min(len(panels), 4)
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols + 1.6, 2.7 * rows), squeeze=False)
    steps = mon.steps
    marker = "o" if len(steps) <= 25 else None
    for ax, (metric, shown) in zip(axes.flat, panels):
        for name, values in shown:
            ax.plot(steps, values, color=colours[name], marker=marker, ms=2.5, lw=1.3,
                    label=_label(name, mon.layer_types[name]))
        _dress_panel(ax, metric, steps, [v for _, v in shown])
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    drawn = {name for _, shown in panels for name, _ in shown}
    legend = [n for n in mon.layers if n in drawn]
    handles = [plt.Line2D([], [], color=colours[n], lw=2) for n in legend]
    fig.legend(handles, [_label(n, mon.layer_types[n]) for n in legend], loc="center right",
               title="layer (input → output)", fontsize=8, title_fontsize=8,
               ncol=math.ceil(len(legend) / 22))
    fig.suptitle(title or f"Per-layer instruments, {len(steps)} recorded steps (every {mon.every})")
    legend_width = 1.5 * math.ceil(len(legend) / 22)
    return finish(fig, path, rect=(0, 0, 1 - legend_width / fig.get_figwidth(), 1))


def _dress_panel(ax, metric: str, steps: np.ndarray, series: list[np.ndarray]) -> None:
    name, ylabel = TITLES[metric]
    ax.set_title(f"{name}  ({metric})", fontsize=9)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_xlabel("step", fontsize=8)
    ax.tick_params(labelsize=7)
    if len(steps) > 1:
        ax.set_xlim(steps[0] - 0.02 * (steps[-1] - steps[0]), steps[-1] + 0.02 * (steps[-1] - steps[0]))
    if metric in FRACTIONS:
        ax.set_ylim(-0.03, 1.03)
    else:
        _y_scale(ax, series, always_log=metric in HEALTHY_BANDS)
    if metric in HEALTHY_BANDS:
        low, high, text = HEALTHY_BANDS[metric]
        ax.axhspan(low, high, color="tab:green", alpha=0.12, lw=0)
        ax.text(0.02, low, text, transform=ax.get_yaxis_transform(), fontsize=7, color="tab:green", va="bottom")
    broke = _first_nonfinite(steps, series)
    if broke is not None:
        ax.axvline(broke, color="red", ls="--", lw=1)
        ax.text(broke, 0.5, f" NaN/inf from step {broke}", transform=ax.get_xaxis_transform(),
                color="red", fontsize=7, rotation=90, va="center")


def plot_activation_histograms(source, X=None, path=None, step: int = -1, layers=None, bins: int = 40,
                               training: bool | None = None, title: str | None = None):
    """One histogram per layer of its outputs, in forward order, on a shared x axis.

    ``source`` is a model (then ``X`` is the batch to run; the model is left untouched, see
    ``mn.monitor.layer_outputs``) or a ``Monitor(histograms=True)`` (then ``step`` picks a recorded
    step, -1 the last). ``layers`` defaults to the activation layers (ReLU family, tanh, sigmoid),
    or every layer when there are none. Each panel's title gives the layer's output std.

    Reading it: in a healthy net the histograms look alike from layer to layer. Shrinking to a
    spike at 0 with depth is a vanishing signal (weights too small); piling up at ±1 (tanh) or
    0 and 1 (sigmoid) is saturation (weights too large); a ReLU layer with a tall bar at 0 and
    little else has many inactive units.
    """
    if isinstance(source, Monitor):
        panels, caption = _histograms_from_monitor(source, step, layers)
    else:
        if X is None:
            raise ValueError("plot_activation_histograms(model, X): give the batch X to run through the model")
        panels, caption = _histograms_from_model(source, X, layers, bins, training)
    if not panels:
        raise ValueError("plot_activation_histograms: no layer to draw")
    cols = min(len(panels), 5)
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.3 * cols, 2.1 * rows + 0.5), sharex=True, squeeze=False)
    colours = _depth_colours([p[0] for p in panels])
    for ax, (name, label, counts, edges, std) in zip(axes.flat, panels):
        ax.stairs(counts, edges, fill=True, color=colours[name], alpha=0.85)
        ax.set_title(f"{label}\nstd {std:.2g}", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("output value", fontsize=8)
    fig.suptitle(title or f"Activations per layer, input → output ({caption})", fontsize=10)
    return finish(fig, path)


def _histograms_from_monitor(mon: Monitor, step: int, layers) -> tuple[list, str]:
    index = mon.step_index(step)
    names = _default_layers(mon.layers, {n: mon.kind(n) for n in mon.layers}, layers)
    stds = mon.get("act_std")
    kept = {name: mon.histogram(name, "act", step) for name in names}
    # Each layer's histogram spans its own range; put them on one grid so the panels compare.
    low = min(edges[0] for _, edges in kept.values())
    high = max(edges[-1] for _, edges in kept.values())
    grid = np.linspace(low, high, mon.bins + 1) if high > low else np.linspace(low - 0.5, high + 0.5, mon.bins + 1)
    panels = [(name, _label(name, mon.layer_types[name]), _rebin(counts, edges, grid), grid, stds[name][index])
              for name, (counts, edges) in kept.items()]
    return panels, f"step {mon.steps[index]}"


def _rebin(counts: np.ndarray, edges: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Counts moved onto the bins of ``grid``, each old bin whole into the new bin holding its centre."""
    centres = (edges[:-1] + edges[1:]) / 2
    where = np.clip(np.searchsorted(grid, centres, side="right") - 1, 0, len(grid) - 2)
    return np.bincount(where, weights=counts, minlength=len(grid) - 1)


def _histograms_from_model(model, X, layers, bins: int, training) -> tuple[list, str]:
    outputs = layer_outputs(model, X, training)
    names = _default_layers(list(outputs), layer_kinds(model), layers)
    modules = dict(model.named_modules())
    finite = [o[np.isfinite(o)] for o in (np.ravel(outputs[n]) for n in names)]
    values = np.concatenate(finite) if finite else np.empty(0)
    low, high = (values.min(), values.max()) if values.size else (-1.0, 1.0)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    panels = [(n, _label(n, type(modules[n]).__name__), np.histogram(v, edges)[0], edges, float(np.std(v)))
              for n, v in zip(names, finite)]
    return panels, f"one batch of {len(X)}"


def _default_layers(ordered: list[str], kinds: dict[str, str], layers) -> list[str]:
    if layers is not None:
        unknown = [n for n in layers if n not in ordered]
        if unknown:
            raise KeyError(f"plot_activation_histograms: no layer {unknown[0]!r}; the layers are {ordered}")
        return [n for n in ordered if n in layers]
    acts = [n for n in ordered if kinds[n] in ACTIVATION_KINDS]
    return acts or list(ordered)


def plot_gradient_norms(source, path=None, steps=None, title: str | None = None):
    """The gradient norm ‖∂L/∂W‖ of each layer with a weight, against its depth (input on the left).

    ``source`` is a ``Monitor`` (one line per step: ``steps`` lists recorded global steps, default
    up to four evenly spaced from the first to the last) or the dict of
    ``mn.monitor.gradient_stats(model, loss_fn, X, y)`` (one line). Logarithmic when the norms
    span two orders of magnitude or more.

    Reading it: healthy norms stay within an order of magnitude across depth. A line falling from
    right to left by orders of magnitude is vanishing gradients (the first layers barely learn);
    rising to the left, exploding gradients; a point at 0 is a layer the gradient never reaches.
    """
    if isinstance(source, Monitor):
        names, lines = _gradient_lines_from_monitor(source, steps)
    else:
        names = [n for n, rec in source.items() if "grad_norm" in rec]
        lines = [("now", np.array([source[n]["grad_norm"] for n in names]), "tab:blue")]
    if not names:
        raise ValueError("plot_gradient_norms: no layer with a weight to draw")
    fig, ax = plt.subplots(figsize=(max(4.5, 0.55 * len(names) + 2.5), 3.6))
    depth = np.arange(len(names))
    for label, values, colour in lines:
        ax.plot(depth, values, marker="o", ms=4, color=colour, label=label)
    _y_scale(ax, [v for _, v, _ in lines])
    ax.set_xticks(depth, [n or "(model)" for n in names], fontsize=8)
    ax.set_xlabel("layer with a weight (input → output)")
    ax.set_ylabel("‖∂L/∂W‖")
    ax.legend(fontsize=8)
    ax.set_title(title or "Gradient norm by depth", fontsize=10)
    return finish(fig, path)


def _gradient_lines_from_monitor(mon: Monitor, steps) -> tuple[list[str], list]:
    names = mon.weight_layers
    recorded = mon.steps
    if steps is None:
        picks = np.unique(np.round(np.linspace(0, len(recorded) - 1, min(4, len(recorded)))).astype(int))
    else:
        picks = [mon.step_index(s) for s in steps]
    norms = mon.get("grad_norm")
    cmap = plt.get_cmap("plasma")
    span = max(len(picks) - 1, 1)
    return names, [(f"step {recorded[i]}", np.array([norms[n][i] for n in names]), cmap(0.8 * k / span))
                   for k, i in enumerate(picks)]
