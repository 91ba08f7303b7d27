"""Pooling kernels, NumPy reference: 2-D max pooling and average pooling, forward and backward.

Pooling summarises each kh×kw window of every channel plane by one number, moving the window by
(sh, sw). There is no padding: OH = (H − kh) // sh + 1 and OW = (W − kw) // sw + 1
(``output_size`` in ``conv.py``).

    max:  y[n, c, i, j] = max_{u,v}  x[n, c, i·sh + u, j·sw + v]
    avg:  y[n, c, i, j] = mean_{u,v} x[n, c, i·sh + u, j·sw + v]

Backward. Max pooling's output is one of its inputs, so the whole gradient goes to the element that
won; the forward pass records it in ``argmax`` (its flat index i_h·W + i_w in the H×W plane; on a
tie the first in row-major window order, as ``np.argmax`` picks it; a NaN wins over numbers).
Average pooling shares gy evenly: each of the kh·kw inputs of a window receives gy / (kh·kw).
Where windows overlap (stride < kernel) an input collects gradient from every window it is in.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """A read-only view (N, C, OH, OW, kh, kw) of every pooling window of x (N, C, H, W)."""
    (kh, kw), (sh, sw) = kernel, stride
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


def max_pool2d_forward_numpy(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int]):
    """Max pooling: x (N, C, H, W) -> (y (N, C, OH, OW), argmax (N, C, OH, OW) flat indices into H×W)."""
    (kh, kw), (sh, sw) = kernel, stride
    N, C, H, W = x.shape
    windows = _windows(x, kernel, stride)
    OH, OW = windows.shape[2:4]
    flat = windows.reshape(N, C, OH, OW, kh * kw)
    k = flat.argmax(axis=-1)                                   # position inside the window, row-major
    y = np.take_along_axis(flat, k[..., None], axis=-1)[..., 0]
    rows = np.arange(OH)[:, None] * sh + k // kw               # where that is in the input plane
    cols = np.arange(OW)[None, :] * sw + k % kw
    return y, rows * W + cols


def max_pool2d_backward_numpy(gy: np.ndarray, argmax: np.ndarray, x_shape: tuple,
                              kernel: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Gradient of max pooling: gy (N, C, OH, OW) goes to the winners -> gx of shape x_shape."""
    N, C, H, W = x_shape
    outputs = gy.shape[2] * gy.shape[3]
    gx = np.zeros((N * C, H * W), dtype=gy.dtype)
    planes = np.arange(N * C)[:, None]
    # add.at, not gx[...] += ...: an input that wins several overlapping windows gets every share
    np.add.at(gx, (planes, argmax.reshape(N * C, outputs)), gy.reshape(N * C, outputs))
    return gx.reshape(N, C, H, W)


def avg_pool2d_forward_numpy(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Average pooling: x (N, C, H, W) -> y (N, C, OH, OW), the mean of each window."""
    return _windows(x, kernel, stride).mean(axis=(-2, -1))


def avg_pool2d_backward_numpy(gy: np.ndarray, x_shape: tuple,
                              kernel: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Gradient of average pooling: each input of a window gets gy / (kh·kw) -> gx of shape x_shape."""
    (kh, kw), (sh, sw) = kernel, stride
    _, _, OH, OW = gy.shape
    gx = np.zeros(x_shape, dtype=gy.dtype)
    share = gy / (kh * kw)
    for u in range(kh):
        for v in range(kw):
            gx[:, :, u:u + sh * (OH - 1) + 1:sh, v:v + sw * (OW - 1) + 1:sw] += share
    return gx
