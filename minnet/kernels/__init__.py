"""Kernels: the number-crunching functions every layer of minnet ends up calling.

A *kernel* is a plain function from NumPy arrays to NumPy arrays that does one layer's arithmetic,
forward or backward: a convolution, a pooling window, a batch-norm reduction, the softmax
cross-entropy. It knows nothing about tensors, graphs or gradients-to-come; autograd calls it with
arrays and stores what it returns. Most of a training step's time is spent in here.

Every kernel has two implementations with one signature:

* the **NumPy reference** (``conv.py``, ``pool.py``, ``activation.py``, ``batchnorm.py``,
  ``cross_entropy.py``): short, vectorised NumPy with the formula in the docstring. Read these to
  learn what a layer computes.
* the **Numba twin** (``conv_numba.py``, ...): loops compiled to machine code by Numba, written for
  speed on a small CPU. It gives the same numbers (up to float rounding) and is tested against the
  reference on random shapes.

The Dense layer (``dense.py``) is the exception: it is one matrix product, and a tuned BLAS runs
that faster than any loop we would write, so both backends call BLAS through NumPy.

The "numba" backend is the default; "numpy" runs the references::

    import minnet as mn
    mn.kernels.get_backend()              # 'numba'
    mn.kernels.set_backend("numpy")       # from now on, the references
    with mn.kernels.use_backend("numba"):
        ...                               # this block with Numba, then back to "numpy"

Numba compiles each kernel the first time it runs (a few seconds) and keeps the machine code in a
cache on disk, so the next Python process loads it in a fraction of a second. ``import minnet``
compiles nothing and does not even import Numba. Without a working Numba, minnet warns once and
runs the references.

Each public function below converts its arrays to one float dtype (float32 stays float32, float64
stays float64; nothing is copied when they already fit), checks in O(1) that the shapes fit
together, and calls its :class:`~minnet.kernels._backend.Kernel`. The friendly shape errors are the
layers' job. Kernels never modify their inputs.
"""
from __future__ import annotations

import numpy as np

from . import _checks as check
from . import _twins, activation, batchnorm, conv, cross_entropy, dense, optim, pool
from ._backend import BACKENDS, Kernel, get_backend, set_backend, use_backend
from .conv import output_size

Array = np.ndarray
_INT64 = np.dtype(np.int64)                     # a native dtype is one object: `is` compares it
Pair = int | tuple[int, int]                    # an int n means (n, n)

__all__ = ["BACKENDS", "set_backend", "get_backend", "use_backend", "output_size",
           "conv2d_forward", "conv2d_backward", "conv1d_forward", "conv1d_backward",
           "max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward",
           "batch_norm_forward", "batch_norm_backward",
           "softmax_cross_entropy_forward", "softmax_cross_entropy_backward",
           "dense_forward", "dense_backward", "relu_forward", "relu_backward_mask", "sgd_update", "adam_update"]


# --- convolution (formulas: conv.py) ------------------------------------------------------------

_conv2d_forward = Kernel(conv.conv2d_forward_numpy, lambda: _twins.conv().conv2d_forward_numba)
_conv2d_backward = Kernel(conv.conv2d_backward_numpy, lambda: _twins.conv().conv2d_backward_numba)
_conv1d_forward = Kernel(conv.conv1d_forward_numpy, lambda: _twins.conv().conv1d_forward_numba)
_conv1d_backward = Kernel(conv.conv1d_backward_numpy, lambda: _twins.conv().conv1d_backward_numba)


def conv2d_forward(x: Array, w: Array, b: Array | None, stride: Pair, padding: Pair) -> Array:
    """y = conv2d(x, w) + b: x (N, C, H, W), w (F, C, KH, KW), b (F,) or None -> y (N, F, OH, OW).

    stride = (sh, sw), padding = (ph, pw) zeros on each side; OH = output_size(H, KH, sh, ph).
    Cross-correlation, as PyTorch's conv2d.
    """
    x, w, b = check.floats(x, w, b)
    stride, padding, _ = check.conv2d(x.shape, w.shape, stride, padding)
    check.bias(b, w)
    return _conv2d_forward(x, w, b, stride, padding)


def conv2d_backward(gy: Array, x: Array, w: Array, stride: Pair, padding: Pair,
                    input_grad: bool = True) -> tuple[Array | None, Array, Array]:
    """Gradients of conv2d for gy = dL/dy (N, F, OH, OW) -> (gx, gw, gb); gb = gy.sum((0, 2, 3)).

    input_grad=False skips gx (returned as None): pass ``ctx.needs_input_grad[0]`` so that the
    first layer, whose input is the data, does not pay for a gradient nobody reads.
    """
    gy, x, w = check.floats(gy, x, w)
    stride, padding, out = check.conv2d(x.shape, w.shape, stride, padding)
    check.shape(gy, (x.shape[0], w.shape[0]) + out, "conv2d_backward gy")
    return _conv2d_backward(gy, x, w, stride, padding, bool(input_grad))


