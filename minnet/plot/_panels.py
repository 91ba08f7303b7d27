"""What the catalog's figures share: the colours of the broken and the fixed run, and the loss panel
every comparison figure ends with (so the symptom sits next to its consequence)."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

BROKEN, FIXED = "#cf222e", "#1a7f37"


def runs(comparison):
    """``(run, colour, label)`` for the broken and the fixed run, in that order."""
    return ((comparison.broken, BROKEN, "broken"), (comparison.fixed, FIXED, "fixed"))


def epoch_axis(history, x: str = "epoch") -> np.ndarray:
    """Where each epoch ends on the x axis: its number (``x="epoch"``), or the optimizer steps taken by
    then (``x="step"``, to compare runs whose epochs hold different numbers of steps)."""
    if x == "step":
        return np.cumsum(history.steps_per_epoch)
    return np.arange(1, len(history.train_loss) + 1)


def loss_panel(ax, comparison, x: str = "epoch") -> None:
    """Training (solid) and validation (dashed) loss per epoch of both runs; log scale when they span
    more than a factor of 50; a dotted line where a run diverged. ``x``: see :func:`epoch_axis`.

    Runs of fewer than four epochs (quick settings) draw the training loss of every step instead, so
    the panel shows a curve rather than a dot or two."""
    few = all(len(r.history.train_loss) < 4 and r.history.step_loss for r in (comparison.broken, comparison.fixed))
    x = "step" if few else x
    for run, colour, label in runs(comparison):
        h = run.history
        epochs = epoch_axis(h, x)
        if few:
            ax.plot(np.arange(1, len(h.step_loss) + 1), h.step_loss, color=colour, lw=1, label=f"{label}: train")
        else:
            ax.plot(epochs[:len(h.train_loss)], h.train_loss, color=colour, marker="o", ms=3,
                    label=f"{label}: train")
        if h.val_loss:
            ax.plot(epochs[:len(h.val_loss)], h.val_loss, color=colour, ls="--", marker="s" if few else None, ms=4,
                    label=f"{label}: validation")
        if h.diverged is not None:
            where = h.diverged.global_step if few else epochs[min(h.diverged.epoch, len(epochs)) - 1]
            ax.axvline(where, color=colour, lw=0.8, ls=":")
    ax.set_xlabel(x)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))     # epochs and steps are whole numbers
    ax.set_ylabel("loss")
    values = [v for r in (comparison.broken, comparison.fixed)
              for v in (r.history.step_loss if few else r.history.train_loss) + r.history.val_loss
              if np.isfinite(v) and v > 0]
    if values and max(values) / min(values) > 50:
        ax.set_yscale("log")
    ax.legend(fontsize=7)
    ax.set_title("loss", fontsize=10)


def accuracy_panel(ax, comparison, lines: dict | None = None, x: str = "epoch") -> None:
    """Training (solid) and validation (dashed) accuracy per epoch of both runs, on 0..1, with grey
    reference lines ``{label: value}`` (chance, a known ceiling, ...). ``x``: see :func:`epoch_axis`."""
    for run, colour, label in runs(comparison):
        h = run.history
        epochs = epoch_axis(h, x)
        if h.train_acc:
            ax.plot(epochs[:len(h.train_acc)], h.train_acc, color=colour, marker="o", ms=3, label=f"{label}: train")
        if h.val_acc:
            ax.plot(epochs[:len(h.val_acc)], h.val_acc, color=colour, ls="--", label=f"{label}: validation")
    for name, value in (lines or {}).items():
        ax.axhline(value, color="0.45", lw=1, ls=":")
        ax.annotate(name, (1, value), xycoords=("axes fraction", "data"), xytext=(-3, 3), textcoords="offset points",
                    ha="right", va="bottom", fontsize=7, color="0.3")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(x)
    ax.set_title("accuracy", fontsize=10)
    ax.legend(fontsize=7)
