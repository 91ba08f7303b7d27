"""Batch normalization: ``BatchNorm1D`` on (N, C) or (N, C, L), ``BatchNorm2D`` on (N, C, H, W).

Per channel c, over every other axis (the batch and any spatial positions, n values in all):

    training:   mean_c, var_c = batch mean and biased variance;  x̂ = (x − mean_c) / sqrt(var_c + eps)
                running_mean ← (1 − m)·running_mean + m·mean_c
                running_var  ← (1 − m)·running_var  + m·var_c · n/(n − 1)     (unbiased, as PyTorch)
    evaluation: x̂ = (x − running_mean) / sqrt(running_var + eps)
    both:       y = γ·x̂ + β

In training every example's output depends on the others in its batch, which is why evaluation
switches to the running statistics (and why forgetting ``model.eval()`` changes predictions).
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .. import init as initializers
from .. import kernels
from ..autograd import Function, Tensor
from ._checks import as_tensor, positive, shape_str
from .module import Module
from .parameter import Parameter


class BatchNormOp(Function):
    """Training-mode batch norm: y = γ·(x − mean)/sqrt(var + eps) + β with batch statistics.

    The backward accounts for mean and var depending on x (every output depends on every input of
    its channel): dL/dx = γ·inv_std/n · (n·g − Σg − x̂·Σ(g·x̂)). When ``running_mean`` and
    ``running_var`` are given, the forward also updates them in place, as PyTorch's op does.
    """

    @staticmethod
    def forward(ctx, x, gamma, beta, running_mean=None, running_var=None, momentum=0.1, eps=1e-5):
        y, mean, var, xhat, inv_std = kernels.batch_norm_forward(x, gamma, beta, eps)
        ctx.save_for_backward(xhat, inv_std, gamma)
        n = x.size // x.shape[1]          # values per channel
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += momentum * mean
        if running_var is not None:
            running_var *= 1 - momentum
            running_var += momentum * var * (n / (n - 1))
        return y

    @staticmethod
    def backward(ctx, grad):
        xhat, inv_std, gamma = ctx.saved_tensors
        return kernels.batch_norm_backward(grad, xhat, inv_std, gamma)


def _channel_shape(x: Tensor) -> tuple:
    """(1, C, 1, ...): per-channel vectors broadcast against x (channels on axis 1)."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def batch_norm(x: Any, running_mean: np.ndarray | None, running_var: np.ndarray | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalization with channels on axis 1 (x of shape (N, C, ...)); PyTorch's signature.

    ``training=True`` normalises with the batch statistics and, if the running arrays are given,
    updates them in place (unbiased variance). ``training=False`` uses the running statistics.
    ``weight`` (γ) and ``bias`` (β) have shape (C,); None means γ = 1, β = 0.
    """
    x = as_tensor(x, None if weight is None else weight.dtype)
    if x.ndim < 2:
        raise ValueError(f"batch_norm got input of shape {shape_str(x.shape)}: expected (N, C, ...)")
    c = x.shape[1]
    if training:
        n = x.size // c
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input of shape "
                             f"{shape_str(x.shape)}: batch statistics of a single value are meaningless "
                             "(use a larger batch, or call model.eval() to predict one example)")
        gamma = weight if weight is not None else np.ones(c, dtype=x.dtype)
        beta = bias if bias is not None else np.zeros(c, dtype=x.dtype)
        return BatchNormOp.apply(x, gamma, beta, running_mean=running_mean, running_var=running_var,
                                 momentum=momentum, eps=eps)
    if running_mean is None or running_var is None:
        raise ValueError("batch_norm: evaluation mode (training=False) needs running_mean and running_var")
    shape = _channel_shape(x)
    inv_std = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype).reshape(shape)
    y = (x - running_mean.astype(x.dtype).reshape(shape)) * inv_std
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


class _BatchNorm(Module):
    """What BatchNorm1D and BatchNorm2D share; they differ only in the input shapes they accept."""

    _ndims: tuple = ()
    _layout: str = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1) -> None:
        super().__init__()
        name = type(self).__name__
        self.num_features = positive(num_features, name, "num_features")
        if momentum is not None and not (_is_real(momentum) and 0 <= momentum <= 1):
            raise ValueError(f"{name}: momentum must lie in [0, 1] (or be None for a cumulative average), "
                             f"got {momentum!r}")
        if not (_is_real(eps) and math.isfinite(eps) and eps >= 0):
            raise ValueError(f"{name}: eps must be a finite number >= 0 (it keeps the division by "
                             f"sqrt(var + eps) finite; the default is 1e-05), got {eps!r}")
        self.eps, self.momentum = eps, momentum
        self.weight = Parameter(initializers.initialize("ones", (num_features,), num_features, num_features))
        self.bias = Parameter(initializers.initialize("zeros", (num_features,), num_features, num_features))
        self.register_buffer("running_mean", np.zeros(num_features, dtype=self.weight.dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype=self.weight.dtype))
        self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x, self.weight.dtype)
        if x.ndim not in self._ndims or x.shape[1] != self.num_features:
            layout = self._layout.replace("C", str(self.num_features))
            raise ValueError(f"{type(self).__name__}({self.num_features}) got input of shape "
                             f"{shape_str(x.shape)}: expected {layout}")
        if not self.training:
            return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              training=False, eps=self.eps)
        out = batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, training=True,
                         momentum=self._next_momentum(), eps=self.eps)
        self.num_batches_tracked += 1
        return out

    def _next_momentum(self) -> float:
        # momentum=None: the running statistics are the plain average of every batch seen so far
        return 1.0 / (int(self.num_batches_tracked) + 1) if self.momentum is None else self.momentum

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class BatchNorm1D(_BatchNorm):
    """Batch norm for features (N, C) or sequences (N, C, L); statistics per feature/channel.

    ``BatchNorm1D(num_features, eps=1e-5, momentum=0.1)``; γ starts at 1, β at 0; running_mean at 0,
    running_var at 1. Shape in = shape out.
    """

    _ndims = (2, 3)
    _layout = "(N, C) or (N, C, L)"


class BatchNorm2D(_BatchNorm):
    """Batch norm for images (N, C, H, W); statistics per channel over N, H and W.

    ``BatchNorm2D(num_features, eps=1e-5, momentum=0.1)``; shape in = shape out.
    """

    _ndims = (4,)
    _layout = "(N, C, H, W)"