def conv1d_forward(x: Array, w: Array, b: Array | None, stride: int, padding: int) -> Array:
    """y = conv1d(x, w) + b: x (N, C, L), w (F, C, K), b (F,) or None, int stride and padding -> (N, F, OL)."""
    x, w, b = check.floats(x, w, b)
    check.conv2d(x.shape[:2] + (1,) + x.shape[2:], w.shape[:2] + (1,) + w.shape[2:], (1, stride), (0, padding))
    check.bias(b, w)
    return _conv1d_forward(x, w, b, stride, padding)


def conv1d_backward(gy: Array, x: Array, w: Array, stride: int, padding: int,
                    input_grad: bool = True) -> tuple[Array | None, Array, Array]:
    """Gradients of conv1d for gy = dL/dy (N, F, OL) -> (gx (N, C, L), gw (F, C, K), gb (F,)).

    input_grad=False skips gx (returned as None), as in :func:`conv2d_backward`.
    """
    gy, x, w = check.floats(gy, x, w)
    _, _, (_, out) = check.conv2d(x.shape[:2] + (1,) + x.shape[2:], w.shape[:2] + (1,) + w.shape[2:],
                                  (1, stride), (0, padding))
    check.shape(gy, (x.shape[0], w.shape[0], out), "conv1d_backward gy")
    return _conv1d_backward(gy, x, w, stride, padding, bool(input_grad))


# --- pooling (formulas: pool.py) ----------------------------------------------------------------

_max_pool2d_forward = Kernel(pool.max_pool2d_forward_numpy, lambda: _twins.pool().max_pool2d_forward_numba)
_max_pool2d_backward = Kernel(pool.max_pool2d_backward_numpy, lambda: _twins.pool().max_pool2d_backward_numba)
_avg_pool2d_forward = Kernel(pool.avg_pool2d_forward_numpy, lambda: _twins.pool().avg_pool2d_forward_numba)
_avg_pool2d_backward = Kernel(pool.avg_pool2d_backward_numpy, lambda: _twins.pool().avg_pool2d_backward_numba)


def max_pool2d_forward(x: Array, kernel: Pair, stride: Pair | None) -> tuple[Array, Array]:
    """Max over each kh×kw window (no padding): x (N, C, H, W) -> (y (N, C, OH, OW), argmax).

    argmax (int64, shaped like y) holds the flat index h·W + w in the H×W plane of each window's
    maximum; on ties the first in row-major window order.
    """
    (x,) = check.floats(x)
    kernel, stride, _ = check.pool2d(x.shape, kernel, stride)
    return _max_pool2d_forward(x, kernel, stride)


def max_pool2d_backward(gy: Array, argmax: Array, x_shape: tuple[int, ...], kernel: Pair, stride: Pair | None) -> Array:
    """Gradient of max pooling: each gy goes to its window's maximum (shares add up) -> gx of x_shape.

    argmax must come from :func:`max_pool2d_forward` on an input of x_shape.
    """
    (gy,) = check.floats(gy)
    x_shape = tuple(int(s) for s in x_shape)
    kernel, stride, out = check.pool2d(x_shape, kernel, stride)
    check.shape(gy, x_shape[:2] + out, "max_pool2d_backward gy")
    check.shape(argmax, gy.shape, "max_pool2d_backward argmax")
    return _max_pool2d_backward(gy, np.ascontiguousarray(argmax, dtype=np.int64), x_shape, kernel, stride)


def avg_pool2d_forward(x: Array, kernel: Pair, stride: Pair | None) -> Array:
    """Mean over each kh×kw window (no padding): x (N, C, H, W) -> y (N, C, OH, OW)."""
    (x,) = check.floats(x)
    kernel, stride, _ = check.pool2d(x.shape, kernel, stride)
    return _avg_pool2d_forward(x, kernel, stride)


def avg_pool2d_backward(gy: Array, x_shape: tuple[int, ...], kernel: Pair, stride: Pair | None) -> Array:
    """Gradient of average pooling: each window's inputs share gy / (kh·kw) -> gx of x_shape."""
    (gy,) = check.floats(gy)
    x_shape = tuple(int(s) for s in x_shape)
    kernel, stride, out = check.pool2d(x_shape, kernel, stride)
    check.shape(gy, x_shape[:2] + out, "avg_pool2d_backward gy")
    return _avg_pool2d_backward(gy, x_shape, kernel, stride)


