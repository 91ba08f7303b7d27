"""Standardizer and MinMaxScaler (statistics from the training data only, no silent NaN), scale_images."""
import contextlib
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minnet.data import MinMaxScaler, Standardizer, scale_images


def _train_val():
    rng = np.random.default_rng(0)
    X_train = rng.normal([5.0, -200.0, 0.001], [2.0, 50.0, 0.0005], size=(200, 3)).astype(np.float32)
    X_val = rng.normal([9.0, 100.0, 0.0], [1.0, 10.0, 0.001], size=(50, 3)).astype(np.float32)
    return X_train, X_val


def test_statistics_come_from_the_training_data_only():
    X_train, X_val = _train_val()
    s = Standardizer().fit(X_train)
    X64 = X_train.astype(np.float64)
    np.testing.assert_allclose(s.mean_, X64.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(s.std_, X64.std(axis=0), rtol=1e-12)
    np.testing.assert_allclose(s.transform(X_val), (X_val.astype(np.float64) - X64.mean(0)) / X64.std(0), rtol=1e-5)
    Z = s.transform(X_train)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, atol=1e-5)
    # Transforming the validation data does not refit: its mean is not pulled to zero.
    assert np.all(np.abs(s.transform(X_val).mean(axis=0)) > 0.5)


def test_inverse_transform_round_trip_and_fit_transform():
    X_train, X_val = _train_val()
    s = Standardizer()
    np.testing.assert_allclose(s.fit_transform(X_train), s.transform(X_train))
    np.testing.assert_allclose(s.inverse_transform(s.transform(X_val)), X_val, rtol=1e-5, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=20),
                  elements=st.floats(-1e6, 1e6)))
def test_never_returns_nan(X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            Z = Standardizer(zero_variance="warn").fit_transform(X)
        except ValueError:
            pytest.fail("the 'warn' policy must not refuse")
    assert np.all(np.isfinite(Z))
    constant = np.any(X.std(axis=0) <= 1e-8)
    with pytest.raises(ValueError, match="do not vary") if constant else contextlib.nullcontext():
        Standardizer().fit(X)


def test_zero_variance_raises_by_default_and_names_the_feature():
    X = np.array([[1.0, 7.0, 0.0], [2.0, 7.0, 1.0], [3.0, 7.0, 2.0]])
    with pytest.raises(ValueError, match=r"1 feature\(s\) do not vary .*flat indices \[1\]"):
        Standardizer().fit(X)


def test_zero_variance_warn_policy_centres_without_scaling():
    X = np.array([[1.0, 7.0], [3.0, 7.0]])
    with pytest.warns(UserWarning, match="left unscaled"):
        s = Standardizer(zero_variance="warn").fit(X)
    assert s.std_.tolist() == [1.0, 1.0]
    np.testing.assert_array_equal(s.transform(np.array([[2.0, 9.0]])), [[0.0, 2.0]])


def test_nan_input_is_refused():
    with pytest.raises(ValueError, match="NaN or infinity"):
        Standardizer().fit(np.array([[1.0], [np.nan]]))


def test_per_channel_statistics_for_images():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(10, 3, 4, 4)) * np.array([1.0, 10.0, 100.0])[None, :, None, None]
    s = Standardizer(axis=(0, 2, 3)).fit(X)
    assert s.mean_.shape == (3,)
    np.testing.assert_allclose(s.std_, [X[:, c].std() for c in range(3)])
    Z = s.transform(X[:2, :, :2, :2])  # other image sizes use the same per-channel numbers
    np.testing.assert_allclose(Z[:, 1], (X[:2, 1, :2, :2] - X[:, 1].mean()) / X[:, 1].std())


