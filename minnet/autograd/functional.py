"""Ops that take several tensors, exposed as ``mn.concatenate``, ``mn.stack``, ``mn.where``, ``mn.maximum``."""
from __future__ import annotations

from typing import Sequence

from . import ops
from .tensor import Tensor


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (their other dimensions must match)."""
    return ops.Concatenate.apply(*tensors, axis=axis)


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Stack same-shaped tensors along a new axis."""
    return ops.Stack.apply(*tensors, axis=axis)


def where(cond, a, b) -> Tensor:
    """Elementwise ``a`` where ``cond`` is true, else ``b`` (all three broadcast together)."""
    return ops.Where.apply(cond, a, b)


def maximum(a, b) -> Tensor:
    """Elementwise maximum of ``a`` and ``b`` with broadcasting."""
    return ops.Maximum.apply(a, b)
