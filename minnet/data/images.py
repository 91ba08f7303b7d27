"""``shapes``: small grayscale images of simple shapes, for Conv2D lessons.

Each image holds one shape, drawn in white (1.0) on black (0.0) at a random
size and position, plus Gaussian pixel noise. Because the position is random, a
model has to recognise a shape wherever it is: the set shows what convolution
and pooling buy over a dense layer (``center=True`` puts every shape in the
middle, to train on centred shapes and test on shifted ones).

Some classes are mirror images of each other ("slash" and "backslash") or
turn into each other under a quarter turn ("hbar" and "vbar"). That is on
purpose: flipping or rotating such an image changes its class, which is the
"augmentation changed the label" mistake. :func:`shape_label_map` says what
each class becomes under a flip or rotation.
"""
from __future__ import annotations

import numpy as np

from minnet._random import rng_from
from minnet.data import _checks
from minnet.data.generators import class_counts

#: Class names of :func:`shapes`; label ``i`` is ``SHAPE_CLASSES[i]``.
SHAPE_CLASSES: tuple[str, ...] = ("square", "circle", "cross", "hbar", "vbar", "slash", "backslash")

# What each class becomes under each image transform (classes not listed stay themselves).
_HFLIP = {"slash": "backslash", "backslash": "slash"}
_ROT90 = {"hbar": "vbar", "vbar": "hbar", "slash": "backslash", "backslash": "slash"}
_TRANSFORM_MAPS = {"hflip": _HFLIP, "vflip": _HFLIP, "rot90": _ROT90, "rot180": {}, "rot270": _ROT90}


def _draw(kind: str, extent: int, thickness: int) -> np.ndarray:
    """A ``(extent, extent)`` mask of one shape filling its box."""
    size = extent
    rows, cols = np.mgrid[0:size, 0:size]
    t = thickness
    lo = (size - t) // 2  # first row/column of a centred stroke of width t
    if kind == "square":  # outline
        return (rows < t) | (rows >= size - t) | (cols < t) | (cols >= size - t)
    if kind == "circle":  # ring
        centre = (size - 1) / 2
        distance = np.hypot(rows - centre, cols - centre)
        return (distance <= size / 2) & (distance >= size / 2 - t)
    if kind == "cross":  # a plus sign
        return ((rows >= lo) & (rows < lo + t)) | ((cols >= lo) & (cols < lo + t))
    if kind == "hbar":
        return (rows >= lo) & (rows < lo + t) & np.ones_like(cols, dtype=bool)
    if kind == "vbar":
        return (cols >= lo) & (cols < lo + t) & np.ones_like(rows, dtype=bool)
    if kind == "slash":  # "/": from bottom-left to top-right
        return np.abs(rows + cols - (size - 1)) < t
    if kind == "backslash":  # "\": from top-left to bottom-right
        return np.abs(rows - cols) < t
    raise AssertionError(kind)


def _class_names(fn: str, classes) -> tuple[str, ...]:
    if classes is None:
        return SHAPE_CLASSES
    names = tuple(classes)
    unknown = [c for c in names if c not in SHAPE_CLASSES]
    if unknown or len(names) < 2 or len(set(names)) != len(names):
        raise ValueError(f"{fn}: classes must be at least two distinct names from {SHAPE_CLASSES}, "
                         f"got {classes!r}")
    return names


def shapes(n_samples: int = 700, size: int = 16, noise: float = 0.1, classes=None, center: bool = False,
           seed=None, shuffle: bool = True, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Small grayscale images of shapes at random positions and sizes.

    Each shape fills a square box whose side is drawn uniformly from
    ``size // 3 .. size - 2`` pixels (at least 5); the box sits at a random
    position inside the image (or in its middle with ``center=True``). Strokes
    are ``max(1, side // 5)`` pixels wide. Pixels are 1.0 on the shape and 0.0
    elsewhere, then ``noise * N(0, 1)`` is added to every pixel (no clipping).

    ``classes`` picks a subset of :data:`SHAPE_CLASSES` by name; label ``i`` then
    means ``classes[i]``. The samples are spread evenly over the classes.

    Shapes: X ``(n_samples, 1, size, size)`` (NCHW, ready for Conv2D), y ``(n_samples,)`` int64.

    >>> X, y = shapes(70, size=16, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((70, 1, 16, 16), [10, 10, 10, 10, 10, 10, 10])
    >>> SHAPE_CLASSES[int(y[0])] in SHAPE_CLASSES
    True
    """
    fn = "shapes"
    names = _class_names(fn, classes)
    n_samples = _checks.positive_int(fn, "n_samples", n_samples)
    size = _checks.positive_int(fn, "size", size, minimum=7)
    noise = _checks.non_negative(fn, "noise", noise)
    dtype = _checks.float_dtype(fn, dtype)
    if n_samples < len(names):
        raise ValueError(f"{fn}: n_samples must be at least the number of classes ({len(names)}), got {n_samples}")
    rng = rng_from(seed)
    y = np.repeat(np.arange(len(names)), class_counts(n_samples, len(names)))
    if shuffle:
        y = y[rng.permutation(len(y))]
    X = np.zeros((n_samples, 1, size, size))
    smallest = max(5, size // 3)
    for i, label in enumerate(y):
        extent = int(rng.integers(smallest, size - 1))  # side in [smallest, size - 2]
        if center:
            top = left = (size - extent) // 2
        else:
            top, left = (int(v) for v in rng.integers(0, size - extent + 1, size=2))
        mask = _draw(names[label], extent, max(1, extent // 5))
        X[i, 0, top:top + extent, left:left + extent] = mask
    X += noise * rng.standard_normal(X.shape)
    return X.astype(dtype), y.astype(np.int64)


def shape_label_map(transform: str, classes=None) -> dict[int, int]:
    """What each :func:`shapes` label becomes when its image is flipped or rotated.

    ``transform`` is one of ``"hflip"`` (mirror left-right), ``"vflip"`` (upside
    down), ``"rot90"``, ``"rot180"``, ``"rot270"`` (counter-clockwise quarter
    turns, as ``np.rot90``). The result maps every label to the label of the
    transformed image; pass it as ``label_map`` to :func:`augment_images` to
    augment without corrupting the labels.

    >>> shape_label_map("hflip")[SHAPE_CLASSES.index("slash")] == SHAPE_CLASSES.index("backslash")
    True
    >>> shape_label_map("rot180") == {i: i for i in range(len(SHAPE_CLASSES))}
    True
    """
    fn = "shape_label_map"
    if transform not in _TRANSFORM_MAPS:
        raise ValueError(f"{fn}: transform must be one of {tuple(_TRANSFORM_MAPS)}, got {transform!r}")
    names = _class_names(fn, classes)
    moves = _TRANSFORM_MAPS[transform]
    result = {}
    for i, name in enumerate(names):
        target = moves.get(name, name)
        if target not in names:
            raise ValueError(f"{fn}: under {transform!r} a {name!r} becomes a {target!r}, "
                             f"which is not among classes {names}")
        result[i] = names.index(target)
    return result
