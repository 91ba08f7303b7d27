"""Every activation ``Function``: the formula, its derivative, and a worked example, side by side.

``mn.nn.activations`` wraps these as functions (``F.relu``) and modules (``nn.ReLU()``); the numbers
are computed here and nowhere else. The examples run as doctests (``tests/autograd/test_activations.py``)
with ``np``, ``Tensor`` and the ops in scope. Two array helpers are shared with the losses:
:func:`sigmoid` and :func:`softplus`, the overflow-safe forms of σ(x) and log(1 + e^x).
"""
from __future__ import annotations

import math

import numpy as np

from ... import kernels
from ..function import Function


# ---- array helpers (NumPy in, NumPy out) ---------------------------------------------------------


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^−x), without overflow for any x; the result keeps a float input's dtype.

    Written with e^−|x|, which is at most 1:  x >= 0: 1 / (1 + e^−x);   x < 0: e^x / (1 + e^x).
    The textbook form overflows e^−x for x < −709 (float64) or −88 (float32).

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(np.result_type(x, np.float32), copy=False)


def softplus(x: np.ndarray) -> np.ndarray:
    """softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^−|x|), without overflow; d/dx = σ(x).

    >>> softplus(np.array([-1000.0, 0.0, 1000.0]))     # 0, log 2, 1000
    array([0.00000000e+00, 6.93147181e-01, 1.00000000e+03])
    """
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _check_axis(op: str, x: np.ndarray, axis) -> int:
    """``axis`` as a non-negative int, or an error that names the op, the shape and the valid range."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}(axis={axis!r}): axis must be one int (the axis that sums to 1)")
    if x.ndim == 0 or not -x.ndim <= axis < x.ndim:
        valid = f"from {-x.ndim} to {x.ndim - 1}" if x.ndim else "none: it has no axes"
        raise ValueError(f"{op}(axis={axis}) got input of shape {x.shape} ({x.ndim} dimension(s)): valid axes "
                         f"are {valid}. For class scores of shape (N, K) use axis=-1 (the default).")
    return int(axis) % x.ndim


# ---- saturating: sigmoid and tanh --------------------------------------------------------------


class Sigmoid(Function):
    """y = σ(x) = 1 / (1 + e^−x);   dy/dx = y (1 − y).

    The derivative is at most 1/4 (at x = 0) and near 0 once |x| > 5: stacked sigmoids shrink the
    gradient at every layer, the root of vanishing gradients.

    >>> x = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    >>> y = Sigmoid.apply(x); y.data                      # 1/2, 1/(1 + e^-2)
    array([0.5       , 0.88079708])
    >>> y.sum().backward(); x.grad                        # 1/2·1/2, 0.8808·0.1192
    array([0.25      , 0.10499359])
    """

    @staticmethod
    def forward(ctx, x):
        out = sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Tanh(Function):
    """y = tanh x = (e^x − e^−x) / (e^x + e^−x);   dy/dx = 1 − y².

    Zero-centred, slope 1 at 0, but near 0 once |x| > 3: saturation again.

    >>> x = Tensor(np.array([0.0, 1.0]), requires_grad=True)
    >>> y = Tanh.apply(x); y.data
    array([0.        , 0.76159416])
    >>> y.sum().backward(); x.grad                        # 1 − 0², 1 − 0.7616²
    array([1.        , 0.41997434])
    """

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


# ---- the ReLU family ---------------------------------------------------------------------------


class ReLU(Function):
    """y = max(x, 0);   dy/dx = 1 if x > 0 else 0.

    Pitfall: at exactly x = 0 the derivative is taken as 0 (as PyTorch does). A unit whose input is
    negative for every example gets no gradient at all and never recovers: a "dead ReLU".
    The arithmetic runs in the ReLU kernels (one pass each way); NaN stays NaN, as in PyTorch, so
    a diverging run is not hidden behind zeros.

    >>> x = Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    >>> y = ReLU.apply(x); y.data
    array([0., 0., 3.])
    >>> y.sum().backward(); x.grad                        # slope 0 at x = 0
    array([0., 0., 1.])
    """

    @staticmethod
    def forward(ctx, x):
        if np.asarray(x).dtype.kind != "f":      # integer tensors: no kernel, no gradient
            return np.maximum(x, 0)
        out = kernels.relu_forward(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return kernels.relu_backward_mask(grad, out)


class LeakyReLU(Function):
    """y = x if x > 0 else s·x;   dy/dx = 1 if x > 0 else s   (s at exactly 0, as PyTorch).

    The small slope s keeps a unit with negative inputs learning, so it cannot die.

    >>> x = Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    >>> y = LeakyReLU.apply(x, negative_slope=0.1); y.data
    array([-0.2,  0. ,  3. ])
    >>> y.sum().backward(); x.grad
    array([0.1, 0.1, 1. ])
    """

    @staticmethod
    def forward(ctx, x, negative_slope=0.01):
        positive = x > 0
        ctx.save_for_backward(positive)
        ctx.slope = negative_slope
        return np.where(positive, x, x * negative_slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (positive,) = ctx.saved_tensors
        return np.where(positive, grad, grad * ctx.slope)


class ELU(Function):
    """y = x if x > 0 else α(e^x − 1);   dy/dx = 1 if x > 0 else α e^x = y + α   (α at 0, as PyTorch).

    ``expm1`` keeps e^x − 1 accurate for small |x|; taking it of min(x, 0) avoids overflow
    warnings from the branch that np.where throws away.

    >>> x = Tensor(np.array([-1.0, 2.0]), requires_grad=True)
    >>> y = ELU.apply(x, alpha=1.0); y.data               # e^-1 − 1, 2
    array([-0.63212056,  2.        ])
    >>> y.sum().backward(); x.grad                        # e^-1, 1
    array([0.36787944, 1.        ])
    """

    @staticmethod
    def forward(ctx, x, alpha=1.0):
        positive = x > 0
        neg = alpha * np.expm1(np.minimum(x, 0))
        ctx.save_for_backward(positive, neg)
        ctx.alpha = alpha
        return np.where(positive, x, neg).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        positive, neg = ctx.saved_tensors
        return np.where(positive, grad, grad * (neg + ctx.alpha))


def _erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, to float64 precision.

    NumPy has no erf. ``math.erf`` is exact to the last bit; mapped over ``tolist()`` it costs about
    0.3 µs per element (30 ms for 100 000 activations), which is fine for the layer sizes a laptop
    lesson uses, and it avoids the 1e-4-ish errors of the popular polynomial approximations,
    which would break agreement with PyTorch to 1e-6.
    """
    flat = np.fromiter(map(math.erf, np.asarray(x, dtype=np.float64).ravel().tolist()),
                       dtype=np.float64, count=np.size(x))
    return flat.reshape(np.shape(x))


