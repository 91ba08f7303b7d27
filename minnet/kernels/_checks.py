"""What the public kernel functions check before a kernel runs: O(1) tests that keep a compiled loop
inside its arrays, and one conversion to a common float dtype.

The friendly errors (which layer, what shape was expected, what to do) are raised where the user
calls, in ``minnet.nn`` and ``minnet.losses``; by the time a kernel runs its inputs are known to
fit. The short messages here are for someone calling a kernel directly.
"""
from __future__ import annotations

import operator

import numpy as np

from .conv import output_size

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_F32, _F64 = FLOATS            # NumPy's native float dtypes are single objects: `is` compares them


def floats(*arrays):
    """The arrays (None allowed) as C-contiguous, writeable arrays of their common float dtype.

    float32 if the inputs are float32, else float64 (mixed float32/float64 and integers give
    float64; float16 computes in float32). No copy when an array already fits: one memory layout
    means one compiled version of each Numba kernel per dtype (Numba compiles separately for
    strided or read-only arrays); the kernels never write to their inputs.
    """
    first = arrays[0]
    if type(first) is np.ndarray and (first.dtype is _F32 or first.dtype is _F64):    # the usual case, quickly
        dt = first.dtype
        for a in arrays:
            if a is None:
                continue
            if type(a) is not np.ndarray or a.dtype is not dt:
                break
            flags = a.flags
            if not (flags.c_contiguous and flags.writeable):
                break
        else:
            return arrays
    dt = np.result_type(*[np.asarray(a).dtype for a in arrays if a is not None])
    if dt.kind not in "biuf":
        raise TypeError(f"kernels compute on real numbers, got dtype {dt}")
    dt = np.dtype(np.float32) if dt == np.float32 or (dt.kind == "f" and dt.itemsize < 4) else np.dtype(np.float64)
    return tuple(a if a is None or (type(a) is np.ndarray and a.dtype == dt and a.flags.c_contiguous
                                    and a.flags.writeable)
                 else np.require(a, dtype=dt, requirements=("C", "W")) for a in arrays)


def ints(value, n: int, what: str, minimum: int) -> tuple[int, ...]:
    """value as a tuple of n integers >= minimum (one integer is repeated n times)."""
    if type(value) is tuple and len(value) == n and all(type(v) is int and v >= minimum for v in value):
        return value                                    # what the layers pass
    items = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    items = tuple(operator.index(v) for v in items)
    if len(items) != n or any(v < minimum for v in items):
        raise ValueError(f"{what} must be {n} integer{'s' if n > 1 else ''} >= {minimum}, got {value!r}")
    return items


def shape(a: np.ndarray, expected: tuple, name: str) -> None:
    if a.shape != expected:
        raise ValueError(f"{name} has shape {a.shape}, expected {expected}")


def bias(b: np.ndarray | None, w: np.ndarray) -> None:
    if b is not None and b.shape != w.shape[:1]:
        raise ValueError(f"conv bias has shape {b.shape}, expected one entry per filter of w {w.shape}")


def conv2d(x_shape: tuple, w_shape: tuple, stride, padding) -> tuple:
    """(stride, padding, (OH, OW)) of a conv2d call, or a ValueError if the shapes cannot work."""
    stride, padding = ints(stride, 2, "conv stride", 1), ints(padding, 2, "conv padding", 0)
    if len(x_shape) != 4 or len(w_shape) != 4 or x_shape[1] != w_shape[1] or 0 in w_shape:
        raise ValueError(f"conv needs x (N, C, H, W) and w (F, C, KH, KW) (one axis less in 1-D), "
                         f"got {x_shape} and {w_shape}")
    out = (output_size(x_shape[2], w_shape[2], stride[0], padding[0]),
           output_size(x_shape[3], w_shape[3], stride[1], padding[1]))
    if min(out) < 1:
        raise ValueError(f"conv: kernel {w_shape[2:]} does not fit the input {x_shape[2:]} padded by {padding}")
    return stride, padding, out


def pool2d(x_shape: tuple, kernel, stride) -> tuple:
    """(kernel, stride, (OH, OW)) of a pooling call, or a ValueError if the window cannot fit."""
    kernel = ints(kernel, 2, "pooling kernel", 1)
    stride = kernel if stride is None else ints(stride, 2, "pooling stride", 1)
    if len(x_shape) != 4 or x_shape[2] < kernel[0] or x_shape[3] < kernel[1]:
        raise ValueError(f"pooling needs x (N, C, H, W) at least as large as the window {kernel}, got {x_shape}")
    out = output_size(x_shape[2], kernel[0], stride[0]), output_size(x_shape[3], kernel[1], stride[1])
    return kernel, stride, out
