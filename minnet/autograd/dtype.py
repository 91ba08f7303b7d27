"""What a tensor may hold (real numbers: bool, integer, floating point), and the default
floating-point dtype of new tensors (float32 unless changed)."""
from __future__ import annotations

import numpy as np

_default_dtype = np.dtype(np.float32)


def set_default_dtype(dtype) -> None:
    """Set the dtype used for tensors made from Python numbers and lists, and for new parameters.

    Only float32 and float64 are allowed; ``mn.set_default_dtype(np.float64)`` is what gradient
    checks and exact comparisons with PyTorch use.
    """
    global _default_dtype
    d = np.dtype(dtype)
    if d not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"set_default_dtype: only float32 and float64 are supported, got {d}")
    _default_dtype = d


def get_default_dtype() -> np.dtype:
    """The current default floating-point dtype (float32 unless :func:`set_default_dtype` changed it)."""
    return _default_dtype


def check_numeric(arr: np.ndarray, where: str) -> None:
    """Refuse arrays of strings, Python objects or complex numbers: a tensor holds real numbers."""
    kind = arr.dtype.kind
    if kind in "biuf":
        return
    if kind in "US":
        example = f", e.g. {arr.flat[0]!r}" if arr.size else ""
        raise TypeError(f"{where}: cannot hold strings (dtype {arr.dtype}{example}); convert them to numbers "
                        "first, e.g. np.asarray(data, dtype=np.float32)")
    if kind == "O":
        raise TypeError(f"{where}: cannot hold an array of dtype object (Python objects, such as None, a "
                        "ragged list or arbitrary objects); a tensor holds bool, integer or floating-point "
                        "numbers. Convert the data with np.asarray(data, dtype=np.float32) to see what fails.")
    if kind == "c":
        raise TypeError(f"{where}: complex numbers (dtype {arr.dtype}) are not supported; minnet's gradients "
                        "are for real numbers. Use .real and .imag as two real tensors.")
    raise TypeError(f"{where}: cannot hold values of dtype {arr.dtype}; a tensor holds bool, integer or "
                    "floating-point numbers")
