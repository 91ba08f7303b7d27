"""mn.gradcheck itself: it must pass right gradients and catch wrong ones, and explain itself."""
import sys

import numpy as np
import pytest

import minnet as mn


class WrongSquare(mn.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return x * grad            # should be 2 * x * grad


def test_catches_a_wrong_backward_and_points_at_the_worst_element():
    x = np.array([1.0, -3.0, 0.5])
    report = mn.gradcheck(WrongSquare.apply, [x])
    assert not report.ok
    row = report.inputs[0]
    # numerical d(sum r_i x_i^2)/dx_i = 2 r_i x_i, analytical r_i x_i: half of it, relative error 1/2
    assert row.max_rel_error == pytest.approx(0.5, rel=1e-6)
    assert row.numerical == pytest.approx(2 * row.analytical, rel=1e-6)
    assert "WRONG" in str(report) and "Relative error" in str(report)


def test_passes_a_right_backward_with_tiny_errors():
    report = mn.gradcheck(lambda a, b: (a * b).sum(), [np.ones(3), np.arange(3.0)])
    assert report.ok and report.max_rel_error < 1e-8
    assert [r.name for r in report.inputs] == ["input 0", "input 1"]
    assert "OK" in str(report) and "fine" in str(report)


def test_only_inputs_requiring_grad_are_checked_and_labels_pass_through():
    x = mn.Tensor(np.array([1.0, 2.0]), requires_grad=False)
    w = mn.Tensor(np.array([0.5, -1.0]), requires_grad=True)
    labels = np.array([1, 0])
    report = mn.gradcheck(lambda a, b, y: (a * b)[y].sum(), [x, w, labels], names=["x", "w", "y"])
    assert [r.name for r in report.inputs] == ["w"]
    assert report.ok


def test_runs_in_float64_even_when_the_default_is_float32():
    seen = []
    report = mn.gradcheck(lambda a: seen.append(a.dtype) or (a * mn.Tensor(2.0)).sum(),
                          [mn.Tensor(np.ones(2, dtype=np.float32), requires_grad=True)])
    assert report.ok and seen[0] == np.float64
    assert mn.get_default_dtype() == np.float32


def test_random_ops_see_the_same_draws_in_every_evaluation():
    def noisy(a):
        mask = mn.get_rng().random(a.shape) > 0.5
        return (a * mask).sum()
    assert mn.gradcheck(noisy, [np.arange(1.0, 7.0)]).ok


def test_does_not_disturb_existing_gradients():
    x = mn.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    x.grad = np.array([7.0, 7.0])
    mn.gradcheck(lambda a: (a * a).sum(), [x])
    np.testing.assert_array_equal(x.grad, [7.0, 7.0])


def test_gradcheck_module_checks_parameters_and_restores_buffers_in_their_dtype():
    bn = mn.nn.BatchNorm1D(3)
    bn.eval()
    bn.running_mean[:] = np.array([0.1, -0.2, 0.3], dtype=np.float32)
    before = bn.running_mean.copy()
    x = np.random.default_rng(0).standard_normal((4, 3))
    report = mn.gradcheck_module(bn, x)
    assert report.ok, str(report)
    assert [r.name for r in report.inputs] == ["input", "weight", "bias"]
    assert bn.running_mean.dtype == np.float32 and bn.weight.dtype == np.float32
    np.testing.assert_array_equal(bn.running_mean, before)


def test_numpy_functions_see_a_tensor_as_its_array():
    t = mn.Tensor([[1.0, 2.0]])
    assert np.shape(t) == (1, 2)
    np.testing.assert_array_equal(np.asarray(t), [[1.0, 2.0]])
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


def test_integer_inputs_are_reported_as_constants_not_checked():
    report = mn.gradcheck(lambda a, b: (a * b).sum(), [np.array([1, 2, 3]), np.array([1.0, 2.0, 3.0])])
    assert [r.name for r in report.inputs] == ["input 1"]
    assert [c.name for c in report.constants] == ["input 0"]
    text = str(report)
    assert "input 0" in text and "int64" in text and "constant" in text and "not checked" in text
    assert "np.array([1., 2., 3.])" in text            # how to check it instead
    assert "not checked: input 0" in repr(report)


def test_a_check_of_nothing_but_integer_inputs_warns():
    with pytest.warns(UserWarning, match=r"nothing was checked.*input 0.*int64.*pass floats"):
        report = mn.gradcheck(lambda x: (mn.Tensor(np.ones(3)) * x).sum(), [np.array([1, 2, 3])])
    assert report.inputs == [] and "nothing was checked" in str(report)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes need Python 3.11")
def test_a_function_that_fails_on_an_integer_input_is_told_why():
    with pytest.raises(AttributeError) as info:      # the integer array reaches fn as a NumPy array
        mn.gradcheck(lambda x: x.exp().sum(), [np.array([1, 2, 3])])
    assert any("input 0 is an integer array" in n for n in info.value.__notes__)


def test_labels_a_mask_and_a_frozen_tensor_are_listed_as_constants():
    x = mn.Tensor(np.array([1.0, 2.0]), requires_grad=False)
    w = np.array([0.5, -1.0])
    inputs = [x, w, np.array([1, 0]), np.array([True, False])]
    report = mn.gradcheck(lambda a, b, y, m: ((a * b)[y] * m).sum(), inputs, names=["x", "w", "y", "mask"])
    assert [r.name for r in report.inputs] == ["w"] and report.ok
    reasons = {c.name: c.reason for c in report.constants}
    assert set(reasons) == {"x", "y", "mask"}
    assert "requires_grad=False" in reasons["x"] and "integer" in reasons["y"] and "bool" in reasons["mask"]
