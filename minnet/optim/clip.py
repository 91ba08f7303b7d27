"""Gradient clipping: bound the gradients before ``optimizer.step()`` (as PyTorch's ``clip_grad_*_``).

Call it between ``loss.backward()`` and ``optimizer.step()``::

    loss.backward()
    total = clip_grad_norm(model.parameters(), max_norm=1.0)   # the norm before clipping
    optimizer.step()

Clipping by norm keeps the gradient's direction and only shortens it; clipping by value changes
the direction too. Either hides the symptom of exploding gradients rather than its cause, so
``mn.fit`` records the norm before clipping: a lesson can show how large it really was.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from minnet.autograd import Tensor


def _with_grads(params) -> list[Tensor]:
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()              # a model was passed: use its parameters
    if isinstance(params, Tensor):
        params = [params]
    return [p for p in params if p.grad is not None]


def _limit(value, name: str, where: str) -> float:
    """``value`` as a float >= 0, or an error that names the argument and what it got."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: {name} must be a number >= 0, got {value!r} ({type(value).__name__})")
    if not value >= 0:
        raise ValueError(f"{where}: {name} must be >= 0, got {value!r}")
    return float(value)


def clip_grad_norm(params: Iterable[Tensor] | Tensor, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False) -> float:
    r"""Scale all gradients together so that their joint norm is at most ``max_norm``.

    The total norm treats every gradient as one long vector::

        total = (sum over parameters of ||g_p||^q) ** (1/q)        (q = norm_type; max |g| for q = inf)
        g_p <- g_p * min(1, max_norm / (total + 1e-6))

    The ``1e-6`` (PyTorch's) keeps the division finite when every gradient is zero. Gradients are
    changed in place; parameters with ``.grad is None`` are ignored.

    Returns the total norm *before* clipping, as a float (a float32 gradient too large to square
    in float32 is measured in float64). If it is NaN the gradients become NaN, and if it is inf
    they become zeros and NaNs, as in PyTorch, unless ``error_if_nonfinite=True``, which raises.
    """
    max_norm = _limit(max_norm, "max_norm", "clip_grad_norm")
    q = float(norm_type)
    if not q > 0:
        raise ValueError(f"clip_grad_norm: norm_type must be > 0 (or inf), got {norm_type!r}")
    grads = [p.grad for p in _with_grads(params)]
    if not grads:
        return 0.0
    total = _total_norm(grads, q)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm: the total gradient norm is {total}, so the gradients "
                           "cannot be clipped; the loss or the weights have probably overflowed")
    coef = min(max_norm / (total + 1e-6), 1.0) if not math.isnan(total) else math.nan
    for g in grads:
        g *= coef      # also when coef == 1, as PyTorch does (so a NaN norm makes NaN gradients)
    return total


def _total_norm(grads: list[np.ndarray], q: float) -> float:
    if math.isinf(q):
        return max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    if q == 2.0:
        total = 0.0
        for g in grads:
            flat = g.ravel()
            with np.errstate(over="ignore"):        # an overflow is handled just below
                sq = float(np.dot(flat, flat))
            if math.isinf(sq) and np.isfinite(flat).all():
                # float32 squares overflow past ~1e19; redo in float64 so a huge but finite
                # gradient reports its true norm instead of inf
                flat = flat.astype(np.float64)
                sq = float(np.dot(flat, flat))
            total += sq
        return math.sqrt(total)
    norms = np.array([np.linalg.norm(g.ravel().astype(np.float64), ord=q) for g in grads])
    return float(np.linalg.norm(norms, ord=q))


def clip_grad_value(params: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    r"""Clip every gradient entry into ``[-clip_value, clip_value]`` in place.

    ``g <- min(max(g, -c), c)`` elementwise; parameters with ``.grad is None`` are ignored.
    """
    clip_value = _limit(clip_value, "clip_value", "clip_grad_value")
    for p in _with_grads(params):
        np.clip(p.grad, -clip_value, clip_value, out=p.grad)


def grad_norm(params: Iterable[Tensor] | Tensor, norm_type: float = 2.0) -> float:
    """The total gradient norm that :func:`clip_grad_norm` would report, without clipping anything."""
    grads = [p.grad for p in _with_grads(params)]
    return _total_norm(grads, float(norm_type)) if grads else 0.0
