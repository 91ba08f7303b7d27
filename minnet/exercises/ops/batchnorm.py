"""Exercise on batch normalisation in training mode, on (N, C) features.

The batch's mean and variance are computed from x, so every x[n, c] also moves the statistics of its
channel: the input gradient has two terms beyond the obvious γ·inv_std·g, and forgetting them is
the classic mistake.
"""
from __future__ import annotations

import numpy as np

import minnet as mn
from ..exercise import Case, Exercise, Mistake


def _stats(t, ddof: int = 0, eps: float | None = None):
    """(xhat, inv_std) of the case's x, per column."""
    x = t.inputs[0]
    eps = t.kwargs.get("eps", 1e-5) if eps is None else eps
    inv_std = 1 / np.sqrt(x.var(axis=0, ddof=ddof) + eps)
    return (x - x.mean(axis=0)) * inv_std, inv_std


def _normalised_with(ddof: int = 0, eps: float | None = None):
    def forward(t) -> np.ndarray:
        xhat, _ = _stats(t, ddof, eps)
        return t.inputs[1] * xhat + t.inputs[2]
    return forward


def _input_grad(mean_term: bool, variance_term: bool):
    """dL/dx with or without the terms that come from the batch mean and variance depending on x."""
    def grads(t) -> tuple:
        xhat, inv_std = _stats(t)
        g, gamma = t.grad, t.inputs[1]
        inner = g - (g.mean(axis=0) if mean_term else 0) - (xhat * (g * xhat).mean(axis=0) if variance_term else 0)
        return gamma * inv_std * inner, None, None
    return grads


def _features(rng) -> list:
    return [2 * rng.standard_normal((5, 3)) + 1, rng.uniform(0.5, 1.5, 3), rng.standard_normal(3)]


BATCH_NORM = Exercise(
    name="batch_norm",
    title="batch normalisation (training mode) of (N, C) features",
    class_name="BatchNorm",
    signature="x, gamma, beta, eps=1e-5",
    doc="""
        forward:   per column c, over the N rows of the batch:
                   mean = x.mean(axis=0),   var = x.var(axis=0)        (biased: divided by N)
                   inv_std = 1 / sqrt(var + eps),   xhat = (x - mean) * inv_std
                   y = gamma * xhat + beta
        backward:  with g = grad = dL/dy:
                   dL/dbeta  = g.sum(axis=0)
                   dL/dgamma = (g * xhat).sum(axis=0)
                   dL/dx     = gamma * inv_std * (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0))

    Shapes: x (N, C); gamma, beta (C,); y and g (N, C).
    Why dL/dx has three terms: mean and var are computed from x, so moving one x[n, c] also moves
    its column's mean and variance, and through them every y[:, c]. Treating mean and var as
    constants gives only the first term.
    Example: x = [[1], [3]], gamma = [1], beta = [0]: mean 2, var 1, y = [[-1], [1]] (eps aside).
    """,
    forward_todo="y = ...; keep xhat, inv_std and gamma for backward",
    backward_todo="return dL/dx, dL/dgamma, dL/dbeta",
    cases=(Case("x (5, 3), gamma (3,), beta (3,), eps=1e-3", _features, {"eps": 1e-3}),),
    reference=lambda x, gamma, beta, eps=1e-5: mn.functional.batch_norm(x, None, None, gamma, beta,
                                                                        training=True, eps=eps),
    mistakes=(
        Mistake("unbiased_variance", "the forward uses the unbiased variance (divided by N − 1)",
                "Batch norm normalises with the *biased* variance of the batch, divided by N "
                "(x.var(axis=0), NumPy's default ddof=0), as PyTorch does in training.",
                forward=_normalised_with(ddof=1)),
        Mistake("missing_eps", "the forward divides by sqrt(var) without eps",
                "Use inv_std = 1 / sqrt(var + eps), with the eps argument: it keeps a constant column from "
                "dividing by zero, and the output depends on it.",
                forward=_normalised_with(eps=0.0)),
        Mistake("eps_not_passed", "the forward uses its own eps, not the eps argument",
                "Use the eps that forward receives (the layer passes its own), not a number of your own.",
                forward=_normalised_with(eps=1e-5)),
        Mistake("constant_statistics", "the input gradient treats the batch mean and variance as constants",
                "mean and var are computed from x, so each x[n, c] also moves its column's statistics. "
                "dL/dx = gamma * inv_std * (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0)): you "
                "have only the first term.",
                grads=_input_grad(mean_term=False, variance_term=False)),
        Mistake("missing_variance_term", "the input gradient misses the term from the variance depending on x",
                "You have the mean's term; the variance depends on x too, which adds "
                "- xhat * (g * xhat).mean(axis=0) inside the bracket.",
                grads=_input_grad(mean_term=True, variance_term=False)),
        Mistake("missing_mean_term", "the input gradient misses the term from the mean depending on x",
                "You have the variance's term; the mean depends on x too, which adds "
                "- g.mean(axis=0) inside the bracket.",
                grads=_input_grad(mean_term=False, variance_term=True)),
        Mistake("gamma_grad_uses_x", "the gradient of gamma is sum(g * x) instead of sum(g * xhat)",
                "gamma multiplies the *normalised* input: dL/dgamma = (g * xhat).sum(axis=0).",
                grads=lambda t: (None, (t.grad * t.inputs[0]).sum(axis=0), None)),
        Mistake("params_not_summed", "the gradients of gamma and beta are not summed over the batch",
                "gamma and beta are shared by the N rows: sum over the batch axis, so that each gradient "
                "has shape (C,): dL/dgamma = (g * xhat).sum(axis=0), dL/dbeta = g.sum(axis=0).",
                grads=lambda t: (None, t.grad * _stats(t)[0], t.grad), plant=False),
    ),
)

EXERCISES = (BATCH_NORM,)
