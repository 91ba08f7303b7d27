"""Forward values of every op against results worked out independently (loops, formulas, by hand)."""
import math

import numpy as np
import pytest

import minnet as mn

rng = np.random.default_rng(7)


def T(a):
    return mn.Tensor(np.asarray(a, dtype=np.float64))


def test_arithmetic_matches_hand_values():
    a, b = T([[1.0, 2.0], [3.0, 4.0]]), T([10.0, 20.0])
    np.testing.assert_array_equal((a + b).data, [[11, 22], [13, 24]])
    np.testing.assert_array_equal((a - b).data, [[-9, -18], [-7, -16]])
    np.testing.assert_array_equal((a * b).data, [[10, 40], [30, 80]])
    np.testing.assert_array_equal((b / a).data, [[10, 10], [10 / 3, 5]])
    np.testing.assert_array_equal((a ** 2).data, [[1, 4], [9, 16]])
    np.testing.assert_array_equal((2 ** a).data, [[2, 4], [8, 16]])
    np.testing.assert_array_equal((-a).data, [[-1, -2], [-3, -4]])
    np.testing.assert_array_equal((1 - a).data, [[0, -1], [-2, -3]])
    np.testing.assert_array_equal((np.array([1.0, 1.0]) + a).data, [[2, 3], [4, 5]])


def test_matmul_against_explicit_loops():
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))
    expected = np.zeros((2, 3, 5))
    for n in range(2):
        for i in range(3):
            for j in range(5):
                expected[n, i, j] = sum(a[n, i, k] * b[k, j] for k in range(4))
    np.testing.assert_allclose((T(a) @ T(b)).data, expected, rtol=1e-12)
    v = rng.standard_normal(4)
    np.testing.assert_allclose((T(v) @ T(v)).data, sum(x * x for x in v), rtol=1e-12)


def test_reductions_against_loops():
    x = rng.standard_normal((3, 4))
    assert T(x).sum().item() == pytest.approx(sum(x.ravel().tolist()), rel=1e-12)
    np.testing.assert_allclose(T(x).mean(axis=0).data, [sum(x[:, j]) / 3 for j in range(4)], rtol=1e-12)
    np.testing.assert_array_equal(T(x).max(axis=1, keepdims=True).data, [[max(r)] for r in x])
    np.testing.assert_array_equal(T(x).min(axis=0).data, [min(x[:, j]) for j in range(4)])
    assert T(x).sum(axis=(0, 1)).shape == ()
    assert T(x).sum(axis=-1, keepdims=True).shape == (3, 1)


def test_max_shares_the_gradient_between_ties():
    x = mn.Tensor(np.array([1.0, 3.0, 3.0, 2.0]), requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0, 0.5, 0.5, 0])


def test_elementwise_against_math_module():
    x = [-3.0, -0.5, 0.25, 2.0]
    np.testing.assert_allclose(T(x).exp().data, [math.exp(v) for v in x], rtol=1e-14)
    np.testing.assert_allclose(T(x).tanh().data, [math.tanh(v) for v in x], rtol=1e-14)
    np.testing.assert_allclose(T(x).sigmoid().data, [1 / (1 + math.exp(-v)) for v in x], rtol=1e-14)
    np.testing.assert_array_equal(T(x).relu().data, [0, 0, 0.25, 2.0])
    np.testing.assert_array_equal(T(x).abs().data, [3.0, 0.5, 0.25, 2.0])
    np.testing.assert_array_equal(T(x).clip(-1, 1).data, [-1, -0.5, 0.25, 1])
    np.testing.assert_allclose(T([0.5, 4.0]).log().data, [math.log(0.5), math.log(4.0)], rtol=1e-14)
    np.testing.assert_allclose(T([0.25, 9.0]).sqrt().data, [0.5, 3.0], rtol=1e-14)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise"):   # no overflow anywhere inside
        y = mn.Tensor(np.array([-1000.0, -50.0, 50.0, 1000.0], dtype=np.float32)).sigmoid()
    assert np.all(np.isfinite(y.data))
    np.testing.assert_allclose(y.data, [0.0, math.exp(-50), 1.0, 1.0], rtol=1e-6, atol=0)


