"""Pooling kernels, Numba twins of ``pool.py``: the same signatures and numbers, written as loops.

Each output reads its own window, so a loop over outputs is all there is to it; the loops run in
the order the arrays are stored. The kernels are single-threaded: pooling does a few operations per
number it reads, so waking a second thread would cost about as much as it saves (see
``_threads.py``).
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _max_pool(x, kh, kw, sh, sw, y, argmax):
    N, C, H, W = x.shape
    OH, OW = y.shape[2], y.shape[3]
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    h0, w0 = i * sh, j * sw
                    best, at = x[n, c, h0, w0], h0 * W + w0
                    for u in range(kh):
                        for v in range(kw):
                            val = x[n, c, h0 + u, w0 + v]
                            # strictly greater: on a tie the first in row-major order stays;
                            # a NaN wins (as in np.argmax) and then nothing beats it
                            if val > best or (val != val and best == best):
                                best, at = val, (h0 + u) * W + w0 + v
                    y[n, c, i, j] = best
                    argmax[n, c, i, j] = at


@njit(cache=True)
def _max_pool_backward(gy, argmax, gx):
    N, C, OH, OW = gy.shape
    size = gx.shape[2]
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    at = argmax[n, c, i, j]
                    if at < 0 or at >= size:
                        raise IndexError("max_pool2d_backward: argmax holds an index outside the H×W plane")
                    gx[n, c, at] += gy[n, c, i, j]


@njit(cache=True)
def _avg_pool(x, kh, kw, sh, sw, y):
    N, C = x.shape[0], x.shape[1]
    OH, OW = y.shape[2], y.shape[3]
    count = kh * kw
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    s = x.dtype.type(0)
                    for u in range(kh):
                        for v in range(kw):
                            s += x[n, c, i * sh + u, j * sw + v]
                    y[n, c, i, j] = s / count


@njit(cache=True)
def _avg_pool_backward(gy, kh, kw, sh, sw, gx):
    N, C, OH, OW = gy.shape
    count = kh * kw
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    share = gy[n, c, i, j] / count
                    for u in range(kh):
                        for v in range(kw):
                            gx[n, c, i * sh + u, j * sw + v] += share


def _out_shape(x_shape, kernel, stride):
    N, C, H, W = x_shape
    return N, C, (H - kernel[0]) // stride[0] + 1, (W - kernel[1]) // stride[1] + 1


def max_pool2d_forward_numba(x, kernel, stride):
    """Numba twin of :func:`minnet.kernels.pool.max_pool2d_forward_numpy`: returns (y, argmax)."""
    x = np.ascontiguousarray(x)
    shape = _out_shape(x.shape, kernel, stride)
    y = np.empty(shape, x.dtype)
    argmax = np.empty(shape, np.int64)
    _max_pool(x, kernel[0], kernel[1], stride[0], stride[1], y, argmax)
    return y, argmax


def max_pool2d_backward_numba(gy, argmax, x_shape, kernel, stride):
    """Numba twin of :func:`minnet.kernels.pool.max_pool2d_backward_numpy`."""
    N, C, H, W = x_shape
    gx = np.zeros((N, C, H * W), gy.dtype)
    _max_pool_backward(np.ascontiguousarray(gy), np.ascontiguousarray(argmax, dtype=np.int64), gx)
    return gx.reshape(N, C, H, W)


def avg_pool2d_forward_numba(x, kernel, stride):
    """Numba twin of :func:`minnet.kernels.pool.avg_pool2d_forward_numpy`."""
    x = np.ascontiguousarray(x)
    y = np.empty(_out_shape(x.shape, kernel, stride), x.dtype)
    _avg_pool(x, kernel[0], kernel[1], stride[0], stride[1], y)
    return y


def avg_pool2d_backward_numba(gy, x_shape, kernel, stride):
    """Numba twin of :func:`minnet.kernels.pool.avg_pool2d_backward_numpy`."""
    gx = np.zeros(tuple(x_shape), gy.dtype)
    _avg_pool_backward(np.ascontiguousarray(gy), kernel[0], kernel[1], stride[0], stride[1], gx)
    return gx
