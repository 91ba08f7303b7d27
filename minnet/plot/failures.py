"""Figures of the failure catalog: a mode's own symptom, broken next to fixed, and the loss curves.

A mode chooses its figure with ``figure = {"kind": ..., ...}``:

* ``"monitor"`` (``metric``): a monitor metric over training steps, one line per layer, broken and
  fixed side by side on the same y axis (e.g. ``dead_fraction`` for dead ReLUs).
* ``"gradient_by_depth"``: each weight layer's gradient norm (median over the recorded steps)
  against its depth, broken and fixed on one log axis (vanishing and exploding gradients).
* ``"activation_histograms"``: histograms of every activation layer's output at the first step,
  one row for broken and one for fixed, each with its std (initialization modes); tanh and sigmoid
  layers over their whole output range.
* ``"unit_weights"`` (``layer``, default the first weight layer): that layer's weights after
  training as an image, one row per unit (symmetric units: identical rows).
* ``"gradient_check"``: the slope of an elementwise op (``extra["op"]``, a function of one Tensor)
  as its backward returns it and as central differences measure it, broken and fixed, with
  gradcheck's relative error (``extra["gradcheck"]``); and the total gradient norm per step.
* ``"fit_1d"``: a regression on one input feature: the training samples and each trained model's
  prediction across their range, broken and fixed.
* ``"curves"``: loss (and accuracy) per epoch only.
* ``"step_loss"`` (optional ``metric``): the training loss of every step, broken and fixed on one log
  axis, with the chance level (``experiment.extra["chance"]``) and the step where it became NaN; with
  ``metric``, that monitor metric per step (median over layers) next to it.
* ``"schedule"`` (``last``): the lr of every epoch, and the validation loss of the second half of
  training with the spread of its last ``last`` epochs (and ``experiment.extra["floor"]``, a noise floor).
* ``"lr_grid"``: the broken run's lr grid (``experiment.extra["grid"]``: lr -> final training loss)
  and the lr it chose, against the fixed run's final training loss and ``extra["chance"]``.
* ``"updates"``: validation accuracy per epoch and against the number of weight updates so far
  (batch size modes: fewer updates, or worse ones?).
* ``"validation"``: validation loss per epoch (linear axis) with each run's returned model starred
  (the epoch ``EarlyStopping`` restored, else the last), and the training loss (epoch-budget modes).
* ``"clipping"``: the total gradient norm of every step before clipping, broken and fixed, with the
  clip threshold (``experiment.extra["clip"]``) drawn across.
* The data modes' kinds (``"feature_scales"``, ``"target_scale"``, ``"nan_map"``, ``"encoding"``,
  ``"outliers_fit"``, ``"frames"``) show the data broken next to fixed: see ``features.py``.
* ``"samples"``, ``"class_counts"`` (``panels``): the data modes' figures, which show the data itself
  (training images with their labels, samples per class and split) before the symptom; see
  ``minnet.plot.labels``.

Every figure ends with the loss curves of both runs, so the symptom sits next to its consequence.
"""
from __future__ import annotations

import warnings

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


def _both(comparison):
    """``(run, colour, label)`` of the broken and the fixed run."""
    return (comparison.broken, BROKEN, "broken"), (comparison.fixed, FIXED, "fixed")


def _dress(ax, title: str, xlabel: str, ylabel: str | None = None, xlog: bool = False, ylog: bool = False) -> None:
    """Title, axis labels, log scales and a small legend."""
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if xlog:
        ax.set_xscale("log")
    if ylog:
        ax.set_yscale("log")
    ax.legend(fontsize=7)


