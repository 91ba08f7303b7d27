"""Pooling kernels, Numba twins of ``pool.py``: the same signatures and numbers, written as loops.

Each output reads its own window, so a loop over outputs is all there is to it; the loops run in
the order the arrays are stored. The kernels are single-threaded: pooling does a few operations per
number it reads, so waking a second thread would cost about as much as it saves (see
``_threads.py``). Called through ``minnet.kernels``, which hands them C-contiguous arrays.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .conv import output_size


@njit(cache=True, error_model="numpy")
def _max_pool(x, offsets, sh, sw, y, argmax):
    """Max and flat argmax of each window; ``offsets`` lists the window's taps as flat shifts u·W + v.

    The running maximum and its index are updated without branches (a comparison multiplied into
    the index, and max()), because on real data "is this tap larger?" is a coin toss the processor
    cannot predict. Strictly greater keeps the first of equal values. max() skips NaN, so a window
    holding NaN is redone by a plain scan that returns its first NaN, as np.argmax does.
    """
    N, C, H, W = x.shape
    OH, OW = y.shape[2], y.shape[3]
    T = offsets.shape[0]
    xs, ys, args = x.reshape(N * C, H * W), y.reshape(N * C, OH * OW), argmax.reshape(N * C, OH * OW)
    for p in range(N * C):
        plane = xs[p]
        for i in range(OH):
            for j in range(OW):
                k0 = i * sh * W + j * sw
                best, at, nan = plane[k0], k0, False
                for t in range(1, T):
                    k = k0 + offsets[t]
                    val = plane[k]
                    at += (k - at) * (val > best)
                    best = max(best, val)
                    nan |= val != val
                if nan or best != best:
                    for t in range(T):
                        if plane[k0 + offsets[t]] != plane[k0 + offsets[t]]:
                            best, at = plane[k0 + offsets[t]], k0 + offsets[t]
                            break
                ys[p, i * OW + j] = best
                args[p, i * OW + j] = at


@njit(cache=True, error_model="numpy")
def _max_pool_2x2(x, sh, sw, y, argmax):
    """:func:`_max_pool` for the common 2×2 window, its four taps written out (about 3× faster)."""
    N, C, H, W = x.shape
    OH, OW = y.shape[2], y.shape[3]
    xs, ys, args = x.reshape(N * C, H * W), y.reshape(N * C, OH * OW), argmax.reshape(N * C, OH * OW)
    for p in range(N * C):
        plane = xs[p]
        for i in range(OH):
            for j in range(OW):
                k = i * sh * W + j * sw
                a, b, c, d = plane[k], plane[k + 1], plane[k + W], plane[k + W + 1]
                best, at = a, k
                at += (k + 1 - at) * (b > best)
                best = max(best, b)
                at += (k + W - at) * (c > best)
                best = max(best, c)
                at += (k + W + 1 - at) * (d > best)
                best = max(best, d)
                if not (a == a and b == b and c == c and d == d):          # a NaN: the first one wins
                    best, at = (a, k) if a != a else (b, k + 1) if b != b else (c, k + W) if c != c else (d, k + W + 1)
                ys[p, i * OW + j] = best
                args[p, i * OW + j] = at


@njit(cache=True, error_model="numpy")
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


@njit(cache=True, error_model="numpy")
def _avg_pool(x, offsets, sh, sw, y):
    N, C, H, W = x.shape
    OH, OW = y.shape[2], y.shape[3]
    T = offsets.shape[0]
    xs, ys = x.reshape(N * C, H * W), y.reshape(N * C, OH * OW)
    for p in range(N * C):
        plane = xs[p]
        for i in range(OH):
            for j in range(OW):
                k0 = i * sh * W + j * sw
                s = plane[k0]
                for t in range(1, T):
                    s += plane[k0 + offsets[t]]
                ys[p, i * OW + j] = s / T


@njit(cache=True, error_model="numpy")
def _avg_pool_backward(gy, offsets, sh, sw, gx):
    N, C, OH, OW = gy.shape
    H, W = gx.shape[2], gx.shape[3]
    T = offsets.shape[0]
    gys, gxs = gy.reshape(N * C, OH * OW), gx.reshape(N * C, H * W)
    for p in range(N * C):
        plane = gxs[p]
        for i in range(OH):
            for j in range(OW):
                k0 = i * sh * W + j * sw
                share = gys[p, i * OW + j] / T
                for t in range(T):
                    plane[k0 + offsets[t]] += share


def _out_shape(x_shape, kernel, stride):
    N, C, H, W = x_shape
    return N, C, output_size(H, kernel[0], stride[0]), output_size(W, kernel[1], stride[1])


def _offsets(kernel, W):
    """The flat shifts u·W + v of a window's taps, in row-major order."""
    return (np.arange(kernel[0])[:, None] * W + np.arange(kernel[1])[None, :]).ravel().astype(np.int64)


def max_pool2d_forward_numba(x, kernel, stride):
    """Numba twin of :func:`minnet.kernels.pool.max_pool2d_forward_numpy`: returns (y, argmax)."""
    shape = _out_shape(x.shape, kernel, stride)
    y = np.empty(shape, x.dtype)
    argmax = np.empty(shape, np.int64)
    if tuple(kernel) == (2, 2):
        _max_pool_2x2(x, stride[0], stride[1], y, argmax)
    else:
        _max_pool(x, _offsets(kernel, x.shape[3]), stride[0], stride[1], y, argmax)
    return y, argmax


def max_pool2d_backward_numba(gy, argmax, x_shape, kernel, stride):
    """Numba twin of :func:`minnet.kernels.pool.max_pool2d_backward_numpy`."""
    N, C, H, W = x_shape
    gx = np.zeros((N, C, H * W), gy.dtype)
    _max_pool_backward(gy, argmax, gx)
    return gx.reshape(N, C, H, W)


def avg_pool2d_forward_numba(x, kernel, stride):
    """Numba twin of :func:`minnet.kernels.pool.avg_pool2d_forward_numpy`."""
    y = np.empty(_out_shape(x.shape, kernel, stride), x.dtype)
    _avg_pool(x, _offsets(kernel, x.shape[3]), stride[0], stride[1], y)
    return y


def avg_pool2d_backward_numba(gy, x_shape, kernel, stride):
    """Numba twin of :func:`minnet.kernels.pool.avg_pool2d_backward_numpy`."""
    gx = np.zeros(tuple(x_shape), gy.dtype)
    _avg_pool_backward(gy, _offsets(kernel, x_shape[3]), stride[0], stride[1], gx)
    return gx
