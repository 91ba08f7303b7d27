"""Reductions over ``axis`` (an int, a tuple, or None for all), with ``keepdims`` as in NumPy."""
from __future__ import annotations

import numpy as np

from ..function import Function
from ._checks import normalize_axis


def _expand(grad, shape, axes, keepdims):
    """Put back the reduced axes of ``grad`` (size 1) so it broadcasts against the input."""
    if not keepdims:
        grad = np.expand_dims(grad, axes) if axes else grad
    return np.broadcast_to(grad, shape)


class Sum(Function):
    """y = sum of x over ``axis``;   dL/dx = dL/dy copied to every element that was summed."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        x = np.asarray(x)
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, normalize_axis(axis, x.ndim, "sum"), keepdims
        return np.sum(x, axis=ctx.axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return _expand(grad, ctx.shape, ctx.axes, ctx.keepdims)


class Mean(Function):
    """y = mean of x over ``axis`` (n elements each);   dL/dx = dL/dy / n for each of them."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        x = np.asarray(x)
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, normalize_axis(axis, x.ndim, "mean"), keepdims
        ctx.count = int(np.prod([x.shape[a] for a in ctx.axes]))
        if ctx.count == 0:
            raise ValueError(f"mean: cannot average over an empty axis (shape {x.shape})")
        return np.mean(x, axis=ctx.axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return _expand(grad / ctx.count, ctx.shape, ctx.axes, ctx.keepdims)


class Max(Function):
    """y = max of x over ``axis``;   dL/dx = dL/dy at the maximum, 0 elsewhere.

    When several elements tie for the maximum the gradient is shared equally between them
    (PyTorch's ``amax`` rule), which keeps the result a valid subgradient.
    """

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        x = np.asarray(x)
        axes = normalize_axis(axis, x.ndim, "max")
        if x.size == 0:
            raise ValueError(f"max: cannot take the maximum of an empty tensor (shape {x.shape})")
        out = np.max(x, axis=axes, keepdims=True)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdims = axes, keepdims
        return out if keepdims else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        hit = x == out
        share = hit / hit.sum(axis=ctx.axes, keepdims=True)
        return _expand(grad, x.shape, ctx.axes, ctx.keepdims) * share


class ArgMax(Function):
    """y = the index of the largest x along ``axis`` (the first one on ties; over the flattened
    tensor when ``axis`` is None), as int64. An index has no gradient: the result never requires grad."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        return _arg_reduce(np.argmax, "argmax", x, axis, keepdims)


class ArgMin(Function):
    """y = the index of the smallest x along ``axis`` (the first one on ties), as int64; no gradient."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        return _arg_reduce(np.argmin, "argmin", x, axis, keepdims)


def _arg_reduce(fn, op: str, x, axis, keepdims: bool) -> np.ndarray:
    x = np.asarray(x)
    if axis is not None:
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{op}: axis must be one int or None, got {axis!r}")
        (axis,) = normalize_axis(axis, x.ndim, op)
    if x.size == 0 or (axis is not None and x.shape[axis] == 0):
        raise ValueError(f"{op}: cannot take the {op} of an empty tensor (shape {x.shape})")
    return fn(x, axis=axis, keepdims=keepdims).astype(np.int64, copy=False)
