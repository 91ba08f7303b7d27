"""The training modes' figures, one function per figure kind of ``minnet.plot.failures``:

* ``step_loss`` (optional ``metric``): the training loss of every step, broken and fixed on one log axis,
  with the chance level (``experiment.extra["chance"]``) and the step where it became NaN; with
  ``metric``, that monitor metric per step (median over layers) next to it.
* ``clipping``: the total gradient norm of every step before clipping, with the clip threshold
  (``experiment.extra["clip"]``) drawn across.
* ``schedule`` (``last``): the lr of every epoch, and the validation loss of the second half of training
  with the spread of its last ``last`` epochs (and ``experiment.extra["floor"]``, a noise floor).
* ``lr_grid``: the broken run's lr grid (``experiment.extra["grid"]``: lr -> final training loss) and the
  lr it chose, against the fixed run's final training loss and ``extra["chance"]``.
* ``updates``: validation accuracy per epoch and against the number of weight updates so far.
* ``validation``: validation loss per epoch with each run's returned model starred (the epoch
  ``EarlyStopping`` restored, else the last), and the training loss.
"""
from __future__ import annotations

import warnings

import numpy as np

from ._base import plt
from ._panels import BROKEN, FIXED, loss_panel as _loss_panel, runs


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


def clipping(comparison):
    """The total gradient norm of every step before clipping, broken and fixed on one log axis, with
    the clip threshold (``experiment.extra["clip"]``): above the line, clipping cut the step."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    clip = comparison.broken.experiment.extra["clip"]
    for run, colour, label in runs(comparison):
        g = np.asarray(run.history.grad_norm, float)
        clipping = "clipping on" if run.history.clip_grad_norm is not None else "no clipping"
        axes[0].plot(np.arange(1, g.size + 1), g, color=colour, lw=0.8,
                     label=f"{label} ({clipping}): {np.mean(g > clip):.0%} of steps above the clip")
    axes[0].axhline(clip, color="k", ls="--", lw=1, label="clip threshold")
    _dress(axes[0], "total gradient norm per step", "step", "gradient norm before clipping", ylog=True)
    _loss_panel(axes[1], comparison)
    return fig


def step_loss(comparison, metric: str | None = None):
    """The training loss of every step, broken and fixed on one log axis, with the chance level
    (``experiment.extra["chance"]``, if given) and the step where the loss became NaN; then, with
    ``metric``, that monitor metric per recorded step (the median over layers) for both runs."""
    fig, axes = plt.subplots(1, 2 if metric else 1, figsize=(11 if metric else 5.5, 3.8), squeeze=False)
    ax = axes[0, 0]
    for run, colour, label in runs(comparison):
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
        for run, colour, label in runs(comparison):
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


def schedule(comparison, last: int = 5):
    """The lr of every epoch (``history.lr``), and the validation loss of the second half of training
    with the last ``last`` epochs shaded and their mean marked; the noise floor
    (``experiment.extra["floor"]``) if given."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    for run, colour, label in runs(comparison):
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


def lr_grid(comparison):
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


def updates(comparison):
    """Validation accuracy per epoch (the budget), then against the number of weight updates so far
    (log axis): whether a run is behind because each update is worse or because it made fewer."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    for run, colour, label in runs(comparison):
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


def validation(comparison):
    """Validation loss per epoch on a linear axis, each run's returned model starred (the epoch whose
    weights ``EarlyStopping`` restored, else the last); then the training loss per epoch. The fixed
    run is drawn wide underneath, so a broken run that shares its first epochs stays visible."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    for run, colour, label in reversed(runs(comparison)):
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
