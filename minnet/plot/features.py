"""Figures of the catalog's data modes: what the data looks like broken and fixed, next to the symptom.

The sources' first advice is "look at your data" (000: visual inspection of a subset; 002 Check your
Results: visualize it at every stage), so each figure here starts with the data the network was fed,
broken next to fixed, and ends with the symptom. A mode chooses its figure with ``figure = {"kind": ...}``;
the figures read the runs' histories, models and training data and what the mode put in
``experiment.extra``:

* ``"feature_scales"``: the size (RMS) of every input feature and the gradient norm on the weights
  that read it (``extra["feature_grad"]``), on log axes; then the loss.
* ``"target_scale"``: the training targets of both runs against the range an untrained network
  answers in, the gradient norm of every step; then the loss.
* ``"nan_map"``: every training input as an image, NaN in red (the holes a fixed run filled, from
  ``extra["missing"]``, ringed in green); with ``stat="std"`` the raw features' standard deviations
  (``extra["raw"]``); then the loss of every step up to the first NaN.
* ``"encoding"``: the first training rows as the network reads them (one code column, whose index
  is ``extra["code_column"]`` and raw codes ``extra["codes"]``, against one-hot columns); then
  accuracy and loss.
* ``"outliers_fit"``: the training targets (``extra["shown"]``, outliers marked by
  ``extra["outlier"]``) with both models' fits, the gradient norm of every step; then the loss.
* ``"frames"``: a few training samples of three classes (``extra["points"]``, ``extra["labels"]``)
  as the network gets them, point chains coloured by class; then accuracy and loss.
"""
from __future__ import annotations

import numpy as np

from ..train import predict
from ._base import plt
from ._panels import BROKEN, FIXED, accuracy_panel, loss_panel
from ._panels import runs as both

_CLASS_COLOURS = ("#0969da", "#bf8700", "#8250df")
_FRAMES = {"centre": "centred", "local_frame": "local frame (centred, facing +x)"}


def _inputs(run) -> np.ndarray:
    """The training inputs the run was fed (from an ``(X, y)`` pair or a loader's ``X``)."""
    train = run.experiment.train
    return np.asarray(train[0] if isinstance(train, tuple) else train.X)


def _targets(run) -> np.ndarray:
    train = run.experiment.train
    return np.asarray(train[1] if isinstance(train, tuple) else train.y)


def _steps_panel(ax, comparison, values_of, title: str, log: bool = True) -> None:
    """One value per training step (``values_of(history)``) of both runs; a dotted line at divergence."""
    for run, colour, label in both(comparison):
        values = np.asarray(values_of(run.history), dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, color=colour, lw=1, label=label,
                zorder=3 if run.broken else 2)             # broken on top where the two runs coincide
        if run.history.diverged is not None:
            ax.axvline(run.history.diverged.global_step, color=colour, lw=0.8, ls=":",
                       label=f"{label}: loss NaN/inf")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)


def feature_scales(comparison):
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    for run, colour, label in both(comparison):
        X = _inputs(run).astype(np.float64)
        rms = np.sqrt(np.mean(X ** 2, axis=0))
        axes[0].plot(np.where(rms > 0, rms, np.nan), color=colour, marker="o", ms=3, lw=0.8, label=label)
        grad = run.experiment.extra.get("feature_grad")
        if grad is not None:
            axes[1].plot(np.where(grad > 0, grad, np.nan), color=colour, marker="o", ms=3, lw=0.8, label=label)
    titles = ("inputs: size (RMS) of each feature", "gradient on the weights of each feature")
    for ax, title in zip(axes[:2], titles):
        ax.set_yscale("log")
        ax.set_xlabel("input feature")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7)
    loss_panel(axes[2], comparison)
    classes = _targets(comparison.broken).max() + 1
    axes[2].axhline(np.log(classes), color="0.5", lw=0.8, ls=":")
    axes[2].annotate(f"ln {classes}: guessing", (1, np.log(classes)), fontsize=7, color="0.4", va="bottom")
    return fig


def target_scale(comparison):
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
    for ax, (run, colour, label) in zip(axes[:2], both(comparison)):
        y = _targets(run).ravel()
        ax.hist(y, bins=40, color=colour, alpha=0.8)
        low, high = min(-1.5, y.min()), max(1.5, y.max()) * 1.05
        # at least 2% of the axis wide, so that it shows next to targets in the hundreds
        half = max(1.0, 0.01 * (high - low))
        ax.axvspan(-half, half, color="0.3", alpha=0.35, label="where an untrained\nnetwork answers (-1..1)")
        ax.set_xlim(low, high)
        ax.set_xlabel("training target")
        ax.set_title(f"{label}: the targets", fontsize=10, color=colour)
        ax.legend(fontsize=7)
    _steps_panel(axes[2], comparison, lambda h: h.grad_norm, "gradient norm at every step")
    loss_panel(axes[3], comparison)
    return fig


