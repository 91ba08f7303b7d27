"""Optimizer updates, NumPy reference: one SGD or Adam step applied to a parameter in place.

The update rules themselves are explained in ``minnet/optim/sgd.py`` and ``adam.py``; these are
their arithmetic, with p the parameter, g its gradient and the optimizer's running arrays, all
changed in place (the only kernels that write to their arguments):

    SGD:   g ← g + wd·p;   buf ← g (first step) or mu·buf + (1 − dampening)·g;
           g ← g + mu·buf (Nesterov) or buf;   p ← p − lr·g
    Adam:  p ← (1 − lr·wd)·p (AdamW) or g ← g + wd·p (Adam);   m ← b1·m + (1 − b1)·g;
           v ← b2·v + (1 − b2)·g²;   v̂max ← max(v̂max, v) (AMSGrad);
           p ← p − lr/(1 − b1^t) · m / (sqrt(v)/sqrt(1 − b2^t) + eps)

Written with NumPy, each line makes a temporary array the size of the parameter; the Numba twins
in ``optim_numba.py`` make one pass with none, and give the same numbers bit for bit (the same
operations in the same order, each rounded to the parameter's dtype).
"""
from __future__ import annotations

import math

import numpy as np


def sgd_update_numpy(p: np.ndarray, g: np.ndarray, buf: np.ndarray | None, lr: float, weight_decay: float,
                     momentum: float, dampening: float, nesterov: bool, first: bool) -> None:
    """One SGD step on p in place; buf (the momentum buffer, None without momentum) too."""
    if weight_decay != 0:
        g = g + weight_decay * p
    if momentum != 0:
        if first:
            buf[...] = g
        else:
            buf *= momentum
            buf += (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
    p -= lr * g


def adam_update_numpy(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, vmax: np.ndarray | None,
                      lr: float, b1: float, b2: float, eps: float, weight_decay: float, decoupled: bool,
                      step: int) -> None:
    """One Adam (decoupled=False) or AdamW (decoupled=True) step on p, m, v (and vmax for AMSGrad) in place."""
    if weight_decay != 0:
        if decoupled:
            p *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * p
    m *= b1
    m += (1 - b1) * g
    v *= b2
    v += (1 - b2) * (g * g)
    if vmax is not None:
        np.maximum(vmax, v, out=vmax)
        v = vmax
    # the bias corrections folded into a step size and a denominator, as PyTorch does
    step_size = lr / (1 - b1 ** step)
    denom = np.sqrt(v) / math.sqrt(1 - b2 ** step) + eps
    p -= step_size * (m / denom)
