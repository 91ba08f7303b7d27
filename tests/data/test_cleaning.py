"""VarianceThreshold and find_outliers, against variances and robust z-scores worked out by hand."""
import numpy as np
import pytest

from minnet.data import VarianceThreshold, find_outliers

# columns: variance 8/3 (1, 3, 5: deviations 2, 0, 2 -> 8/3), 0 (constant), 8/9 (2, 2, 4: mean 8/3)
X_TRAIN = np.array([[1.0, 5.0, 2.0],
                    [3.0, 5.0, 2.0],
                    [5.0, 5.0, 4.0]])


def test_variances_and_the_kept_features_by_hand():
    selector = VarianceThreshold().fit(X_TRAIN)
    np.testing.assert_allclose(selector.variances_, [8 / 3, 0.0, 8 / 9], rtol=1e-12)
    assert selector.get_support().tolist() == [True, False, True]
    np.testing.assert_array_equal(selector.transform(X_TRAIN), X_TRAIN[:, [0, 2]])
    # a threshold between 8/9 and 8/3 keeps the first feature only
    assert VarianceThreshold(1.0).fit(X_TRAIN).get_support().tolist() == [True, False, False]


def test_other_splits_lose_the_same_features_even_where_they_vary():
    selector = VarianceThreshold().fit(X_TRAIN)
    X_val = np.array([[7.0, -1.0, 0.5], [8.0, 9.0, 0.25]], dtype=np.float32)
    out = selector.fit(X_TRAIN).transform(X_val)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, X_val[:, [0, 2]])
    np.testing.assert_array_equal(VarianceThreshold().fit_transform(X_TRAIN), X_TRAIN[:, [0, 2]])


def test_variance_threshold_errors_are_named():
    with pytest.raises(RuntimeError, match=r"VarianceThreshold.transform: call fit\(X_train\) first"):
        VarianceThreshold().transform(X_TRAIN)
    with pytest.raises(ValueError, match=r"VarianceThreshold.fit: no feature has a variance above threshold=0 "
                                         r"\(the largest is 0\)"):
        VarianceThreshold().fit(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"VarianceThreshold.fit: X contains NaN"):
        VarianceThreshold().fit(np.array([[1.0, np.nan], [2.0, 3.0]]))
    with pytest.raises(ValueError, match=r"VarianceThreshold.transform: fitted on 3 features but got X of shape \(2, 2\)"):
        VarianceThreshold().fit(X_TRAIN).transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"VarianceThreshold.fit: X must be a table of shape \(N, D\)"):
        VarianceThreshold().fit(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"VarianceThreshold: threshold must be a number >= 0, got -1"):
        VarianceThreshold(-1)


def test_find_outliers_by_hand():
    # median 11.5; deviations 1.5 .5 .5 1.5 2.5 88.5; MAD = median of them = 1.5
    # modified z-scores 0.6745 * dev / 1.5: 0.67, 0.22, 0.22, 0.67, 1.12 and 39.8 for the 100
    values = np.array([10.0, 12.0, 11.0, 13.0, 9.0, 100.0])
    assert find_outliers(values).tolist() == [False] * 5 + [True]
    # the threshold decides: 9 scores 1.124, so a threshold of 1.1 flags it (and 100), 1.2 does not
    assert find_outliers(values, threshold=1.1).tolist() == [False, False, False, False, True, True]
    assert find_outliers(values, threshold=1.2).tolist() == [False] * 5 + [True]


def test_find_outliers_marks_a_sample_when_any_of_its_values_is_far():
    X = np.array([[10.0, 1.0], [12.0, 2.0], [11.0, 3.0], [13.0, -50.0], [9.0, 2.0], [11.0, 1.0]])
    # column 1: median 1.5, deviations .5 .5 1.5 51.5 .5 .5 -> MAD .5; -50 scores 0.6745 * 51.5 / .5 = 69
    assert find_outliers(X).tolist() == [False, False, False, True, False, False]
    assert find_outliers(X.reshape(6, 2, 1)).tolist() == find_outliers(X).tolist()   # any trailing shape


def test_find_outliers_falls_back_to_the_mean_absolute_deviation_where_the_mad_is_zero():
    # nine zeros and a 4: MAD = 0; mean absolute deviation 0.4; 0.7979 * 4 / 0.4 = 7.98 > 3.5
    assert find_outliers(np.array([0.0] * 9 + [4.0])).tolist() == [False] * 9 + [True]
    # six zeros and four ones: MAD = 0; meanAD 0.4; 0.7979 * 1 / 0.4 = 1.99 < 3.5
    assert not find_outliers(np.array([0.0] * 6 + [1.0] * 4)).any()
    assert not find_outliers(np.full(5, 7.0)).any()                      # a constant flags nothing


def test_find_outliers_is_not_fooled_where_the_standard_deviation_is():
    # two wild values inflate the std so much that neither is 3 std from the mean; the MAD is not moved
    values = np.array([0.0, 1.0, -1.0, 0.5, -0.5, 0.2, -0.2, 0.8, -0.8, 0.1, 50.0, 60.0])
    z = np.abs(values - values.mean()) / values.std()
    assert z.max() < 3
    assert find_outliers(values).tolist() == [False] * 10 + [True, True]


def test_find_outliers_errors_are_named():
    with pytest.raises(ValueError, match=r"find_outliers: X contains NaN or infinity"):
        find_outliers(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"find_outliers: threshold must be a number >= 0"):
        find_outliers(np.ones(3), threshold=-1)