def nan_map(comparison, stat: str | None = None):
    panels = 4 if stat == "std" else 3
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 4.2))
    cmap = plt.get_cmap("Greys").with_extremes(bad=BROKEN)
    for ax, (run, colour, label) in zip(axes[:2], both(comparison)):
        X = _inputs(run).reshape(len(_inputs(run)), -1).astype(np.float64)
        finite = X[np.isfinite(X)]
        low, high = np.percentile(finite, [1, 99]) if finite.size else (0.0, 1.0)
        ax.imshow(np.ma.masked_invalid(X), aspect="auto", cmap=cmap, vmin=low, vmax=max(high, low + 1e-12),
                  interpolation="nearest")
        rows, cols = np.nonzero(~np.isfinite(X))
        if 0 < len(rows) < 200:                          # a few holes are too small to see: ring them
            ax.scatter(cols, rows, s=60, facecolors="none", edgecolors=BROKEN, lw=1.5)
        missing = run.experiment.extra.get("missing")
        if not len(rows) and missing is not None and missing.shape == X.shape:
            filled_rows, filled_cols = np.nonzero(missing)
            ax.scatter(filled_cols, filled_rows, s=60, facecolors="none", edgecolors=FIXED, lw=1.5,
                       label=f"{len(filled_rows)} value(s) imputed")
            ax.legend(fontsize=7, loc="lower right")
        ax.set_xlabel("input feature")
        ax.set_ylabel("training sample")
        ax.set_title(f"{label}: training inputs ({int((~np.isfinite(X)).sum())} NaN/inf, in red)", fontsize=9,
                     color=colour)
    if stat == "std":
        raw = np.asarray(comparison.broken.experiment.extra["raw"], dtype=np.float64)
        std = raw.reshape(len(raw), -1).std(axis=0)
        zero = np.flatnonzero(std == 0)
        axes[2].bar(np.arange(len(std)), std, color="0.4")
        axes[2].plot(zero, np.zeros(len(zero)), ls="none", marker="^", ms=9, color=BROKEN, clip_on=False,
                     label=f"std = 0: features {zero.tolist()}")
        axes[2].set_xlabel("input feature")
        axes[2].set_title("raw inputs: standard deviation of each feature", fontsize=9)
        axes[2].legend(fontsize=7)
    _steps_panel(axes[-1], comparison, lambda h: h.step_loss, "training loss at every step", log=False)
    return fig


def encoding(comparison, rows: int = 16):
    fig = plt.figure(figsize=(15, 3.9))
    grid = fig.add_gridspec(1, 5, width_ratios=(0.9, 1.8, 1.3, 1.3, 0.05))
    for i, (run, colour, label) in enumerate(both(comparison)):
        ax = fig.add_subplot(grid[0, i])
        X = _inputs(run)[:rows]
        limit = np.abs(X).max()
        image = ax.imshow(X, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        column, codes = run.experiment.extra.get("code_column"), run.experiment.extra.get("codes")
        if column is not None:                               # write each row's category into its code cell
            for r, code in enumerate(codes[:rows]):
                ax.text(column % X.shape[1], r, f"{code:g}", ha="center", va="center", fontsize=7)
        ax.set_xlabel("input column")
        ax.set_ylabel("training sample")
        what = "the category's code as a number" if column is not None else "one input per category"
        ax.set_title(f"{label}: {what}", fontsize=9, color=colour)
    fig.colorbar(image, cax=fig.add_subplot(grid[0, 4]), label="value fed (standardized)")
    chance = 1 / (_targets(comparison.broken).max() + 1)
    accuracy_panel(fig.add_subplot(grid[0, 2]), comparison, lines={"chance": chance})
    loss_panel(fig.add_subplot(grid[0, 3]), comparison)
    return fig


def outliers_fit(comparison):
    fig, axes = plt.subplots(1, 3, figsize=(15, 3.9))
    ax = axes[0]
    X, y = (np.asarray(a, dtype=np.float64) for a in comparison.broken.experiment.extra["shown"])
    outlier = comparison.broken.experiment.extra["outlier"]
    ax.scatter(X[~outlier, 0], y[~outlier, 0], s=6, color="0.6", label="training targets")
    ax.scatter(X[outlier, 0], y[outlier, 0], s=30, marker="x", color="black",
               label=f"{int(outlier.sum())} recorded x100")
    grid = np.linspace(X.min(), X.max(), 200)[:, None]
    for run, colour, label in both(comparison):
        with np.errstate(all="ignore"):
            ax.plot(grid[:, 0], predict(run.experiment.model, grid.astype(np.float32))[:, 0], color=colour, lw=2,
                    label=f"{label}: the fit")
    ax.set_yscale("symlog", linthresh=2)                # the curve in [-1, 1] and the outliers at ~100 both show
    ax.set_xlabel("x")
    ax.set_ylabel("y (symlog)")
    ax.set_title("the data and the fits", fontsize=10)
    ax.legend(fontsize=7)
    _steps_panel(axes[1], comparison, lambda h: h.grad_norm, "gradient norm at every step")
    loss_panel(axes[2], comparison)
    return fig


def frames(comparison, samples: int = 4):
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.9))
    labels = comparison.broken.experiment.extra["labels"]
    picks = [np.flatnonzero(labels == c)[:samples] for c in range(len(_CLASS_COLOURS))]
    for ax, (run, colour, label) in zip(axes[:2], both(comparison)):
        points = run.experiment.extra["points"]
        for c, idx in enumerate(picks):
            for i in idx:
                ax.plot(points[i, :, 0], points[i, :, 1], color=_CLASS_COLOURS[c], marker="o", ms=2.5, lw=1,
                        label=f"class {c}" if i == idx[0] else None)
                ax.plot(points[i, 0, 0], points[i, 0, 1], color=_CLASS_COLOURS[c], marker="s", ms=5)
        ax.set_aspect("equal", adjustable="datalim")
        frame = _FRAMES.get(run.settings.get("fix"), "global frame")
        ax.set_title(f"{label}: {samples} samples of 3 classes, {frame}", fontsize=9, color=colour)
        ax.legend(fontsize=7)
    accuracy_panel(axes[2], comparison, lines={"chance": 1 / (labels.max() + 1)})
    loss_panel(axes[3], comparison)
    return fig
