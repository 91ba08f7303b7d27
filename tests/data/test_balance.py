"""class_weights and oversample, the data-side fixes for imbalance."""
import numpy as np
import pytest

from minnet.data import class_weights, oversample


def test_class_weights_formula():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    w = class_weights(y)
    np.testing.assert_allclose(w, [100 / (3 * 60), 100 / (3 * 30), 100 / (3 * 10)], rtol=1e-6)
    # Weighted, every class counts the same in total.
    np.testing.assert_allclose(w * np.bincount(y), 100 / 3, rtol=1e-6)
    np.testing.assert_allclose(class_weights(np.arange(10) % 2), [1.0, 1.0])


def test_class_weights_refuses_absent_classes():
    with pytest.raises(ValueError, match=r"class\(es\) \[1\] have no samples"):
        class_weights(np.array([0, 2, 2]))


def test_oversample_balances_with_copies_of_real_samples():
    X = np.arange(13.0)[:, None]
    y = np.repeat([0, 1, 2], [8, 3, 2])
    X_out, y_out = oversample(X, y, seed=0)
    assert np.bincount(y_out).tolist() == [8, 8, 8]
    np.testing.assert_array_equal(X_out[:13], X)  # originals first
    np.testing.assert_array_equal(y[X_out[:, 0].astype(int)], y_out)  # copies keep their labels
