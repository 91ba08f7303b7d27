"""Ops that move elements around without changing them: reshape, transpose, indexing."""
from __future__ import annotations

import numpy as np

from ..function import Function


class Reshape(Function):
    """y = x viewed with a new shape (same elements, same order);   dL/dx = dL/dy reshaped back."""

    @staticmethod
    def forward(ctx, x, shape=()):
        x = np.asarray(x)
        ctx.shape = x.shape
        try:
            return np.reshape(x, shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                             f"into {tuple(shape)}") from None

    @staticmethod
    def backward(ctx, grad):
        return np.reshape(grad, ctx.shape)


class Transpose(Function):
    """y = x with its axes permuted (reversed when ``axes`` is None);   dL/dx = dL/dy permuted back."""

    @staticmethod
    def forward(ctx, x, axes=None):
        x = np.asarray(x)
        axes = tuple(range(x.ndim))[::-1] if axes is None else tuple(int(a) % max(x.ndim, 1) for a in axes)
        if sorted(axes) != list(range(x.ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {x.ndim} axes of a "
                             f"tensor of shape {x.shape}")
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, grad):
        return np.transpose(grad, np.argsort(ctx.axes))


def _is_basic(index) -> bool:
    """True when ``index`` holds only ints, slices, None and Ellipsis (no integer or boolean arrays)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts)


class GetItem(Function):
    """y = x[index] (NumPy basic and advanced indexing).

    dL/dx is zero except at the picked positions, which receive dL/dy. With integer-array indices an
    element picked several times receives the sum of its gradients (``np.add.at``), because it was
    used several times.
    """

    @staticmethod
    def forward(ctx, x, index=None):
        x = np.asarray(x)
        ctx.shape, ctx.index = x.shape, index
        try:
            return x[index]
        except IndexError as e:
            raise IndexError(f"indexing a tensor of shape {x.shape} with {index!r}: {e}") from None

    @staticmethod
    def backward(ctx, grad):
        gx = np.zeros(ctx.shape, dtype=grad.dtype)
        if _is_basic(ctx.index):
            gx[ctx.index] = grad          # each element picked at most once
        else:
            np.add.at(gx, ctx.index, grad)
        return gx
