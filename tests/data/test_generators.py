"""Toy data sets: shapes, dtypes, class balance, determinism, and the geometry each one promises."""
import numpy as np
import pytest

from minnet._random import manual_seed
from minnet.data import blobs, categorical_table, circles, moons, point_patterns, sine, spiral, xor

CLASSIFIERS = [spiral, moons, circles, xor, blobs]


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_shapes_dtypes_and_balance(make):
    X, y = make(101, seed=3)
    k = len(np.unique(y))
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    # 101 over k classes: each class gets 101 // k or one more.
    assert counts.sum() == 101 and counts.max() - counts.min() <= 1 and counts.min() == 101 // k
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_same_seed_same_data_other_seed_other_data(make):
    X1, y1 = make(60, seed=7)
    X2, y2 = make(60, seed=7)
    X3, _ = make(60, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", CLASSIFIERS + [sine])
def test_manual_seed_fixes_seed_none(make):
    manual_seed(123)
    X1, y1 = make(40)
    manual_seed(123)
    X2, y2 = make(40)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_dtype_and_unshuffled_order(make):
    X, y = make(30, seed=0, shuffle=False, dtype=np.float64)
    assert X.dtype == np.float64
    assert np.all(np.diff(y) >= 0), "shuffle=False keeps the samples sorted by class"


def test_spiral_noise_free_points_lie_on_their_arm():
    X, y = spiral(300, num_classes=3, noise=0.0, turns=1.0, seed=1)
    r = np.hypot(X[:, 0], X[:, 1]).astype(np.float64)
    theta = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * y / 3 + 2 * np.pi * r
    # Angles agree modulo a full turn.
    gap = np.angle(np.exp(1j * (theta - expected)))
    assert r.max() <= 1.0 + 1e-6
    np.testing.assert_allclose(gap[r > 1e-3], 0.0, atol=1e-4)
    assert len(np.unique(spiral(50, num_classes=5, seed=0)[1])) == 5


def test_moons_noise_free_points_lie_on_two_half_circles():
    X, y = moons(200, noise=0.0, seed=2)
    X = X.astype(np.float64)
    up, low = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(up[:, 0], up[:, 1]), 1.0, atol=1e-6)
    assert np.all(up[:, 1] >= -1e-6)
    np.testing.assert_allclose(np.hypot(low[:, 0] - 1.0, low[:, 1] - 0.5), 1.0, atol=1e-6)
    assert np.all(low[:, 1] <= 0.5 + 1e-6)


def test_circles_noise_free_radii():
    X, y = circles(100, noise=0.0, factor=0.4, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(radius[y == 1], 0.4, atol=1e-6)


def test_xor_noise_free_label_is_sign_disagreement():
    X, y = xor(400, noise=0.0, seed=0)
    assert np.all(np.abs(X) <= 1.0) and np.all(X != 0)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_blobs_class_means_near_given_centers():
    centers = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, -5.0]])
    X, y = blobs(2000, centers=centers, noise=0.5, seed=0)
    assert X.shape == (2000, 3)
    for c in range(2):
        # Standard error of a mean of 1000 points with std 0.5 is about 0.016.
        np.testing.assert_allclose(X[y == c].mean(axis=0), centers[c], atol=0.08)
        np.testing.assert_allclose(X[y == c].std(axis=0), 0.5, atol=0.05)


def test_blobs_default_centers_on_circle_of_radius_3():
    X, y = blobs(40, centers=4, noise=0.0, seed=0, shuffle=False)
    np.testing.assert_allclose(X[y == 1][0], [0.0, 3.0], atol=1e-6)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), 3.0, atol=1e-5)


def test_sine_shapes_and_values():
    X, y = sine(64, noise=0.0, amplitude=2.0, offset=5.0, x_range=(0.0, 1.0), seed=0)
    assert X.shape == (64, 1) and y.shape == (64, 1)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert X.min() >= 0.0 and X.max() <= 1.0
    np.testing.assert_allclose(y, 5.0 + 2.0 * np.sin(X.astype(np.float64)), atol=1e-5)


def test_sine_noise_has_the_asked_std():
    X, y = sine(20000, noise=0.3, seed=0)
    residual = y[:, 0].astype(np.float64) - np.sin(X[:, 0].astype(np.float64))
    assert abs(residual.std() - 0.3) < 0.01


