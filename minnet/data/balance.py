"""Fixes for imbalanced classes: weight the loss, or resample the data."""
from __future__ import annotations

import numpy as np

from minnet._random import rng_from
from minnet.data import _checks


def class_weights(y, num_classes: int | None = None, dtype=np.float32) -> np.ndarray:
    """Per-class loss weights that make every class count equally: ``w_c = N / (K * N_c)``.

    ``N`` samples, ``K`` classes, ``N_c`` samples of class ``c``. A balanced set
    gets weight 1 everywhere; a class ten times rarer than average gets 10.
    Pass the result as ``CrossEntropyLoss(weight=...)``.

    Shapes: ``y`` ``(N,)`` -> ``(K,)``.

    >>> class_weights(np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])).tolist()
    [0.625, 2.5]
    """
    fn = "class_weights"
    y = _checks.labels(fn, y)
    k = _checks.num_classes(fn, y, num_classes)
    counts = np.bincount(y, minlength=k)
    if k == 0 or np.any(counts == 0):
        missing = np.flatnonzero(counts == 0).tolist()
        raise ValueError(f"{fn}: class(es) {missing} have no samples in y, so their weight would be infinite")
    return (len(y) / (k * counts)).astype(_checks.float_dtype(fn, dtype))


def oversample(X, y, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Repeat samples of the smaller classes until every class is as large as the largest.

    Each class of ``N_c`` samples gets ``max(N) - N_c`` extra copies of its own
    samples, drawn at random with replacement. The originals come first, in
    their order, then the copies; shuffle (the DataLoader does) before training.
    Oversample the training split only: copies in the validation split would
    flatter the score.

    Shapes: ``(N, ...)``, ``(N,)`` -> ``(K * max(N_c), ...)``, ``(K * max(N_c),)`` for the ``K`` classes present.

    >>> _, y_bal = oversample(np.zeros((4, 1)), np.array([0, 0, 0, 1]), seed=0)
    >>> np.bincount(y_bal).tolist()
    [3, 3]
    """
    fn = "oversample"
    X = _checks.features(fn, X)
    y = _checks.labels(fn, y)
    _checks.same_length(fn, X, y)
    if len(y) == 0:
        raise ValueError(f"{fn}: y has no samples")
    rng = rng_from(seed)
    classes, counts = np.unique(y, return_counts=True)
    extra = [rng.choice(np.flatnonzero(y == c), size=counts.max() - n, replace=True)
             for c, n in zip(classes, counts)]
    idx = np.concatenate([np.arange(len(y))] + extra)
    return X[idx], y[idx]
