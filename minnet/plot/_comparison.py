"""What the catalog's figures share: the colours of broken and fixed, and the curves every figure ends with.

Imported by each module of the catalog's figure kinds (``failures.py``, ``features.py``, ...), so that
none of them imports another.
"""
from __future__ import annotations

import numpy as np

BROKEN, FIXED = "#cf222e", "#1a7f37"


def both(comparison):
    """``(run, colour, label)`` for the broken and then the fixed run."""
    return ((comparison.broken, BROKEN, "broken"), (comparison.fixed, FIXED, "fixed"))


def loss_panel(ax, comparison) -> None:
    """Training (solid) and validation (dashed) loss per epoch of both runs; a dotted line where one diverged."""
    for run, colour, label in both(comparison):
        h = run.history
        epochs = np.arange(1, len(h.train_loss) + 1)
        ax.plot(epochs, h.train_loss, color=colour, marker="o", ms=3, label=f"{label}: train")
        if h.val_loss:
            ax.plot(epochs[:len(h.val_loss)], h.val_loss, color=colour, ls="--", label=f"{label}: validation")
        if h.diverged is not None:
            ax.axvline(h.diverged.epoch, color=colour, lw=0.8, ls=":")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    values = [v for r in (comparison.broken, comparison.fixed) for v in r.history.train_loss + r.history.val_loss
              if np.isfinite(v) and v > 0]
    if values and max(values) / min(values) > 50:
        ax.set_yscale("log")
    ax.legend(fontsize=7)
    ax.set_title("loss", fontsize=10)


def accuracy_panel(ax, comparison, chance: float | None = None) -> None:
    """Training (solid) and validation (dashed) accuracy per epoch of both runs; ``chance`` as a grey line."""
    for run, colour, label in both(comparison):
        h = run.history
        if h.train_acc:
            ax.plot(np.arange(1, len(h.train_acc) + 1), h.train_acc, color=colour, marker="o", ms=3,
                    label=f"{label}: train")
        if h.val_acc:
            ax.plot(np.arange(1, len(h.val_acc) + 1), h.val_acc, color=colour, ls="--", label=f"{label}: validation")
    if chance is not None:
        ax.axhline(chance, color="0.5", lw=0.8, ls=":", label=f"chance ({chance:.2g})")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("epoch")
    ax.set_title("accuracy", fontsize=10)
    ax.legend(fontsize=7)
