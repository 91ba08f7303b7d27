"""The sanity-check modes' figure: an op's slope from its backward against central differences.

The function draws one figure kind of ``minnet.plot.failures`` (see there) for a broken/fixed comparison.
"""
from __future__ import annotations

import numpy as np

from ._base import plt
from ._panels import BROKEN, FIXED, loss_panel as _loss_panel


def _slopes(op, x: np.ndarray, eps: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """An elementwise op's slope at every x: what its backward returns, and the central difference."""
    from ..autograd import Tensor, no_grad
    t = Tensor(x, requires_grad=True)
    op(t).sum().backward()
    with no_grad():
        numerical = (op(Tensor(x + eps)).data - op(Tensor(x - eps)).data) / (2 * eps)
    return t.grad, numerical


def gradient_check(comparison, x_range: tuple = (-3.0, 3.0)):
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
