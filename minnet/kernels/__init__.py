"""Kernels: the number-crunching functions every layer of minnet ends up calling.

A *kernel* is a plain function from NumPy arrays to NumPy arrays that does one layer's arithmetic,
forward or backward: a convolution, a pooling window, a batch-norm reduction, the softmax
cross-entropy. It knows nothing about tensors, graphs or gradients-to-come; autograd calls it with
arrays and stores what it returns. Most of a training step's time is spent in here.

Every kernel has two implementations with one signature:

* the **NumPy reference** (``conv.py``, ``pool.py``, ``dense.py``, ``activation.py``,
  ``batchnorm.py``, ``cross_entropy.py``): short, vectorised NumPy with the formula in the
  docstring. Read these to learn what a layer computes.
* the **Numba twin** (``conv_numba.py``, ...): loops compiled to machine code by Numba, written for
  speed on a small CPU. It gives the same numbers (up to float rounding) and is tested against the
  reference on random shapes.

The "numba" backend is the default; "numpy" runs the references::

    import minnet as mn
    mn.kernels.get_backend()              # 'numba'
    mn.kernels.set_backend("numpy")       # from now on, the references
    with mn.kernels.use_backend("numba"):
        ...                               # this block with Numba, then back to "numpy"

Numba compiles each kernel the first time it runs (a few seconds) and keeps the machine code in a
cache on disk, so the next Python process loads it in a fraction of a second. ``import minnet``
compiles nothing and does not even import Numba. Without a working Numba, minnet warns once and
runs the references. Matrix products (the Dense layer) go to BLAS in both backends: a tuned BLAS
beats hand-written loops there. How the kernels' threads share the cores with BLAS's threads is
explained (with measurements) in ``_threads.py``.

All kernels take NumPy arrays (contiguous or not), never modify them, and return arrays of the
inputs' float dtype (float32 stays float32, float64 stays float64).
"""
from __future__ import annotations

import numpy as np

from . import _checks as check
from ._threads import note_gemm
from ._backend import BACKENDS, get_backend, run, set_backend, use_backend

Array = np.ndarray
Pair = int | tuple[int, int]                    # an int n means (n, n)

__all__ = ["BACKENDS", "set_backend", "get_backend", "use_backend",
           "conv2d_forward", "conv2d_backward", "conv1d_forward", "conv1d_backward",
           "max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward",
           "batch_norm_forward", "batch_norm_backward",
           "softmax_cross_entropy_forward", "softmax_cross_entropy_backward",
           "dense_forward", "dense_backward", "dense_relu_forward", "relu_forward", "relu_backward_mask"]


# --- convolution (formulas: conv.py) ------------------------------------------------------------

def conv2d_forward(x: Array, w: Array, b: Array | None, stride: Pair, padding: Pair) -> Array:
    """y = conv2d(x, w) + b: x (N, C, H, W), w (F, C, KH, KW), b (F,) or None -> y (N, F, OH, OW).

    stride = (sh, sw), padding = (ph, pw) zeros on each side; OH = (H + 2·ph − KH) // sh + 1.
    Cross-correlation, as PyTorch's conv2d.
    """
    x, w, b = _as_float(x, w, b)
    stride, padding, _ = check.conv2d(x, w, b, stride, padding)
    return run("conv2d_forward", x, w, b, stride, padding)


def conv2d_backward(gy: Array, x: Array, w: Array, stride: Pair, padding: Pair,
                    input_grad: bool = True) -> tuple[Array | None, Array, Array]:
    """Gradients of conv2d for gy = dL/dy (N, F, OH, OW) -> (gx, gw, gb); gb = gy.sum((0, 2, 3)).

    input_grad=False skips gx (returned as None): pass ``ctx.needs_input_grad[0]`` so that the
    first layer, whose input is the data, does not pay for a gradient nobody reads.
    """
    gy, x, w = _as_float(gy, x, w)
    stride, padding, out = check.conv2d(x, w, None, stride, padding)
    check.shape(gy, (x.shape[0], w.shape[0]) + out, "conv2d_backward gy")
    return run("conv2d_backward", gy, x, w, stride, padding, bool(input_grad))


def conv1d_forward(x: Array, w: Array, b: Array | None, stride: int, padding: int) -> Array:
    """y = conv1d(x, w) + b: x (N, C, L), w (F, C, K), b (F,) or None, int stride and padding -> (N, F, OL)."""
    x, w, b = _as_float(x, w, b)
    check.ndim(x, 3, "conv1d input x", "(N, C, L)")
    check.ndim(w, 3, "conv1d weight w", "(F, C, K)")
    (stride,), (padding,) = check.ints(stride, 1, "conv1d stride", 1), check.ints(padding, 1, "conv1d padding", 0)
    check.conv2d(x[:, :, None], w[:, :, None], b, (1, stride), (0, padding), "conv1d")
    return run("conv1d_forward", x, w, b, stride, padding)


