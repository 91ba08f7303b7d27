"""Figures of the failure catalog: a mode's own symptom, broken next to fixed, and the loss curves.

A mode chooses its figure with ``figure = {"kind": ..., ...}``:

* ``"monitor"`` (``metric``): a monitor metric over training steps, one line per layer, broken and
  fixed side by side on the same y axis (e.g. ``dead_fraction`` for dead ReLUs).
* ``"gradient_by_depth"``: each weight layer's gradient norm (median over the recorded steps)
  against its depth, broken and fixed on one log axis (vanishing and exploding gradients).
* ``"activation_histograms"``: histograms of every activation layer's output at the first step,
  one row for broken and one for fixed (initialization modes).
* ``"gradient_check"``: the slope of an elementwise op (``extra["op"]``, a function of one Tensor)
  as its backward returns it and as central differences measure it, broken and fixed, with
  gradcheck's relative error (``extra["gradcheck"]``); and the total gradient norm per step.
* ``"fit_1d"``: a regression on one input feature: the training samples and each trained model's
  prediction across their range, broken and fixed.
* ``"curves"``: loss (and accuracy) per epoch only.
* The data modes' kinds (``"feature_scales"``, ``"target_scale"``, ``"nan_map"``, ``"encoding"``,
  ``"outliers_fit"``, ``"frames"``) show the data broken next to fixed: see ``features.py``.
* ``"samples"``, ``"class_counts"`` (``panels``): the data modes' figures, which show the data itself
  (training images with their labels, samples per class and split) before the symptom; see
  ``minnet.plot.labels``.

Every figure ends with the loss curves of both runs, so the symptom sits next to its consequence.
"""
from __future__ import annotations

import numpy as np

from . import features, labels
from ._base import finish, plt
from ._panels import BROKEN, FIXED, accuracy_panel, loss_panel as _loss_panel


def plot_comparison(comparison, path=None):
    """The figure of a :class:`~minnet.failures.Comparison` (see the module docstring); returns the Figure."""
    spec = dict(comparison.mode.figure)
    kind = spec.pop("kind", "curves")
    draw = _KINDS.get(kind)
    if draw is None:
        raise ValueError(f"unknown figure kind {kind!r} for {comparison.mode.name}; known: {', '.join(_KINDS)}")
    fig = draw(comparison, **spec)
    fig.suptitle(f"{comparison.mode.name}: {comparison.mode.title}", fontsize=11)
    return finish(fig, path)


def _layer_colours(names):
    cmap = plt.get_cmap("viridis")
    return {n: cmap(i / max(1, len(names) - 1) * 0.9) for i, n in enumerate(names)}


def _monitor(comparison, metric: str, log: bool | None = None):
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    runs = ((comparison.broken, "broken"), (comparison.fixed, "fixed"))
    series = [r.monitor.get(metric) for r, _ in runs]
    everything = np.concatenate([v[np.isfinite(v)] for s in series for v in s.values()] or [np.zeros(1)])
    positive = everything[everything > 0]
    if log is None:
        log = positive.size > 0 and positive.max() / positive.min() > 100
    for ax, (run, label), values in zip(axes[:2], runs, series):
        colours = _layer_colours(list(values))
        steps = np.asarray(run.monitor.steps)
        for name, v in values.items():
            ax.plot(steps[:len(v)], v, color=colours[name], label=f"layer {name}")
        ax.set_title(f"{label}: {metric}", fontsize=10, color=BROKEN if label == "broken" else FIXED)
        ax.set_xlabel("step")
        if log:
            ax.set_yscale("log")
        ax.legend(fontsize=7)
    if everything.size and np.isfinite(everything).all():
        lo, hi = (positive.min() / 2, positive.max() * 2) if log and positive.size else \
            (min(0, everything.min()), everything.max() * 1.05 + 1e-12)
        for ax in axes[:2]:
            ax.set_ylim(lo, hi)
    _loss_panel(axes[2], comparison)
    return fig


