"""``augment_images``: flip or rotate images, keeping (or correctly remapping) their labels.

Flips and rotations are the usual image augmentations, and they are safe only
when they do not change what the image shows. A mirrored "2" is not a "2"; a
"slash" mirrored is a "backslash". Augmenting such classes without changing
their labels teaches the network wrong answers: this is the "augmentation
pipeline altered the labels" mistake. Pass ``label_map`` (for ``shapes``,
``shape_label_map(transform)``) to relabel the transformed images correctly.

By default the chosen images are transformed in place, so the data set keeps its
size: that models a random flip applied as images are loaded. To *grow* a small
data set (augmentation as a fix for too little data), pass ``keep_original=True``:
the transformed images are then added as new samples after all the originals.
"""
from __future__ import annotations

import numpy as np

from minnet._random import rng_from
from minnet.data import _checks

TRANSFORMS = ("hflip", "vflip", "rot90", "rot180", "rot270")


def _apply(transform: str, images: np.ndarray) -> np.ndarray:
    """Apply ``transform`` to the last two axes (height, width) of ``images``."""
    if transform == "hflip":
        return images[..., ::-1]
    if transform == "vflip":
        return images[..., ::-1, :]
    quarter_turns = {"rot90": 1, "rot180": 2, "rot270": 3}[transform]
    return np.rot90(images, k=quarter_turns, axes=(-2, -1))


def _label_lookup(fn: str, label_map, y: np.ndarray) -> np.ndarray:
    """``label_map`` (a dict or a sequence indexed by label) as an array ``table[old] = new``."""
    size = int(y.max()) + 1 if y.size else 0
    if isinstance(label_map, dict):
        table = np.arange(max([size] + [int(k) + 1 for k in label_map]))
        for old, new in label_map.items():
            table[int(old)] = int(new)
    else:
        table = np.asarray(label_map)
        if table.ndim != 1 or table.dtype.kind not in "iu" or len(table) < size:
            raise ValueError(f"{fn}: label_map must be a dict {{old: new}} or a sequence with one new label "
                             f"per class (at least {size}), got {label_map!r}")
    return table


def augment_images(X, y, transform: str = "hflip", fraction: float = 0.5, label_map=None, seed=None,
                   return_mask: bool = False, keep_original: bool = False):
    """Flip or rotate a random ``fraction`` of the images, as an augmentation step would.

    Exactly ``round(fraction * N)`` images, chosen at random, are transformed:
    ``"hflip"`` mirrors left-right, ``"vflip"`` turns upside down, ``"rot90"``,
    ``"rot180"``, ``"rot270"`` rotate counter-clockwise (as ``np.rot90``; quarter
    turns need square images). Their labels are left as they were unless
    ``label_map`` says what each label becomes (``{old: new}``; labels not in
    it stay). Without a ``label_map`` this is a corruption whenever a class
    depends on orientation.

    ``keep_original=True`` keeps all ``N`` images as they were and appends the
    ``M = round(fraction * N)`` transformed ones (in their original order) as new
    samples, so the result has ``N + M``. With ``fraction=1`` each call doubles the
    set; chaining ``"hflip"``, ``"rot90"`` and ``"rot180"`` gives every image in all
    eight orientations of the square (each flip and quarter turn once).

    Shapes: ``X`` ``(N, C, H, W)`` or ``(N, H, W)``, ``y`` ``(N,)`` -> arrays of the
    same shapes (and a ``(N,)`` bool mask of the transformed images with ``return_mask=True``);
    with ``keep_original=True`` ``(N + M, ...)``, ``(N + M,)`` (and the same ``(N,)`` mask, which
    says which originals were copied).

    >>> X = np.arange(4.0).reshape(1, 1, 2, 2)
    >>> augment_images(X, np.array([0]), "hflip", fraction=1.0)[0][0, 0].tolist()
    [[1.0, 0.0], [3.0, 2.0]]
    >>> X_more, y_more = augment_images(X, np.array([5]), "hflip", fraction=1.0, label_map={5: 6},
    ...                                 keep_original=True)
    >>> X_more[:, 0].tolist(), y_more.tolist()
    ([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 0.0], [3.0, 2.0]]], [5, 6])
    """
    fn = "augment_images"
    X = _checks.features(fn, X)
    y = _checks.labels(fn, y)
    _checks.same_length(fn, X, y)
    if transform not in TRANSFORMS:
        raise ValueError(f"{fn}: transform must be one of {TRANSFORMS}, got {transform!r}")
    if X.ndim < 3:
        raise ValueError(f"{fn}: X must be images of shape (N, C, H, W) or (N, H, W), got shape {X.shape}; "
                         "reshape flat images first, e.g. load_digits(flatten=False)")
    if transform in ("rot90", "rot270") and X.shape[-1] != X.shape[-2]:
        raise ValueError(f"{fn}: {transform} needs square images, got height {X.shape[-2]} and width {X.shape[-1]}")
    fraction = _checks.fraction(fn, "fraction", fraction)
    rng = rng_from(seed)
    mask = np.zeros(len(X), dtype=bool)
    mask[rng.choice(len(X), size=_checks.count_of(fraction, len(X)), replace=False)] = True
    new_X = _apply(transform, X[mask])
    new_y = _label_lookup(fn, label_map, y)[y[mask]] if label_map is not None else y[mask]
    if keep_original:
        X_out, y_out = np.concatenate([X, new_X]), np.concatenate([y, new_y.astype(y.dtype)])
    else:
        X_out, y_out = X.copy(), y.copy()
        X_out[mask], y_out[mask] = new_X, new_y
    return (X_out, y_out, mask) if return_mask else (X_out, y_out)
