"""The patterns any op's wrong gradient can show, recognised on hand-made arrays."""
import numpy as np

from minnet.exercises.diagnose import constant_factor, describe_factor, generic_mistakes, same
from minnet.exercises.exercise import Trial

RIGHT = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.5]])


def _names(grads, truth=(RIGHT,), inputs=(np.zeros((2, 3)),), ignored=None):
    trial = Trial(tuple(inputs), {}, np.zeros(1), np.ones(1), tuple(truth))
    return [m.name for m in generic_mistakes(trial, grads, 0, ["x", "b"][:len(inputs)], ignored)]


def test_constant_factor_and_its_words():
    assert constant_factor(3 * RIGHT, RIGHT) == 3
    assert constant_factor(RIGHT, RIGHT) is None
    assert constant_factor(RIGHT + 1, RIGHT) is None
    assert describe_factor(-1.0) == "has the wrong sign (it is -1 times the right value)"
    assert describe_factor(4.0) == "is 4 times the right value"
    assert describe_factor(0.25) == "is 1/4 of the right value"
    assert describe_factor(0.7) == "is 0.7 times the right value"


def test_each_generic_pattern():
    assert _names((RIGHT * 0.5,)) == ["constant_factor"]
    assert _names((np.zeros((2, 3)),)) == ["zero"]
    assert _names((RIGHT.T,)) == ["transposed"]
    assert _names((np.where(RIGHT > 0, np.inf, RIGHT),)) == ["not_finite"]
    assert _names((np.ones((2, 3)),), ignored=(np.ones((2, 3)),)) == ["ignores_upstream"]
    assert _names((np.ones(4),)) == ["wrong_shape"]
    assert _names((np.stack([RIGHT, np.zeros((2, 3))]),)) == ["not_reduced"]     # (2, 2, 3) summed over axis 0
    assert _names((np.full((2, 3), 7.0),), truth=(RIGHT, np.full((2, 3), 7.0)),
                  inputs=(np.zeros((2, 3)), np.zeros((2, 3)))) == ["wrong_order"]
    assert _names((RIGHT + np.arange(6).reshape(2, 3),)) == []       # nothing familiar


def test_a_smaller_gradient_that_broadcasts_to_the_right_one():
    trial = Trial((np.zeros((2, 3)),), {}, np.zeros(()), np.ones(()), (np.full((2, 3), 0.5),))
    assert [m.name for m in generic_mistakes(trial, (np.array(0.5),), 0, ["x"], None)] == ["not_spread"]


def test_same_wants_equal_shapes():
    assert same(np.ones(3), np.ones(3)) and not same(np.ones(3), np.ones((1, 3))) and not same(None, np.ones(3))
