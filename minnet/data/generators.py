"""Toy data sets: 2-D classification problems and a 1-D regression problem.

The 2-D sets (``spiral``, ``moons``, ``circles``, ``xor``, ``blobs``) are small
enough to train in a second and to draw as a decision-boundary plot. Each one
returns ``(X, y)``: ``X`` of shape ``(n_samples, 2)`` in float32 (``dtype=``
changes it) and ``y`` of shape ``(n_samples,)`` with int64 class labels
``0 .. num_classes - 1``. ``sine`` is the regression set: ``y`` is float and has
shape ``(n_samples, 1)``.

Conventions shared by every generator here:

* ``n_samples`` is the total; it is split over the classes as evenly as it goes
  (the first ``n_samples % num_classes`` classes get one sample more).
* ``noise`` is the standard deviation of Gaussian noise added to every
  coordinate; ``noise=0`` gives the clean shape.
* ``seed`` makes the draw reproducible; ``seed=None`` draws from minnet's
  generator, so ``mn.manual_seed(s)`` fixes it too.
* ``shuffle=True`` returns the samples in random order. ``shuffle=False`` leaves
  them sorted by class, which is how a "forgot to shuffle" bug looks.
"""
from __future__ import annotations

import numpy as np

from minnet._random import rng_from
from minnet.data import _checks


