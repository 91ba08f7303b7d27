"""Data corruptions: the data mistakes that make a network fail, made on purpose.

Each function takes clean arrays and returns corrupted copies (the inputs are
never modified), so a lesson can train on clean and corrupted data side by
side and watch the difference. Functions that change only some samples take
``return_mask=True`` to also return a boolean mask of the samples they changed.

* Label noise: :func:`flip_labels` (random flips of a fraction of the labels)
  and :func:`swap_labels` (one class pair systematically mislabelled).
* The pipeline bug: :func:`shuffle_independently` (``X`` and ``y`` shuffled
  with different permutations, so no input keeps its label).
* Class balance and coverage: :func:`make_imbalanced`, :func:`remove_class`.
* Feature problems: :func:`scale_features` (wildly different scales),
  :func:`add_outliers`, :func:`add_unit_errors` (a few values in the wrong
  unit), :func:`add_noise_features` (irrelevant features),
  :func:`insert_missing` (holes, as NaN).

An augmentation that changes the meaning of the label is
:func:`minnet.data.augment_images` without a ``label_map``.
"""
from __future__ import annotations

import numpy as np

from minnet._random import rng_from
from minnet.data import _checks


def _choose(rng, n: int, fraction: float) -> np.ndarray:
    """Exactly ``round(fraction * n)`` distinct indices out of ``n``, as a boolean mask."""
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=_checks.count_of(fraction, n), replace=False)] = True
    return mask


def flip_labels(y, fraction: float, num_classes: int | None = None, seed=None, return_mask: bool = False):
    """Give a random ``fraction`` of the samples a wrong label (symmetric label noise).

    Exactly ``round(fraction * N)`` samples, chosen at random, get a label drawn
    uniformly from the ``num_classes - 1`` other classes, so every flipped
    label differs from its original; all other labels are left as they were.

    Shapes: ``y`` ``(N,)`` int labels -> new ``(N,)`` int64 array (and a ``(N,)``
    bool mask of the flipped samples with ``return_mask=True``).

    >>> y = np.zeros(10, dtype=np.int64)
    >>> noisy, mask = flip_labels(y, 0.3, num_classes=3, seed=0, return_mask=True)
    >>> int(mask.sum()), bool(np.all(noisy[mask] != 0)), bool(np.all(noisy[~mask] == 0))
    (3, True, True)
    """
    fn = "flip_labels"
    y = _checks.labels(fn, y)
    fraction = _checks.fraction(fn, "fraction", fraction)
    k = _checks.num_classes(fn, y, num_classes)
    if k < 2:
        raise ValueError(f"{fn}: needs at least 2 classes to flip between, got num_classes={k}; "
                         "pass num_classes if y does not show every class")
    rng = rng_from(seed)
    mask = _choose(rng, len(y), fraction)
    out = y.copy()
    # Adding 1 .. k-1 modulo k moves a label to each other class with equal chance, never to itself.
    out[mask] = (y[mask] + rng.integers(1, k, size=int(mask.sum()))) % k
    return (out, mask) if return_mask else out


def swap_labels(y, class_a: int, class_b: int, fraction: float = 1.0, seed=None, return_mask: bool = False):
    """Systematically mislabel one pair of classes: some ``class_a`` become ``class_b`` and vice versa.

    Exactly ``round(fraction * N_a)`` of the ``N_a`` samples of ``class_a``
    (chosen at random) are relabelled ``class_b``, and ``round(fraction * N_b)``
    of ``class_b`` are relabelled ``class_a``; every other label is untouched.
    Unlike random flips, this error is consistent, so a network learns it
    (``fraction=1`` merely renames the two classes: training looks fine and
    only a check against correct labels shows the mistake).

    Shapes: ``y`` ``(N,)`` -> new ``(N,)`` int64 (and the ``(N,)`` bool mask with ``return_mask=True``).

    >>> swap_labels(np.array([0, 1, 2, 1]), 1, 2).tolist()
    [0, 2, 1, 2]
    """
    fn = "swap_labels"
    y = _checks.labels(fn, y)
    fraction = _checks.fraction(fn, "fraction", fraction)
    present = np.unique(y).tolist()
    for name, c in (("class_a", class_a), ("class_b", class_b)):
        if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c not in present:
            raise ValueError(f"{fn}: {name} must be a class present in y {present}, got {c!r}")
    if class_a == class_b:
        raise ValueError(f"{fn}: class_a and class_b must differ, got {class_a} twice")
    rng = rng_from(seed)
    out, mask = y.copy(), np.zeros(len(y), dtype=bool)
    for source, target in ((class_a, class_b), (class_b, class_a)):
        members = np.flatnonzero(y == source)
        chosen = members[_choose(rng, len(members), fraction)]
        out[chosen], mask[chosen] = target, True
    return (out, mask) if return_mask else out