# --- batch norm (formulas: batchnorm.py) --------------------------------------------------------

_batch_norm_forward = Kernel(batchnorm.batch_norm_forward_numpy, lambda: _twins.batchnorm().batch_norm_forward_numba)
_batch_norm_backward = Kernel(batchnorm.batch_norm_backward_numpy,
                              lambda: _twins.batchnorm().batch_norm_backward_numba)


def batch_norm_forward(x: Array, gamma: Array, beta: Array, eps: float) -> tuple[Array, Array, Array, Array, Array]:
    """Training-mode batch norm over axis 1 of x (N, C, ...) -> (y, mean, var, xhat, inv_std).

    Statistics per channel over every other axis; var is the biased variance; inv_std =
    1/sqrt(var + eps); y = gamma·xhat + beta. mean, var, inv_std have shape (C,). Needs at least
    one value per channel.
    """
    x, gamma, beta = check.floats(x, gamma, beta)
    if x.ndim < 2 or x.size == 0:
        raise ValueError(f"batch_norm needs x of shape (N, C, ...) holding values, got {x.shape}")
    check.shape(gamma, (x.shape[1],), "batch_norm gamma")
    check.shape(beta, (x.shape[1],), "batch_norm beta")
    return _batch_norm_forward(x, gamma, beta, float(eps))


def batch_norm_backward(gy: Array, xhat: Array, inv_std: Array, gamma: Array) -> tuple[Array, Array, Array]:
    """Gradients of training-mode batch norm for gy = dL/dy -> (gx, ggamma (C,), gbeta (C,))."""
    gy, xhat, inv_std, gamma = check.floats(gy, xhat, inv_std, gamma)
    if gy.ndim < 2 or gy.size == 0:
        raise ValueError(f"batch_norm_backward needs gy of shape (N, C, ...) holding values, got {gy.shape}")
    check.shape(xhat, gy.shape, "batch_norm_backward xhat")
    check.shape(inv_std, (gy.shape[1],), "batch_norm_backward inv_std")
    check.shape(gamma, (gy.shape[1],), "batch_norm_backward gamma")
    return _batch_norm_backward(gy, xhat, inv_std, gamma)


# --- softmax cross-entropy (formulas: cross_entropy.py) -----------------------------------------

_cross_entropy_forward = Kernel(cross_entropy.softmax_cross_entropy_forward_numpy,
                                lambda: _twins.cross_entropy().softmax_cross_entropy_forward_numba)
_cross_entropy_backward = Kernel(cross_entropy.softmax_cross_entropy_backward_numpy,
                                 lambda: _twins.cross_entropy().softmax_cross_entropy_backward_numba)


def softmax_cross_entropy_forward(logits: Array, labels: Array, weight: Array | None) -> tuple[Array, Array]:
    """Mean cross-entropy of logits (N, K) and integer labels (N,) -> (loss 0-d array, probs (N, K)).

    With weight (K,), PyTorch's weighted mean Σ w[y_i]·l_i / Σ w[y_i]. Stable for logits of ±1e4.
    The labels must be class indices in [0, K): ``minnet.losses`` checks them, the kernel trusts them.
    """
    logits, weight = check.floats(logits, weight)
    labels = _labels(labels, logits)
    if weight is not None:
        check.shape(weight, (logits.shape[1],), "cross-entropy weight")
    return _cross_entropy_forward(logits, labels, weight)


def softmax_cross_entropy_backward(probs: Array, labels: Array, weight: Array | None, grad: float) -> Array:
    """d loss / d logits for the upstream scalar grad -> (N, K)."""
    probs, weight = check.floats(probs, weight)
    labels = _labels(labels, probs)
    if weight is not None:
        check.shape(weight, (probs.shape[1],), "cross-entropy weight")
    return _cross_entropy_backward(probs, labels, weight, float(grad))


def _labels(labels: Array, logits: Array) -> Array:
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError(f"cross-entropy needs logits (N, K) with N, K >= 1, got {logits.shape}")
    if type(labels) is not np.ndarray or labels.dtype is not _INT64 or not labels.flags.c_contiguous:
        labels = np.ascontiguousarray(labels, dtype=np.int64)
    check.shape(labels, logits.shape[:1], "cross-entropy labels")
    return labels


# --- the Dense path (formulas: dense.py; BLAS in both backends) -------------------------------------

def dense_forward(x: Array, w: Array, b: Array | None) -> Array:
    """y = x @ w + b: x (N, in), w (in, out), b (out,) or None -> y (N, out)."""
    x, w, b = check.floats(x, w, b)
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"dense_forward needs x (N, in) and w (in, out), got {x.shape} and {w.shape}")
    return dense.dense_forward_numpy(x, w, b)


