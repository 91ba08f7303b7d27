"""Activation kernels, NumPy reference: ReLU forward, and its backward read from the output.

    relu_forward(x)           = max(x, 0)
    relu_backward_mask(gy, y) = gy where y > 0, else 0          (y = relu(x), same shape as gy)

The derivative at exactly 0 is taken as 0, as in PyTorch. The backward reads the *output* y, which
the forward pass returns anyway, so no separate boolean mask has to be stored. A NaN input stays
NaN in the forward pass (as with np.maximum) and passes no gradient.
"""
from __future__ import annotations

import numpy as np


def relu_forward_numpy(x: np.ndarray) -> np.ndarray:
    """y = max(x, 0), elementwise, same shape and dtype as x."""
    return np.maximum(x, 0)


def relu_backward_mask_numpy(gy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ReLU's backward from its output: gy where y > 0, else 0 (same shape as gy)."""
    return np.where(y > 0, gy, 0).astype(gy.dtype, copy=False)