def shuffle_independently(X, y, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle ``X`` and ``y`` with two different permutations: the "didn't check the pipeline" bug.

    Each array still holds the same values (the same class counts, the same
    feature statistics) so nothing looks wrong at a glance, but input ``i`` no
    longer goes with label ``i``: a network can only memorize, and validation
    accuracy stays at chance. The right way shuffles both with one permutation.

    Shapes: ``X`` ``(N, ...)``, ``y`` ``(N, ...)`` -> new arrays of the same shapes.

    >>> Xs, ys = shuffle_independently(np.arange(6), np.arange(6), seed=0)
    >>> sorted(Xs.tolist()) == sorted(ys.tolist()) == list(range(6)), bool(np.all(Xs == ys))
    (True, False)
    """
    fn = "shuffle_independently"
    X = _checks.features(fn, X)
    y = _checks.features(fn, y, name="y")
    _checks.same_length(fn, X, y)
    rng = rng_from(seed)
    order_x = rng.permutation(len(X))
    order_y = rng.permutation(len(y))
    while len(y) > 1 and np.array_equal(order_x, order_y):  # only likely for tiny N
        order_y = rng.permutation(len(y))
    return X[order_x], y[order_y]


def _keep_fractions(fn: str, y: np.ndarray, ratios, minority_class, fraction) -> np.ndarray:
    """Per-class fractions to keep, from either ``ratios`` or ``minority_class`` and ``fraction``."""
    present = np.unique(y).tolist()
    k = int(y.max()) + 1
    keep = np.ones(k)
    if (ratios is None) == (minority_class is None and fraction is None):
        raise ValueError(f"{fn}: pass either ratios or minority_class and fraction (or ratio), not both "
                         "and not neither")
    if ratios is None:
        if minority_class is None or fraction is None:
            raise ValueError(f"{fn}: minority_class and fraction go together, "
                             f"got minority_class={minority_class!r}, fraction={fraction!r}")
        ratios = {minority_class: fraction}
    if isinstance(ratios, dict):
        for c, r in ratios.items():
            _present_class(fn, "ratios names class", c, present)
            keep[c] = _checks.fraction(fn, f"ratios[{c}]", r)
    else:
        values = list(ratios)
        if len(values) != k:
            raise ValueError(f"{fn}: ratios has {len(values)} entries but y has {k} classes (0..{k - 1}); "
                             "give one fraction per class, or a dict {class: fraction}")
        for c, r in enumerate(values):
            keep[c] = _checks.fraction(fn, f"ratios[{c}]", r)
    return keep


def _present_class(fn: str, what: str, c, present: list) -> None:
    if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c not in present:
        raise ValueError(f"{fn}: {what} {c!r}, but y has the classes {present}")


def _keep_counts(fn: str, y: np.ndarray, ratios, minority_class, fraction, ratio) -> np.ndarray:
    """How many samples of each class ``0 .. K-1`` to keep."""
    sizes = np.bincount(y)
    if ratio is None:
        keep = _keep_fractions(fn, y, ratios, minority_class, fraction)
        return np.array([max(_checks.count_of(f, n), 1) if f > 0 else 0 for f, n in zip(keep, sizes)])
    if ratios is not None or fraction is not None or minority_class is None:
        raise ValueError(f"{fn}: ratio goes with minority_class alone (not with ratios or fraction), got "
                         f"minority_class={minority_class!r}, ratio={ratio!r}")
    _present_class(fn, "minority_class is", minority_class, np.unique(y).tolist())
    ratio = _checks.fraction(fn, "ratio", ratio)
    others = np.delete(sizes, minority_class)
    if ratio == 0 or others.max(initial=0) == 0:
        raise ValueError(f"{fn}: ratio must be > 0 and y must hold another class, got ratio={ratio} and the "
                         f"classes {np.unique(y).tolist()}")
    largest = int(others.max())
    want = max(_checks.count_of(ratio, largest), 1)
    if want > sizes[minority_class]:
        raise ValueError(f"{fn}: ratio={ratio} asks for {want} samples of class {minority_class} "
                         f"({ratio} x the {largest} of the largest other class), but y has only "
                         f"{sizes[minority_class]}; the largest ratio possible is "
                         f"{sizes[minority_class] / largest:.4g}")
    keep = sizes.copy()
    keep[minority_class] = want
    return keep


def make_imbalanced(X, y, ratios=None, *, minority_class: int | None = None, fraction: float | None = None,
                    ratio: float | None = None, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Subsample classes so that some become rare: keep a fraction of each class, or reach a target ratio.

    ``ratios`` gives the fraction of each class to keep, as a sequence with one
    entry per class or a dict ``{class: fraction}`` (classes not named keep
    everything). ``minority_class=c, fraction=f`` is short for ``ratios={c: f}``.
    Of the ``N_c`` samples of class ``c``, ``round(ratio_c * N_c)`` chosen at
    random are kept (at least one when ``ratio_c > 0``; none when it is 0, which
    removes the class).

    ``minority_class=c, ratio=r`` sets the imbalance itself: the other classes are kept
    whole and class ``c`` keeps ``round(r * N_max)`` samples, ``N_max`` being the size
    of the largest other class, so that ``N_c / N_max = r`` afterwards (the ratio of
    imbalanced-learn's ``sampling_strategy``). A 95/5 split of two equal classes is
    ``ratio=5/95``. Class ``c`` must have that many samples to begin with.

    The kept samples stay in their original order.

    Shapes: ``X`` ``(N, ...)``, ``y`` ``(N,)`` -> ``(M, ...)``, ``(M,)`` with ``M <= N``.

    >>> y = np.repeat([0, 1], 100)
    >>> _, y_small = make_imbalanced(np.zeros((200, 2)), y, minority_class=1, fraction=0.1, seed=0)
    >>> np.bincount(y_small).tolist()
    [100, 10]
    >>> _, y_95_5 = make_imbalanced(np.zeros((200, 2)), np.repeat([0, 1], [95, 105]), minority_class=1,
    ...                             ratio=5 / 95, seed=0)
    >>> np.bincount(y_95_5).tolist()
    [95, 5]
    """
    fn = "make_imbalanced"
    X = _checks.features(fn, X)
    y = _checks.labels(fn, y)
    _checks.same_length(fn, X, y)
    if len(y) == 0:
        raise ValueError(f"{fn}: y has no samples")
    counts = _keep_counts(fn, y, ratios, minority_class, fraction, ratio)
    rng = rng_from(seed)
    kept = np.zeros(len(y), dtype=bool)
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        kept[rng.choice(members, size=counts[c], replace=False)] = True
    if not kept.any():
        raise ValueError(f"{fn}: these ratios keep no sample at all")
    return X[kept], y[kept]


def remove_class(X, y, label: int) -> tuple[np.ndarray, np.ndarray]:
    """Drop every sample of one class, e.g. from a training split, so the class is missing there.

    A model trained without the class can never predict it, yet the
    validation set still asks for it. Shapes: ``(N, ...)``, ``(N,)`` -> ``(M, ...)``, ``(M,)``.

    >>> remove_class(np.arange(4), np.array([0, 1, 2, 1]), 1)[1].tolist()
    [0, 2]
    """
    fn = "remove_class"
    X = _checks.features(fn, X)
    y = _checks.labels(fn, y)
    _checks.same_length(fn, X, y)
    present = np.unique(y).tolist()
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or label not in present:
        raise ValueError(f"{fn}: label must be a class present in y {present}, got {label!r}")
    keep = y != label
    return X[keep], y[keep]


def _table(fn: str, X: np.ndarray):
    if X.ndim != 2:
        raise ValueError(f"{fn}: X must be a table of shape (N, D), got shape {X.shape}")
    return X if X.dtype.kind == "f" else X.astype(np.float32)


def scale_features(X, scales=None, offsets=None) -> np.ndarray:
    """Put the features on wildly different scales: ``x'_j = scales[j] * x_j + offsets[j]``.

    By default the scales run geometrically from 0.01 to 1000 over the ``D``
    features (``scales = 10 ** linspace(-2, 3, D)``) and the offsets are 0. The
    large features then dominate the gradients, which a :class:`Standardizer`
    fitted on the training data undoes.

    Shapes: ``X`` ``(N, D)`` -> ``(N, D)``; ``scales`` and ``offsets`` ``(D,)``.

    >>> scale_features(np.ones((1, 2)), scales=[1, 1000], offsets=[0, 5]).tolist()
    [[1.0, 1005.0]]
    """
    fn = "scale_features"
    X = _table(fn, _checks.numeric(fn, X))
    d = X.shape[1]
    scales = 10.0 ** np.linspace(-2, 3, d) if scales is None else np.asarray(scales, dtype=np.float64)
    offsets = np.zeros(d) if offsets is None else np.asarray(offsets, dtype=np.float64)
    for name, values in (("scales", scales), ("offsets", offsets)):
        if values.shape != (d,) or not np.all(np.isfinite(values)):
            raise ValueError(f"{fn}: {name} must hold {d} finite numbers (one per feature), got {values.tolist()}")
    return (X * scales + offsets).astype(X.dtype)


def add_outliers(X, fraction: float = 0.05, scale: float = 10.0, seed=None, return_mask: bool = False):
    """Turn a random ``fraction`` of the samples into outliers far from the rest.

    Exactly ``round(fraction * N)`` samples are moved: every value of a chosen
    sample is shifted by ``±u * scale * std``, with ``std`` that value's standard
    deviation over the samples (1 where it is 0), a random sign and
    ``u ~ U(1, 2)``, so each moved value lands ``scale`` to ``2 * scale`` standard
    deviations away. Works on inputs ``X`` and on regression targets ``y``.

    Shapes: ``(N, ...)`` -> ``(N, ...)`` (and a ``(N,)`` bool mask with ``return_mask=True``).

    >>> X = np.zeros((10, 2)); X[:5] = 1.0
    >>> out, mask = add_outliers(X, fraction=0.2, seed=0, return_mask=True)
    >>> int(mask.sum()), bool(np.all(np.abs(out - X)[mask] >= 5.0))
    (2, True)
    """
    fn = "add_outliers"
    X = _checks.numeric(fn, X)
    fraction = _checks.fraction(fn, "fraction", fraction)
    scale = _checks.non_negative(fn, "scale", scale)
    X = X if X.dtype.kind == "f" else X.astype(np.float32)
    rng = rng_from(seed)
    mask = _choose(rng, len(X), fraction)
    std = X.astype(np.float64).std(axis=0)
    std = np.where(std > 0, std, 1.0)
    shape = (int(mask.sum()),) + X.shape[1:]
    shift = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(1.0, 2.0, size=shape) * scale * std
    out = X.copy()
    out[mask] = (X[mask] + shift).astype(X.dtype)
    return (out, mask) if return_mask else out


def add_unit_errors(X, fraction: float = 0.02, factor: float = 100.0, seed=None, return_mask: bool = False):
    """Record a random ``fraction`` of the samples in the wrong unit: multiply them by ``factor``.

    Exactly ``round(fraction * N)`` samples, chosen at random, become ``x'_n = factor * x_n`` (every
    value of the sample); the others are unchanged. A length entered in centimetres among metres
    is ``factor=100``: a few targets a hundred times too large, outliers that pull a least-squares
    fit towards them. Works on inputs ``X`` and on regression targets ``y``.

    Shapes: ``(N, ...)`` -> ``(N, ...)`` float (integer input becomes float32), and a ``(N,)`` bool
    mask of the changed samples with ``return_mask=True``.

    >>> y = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> out, mask = add_unit_errors(y, 0.25, seed=0, return_mask=True)
    >>> int(mask.sum()), bool(np.all(out[mask] == 100 * y[mask])), bool(np.all(out[~mask] == y[~mask]))
    (1, True, True)
    """
    fn = "add_unit_errors"
    X = _checks.numeric(fn, X)
    fraction = _checks.fraction(fn, "fraction", fraction)
    if isinstance(factor, bool) or not isinstance(factor, (int, float, np.number)) or not np.isfinite(factor):
        raise ValueError(f"{fn}: factor must be a finite number, got {factor!r}")
    out = X.astype(X.dtype if X.dtype.kind == "f" else np.float32)     # a copy either way
    mask = _choose(rng_from(seed), len(X), fraction)
    out[mask] = out[mask] * factor
    return (out, mask) if return_mask else out


def add_noise_features(X, n_features: int = 10, noise: float = 1.0, seed=None) -> np.ndarray:
    """Append ``n_features`` columns of pure noise, ``N(0, noise**2)``, that say nothing about the label.

    Irrelevant inputs give a network more ways to fit noise: with few samples
    it overfits sooner. Shapes: ``X`` ``(N, D)`` -> ``(N, D + n_features)``; the
    original columns come first and are unchanged.

    >>> add_noise_features(np.zeros((4, 2)), n_features=3, seed=0).shape
    (4, 5)
    """
    fn = "add_noise_features"
    X = _table(fn, _checks.numeric(fn, X))
    n_features = _checks.positive_int(fn, "n_features", n_features)
    noise = _checks.non_negative(fn, "noise", noise)
    rng = rng_from(seed)
    extra = noise * rng.standard_normal((len(X), n_features))
    return np.concatenate([X, extra.astype(X.dtype)], axis=1)


def insert_missing(X, fraction: float, seed=None, return_mask: bool = False):
    """Make a random ``fraction`` of the entries of ``X`` missing: set them to NaN.

    Exactly ``round(fraction * X.size)`` entries, chosen uniformly at random among all of
    ``X``'s entries (any sample, any feature), become NaN; the others are unchanged. A single NaN
    input makes its batch's loss NaN, and then every weight; :class:`minnet.data.SimpleImputer`,
    fitted on the training split, fills the holes.

    Shapes: ``X`` ``(N, ...)`` -> a copy of the same shape, float (integer input becomes float32;
    NaN is a float); with ``return_mask=True`` also the bool mask of the entries made missing,
    of the same shape as ``X`` (not one per sample, as the other corruptions return).

    >>> out, mask = insert_missing(np.ones((4, 5)), 0.25, seed=0, return_mask=True)
    >>> int(np.isnan(out).sum()), bool(np.array_equal(np.isnan(out), mask))
    (5, True)
    """
    fn = "insert_missing"
    X = _checks.numeric(fn, X)
    fraction = _checks.fraction(fn, "fraction", fraction)
    out = X.astype(X.dtype if X.dtype.kind == "f" else np.float32)     # a copy either way
    mask = _choose(rng_from(seed), X.size, fraction).reshape(X.shape)
    out[mask] = np.nan
    return (out, mask) if return_mask else out

