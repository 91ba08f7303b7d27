"""Data in: the ``(X, y)`` pairs and loaders that ``fit``, ``evaluate``, ``predict`` and ``lr_find`` accept.

Training data is either an ``(X, y)`` pair of arrays (cut here into batches) or any re-iterable of
``(X_batch, y_batch)`` pairs: a :class:`~minnet.data.DataLoader`, or a plain list of batches.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from ..autograd import Tensor
from ..data import DataLoader


def _array(who: str, name: str, a: Any) -> np.ndarray:
    a = a.data if isinstance(a, Tensor) else np.asarray(a)
    if a.ndim == 0:
        raise ValueError(f"{who}: {name} must be an array with one row per sample, got a single number")
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{who}: {name} must hold numbers, got an array of dtype {a.dtype} "
                        f"(first values {a.reshape(-1)[:3].tolist()}); convert it, e.g. encode text "
                        "categories as integers or one-hot columns")
    return a


def _is_pair(data: Any) -> bool:
    """An ``(X, y)`` pair, as opposed to a list of batches: a tuple of two, or a list of two arrays
    whose first dimensions agree (a list of two *batches* holds pairs, not arrays)."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        return False
    if isinstance(data, tuple):
        return not all(_looks_like_batch(b) for b in data)
    return not any(_looks_like_batch(b) for b in data)


def _looks_like_batch(item: Any) -> bool:
    return isinstance(item, (tuple, list)) and len(item) == 2 and not np.isscalar(item[0])


def as_pair(role: str, data: Any, who: str = "fit") -> tuple[np.ndarray, np.ndarray] | None:
    """``(X, y)`` arrays from a pair, or ``None`` when ``data`` is a loader (a re-iterable of batches).

    Raises a message naming ``who`` and the ``role`` ("training", "validation") when the data is
    neither, when X and y differ in length, or when it holds no samples.
    """
    if _is_pair(data):
        X, y = _array(who, f"the {role} X", data[0]), _array(who, f"the {role} y", data[1])
        if len(X) != len(y):
            raise ValueError(f"{who}: the {role} X has {len(X)} samples but y has {len(y)}; "
                             "X and y must have the same length (one label per sample)")
        if len(X) == 0:
            raise ValueError(f"{who}: the {role} data has no samples")
        return X, y
    if isinstance(data, (np.ndarray, Tensor)):
        raise TypeError(f"{who}: {role} data must be an (X, y) pair or a DataLoader, got a single array; "
                        "pass (X, y)")
    if isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
        raise TypeError(f"{who}: {role} data must be an (X, y) pair or a DataLoader, got {type(data).__name__}")
    if iter(data) is data:
        raise TypeError(f"{who}: {role} data is an iterator, which runs dry after one epoch; pass a list "
                        "of batches or a DataLoader, which can be iterated again")
    if isinstance(data, (tuple, list)) and not all(_looks_like_batch(b) for b in data):
        raise TypeError(f"{who}: {role} data must be an (X, y) pair or a list of (X_batch, y_batch) "
                        f"pairs; got a {type(data).__name__} of {len(data)} items that are not all pairs")
    return None


def training_batches(pair: tuple[np.ndarray, np.ndarray], batch_size: int | None, shuffle: bool,
                     seed: int | None) -> DataLoader:
    """A loader over ``pair``: batches of ``batch_size`` (``None``: one batch of everything),
    reshuffled every epoch from minnet's generator (or from ``seed``) when ``shuffle``."""
    return DataLoader(*pair, batch_size=batch_size or len(pair[0]), shuffle=shuffle, seed=seed)


def in_order(X: np.ndarray, y: np.ndarray | None, batch_size: int) -> Iterator[tuple]:
    """Consecutive, unshuffled batches (for evaluation and prediction; draws nothing random)."""
    for i in range(0, len(X), batch_size):
        yield X[i:i + batch_size], (None if y is None else y[i:i + batch_size])


def as_input(xb: Any, dtype) -> Tensor:
    """A batch as a Tensor; floating inputs take the parameters' dtype (float64 data, float32 model)."""
    x = xb.data if isinstance(xb, Tensor) else np.asarray(xb)
    if dtype is not None and x.dtype.kind == "f" and x.dtype != dtype:
        x = x.astype(dtype)
    return Tensor(x)


def as_targets(yb: Any) -> np.ndarray:
    return yb.data if isinstance(yb, Tensor) else np.asarray(yb)


def param_dtype(model) -> np.dtype | None:
    """The dtype of the model's first parameter (what inputs are cast to), or None."""
    for p in model.parameters():
        return p.data.dtype
    return None


def labels_of(loader: Any) -> np.ndarray | None:
    """All labels of a loader at once where it keeps them (a DataLoader's ``y``), else None."""
    y = getattr(loader, "y", None)
    return None if y is None else np.asarray(y)
