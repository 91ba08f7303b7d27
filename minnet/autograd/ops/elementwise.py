"""Elementwise maths: each output element depends on one input element, so dL/dx = dL/dy * f'(x)."""
from __future__ import annotations

import numpy as np

from ... import kernels
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


class Tanh(Function):
    """y = tanh x;   dy/dx = 1 - y^2   (near 0 once |x| > 3: the saturation behind vanishing gradients)."""

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Function):
    """y = 1 / (1 + e^-x);   dy/dx = y (1 - y)   (at most 1/4, the root of vanishing gradients).

    Computed from e^-|x| so that neither branch overflows for large |x|:
    x >= 0: 1 / (1 + e^-x);   x < 0: e^x / (1 + e^x).
    """

    @staticmethod
    def forward(ctx, x):
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(np.result_type(x, np.float32), copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class ReLU(Function):
    """y = max(x, 0);   dy/dx = 1 if x > 0 else 0.

    Pitfall: at exactly x = 0 the derivative is taken as 0 (as PyTorch does). A unit whose input is
    negative for every example gets no gradient at all and never recovers: a "dead ReLU".
    The arithmetic runs in the ReLU kernels (one pass each way); NaN stays NaN, as in PyTorch, so
    a diverging run is not hidden behind zeros.
    """

    @staticmethod
    def forward(ctx, x):
        if np.asarray(x).dtype.kind != "f":      # integer tensors: no kernel, no gradient
            return np.maximum(x, 0)
        out = kernels.relu_forward(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return kernels.relu_backward_mask(grad, out)


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
