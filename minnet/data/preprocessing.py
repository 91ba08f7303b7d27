"""Preprocessing: put inputs on a common scale.

Networks assume inputs of mean about 0 and spread about 1: initializers,
activations and optimizers are all tuned for that scale, and a feature with a
large range otherwise dominates the gradients. The scalers here learn their
statistics with ``fit`` on the training data only and then apply the same
numbers to every split with ``transform``; fitting on all the data (or on the
validation data) leaks information about it into training.

A feature that never varies cannot be divided by its spread: the scalers
refuse it with a message naming the feature (``zero_variance="raise"``, the
default) or, with ``zero_variance="warn"``, warn once and leave that feature
unscaled (it is only shifted). They never return NaN.
"""
from __future__ import annotations

import warnings

import numpy as np

from minnet.data import _checks

_POLICIES = ("raise", "warn")


class _Scaler:
    """What both scalers share: ``x' = (x - shift) / scale * width + low``, with the statistics taken
    over ``axis`` (``width = 1, low = 0`` except for a MinMaxScaler with another ``feature_range``)."""

    _name = "_Scaler"
    _low, _width = 0.0, 1.0

    def __init__(self, axis, zero_variance: str, min_spread: float):
        if zero_variance not in _POLICIES:
            raise ValueError(f"{self._name}: zero_variance must be one of {_POLICIES}, got {zero_variance!r}")
        self.axis = axis
        self.zero_variance = zero_variance
        self.min_spread = _checks.non_negative(self._name, "min_spread", min_spread)
        self.shift_ = None
        self.scale_ = None
        self._sample_shape: tuple[int, ...] = ()
        self._kept_axes: list[int] = []
        self._reduced_axes: tuple[int, ...] = ()

    def _statistics(self, X: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _axes(self, fn: str, X: np.ndarray) -> tuple[int, ...]:
        """``self.axis`` as sorted non-negative axes of ``X``; it must include the samples axis 0."""
        axes = (self.axis,) if isinstance(self.axis, (int, np.integer)) else tuple(self.axis)
        if not all(isinstance(a, (int, np.integer)) and -X.ndim <= a < X.ndim for a in axes):
            raise ValueError(f"{fn}: axis={self.axis!r} does not fit X of shape {X.shape}")
        axes = tuple(sorted({int(a) % X.ndim for a in axes}))
        if 0 not in axes:
            raise ValueError(f"{fn}: axis must include 0, the samples axis, got axis={self.axis!r}")
        return axes

    def fit(self, X):
        """Learn the statistics from ``X`` (the training data only). Returns ``self``."""
        fn = f"{self._name}.fit"
        X = _checks.numeric(fn, X)
        axes = self._axes(fn, X)
        if X.size == 0:
            raise ValueError(f"{fn}: X has no samples")
        X64 = X.astype(np.float64)
        bad = ~np.isfinite(X64)
        if bad.any():
            where = np.argwhere(bad)[0].tolist()
            raise ValueError(f"{fn}: X contains NaN or infinity (first at index {tuple(where)}); "
                             "clean or impute the data before scaling")
        shift, spread = self._statistics(X64, axes)
        flat = np.ravel(spread)
        constant = np.flatnonzero(flat <= self.min_spread)
        if constant.size:
            shown = constant[:10].tolist() + (["..."] if constant.size > 10 else [])
            message = (f"{self._name}: {constant.size} feature(s) do not vary in the data given to fit "
                       f"(flat indices {shown}); dividing by their spread would give inf or NaN")
            if self.zero_variance == "raise":
                raise ValueError(message + ". Drop them, or pass zero_variance='warn' to leave them unscaled")
            warnings.warn(message + "; they are left unscaled (divided by 1)", stacklevel=2)
            spread = np.where(spread <= self.min_spread, 1.0, spread)
        self.shift_, self.scale_ = shift, spread
        self._sample_shape = X.shape[1:]
        self._kept_axes = [a for a in range(1, X.ndim) if a not in axes]
        self._reduced_axes = axes
        return self

    def _squeezed(self, statistic):
        """A fitted statistic without its reduced axes: shape ``(D,)`` for ``(N, D)`` data and ``axis=0``."""
        return None if statistic is None else np.squeeze(statistic, axis=self._reduced_axes)

    def _check_fitted(self, fn: str, X) -> np.ndarray:
        if self.shift_ is None:
            raise RuntimeError(f"{fn}: call fit(X_train) first")
        X = _checks.numeric(fn, X)
        fits = X.ndim == len(self._sample_shape) + 1 and all(
            X.shape[a] == self._sample_shape[a - 1] for a in self._kept_axes)
        if not fits:
            hint = "; a single sample needs a batch axis, X[None]" if X.shape == self._sample_shape else ""
            raise ValueError(f"{fn}: fitted on samples of shape {self._sample_shape} but got X of shape "
                             f"{X.shape}{hint}")
        return X

    def _out_dtype(self, X: np.ndarray) -> np.dtype:
        return X.dtype if X.dtype.kind == "f" else np.dtype(np.float32)

    def transform(self, X) -> np.ndarray:
        """Apply the fitted statistics: ``(X - shift) / scale`` (then into the feature range, if any).

        Float input keeps its dtype; other input becomes float32.
        """
        X = self._check_fitted(f"{self._name}.transform", X)
        return ((X - self.shift_) / self.scale_ * self._width + self._low).astype(self._out_dtype(X))

    def inverse_transform(self, X) -> np.ndarray:
        """Undo :meth:`transform`: ``X * scale + shift`` (after leaving the feature range, if any)."""
        X = self._check_fitted(f"{self._name}.inverse_transform", X)
        return ((X - self._low) / self._width * self.scale_ + self.shift_).astype(self._out_dtype(X))

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``; use it on the training data only."""
        return self.fit(X).transform(X)


class Standardizer(_Scaler):
    """Standardize features: ``x' = (x - mean) / std``, with mean and std learnt from the training data.

    ``mean_`` and ``std_`` (population std, ``ddof=0``) are taken over ``axis``:
    the default ``axis=0`` gives one pair per feature (for ``(N, D)`` data, or
    per pixel for images); ``axis=(0, 2, 3)`` gives one pair per channel of
    NCHW images. A feature whose std is at most ``min_spread`` is refused or
    left unscaled, as ``zero_variance`` says (see the module docstring).

    Shapes: ``fit`` takes ``(N, ...)``; ``transform`` and ``inverse_transform``
    take and return arrays of that sample shape with any ``N``.

    >>> X_train = np.array([[1.0, 100.0], [3.0, 300.0]])
    >>> s = Standardizer().fit(X_train)
    >>> s.mean_.tolist(), s.std_.tolist()
    ([2.0, 200.0], [1.0, 100.0])
    >>> s.transform(np.array([[2.0, 400.0]])).tolist()
    [[0.0, 2.0]]
    """

    _name = "Standardizer"

    def __init__(self, axis=0, zero_variance: str = "raise", min_spread: float = 1e-8):
        super().__init__(axis, zero_variance, min_spread)

    def _statistics(self, X, axes):
        return X.mean(axis=axes, keepdims=True), X.std(axis=axes, keepdims=True)

    @property
    def mean_(self):
        """The mean learnt by ``fit``, one per feature: shape ``(D,)`` for ``(N, D)`` data."""
        return self._squeezed(self.shift_)

    @property
    def std_(self):
        """The standard deviation divided by, one per feature (1 for a feature left unscaled)."""
        return self._squeezed(self.scale_)


class MinMaxScaler(_Scaler):
    """Rescale features to ``feature_range = (a, b)``, by default ``[0, 1]``, with min and max from the training data.

    ``x' = a + (x - min) / (max - min) * (b - a)``. Data outside the training range maps outside
    ``[a, b]`` (nothing is clipped). ``axis``, ``zero_variance`` and ``min_spread`` work as in
    :class:`Standardizer`, with ``max - min`` as the spread (a feature left unscaled is only
    shifted, to ``a + (x - min) * (b - a)``).

    >>> MinMaxScaler().fit_transform(np.array([[0.0], [5.0], [10.0]])).ravel().tolist()
    [0.0, 0.5, 1.0]
    >>> MinMaxScaler(feature_range=(-1, 1)).fit_transform(np.array([[0.0], [5.0], [10.0]])).ravel().tolist()
    [-1.0, 0.0, 1.0]
    """

    _name = "MinMaxScaler"

    def __init__(self, axis=0, zero_variance: str = "raise", min_spread: float = 1e-8, feature_range=(0.0, 1.0)):
        super().__init__(axis, zero_variance, min_spread)
        ok = isinstance(feature_range, (tuple, list)) and len(feature_range) == 2 and all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and np.isfinite(v)
            for v in feature_range)
        if not ok or not feature_range[0] < feature_range[1]:
            raise ValueError(f"{self._name}: feature_range must be a pair of finite numbers (a, b) with a < b, "
                             f"such as (0, 1) or (-1, 1), got {feature_range!r}")
        self.feature_range = (float(feature_range[0]), float(feature_range[1]))
        self._low, self._width = self.feature_range[0], self.feature_range[1] - self.feature_range[0]

    def _statistics(self, X, axes):
        low = X.min(axis=axes, keepdims=True)
        return low, X.max(axis=axes, keepdims=True) - low

    @property
    def min_(self):
        """The minimum learnt by ``fit``, one per feature."""
        return self._squeezed(self.shift_)

    @property
    def range_(self):
        """``max - min`` learnt by ``fit``, one per feature (1 for a feature left unscaled)."""
        return self._squeezed(self.scale_)


def scale_images(X, max_value: float = 255.0, center: bool = False, dtype=np.float32) -> np.ndarray:
    """Scale pixel values from ``[0, max_value]`` to ``[0, 1]``, or to ``[-1, 1]`` with ``center=True``.

    ``x' = x / max_value``, or ``x' = 2 * x / max_value - 1`` when centred. A
    fixed rule, not learnt from data, so it is the same for every split. Use
    ``max_value=255`` for 8-bit images and ``max_value=DIGITS_MAX_VALUE`` (16)
    for :func:`load_digits`. Values above ``max_value`` are refused: they mean
    the wrong ``max_value`` (or images already scaled).

    Shapes: any; the output has the shape of ``X`` and dtype ``dtype``.

    >>> scale_images(np.array([0, 51, 255], dtype=np.uint8)).tolist()
    [0.0, 0.20000000298023224, 1.0]
    >>> scale_images(np.array([0.0, 8.0, 16.0]), max_value=16, center=True).tolist()
    [-1.0, 0.0, 1.0]
    """
    fn = "scale_images"
    if isinstance(max_value, bool) or not isinstance(max_value, (int, float, np.number)) or not max_value > 0:
        raise ValueError(f"{fn}: max_value must be a positive number, got {max_value!r}")
    dtype = _checks.float_dtype(fn, dtype)
    X = np.asarray(X)
    if X.size and (np.nanmax(X) > max_value or np.nanmin(X) < 0):
        raise ValueError(f"{fn}: pixel values must lie in [0, max_value={max_value}], got values from "
                         f"{np.nanmin(X)} to {np.nanmax(X)}; pass the right max_value")
    out = X.astype(np.float64) / max_value
    return (2.0 * out - 1.0 if center else out).astype(dtype)
