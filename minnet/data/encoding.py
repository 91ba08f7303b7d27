"""Encoding: class labels and categorical columns as one-hot vectors.

A network reads every input as a quantity. A category stored as an integer code (colour 0 = red,
1 = green, 2 = blue) would then be read as "blue is twice green" and the categories as lying on a
line in that order; one input per category (one-hot) removes the made-up order.
"""
from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np

from minnet.data import _checks


def one_hot(y, num_classes: int | None = None, dtype=np.float32) -> np.ndarray:
    """One-hot encode class labels: row ``i`` is all zeros but a 1 in column ``y[i]``.

    Shapes: ``y`` ``(N,)`` -> ``(N, num_classes)``; ``num_classes`` defaults to ``y.max() + 1``.

    >>> one_hot(np.array([2, 0]), num_classes=3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    fn = "one_hot"
    y = _checks.labels(fn, y)
    k = _checks.num_classes(fn, y, num_classes)
    out = np.zeros((len(y), k), dtype=_checks.float_dtype(fn, dtype))
    out[np.arange(len(y)), y] = 1
    return out


def one_hot_columns(X, columns: int | Sequence[int], num_categories: int | Sequence[int] | None = None,
                    dtype=None) -> np.ndarray:
    """Replace categorical columns of a table (integer codes ``0 .. K-1``) by one-hot columns.

    Column ``j`` with codes ``0 .. K_j - 1`` becomes ``K_j`` columns, placed where it was:
    ``x_j = c  ->  (0, ..., 0, 1, 0, ..., 0)`` with the 1 at position ``c``. Other columns are
    copied unchanged. ``num_categories`` (one int for every encoded column, or one per column)
    defaults to the largest code in ``X`` plus 1: pass it when you encode several splits, so that
    each gets the same columns even if one lacks the largest code.

    Shapes: ``X`` ``(N, D)`` -> ``(N, D - len(columns) + sum(K_j))``. The result has dtype
    ``dtype``, else the float dtype of ``X`` (float32 for integer ``X``).

    >>> one_hot_columns(np.array([[0.5, 2.0], [1.5, 0.0]]), columns=1, num_categories=3).tolist()
    [[0.5, 0.0, 0.0, 1.0], [1.5, 1.0, 0.0, 0.0]]
    """
    fn = "one_hot_columns"
    X = _checks.numeric(fn, X)
    if X.ndim != 2:
        raise ValueError(f"{fn}: X must be a table of shape (N, D), got shape {X.shape}")
    d = X.shape[1]
    cols = [columns] if isinstance(columns, numbers.Integral) else list(columns)
    if not cols or any(isinstance(j, bool) or not isinstance(j, numbers.Integral) or not -d <= j < d
                       for j in cols):
        raise ValueError(f"{fn}: columns must be column indices of X (which has {d} columns), got {columns!r}")
    cols = [int(j) % d for j in cols]
    if len(set(cols)) != len(cols):
        raise ValueError(f"{fn}: columns names a column twice: {columns!r}")
    counts = _category_counts(fn, X, cols, num_categories)
    out_dtype = _checks.float_dtype(fn, dtype) if dtype is not None else (
        X.dtype if X.dtype.kind == "f" else np.dtype(np.float32))
    pieces = []
    for j in range(d):
        if j in counts:
            pieces.append(one_hot(X[:, j].astype(np.int64), counts[j], dtype=out_dtype))
        else:
            pieces.append(X[:, j:j + 1].astype(out_dtype))
    return np.concatenate(pieces, axis=1)


def _category_counts(fn: str, X: np.ndarray, cols: list[int], num_categories) -> dict[int, int]:
    """``{column: K}`` after checking that each column holds whole codes ``0 .. K-1``."""
    if num_categories is None or isinstance(num_categories, numbers.Integral):
        given = [num_categories] * len(cols)
    else:
        given = list(num_categories)
        if len(given) != len(cols):
            raise ValueError(f"{fn}: num_categories has {len(given)} entries for {len(cols)} column(s); "
                             "give one per column, or one int for all")
    counts = {}
    for j, k in zip(cols, given):
        codes = X[:, j].astype(np.float64)
        bad = ~np.isfinite(codes) | (codes != np.round(codes)) | (codes < 0)
        if bad.any():
            hint = "; give missing entries a code of their own first" if np.isnan(codes).any() else ""
            raise ValueError(f"{fn}: column {j} must hold category codes 0, 1, 2, ... (whole numbers >= 0), "
                             f"got {np.unique(codes[bad])[:5].tolist()}{hint}")
        largest = int(codes.max()) if codes.size else -1
        if k is None:
            k = largest + 1
        k = _checks.positive_int(fn, "num_categories", k)
        if largest >= k:
            raise ValueError(f"{fn}: num_categories={k} for column {j}, but it holds the code {largest}")
        counts[j] = k
    return counts
