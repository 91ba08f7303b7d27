"""``train_val_split``: hold out part of the data for validation."""
from __future__ import annotations

import warnings

import numpy as np

from minnet._random import rng_from
from minnet.data import _checks


def train_val_split(X, y, val_fraction: float = 0.2, stratify: bool = False,
                    seed=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split ``(X, y)`` at random into a training part and a validation part.

    ``round(val_fraction * N)`` samples go to validation and the rest to
    training; each sample lands in exactly one part, and both parts come in
    random order. With ``stratify=True`` (``y`` must then hold class labels)
    every class is split on its own, ``round(val_fraction * N_c)`` of its
    ``N_c`` samples going to validation, so both parts keep the class
    proportions of ``y``.

    A class that ends up in only one part is what happens when a split of rare
    classes goes wrong (the model is then scored on a class it never saw, or
    never scored on one it learnt); ``train_val_split`` warns when it happens.

    Shapes: ``X`` ``(N, ...)``, ``y`` ``(N, ...)``; returns
    ``(X_train, y_train, X_val, y_val)`` with ``N - N_val`` and ``N_val`` samples.

    >>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    >>> X_train, y_train, X_val, y_val = train_val_split(X, y, val_fraction=0.2, stratify=True, seed=0)
    >>> X_train.shape, np.bincount(y_val).tolist()
    ((8, 2), [1, 1])
    """
    fn = "train_val_split"
    X = _checks.features(fn, X)
    y = _checks.features(fn, y, name="y")
    _checks.same_length(fn, X, y)
    val_fraction = _checks.fraction(fn, "val_fraction", val_fraction)
    n = len(X)
    rng = rng_from(seed)
    if stratify:
        labels = _checks.labels(fn, y)
        val_parts = []
        for c in np.unique(labels):
            members = np.flatnonzero(labels == c)
            k = _checks.count_of(val_fraction, len(members))
            val_parts.append(rng.permutation(members)[:k])
        val_idx = np.concatenate(val_parts)
    else:
        val_idx = rng.permutation(n)[:_checks.count_of(val_fraction, n)]
    if len(val_idx) == 0 or len(val_idx) == n:
        part = "validation" if len(val_idx) == 0 else "training"
        raise ValueError(f"{fn}: val_fraction={val_fraction} leaves no {part} samples out of {n}")
    in_val = np.zeros(n, dtype=bool)
    in_val[val_idx] = True
    train_idx = rng.permutation(np.flatnonzero(~in_val))
    val_idx = rng.permutation(val_idx)
    if y.ndim == 1 and y.dtype.kind in "biu":
        _warn_missing_classes(y[train_idx], y[val_idx])
    return X[train_idx], y[train_idx], X[val_idx], y[val_idx]


def _warn_missing_classes(y_train: np.ndarray, y_val: np.ndarray) -> None:
    train_classes, val_classes = set(np.unique(y_train).tolist()), set(np.unique(y_val).tolist())
    if train_classes - val_classes:
        warnings.warn(f"train_val_split: class(es) {sorted(train_classes - val_classes)} have no samples "
                      "in the validation part; try stratify=True or a larger val_fraction", stacklevel=3)
    if val_classes - train_classes:
        warnings.warn(f"train_val_split: class(es) {sorted(val_classes - train_classes)} have no samples "
                      "in the training part; the model will be scored on classes it never saw", stacklevel=3)
