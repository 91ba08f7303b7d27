"""The default floating-point dtype of new tensors (float32 unless changed)."""
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
