"""The Dense path, NumPy reference: y = x @ W + b, its gradients, and the ReLU fused onto it.

minnet's Dense weight has shape (in_features, out_features), so the layer is one matrix product:

    y = x @ W + b              x (N, in), W (in, out), b (out,) or None -> y (N, out)

Backward, with gy = dL/dy (N, out):

    gx = gy @ Wᵀ   (N, in)        gW = xᵀ @ gy   (in, out)        gb = Σ_n gy[n]   (out,)

The matrix products go to BLAS (through ``@``) in both backends: a tuned BLAS runs a GEMM near the
processor's peak, which hand-written loops do not reach. What Numba can still save is the passes
over memory *around* the GEMM, hence the fused variants:

    dense_relu_forward(x, W, b) = max(x @ W + b, 0)        (its backward: relu_backward_mask, then
                                                           dense_backward)

ReLU's backward, ``relu_backward_mask``, lives with the activations in ``activation.py``.
"""
from __future__ import annotations

import numpy as np


def dense_forward_numpy(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """y = x @ W + b.  x (N, in), W (in, out), b (out,) or None -> y (N, out)."""
    y = x @ w
    if b is not None:
        y += b
    return y


def dense_backward_numpy(gy: np.ndarray, x: np.ndarray, w: np.ndarray, input_grad: bool = True):
    """Gradients of x @ W + b: gy (N, out) -> (gx (N, in), gW (in, out), gb (out,)).

    With input_grad=False, gx (a GEMM as large as the forward one) is skipped and returned as None.
    """
    return (gy @ w.T if input_grad else None), x.T @ gy, gy.sum(axis=0)


def dense_relu_forward_numpy(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """y = max(x @ W + b, 0): a Dense layer followed by ReLU, in one call."""
    return np.maximum(dense_forward_numpy(x, w, b), 0)
