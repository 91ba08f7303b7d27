"""The reference each student's op is compared with gives the numbers worked out by hand here: its
forward values, and the right gradients (the ones the mistakes are told apart from)."""
import numpy as np
import pytest

import minnet as mn


def _reference(name, inputs, kwargs=None, grad=None):
    ex = mn.exercises.get(name)
    kwargs = kwargs or {}
    inputs = [np.asarray(a) for a in inputs]
    out = ex.reference_forward(inputs, kwargs)
    grads = ex.true_grads(inputs, kwargs, out, np.ones_like(out) if grad is None else np.asarray(grad, float))
    return out, grads


def test_sigmoid_tanh_relu():
    out, (gx,) = _reference("sigmoid", [np.array([0.0, np.log(3.0)])])
    np.testing.assert_allclose(out, [0.5, 0.75])
    np.testing.assert_allclose(gx, [0.25, 0.75 * 0.25])
    out, (gx,) = _reference("tanh", [np.array([0.0, np.arctanh(0.5)])])
    np.testing.assert_allclose(out, [0.0, 0.5])
    np.testing.assert_allclose(gx, [1.0, 0.75])
    out, (gx,) = _reference("relu", [np.array([-1.0, 2.0])], grad=[5.0, 7.0])
    np.testing.assert_allclose(out, [0.0, 2.0])
    np.testing.assert_allclose(gx, [0.0, 7.0])


def test_matmul_broadcast_add_mean():
    out, (ga, gb) = _reference("matmul", [np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]])], grad=[[2.0]])
    np.testing.assert_allclose(out, [[11.0]])
    np.testing.assert_allclose(ga, [[6.0, 8.0]])          # G B^T
    np.testing.assert_allclose(gb, [[2.0], [4.0]])        # A^T G
    out, (gx, gb) = _reference("broadcast_add", [np.zeros((2, 3)), np.array([[1.0], [2.0]])])
    np.testing.assert_allclose(out, [[1, 1, 1], [2, 2, 2]])
    np.testing.assert_allclose(gb, [[3.0], [3.0]])        # b was used 3 times along axis 1
    out, (gx,) = _reference("mean", [np.array([[1.0, 2.0], [3.0, 4.0]])], {"axis": 0}, grad=[1.0, 2.0])
    np.testing.assert_allclose(out, [2.0, 3.0])
    np.testing.assert_allclose(gx, [[0.5, 1.0], [0.5, 1.0]])


def test_softmax_cross_entropy():
    out, (gz, glabels) = _reference("softmax_cross_entropy", [np.array([[0.0, 0.0], [0.0, np.log(3.0)]]),
                                                              np.array([1, 0])])
    np.testing.assert_allclose(out, (np.log(2) + np.log(4)) / 2)
    np.testing.assert_allclose(gz, [[0.25, -0.25], [-0.375, 0.375]])   # (p - onehot) / N
    assert glabels is None


def test_max_pool2d_and_conv2d():
    x = np.array([[1.0, 3.0, 0.0], [2.0, 0.0, 5.0], [4.0, 1.0, 2.0]]).reshape(1, 1, 3, 3)
    out, (gx,) = _reference("max_pool2d", [x], {"kernel_size": 2, "stride": 1})
    np.testing.assert_allclose(out.reshape(2, 2), [[3.0, 5.0], [4.0, 5.0]])
    np.testing.assert_allclose(gx.reshape(3, 3), [[0, 1, 0], [0, 0, 2], [1, 0, 0]])    # 5 wins two windows
    out, (gx, gw, gb) = _reference("conv2d", [np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.array([1.0])])
    np.testing.assert_allclose(out, np.full((1, 1, 2, 2), 5.0))
    np.testing.assert_allclose(gx.reshape(3, 3), [[1, 2, 1], [2, 4, 2], [1, 2, 1]])    # taps reading each pixel
    np.testing.assert_allclose(gw, np.full((1, 1, 2, 2), 4.0))
    np.testing.assert_allclose(gb, [4.0])


def test_batch_norm():
    out, (gx, ggamma, gbeta) = _reference("batch_norm", [np.array([[1.0], [3.0]]), np.array([2.0]), np.array([0.5])],
                                          {"eps": 0.0}, grad=[[1.0], [0.0]])
    np.testing.assert_allclose(out, [[-1.5], [2.5]])       # mean 2, var 1: xhat = [-1, 1]
    np.testing.assert_allclose(gbeta, [1.0])
    np.testing.assert_allclose(ggamma, [-1.0])
    # gamma·inv_std·(g − mean g − xhat·mean(g·xhat)) = 2·([1, 0] − 0.5 − [−1, 1]·(−0.5)) = [0, 0]
    np.testing.assert_allclose(gx, [[0.0], [0.0]], atol=1e-12)


def test_dropout_truth_follows_the_mask_of_the_output():
    ex = mn.exercises.get("dropout")
    x, out = np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 0.0, 0.0, 8.0])
    (gx,) = ex.true_grads([x], {"p": 0.5}, out, np.array([1.0, 1.0, 1.0, 3.0]))
    np.testing.assert_allclose(gx, [2.0, 0.0, 0.0, 6.0])


@pytest.mark.parametrize("name", [ex.name for ex in mn.exercises.catalog() if ex.name != "dropout"])
def test_each_case_stays_in_its_op_s_domain(name):
    """The reference passes gradcheck on every case: no input sits at a kink or a tie."""
    ex = mn.exercises.get(name)
    for case in ex.cases:
        if case.gradcheck:
            with mn.kernels.use_backend("numpy"):
                report = mn.gradcheck(lambda *a: ex.reference(*a, **case.kwargs), case.inputs(),
                                      names=list(ex.input_names))
            assert report.ok and report.max_rel_error < 1e-4, f"{case.label}\n{report}"
