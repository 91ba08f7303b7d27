"""Arithmetic with broadcasting, and matrix multiplication.

Each backward returns the gradient in the broadcast (output) shape; ``Function.apply`` sums it
back to each input's shape. Non-tensor operands (Python numbers, arrays) are constants.
"""
from __future__ import annotations

import numpy as np

from ..function import Function
from ._checks import broadcast_error, broadcast_shapes


class Add(Function):
    """y = a + b;   dy/da = 1, dy/db = 1."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            return np.add(a, b)
        except ValueError:
            raise broadcast_error("add (+)", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Function):
    """y = a - b;   dy/da = 1, dy/db = -1."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            return np.subtract(a, b)
        except ValueError:
            raise broadcast_error("subtract (-)", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad


class Mul(Function):
    """y = a * b;   dy/da = b, dy/db = a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return np.multiply(a, b)
        except ValueError:
            raise broadcast_error("multiply (*)", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = grad * b if ctx.needs_input_grad[0] else None
        gb = grad * a if ctx.needs_input_grad[1] else None
        return ga, gb


class Div(Function):
    """y = a / b;   dy/da = 1/b, dy/db = -a/b^2."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return np.true_divide(a, b)
        except ValueError:
            raise broadcast_error("divide (/)", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = grad / b if ctx.needs_input_grad[0] else None
        gb = -grad * a / (b * b) if ctx.needs_input_grad[1] else None
        return ga, gb


class Neg(Function):
    """y = -x;   dy/dx = -1."""

    @staticmethod
    def forward(ctx, x):
        return np.negative(x)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Function):
    """y = a ** b;   dy/da = b * a^(b-1),   dy/db = a^b * ln(a)  (taken as 0 where a = 0 and b >= 0)."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            out = np.power(a, b)
        except ValueError:
            raise broadcast_error("power (**)", a, b) from None
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = grad * b * np.power(a, b - 1)
        if ctx.needs_input_grad[1]:
            a_arr = np.asarray(a)
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.log(a_arr)
            gb = grad * np.where((a_arr == 0) & (np.asarray(b) >= 0), 0.0, out * log_a)
        return ga, gb


class MatMul(Function):
    """y = a @ b (NumPy's matmul: 1-D vectors, 2-D matrices, and batches of matrices that broadcast).

    For 2-D a (n, k) and b (k, m):  dL/da = dL/dy @ b^T  (n, k),  dL/db = a^T @ dL/dy  (k, m).
    A 1-D operand is treated as a row (left) or column (right) vector and the added axis removed.
    """

    @staticmethod
    def forward(ctx, a, b):
        a, b = np.asarray(a), np.asarray(b)
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul (@): both operands need at least one dimension, got shapes "
                             f"{a.shape} and {b.shape}; use * to multiply by a number")
        k_left = a.shape[-1]
        k_right = b.shape[-2] if b.ndim >= 2 else b.shape[0]
        if k_left != k_right:
            raise ValueError(
                f"matmul (@): shapes {a.shape} and {b.shape} are not aligned: the last dimension of "
                f"the left ({k_left}) must equal the {'second-to-last' if b.ndim >= 2 else 'only'} "
                f"dimension of the right ({k_right})")
        if a.ndim > 2 or b.ndim > 2:
            broadcast_shapes(f"matmul (@) of {a.shape} and {b.shape}: the batch dimensions", a.shape[:-2], b.shape[:-2])
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a_vec, b_vec = a.ndim == 1, b.ndim == 1
        if a_vec and b_vec:       # dot product (k,) @ (k,) -> ()
            return grad * b, grad * a
        g = grad
        if a_vec:                 # (k,) @ (..., k, m) -> (..., m): a acts as a (1, k) row
            a, g = a[None, :], g[..., None, :]
        if b_vec:                 # (..., n, k) @ (k,) -> (..., n): b acts as a (k, 1) column
            b, g = b[:, None], g[..., None]
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = np.matmul(g, np.swapaxes(b, -1, -2))
            ga = ga[..., 0, :] if a_vec else ga
        if ctx.needs_input_grad[1]:
            gb = np.matmul(np.swapaxes(a, -1, -2), g)
            gb = gb[..., 0] if b_vec else gb
        return ga, gb
