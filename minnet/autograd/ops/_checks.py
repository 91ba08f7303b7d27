"""Shape checks shared by ops, so a mismatch reads as minnet's words, not a bare NumPy traceback."""
from __future__ import annotations

import numpy as np


def broadcast_shape(op: str, *arrays) -> tuple:
    """The broadcast shape of the operands, or a ValueError naming the op and every shape."""
    return broadcast_shapes(op, *(np.shape(a) for a in arrays))


def broadcast_error(op: str, *arrays) -> Exception:
    """The error to raise after NumPy refused to broadcast ``arrays`` (cheaper than checking first).

    Ops run the NumPy call directly and only on failure ask here for a readable message, so the
    happy path pays nothing for the check.
    """
    try:
        broadcast_shape(op, *arrays)
    except ValueError as e:
        return e
    return ValueError(f"{op}: NumPy refused operands of shapes {', '.join(str(np.shape(a)) for a in arrays)}")


def broadcast_shapes(op: str, *shapes: tuple) -> tuple:
    """Like :func:`broadcast_shape`, given the shapes themselves."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(tuple(s)) for s in shapes)
        raise ValueError(
            f"{op}: shapes {listed} cannot be broadcast together (NumPy rules: align from the right; "
            f"each pair of sizes must be equal or one of them 1)") from None


def normalize_axis(axis, ndim: int, op: str):
    """``axis`` as a sorted tuple of non-negative ints (None means every axis)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.isscalar(axis) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimension(s)")
        out.append(a % max(ndim, 1))
    return tuple(sorted(set(out)))