def test_errors_before_fit_and_on_wrong_shape():
    with pytest.raises(RuntimeError, match="call fit"):
        Standardizer().transform(np.zeros((2, 2)))
    s = Standardizer().fit(np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(2,\) but got X of shape \(5, 3\)"):
        s.transform(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"a single sample needs a batch axis"):
        s.transform(np.zeros(2))
    with pytest.raises(ValueError, match="zero_variance must be one of"):
        Standardizer(zero_variance="ignore")
    with pytest.raises(ValueError, match="axis must include 0"):
        Standardizer(axis=1).fit(np.zeros((3, 2)))


def test_minmax_scaler():
    X_train = np.array([[0.0, -10.0], [5.0, 10.0], [10.0, 0.0]])
    s = MinMaxScaler().fit(X_train)
    assert s.min_.tolist() == [0.0, -10.0] and s.range_.tolist() == [10.0, 20.0]
    np.testing.assert_allclose(s.transform(X_train), [[0.0, 0.0], [0.5, 1.0], [1.0, 0.5]])
    np.testing.assert_allclose(s.transform(np.array([[20.0, 30.0]])), [[2.0, 2.0]])  # no clipping
    np.testing.assert_allclose(s.inverse_transform(s.transform(X_train)), X_train)
    with pytest.raises(ValueError, match="do not vary"):
        MinMaxScaler().fit(np.ones((3, 2)))


def test_scale_images():
    pixels = np.array([[0, 128, 255]], dtype=np.uint8)
    np.testing.assert_allclose(scale_images(pixels), [[0.0, 128 / 255, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(scale_images(pixels, center=True), [[-1.0, 2 * 128 / 255 - 1, 1.0]], rtol=1e-6)
    assert scale_images(pixels).dtype == np.float32
    with pytest.raises(ValueError, match=r"max_value=1.0.*pass the right max_value"):
        scale_images(pixels, max_value=1.0)
    with pytest.raises(ValueError, match="max_value must be a positive number, got 0"):
        scale_images(pixels, max_value=0)


WORDS = np.array([["red", "1.5"], ["blue", "2.0"]])


@pytest.mark.parametrize("scaler", [Standardizer, MinMaxScaler])
def test_strings_are_refused_with_a_message_when_fitting_and_transforming(scaler):
    name = scaler.__name__
    with pytest.raises(TypeError, match=rf"^{name}.fit: X must hold numbers, got an array of dtype <U4 "
                                        r"\(first values \['red', '1.5', 'blue'\]\); .*one_hot_columns"):
        scaler().fit(WORDS)
    fitted = scaler().fit(np.array([[0.0, 1.0], [1.0, 3.0]]))
    for method in ("transform", "inverse_transform"):
        with pytest.raises(TypeError, match=rf"^{name}.{method}: X must hold numbers, got an array of dtype <U4"):
            getattr(fitted, method)(WORDS)


def test_python_objects_and_ragged_rows_are_refused():
    with pytest.raises(TypeError, match=r"Standardizer.fit: X must hold numbers, got an array of dtype object"):
        Standardizer().fit(np.array([[1.0, None], [2.0, 3.0]], dtype=object))
    with pytest.raises(ValueError, match=r"Standardizer.fit: X cannot be read as one array \(rows of different lengths\?\)"):
        Standardizer().fit([[1.0, 2.0], [3.0]])


def test_minmax_feature_range_by_hand():
    X_train = np.array([[0.0, 10.0], [5.0, 20.0], [10.0, 30.0]])
    scaler = MinMaxScaler(feature_range=(-1, 1)).fit(X_train)
    # x' = a + (x - min) / (max - min) * (b - a) with a = -1, b = 1: min -> -1, midpoint -> 0, max -> 1
    np.testing.assert_allclose(scaler.transform(X_train), [[-1, -1], [0, 0], [1, 1]], atol=1e-12)
    # outside the training range, outside [a, b]: 20 -> -1 + 20/10 * 2 = 3, 0 -> -1 + (-10/20) * 2 = -2
    np.testing.assert_allclose(scaler.transform(np.array([[20.0, 0.0]])), [[3.0, -2.0]], atol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X_train)), X_train, atol=1e-12)
    assert scaler.min_.tolist() == [0.0, 10.0] and scaler.range_.tolist() == [10.0, 20.0]
    shifted = MinMaxScaler(feature_range=(2, 3)).fit_transform(np.array([[1.0], [3.0]]))
    assert shifted.ravel().tolist() == [2.0, 3.0]


@pytest.mark.parametrize("bad", [(1, 0), (0, 0), (0, np.inf), (np.nan, 1), "ab", (0,), (0, 1, 2), (False, True)])
def test_minmax_feature_range_must_be_an_increasing_pair(bad):
    with pytest.raises(ValueError, match=r"^MinMaxScaler: feature_range must be a pair of finite numbers \(a, b\) "
                                         r"with a < b"):
        MinMaxScaler(feature_range=bad)
