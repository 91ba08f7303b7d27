"""The Dense path: y = x @ W + b and its gradients, in both backends.

minnet's Dense weight has shape (in_features, out_features), so the layer is one matrix product:

    y = x @ W + b              x (N, in), W (in, out), b (out,) or None -> y (N, out)

Backward, with gy = dL/dy (N, out):

    gx = gy @ Wᵀ   (N, in)        gW = xᵀ @ gy   (in, out)        gb = Σ_n gy[n]   (out,)

There is no Numba twin: the matrix products go to BLAS under either backend, because a tuned
BLAS runs a GEMM near the processor's peak, which hand-written loops do not reach (a Numba matmul
reached about a third of it). ``matmul`` is ``a @ b`` on one BLAS thread, with a large product
shared between the cores by minnet's own threads (``_threads.py`` says why). ReLU, which usually
follows, has its kernels in ``activation.py``.
"""
from __future__ import annotations

import numpy as np

from ._threads import matmul


def dense_forward_numpy(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """y = x @ W + b.  x (N, in), W (in, out), b (out,) or None -> y (N, out).

    >>> dense_forward_numpy(np.array([[1.0, 2.0]]), np.array([[1.0, 0.0], [0.5, -1.0]]), np.array([0.0, 1.0]))
    array([[ 2., -1.]])
    """
    y = matmul(x, w)
    if b is not None:
        y += b
    return y


def dense_backward_numpy(gy: np.ndarray, x: np.ndarray, w: np.ndarray, input_grad: bool = True):
    """Gradients of x @ W + b: gy (N, out) -> (gx (N, in), gW (in, out), gb (out,)).

    With input_grad=False, gx (a GEMM as large as the forward one) is skipped and returned as None.
    """
    return (matmul(gy, w.T) if input_grad else None), matmul(x.T, gy), gy.sum(axis=0)
