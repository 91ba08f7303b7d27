"""Corruptions change exactly what they promise, and nothing else; the inputs are never modified."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minnet._random import manual_seed
from minnet.data import (add_noise_features, add_outliers, add_unit_errors, flip_labels, insert_missing,
                         make_imbalanced, remove_class, scale_features, shuffle_independently, swap_labels)


def _round_half_up(x):
    return int(np.floor(x + 0.5))


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 300), k=st.integers(2, 12), fraction=st.floats(0, 1), seed=st.integers(0, 1000))
def test_flip_labels_flips_exactly_the_fraction(n, k, fraction, seed):
    y = np.random.default_rng(seed).integers(0, k, size=n)
    before = y.copy()
    noisy, mask = flip_labels(y, fraction, num_classes=k, seed=seed, return_mask=True)
    np.testing.assert_array_equal(y, before)  # input untouched
    changed = noisy != y
    assert changed.sum() == _round_half_up(fraction * n)  # every flip changes the label
    np.testing.assert_array_equal(changed, mask)
    assert noisy.min() >= 0 and noisy.max() < k and noisy.dtype == np.int64


def test_flip_labels_targets_are_uniform_over_other_classes():
    y = np.zeros(30000, dtype=np.int64)
    noisy = flip_labels(y, 1.0, num_classes=4, seed=0)
    counts = np.bincount(noisy, minlength=4)
    assert counts[0] == 0
    np.testing.assert_allclose(counts[1:] / 30000, 1 / 3, atol=0.015)


def test_flip_labels_seeded():
    y = np.arange(100) % 5
    np.testing.assert_array_equal(flip_labels(y, 0.3, seed=1), flip_labels(y, 0.3, seed=1))
    manual_seed(2)
    a = flip_labels(y, 0.3)
    manual_seed(2)
    np.testing.assert_array_equal(a, flip_labels(y, 0.3))
    assert np.array_equal(flip_labels(y, 0.0, seed=0), y)


def test_swap_labels_swaps_the_fraction_of_each_class():
    y = np.repeat([0, 1, 2], [40, 30, 20])
    swapped, mask = swap_labels(y, 1, 2, fraction=0.5, seed=0, return_mask=True)
    assert np.sum((y == 1) & (swapped == 2)) == 15 and np.sum((y == 2) & (swapped == 1)) == 10
    np.testing.assert_array_equal(swapped[y == 0], 0)
    np.testing.assert_array_equal(mask, swapped != y)
    full = swap_labels(y, 0, 2)
    np.testing.assert_array_equal(full, np.repeat([2, 1, 0], [40, 30, 20]))


def test_shuffle_independently_keeps_contents_but_breaks_pairs():
    X = np.arange(1000, dtype=np.float32)[:, None] * np.array([[1.0, -1.0]], dtype=np.float32)
    y = np.arange(1000)
    Xs, ys = shuffle_independently(X, y, seed=0)
    assert sorted(Xs[:, 0].tolist()) == list(range(1000)) and sorted(ys.tolist()) == list(range(1000))
    np.testing.assert_array_equal(Xs[:, 1], -Xs[:, 0])  # rows of X stay whole
    # Two independent permutations agree on about one position in expectation.
    assert np.sum(Xs[:, 0] == ys) < 10
    np.testing.assert_array_equal(y, np.arange(1000))


def test_make_imbalanced_with_ratios_and_shorthand():
    y = np.repeat([0, 1, 2], 100)
    X = np.arange(300.0)[:, None]
    X_out, y_out = make_imbalanced(X, y, ratios=[1.0, 0.25, 0.05], seed=0)
    assert np.bincount(y_out).tolist() == [100, 25, 5]
    np.testing.assert_array_equal(y[X_out[:, 0].astype(int)], y_out)  # rows keep their labels
    assert np.all(np.diff(X_out[:, 0]) > 0)  # original order kept
    _, y_dict = make_imbalanced(X, y, ratios={2: 0.1}, seed=0)
    assert np.bincount(y_dict).tolist() == [100, 100, 10]
    _, y_short = make_imbalanced(X, y, minority_class=0, fraction=0.2, seed=0)
    assert np.bincount(y_short).tolist() == [20, 100, 100]
    _, y_tiny = make_imbalanced(X, y, ratios={1: 0.001}, seed=0)
    assert np.bincount(y_tiny).tolist() == [100, 1, 100]  # a positive ratio keeps at least one
    _, y_none = make_imbalanced(X, y, ratios={1: 0.0}, seed=0)
    assert 1 not in y_none


@pytest.mark.parametrize("kwargs, words", [
    (dict(ratios=[1.0, 0.5]), "ratios has 2 entries but y has 3 classes"),
    (dict(ratios={5: 0.5}), "ratios names class 5, but y has the classes [0, 1, 2]"),
    (dict(ratios=[1.0, 1.5, 1.0]), "ratios[1] must be in [0, 1], got 1.5"),
    (dict(minority_class=1, fraction=-0.2), "ratios[1] must be in [0, 1], got -0.2"),
    (dict(), "pass either ratios or minority_class and fraction"),
    (dict(ratios=[1, 1, 1], minority_class=1, fraction=0.5), "not both"),
    (dict(minority_class=1), "minority_class and fraction go together"),
    (dict(ratios=[0.0, 0.0, 0.0]), "keep no sample"),
])
def test_make_imbalanced_bad_ratios(kwargs, words):
    with pytest.raises(ValueError) as info:
        make_imbalanced(np.zeros((30, 2)), np.repeat([0, 1, 2], 10), **kwargs)
    assert words in str(info.value)


def test_remove_class():
    X, y = np.arange(6.0), np.array([0, 1, 2, 1, 0, 2])
    X_out, y_out = remove_class(X, y, 1)
    assert y_out.tolist() == [0, 2, 0, 2] and X_out.tolist() == [0.0, 2.0, 4.0, 5.0]
    with pytest.raises(ValueError, match=r"label must be a class present in y \[0, 1, 2\], got 7"):
        remove_class(X, y, 7)


def test_scale_features_default_and_explicit():
    X = np.ones((4, 6), dtype=np.float32)
    out = scale_features(X)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0], [0.01, 0.1, 1.0, 10.0, 100.0, 1000.0], rtol=1e-6)
    np.testing.assert_allclose(scale_features(X[:, :2], scales=[2, 3], offsets=[1, -1])[0], [3.0, 2.0])
    assert X.max() == 1.0
    with pytest.raises(ValueError, match="scales must hold 6 finite numbers"):
        scale_features(X, scales=[1, 2])
    with pytest.raises(ValueError, match=r"X must be a table of shape \(N, D\)"):
        scale_features(np.ones((2, 2, 2)))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 200), fraction=st.floats(0, 1), seed=st.integers(0, 1000))
def test_add_outliers_moves_exactly_the_fraction_far_away(n, fraction, seed):
    X = np.random.default_rng(seed).normal(size=(n, 3)).astype(np.float32)
    out, mask = add_outliers(X, fraction=fraction, scale=10.0, seed=seed, return_mask=True)
    assert mask.sum() == _round_half_up(fraction * n)
    np.testing.assert_array_equal(out[~mask], X[~mask])
    std = X.astype(np.float64).std(axis=0)
    std = np.where(std > 0, std, 1.0)
    distance = np.abs(out[mask].astype(np.float64) - X[mask]) / std
    assert np.all(distance >= 10.0 - 1e-3) and np.all(distance <= 20.0 + 1e-3)


def test_add_outliers_on_regression_targets():
    y = np.zeros((50, 1))
    y[::2] = 1.0  # std 0.5
    out = add_outliers(y, fraction=0.1, scale=4.0, seed=0)
    assert out.shape == (50, 1) and np.sum(out != y) == 5
    assert np.all(np.abs(out - y)[out != y] >= 2.0)


def test_add_noise_features():
    X = np.arange(8.0, dtype=np.float32).reshape(4, 2)
    out = add_noise_features(X, n_features=500, noise=2.0, seed=0)
    assert out.shape == (4, 502) and out.dtype == np.float32
    np.testing.assert_array_equal(out[:, :2], X)
    assert abs(out[:, 2:].std() - 2.0) < 0.1


@pytest.mark.parametrize("call, words", [
    (lambda: flip_labels(np.array([0, 1]), 1.5), "flip_labels: fraction must be in [0, 1], got 1.5"),
    (lambda: flip_labels(np.array([0, 1]), -0.1), "fraction must be in [0, 1], got -0.1"),
    (lambda: flip_labels(np.zeros(5, dtype=int), 0.5), "needs at least 2 classes"),
    (lambda: flip_labels(np.array([0.5, 1.0]), 0.5), "y must hold integer class labels"),
    (lambda: flip_labels(np.array([0, 4]), 0.5, num_classes=3), "num_classes=3 but y contains the label 4"),
    (lambda: swap_labels(np.array([0, 1]), 0, 3), "class_b must be a class present in y [0, 1], got 3"),
    (lambda: swap_labels(np.array([0, 1]), 1, 1), "must differ"),
    (lambda: swap_labels(np.array([0, 1]), 0, 1, fraction=2), "fraction must be in [0, 1], got 2"),
    (lambda: shuffle_independently(np.zeros(100), np.zeros(90)), "X has 100 samples but y has 90"),
    (lambda: make_imbalanced(np.zeros(100), np.zeros(90, dtype=int), ratios=[1.0]), "X has 100 samples but y has 90"),
    (lambda: add_outliers(np.zeros((5, 2)), fraction=3), "add_outliers: fraction must be in [0, 1], got 3"),
    (lambda: add_noise_features(np.zeros((5, 2)), n_features=0), "n_features must be a positive integer, got 0"),
])
def test_bad_arguments(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


@pytest.mark.parametrize("corrupt", [
    lambda X, y: flip_labels(y, 0.5, seed=0),
    lambda X, y: swap_labels(y, 0, 1, seed=0),
    lambda X, y: shuffle_independently(X, y, seed=0),
    lambda X, y: make_imbalanced(X, y, minority_class=1, fraction=0.3, seed=0),
    lambda X, y: remove_class(X, y, 2),
    lambda X, y: scale_features(X),
    lambda X, y: add_outliers(X, 0.5, seed=0),
    lambda X, y: add_noise_features(X, 3, seed=0),
])
def test_inputs_are_never_modified(corrupt):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)).astype(np.float32), np.arange(30) % 3
    X_before, y_before = X.copy(), y.copy()
    out = corrupt(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    for array in out if isinstance(out, tuple) else (out,):
        assert not np.shares_memory(array, X) and not np.shares_memory(array, y)


@pytest.mark.parametrize("corrupt", [scale_features, add_outliers, add_noise_features])
def test_corruptions_that_compute_on_x_refuse_strings_by_name(corrupt):
    with pytest.raises(TypeError, match=rf"^{corrupt.__name__}: X must hold numbers, got an array of dtype <U1"):
        corrupt(np.array([["a", "b"], ["c", "d"]]))


# ---- add_unit_errors ----

def test_add_unit_errors_multiplies_exactly_the_fraction_by_the_factor():
    y = np.arange(1.0, 21.0).reshape(10, 2)
    out, mask = add_unit_errors(y, 0.25, factor=100.0, seed=1, return_mask=True)
    assert mask.shape == (10,) and mask.sum() == 3                        # round(2.5) = 3: halves round up
    np.testing.assert_array_equal(out[mask], 100.0 * y[mask])            # every value of a chosen sample
    np.testing.assert_array_equal(out[~mask], y[~mask])
    np.testing.assert_array_equal(y, np.arange(1.0, 21.0).reshape(10, 2))   # the input is left as it was
    np.testing.assert_array_equal(add_unit_errors(y, 0.25, factor=100.0, seed=1), out)
    assert add_unit_errors(np.arange(4), 0.5, factor=0.01, seed=0).dtype == np.float32
    np.testing.assert_array_equal(add_unit_errors(y, 0.0, seed=0), y)


def test_add_unit_errors_refuses_bad_arguments():
    with pytest.raises(ValueError, match=r"add_unit_errors: fraction must be in \[0, 1\], got 2"):
        add_unit_errors(np.ones(4), 2)
    with pytest.raises(ValueError, match=r"add_unit_errors: factor must be a finite number, got inf"):
        add_unit_errors(np.ones(4), 0.5, factor=np.inf)


# ---- insert_missing ----

def test_insert_missing_by_hand():
    X = np.arange(20.0).reshape(4, 5)
    out, mask = insert_missing(X, 0.25, seed=3, return_mask=True)
    assert mask.shape == X.shape and mask.sum() == 5                   # round(0.25 * 20) entries
    assert np.array_equal(np.isnan(out), mask)
    np.testing.assert_array_equal(out[~mask], X[~mask])                # the rest untouched
    assert not np.isnan(X).any()                                       # a copy
    np.testing.assert_array_equal(insert_missing(X, 0.25, seed=3), out)  # the seed fixes the holes
    assert not np.isnan(insert_missing(X, 0.0, seed=0)).any()
    assert np.isnan(insert_missing(X, 1.0, seed=0)).all()


def test_insert_missing_makes_integers_float_and_follows_manual_seed():
    out = insert_missing(np.ones((3, 3), dtype=np.int64), 0.5, seed=0)
    assert out.dtype == np.float32 and np.isnan(out).sum() == 5        # round(4.5) = 5: halves round up
    manual_seed(7)
    a = insert_missing(np.ones((6, 6)), 0.3)
    manual_seed(7)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(insert_missing(np.ones((6, 6)), 0.3)))


def test_insert_missing_spreads_the_holes_over_every_feature():
    out = insert_missing(np.zeros((2000, 4)), 0.5, seed=0)
    per_feature = np.isnan(out).mean(axis=0)
    np.testing.assert_allclose(per_feature, 0.5, atol=0.04)           # sd of each fraction ~0.011


def test_insert_missing_bad_fraction():
    with pytest.raises(ValueError, match=r"^insert_missing: fraction must be in \[0, 1\], got 1.5"):
        insert_missing(np.zeros((2, 2)), 1.5)


# ---- make_imbalanced with a target ratio ----

def test_make_imbalanced_reaches_the_target_ratio():
    y = np.repeat([0, 1, 2], [100, 80, 60])
    X = np.arange(240.0)[:, None]
    X_out, y_out = make_imbalanced(X, y, minority_class=2, ratio=0.1, seed=0)
    assert np.bincount(y_out).tolist() == [100, 80, 10]                # round(0.1 * 100): the largest other class
    np.testing.assert_array_equal(y[X_out[:, 0].astype(int)], y_out)
    _, y_95_5 = make_imbalanced(np.zeros((200, 1)), np.repeat([0, 1], 100), minority_class=1, ratio=5 / 95, seed=0)
    assert np.bincount(y_95_5).tolist() == [100, 5]                    # round(100 * 5/95) = round(5.26)
    _, y_small = make_imbalanced(np.zeros((200, 1)), np.repeat([0, 1], 100), minority_class=0, ratio=0.001, seed=0)
    assert np.bincount(y_small).tolist() == [1, 100]                   # at least one is kept


@pytest.mark.parametrize("kwargs, words", [
    (dict(minority_class=2, ratio=0.7), "ratio=0.7 asks for 70 samples of class 2 (0.7 x the 100 of the largest "
                                        "other class), but y has only 60; the largest ratio possible is 0.6"),
    (dict(minority_class=2, ratio=0.1, fraction=0.5), "ratio goes with minority_class alone"),
    (dict(ratio=0.1), "ratio goes with minority_class alone"),
    (dict(minority_class=5, ratio=0.1), "minority_class is 5, but y has the classes [0, 1, 2]"),
    (dict(minority_class=2, ratio=0.0), "ratio must be > 0"),
    (dict(minority_class=2, ratio=1.5), "ratio must be in [0, 1], got 1.5"),
])
def test_make_imbalanced_bad_target_ratio(kwargs, words):
    with pytest.raises(ValueError) as info:
        make_imbalanced(np.zeros((240, 1)), np.repeat([0, 1, 2], [100, 80, 60]), **kwargs)
    assert words in str(info.value)
