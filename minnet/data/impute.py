"""Missing values: fill the holes (NaN) with a statistic learnt from the training data.

A single NaN in an input makes every number computed from it NaN: the loss of its batch, then,
through the gradient, every weight. Fill the holes before training, with numbers learnt from the
training split only (as the scalers do), and the same numbers for every split.
"""
from __future__ import annotations

import numpy as np

from minnet.data import _checks

_STRATEGIES = ("mean", "median")


class SimpleImputer:
    """Replace missing values (NaN) by the mean or median of each feature's observed training values.

    ``fit(X_train)`` learns, for every feature ``j``, ``statistics_[j]`` = the mean (or median) of
    the values of feature ``j`` that are not NaN; ``transform(X)`` returns a copy of ``X`` with
    every NaN of feature ``j`` replaced by ``statistics_[j]``. Only NaN counts as missing
    (infinities are left for the scalers to refuse). The median resists outliers; the mean is
    what a standardizer fitted afterwards centres to 0 anyway.

    Shapes: ``fit`` takes ``(N, ...)``; ``statistics_`` has the sample shape ``X.shape[1:]``;
    ``transform`` keeps the shape, and the dtype of float input (other input becomes float32).

    >>> X_train = np.array([[1.0, np.nan], [3.0, 10.0], [np.nan, 20.0]])
    >>> imputer = SimpleImputer().fit(X_train)
    >>> imputer.statistics_.tolist()
    [2.0, 15.0]
    >>> imputer.transform(np.array([[np.nan, np.nan]])).tolist()
    [[2.0, 15.0]]
    """

    def __init__(self, strategy: str = "mean"):
        if strategy not in _STRATEGIES:
            raise ValueError(f"SimpleImputer: strategy must be one of {_STRATEGIES}, got {strategy!r}")
        self.strategy = strategy
        self.statistics_ = None

    def fit(self, X) -> "SimpleImputer":
        """Learn each feature's fill value from ``X`` (the training data only). Returns ``self``."""
        fn = "SimpleImputer.fit"
        X = _checks.numeric(fn, X).astype(np.float64)
        if len(X) == 0:
            raise ValueError(f"{fn}: X has no samples")
        observed = ~np.isnan(X)
        empty = np.flatnonzero(~observed.any(axis=0).ravel())
        if empty.size:
            shown = empty[:10].tolist() + (["..."] if empty.size > 10 else [])
            raise ValueError(f"{fn}: {empty.size} feature(s) are missing in every sample given to fit (flat "
                             f"indices {shown}), so there is nothing to learn a fill value from; drop them")
        reduce = np.nanmean if self.strategy == "mean" else np.nanmedian
        self.statistics_ = reduce(X, axis=0)
        return self

    def transform(self, X) -> np.ndarray:
        """A copy of ``X`` with every NaN replaced by its feature's fitted value."""
        fn = "SimpleImputer.transform"
        if self.statistics_ is None:
            raise RuntimeError(f"{fn}: call fit(X_train) first")
        X = _checks.numeric(fn, X)
        if X.shape[1:] != self.statistics_.shape:
            raise ValueError(f"{fn}: fitted on samples of shape {self.statistics_.shape} but got X of shape "
                             f"{X.shape}")
        dtype = X.dtype if X.dtype.kind == "f" else np.dtype(np.float32)
        return np.where(np.isnan(X), self.statistics_, X).astype(dtype)

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``; use it on the training data only."""
        return self.fit(X).transform(X)

    def __repr__(self) -> str:
        return f"SimpleImputer(strategy={self.strategy!r})"
