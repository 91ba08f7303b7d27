"""train_val_split: a partition of the samples, the asked sizes, stratification, warnings."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minnet._random import manual_seed
from minnet.data import train_val_split


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 300), val_fraction=st.floats(0.05, 0.95), seed=st.integers(0, 10_000))
def test_partition_with_the_asked_size(n, val_fraction, seed):
    X = np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 3), dtype=np.float32)
    y = np.arange(n) * 10  # every row identifiable, and a float-free label array
    expected_val = int(np.floor(val_fraction * n + 0.5))
    if expected_val in (0, n):
        with pytest.raises(ValueError, match="leaves no"):
            train_val_split(X, y, val_fraction, seed=seed)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each label is its own class here
        X_tr, y_tr, X_va, y_va = train_val_split(X, y, val_fraction, seed=seed)
    assert len(y_va) == expected_val and len(y_tr) == n - expected_val
    assert sorted(np.concatenate([y_tr, y_va]).tolist()) == y.tolist()
    np.testing.assert_array_equal(X_tr[:, 0] * 10, y_tr)  # rows stay with their labels
    np.testing.assert_array_equal(X_va[:, 0] * 10, y_va)


def test_stratified_split_keeps_proportions():
    y = np.repeat([0, 1, 2], [500, 300, 200])
    X = np.arange(1000.0)[:, None]
    X_tr, y_tr, X_va, y_va = train_val_split(X, y, val_fraction=0.2, stratify=True, seed=0)
    assert np.bincount(y_va).tolist() == [100, 60, 40]
    assert np.bincount(y_tr).tolist() == [400, 240, 160]
    np.testing.assert_array_equal(y[X_va[:, 0].astype(int)], y_va)


def test_split_is_shuffled_and_seeded():
    X, y = np.arange(100.0)[:, None], np.arange(100) % 2
    first = train_val_split(X, y, seed=3)
    np.testing.assert_array_equal(first[0], train_val_split(X, y, seed=3)[0])
    assert not np.array_equal(first[0], train_val_split(X, y, seed=4)[0])
    assert not np.all(np.diff(first[0][:, 0]) > 0), "the training part should not come out sorted"
    manual_seed(1)
    a = train_val_split(X, y)
    manual_seed(1)
    b = train_val_split(X, y)
    np.testing.assert_array_equal(a[2], b[2])


def test_regression_targets_are_split_too():
    X, y = np.arange(10.0)[:, None], np.arange(10.0)[:, None] * 2
    X_tr, y_tr, X_va, y_va = train_val_split(X, y, val_fraction=0.3, seed=0)
    assert y_va.shape == (3, 1)
    np.testing.assert_array_equal(y_tr, X_tr * 2)


def test_warns_when_a_class_is_missing_from_a_part():
    y = np.array([0] * 50 + [1])
    X = np.zeros((51, 2))
    with pytest.warns(UserWarning, match=r"class\(es\) \[1\] have no samples in the (validation|training) part"):
        for seed in range(20):  # the single sample of class 1 lands in one part only
            train_val_split(X, y, val_fraction=0.2, seed=seed)


@pytest.mark.parametrize("kwargs, words", [
    (dict(val_fraction=1.5), "train_val_split: val_fraction must be in [0, 1], got 1.5"),
    (dict(val_fraction=-0.1), "val_fraction must be in [0, 1], got -0.1"),
    (dict(val_fraction=0.0), "val_fraction=0.0 leaves no validation samples out of 10"),
    (dict(val_fraction=1.0), "leaves no training samples"),
])
def test_bad_fractions(kwargs, words):
    with pytest.raises(ValueError) as info:
        train_val_split(np.zeros((10, 2)), np.arange(10) % 2, **kwargs)
    assert words in str(info.value)


def test_mismatched_lengths_and_non_label_stratify():
    with pytest.raises(ValueError, match="X has 100 samples but y has 90"):
        train_val_split(np.zeros((100, 2)), np.zeros(90))
    with pytest.raises(ValueError, match="y must hold integer class labels"):
        train_val_split(np.zeros((10, 2)), np.linspace(0, 1, 10), stratify=True)
