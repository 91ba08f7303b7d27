"""Batch normalisation, Numba twins of ``batchnorm.py``: the same signatures and numbers, as loops.

The array is seen as (N, C, S), S the number of pixels per channel (1 for (N, C) input). One pass
sums each channel, a second sums squared deviations from the mean, a third writes xhat and y, all
walking the array in memory order; the NumPy reference makes about eight passes and as many
temporary arrays. Sums are carried in float64 whatever the input dtype, so float32 statistics over
large batches keep their digits.

``fastmath={"reassoc"}`` lets the compiler split each sum into vector lanes. Without it a sum is
one long chain of dependent additions, four cycles each, and the forward pass ran 4–5× slower.
The split is fixed when the function is compiled, so results still repeat bit for bit.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy", fastmath={"reassoc", "contract"})
def _channel_sums(a, b, shift, sa, sab):
    """sa[c] = Σ_{n,k} (a[n,c,k] − shift[c]),  sab[c] = Σ_{n,k} (a[n,c,k] − shift[c]) · (b[n,c,k] − shift[c]).

    In memory order. With S = 1 (input (N, C)) the inner loop runs over the channels instead, so
    that it is long enough to vectorise.
    """
    N, C, S = a.shape
    sa[:] = 0
    sab[:] = 0
    for n in range(N):
        if S == 1:
            for c in range(C):
                d = a[n, c, 0] - shift[c]
                sa[c] += d
                sab[c] += d * (b[n, c, 0] - shift[c])
        else:
            for c in range(C):
                s1 = 0.0
                s2 = 0.0
                sh = shift[c]
                for k in range(S):
                    d = a[n, c, k] - sh
                    s1 += d
                    s2 += d * (b[n, c, k] - sh)
                sa[c] += s1
                sab[c] += s2


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _normalise(x, mean, inv_std, gamma, beta, xhat, y):
    """xhat = (x − mean)·inv_std and y = gamma·xhat + beta, one pass."""
    N, C, S = x.shape
    for n in range(N):
        for c in range(C):
            mu, istd, g, b = mean[c], inv_std[c], gamma[c], beta[c]
            for k in range(S):
                xh = (x[n, c, k] - mu) * istd
                xhat[n, c, k] = xh
                y[n, c, k] = g * xh + b


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _input_grad(gy, xhat, scale, gbeta, ggamma, m, gx):
    """gx = scale·(m·gy − gbeta − xhat·ggamma), one pass."""
    N, C, S = gy.shape
    for n in range(N):
        for c in range(C):
            sc, gb, gg = scale[c], gbeta[c], ggamma[c]
            for k in range(S):
                gx[n, c, k] = sc * (m * gy[n, c, k] - gb - xhat[n, c, k] * gg)


def _as_ncs(a):
    """The (N, C, S) view of a C-contiguous (N, C, ...) array."""
    return a.reshape(a.shape[0], a.shape[1], -1)


def batch_norm_forward_numba(x, gamma, beta, eps):
    """Numba twin of :func:`minnet.kernels.batchnorm.batch_norm_forward_numpy`."""
    x3 = _as_ncs(x)
    N, C, S = x3.shape
    m, dt = N * S, x3.dtype
    total, square = np.empty(C), np.empty(C)
    _channel_sums(x3, x3, np.zeros(C), total, square)           # first pass: Σ x
    mean = total / m
    _channel_sums(x3, x3, mean, total, square)                  # second pass: Σ (x − mean)²
    var = square / m
    inv_std = 1 / np.sqrt(var + eps)
    y, xhat = np.empty_like(x3), np.empty_like(x3)
    _normalise(x3, mean, inv_std, gamma, beta, xhat, y)
    return y.reshape(x.shape), mean.astype(dt), var.astype(dt), xhat.reshape(x.shape), inv_std.astype(dt)


def batch_norm_backward_numba(gy, xhat, inv_std, gamma):
    """Numba twin of :func:`minnet.kernels.batchnorm.batch_norm_backward_numpy`."""
    gy3 = _as_ncs(gy)
    N, C, S = gy3.shape
    m, dt = N * S, gy3.dtype
    gbeta, ggamma = np.empty(C), np.empty(C)
    xhat3 = _as_ncs(xhat)
    _channel_sums(gy3, xhat3, np.zeros(C), gbeta, ggamma)      # Σ gy and Σ gy·xhat
    scale = np.asarray(gamma, dtype=np.float64) * inv_std / m
    gx = np.empty_like(gy3)
    _input_grad(gy3, xhat3, scale, gbeta, ggamma, float(m), gx)
    return gx.reshape(gy.shape), ggamma.astype(dt), gbeta.astype(dt)
