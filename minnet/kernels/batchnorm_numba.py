"""Batch normalisation, Numba twins of ``batchnorm.py``: the same signatures and numbers, as loops.

The array is seen as (N, C, S), S the number of pixels per channel (1 for (N, C) input). Channel
by channel, one pass sums, a second sums squared deviations from the mean, a third writes xhat and
y; the NumPy reference makes about eight passes and as many temporary arrays. Sums are carried in
float64 whatever the input dtype, so float32 statistics over large batches keep their digits.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _forward(x, gamma, beta, eps, y, xhat, mean, var, inv_std):
    N, C, S = x.shape
    m = N * S
    for c in range(C):
        s = 0.0
        for n in range(N):
            for k in range(S):
                s += x[n, c, k]
        mu = s / m
        q = 0.0
        for n in range(N):
            for k in range(S):
                d = x[n, c, k] - mu
                q += d * d
        v = q / m
        istd = 1.0 / math.sqrt(v + eps)
        mean[c], var[c], inv_std[c] = mu, v, istd
        g, b = gamma[c], beta[c]
        for n in range(N):
            for k in range(S):
                xh = (x[n, c, k] - mu) * istd
                xhat[n, c, k] = xh
                y[n, c, k] = g * xh + b


@njit(cache=True)
def _backward(gy, xhat, inv_std, gamma, gx, ggamma, gbeta):
    N, C, S = gy.shape
    m = N * S
    for c in range(C):
        sb = 0.0
        sg = 0.0
        for n in range(N):
            for k in range(S):
                sb += gy[n, c, k]
                sg += gy[n, c, k] * xhat[n, c, k]
        gbeta[c], ggamma[c] = sb, sg
        scale = gamma[c] * inv_std[c] / m
        for n in range(N):
            for k in range(S):
                gx[n, c, k] = scale * (m * gy[n, c, k] - sb - xhat[n, c, k] * sg)


def _as_ncs(a):
    return np.ascontiguousarray(a).reshape(a.shape[0], a.shape[1], -1)


def batch_norm_forward_numba(x, gamma, beta, eps):
    """Numba twin of :func:`minnet.kernels.batchnorm.batch_norm_forward_numpy`."""
    x3 = _as_ncs(x)
    C, dt = x3.shape[1], x3.dtype
    y, xhat = np.empty_like(x3), np.empty_like(x3)
    mean, var, inv_std = np.empty(C, dt), np.empty(C, dt), np.empty(C, dt)
    _forward(x3, np.ascontiguousarray(gamma, dtype=dt), np.ascontiguousarray(beta, dtype=dt), float(eps),
             y, xhat, mean, var, inv_std)
    return y.reshape(x.shape), mean, var, xhat.reshape(x.shape), inv_std


def batch_norm_backward_numba(gy, xhat, inv_std, gamma):
    """Numba twin of :func:`minnet.kernels.batchnorm.batch_norm_backward_numpy`."""
    gy3 = _as_ncs(gy)
    C, dt = gy3.shape[1], gy3.dtype
    gx = np.empty_like(gy3)
    ggamma, gbeta = np.empty(C, dt), np.empty(C, dt)
    _backward(gy3, _as_ncs(xhat), np.ascontiguousarray(inv_std, dtype=dt), np.ascontiguousarray(gamma, dtype=dt),
              gx, ggamma, gbeta)
    return gx.reshape(gy.shape), ggamma, gbeta
