"""Figures of the catalog's data modes: what the data looks like, broken next to fixed, beside the symptom.

The sources' first advice for a data problem is to look at the data ("Visual inspection of a subset of
the data is crucial. Are labels accurately matched to their corresponding inputs?", 000; "Checking your
data looks correct at each stage of the pipeline", 002). So each figure starts with the data the two
runs trained on, then shows the symptom, and ends with the loss curves:

* ``"samples"``: a few training images with the label each was trained with, the broken run's above
  the fixed run's; a label in red is not what its image shows (it names what it shows).
* ``"class_counts"``: the samples of each class in the training and the validation split, broken
  above fixed (and each class's total weight in the loss, count x weight, when the loss weighs classes).

Both take ``panels``, the symptom panels drawn after the data, from:

* ``"accuracy"``: training and validation accuracy per epoch, with the grey reference lines of
  ``extra["lines"]`` (chance, 1 - noise, ...);
* ``"confusion"``: the validation confusion matrix of each run (rows: true class, each row scaled to
  sum to 1), the cells between the classes of ``extra["pair"]`` outlined;
* ``"recall"``: the validation recall of each class, broken next to fixed, the classes of
  ``extra["highlight"]`` marked.

What they read from a run's experiment: ``train`` (a loader or an ``(X, y)`` pair), ``val``, ``model``,
``loss_fn.weight``, and its ``extra`` dict: ``samples`` (as ``minnet.failures.recipes.samples`` makes
it), ``names`` (class names), ``lines``, ``pair``, ``highlight``.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..metrics import confusion_matrix, recall
from ..train import predict
from ._base import plt
from ._panels import accuracy_panel, loss_panel, runs

PANEL, DATA = 3.3, 4.0       # widths in inches: a symptom panel, the data


def samples(comparison, panels=("accuracy",), x: str = "epoch"):
    """Training images with their labels (broken above fixed, two lines each), then ``panels`` and the
    loss (against ``x``: "epoch" or "step")."""
    fig, grid = _figure(comparison, [DATA], panels, x)
    for row, (run, colour, label) in enumerate(runs(comparison)):
        shown = run.experiment.extra["samples"]
        names, k = shown.get("names"), len(shown["labels"])
        cols = (k + 1) // 2
        cell = grid[row, 0].subgridspec(2, cols, hspace=0.6)
        for i, (image, given, truth) in enumerate(zip(shown["images"], shown["labels"], shown["truth"])):
            ax = fig.add_subplot(cell[i // cols, i % cols])
            ax.imshow(image, cmap="gray")
            ax.set_xticks([])
            ax.set_yticks([])
            wrong = given != truth
            text = _name(given, names) + (f"\nshows {_name(truth, names)}" if wrong else "")
            ax.set_title(text, fontsize=7, color="#cf222e" if wrong else "black", pad=2)
            if i == 0:
                ax.set_ylabel(label, color=colour, fontsize=9)
    return fig


def class_counts(comparison, panels=("recall",), x: str = "epoch"):
    """Samples per class in each split (broken above fixed, on one scale), then ``panels`` and the loss
    (against ``x``: "epoch" or "step")."""
    fig, grid = _figure(comparison, [DATA], panels, x)
    k = _num_classes(comparison)
    first = None
    for row, (run, colour, label) in enumerate(runs(comparison)):
        ax = first = fig.add_subplot(grid[row, 0], sharey=first)
        train, val = np.bincount(_labels(run.experiment.train), minlength=k), np.bincount(run.experiment.val[1], minlength=k)
        classes = np.arange(k)
        weight = getattr(run.experiment.loss_fn, "weight", None)
        bars = [(train, "training", colour), (val, "validation", "0.6")]
        if weight is not None:
            bars.append((train * np.asarray(weight)[:k], "training x class weight", "none"))
        width = 0.8 / len(bars)
        for j, (counts, what, face) in enumerate(bars):
            drawn = ax.bar(classes + (j - (len(bars) - 1) / 2) * width, counts, width, color=face, edgecolor=colour,
                           label=what)
            if k <= 4:
                ax.bar_label(drawn, fmt="%.0f", fontsize=7)
        ax.set_xticks(classes, [_name(c, run.experiment.extra.get("names"), short=True) for c in classes],
                      fontsize=7)
        _mark(ax, run.experiment.extra.get("highlight", ()))
        ax.margins(y=0.35)                   # room above the bars for their counts and the legend
        ax.set_ylabel("samples")
        ax.set_title(f"{label}: samples per class", fontsize=9, color=colour)
        ax.legend(fontsize=6, loc="upper center", ncol=len(bars))
    return fig


# ---- the symptom panels -----------------------------------------------------------------------------

def _accuracy(fig, grid, col, comparison, x):
    ax = fig.add_subplot(grid[:, col])
    accuracy_panel(ax, comparison, comparison.broken.experiment.extra.get("lines"), x=x)


def _confusion(fig, grid, col, comparison, x):
    k = _num_classes(comparison)
    for row, (run, colour, label) in enumerate(runs(comparison)):
        ax = fig.add_subplot(grid[row, col])
        Xv, yv = run.experiment.val
        C = confusion_matrix(yv, _predicted(run, Xv), num_classes=k).astype(float)
        share = C / np.maximum(C.sum(axis=1, keepdims=True), 1)
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        if k <= 10:
            for i, j in zip(*np.nonzero(C)):
                ax.text(j, i, f"{int(C[i, j])}", ha="center", va="center", fontsize=6,
                        color="white" if share[i, j] > 0.5 else "black")
        pair = run.experiment.extra.get("pair")
        if pair is not None:
            a, b = pair
            for i, j in ((a, b), (b, a)):
                ax.add_patch(_square(j, i, colour))
        names = [_name(c, run.experiment.extra.get("names"), short=True) for c in range(k)]
        ax.set_xticks(range(k), names, fontsize=6)
        ax.set_yticks(range(k), names, fontsize=6)
        ax.set_ylabel("true class", fontsize=7)
        ax.set_xlabel("predicted class", fontsize=7, labelpad=1)
        ax.set_title(f"{label}: validation", fontsize=8, color=colour)


def _recall(fig, grid, col, comparison, x):
    ax = fig.add_subplot(grid[:, col])
    k = _num_classes(comparison)
    classes = np.arange(k)
    for j, (run, colour, label) in enumerate(runs(comparison)):
        Xv, yv = run.experiment.val
        predicted = _predicted(run, Xv)
        r = recall(yv, predicted, num_classes=k)
        ax.bar(classes + (j - 0.5) * 0.4, r, 0.4, color=colour, label=f"{label}: accuracy {np.mean(predicted == yv):.2f}")
    extra = comparison.broken.experiment.extra
    ax.set_xticks(classes, [_name(c, extra.get("names"), short=True) for c in classes], fontsize=7)
    _mark(ax, extra.get("highlight", ()))
    ax.set_ylim(0, 1.25)                      # room above 1 for the legend
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_title("validation recall per class", fontsize=10)
    ax.legend(fontsize=6, loc="upper center", ncol=2)


_PANELS = {"accuracy": _accuracy, "confusion": _confusion, "recall": _recall}


# ---- layout and helpers -----------------------------------------------------------------------------

def _figure(comparison, data_widths: list[float], panels, x: str):
    """A figure of two rows (broken, fixed): the data columns, one column per symptom panel, the loss."""
    unknown = [p for p in panels if p not in _PANELS]
    if unknown:
        raise ValueError(f"unknown panel {unknown[0]!r} for {comparison.mode.name}; known: {', '.join(_PANELS)}")
    widths = list(data_widths) + [PANEL] * (len(panels) + 1)
    fig = plt.figure(figsize=(sum(widths) + 0.8, 4.6))
    grid = fig.add_gridspec(2, len(widths), width_ratios=widths)
    for i, name in enumerate(panels):
        _PANELS[name](fig, grid, len(data_widths) + i, comparison, x)
    loss_panel(fig.add_subplot(grid[:, -1]), comparison, x=x)
    return fig, grid


def _labels(data) -> np.ndarray:
    return np.asarray(data.y if hasattr(data, "y") else data[1])


def _num_classes(comparison) -> int:
    names = comparison.broken.experiment.extra.get("names")
    if names is not None:
        return len(names)
    top = [int(np.max(_labels(r.experiment.train))) for r in (comparison.broken, comparison.fixed)]
    return max(top + [int(np.max(r.experiment.val[1])) for r in (comparison.broken, comparison.fixed)]) + 1


def _predicted(run, X) -> np.ndarray:
    return predict(run.experiment.model, X).argmax(axis=1)


def _name(c, names, short: bool = False) -> str:
    if names is None:
        return str(int(c))
    name = str(names[int(c)])
    return name[:9] if short else name


def _mark(ax, classes) -> None:
    """Shade the columns of ``classes``: the ones the mode is about."""
    for c in classes:
        ax.axvspan(c - 0.5, c + 0.5, color="#fff3b0", zorder=0)


def _square(x, y, colour):
    return Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, edgecolor=colour, lw=2)

