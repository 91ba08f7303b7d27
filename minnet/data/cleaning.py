"""Cleaning: find the parts of the data to drop, constant features and outlying samples.

* :class:`VarianceThreshold` learns from the training data which features never vary (a constant
  carries no information, and standardizing it divides 0 by 0) and drops them from every split.
* :func:`find_outliers` marks the samples that lie far from the rest by a robust measure (the
  median and the median absolute deviation, which a few wild values cannot drag along), so they
  can be dropped from the training data before they throw off the loss.
"""
from __future__ import annotations

import numpy as np

from minnet.data import _checks

# 0.6745 is the 0.75 quantile of N(0, 1): for normal data the MAD is 0.6745 sigma, so
# 0.6745 (x - median) / MAD reads like a z-score (Iglewicz & Hoaglin 1993).
_MAD_TO_Z = 0.6745
# Where the MAD is 0 (more than half the values equal), the mean absolute deviation stands in:
# for normal data it is sqrt(2 / pi) sigma = 0.7979 sigma.
_MEAN_AD_TO_Z = 0.7979


class VarianceThreshold:
    """Keep the features whose training variance exceeds ``threshold`` (by default: drop constant ones).

    ``fit(X_train)`` learns ``variances_[j]`` (population variance, ``ddof=0``) of every feature
    ``j`` and keeps those with ``variances_[j] > threshold``; ``transform(X)`` returns ``X[:, kept]``
    for any split. The name and meaning follow scikit-learn's ``VarianceThreshold``.

    Shapes: ``fit`` takes ``(N, D)``; ``transform`` ``(M, D) -> (M, D_kept)``; ``get_support()`` is
    the ``(D,)`` bool mask of the kept features.

    >>> X_train = np.array([[0.0, 1.0, 5.0], [0.0, 3.0, 5.0]])
    >>> selector = VarianceThreshold().fit(X_train)
    >>> selector.variances_.tolist(), selector.get_support().tolist()
    ([0.0, 1.0, 0.0], [False, True, False])
    >>> selector.transform(np.array([[7.0, 8.0, 9.0]])).tolist()
    [[8.0]]
    """

    def __init__(self, threshold: float = 0.0):
        self.threshold = _checks.non_negative("VarianceThreshold", "threshold", threshold)
        self.variances_ = None

    def fit(self, X) -> "VarianceThreshold":
        """Learn each feature's variance from ``X`` (the training data only). Returns ``self``."""
        fn = "VarianceThreshold.fit"
        X = _table(fn, X)
        if len(X) == 0:
            raise ValueError(f"{fn}: X has no samples")
        if not np.all(np.isfinite(X)):
            raise ValueError(f"{fn}: X contains NaN or infinity; impute the data first")
        variances = X.astype(np.float64).var(axis=0)
        if not np.any(variances > self.threshold):
            raise ValueError(f"{fn}: no feature has a variance above threshold={self.threshold:g} (the largest "
                             f"is {variances.max():.3g}), so nothing would be left")
        self.variances_ = variances
        return self

    def get_support(self) -> np.ndarray:
        """The bool mask of the features kept, one per feature of the data given to ``fit``."""
        if self.variances_ is None:
            raise RuntimeError("VarianceThreshold.get_support: call fit(X_train) first")
        return self.variances_ > self.threshold

    def transform(self, X) -> np.ndarray:
        """``X`` without the features dropped by ``fit``."""
        fn = "VarianceThreshold.transform"
        if self.variances_ is None:
            raise RuntimeError(f"{fn}: call fit(X_train) first")
        keep = self.get_support()
        X = _table(fn, X)
        if X.shape[1] != len(keep):
            raise ValueError(f"{fn}: fitted on {len(keep)} features but got X of shape {X.shape}")
        return X[:, keep]

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``; use it on the training data only."""
        return self.fit(X).transform(X)

    def __repr__(self) -> str:
        return f"VarianceThreshold(threshold={self.threshold:g})"


def _table(fn: str, X) -> np.ndarray:
    X = _checks.numeric(fn, X)
    if X.ndim != 2:
        raise ValueError(f"{fn}: X must be a table of shape (N, D), got shape {X.shape}")
    return X


def find_outliers(X, threshold: float = 3.5) -> np.ndarray:
    """Mark the samples that lie far from the rest: a robust z-score above ``threshold`` in any value.

    For every value ``j`` of a sample (a feature, or a target), with ``med_j`` its median over the
    samples and ``MAD_j = median_n |x_nj - med_j|`` its median absolute deviation, the modified
    z-score of Iglewicz & Hoaglin (1993) is::

        M_nj = 0.6745 (x_nj - med_j) / MAD_j

    and sample ``n`` is an outlier when ``|M_nj| > threshold`` for some ``j`` (3.5 is their
    recommendation). Unlike the mean and the standard deviation, the median and the MAD hardly move
    when a few values are wild, so the outliers cannot hide by inflating the spread. Where
    ``MAD_j = 0`` (more than half the values equal), ``0.7979 (x_nj - med_j) / meanAD_j`` is used,
    with ``meanAD_j`` the mean absolute deviation from the median; a constant value flags nothing.
    NaN values are refused (impute first).

    Shapes: ``(N, ...)`` -> a ``(N,)`` bool mask (``X[~mask]`` keeps the rest).

    >>> find_outliers(np.array([1.0, 2.0, 3.0, 2.0, 300.0])).tolist()
    [False, False, False, False, True]
    """
    fn = "find_outliers"
    X = _checks.numeric(fn, X)
    threshold = _checks.non_negative(fn, "threshold", threshold)
    values = X.astype(np.float64).reshape(len(X), -1)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{fn}: X contains NaN or infinity; impute or drop those first")
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    deviation = np.abs(values - np.median(values, axis=0))
    mad = np.median(deviation, axis=0)
    mean_ad = deviation.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(mad > 0, _MAD_TO_Z * deviation / mad,
                         np.where(mean_ad > 0, _MEAN_AD_TO_Z * deviation / mean_ad, 0.0))
    return np.any(score > threshold, axis=1)
