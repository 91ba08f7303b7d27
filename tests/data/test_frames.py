"""local_frame: centred on the centroid, turned so the forward direction points along +x, worked out by hand."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minnet.data import local_frame, point_patterns


def test_a_shifted_and_turned_pattern_by_hand():
    # an L of three points at (5, 5), (5, 7), (3, 7): centroid (13/3, 19/3); forward (0 -> 1) = (0, 2), theta = 90 deg
    X = np.array([[[5.0, 5.0], [5.0, 7.0], [3.0, 7.0]]])
    # centred: (2/3, -4/3), (2/3, 2/3), (-4/3, 2/3); turning by -90 deg maps (x, y) to (y, -x)
    expected = [[[-4 / 3, -2 / 3], [2 / 3, -2 / 3], [2 / 3, 4 / 3]]]
    np.testing.assert_allclose(local_frame(X), expected, atol=1e-12)
    assert local_frame(X).dtype == np.float64 and local_frame(X.astype(np.float32)).dtype == np.float32
    # forward (2, 1) points along +x already (from (3, 7) to (5, 7)): only the centring is left
    np.testing.assert_allclose(local_frame(X, forward=(2, 1)), X - X.mean(axis=1, keepdims=True), atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(theta=st.floats(0, 2 * np.pi), tx=st.floats(-100, 100), ty=st.floats(-100, 100), seed=st.integers(0, 99))
def test_the_same_pattern_anywhere_facing_any_way_gets_the_same_coordinates(theta, tx, ty, seed):
    X = np.random.default_rng(seed).normal(size=(3, 5, 2))
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    moved = X @ R.T + np.array([tx, ty])
    np.testing.assert_allclose(local_frame(moved), local_frame(X), atol=1e-8)


def test_a_mirrored_pattern_stays_mirrored():
    X = np.array([[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]])
    mirrored = X * np.array([1.0, -1.0])
    assert not np.allclose(local_frame(mirrored), local_frame(X))
    np.testing.assert_allclose(local_frame(mirrored), local_frame(X) * np.array([1.0, -1.0]), atol=1e-12)


def test_point_patterns_of_one_class_coincide_in_the_local_frame():
    X, y = point_patterns(60, num_classes=3, n_points=5, noise=0.0, seed=1)
    assert np.ptp(X.reshape(60, -1), axis=0).max() > 5          # in the global frame they are all over the place
    local = local_frame(X)
    for c in range(3):
        np.testing.assert_allclose(local[y == c], np.broadcast_to(local[y == c][0], local[y == c].shape), atol=1e-5)
    assert not np.allclose(local[y == 0][0], local[y == 1][0], atol=1e-2)


def test_errors_are_named():
    with pytest.raises(ValueError, match=r"local_frame: X must hold 2-D points, shape \(N, P, 2\), got shape \(4, 3\)"):
        local_frame(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"local_frame: forward must be two different point indices \(a, b\) of the "
                                         r"3 points, got \(0, 3\)"):
        local_frame(np.zeros((2, 3, 2)), forward=(0, 3))
    with pytest.raises(ValueError, match=r"forward must be two different point indices"):
        local_frame(np.zeros((2, 3, 2)), forward=(1, -2))
