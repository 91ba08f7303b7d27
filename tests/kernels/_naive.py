"""Loop-by-loop versions of the kernels' formulas, written independently of minnet for the tests.

Slow on purpose (plain Python loops over every index), so they are only run on small arrays.
"""
import itertools

import numpy as np


def conv2d(x, w, b, stride, padding):
    (sh, sw), (ph, pw) = stride, padding
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    xp[:, :, ph:ph + H, pw:pw + W] = x
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    y = np.zeros((N, F, OH, OW))
    for n, f, i, j in itertools.product(range(N), range(F), range(OH), range(OW)):
        y[n, f, i, j] = np.sum(w[f] * xp[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW])
        if b is not None:
            y[n, f, i, j] += b[f]
    return y


def conv2d_backward(gy, x, w, stride, padding):
    (sh, sw), (ph, pw) = stride, padding
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    xp[:, :, ph:ph + H, pw:pw + W] = x
    gxp, gw = np.zeros_like(xp), np.zeros(w.shape)
    for n, f, i, j in itertools.product(range(N), range(F), range(gy.shape[2]), range(gy.shape[3])):
        window = (n, slice(None), slice(i * sh, i * sh + KH), slice(j * sw, j * sw + KW))
        gw[f] += gy[n, f, i, j] * xp[window]
        gxp[window] += gy[n, f, i, j] * w[f]
    return gxp[:, :, ph:ph + H, pw:pw + W], gw, gy.sum(axis=(0, 2, 3))


def pool2d(x, kernel, stride, reduce):
    (kh, kw), (sh, sw) = kernel, stride
    N, C, H, W = x.shape
    OH, OW = (H - kh) // sh + 1, (W - kw) // sw + 1
    y = np.zeros((N, C, OH, OW))
    for n, c, i, j in itertools.product(range(N), range(C), range(OH), range(OW)):
        y[n, c, i, j] = reduce(x[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw])
    return y


def max_pool2d_argmax(x, kernel, stride):
    """Flat H×W index of the first maximum of each window, scanning the window row by row."""
    (kh, kw), (sh, sw) = kernel, stride
    N, C, H, W = x.shape
    OH, OW = (H - kh) // sh + 1, (W - kw) // sw + 1
    arg = np.zeros((N, C, OH, OW), dtype=np.int64)
    for n, c, i, j in itertools.product(range(N), range(C), range(OH), range(OW)):
        best = None
        for u, v in itertools.product(range(kh), range(kw)):
            value = x[n, c, i * sh + u, j * sw + v]
            if best is None or value > best:
                best, arg[n, c, i, j] = value, (i * sh + u) * W + j * sw + v
    return arg


def cross_entropy(logits, labels, weight=None):
    total, norm = 0.0, 0.0
    for z, y in zip(logits.astype(np.float64), labels):
        m = max(z)
        log_p = z[y] - m - np.log(sum(np.exp(v - m) for v in z))
        w = 1.0 if weight is None else float(weight[y])
        total, norm = total - w * log_p, norm + w
    return total / norm
