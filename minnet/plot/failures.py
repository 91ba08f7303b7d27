"""Figures of the failure catalog: a mode's own symptom, broken next to fixed, and the loss curves.

A mode chooses its figure with ``figure = {"kind": ..., ...}``; the kinds, by family:

* Inside the network (here): ``"monitor"`` (``metric``: a monitor metric over training steps, one line
  per layer, broken and fixed side by side on the same y axis, e.g. ``dead_fraction``);
  ``"gradient_by_depth"`` (each weight layer's gradient norm, median over the recorded steps, against
  its depth, on one log axis); ``"activation_histograms"`` (every activation layer's output at the
  first step, a row for broken and one for fixed, each with its std; tanh and sigmoid over their whole
  range); ``"unit_weights"`` (``layer``: its weights after training, one row per unit: symmetric units
  give identical rows); ``"curves"`` (loss and accuracy per epoch only).
* What the trained models output (here): ``"predictions"`` (a one-feature regression's targets and
  each run's predictions against the input); ``"confusion"`` (each run's validation confusion matrix,
  classes read off the outputs by ``experiment.extra["decide"]``); ``"repeated_predictions"``
  (``calls``: each model, in the mode it was left in, predicts its validation set ``calls`` times).
* Training (``training.py``): ``"step_loss"``, ``"clipping"``, ``"schedule"``, ``"lr_grid"``,
  ``"updates"``, ``"validation"``.
* Data (``features.py``, ``labels.py``), which show the data itself broken next to fixed:
  ``"feature_scales"``, ``"target_scale"``, ``"nan_map"``, ``"encoding"``, ``"outliers_fit"``,
  ``"frames"``, ``"samples"``, ``"class_counts"``.
* Sanity checks (``checks.py``): ``"gradient_check"`` (an op's slope from its backward against central
  differences).

Each module's docstring says what its kinds read from the runs. Every figure ends with the loss curves
of both runs, so the symptom sits next to its consequence.
"""
from __future__ import annotations


import numpy as np

from . import checks, features, labels, training
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


# The x range of a squashing activation's histogram: its whole output range, so that a signal that
# shrank to ~0 shows as a spike in the middle and a saturated one as two spikes at the ends.
_ACT_RANGE = {"tanh": (-1.05, 1.05), "sigmoid": (-0.05, 1.05)}


def _activation_histograms(comparison, step: int = 1):
    runs = ((comparison.broken, "broken"), (comparison.fixed, "fixed"))
    acts = [[n for n in r.monitor.layers if r.monitor.kind(n) in ("tanh", "sigmoid", "relu")] for r, _ in runs]
    cols = max(len(a) for a in acts) or 1
    fig = plt.figure(figsize=(max(8, 1.6 * cols + 4), 4.6))
    grid = fig.add_gridspec(2, cols + 2)
    for row, ((run, label), names) in enumerate(zip(runs, acts)):
        stds = run.monitor.get("act_std")
        for i, name in enumerate(names):
            ax = fig.add_subplot(grid[row, i])
            counts, edges = run.monitor.histogram(name, of="act", step=step)
            lo, hi = _ACT_RANGE.get(run.monitor.kind(name), (None, None))
            if lo is not None and edges[-1] - edges[0] < (hi - lo) / 10:   # a narrow peak: one visible bar
                counts, edges = np.histogram((edges[:-1] + edges[1:]) / 2, np.linspace(lo, hi, 41), weights=counts)
            ax.stairs(counts / max(counts.sum(), 1), edges, fill=True,
                      color=BROKEN if label == "broken" else FIXED)
            if lo is not None:
                ax.set_xlim(lo, hi)
            ax.set_yticks([])
            ax.tick_params(labelsize=6)
            std = stds[name][run.monitor.step_index(step)]
            ax.set_title(f"{label + ' ' if i == 0 else ''}{name}\nstd {std:.2g}", fontsize=7)
    _loss_panel(fig.add_subplot(grid[:, cols:]), comparison)
    return fig


