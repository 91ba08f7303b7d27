"""Convolution kernels, NumPy reference: Conv2D and Conv1D, forward and backward.

A convolution layer slides a small weight tensor over the (zero-padded) input and takes a dot
product at every position. Strictly it is a cross-correlation, as in PyTorch:

    y[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v  w[f, c, u, v] · xp[n, c, i·sh + u, j·sw + v]

where ``xp`` is ``x`` with ``ph`` rows and ``pw`` columns of zeros added on each side. Shapes:
x (N, C, H, W), w (F, C, KH, KW), b (F,), y (N, F, OH, OW) with OH = (H + 2·ph − KH) // sh + 1.

This file computes it the "im2col" way. Every window the kernel visits becomes one column of a
matrix (:func:`im2col_numpy`): the column of output position (n, i, j) lists the C·KH·KW input
numbers under the kernel there. The weights, flattened to a (F, C·KH·KW) matrix, times that
matrix give every output at once, one matrix product for the whole layer (so BLAS does the work):

    cols = im2col(x)                          (C·KH·KW, N·OH·OW)
    y    = w.reshape(F, C·KH·KW) @ cols + b   (F, N·OH·OW), then reordered to (N, F, OH, OW)

Backward, with gy = dL/dy of y's shape, arranged as a (F, N·OH·OW) matrix G like y above:

    gb[f]          = Σ_{n,i,j} gy[n, f, i, j]                  (the rows of G summed)
    gw[f, c, u, v] = Σ_{n,i,j} gy[n, f, i, j] · xp[n, c, i·sh + u, j·sw + v]   = G @ colsᵀ
    gcols          = w.reshape(F, C·KH·KW)ᵀ @ G                (the gradient of every column entry)

and gx adds each column entry's gradient back onto the input pixel it was copied from
(:func:`col2im_numpy`, the adjoint of im2col), then drops the padding. Where windows overlap
(stride < kernel) a pixel appears in several columns and its gradient contributions add up.

The Numba twin in ``conv_numba.py`` computes the same numbers: with its own loops for small
layers, and with these very matrix products, cut into slices of the batch, for wide ones.
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


def im2col_numpy(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
                 padding: tuple[int, int]) -> np.ndarray:
    """Every window of the padded input as a column: x (N, C, H, W) -> cols (C·KH·KW, N·OH·OW).

    cols[(c·KH + u)·KW + v, (n·OH + i)·OW + j] = xp[n, c, i·sh + u, j·sw + v]

    >>> im2col_numpy(np.arange(4.0).reshape(1, 1, 2, 2), (2, 2), (1, 1), (0, 0)).ravel()
    array([0., 1., 2., 3.])
    """
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    N, C = x.shape[:2]
    windows = sliding_window_view(_pad(x, ph, pw), (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, OH, OW, KH, KW)
    OH, OW = windows.shape[2:4]
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * kh * kw, N * OH * OW)


def col2im_numpy(cols: np.ndarray, x_shape: tuple, kernel: tuple[int, int], stride: tuple[int, int],
                 padding: tuple[int, int]) -> np.ndarray:
    """The adjoint of :func:`im2col_numpy`: add every column entry back onto its input pixel -> (N, C, H, W)."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    N, C, H, W = x_shape
    OH, OW = output_size(H, kh, sh, ph), output_size(W, kw, sw, pw)
    gxp = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=cols.dtype)
    taps = cols.reshape(C, kh, kw, N, OH, OW)
    for u in range(kh):
        for v in range(kw):
            # tap (u, v) of output (i, j) read pixel (i·sh + u, j·sw + v): its gradient goes back there
            gxp[:, :, u:u + sh * (OH - 1) + 1:sh, v:v + sw * (OW - 1) + 1:sw] += taps[:, u, v].transpose(1, 0, 2, 3)
    return gxp[:, :, ph:ph + H, pw:pw + W]


def conv2d_forward_numpy(x: np.ndarray, w: np.ndarray, b: np.ndarray | None,
                         stride: tuple[int, int], padding: tuple[int, int]) -> np.ndarray:
    """y = conv2d(x, w) + b.  x (N, C, H, W), w (F, C, KH, KW), b (F,) or None -> y (N, F, OH, OW).

    >>> conv2d_forward_numpy(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), None, (1, 1), (0, 0))
    array([[[[4., 4.],
             [4., 4.]]]])
    """
    N, _, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = output_size(H, KH, stride[0], padding[0]), output_size(W, KW, stride[1], padding[1])
    y = w.reshape(F, -1) @ im2col_numpy(x, (KH, KW), stride, padding)        # (F, N·OH·OW)
    if b is not None:
        y += b[:, None]
    return np.ascontiguousarray(y.reshape(F, N, OH, OW).transpose(1, 0, 2, 3))


def conv2d_backward_numpy(gy: np.ndarray, x: np.ndarray, w: np.ndarray,
                          stride: tuple[int, int], padding: tuple[int, int], input_grad: bool = True):
    """Gradients of conv2d: gy (N, F, OH, OW) -> (gx (N, C, H, W), gw (F, C, KH, KW), gb (F,)).

    With input_grad=False, gx is not computed and None is returned in its place.
    """
    F = w.shape[0]
    g = gy.transpose(1, 0, 2, 3).reshape(F, -1)                 # (F, N·OH·OW), columns ordered as im2col's
    gw = (g @ im2col_numpy(x, w.shape[2:], stride, padding).T).reshape(w.shape)
    gb = g.sum(axis=1)
    if not input_grad:
        return None, gw, gb
    gx = col2im_numpy(w.reshape(F, -1).T @ g, x.shape, w.shape[2:], stride, padding)
    return np.ascontiguousarray(gx), gw, gb


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