_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELU(Function):
    """y = x·Φ(x), Φ the standard normal CDF = (1 + erf(x/√2))/2 (the exact form, not the tanh one);
    dy/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).

    >>> x = Tensor(np.array([0.0, 1.0]), requires_grad=True)
    >>> y = GELU.apply(x); y.data                         # 0·1/2, 1·Φ(1)
    array([0.        , 0.84134475])
    >>> y.sum().backward(); x.grad                        # Φ(0) + 0, Φ(1) + φ(1)
    array([0.5       , 1.08331547])
    """

    @staticmethod
    def forward(ctx, x):
        cdf = 0.5 * (1.0 + _erf(x * _INV_SQRT2))
        ctx.save_for_backward(x, cdf)
        return (x * cdf).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, cdf = ctx.saved_tensors
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
        return grad * (cdf + x * pdf)


# ---- probabilities over an axis: softmax and log-softmax -------------------------------------------


class Softmax(Function):
    """y_i = e^(x_i − m) / Σ_j e^(x_j − m) along ``axis``, m = max_j x_j (subtracting m changes
    nothing mathematically but keeps e^x from overflowing for large logits);
    backward: dL/dx = y ⊙ (g − Σ_j g_j y_j).

    >>> x = Tensor(np.array([0.0, np.log(3.0)]), requires_grad=True)
    >>> y = Softmax.apply(x, axis=-1); y.data             # e^0 : e^log 3 = 1 : 3
    array([0.25, 0.75])
    >>> (y * np.array([1.0, 0.0])).sum().backward(); x.grad    # dy_0/dx = y_0 (onehot_0 − y)
    array([ 0.1875, -0.1875])
    """

    @staticmethod
    def forward(ctx, x, axis=-1):
        axis = _check_axis("Softmax", x, axis)
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        y = e / e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(axis=ctx.axis, keepdims=True))


class LogSoftmax(Function):
    """y_i = x_i − m − log Σ_j e^(x_j − m) along ``axis`` (stable: never forms e^x of a large x);
    backward: dL/dx = g − softmax(x) · Σ_j g_j.

    >>> x = Tensor(np.array([0.0, np.log(3.0)]), requires_grad=True)
    >>> y = LogSoftmax.apply(x, axis=-1); y.data          # log 1/4, log 3/4
    array([-1.38629436, -0.28768207])
    >>> (y * np.array([1.0, 0.0])).sum().backward(); x.grad    # onehot_0 − softmax(x)
    array([ 0.75, -0.75])
    """

    @staticmethod
    def forward(ctx, x, axis=-1):
        axis = _check_axis("LogSoftmax", x, axis)
        shifted = x - x.max(axis=axis, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - np.exp(y) * grad.sum(axis=ctx.axis, keepdims=True)
