"""augment_images: exactly the asked fraction transformed, labels kept or remapped as asked."""
import numpy as np
import pytest

from minnet.data import SHAPE_CLASSES, augment_images, load_digits, shape_label_map, shapes


def test_hflip_of_a_fraction_keeps_labels_by_default():
    X = np.arange(10 * 2 * 3 * 3, dtype=np.float32).reshape(10, 2, 3, 3)
    y = np.arange(10) % 3
    X_out, y_out, mask = augment_images(X, y, "hflip", fraction=0.3, seed=0, return_mask=True)
    assert mask.sum() == 3
    np.testing.assert_array_equal(X_out[mask], X[mask][:, :, :, ::-1])
    np.testing.assert_array_equal(X_out[~mask], X[~mask])
    np.testing.assert_array_equal(y_out, y)  # the corruption: labels untouched
    assert X[0, 0, 0].tolist() == [0.0, 1.0, 2.0]  # input untouched


@pytest.mark.parametrize("transform, expected", [
    ("vflip", [[3, 4, 5], [0, 1, 2]]),
    ("rot180", [[5, 4, 3], [2, 1, 0]]),
])
def test_transforms_on_a_known_image(transform, expected):
    X = np.arange(6.0).reshape(1, 2, 3)
    out, _ = augment_images(X, np.array([0]), transform, fraction=1.0)
    assert out[0].tolist() == expected


def test_quarter_turn_counter_clockwise_and_needs_square_images():
    X = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    assert augment_images(X, np.array([0]), "rot90", fraction=1.0)[0][0].tolist() == [[2.0, 4.0], [1.0, 3.0]]
    with pytest.raises(ValueError, match="rot90 needs square images"):
        augment_images(np.zeros((1, 2, 3)), np.array([0]), "rot90")


def test_label_map_fixes_the_labels():
    X, y = shapes(140, noise=0.0, seed=0)
    slash, backslash = SHAPE_CLASSES.index("slash"), SHAPE_CLASSES.index("backslash")
    _, y_bad, mask = augment_images(X, y, "hflip", fraction=1.0, seed=0, return_mask=True)
    _, y_good = augment_images(X, y, "hflip", fraction=1.0, seed=0, label_map=shape_label_map("hflip"))
    np.testing.assert_array_equal(y_bad, y)
    np.testing.assert_array_equal(y_good[y == slash], backslash)
    np.testing.assert_array_equal(y_good[y == backslash], slash)
    others = (y != slash) & (y != backslash)
    np.testing.assert_array_equal(y_good[others], y[others])
    as_list = [shape_label_map("hflip")[i] for i in range(len(SHAPE_CLASSES))]
    np.testing.assert_array_equal(augment_images(X, y, "hflip", 1.0, label_map=as_list, seed=0)[1], y_good)


def test_keep_original_appends_the_transformed_copies():
    X = np.arange(4 * 1 * 2 * 2, dtype=np.float32).reshape(4, 1, 2, 2)
    y = np.array([0, 1, 2, 3])
    X_out, y_out, mask = augment_images(X, y, "hflip", fraction=0.5, label_map={1: 7}, seed=0, return_mask=True,
                                        keep_original=True)
    assert mask.sum() == 2 and X_out.shape == (6, 1, 2, 2)
    np.testing.assert_array_equal(X_out[:4], X)                         # the originals, untouched, first
    np.testing.assert_array_equal(y_out[:4], y)
    chosen = np.flatnonzero(mask)
    for k, i in enumerate(chosen):                                      # then the copies, in order
        a, b, c, d = X[i, 0].ravel().tolist()
        assert X_out[4 + k, 0].tolist() == [[b, a], [d, c]]
        assert y_out[4 + k] == (7 if y[i] == 1 else y[i])
    assert y_out.dtype == np.int64


def test_chaining_hflip_rot90_rot180_gives_the_eight_orientations_of_the_square():
    X = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    y = np.array([0])
    for transform in ("hflip", "rot90", "rot180"):
        X, y = augment_images(X, y, transform, fraction=1.0, keep_original=True)
    got = sorted(img.ravel().tolist() for img in X)
    # the symmetries of the square, written out by hand: identity, the mirrors left-right and
    # upside down, the quarter turns (counter-clockwise) and the two diagonal mirrors
    expected = sorted([[1, 2, 3, 4], [2, 1, 4, 3], [3, 4, 1, 2], [2, 4, 1, 3], [4, 3, 2, 1], [3, 1, 4, 2],
                       [1, 3, 2, 4], [4, 2, 3, 1]])
    assert got == expected and len(y) == 8


def test_works_on_digits_images():
    X, y = load_digits(flatten=False)
    out, _ = augment_images(X[:10], y[:10], "hflip", fraction=0.5, seed=0)
    assert out.shape == (10, 1, 8, 8)


@pytest.mark.parametrize("call, words", [
    (lambda: augment_images(np.zeros((4, 64)), np.zeros(4, int)), "X must be images of shape"),
    (lambda: augment_images(np.zeros((4, 1, 2, 2)), np.zeros(4, int), "shear"), "transform must be one of"),
    (lambda: augment_images(np.zeros((4, 1, 2, 2)), np.zeros(4, int), fraction=1.1), "fraction must be in [0, 1], got 1.1"),
    (lambda: augment_images(np.zeros((4, 1, 2, 2)), np.zeros(3, int)), "X has 4 samples but y has 3"),
])
def test_bad_arguments(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
