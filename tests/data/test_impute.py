"""SimpleImputer: fill values learnt from the training data only, worked out by hand."""
import numpy as np
import pytest

from minnet.data import SimpleImputer, insert_missing

NAN = np.nan
X_TRAIN = np.array([[1.0, NAN, 5.0],
                    [3.0, 10.0, NAN],
                    [NAN, 20.0, 6.0],
                    [8.0, 30.0, 100.0]])
# observed values per column: {1, 3, 8}, {10, 20, 30}, {5, 6, 100}
MEANS, MEDIANS = [4.0, 20.0, 37.0], [3.0, 20.0, 6.0]


@pytest.mark.parametrize("strategy, expected", [("mean", MEANS), ("median", MEDIANS)])
def test_fill_values_are_the_statistics_of_the_observed_training_values(strategy, expected):
    imputer = SimpleImputer(strategy).fit(X_TRAIN)
    np.testing.assert_allclose(imputer.statistics_, expected, rtol=1e-12)
    filled = imputer.transform(X_TRAIN)
    np.testing.assert_allclose(filled, np.where(np.isnan(X_TRAIN), expected, X_TRAIN), rtol=1e-12)
    assert np.isnan(X_TRAIN[0, 1])                                  # the input is left as it was


def test_other_splits_are_filled_with_the_training_values():
    imputer = SimpleImputer().fit(X_TRAIN)
    X_val = np.array([[NAN, NAN, NAN], [0.0, -1.0, np.inf]], dtype=np.float32)
    out = imputer.transform(X_val)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.array([[4.0, 20.0, 37.0], [0.0, -1.0, np.inf]], dtype=np.float32))


def test_insert_missing_then_impute_leaves_no_hole_and_keeps_the_observed_values():
    X = np.arange(40.0).reshape(10, 4)
    holed, mask = insert_missing(X, 0.3, seed=0, return_mask=True)
    filled = SimpleImputer("median").fit_transform(holed)
    assert not np.isnan(filled).any()
    np.testing.assert_array_equal(filled[~mask], X[~mask])
    for j in range(4):                                              # each hole holds its column's median
        np.testing.assert_array_equal(filled[mask[:, j], j], np.median(X[~mask[:, j], j]))


def test_errors_are_named():
    with pytest.raises(ValueError, match=r"^SimpleImputer.fit: 1 feature\(s\) are missing in every sample given to "
                                         r"fit \(flat indices \[1\]\)"):
        SimpleImputer().fit(np.array([[1.0, NAN], [2.0, NAN]]))
    with pytest.raises(RuntimeError, match=r"SimpleImputer.transform: call fit\(X_train\) first"):
        SimpleImputer().transform(X_TRAIN)
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(3,\) but got X of shape \(2, 2\)"):
        SimpleImputer().fit(X_TRAIN).transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"strategy must be one of \('mean', 'median'\), got 'mode'"):
        SimpleImputer("mode")
    with pytest.raises(ValueError, match="X has no samples"):
        SimpleImputer().fit(np.zeros((0, 3)))
    with pytest.raises(TypeError, match=r"SimpleImputer.fit: X must hold numbers"):
        SimpleImputer().fit(np.array([["a", "b"]]))
