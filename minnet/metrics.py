"""Classification metrics: accuracy, the confusion matrix, per-class precision and recall.

Plain NumPy in and out. Labels are integer class indices ``0 .. K-1``: pass predicted classes
(``scores.argmax(axis=1)``, or ``(probs > 0.5)`` for one output), not the scores themselves.

Accuracy alone hides what happens to a rare class: on 95/5 data, always answering the majority
class scores 0.95. The confusion matrix shows where the mistakes go, and per-class recall (how
many of class ``c`` were found) and precision (how many answers ``c`` were right) show the
rare class at once. Names and conventions follow scikit-learn's ``sklearn.metrics``.

    >>> y_true = np.array([0, 0, 0, 1, 1, 2])
    >>> y_pred = np.array([0, 0, 1, 1, 2, 2])
    >>> confusion_matrix(y_true, y_pred).tolist()
    [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    >>> recall(y_true, y_pred).tolist(), precision(y_true, y_pred).tolist()
    ([0.6666666666666666, 0.5, 1.0], [1.0, 0.5, 0.5])
"""
from __future__ import annotations

import numpy as np

from minnet.data import _checks

__all__ = ["accuracy", "confusion_matrix", "precision", "recall"]

_AVERAGES = (None, "macro")


def _pair(fn: str, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both label arrays as 1-D int64 of the same length, with a hint for scores given as predictions."""
    y_pred_arr = np.asarray(y_pred)
    if y_pred_arr.ndim == 2:
        hint = ("(probs > 0.5).astype(int).ravel()" if y_pred_arr.shape[1] == 1 else "scores.argmax(axis=1)")
        raise ValueError(f"{fn}: y_pred has shape {y_pred_arr.shape}, which looks like scores; pass the predicted "
                         f"classes, e.g. {hint}")
    y_true = _checks.labels(fn, y_true, name="y_true")
    y_pred = _checks.labels(fn, y_pred_arr, name="y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"{fn}: y_true has {len(y_true)} samples but y_pred has {len(y_pred)}")
    return y_true, y_pred


def accuracy(y_true, y_pred) -> float:
    """The fraction of samples whose predicted class is the true one: ``mean(y_pred == y_true)``.

    Shapes: ``(N,)``, ``(N,)`` -> a float in ``[0, 1]``.

    >>> accuracy(np.array([0, 1, 1, 2]), np.array([0, 1, 0, 2]))
    0.75
    """
    y_true, y_pred = _pair("accuracy", y_true, y_pred)
    if len(y_true) == 0:
        raise ValueError("accuracy: there are no samples, so there is no fraction to compute")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """Count every (true class, predicted class) pair: ``C[i, j]`` = samples of class ``i`` predicted as ``j``.

    Rows are the true classes and columns the predicted ones (scikit-learn's layout), so the
    diagonal holds the right answers, row ``i`` sums to the number of samples of class ``i``
    and column ``j`` to the number of times ``j`` was predicted. ``num_classes`` defaults to
    the largest label in either array plus 1.

    Shapes: ``(N,)``, ``(N,)`` -> ``(K, K)`` int64.

    >>> confusion_matrix(np.array([0, 1, 1]), np.array([1, 1, 0]), num_classes=3).tolist()
    [[0, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    fn = "confusion_matrix"
    y_true, y_pred = _pair(fn, y_true, y_pred)
    k = _checks.num_classes(fn, np.concatenate([y_true, y_pred]), num_classes)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def _per_class(fn: str, y_true, y_pred, average, num_classes, zero_division, axis: int) -> np.ndarray | float:
    """Diagonal / (column sums if axis=0: precision; row sums if axis=1: recall)."""
    if average not in _AVERAGES:
        raise ValueError(f"{fn}: average must be None (one value per class) or 'macro', got {average!r}")
    C = confusion_matrix(y_true, y_pred, num_classes)
    totals = C.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(totals > 0, np.diag(C) / np.maximum(totals, 1), float(zero_division))
    if average is None:
        return values
    seen = (C.sum(axis=0) + C.sum(axis=1)) > 0      # classes in y_true or y_pred
    if not seen.any():
        raise ValueError(f"{fn}: there are no samples, so there is no average to compute")
    return float(values[seen].mean())


def precision(y_true, y_pred, average: str | None = None, num_classes: int | None = None,
              zero_division: float = 0.0) -> np.ndarray | float:
    """Of the samples predicted as class ``c``, the fraction that are ``c``: ``C[c, c] / sum_i C[i, c]``.

    ``average=None`` gives one value per class (an array of ``K``); ``"macro"`` their plain mean
    over the classes that occur in ``y_true`` or ``y_pred`` (every class counts the same, however
    rare). A class never predicted has no precision: it gets ``zero_division`` (0 by default, as
    scikit-learn reports it). ``num_classes`` as in :func:`confusion_matrix`.

    >>> precision(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])).tolist()
    [1.0, 0.6666666666666666]
    >>> precision(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), average="macro")
    0.8333333333333333
    """
    return _per_class("precision", y_true, y_pred, average, num_classes, zero_division, axis=0)


def recall(y_true, y_pred, average: str | None = None, num_classes: int | None = None,
           zero_division: float = 0.0) -> np.ndarray | float:
    """Of the samples of class ``c``, the fraction predicted as ``c``: ``C[c, c] / sum_j C[c, j]``.

    The recall of the minority class is what a model that ignores it gets wrong. ``average``,
    ``num_classes`` and ``zero_division`` (here: for a class with no samples in ``y_true``) work
    as in :func:`precision`.

    >>> recall(np.array([0, 0, 0, 1]), np.array([0, 0, 0, 0])).tolist()
    [1.0, 0.0]
    """
    return _per_class("recall", y_true, y_pred, average, num_classes, zero_division, axis=1)