@pytest.mark.parametrize("call, words", [
    (lambda: moons(0), "n_samples must be a positive integer, got 0"),
    (lambda: moons(10.5), "n_samples"),
    (lambda: moons(10, noise=-1), "noise must be a number >= 0, got -1"),
    (lambda: spiral(2, num_classes=3), "n_samples must be at least the number of classes (3), got 2"),
    (lambda: spiral(10, num_classes=1), "num_classes must be an integer >= 2, got 1"),
    (lambda: circles(10, factor=1.5), "factor"),
    (lambda: blobs(10, centers=np.zeros(3)), "centers"),
    (lambda: sine(10, x_range=(1, 0)), "x_range"),
    (lambda: xor(10, dtype=np.int32), "dtype must be a floating type"),
])
def test_bad_arguments_name_the_argument(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


# ---- the sets for preprocessing ----

def test_point_patterns_shapes_balance_and_seed():
    X, y = point_patterns(50, num_classes=4, n_points=6, seed=3)
    assert X.shape == (50, 6, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [13, 13, 12, 12]
    np.testing.assert_array_equal(point_patterns(50, num_classes=4, n_points=6, seed=3)[0], X)
    assert not np.array_equal(point_patterns(50, num_classes=4, n_points=6, seed=4)[0], X)


def test_point_patterns_are_chains_of_unit_steps_turning_at_most_a_right_angle():
    X, y = point_patterns(40, num_classes=4, n_points=6, noise=0.0, seed=0)
    steps = np.diff(X.astype(np.float64), axis=1)
    np.testing.assert_allclose(np.linalg.norm(steps, axis=-1), 1.0, atol=1e-5)
    cos_turn = np.sum(steps[:, 1:] * steps[:, :-1], axis=-1)          # unit vectors: the cosine of each turn
    assert cos_turn.min() >= -1e-5


def test_point_patterns_without_rotation_and_spread_are_the_templates_themselves():
    X, y = point_patterns(30, num_classes=3, n_points=4, noise=0.0, spread=0.0, rotate=False, seed=2)
    for c in range(3):
        np.testing.assert_allclose(X[y == c], np.broadcast_to(X[y == c][0], X[y == c].shape), atol=1e-6)
        np.testing.assert_allclose(X[y == c][0].mean(axis=0), 0.0, atol=1e-6)     # centred on its mean
        np.testing.assert_allclose(X[y == c][0, 1] - X[y == c][0, 0], [1.0, 0.0], atol=1e-6)   # starts along +x
    X, _ = point_patterns(2000, num_classes=2, n_points=3, noise=0.0, spread=10.0, seed=0)
    centres = X.mean(axis=1)
    assert np.abs(centres).max() <= 10 and np.abs(centres).max() > 9.5      # t ~ U(-10, 10)^2


def test_categorical_table_columns_and_codes():
    X, y = categorical_table(500, n_categories=7, num_classes=3, n_numeric=2, seed=0)
    assert X.shape == (500, 3) and X.dtype == np.float32 and y.shape == (500,) and y.dtype == np.int64
    codes = X[:, -1]
    assert np.all(codes == np.round(codes)) and set(codes.astype(int).tolist()) == set(range(7))
    assert set(y.tolist()) <= {0, 1, 2}
    assert abs(X[:, 0].std() - 1) < 0.15                                     # the numeric columns are N(0, 1)
    np.testing.assert_array_equal(categorical_table(500, n_categories=7, num_classes=3, n_numeric=2, seed=0)[1], y)


def test_categorical_table_class_is_decided_by_the_category_alone_without_numeric_weight():
    X, y = categorical_table(400, n_categories=10, num_classes=4, numeric_weight=0.0, seed=1)
    for c in range(10):
        assert len(set(y[X[:, -1] == c].tolist())) == 1
    X, y = categorical_table(4000, n_categories=10, num_classes=4, numeric_weight=5.0, seed=1)
    assert max(len(set(y[X[:, -1] == c].tolist())) for c in range(10)) > 1


@pytest.mark.parametrize("call, words", [
    (lambda: point_patterns(10, num_classes=1), "num_classes must be an integer >= 2, got 1"),
    (lambda: point_patterns(10, n_points=1), "n_points must be an integer >= 2, got 1"),
    (lambda: point_patterns(10, spread=-1), "spread must be a number >= 0"),
    (lambda: categorical_table(10, n_categories=0), "n_categories must be a positive integer, got 0"),
    (lambda: categorical_table(10, numeric_weight=-1), "numeric_weight must be a number >= 0"),
])
def test_bad_arguments_of_the_preprocessing_sets_name_the_argument(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