def _clipping(comparison):
    """The total gradient norm of every step before clipping, broken and fixed on one log axis, with
    the clip threshold (``experiment.extra["clip"]``): above the line, clipping cut the step."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    clip = comparison.broken.experiment.extra["clip"]
    for run, colour, label in _both(comparison):
        g = np.asarray(run.history.grad_norm, float)
        clipping = "clipping on" if run.history.clip_grad_norm is not None else "no clipping"
        axes[0].plot(np.arange(1, g.size + 1), g, color=colour, lw=0.8,
                     label=f"{label} ({clipping}): {np.mean(g > clip):.0%} of steps above the clip")
    axes[0].axhline(clip, color="k", ls="--", lw=1, label="clip threshold")
    _dress(axes[0], "total gradient norm per step", "step", "gradient norm before clipping", ylog=True)
    _loss_panel(axes[1], comparison)
    return fig


def _step_loss(comparison, metric: str | None = None):
    """The training loss of every step, broken and fixed on one log axis, with the chance level
    (``experiment.extra["chance"]``, if given) and the step where the loss became NaN; then, with
    ``metric``, that monitor metric per recorded step (the median over layers) for both runs."""
    fig, axes = plt.subplots(1, 2 if metric else 1, figsize=(11 if metric else 5.5, 3.8), squeeze=False)
    ax = axes[0, 0]
    for run, colour, label in _both(comparison):
        loss = np.asarray(run.history.step_loss, float)
        ax.plot(np.arange(1, loss.size + 1), np.where(np.isfinite(loss), loss, np.nan), color=colour, lw=0.8,
                label=f"{label} (lr {run.experiment.extra.get('lr', run.experiment.optimizer.lr):.3g})")
        if run.history.diverged is not None:
            ax.axvline(run.history.diverged.global_step, color=colour, ls=":", lw=1,
                       label=f"{label}: NaN at step {run.history.diverged.global_step}")
    chance = comparison.broken.experiment.extra.get("chance")
    if chance is not None:
        ax.axhline(chance, color="k", ls="--", lw=1, label=f"chance ({chance:.3g})")
    _dress(ax, "training loss per step", "step", "training loss of the batch", ylog=True)
    if metric:
        ax = axes[0, 1]
        for run, colour, label in _both(comparison):
            values = np.array(list(run.monitor.get(metric).values()), float)
            values[~np.isfinite(values)] = np.nan
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)     # steps after a NaN: nothing to take
                typical = np.nanmedian(values, axis=0)
            ax.plot(np.asarray(run.monitor.steps)[:typical.size], typical, color=colour, label=label)
        if metric == "update_ratio":
            ax.axhline(1e-3, color="k", ls="--", lw=1, label="healthy ~1e-3 (cs231n)")
        _dress(ax, f"{metric} (median over layers)", "step", ylog=True)
    return fig


def _schedule(comparison, last: int = 5):
    """The lr of every epoch (``history.lr``), and the validation loss of the second half of training
    with the last ``last`` epochs shaded and their mean marked; the noise floor
    (``experiment.extra["floor"]``) if given."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    for run, colour, label in _both(comparison):
        h = run.history
        axes[0].plot(np.arange(1, len(h.lr) + 1), h.lr, color=colour, marker="o", ms=3, label=label)
        val = np.asarray(h.val_loss, float)
        epochs, half, tail = np.arange(1, val.size + 1), val.size // 2, val[-last:]
        axes[1].plot(epochs[half:], val[half:], color=colour, marker="o", ms=3,
                     label=f"{label}: last {last} epochs {tail.mean():.3g} ± {tail.std():.2g}")
        axes[1].hlines(tail.mean(), epochs[-last], epochs[-1], color=colour, ls="--", lw=1)
    n = len(comparison.broken.history.val_loss)
    axes[1].axvspan(n - last + 0.5, n + 0.5, color="0.9", zorder=0)
    floor = comparison.broken.experiment.extra.get("floor")
    if floor is not None:
        axes[1].axhline(floor, color="k", ls=":", lw=1, label=f"noise floor ({floor:.3g})")
    _dress(axes[0], "learning rate", "epoch")
    _dress(axes[1], "validation loss, second half of training", "epoch")
    _loss_panel(axes[2], comparison)
    return fig


