"""Convolution kernels, NumPy reference: Conv2D and Conv1D, forward and backward.

A convolution layer slides a small weight tensor over the (zero-padded) input and takes a dot
product at every position. Strictly it is a cross-correlation, as in PyTorch:

    y[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v  w[f, c, u, v] · xp[n, c, i·sh + u, j·sw + v]

where ``xp`` is ``x`` with ``ph`` rows and ``pw`` columns of zeros added on each side. Shapes:
x (N, C, H, W), w (F, C, KH, KW), b (F,), y (N, F, OH, OW) with OH = (H + 2·ph − KH) // sh + 1.

This file gathers every window of the padded input at once with
``np.lib.stride_tricks.sliding_window_view`` (a view, no copy) and lets one ``np.tensordot``
(a matrix product, so BLAS) do all the dot products. That is the "im2col" method. The Numba twin
in ``conv_numba.py`` computes the same numbers with loops instead.

Backward, with gy = dL/dy of y's shape:

    gb[f]          = Σ_{n,i,j} gy[n, f, i, j]
    gw[f, c, u, v] = Σ_{n,i,j} gy[n, f, i, j] · xp[n, c, i·sh + u, j·sw + v]   (input windows × gy)
    gxp[n, c, i·sh + u, j·sw + v] += Σ_f gy[n, f, i, j] · w[f, c, u, v]           (every tap sends
                                                                                  gradient back)
and gx is gxp with the padding cut off. Where windows overlap (stride < kernel) the contributions
add up, which is why the input gradient is written as a sum over the kernel taps (u, v).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Length of a convolution's (or pooling's) output along one axis.

    ``(size + 2·padding − kernel) // stride + 1``: the number of positions a window of length
    ``kernel`` takes, moving by ``stride`` over the input padded with ``padding`` zeros per side.
    A result below 1 means the window does not fit.

    >>> output_size(28, 3, stride=1, padding=1), output_size(28, 2, stride=2)
    (28, 14)
    """
    return (size + 2 * padding - kernel) // stride + 1


def _pad(x: np.ndarray, ph: int, pw: int) -> np.ndarray:
    """x (N, C, H, W) with ph zero rows above and below and pw zero columns left and right."""
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def _windows(xp: np.ndarray, kh: int, kw: int, sh: int, sw: int) -> np.ndarray:
    """Every kh×kw window of xp that an output sees: a read-only view of shape (N, C, OH, OW, kh, kw)."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


def conv2d_forward_numpy(x: np.ndarray, w: np.ndarray, b: np.ndarray | None,
                         stride: tuple[int, int], padding: tuple[int, int]) -> np.ndarray:
    """y = conv2d(x, w) + b.  x (N, C, H, W), w (F, C, KH, KW), b (F,) or None -> y (N, F, OH, OW).

    >>> conv2d_forward_numpy(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), None, (1, 1), (0, 0))
    array([[[[4., 4.],
             [4., 4.]]]])
    """
    (sh, sw), (ph, pw) = stride, padding
    windows = _windows(_pad(x, ph, pw), w.shape[2], w.shape[3], sh, sw)    # (N, C, OH, OW, KH, KW)
    y = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))               # (N, OH, OW, F)
    y = y.transpose(0, 3, 1, 2)                                              # (N, F, OH, OW)
    if b is not None:
        y = y + b[:, None, None]
    return np.ascontiguousarray(y)


def conv2d_backward_numpy(gy: np.ndarray, x: np.ndarray, w: np.ndarray,
                          stride: tuple[int, int], padding: tuple[int, int], input_grad: bool = True):
    """Gradients of conv2d: gy (N, F, OH, OW) -> (gx (N, C, H, W), gw (F, C, KH, KW), gb (F,)).

    With input_grad=False, gx is not computed and None is returned in its place.
    """
    (sh, sw), (ph, pw) = stride, padding
    _, _, H, W = x.shape
    _, _, KH, KW = w.shape
    _, _, OH, OW = gy.shape
    xp = _pad(x, ph, pw)
    gw = np.tensordot(gy, _windows(xp, KH, KW, sh, sw), axes=([0, 2, 3], [0, 2, 3]))  # (F, C, KH, KW)
    gb = gy.sum(axis=(0, 2, 3))
    if not input_grad:
        return None, gw, gb
    gxp = np.zeros_like(xp)
    for u in range(KH):
        for v in range(KW):
            # tap (u, v) of output (i, j) read input (i·sh + u, j·sw + v): send the gradient back there
            contribution = np.tensordot(gy, w[:, :, u, v], axes=([1], [0]))      # (N, OH, OW, C)
            gxp[:, :, u:u + sh * (OH - 1) + 1:sh, v:v + sw * (OW - 1) + 1:sw] += contribution.transpose(0, 3, 1, 2)
    return np.ascontiguousarray(gxp[:, :, ph:ph + H, pw:pw + W]), gw, gb


def conv1d_forward_numpy(x: np.ndarray, w: np.ndarray, b: np.ndarray | None,
                         stride: int, padding: int) -> np.ndarray:
    """y = conv1d(x, w) + b.  x (N, C, L), w (F, C, K), b (F,) or None -> y (N, F, OL).

    A 1-D convolution is a 2-D one on images one pixel high, so this reuses :func:`conv2d_forward_numpy`.
    """
    y = conv2d_forward_numpy(x[:, :, None, :], w[:, :, None, :], b, (1, stride), (0, padding))
    return y[:, :, 0, :]


def conv1d_backward_numpy(gy: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int, padding: int,
                          input_grad: bool = True):
    """Gradients of conv1d: gy (N, F, OL) -> (gx (N, C, L) or None, gw (F, C, K), gb (F,))."""
    gx, gw, gb = conv2d_backward_numpy(gy[:, :, None, :], x[:, :, None, :], w[:, :, None, :],
                                       (1, stride), (0, padding), input_grad)
    return None if gx is None else gx[:, :, 0, :], gw[:, :, 0, :], gb
