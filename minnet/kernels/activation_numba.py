"""Activation kernels, Numba twins of ``activation.py``: one pass over memory, no temporaries.

NumPy first builds a boolean array for ``y > 0`` and then selects; the loops below read each
number once. Measured on a LeNet-sized activation (64×8×28×28, float32): forward 0.05 ms against
0.26 ms for ``np.maximum``; backward 0.08 ms against 2.2 ms for ``np.where`` (0.14 ms for
``gy * mask`` with a stored mask, which would turn an infinite gradient into NaN).

Like every twin, these are called through ``minnet.kernels``, which hands them C-contiguous arrays
of one float dtype.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _relu(x, y):
    for i in range(x.shape[0]):
        v = x[i]
        y[i] = 0 if v < 0 else v               # NaN is not < 0, so it stays NaN, as with np.maximum


@njit(cache=True, error_model="numpy")
def _relu_mask(gy, y, g):
    for i in range(gy.shape[0]):
        g[i] = gy[i] if y[i] > 0 else 0


def relu_forward_numba(x):
    """Numba twin of :func:`minnet.kernels.activation.relu_forward_numpy`."""
    y = np.empty_like(x)
    _relu(x.ravel(), y.ravel())                  # views: every array here is C-contiguous
    return y


def relu_backward_mask_numba(gy, y):
    """Numba twin of :func:`minnet.kernels.activation.relu_backward_mask_numpy`."""
    g = np.empty_like(gy)
    _relu_mask(gy.ravel(), y.ravel(), g.ravel())
    return g