def test_relu_and_abs_derivative_at_zero_is_zero_like_pytorch():
    x = mn.Tensor(np.zeros(3), requires_grad=True)
    (x.relu() + x.abs()).sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 0])


def test_clip_passes_gradient_at_the_bounds():
    x = mn.Tensor(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]), requires_grad=True)
    x.clip(-1, 1).sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 1, 1, 1, 0])


def test_shape_ops():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert T(x).reshape(6, 4).data[5, 3] == 23
    assert T(x).reshape((4, -1)).shape == (4, 6)
    assert T(x).transpose(2, 0, 1).data[3, 1, 2] == x[1, 2, 3]
    assert T(x).T.shape == (4, 3, 2) and T(x).T.data[3, 2, 1] == x[1, 2, 3]
    assert T(x).flatten().shape == (24,)
    assert T(x).flatten(1).shape == (2, 12)


def test_indexing_with_repeated_indices_accumulates():
    x = mn.Tensor(np.arange(5.0), requires_grad=True)
    idx = np.array([0, 3, 3, 3, 1])
    y = x[idx]
    np.testing.assert_array_equal(y.data, [0, 3, 3, 3, 1])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1, 1, 0, 3, 0])


def test_basic_and_advanced_indexing_values():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(T(x)[1].data, [4, 5, 6, 7])
    np.testing.assert_array_equal(T(x)[:, 1:3].data, [[1, 2], [5, 6], [9, 10]])
    np.testing.assert_array_equal(T(x)[[0, 2], [1, 3]].data, [1, 11])
    np.testing.assert_array_equal(T(x)[mn.Tensor(np.array([2, 0]))].data, [[8, 9, 10, 11], [0, 1, 2, 3]])


def test_combining_ops():
    a, b = T([[1.0, 2.0]]), T([[3.0, 4.0]])
    np.testing.assert_array_equal(mn.concatenate([a, b], axis=0).data, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(mn.concatenate([a, b], axis=1).data, [[1, 2, 3, 4]])
    np.testing.assert_array_equal(mn.stack([a, b], axis=0).data, [[[1, 2]], [[3, 4]]])
    np.testing.assert_array_equal(mn.where(np.array([True, False]), a, b).data, [[1, 4]])
    np.testing.assert_array_equal(mn.maximum(T([1.0, 5.0, 3.0]), 3.0).data, [3, 5, 3])


def test_comparisons_give_boolean_tensors_without_grad():
    x = mn.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    m = x > 1.5
    assert m.dtype == np.bool_ and not m.requires_grad
    np.testing.assert_array_equal(m.data, [False, True, True])
    np.testing.assert_array_equal((x == 2.0).data, [False, True, False])


def test_relu_keeps_nan_and_integer_dtype_like_pytorch():
    y = mn.Tensor(np.array([-1.0, np.nan, 2.0], dtype=np.float32)).relu()
    assert np.isnan(y.data[1]) and y.data[0] == 0 and y.dtype == np.float32
    assert mn.Tensor([1, -2]).relu().dtype == np.int64


def test_first_layer_does_not_compute_a_gradient_for_its_data():
    layer = mn.nn.Dense(3, 2)
    x = mn.Tensor(np.ones((4, 3), dtype=np.float32))
    layer(x).sum().backward()
    assert x.grad is None and layer.weight.grad.shape == (3, 2)
    conv = mn.nn.Conv2D(1, 2, 3)
    conv(mn.Tensor(np.ones((1, 1, 5, 5), dtype=np.float32))).sum().backward()
    assert conv.weight.grad.shape == (2, 1, 3, 3)
