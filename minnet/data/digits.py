"""``load_digits``: a small real data set of 8x8 handwritten digits, shipped with minnet.

Origin: the "Optical Recognition of Handwritten Digits" data set of the UCI
Machine Learning Repository, by E. Alpaydin and C. Kaynak (1998),
https://doi.org/10.24432/C50P49, licensed under Creative Commons Attribution
4.0 (CC BY 4.0). minnet ships the 1,797 images of its test part, the same
selection scikit-learn ships as its digits set, converted to ``digits.npz``
(``images``: uint8 ``(1797, 8, 8)``; ``target``: int64 ``(1797,)``).

Each pixel counts the inked pixels in a 4x4 block of a 32x32 bitmap, so values
are whole numbers from 0 to 16. The ten classes are nearly balanced (174 to 183
images each).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from minnet.data import _checks

#: The largest pixel value in the digits images (pixels run from 0 to 16).
DIGITS_MAX_VALUE = 16

_DIGITS_FILE = Path(__file__).with_name("digits.npz")


def load_digits(flatten: bool = True, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 8x8 handwritten digits (0-9) as ``(X, y)``, read from the package (no download).

    Pixel values are returned as stored, whole numbers in ``0 .. 16``; they are
    not scaled, so that forgetting to normalize them can be seen. Scale them
    with ``scale_images(X, max_value=DIGITS_MAX_VALUE)`` or a ``Standardizer``
    fitted on the training split.

    Shapes: X ``(1797, 64)`` with ``flatten=True`` (for Dense layers; pixel
    ``8 * row + col``) or ``(1797, 1, 8, 8)`` with ``flatten=False`` (NCHW, for
    Conv2D), in ``dtype`` (float32 by default); y ``(1797,)`` int64 digits.
    The samples come in the order of the original file; split them with
    ``train_val_split``.

    Data: UCI ML Repository, "Optical Recognition of Handwritten Digits",
    E. Alpaydin and C. Kaynak, 1998, CC BY 4.0.

    >>> X, y = load_digits()
    >>> X.shape, y.shape, float(X.max())
    ((1797, 64), (1797,), 16.0)
    >>> load_digits(flatten=False)[0].shape
    (1797, 1, 8, 8)
    """
    dtype = _checks.float_dtype("load_digits", dtype)
    with np.load(_DIGITS_FILE, allow_pickle=False) as archive:
        images = archive["images"]
        target = archive["target"]
    X = images.reshape(len(images), 64) if flatten else images[:, None, :, :]
    return X.astype(dtype), target.astype(np.int64)