def dense_backward(gy: Array, x: Array, w: Array, input_grad: bool = True) -> tuple[Array | None, Array, Array]:
    """Gradients of x @ w + b for gy = dL/dy (N, out) -> (gx = gy @ wᵀ, gw = xᵀ @ gy, gb = Σ_n gy).

    input_grad=False skips gx (returned as None): for the first layer it is a GEMM as large as
    the forward one, computed for nothing.
    """
    gy, x, w = check.floats(gy, x, w)
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"dense_backward needs x (N, in) and w (in, out), got {x.shape} and {w.shape}")
    check.shape(gy, (x.shape[0], w.shape[1]), "dense_backward gy")
    return dense.dense_backward_numpy(gy, x, w, bool(input_grad))


# --- activations (formulas: activation.py) --------------------------------------------------------

# below about a thousand numbers np.maximum is quicker to call than the twin (the same values)
_relu_forward = Kernel(activation.relu_forward_numpy, lambda: _twins.activation().relu_forward_numba, 1024)
_relu_backward_mask = Kernel(activation.relu_backward_mask_numpy, lambda: _twins.activation().relu_backward_mask_numba)


def relu_forward(x: Array) -> Array:
    """y = max(x, 0), elementwise (NaN stays NaN). Its backward is :func:`relu_backward_mask` with this y."""
    (x,) = check.floats(x)
    return _relu_forward(x)


def relu_backward_mask(gy: Array, y: Array) -> Array:
    """ReLU's backward read from its output y: gy where y > 0, else 0 (the slope at 0 is 0)."""
    gy, y = check.floats(gy, y)
    check.shape(y, gy.shape, "relu_backward_mask y")
    return _relu_backward_mask(gy, y)


# --- optimizer updates, in place (formulas: optim.py) ----------------------------------------------

# The twins give the reference's numbers bit for bit; on small parameters the reference is cheaper
# to call, and a parameter that is not one contiguous array of one dtype is updated by it too.
_UPDATE_TWIN_MIN_SIZE = 4096
_sgd_update = Kernel(optim.sgd_update_numpy, lambda: _twins.optim().sgd_update_numba, _UPDATE_TWIN_MIN_SIZE)
_adam_update = Kernel(optim.adam_update_numpy, lambda: _twins.optim().adam_update_numba, _UPDATE_TWIN_MIN_SIZE)


def sgd_update(p: Array, g: Array, buf: Array | None, lr: float, weight_decay: float = 0.0, momentum: float = 0.0,
               dampening: float = 0.0, nesterov: bool = False, first: bool = False) -> None:
    """One SGD step, in place: p ← p − lr·(g + wd·p, through the momentum buffer buf if momentum ≠ 0).

    buf (p's shape) is the momentum buffer, None without momentum; first=True starts it at g.
    No temporary array the size of p is made under the "numba" backend.
    """
    _update_arrays(p, g, buf)
    kernel = _sgd_update if p.size >= _UPDATE_TWIN_MIN_SIZE and _in_place_ok(p, g, buf) else optim.sgd_update_numpy
    kernel(p, g, buf, float(lr), float(weight_decay), float(momentum), float(dampening), bool(nesterov), bool(first))


def adam_update(p: Array, g: Array, m: Array, v: Array, vmax: Array | None, lr: float, b1: float, b2: float,
                eps: float, weight_decay: float, decoupled: bool, step: int) -> None:
    """One Adam (or, with decoupled=True, AdamW) step, in place on p and the moments m, v (vmax for AMSGrad).

    step counts from 1 (it sets the bias corrections). No temporary array the size of p is made under
    the "numba" backend.
    """
    _update_arrays(p, g, m, v, vmax)
    kernel = _adam_update if p.size >= _UPDATE_TWIN_MIN_SIZE and _in_place_ok(p, g, m, v, vmax) \
        else optim.adam_update_numpy
    kernel(p, g, m, v, vmax, float(lr), float(b1), float(b2), float(eps), float(weight_decay), bool(decoupled),
           int(step))


def _update_arrays(p: Array, *others: Array | None) -> None:
    for a in others:
        if a is not None and a.shape != p.shape:
            raise ValueError(f"an optimizer update got arrays of shapes {p.shape} and {a.shape}; they must match")


def _in_place_ok(p: Array, *others: Array | None) -> bool:
    """Whether the twin may run: every array C-contiguous, writeable where written, of p's float dtype."""
    return p.dtype in check.FLOATS and all(a is None or (type(a) is np.ndarray and a.dtype == p.dtype
                                                          and a.flags.c_contiguous) for a in (p, *others)) \
        and p.flags.writeable