def _gradient_by_depth(comparison):
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    ax = axes[0]
    for run, colour, label in ((comparison.broken, BROKEN, "broken"), (comparison.fixed, FIXED, "fixed")):
        g = run.monitor.get("grad_norm")
        names = [n for n in run.monitor.layers if n in g]
        med = [np.nanmedian(g[n]) if len(g[n]) else np.nan for n in names]
        ax.plot(range(1, len(names) + 1), med, color=colour, marker="o", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("weight layer (1 = first, next to the input)")
    ax.set_ylabel("gradient norm (median over steps)")
    ax.set_title("gradient norm by depth", fontsize=10)
    ax.legend(fontsize=8)
    _loss_panel(axes[1], comparison)
    return fig


def _activation_histograms(comparison, step: int = 0):
    runs = ((comparison.broken, "broken"), (comparison.fixed, "fixed"))
    acts = [[n for n in r.monitor.layers if r.monitor.kind(n) in ("tanh", "sigmoid", "relu")] for r, _ in runs]
    cols = max(len(a) for a in acts) or 1
    fig = plt.figure(figsize=(max(8, 1.6 * cols + 4), 4.6))
    grid = fig.add_gridspec(2, cols + 2)
    for row, ((run, label), names) in enumerate(zip(runs, acts)):
        for i, name in enumerate(names):
            ax = fig.add_subplot(grid[row, i])
            counts, edges = run.monitor.histogram(name, of="act", step=step)
            ax.stairs(counts / max(counts.sum(), 1), edges, fill=True,
                      color=BROKEN if label == "broken" else FIXED)
            ax.set_yticks([])
            ax.tick_params(labelsize=6)
            ax.set_title(f"{label} {name}" if i == 0 else name, fontsize=7)
    _loss_panel(fig.add_subplot(grid[:, cols:]), comparison)
    return fig


def _curves(comparison):
    has_acc = bool(comparison.broken.history.val_acc or comparison.broken.history.train_acc)
    fig, axes = plt.subplots(1, 2 if has_acc else 1, figsize=(10 if has_acc else 5.5, 3.8), squeeze=False)
    _loss_panel(axes[0, 0], comparison)
    if has_acc:
        accuracy_panel(axes[0, 1], comparison)
    return fig


def _slopes(op, x: np.ndarray, eps: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """An elementwise op's slope at every x: what its backward returns, and the central difference."""
    from ..autograd import Tensor, no_grad
    t = Tensor(x, requires_grad=True)
    op(t).sum().backward()
    with no_grad():
        numerical = (op(Tensor(x + eps)).data - op(Tensor(x - eps)).data) / (2 * eps)
    return t.grad, numerical


def _gradient_check(comparison, x_range: tuple = (-3.0, 3.0)):
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    ax = axes[0]
    x = np.linspace(*x_range, 241)
    runs = ((comparison.broken, BROKEN, "broken"), (comparison.fixed, FIXED, "fixed"))
    for i, (run, colour, label) in enumerate(runs):
        analytical, numerical = _slopes(run.experiment.extra["op"], x.copy())
        if i == 0:
            ax.plot(x, numerical, color="black", lw=3, alpha=0.25, label="central differences")
        error = run.experiment.extra["gradcheck"].max_rel_error
        ax.plot(x, analytical, color=colour, ls="--" if i else "-", label=f"{label} backward (rel. error {error:.1e})")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xlabel("input x")
    ax.set_title("slope of the op: backward vs numerical", fontsize=10)
    ax.legend(fontsize=7)
    ax = axes[1]
    for run, colour, label in runs:
        g = np.asarray(run.history.grad_norm, float)
        ax.plot(np.arange(1, len(g) + 1), g, color=colour, lw=0.8, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_title("total gradient norm", fontsize=10)
    ax.legend(fontsize=7)
    _loss_panel(axes[2], comparison)
    return fig


def _fit_1d(comparison):
    from ..train import predict
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    ax = axes[0]
    X, y = comparison.broken.experiment.train
    grid = np.linspace(X.min(), X.max(), 200, dtype=X.dtype).reshape(-1, 1)
    ax.scatter(X.reshape(-1), np.reshape(y, -1), color="black", zorder=3, label="training samples")
    for run, colour, label in ((comparison.broken, BROKEN, "broken"), (comparison.fixed, FIXED, "fixed")):
        ax.plot(grid.reshape(-1), predict(run.experiment.model, grid).reshape(-1), color=colour, label=f"{label} model")
    ax.set_xlabel("input")
    ax.set_ylabel("target / prediction")
    ax.set_title("what the trained model predicts", fontsize=10)
    ax.legend(fontsize=7)
    _loss_panel(axes[1], comparison)
    return fig


_KINDS = {"monitor": _monitor, "gradient_by_depth": _gradient_by_depth,
          "activation_histograms": _activation_histograms, "curves": _curves,
          # the data modes: what the data looks like, broken and fixed, next to the symptom
          "feature_scales": features.feature_scales, "target_scale": features.target_scale,
          "nan_map": features.nan_map, "encoding": features.encoding, "outliers_fit": features.outliers_fit,
          "frames": features.frames,
          "samples": labels.samples, "class_counts": labels.class_counts,
          "gradient_check": _gradient_check, "fit_1d": _fit_1d}
