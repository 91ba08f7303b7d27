"""The pure instruments against values counted by hand."""
import math

import numpy as np
import pytest

import minnet as mn
from minnet.monitor import dead_fraction, grad_zero_fraction, saturated_fraction, update_to_weight_ratio


def test_dead_fraction_of_features_counts_units_never_positive():
    acts = np.array([[0.0, 1.0, -2.0, 0.0],
                     [0.0, 0.0, 3.0, -1.0],
                     [-0.5, 0.0, 0.0, -4.0]])
    # unit 0: 0, 0, -0.5 -> dead; unit 1 fires once; unit 2 fires once; unit 3 never > 0 -> dead
    assert dead_fraction(acts) == 2 / 4


def test_dead_fraction_of_conv_outputs_counts_channels_over_samples_and_positions():
    acts = np.zeros((2, 3, 2, 2))
    acts[1, 0, 1, 1] = 0.1          # channel 0 fires at one position of one sample: alive
    acts[:, 2] = -1.0               # channel 2 negative everywhere: dead; channel 1 all zeros: dead
    assert dead_fraction(acts) == 2 / 3


def test_instruments_take_non_contiguous_arrays_and_tensors():
    acts = np.array([[0.0, 1.0, -2.0, 0.0], [0.0, 0.0, 3.0, -1.0]])
    assert dead_fraction(acts[:, ::2]) == 1 / 2                 # units 0 and 2: unit 0 dead
    assert dead_fraction(mn.Tensor(acts)) == 2 / 4
    assert grad_zero_fraction(mn.Tensor(acts).T[::2]) == 2 / 4  # [[0, 0], [-2, 3]]


def test_dead_fraction_of_a_single_output_and_nan():
    assert dead_fraction(np.array([0.0, -1.0, 0.0])) == 1.0
    assert dead_fraction(np.array([0.0, 2.0])) == 0.0
    # a unit that produced NaN is not counted as dead (NaN <= 0 is False): unit 1 only
    assert dead_fraction(np.array([[np.nan, -1.0], [-1.0, -1.0]])) == 0.5


def test_dead_fraction_refuses_a_scalar_and_an_empty_array():
    with pytest.raises(ValueError, match="scalar"):
        dead_fraction(np.float64(1.0))
    with pytest.raises(ValueError, match="empty"):
        dead_fraction(np.zeros((0, 3)))


def test_saturated_fraction_tanh_and_sigmoid_tails():
    a = np.array([[0.98, -0.975, 0.97, -0.97], [0.5, 1.0, -1.0, 0.0]])
    # |a| > 0.97 (strictly): 0.98, -0.975, 1.0, -1.0 -> 4 of 8
    assert saturated_fraction(a, "tanh") == 4 / 8
    s = np.array([0.01, 0.03, 0.5, 0.97, 0.99, 0.02])
    # a < 0.03 or a > 0.97: 0.01, 0.99, 0.02 -> 3 of 6 (0.03 and 0.97 themselves are not saturated)
    assert saturated_fraction(s, "sigmoid") == 3 / 6
    assert saturated_fraction(np.array([np.nan, 0.99]), "tanh") == 0.5


def test_saturated_fraction_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="'tanh' or 'sigmoid'"):
        saturated_fraction(np.zeros(3), "relu")


def test_update_to_weight_ratio_is_the_relative_change():
    before = np.array([[3.0, 0.0], [0.0, 4.0]])                 # norm 5
    after = before + np.array([[0.003, 0.0], [0.0, -0.004]])    # change of norm 0.005
    assert update_to_weight_ratio(before, after) == pytest.approx(1e-3, rel=1e-9)
    assert update_to_weight_ratio(before, before) == 0.0


def test_update_to_weight_ratio_of_a_zero_weight_and_mismatched_shapes():
    assert update_to_weight_ratio(np.zeros(3), np.ones(3)) == math.inf
    assert math.isnan(update_to_weight_ratio(np.zeros(3), np.zeros(3)))
    assert math.isnan(update_to_weight_ratio(np.ones(2), np.array([1.0, np.nan])))
    with pytest.raises(ValueError, match="same weight"):
        update_to_weight_ratio(np.ones(3), np.ones(4))


def test_update_ratio_of_a_huge_float32_weight_does_not_overflow():
    before = np.full(4, 1e20, dtype=np.float32)       # squares overflow float32; the norm is 2e20
    after = before * np.float32(1.5)
    assert update_to_weight_ratio(before, after) == pytest.approx(0.5, rel=1e-6)


def test_grad_zero_fraction_counts_exact_zeros():
    g = np.array([[0.0, 1e-30, -0.0], [np.nan, 2.0, 0.0]])
    assert grad_zero_fraction(g) == 3 / 6           # 0.0, -0.0, 0.0; tiny and NaN are not zero
    assert grad_zero_fraction(None) == 1.0          # no gradient at all