def conv1d_backward(gy: Array, x: Array, w: Array, stride: int, padding: int,
                    input_grad: bool = True) -> tuple[Array | None, Array, Array]:
    """Gradients of conv1d for gy = dL/dy (N, F, OL) -> (gx (N, C, L), gw (F, C, K), gb (F,)).

    input_grad=False skips gx (returned as None), as in :func:`conv2d_backward`.
    """
    gy, x, w = _as_float(gy, x, w)
    check.ndim(x, 3, "conv1d input x", "(N, C, L)")
    check.ndim(w, 3, "conv1d weight w", "(F, C, K)")
    (stride,), (padding,) = check.ints(stride, 1, "conv1d stride", 1), check.ints(padding, 1, "conv1d padding", 0)
    _, _, out = check.conv2d(x[:, :, None], w[:, :, None], None, (1, stride), (0, padding), "conv1d")
    check.shape(gy, (x.shape[0], w.shape[0], out[1]), "conv1d_backward gy")
    return run("conv1d_backward", gy, x, w, stride, padding, bool(input_grad))


# --- pooling (formulas: pool.py) ----------------------------------------------------------------

def max_pool2d_forward(x: Array, kernel: Pair, stride: Pair | None) -> tuple[Array, Array]:
    """Max over each kh×kw window (no padding): x (N, C, H, W) -> (y (N, C, OH, OW), argmax).

    argmax (int64, shaped like y) holds the flat index h·W + w in the H×W plane of each window's
    maximum; on ties the first in row-major window order.
    """
    (x,) = _as_float(x)
    kernel, stride, _ = check.pool2d(x.shape, kernel, stride, "max_pool2d")
    return run("max_pool2d_forward", x, kernel, stride)


def max_pool2d_backward(gy: Array, argmax: Array, x_shape: tuple[int, ...], kernel: Pair, stride: Pair | None) -> Array:
    """Gradient of max pooling: each gy goes to its window's maximum (shares add up) -> gx of x_shape."""
    (gy,) = _as_float(gy)
    x_shape = tuple(int(s) for s in x_shape)
    kernel, stride, out = check.pool2d(x_shape, kernel, stride, "max_pool2d_backward")
    check.shape(gy, x_shape[:2] + out, "max_pool2d_backward gy")
    argmax = np.asarray(argmax)
    check.shape(argmax, gy.shape, "max_pool2d_backward argmax")
    return run("max_pool2d_backward", gy, argmax, x_shape, kernel, stride)


def avg_pool2d_forward(x: Array, kernel: Pair, stride: Pair | None) -> Array:
    """Mean over each kh×kw window (no padding): x (N, C, H, W) -> y (N, C, OH, OW)."""
    (x,) = _as_float(x)
    kernel, stride, _ = check.pool2d(x.shape, kernel, stride, "avg_pool2d")
    return run("avg_pool2d_forward", x, kernel, stride)


def avg_pool2d_backward(gy: Array, x_shape: tuple[int, ...], kernel: Pair, stride: Pair | None) -> Array:
    """Gradient of average pooling: each window's inputs share gy / (kh·kw) -> gx of x_shape."""
    (gy,) = _as_float(gy)
    x_shape = tuple(int(s) for s in x_shape)
    kernel, stride, out = check.pool2d(x_shape, kernel, stride, "avg_pool2d_backward")
    check.shape(gy, x_shape[:2] + out, "avg_pool2d_backward gy")
    return run("avg_pool2d_backward", gy, x_shape, kernel, stride)


# --- batch norm (formulas: batchnorm.py) --------------------------------------------------------

def batch_norm_forward(x: Array, gamma: Array, beta: Array, eps: float) -> tuple[Array, Array, Array, Array, Array]:
    """Training-mode batch norm over axis 1 of x (N, C, ...) -> (y, mean, var, xhat, inv_std).

    Statistics per channel over every other axis; var is the biased variance; inv_std =
    1/sqrt(var + eps); y = gamma·xhat + beta. mean, var, inv_std have shape (C,).
    """
    x, gamma, beta = _as_float(x, gamma, beta)
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"batch_norm needs x of shape (N, C, ...) with N >= 1, got {x.shape}")
    check.shape(gamma, (x.shape[1],), "batch_norm gamma")
    check.shape(beta, (x.shape[1],), "batch_norm beta")
    return run("batch_norm_forward", x, gamma, beta, float(eps))


def batch_norm_backward(gy: Array, xhat: Array, inv_std: Array, gamma: Array) -> tuple[Array, Array, Array]:
    """Gradients of training-mode batch norm for gy = dL/dy -> (gx, ggamma (C,), gbeta (C,))."""
    gy, xhat, inv_std, gamma = _as_float(gy, xhat, inv_std, gamma)
    if gy.ndim < 2 or gy.shape[0] == 0:
        raise ValueError(f"batch_norm_backward needs gy of shape (N, C, ...) with N >= 1, got {gy.shape}")
    check.shape(xhat, gy.shape, "batch_norm_backward xhat")
    check.shape(inv_std, (gy.shape[1],), "batch_norm_backward inv_std")
    check.shape(gamma, (gy.shape[1],), "batch_norm_backward gamma")
    return run("batch_norm_backward", gy, xhat, inv_std, gamma)


