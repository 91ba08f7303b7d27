"""Training curves: loss and accuracy per epoch (``History.plot``) and the LR range test (``lr_find``)."""
from __future__ import annotations

import numpy as np

from ._base import finish, plt


def plot_history(history, path=None, title: str | None = None):
    """Loss per epoch (train and validation) and, where recorded, accuracy per epoch.

    Where the validation loss turns up while the training loss keeps falling, the model has
    started to overfit; a NaN/inf point marks where training diverged.
    """
    has_acc = any(len(v) for v in (history.train_acc, history.val_acc))
    fig, axes = plt.subplots(1, 2 if has_acc else 1, figsize=(10 if has_acc else 5.5, 3.8), squeeze=False)
    ax = axes[0, 0]
    epochs = np.arange(1, len(history.train_loss) + 1)
    ax.plot(epochs, history.train_loss, marker="o", ms=3, label="train loss")
    if len(history.val_loss):
        ax.plot(np.arange(1, len(history.val_loss) + 1), history.val_loss, marker="o", ms=3, label="validation loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if history.diverged is not None:
        ax.axvline(history.diverged.epoch, color="red", ls="--", lw=1, label="diverged")
    ax.legend()
    if has_acc:
        ax = axes[0, 1]
        if len(history.train_acc):
            ax.plot(np.arange(1, len(history.train_acc) + 1), history.train_acc, marker="o", ms=3, label="train")
        if len(history.val_acc):
            ax.plot(np.arange(1, len(history.val_acc) + 1), history.val_acc, marker="o", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_ylim(0, 1.02)
        ax.legend()
    if title:
        fig.suptitle(title)
    return finish(fig, path)


def plot_lr_find(result, path=None, title: str | None = "Learning-rate range test"):
    """Smoothed loss against learning rate (log axis), with the suggested learning rate marked.

    Read it left to right: flat (too small to learn), falling (useful rates), then the loss turns
    up and runs away (too large). The suggestion sits a decade below the minimum.
    """
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.plot(result.lrs, result.raw_losses, color="0.8", lw=1, label="batch loss")
    ax.plot(result.lrs, result.losses, lw=2, label="smoothed loss")
    ax.axvline(result.suggested_lr, color="green", ls="--", label=f"suggested lr = {result.suggested_lr:.2g}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    finite = np.asarray(result.losses)[np.isfinite(result.losses)]
    if finite.size:
        ax.set_ylim(finite.min() - 0.05 * abs(finite.min()), min(finite.max(), 4 * finite[0]) * 1.05)
    ax.legend()
    if title:
        ax.set_title(title)
    return finish(fig, path)
