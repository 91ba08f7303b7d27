"""Ops that combine several tensors: concatenate, stack, where, maximum."""
from __future__ import annotations

import numpy as np

from ..function import Function
from ._checks import broadcast_error


class Concatenate(Function):
    """y = the inputs joined along an existing ``axis``;   each input's gradient is its slice of dL/dy."""

    @staticmethod
    def forward(ctx, *xs, axis=0):
        xs = [np.asarray(x) for x in xs]
        if not xs:
            raise ValueError("concatenate: needs at least one tensor")
        try:
            out = np.concatenate(xs, axis=axis)
        except ValueError:
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"concatenate along axis {axis}: shapes {shapes} must match in every "
                             "other axis") from None
        ctx.axis = axis % out.ndim
        ctx.sizes = [x.shape[ctx.axis] for x in xs]
        return out

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.split(grad, np.cumsum(ctx.sizes)[:-1], axis=ctx.axis))


class Stack(Function):
    """y = the inputs (all one shape) stacked along a new ``axis``;   input i gets dL/dy taken at i."""

    @staticmethod
    def forward(ctx, *xs, axis=0):
        xs = [np.asarray(x) for x in xs]
        if not xs:
            raise ValueError("stack: needs at least one tensor")
        shapes = {x.shape for x in xs}
        if len(shapes) > 1:
            raise ValueError(f"stack: all tensors must have the same shape, got {', '.join(str(x.shape) for x in xs)}")
        out = np.stack(xs, axis=axis)
        ctx.axis = axis % out.ndim
        return out

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.moveaxis(grad, ctx.axis, 0))


class Where(Function):
    """y = a where cond else b;   dL/da = dL/dy where cond, dL/db = dL/dy elsewhere (cond gets none)."""

    @staticmethod
    def forward(ctx, cond, a, b):
        cond = np.asarray(cond, dtype=bool)
        ctx.save_for_backward(cond)
        try:
            return np.where(cond, a, b)
        except ValueError:
            raise broadcast_error("where", cond, a, b) from None

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        zero = np.zeros((), dtype=grad.dtype)
        return None, np.where(cond, grad, zero), np.where(cond, zero, grad)


class Maximum(Function):
    """y = elementwise max(a, b);   the gradient goes to the larger input, split in half on ties (as PyTorch)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return np.maximum(a, b)
        except ValueError:
            raise broadcast_error("maximum", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        share_a = np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0)).astype(grad.dtype)
        return grad * share_a, grad * (1 - share_a)
