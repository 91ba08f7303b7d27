"""Optimizer updates, Numba twins of ``optim.py``: one pass over the parameter, no temporary array.

Each element goes through the reference's operations in the same order, every scalar first
rounded to the parameter's dtype as NumPy does with a Python float, and without fused
multiply-adds, so p and the running arrays come out bit for bit as the reference's.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _sgd(p, g, buf, lr, wd, mu, damp, nesterov, first, use_buf):
    for i in range(p.size):
        gi = g[i]
        if wd != 0:
            gi = gi + wd * p[i]
        if use_buf:
            b = gi if first else buf[i] * mu + damp * gi
            buf[i] = b
            gi = gi + mu * b if nesterov else b
        p[i] = p[i] - lr * gi


@njit(cache=True, error_model="numpy")
def _adam(p, g, m, v, vmax, lr, omb1, b1, omb2, b2, eps, wd, shrink, step_size, correction, amsgrad):
    for i in range(p.size):
        pi, gi = p[i], g[i]
        if shrink != 1:
            pi = pi * shrink
        elif wd != 0:
            gi = gi + wd * pi
        mi = m[i] * b1 + omb1 * gi
        vi = v[i] * b2 + omb2 * (gi * gi)
        m[i], v[i] = mi, vi
        if amsgrad:
            vi = np.maximum(vmax[i], vi)
            vmax[i] = vi
        p[i] = pi - step_size * (mi / (np.sqrt(vi) / correction + eps))


def sgd_update_numba(p, g, buf, lr, weight_decay, momentum, dampening, nesterov, first):
    """Numba twin of :func:`minnet.kernels.optim.sgd_update_numpy`."""
    t = p.dtype.type
    use_buf = momentum != 0
    _sgd(p.reshape(-1), g.reshape(-1), (buf if use_buf else p).reshape(-1), t(lr), t(weight_decay), t(momentum),
         t(1 - dampening), bool(nesterov), bool(first), use_buf)


def adam_update_numba(p, g, m, v, vmax, lr, b1, b2, eps, weight_decay, decoupled, step):
    """Numba twin of :func:`minnet.kernels.optim.adam_update_numpy`."""
    t = p.dtype.type
    shrink = t(1 - lr * weight_decay) if decoupled and weight_decay != 0 else t(1)
    flat = [a.reshape(-1) for a in (p, g, m, v, m if vmax is None else vmax)]
    _adam(*flat, t(lr), t(1 - b1), t(b1), t(1 - b2), t(b2), t(eps), t(0 if decoupled else weight_decay), shrink,
          t(lr / (1 - b1 ** step)), t(math.sqrt(1 - b2 ** step)), vmax is not None)
