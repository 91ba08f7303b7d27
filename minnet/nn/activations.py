"""Activation functions and modules.

The functions (``relu``, ``gelu``, ``softmax``, ...) are what ``mn.functional`` exports; the
modules (``ReLU()``, ``GELU()``, ...) wrap them so they can sit in a ``Sequential``. The maths of
every activation (forward and backward side by side) is in :mod:`minnet.autograd.ops.activations`.
"""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor, ops
from ._checks import as_tensor
from .module import Module

# ---- functions ---------------------------------------------------------------------------------


def relu(x: Any) -> Tensor:
    """max(x, 0)."""
    return ops.ReLU.apply(as_tensor(x))


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    """x if x > 0 else negative_slope · x."""
    return ops.LeakyReLU.apply(as_tensor(x), negative_slope=negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """x if x > 0 else alpha · (e^x − 1)."""
    return ops.ELU.apply(as_tensor(x), alpha=alpha)


def gelu(x: Any) -> Tensor:
    """x · Φ(x), with Φ the standard normal CDF (exact erf form, PyTorch's default)."""
    return ops.GELU.apply(as_tensor(x))


def sigmoid(x: Any) -> Tensor:
    """1 / (1 + e^−x), computed without overflow for large |x|."""
    return as_tensor(x).sigmoid()


def tanh(x: Any) -> Tensor:
    return as_tensor(x).tanh()


def softmax(x: Any, axis: int = -1) -> Tensor:
    """Probabilities along ``axis``: e^x_i / Σ_j e^x_j (stable for large inputs)."""
    return ops.Softmax.apply(as_tensor(x), axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """log softmax(x) along ``axis``, computed stably (x − max − log Σ e^(x − max))."""
    return ops.LogSoftmax.apply(as_tensor(x), axis=axis)


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