def _unit_weights(comparison, layer: str | None = None):
    """One weight layer's units as rows of an image (a unit's incoming weights per row), after training:
    identical units are identical rows."""
    fig = plt.figure(figsize=(12, 3.8))
    grid = fig.add_gridspec(1, 3)
    for col, (run, label) in enumerate(((comparison.broken, "broken"), (comparison.fixed, "fixed"))):
        name = layer or run.monitor.first_layer
        W = np.asarray(dict(run.experiment.model.named_modules())[name].weight.data, dtype=float)
        rows = W.T if W.ndim == 2 else W.reshape(W.shape[0], -1)     # Dense (in, out): units are columns
        ax = fig.add_subplot(grid[0, col])
        lim = float(np.abs(rows).max()) or 1.0
        ax.imshow(rows, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_xlabel("input")
        ax.set_ylabel("unit")
        ax.set_title(f"{label}: layer {name}'s {len(rows)} units after training", fontsize=10,
                     color=BROKEN if label == "broken" else FIXED)
    _loss_panel(fig.add_subplot(grid[0, 2]), comparison)
    return fig


def _curves(comparison):
    has_acc = bool(comparison.broken.history.val_acc or comparison.broken.history.train_acc)
    fig, axes = plt.subplots(1, 2 if has_acc else 1, figsize=(10 if has_acc else 5.5, 3.8), squeeze=False)
    _loss_panel(axes[0, 0], comparison)
    if has_acc:
        accuracy_panel(axes[0, 1], comparison)
    return fig


def _symptom_panel(comparison, xlabel: str, ylabel: str, title: str):
    """A figure of two panels: the symptom's axes (returned, to draw on) and the loss curves."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    ax = axes[0]
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    _loss_panel(axes[1], comparison)
    return fig, ax


def _predictions(comparison):
    from ..train import predict
    fig, ax = _symptom_panel(comparison, "input", "target / prediction", "what each net predicts")
    train = comparison.broken.experiment.train
    X, y = (train.X, train.y) if hasattr(train, "X") else train
    ax.scatter(X[:, 0], np.ravel(y), s=6 if len(X) > 50 else 20, color="0.4", label="training targets",
               zorder=3)
    # one feature: the prediction on a fine grid, which shows the curve between the samples too
    inputs = (np.linspace(X.min(), X.max(), 200, dtype=X.dtype).reshape(-1, 1) if X.shape[1] == 1
              else X[np.argsort(X[:, 0])])
    for run, colour, label in ((comparison.broken, BROKEN, "broken"), (comparison.fixed, FIXED, "fixed")):
        ax.plot(inputs[:, 0], np.ravel(predict(run.experiment.model, inputs)), color=colour, lw=2,
                label=f"{label}: prediction")
    ax.legend(fontsize=7)
    return fig


def _confusion(comparison):
    from ..metrics import confusion_matrix
    from ..train import predict
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, run, label in ((axes[0], comparison.broken, "broken"), (axes[1], comparison.fixed, "fixed")):
        X, y = run.experiment.val
        y = np.ravel(y).astype(int)
        predicted = run.experiment.extra["decide"](predict(run.experiment.model, X))
        m = confusion_matrix(y, predicted, num_classes=int(y.max()) + 1).astype(float)
        ax.imshow(m / np.maximum(m.sum(axis=1, keepdims=True), 1), cmap="Greys", vmin=0, vmax=1)
        ax.set_title(f"{label}: validation accuracy {np.mean(predicted == y):.0%}", fontsize=10,
                     color=BROKEN if label == "broken" else FIXED)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        ax.set_xticks(range(len(m)))
        ax.set_yticks(range(len(m)))
        ax.tick_params(labelsize=7)
    _loss_panel(axes[2], comparison)
    return fig


def _repeated_predictions(comparison, calls: int = 20):
    from ..autograd import Tensor, no_grad
    fig, ax = _symptom_panel(comparison, "prediction of the same validation set, call number",
                             "validation accuracy", "the same inputs, predicted again and again")
    for run, colour, label in ((comparison.broken, BROKEN, "broken"), (comparison.fixed, FIXED, "fixed")):
        X, y = run.experiment.val
        model = run.experiment.model
        with no_grad():
            classes = np.stack([model(Tensor(X)).data.argmax(axis=1) for _ in range(calls)])
        changed = np.mean(np.any(classes != classes[0], axis=0))
        mode = "training" if model.training else "evaluation"
        ax.plot(range(1, calls + 1), np.mean(classes == np.ravel(y), axis=1), color=colour, marker="o", ms=4,
                label=f"{label} ({mode} mode): {changed:.0%} of images changed class")
    ax.legend(fontsize=7)
    return fig


_KINDS = {"monitor": _monitor, "gradient_by_depth": _gradient_by_depth,
          "activation_histograms": _activation_histograms, "unit_weights": _unit_weights, "curves": _curves,
          "predictions": _predictions, "confusion": _confusion, "repeated_predictions": _repeated_predictions,
          # the training modes: steps, clipping, schedules, grids, updates, validation (training.py)
          "clipping": training.clipping, "step_loss": training.step_loss, "schedule": training.schedule,
          "lr_grid": training.lr_grid, "updates": training.updates, "validation": training.validation,
          # the data modes: what the data looks like, broken and fixed, next to the symptom
          "feature_scales": features.feature_scales, "target_scale": features.target_scale,
          "nan_map": features.nan_map, "encoding": features.encoding, "outliers_fit": features.outliers_fit,
          "frames": features.frames, "samples": labels.samples, "class_counts": labels.class_counts,
          # the sanity checks (checks.py)
          "gradient_check": checks.gradient_check}