def _lr_grid(comparison):
    """The broken run's learning-rate grid (``experiment.extra["grid"]``: lr -> final training loss),
    with the lr it chose, against the fixed run's final training loss and the chance level
    (``experiment.extra["chance"]``); then the loss curves."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    ax, extra, fixed = axes[0], comparison.broken.experiment.extra, comparison.fixed
    lrs = sorted(extra["grid"])
    ax.plot(lrs, [extra["grid"][lr] for lr in lrs], color=BROKEN, marker="o", label="broken: each lr of the grid")
    ax.plot([extra["lr"]], [comparison.broken.history.train_loss[-1]], color=BROKEN, marker="*", ms=14, ls="",
            label=f"broken: the best, lr {extra['lr']:g}")
    ax.axhline(fixed.history.train_loss[-1], color=FIXED, lw=1.5,
               label=f"fixed: {type(fixed.experiment.optimizer).__name__} (lr {fixed.experiment.optimizer.lr:g})")
    if extra.get("chance") is not None:
        ax.axhline(extra["chance"], color="k", ls="--", lw=1, label=f"chance ({extra['chance']:.3g})")
    _dress(ax, "the same budget at every lr", "learning rate", "training loss after the budget", xlog=True, ylog=True)
    _loss_panel(axes[1], comparison)
    return fig


def _updates(comparison):
    """Validation accuracy per epoch (the budget), then against the number of weight updates so far
    (log axis): whether a run is behind because each update is worse or because it made fewer."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    for run, colour, label in _both(comparison):
        h = run.history
        updates = np.cumsum(h.steps_per_epoch)
        text = f"{label}: {updates[-1]} updates"
        axes[0].plot(np.arange(1, len(h.val_acc) + 1), h.val_acc, color=colour, marker="o", ms=3, label=text)
        axes[1].plot(updates[:len(h.val_acc)], h.val_acc, color=colour, marker="o", ms=3, label=text)
    axes[0].set_ylim(0, 1.02)
    axes[1].set_ylim(0, 1.02)
    _dress(axes[0], "validation accuracy per epoch", "epoch")
    _dress(axes[1], "validation accuracy per update", "weight updates so far", xlog=True)
    _loss_panel(axes[2], comparison)
    return fig


def _validation(comparison):
    """Validation loss per epoch on a linear axis, each run's returned model starred (the epoch whose
    weights ``EarlyStopping`` restored, else the last); then the training loss per epoch. The fixed
    run is drawn wide underneath, so a broken run that shares its first epochs stays visible."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    for run, colour, label in reversed(_both(comparison)):
        h, wide = run.history, label == "fixed"
        val = np.asarray(h.val_loss, float)
        epochs, kept = np.arange(1, val.size + 1), h.restored_epoch or val.size
        style = {"color": colour, "lw": 4 if wide else 1.5, "alpha": 0.5 if wide else 1.0, "marker": "o", "ms": 3}
        axes[0].plot(epochs, val, label=f"{label}: {val.size} epochs", **style)
        axes[0].plot([kept], [val[kept - 1]], color=colour, marker="*", ms=15, ls="", mec="k", mew=0.5,
                     label=f"{label}: model returned (epoch {kept})")
        axes[1].plot(epochs, h.train_loss, label=label, **style)
    _dress(axes[0], "validation loss", "epoch")
    _dress(axes[1], "training loss", "epoch", ylog=True)
    return fig


_KINDS = {"monitor": _monitor, "gradient_by_depth": _gradient_by_depth,
          "activation_histograms": _activation_histograms, "unit_weights": _unit_weights, "curves": _curves,
          # the data modes: what the data looks like, broken and fixed, next to the symptom
          "feature_scales": features.feature_scales, "target_scale": features.target_scale,
          "nan_map": features.nan_map, "encoding": features.encoding, "outliers_fit": features.outliers_fit,
          "frames": features.frames,
          "samples": labels.samples, "class_counts": labels.class_counts,
          "gradient_check": _gradient_check, "fit_1d": _fit_1d,
          "clipping": _clipping,
          "step_loss": _step_loss, "schedule": _schedule,
          "lr_grid": _lr_grid, "updates": _updates,
          "validation": _validation}
