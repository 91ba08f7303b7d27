"""Argument checks shared by both backends: shapes, sizes and dtypes, with messages for people.

The kernels themselves trust their inputs (a compiled loop has no bounds checks), so every public
kernel function checks here first, in O(shapes) time, and converts its arrays to one float dtype.
"""
from __future__ import annotations

import operator

import numpy as np


FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def float_dtype(*arrays) -> np.dtype:
    """The dtype a kernel computes in: float32 if the inputs are float32, else float64.

    Mixed float32/float64 inputs give float64 (NumPy's promotion); integers give float64; float16
    is computed in float32.
    """
    dt = np.result_type(*[np.asarray(a).dtype for a in arrays if a is not None])
    if dt.kind not in "biuf":
        raise TypeError(f"kernels compute on real numbers, got dtype {dt}")
    if dt == np.float32 or (dt.kind == "f" and dt.itemsize < 4):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def as_float(dt: np.dtype, *arrays):
    """Each array as a C-contiguous, writeable ndarray of dtype dt (no copy when it already is one).

    None stays None. One memory layout means one compiled version of each Numba kernel per dtype
    (Numba compiles separately for strided or read-only arrays); the kernels never write to inputs.
    """
    return tuple(a if a is None or (type(a) is np.ndarray and a.dtype == dt and a.flags.c_contiguous
                                    and a.flags.writeable)
                 else np.require(a, dtype=dt, requirements=("C", "W")) for a in arrays)


def ints(value, n: int, what: str, minimum: int) -> tuple[int, ...]:
    """value as a tuple of n integers >= minimum (one integer is repeated n times)."""
    if type(value) is int and value >= minimum:                 # the common case, quickly
        return (value,) * n
    items = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    try:
        items = tuple(operator.index(v) for v in items)
    except TypeError:
        raise TypeError(f"{what} must be an integer or {n} integers, got {value!r}") from None
    if len(items) != n or any(v < minimum for v in items):
        raise ValueError(f"{what} must be {n} integer{'s' if n > 1 else ''} >= {minimum}, got {value!r}")
    return items


def ndim(a: np.ndarray, n: int, name: str, layout: str) -> None:
    if a.ndim != n:
        raise ValueError(f"{name} must have {n} axes {layout}, got shape {a.shape}")


def shape(a: np.ndarray, expected: tuple, name: str) -> None:
    if tuple(a.shape) != tuple(expected):
        raise ValueError(f"{name} has shape {tuple(a.shape)}, expected {tuple(expected)}")


def conv2d(x: np.ndarray, w: np.ndarray, b, stride, padding, what: str = "conv2d"):
    """Check a conv2d call (conv1d checks as conv2d on images one pixel high); return (stride, padding, (OH, OW))."""
    ndim(x, 4, f"{what} input x", "(N, C, H, W)")
    ndim(w, 4, f"{what} weight w", "(F, C, KH, KW)")
    stride, padding = ints(stride, 2, f"{what} stride", 1), ints(padding, 2, f"{what} padding", 0)
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"{what}: input x has {x.shape[1]} channels but weight w {w.shape} expects {w.shape[1]}")
    if b is not None:
        shape(b, (w.shape[0],), f"{what} bias b")
    if 0 in w.shape:
        raise ValueError(f"{what}: weight w has an empty axis, shape {w.shape}")
    out = tuple((s + 2 * p - k) // st + 1 for s, p, k, st in zip(x.shape[2:], padding, w.shape[2:], stride))
    if min(out) < 1:
        size = "×".join(str(s + 2 * p) for s, p in zip(x.shape[2:], padding))
        raise ValueError(f"{what}: kernel {'×'.join(map(str, w.shape[2:]))} is larger than the padded input {size}")
    return stride, padding, out


def pool2d(x_shape: tuple, kernel, stride, what: str):
    """Check a pooling call; return (kernel, stride, (OH, OW))."""
    if len(x_shape) != 4:
        raise ValueError(f"{what} input must have 4 axes (N, C, H, W), got shape {tuple(x_shape)}")
    kernel = ints(kernel, 2, f"{what} kernel", 1)
    stride = kernel if stride is None else ints(stride, 2, f"{what} stride", 1)
    if x_shape[2] < kernel[0] or x_shape[3] < kernel[1]:
        raise ValueError(f"{what}: window {kernel[0]}×{kernel[1]} is larger than the input "
                         f"{x_shape[2]}×{x_shape[3]}")
    out = ((x_shape[2] - kernel[0]) // stride[0] + 1, (x_shape[3] - kernel[1]) // stride[1] + 1)
    return kernel, stride, out


def labels(labels, n: int, k: int) -> np.ndarray:
    """Class labels as int64 (N,), every one in [0, K)."""
    y = np.asarray(labels)
    if y.dtype.kind not in "iu":
        raise TypeError(f"cross-entropy labels must be integer class indices, got dtype {y.dtype}")
    shape(y, (n,), "cross-entropy labels")
    if n and (y.min() < 0 or y.max() >= k):
        bad = y[(y < 0) | (y >= k)][0]
        raise ValueError(f"cross-entropy label {bad} is not a class index: with {k} logits per sample "
                         f"labels must lie in 0..{k - 1}")
    return y.astype(np.int64, copy=False)
