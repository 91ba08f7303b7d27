"""Toy data sets: 2-D classification problems, a 1-D regression problem, and two for preprocessing.

The 2-D sets (``spiral``, ``moons``, ``circles``, ``xor``, ``blobs``) are small
enough to train in a second and to draw as a decision-boundary plot. Each one
returns ``(X, y)``: ``X`` of shape ``(n_samples, 2)`` in float32 (``dtype=``
changes it) and ``y`` of shape ``(n_samples,)`` with int64 class labels
``0 .. num_classes - 1``. ``sine`` is the regression set: ``y`` is float and has
shape ``(n_samples, 1)``. ``point_patterns`` (patterns of 2-D points at random
positions and orientations) and ``categorical_table`` (numeric columns and one
categorical column) are the sets whose preprocessing decides whether a network
learns them.

Conventions shared by every generator here (``categorical_table`` draws each
sample's class from its features instead, so it has neither ``noise`` nor ``shuffle``):

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


def point_patterns(n_samples: int = 800, num_classes: int = 8, n_points: int = 8, noise: float = 0.1,
                   spread: float = 10.0, rotate: bool = True, seed=None, shuffle: bool = True,
                   dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """The same few patterns of points, each seen at a random position and orientation.

    Like the joints of a character filmed anywhere in a studio, facing any way: what the pattern
    *is* does not depend on where it stands, but its coordinates in the global frame do. Each
    class ``c`` has a template ``T_c`` of ``n_points`` points: a chain of unit steps that starts
    along +x and turns by an angle drawn from ``U(-90°, 90°)`` at each point, centred on its mean.
    Sample ``n`` of class ``c`` is the template with ``N(0, noise²)`` on every coordinate, turned by
    ``θ_n ~ U(0, 2π)`` (``rotate=False``: ``θ_n = 0``) and moved by ``t_n ~ U(-spread, spread)²``::

        X[n, i] = R(θ_n) (T_c[i] + ε_{n,i}) + t_n,    R(θ) = [[cos θ, -sin θ], [sin θ, cos θ]]

    Point 0 starts the chain and point 1 follows it, so :func:`minnet.data.local_frame` with its
    default ``forward=(0, 1)`` undoes ``θ_n`` and ``t_n`` up to the noise. The templates are drawn
    anew for every call (from ``seed``): split one call's samples into training and validation.

    Shapes: X ``(n_samples, n_points, 2)`` (flatten to ``(n_samples, 2 * n_points)`` for a Dense
    layer), y ``(n_samples,)`` int64, classes as even as :func:`class_counts` makes them.

    >>> X, y = point_patterns(16, num_classes=2, n_points=4, noise=0.0, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((16, 4, 2), [8, 8])
    >>> steps = np.linalg.norm(np.diff(X, axis=1), axis=-1)    # rotation and shift keep the unit steps
    >>> bool(np.allclose(steps, 1.0, atol=1e-5))
    True
    """
    fn = "point_patterns"
    num_classes = _checks.positive_int(fn, "num_classes", num_classes, minimum=2)
    counts, noise = _start(fn, n_samples, num_classes, noise)
    n_points = _checks.positive_int(fn, "n_points", n_points, minimum=2)
    spread = _checks.non_negative(fn, "spread", spread)
    rng = rng_from(seed)
    turns = rng.uniform(-np.pi / 2, np.pi / 2, size=(num_classes, n_points - 1))
    turns[:, 0] = 0.0                                           # every chain starts along +x
    heading = np.cumsum(turns, axis=1)
    steps = np.stack([np.cos(heading), np.sin(heading)], axis=-1)
    templates = np.concatenate([np.zeros((num_classes, 1, 2)), np.cumsum(steps, axis=1)], axis=1)
    templates -= templates.mean(axis=1, keepdims=True)
    y = np.repeat(np.arange(num_classes), counts)
    points = templates[y] + noise * rng.standard_normal((len(y), n_points, 2))
    theta = rng.uniform(0.0, 2 * np.pi, size=len(y)) if rotate else np.zeros(len(y))
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
    X = np.stack([cos * points[..., 0] - sin * points[..., 1], sin * points[..., 0] + cos * points[..., 1]], axis=-1)
    X = X + rng.uniform(-spread, spread, size=(len(y), 1, 2))
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return X.astype(_checks.float_dtype(fn, dtype)), y.astype(np.int64)


def categorical_table(n_samples: int = 800, n_categories: int = 24, num_classes: int = 4, n_numeric: int = 3,
                      numeric_weight: float = 0.15, seed=None, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """A table of numeric columns and one categorical column (integer codes), whose class the category decides.

    Think of shop data: a few measurements and a product category stored as a code ``0 .. K-1``.
    Every category ``k`` has a score per class ``A[k] ~ N(0, 1)^C``, every numeric column ``j`` a
    weight per class ``B[j] ~ N(0, numeric_weight²)^C``; sample ``n`` draws its category
    ``c_n ~ U{0, ..., K-1}`` and its numbers ``x_n ~ N(0, 1)^D``, and its class is the best score::

        y_n = argmax_k (A[c_n, k] + Σ_j x_nj B[j, k])

    With the default ``numeric_weight`` the category decides most labels and the numbers tip the
    close calls. The codes are arbitrary names: category 7 is no more "between" 6 and 8 than any
    other, so an integer code read as a quantity means nothing, and :func:`one_hot_columns` is the
    way to feed it. The classes are as frequent as the scores make them (not balanced).

    Shapes: X ``(n_samples, n_numeric + 1)``, the codes (whole numbers) in the last column;
    y ``(n_samples,)`` int64. The scores are drawn anew for every call: split one call's samples.

    >>> X, y = categorical_table(6, n_categories=3, num_classes=2, n_numeric=2, seed=0)
    >>> X.shape, sorted(set(X[:, -1].tolist())) <= [0.0, 1.0, 2.0], y.shape
    ((6, 3), True, (6,))
    """
    fn = "categorical_table"
    n_samples = _checks.positive_int(fn, "n_samples", n_samples)
    n_categories = _checks.positive_int(fn, "n_categories", n_categories)
    num_classes = _checks.positive_int(fn, "num_classes", num_classes, minimum=2)
    n_numeric = _checks.positive_int(fn, "n_numeric", n_numeric, minimum=0)
    numeric_weight = _checks.non_negative(fn, "numeric_weight", numeric_weight)
    rng = rng_from(seed)
    scores = rng.standard_normal((n_categories, num_classes))
    weights = numeric_weight * rng.standard_normal((n_numeric, num_classes))
    codes = rng.integers(0, n_categories, size=n_samples)
    x = rng.standard_normal((n_samples, n_numeric))
    y = np.argmax(scores[codes] + x @ weights, axis=1)
    X = np.concatenate([x, codes[:, None]], axis=1)
    return X.astype(_checks.float_dtype(fn, dtype)), y.astype(np.int64)