# --- softmax cross-entropy (formulas: cross_entropy.py) -----------------------------------------

def softmax_cross_entropy_forward(logits: Array, labels: Array, weight: Array | None) -> tuple[Array, Array]:
    """Mean cross-entropy of logits (N, K) and integer labels (N,) -> (loss 0-d array, probs (N, K)).

    With weight (K,), PyTorch's weighted mean Σ w[y_i]·l_i / Σ w[y_i]. Stable for logits of ±1e4.
    """
    logits, weight = _as_float(logits, weight)
    check.ndim(logits, 2, "cross-entropy logits", "(N, K)")
    if logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError(f"cross-entropy needs at least one sample and one class, got logits {logits.shape}")
    labels = check.labels(labels, *logits.shape)
    if weight is not None:
        check.shape(weight, (logits.shape[1],), "cross-entropy weight")
    return run("softmax_cross_entropy_forward", logits, labels, weight)


def softmax_cross_entropy_backward(probs: Array, labels: Array, weight: Array | None, grad: float) -> Array:
    """d loss / d logits for the upstream scalar grad -> (N, K)."""
    probs, weight = _as_float(probs, weight)
    check.ndim(probs, 2, "cross-entropy probs", "(N, K)")
    labels = check.labels(labels, *probs.shape)
    if weight is not None:
        check.shape(weight, (probs.shape[1],), "cross-entropy weight")
    return run("softmax_cross_entropy_backward", probs, labels, weight, float(np.asarray(grad)))


# --- the Dense path (formulas: dense.py) --------------------------------------------------------

def _dense_args(x, w, b, what):
    x, w, b = _as_float(x, w, b)
    check.ndim(w, 2, f"{what} weight w", "(in_features, out_features)")
    if x.ndim < 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"{what}: input x of shape {x.shape} does not end in in_features = {w.shape[0]} "
                         f"(weight {w.shape})")
    if b is not None:
        check.shape(b, (w.shape[1],), f"{what} bias b")
    return x, w, b


def dense_forward(x: Array, w: Array, b: Array | None) -> Array:
    """y = x @ w + b: x (N, in) (or (..., in)), w (in, out), b (out,) or None -> y (N, out)."""
    x, w, b = _dense_args(x, w, b, "dense_forward")
    y = run("dense_forward", x.reshape(-1, w.shape[0]), w, b)
    note_gemm(y.shape[0], *w.shape)                 # BLAS's threads may be spinning now
    return y.reshape(x.shape[:-1] + (w.shape[1],))


def dense_backward(gy: Array, x: Array, w: Array, input_grad: bool = True) -> tuple[Array | None, Array, Array]:
    """Gradients of x @ w + b for gy = dL/dy -> (gx = gy @ wᵀ, gw = xᵀ @ gy, gb = Σ_n gy).

    input_grad=False skips gx (returned as None): for the first layer it is a GEMM as large as
    the forward one, computed for nothing.
    """
    x, w, _ = _dense_args(x, w, None, "dense_backward")
    (gy,) = _as_float(gy)
    check.shape(gy, x.shape[:-1] + (w.shape[1],), "dense_backward gy")
    gx, gw, gb = run("dense_backward", gy.reshape(-1, w.shape[1]), x.reshape(-1, w.shape[0]), w, bool(input_grad))
    note_gemm(x.size // w.shape[0], *w.shape)
    return (None if gx is None else gx.reshape(x.shape)), gw, gb


def dense_relu_forward(x: Array, w: Array, b: Array | None) -> Array:
    """y = max(x @ w + b, 0): Dense followed by ReLU in one call (fused bias + ReLU after the GEMM).

    Its backward is :func:`relu_backward_mask` (with this y) followed by :func:`dense_backward`.
    """
    x, w, b = _dense_args(x, w, b, "dense_relu_forward")
    y = run("dense_relu_forward", x.reshape(-1, w.shape[0]), w, b)
    note_gemm(y.shape[0], *w.shape)
    return y.reshape(x.shape[:-1] + (w.shape[1],))


# --- activations (formulas: activation.py) --------------------------------------------------------

def relu_forward(x: Array) -> Array:
    """y = max(x, 0), elementwise (NaN stays NaN). Its backward is :func:`relu_backward_mask` with this y."""
    (x,) = _as_float(x)
    return run("relu_forward", x)


def relu_backward_mask(gy: Array, y: Array) -> Array:
    """ReLU's backward read from its output y: gy where y > 0, else 0 (the slope at 0 is 0)."""
    gy, y = _as_float(gy, y)
    check.shape(y, gy.shape, "relu_backward_mask y")
    return run("relu_backward_mask", gy, y)


def _as_float(*arrays):
    """The arrays (None allowed) in their common float dtype, float32 or float64."""
    first = arrays[0]
    if type(first) is np.ndarray and first.dtype in check.FLOATS and all(
            a is None or (type(a) is np.ndarray and a.dtype == first.dtype and a.flags.c_contiguous
                          and a.flags.writeable) for a in arrays):
        return arrays                                   # the usual case, without further ado
    return check.as_float(check.float_dtype(*arrays), *arrays)
