"""shapes: images of the right shape, balanced classes, shapes drawn where and as promised."""
import numpy as np
import pytest

from minnet._random import manual_seed
from minnet.data import SHAPE_CLASSES, augment_images, shape_label_map, shapes

CLEAN = dict(noise=0.0, seed=5)


def _lit(image):
    """Row and column coordinates of the lit pixels of a noise-free (1, H, W) image."""
    return np.nonzero(image[0] > 0.5)


def test_shape_dtype_and_balance():
    X, y = shapes(71, size=16, seed=0)
    assert X.shape == (71, 1, 16, 16) and X.dtype == np.float32
    assert y.shape == (71,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=len(SHAPE_CLASSES))
    assert counts.sum() == 71 and counts.min() == 71 // 7 and counts.max() == 71 // 7 + 1


def test_deterministic_by_seed_and_by_manual_seed():
    np.testing.assert_array_equal(shapes(20, seed=4)[0], shapes(20, seed=4)[0])
    assert not np.array_equal(shapes(20, seed=4)[0], shapes(20, seed=5)[0])
    manual_seed(9)
    a = shapes(20)
    manual_seed(9)
    b = shapes(20)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_noise_free_pixels_are_zero_or_one_and_every_image_has_a_shape():
    X, _ = shapes(140, size=20, **CLEAN)
    assert set(np.unique(X).tolist()) == {0.0, 1.0}
    assert np.all(X.reshape(140, -1).sum(axis=1) >= 5)


def test_positions_vary_unless_centered():
    X, y = shapes(200, size=16, classes=["square", "circle"], **CLEAN)
    centres = [np.mean(_lit(img), axis=1) for img in X]
    assert np.ptp([c[1] for c in centres]) >= 4, "random positions should spread over the image"
    Xc, _ = shapes(200, size=16, classes=["square", "circle"], center=True, **CLEAN)
    for img in Xc:
        rows, cols = _lit(img)
        # A centred box of side s starts at (16 - s) // 2, so its centre is within a pixel of 7.5.
        assert abs(rows.mean() - 7.5) <= 1.0 and abs(cols.mean() - 7.5) <= 1.0


def test_orientation_of_bars_and_diagonals():
    X, y = shapes(280, size=16, **CLEAN)
    for img, label in zip(X, y):
        rows, cols = _lit(img)
        name = SHAPE_CLASSES[label]
        if name == "hbar":
            assert np.ptp(cols) > np.ptp(rows)
        elif name == "vbar":
            assert np.ptp(rows) > np.ptp(cols)
        elif name == "slash":  # "/": the row goes up as the column goes right
            assert np.corrcoef(rows, cols)[0, 1] < -0.9
        elif name == "backslash":
            assert np.corrcoef(rows, cols)[0, 1] > 0.9


def test_classes_subset_relabels_from_zero():
    X, y = shapes(30, classes=("vbar", "hbar"), **CLEAN)
    assert set(y.tolist()) == {0, 1}
    for img, label in zip(X, y):
        rows, cols = _lit(img)
        assert (np.ptp(rows) > np.ptp(cols)) == (label == 0)


def test_noise_std():
    X, _ = shapes(50, size=16, noise=0.2, seed=0)
    clean, _ = shapes(50, size=16, noise=0.0, seed=0)
    assert abs((X - clean).std() - 0.2) < 0.01


@pytest.mark.parametrize("transform", ["hflip", "vflip", "rot90", "rot180", "rot270"])
def test_label_map_matches_what_the_transformed_image_shows(transform):
    X, y = shapes(280, size=16, **CLEAN)
    mapping = shape_label_map(transform)
    X_t, y_t = augment_images(X, y, transform, fraction=1.0, label_map=mapping, seed=0)
    for img, label in zip(X_t, y_t):
        rows, cols = _lit(img)
        name = SHAPE_CLASSES[label]
        if name in ("hbar", "vbar"):
            assert (np.ptp(cols) > np.ptp(rows)) == (name == "hbar")
        if name in ("slash", "backslash"):
            assert (np.corrcoef(rows, cols)[0, 1] > 0) == (name == "backslash")


def test_label_map_table():
    idx = SHAPE_CLASSES.index
    hflip = shape_label_map("hflip")
    assert hflip[idx("slash")] == idx("backslash") and hflip[idx("hbar")] == idx("hbar")
    rot90 = shape_label_map("rot90")
    assert rot90[idx("hbar")] == idx("vbar") and rot90[idx("square")] == idx("square")
    assert shape_label_map("hflip", classes=["square", "slash", "backslash"]) == {0: 0, 1: 2, 2: 1}


@pytest.mark.parametrize("call, words", [
    (lambda: shapes(0), "n_samples must be a positive integer, got 0"),
    (lambda: shapes(10, size=4), "size must be an integer >= 7, got 4"),
    (lambda: shapes(10, classes=["square", "star"]), "classes must be"),
    (lambda: shapes(3), "n_samples must be at least the number of classes (7), got 3"),
    (lambda: shape_label_map("shear"), "transform must be one of"),
    (lambda: shape_label_map("hflip", classes=["square", "slash"]), "'backslash'"),
])
def test_bad_arguments(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
