"""Activation functions, as ops (forward and backward side by side), functions and modules.

The functions (``relu``, ``gelu``, ``softmax``, ...) are what ``mn.functional`` exports; the
modules (``ReLU()``, ``GELU()``, ...) wrap them so they can sit in a ``Sequential``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Function, Tensor
from ._checks import as_tensor
from .module import Module

# ---- ops -------------------------------------------------------------------------------------


class LeakyReLUOp(Function):
    """y = x if x > 0 else s·x;   dy/dx = 1 if x > 0 else s   (s at exactly 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, x, negative_slope=0.01):
        positive = x > 0
        ctx.save_for_backward(positive)
        ctx.slope = negative_slope
        return np.where(positive, x, x * negative_slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (positive,) = ctx.saved_tensors
        return np.where(positive, grad, grad * ctx.slope)


class ELUOp(Function):
    """y = x if x > 0 else α(e^x − 1);   dy/dx = 1 if x > 0 else α e^x = y + α.

    ``expm1`` keeps e^x − 1 accurate for small |x|; taking it of min(x, 0) avoids overflow
    warnings from the branch that np.where throws away.
    """

    @staticmethod
    def forward(ctx, x, alpha=1.0):
        positive = x > 0
        neg = alpha * np.expm1(np.minimum(x, 0))
        ctx.save_for_backward(positive, neg)
        ctx.alpha = alpha
        return np.where(positive, x, neg).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        positive, neg = ctx.saved_tensors
        return np.where(positive, grad, grad * (neg + ctx.alpha))


def _erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, to float64 precision.

    NumPy has no erf. ``math.erf`` is exact to the last bit; mapped over ``tolist()`` it costs about
    0.3 µs per element (30 ms for 100 000 activations), which is fine for the layer sizes a laptop
    lesson uses, and it avoids the 1e-4-ish errors of the popular polynomial approximations,
    which would break agreement with PyTorch to 1e-6.
    """
    flat = np.fromiter(map(math.erf, np.asarray(x, dtype=np.float64).ravel().tolist()),
                       dtype=np.float64, count=np.size(x))
    return flat.reshape(np.shape(x))


_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELUOp(Function):
    """y = x·Φ(x), Φ the standard normal CDF = (1 + erf(x/√2))/2 (the exact form, not the tanh one);
    dy/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)."""

    @staticmethod
    def forward(ctx, x):
        cdf = 0.5 * (1.0 + _erf(x * _INV_SQRT2))
        ctx.save_for_backward(x, cdf)
        return (x * cdf).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, cdf = ctx.saved_tensors
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
        return grad * (cdf + x * pdf)


class SoftmaxOp(Function):
    """y_i = e^(x_i − m) / Σ_j e^(x_j − m) along ``axis``, m = max_j x_j (subtracting m changes
    nothing mathematically but keeps e^x from overflowing for large logits);
    backward: dL/dx = y ⊙ (g − Σ_j g_j y_j)."""

    @staticmethod
    def forward(ctx, x, axis=-1):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        y = e / e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(axis=ctx.axis, keepdims=True))


class LogSoftmaxOp(Function):
    """y_i = x_i − m − log Σ_j e^(x_j − m) along ``axis`` (stable: never forms e^x of a large x);
    backward: dL/dx = g − softmax(x) · Σ_j g_j."""

    @staticmethod
    def forward(ctx, x, axis=-1):
        shifted = x - x.max(axis=axis, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - np.exp(y) * grad.sum(axis=ctx.axis, keepdims=True)


# ---- functions ---------------------------------------------------------------------------------


def relu(x: Any) -> Tensor:
    """max(x, 0)."""
    return as_tensor(x).relu()


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    """x if x > 0 else negative_slope · x."""
    return LeakyReLUOp.apply(as_tensor(x), negative_slope=negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """x if x > 0 else alpha · (e^x − 1)."""
    return ELUOp.apply(as_tensor(x), alpha=alpha)


def gelu(x: Any) -> Tensor:
    """x · Φ(x), with Φ the standard normal CDF (exact erf form, PyTorch's default)."""
    return GELUOp.apply(as_tensor(x))


def sigmoid(x: Any) -> Tensor:
    """1 / (1 + e^−x), computed without overflow for large |x|."""
    return as_tensor(x).sigmoid()


def tanh(x: Any) -> Tensor:
    return as_tensor(x).tanh()


def softmax(x: Any, axis: int = -1) -> Tensor:
    """Probabilities along ``axis``: e^x_i / Σ_j e^x_j (stable for large inputs)."""
    return SoftmaxOp.apply(as_tensor(x), axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """log softmax(x) along ``axis``, computed stably (x − max − log Σ e^(x − max))."""
    return LogSoftmaxOp.apply(as_tensor(x), axis=axis)


# ---- modules -------------------------------------------------------------------------------------


class ReLU(Module):
    """``max(x, 0)`` elementwise; shape unchanged."""

    def forward(self, x: Any) -> Tensor:
        return relu(x)


class LeakyReLU(Module):
    """``x if x > 0 else negative_slope·x``; a small slope keeps "dead" units learning."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Tensor:
        return leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """``x if x > 0 else alpha·(e^x − 1)``; smooth, saturates at −alpha for very negative x."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, x: Any) -> Tensor:
        return elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """``x·Φ(x)`` (exact erf form)."""

    def forward(self, x: Any) -> Tensor:
        return gelu(x)


class Sigmoid(Module):
    """``1 / (1 + e^−x)``; its derivative is at most 1/4 and vanishes for |x| > 5 (saturation)."""

    def forward(self, x: Any) -> Tensor:
        return sigmoid(x)


class Tanh(Module):
    """``tanh(x)``; derivative 1 − tanh², near 0 for |x| > 3 (saturation)."""

    def forward(self, x: Any) -> Tensor:
        return tanh(x)


class Softmax(Module):
    """Softmax along ``axis``. Do not put it before ``CrossEntropyLoss``, which expects raw logits."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: Any) -> Tensor:
        return softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Module):
    """log of softmax along ``axis``, computed stably."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: Any) -> Tensor:
        return log_softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to switch an activation off)."""

    def forward(self, x: Any) -> Any:
        return x
