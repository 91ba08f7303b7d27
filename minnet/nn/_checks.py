"""Input handling shared by the layers: accept arrays, and explain bad shapes in a layer's own words."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, get_default_dtype


def as_tensor(x: Any, dtype=None) -> Tensor:
    """``x`` as a Tensor. Arrays and lists are wrapped, and numeric data is converted to ``dtype``
    (a layer passes its parameters' dtype), so ``model(X)`` works on raw NumPy batches such as uint8
    images. A Tensor of another float dtype is cast with a differentiable ``astype``; without
    ``dtype`` Tensors pass unchanged."""
    if isinstance(x, Tensor):
        if dtype is not None and x.dtype != dtype:
            return x.astype(dtype)
        return x
    arr = np.asarray(x)
    if arr.dtype.kind in "biuf":
        arr = arr.astype(dtype or get_default_dtype(), copy=False)
    return Tensor(arr)


def pair(value: Any, name: str, what: str) -> tuple[int, int]:
    """``3 -> (3, 3)``; ``(3, 2)`` stays; anything else is an error naming the layer and argument."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return int(value[0]), int(value[1])
    raise TypeError(f"{name}: {what} must be an int or a pair of ints, got {value!r}")


def positive(value: int, name: str, what: str, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (0 if allow_zero else 1):
        raise ValueError(f"{name}: {what} must be {'a non-negative' if allow_zero else 'a positive'} "
                         f"integer, got {value!r}")
    return int(value)


def shape_str(shape: tuple) -> str:
    return str(tuple(int(s) for s in shape))