def class_counts(n_samples: int, num_classes: int) -> np.ndarray:
    """Split ``n_samples`` over ``num_classes`` as evenly as possible.

    >>> class_counts(10, 3)
    array([4, 3, 3])
    """
    counts = np.full(num_classes, n_samples // num_classes, dtype=np.int64)
    counts[: n_samples % num_classes] += 1
    return counts


def _finish(fn, X, y, noise, rng, shuffle, dtype):
    """Add the noise, shuffle if asked, cast: the common tail of every generator."""
    X = X + noise * rng.standard_normal(X.shape)
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return X.astype(_checks.float_dtype(fn, dtype)), y.astype(np.int64)


def _start(fn, n_samples, num_classes, noise):
    n_samples = _checks.positive_int(fn, "n_samples", n_samples)
    noise = _checks.non_negative(fn, "noise", noise)
    if n_samples < num_classes:
        raise ValueError(f"{fn}: n_samples must be at least the number of classes ({num_classes}), got {n_samples}")
    return class_counts(n_samples, num_classes), noise


def spiral(n_samples: int = 300, num_classes: int = 3, noise: float = 0.05, turns: float = 1.0,
           seed=None, shuffle: bool = True, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: no straight line separates them.

    Class ``k`` takes radii ``r ~ U(0, 1)`` at angles
    ``theta = 2*pi*k/num_classes + 2*pi*turns*r``; a point is
    ``r * (cos theta, sin theta)`` plus noise.

    Shapes: X ``(n_samples, 2)``, y ``(n_samples,)``.

    >>> X, y = spiral(300, num_classes=3, seed=0)
    >>> X.shape, y.shape, np.bincount(y).tolist()
    ((300, 2), (300,), [100, 100, 100])
    """
    fn = "spiral"
    num_classes = _checks.positive_int(fn, "num_classes", num_classes, minimum=2)
    turns = _checks.non_negative(fn, "turns", turns)
    counts, noise = _start(fn, n_samples, num_classes, noise)
    rng = rng_from(seed)
    y = np.repeat(np.arange(num_classes), counts)
    r = rng.uniform(0.0, 1.0, size=len(y))
    theta = 2 * np.pi * y / num_classes + 2 * np.pi * turns * r
    X = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    return _finish(fn, X, y, noise, rng, shuffle, dtype)


def moons(n_samples: int = 200, noise: float = 0.1, seed=None, shuffle: bool = True,
          dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles of radius 1.

    Class 0 is the upper half circle around ``(0, 0)``: ``(cos t, sin t)``;
    class 1 the lower half circle around ``(1, 0.5)``: ``(1 - cos t, 0.5 - sin t)``;
    ``t ~ U(0, pi)`` in both.

    Shapes: X ``(n_samples, 2)``, y ``(n_samples,)``.

    >>> X, y = moons(200, noise=0.1, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((200, 2), [100, 100])
    """
    fn = "moons"
    counts, noise = _start(fn, n_samples, 2, noise)
    rng = rng_from(seed)
    y = np.repeat(np.arange(2), counts)
    t = rng.uniform(0.0, np.pi, size=len(y))
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where((y == 0)[:, None], upper, lower)
    return _finish(fn, X, y, noise, rng, shuffle, dtype)


def circles(n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed=None,
            shuffle: bool = True, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one: class 0 on radius 1, class 1 on radius ``factor``.

    A point is ``radius * (cos t, sin t)`` with ``t ~ U(0, 2*pi)``, plus noise.
    Needs a non-linear boundary (or the feature ``x1**2 + x2**2``).

    Shapes: X ``(n_samples, 2)``, y ``(n_samples,)``.

    >>> X, y = circles(100, noise=0.0, factor=0.3, seed=0)
    >>> bool(np.allclose(np.hypot(X[y == 1, 0], X[y == 1, 1]), 0.3))
    True
    """
    fn = "circles"
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0.0 < factor < 1.0:
        raise ValueError(f"{fn}: factor (inner radius / outer radius) must be in (0, 1), got {factor!r}")
    counts, noise = _start(fn, n_samples, 2, noise)
    rng = rng_from(seed)
    y = np.repeat(np.arange(2), counts)
    t = rng.uniform(0.0, 2 * np.pi, size=len(y))
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.stack([np.cos(t), np.sin(t)], axis=1)
    return _finish(fn, X, y, noise, rng, shuffle, dtype)


def xor(n_samples: int = 200, noise: float = 0.1, seed=None, shuffle: bool = True,
        dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: the label says whether the two coordinates have different signs.

    Points are uniform in the square ``[-1, 1]^2``, drawn so that exactly half
    of them (up to one) are of each class: class 0 in the quadrants where
    ``x1 * x2 > 0``, class 1 where ``x1 * x2 < 0``. Noise is added afterwards, so
    with ``noise > 0`` a few points near the axes cross into the other quadrant
    with their label: the classic task a single linear layer cannot solve.

    Shapes: X ``(n_samples, 2)``, y ``(n_samples,)``.

    >>> X, y = xor(100, noise=0.0, seed=0)
    >>> bool(np.all((X[:, 0] * X[:, 1] < 0) == (y == 1)))
    True
    """
    fn = "xor"
    counts, noise = _start(fn, n_samples, 2, noise)
    rng = rng_from(seed)
    y = np.repeat(np.arange(2), counts)
    magnitude = rng.uniform(0.0, 1.0, size=(len(y), 2))
    # 1 - U[0, 1) lies in (0, 1]: no point sits on an axis, where its class would be undefined.
    magnitude = 1.0 - magnitude
    sign_x = rng.choice([-1.0, 1.0], size=len(y))
    sign_y = np.where(y == 0, sign_x, -sign_x)
    X = magnitude * np.stack([sign_x, sign_y], axis=1)
    return _finish(fn, X, y, noise, rng, shuffle, dtype)


def blobs(n_samples: int = 300, centers=3, noise: float = 0.5, seed=None, shuffle: bool = True,
          dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one per class.

    ``centers`` is either a number of classes ``K`` (the centres are then
    placed evenly on a circle of radius 3: ``3 * (cos 2*pi*k/K, sin 2*pi*k/K)``)
    or an array of shape ``(K, D)`` of centres in any dimension ``D``. Each
    point is its class centre plus Gaussian noise of standard deviation
    ``noise`` in every coordinate.

    Shapes: X ``(n_samples, D)`` (``D = 2`` for an integer ``centers``), y ``(n_samples,)``.

    >>> X, y = blobs(90, centers=[[0, 0], [5, 5], [0, 5]], noise=0.1, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((90, 2), [30, 30, 30])
    """
    fn = "blobs"
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = _checks.positive_int(fn, "centers", centers)
        angle = 2 * np.pi * np.arange(k) / k
        points = 3.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    else:
        points = np.asarray(centers, dtype=np.float64)
        if points.ndim != 2 or len(points) == 0 or points.shape[1] == 0:
            raise ValueError(f"{fn}: centers must be a number of classes or an array of shape (K, D), "
                             f"got shape {points.shape}")
    counts, noise = _start(fn, n_samples, len(points), noise)
    rng = rng_from(seed)
    y = np.repeat(np.arange(len(points)), counts)
    return _finish(fn, points[y], y, noise, rng, shuffle, dtype)


def sine(n_samples: int = 200, noise: float = 0.1, x_range: tuple[float, float] = (-np.pi, np.pi),
         amplitude: float = 1.0, offset: float = 0.0, seed=None,
         dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """A noisy sine wave for regression: ``y = offset + amplitude * sin(x) + noise * eps``.

    ``x ~ U(x_range)`` and ``eps ~ N(0, 1)``; the samples come in random order
    (sort by ``X[:, 0]`` to draw the curve). ``amplitude`` and ``offset`` put the
    targets on another scale, e.g. ``amplitude=100, offset=500`` for a lesson on
    unnormalized regression targets.

    Shapes: X ``(n_samples, 1)`` and y ``(n_samples, 1)``, both float. ``y`` keeps
    the trailing axis on purpose: a prediction of shape ``(N, 1)`` minus a target
    of shape ``(N,)`` silently broadcasts to ``(N, N)``.

    >>> X, y = sine(50, noise=0.0, seed=0)
    >>> X.shape, y.shape, bool(np.allclose(y, np.sin(X), atol=1e-6))
    ((50, 1), (50, 1), True)
    """
    fn = "sine"
    n_samples = _checks.positive_int(fn, "n_samples", n_samples)
    noise = _checks.non_negative(fn, "noise", noise)
    low, high = (float(v) for v in x_range)
    if not low < high:
        raise ValueError(f"{fn}: x_range must be (low, high) with low < high, got {x_range!r}")
    dtype = _checks.float_dtype(fn, dtype)
    rng = rng_from(seed)
    x = rng.uniform(low, high, size=(n_samples, 1))
    y = offset + amplitude * np.sin(x) + noise * rng.standard_normal((n_samples, 1))
    return x.astype(dtype), y.astype(dtype)
