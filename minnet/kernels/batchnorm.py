"""Batch normalisation, NumPy reference: the training-mode forward and its backward.

Per channel c (axis 1), over every other axis (the batch and, for images, the pixels), with M the
number of values that share a channel:

    mean[c]    = (1/M) Σ x                     var[c] = (1/M) Σ (x − mean[c])²     (biased)
    inv_std[c] = 1 / sqrt(var[c] + eps)
    xhat       = (x − mean) · inv_std          y = gamma · xhat + beta

x is (N, C) or (N, C, *spatial); gamma, beta, mean, var, inv_std are (C,). The variance is taken
around the mean (two passes), not as E[x²] − E[x]², which loses every digit when the mean is large
compared with the spread.

Backward, with gy = dL/dy. Every x[c] moves the batch statistics too, which adds two terms:

    gbeta[c]  = Σ gy                ggamma[c] = Σ gy · xhat
    gx        = gamma · inv_std / M · (M · gy − gbeta − xhat · ggamma)
"""
from __future__ import annotations

import numpy as np


def _channel_axes(x: np.ndarray) -> tuple[int, ...]:
    """The axes reduced over: all but the channel axis 1."""
    return (0,) + tuple(range(2, x.ndim))


def _per_channel(v: np.ndarray, ndim: int) -> np.ndarray:
    """v (C,) shaped (1, C, 1, ...) so it broadcasts against an ndim-axis x."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def batch_norm_forward_numpy(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float):
    """Training-mode batch norm: x (N, C, ...) -> (y, mean, var, xhat, inv_std)."""
    axes, nd = _channel_axes(x), x.ndim
    mean = x.mean(axis=axes)
    centred = x - _per_channel(mean, nd)
    var = (centred * centred).mean(axis=axes)
    inv_std = 1 / np.sqrt(var + eps)
    xhat = centred * _per_channel(inv_std, nd)
    y = _per_channel(gamma, nd) * xhat + _per_channel(beta, nd)
    return y, mean, var, xhat, inv_std


def batch_norm_backward_numpy(gy: np.ndarray, xhat: np.ndarray, inv_std: np.ndarray, gamma: np.ndarray):
    """Gradients of training-mode batch norm: gy (N, C, ...) -> (gx, ggamma (C,), gbeta (C,))."""
    axes, nd = _channel_axes(gy), gy.ndim
    m = gy.size // gy.shape[1]
    gbeta = gy.sum(axis=axes)
    ggamma = (gy * xhat).sum(axis=axes)
    scale = _per_channel(gamma * inv_std / m, nd)
    gx = scale * (m * gy - _per_channel(gbeta, nd) - xhat * _per_channel(ggamma, nd))
    return gx, ggamma, gbeta
