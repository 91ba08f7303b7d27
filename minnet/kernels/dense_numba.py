"""The Dense path, Numba side of ``dense.py``.

The matrix products stay with BLAS: a tuned GEMM is several times faster than any loop we would
write, so :func:`dense_forward_numba` and :func:`dense_backward_numba` are the NumPy reference
itself. What a loop can do better is the elementwise work around the GEMM: adding the bias and
applying ReLU in the same pass over y (NumPy makes two). ReLU alone is in ``activation_numba.py``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .dense import dense_backward_numpy as dense_backward_numba  # noqa: F401  (BLAS wins, see above)
from .dense import dense_forward_numpy as dense_forward_numba    # noqa: F401


@njit(cache=True)
def _add_bias_relu(y, b):
    """y = max(y + b, 0) in place, one pass. A NaN stays NaN, as with np.maximum."""
    N, M = y.shape
    for i in range(N):
        for j in range(M):
            v = y[i, j] + b[j]
            y[i, j] = 0 if v < 0 else v


def dense_relu_forward_numba(x, w, b):
    """Numba twin of :func:`minnet.kernels.dense.dense_relu_forward_numpy`: GEMM, then bias and ReLU in one pass."""
    y = np.ascontiguousarray(x @ w)
    _add_bias_relu(y, np.zeros(y.shape[1], y.dtype) if b is None else np.ascontiguousarray(b, dtype=y.dtype))
    return y
