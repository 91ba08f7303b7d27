"""Argument checks shared by minnet.data.

Every message starts with the name of the public function that was called and
names the offending argument and its value, so the student sees at once which
call went wrong: ``flip_labels: fraction must be in [0, 1], got 1.5``.
"""
from __future__ import annotations

import numbers

import numpy as np


def positive_int(fn: str, name: str, value, minimum: int = 1) -> int:
    """``value`` as an int, or a ValueError if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{fn}: {name} must be {what}, got {value!r}")
    return int(value)


def fraction(fn: str, name: str, value) -> float:
    """``value`` as a float, or a ValueError if it is not a number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{fn}: {name} must be in [0, 1], got {value!r}")
    return float(value)


def non_negative(fn: str, name: str, value) -> float:
    """``value`` as a float, or a ValueError if it is negative or not a number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"{fn}: {name} must be a number >= 0, got {value!r}")
    return float(value)


def features(fn: str, X, name: str = "X") -> np.ndarray:
    """``X`` as an array with at least one axis (samples first)."""
    try:
        X = np.asarray(X)
    except ValueError:
        raise ValueError(f"{fn}: {name} cannot be read as one array (rows of different lengths?)") from None
    if X.ndim == 0:
        raise ValueError(f"{fn}: {name} must have a samples axis, got a scalar")
    return X


def numeric(fn: str, X, name: str = "X") -> np.ndarray:
    """:func:`features`, refusing anything but numbers (strings, Python objects) with a TypeError."""
    X = features(fn, X, name)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {name} must hold numbers, got an array of dtype {X.dtype} (first values "
                        f"{X.reshape(-1)[:3].tolist()}); encode text categories as integer codes first "
                        "(then one_hot_columns), and parse numbers stored as text with X.astype(float)")
    return X


def labels(fn: str, y, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D int64 array of non-negative class labels.

    Whole-valued floats (labels read back from a CSV file, say) are accepted;
    anything else is refused rather than silently truncated.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{fn}: {name} must be a 1-D array of class labels, got shape {y.shape}")
    if y.dtype.kind in "biu":
        out = y.astype(np.int64)
    elif y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
        out = y.astype(np.int64)
    else:
        raise ValueError(f"{fn}: {name} must hold integer class labels, got dtype {y.dtype}")
    if out.size and out.min() < 0:
        raise ValueError(f"{fn}: {name} must hold class labels >= 0, got {out.min()}")
    return out


def same_length(fn: str, X: np.ndarray, y: np.ndarray) -> None:
    """Refuse ``X`` and ``y`` whose numbers of samples differ."""
    if len(X) != len(y):
        raise ValueError(f"{fn}: X has {len(X)} samples but y has {len(y)}")


def num_classes(fn: str, y: np.ndarray, value) -> int:
    """The number of classes: ``value`` if given (checked against ``y``), else ``y.max() + 1``."""
    if value is None:
        return int(y.max()) + 1 if y.size else 0
    value = positive_int(fn, "num_classes", value)
    if y.size and y.max() >= value:
        raise ValueError(f"{fn}: num_classes={value} but y contains the label {int(y.max())}")
    return value


def float_dtype(fn: str, dtype) -> np.dtype:
    """``dtype`` as a NumPy floating dtype, or a ValueError."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"{fn}: dtype must be a floating type such as np.float32, got {dtype}")
    return dtype


def count_of(fraction_value: float, n: int) -> int:
    """How many of ``n`` items a fraction selects: ``round(fraction * n)``, halves rounded up."""
    return int(np.floor(fraction_value * n + 0.5))
