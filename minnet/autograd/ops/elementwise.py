"""Elementwise maths: each output element depends on one input element, so dL/dx = dL/dy * f'(x).

The activations (sigmoid, tanh, ReLU, ...) live together in ``activations.py``."""
from __future__ import annotations

import numpy as np

from ..function import Function


class Exp(Function):
    """y = e^x;   dy/dx = e^x = y."""

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    """y = ln x;   dy/dx = 1/x   (x <= 0 gives -inf/NaN, as in NumPy and PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    """y = sqrt(x);   dy/dx = 1 / (2 sqrt(x))   (infinite at x = 0)."""

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Abs(Function):
    """y = |x|;   dy/dx = sign(x)   (0 at x = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.sign(x)


class Clip(Function):
    """y = min(max(x, lo), hi);   dy/dx = 1 where lo <= x <= hi (bounds included, as PyTorch's clamp), else 0."""

    @staticmethod
    def forward(ctx, x, min=None, max=None):
        if min is None and max is None:
            raise ValueError("clip: give at least one of min and max")
        if min is not None and max is not None and min > max:
            raise ValueError(f"clip: min ({min}) is greater than max ({max})")
        inside = np.ones(np.shape(x), dtype=bool)
        if min is not None:
            inside &= x >= min
        if max is not None:
            inside &= x <= max
        ctx.save_for_backward(inside)
        return np.clip(x, min, max).astype(np.asarray(x).dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return grad * inside


class Cast(Function):
    """y = x converted to another dtype; the gradient is converted back to x's dtype."""

    @staticmethod
    def forward(ctx, x, dtype=None):
        return np.asarray(x).astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad   # Function.apply casts it to the input's dtype
