"""NumPy functions on a Tensor: minnet's op where it has one (graph kept), the numbers where no
gradient is wanted, and otherwise a TypeError that says what to call instead."""
import numpy as np
import pytest

import minnet as mn

X = np.array([[0.3, -1.2, 2.6], [1.7, 0.4, -0.9]])


def leaf():
    return mn.Tensor(X.copy(), requires_grad=True)


def test_np_round_keeps_the_graph_and_its_gradient_is_zero():
    t = leaf()
    y = np.round(t)
    assert isinstance(y, mn.Tensor) and y.requires_grad
    np.testing.assert_array_equal(y.data, [[0, -1, 3], [2, 0, -1]])
    (y * t).sum().backward()                  # d/dt [round(t)·t] = round(t)
    np.testing.assert_array_equal(t.grad, [[0, -1, 3], [2, 0, -1]])


@pytest.mark.parametrize("call, value, grad", [
    (lambda t: np.exp(t), np.exp(X), np.exp(X)),
    (lambda t: np.tanh(t), np.tanh(X), 1 - np.tanh(X) ** 2),
    (lambda t: np.abs(t), np.abs(X), np.sign(X)),
    (lambda t: np.square(t), X ** 2, 2 * X),
    (lambda t: np.maximum(t, 0.5), np.maximum(X, 0.5), (X > 0.5) * 1.0),
    (lambda t: np.minimum(t, 0.5), np.minimum(X, 0.5), (X < 0.5) * 1.0),
    (lambda t: np.sum(t, axis=1, keepdims=True), X.sum(1, keepdims=True), np.ones_like(X)),
    (lambda t: np.mean(t), X.mean(), np.full_like(X, 1 / 6)),
    (lambda t: np.max(t, axis=0), X.max(0), [[0, 0, 1], [1, 1, 0]]),
    (lambda t: np.min(t), X.min(), [[0, 1, 0], [0, 0, 0]]),
    (lambda t: np.clip(t, -1, 1), np.clip(X, -1, 1), [[1, 0, 0], [0, 1, 1]]),
    (lambda t: np.reshape(t, (3, 2)), X.reshape(3, 2), np.ones_like(X)),
    (lambda t: np.transpose(t), X.T, np.ones_like(X)),
    (lambda t: np.ravel(t), X.ravel(), np.ones_like(X)),
    (lambda t: np.expand_dims(t, 0), X[None], np.ones_like(X)),
    (lambda t: np.concatenate([t, np.zeros((1, 3))]), np.vstack([X, np.zeros((1, 3))]), np.ones_like(X)),
    (lambda t: np.stack([t, t], axis=2), np.stack([X, X], 2), np.full_like(X, 2)),
    (lambda t: np.where(X > 0, t, 0.0), np.where(X > 0, X, 0), (X > 0) * 1.0),
    (lambda t: np.dot(t, np.ones(3)), X.sum(1), np.ones_like(X)),
    (lambda t: np.ones(3) + t, 1 + X, np.ones_like(X)),
    (lambda t: np.full(3, 2.0) * t, 2 * X, np.full_like(X, 2)),
    (lambda t: np.ones((3, 2)) @ t, np.ones((3, 2)) @ X, np.full_like(X, 3)),
    (lambda t: np.float64(3.0) - t, 3 - X, -np.ones_like(X)),
])
def test_numpy_functions_that_minnet_has_keep_the_graph(call, value, grad):
    t = leaf()
    y = call(t)
    assert isinstance(y, mn.Tensor) and y.requires_grad
    np.testing.assert_allclose(y.data, value, rtol=1e-15)
    y.sum().backward()
    np.testing.assert_allclose(t.grad, grad, rtol=1e-15)


def test_comparisons_with_an_array_on_the_left_give_boolean_tensors():
    m = np.zeros(3) < leaf()
    assert isinstance(m, mn.Tensor) and m.dtype == np.bool_ and not m.requires_grad
    np.testing.assert_array_equal(m.data, X > 0)


@pytest.mark.parametrize("call, words", [
    (lambda t: np.sin(t), r"np\.sin\(\) got a tensor that requires grad.*mn\.Function.*t\.data"),
    (lambda t: np.log1p(t), r"Use \(x \+ 1\)\.log\(\) instead"),
    (lambda t: np.var(t), r"Use \(\(t - t\.mean"),
    (lambda t: np.median(t), r"np\.median\(\).*no op for it"),
    (lambda t: np.sum(t, dtype=np.float32), r"np\.sum as its own op, but not with dtype="),
    (lambda t: np.add.reduce(t), r"np\.add\.reduce\(\)"),
    (lambda t: np.exp(t, out=np.empty((2, 3))), r"not with out=.*arr = arr \+ t"),
])
def test_other_numpy_functions_on_a_tensor_that_requires_grad_say_what_to_call(call, words):
    with pytest.raises(TypeError, match=words):
        call(leaf())


def test_adding_a_tensor_into_an_array_in_place_is_refused():
    arr = np.zeros((2, 3))
    with pytest.raises(TypeError, match="out="):
        arr += leaf()
    arr += mn.Tensor(X)               # no gradient wanted: the numbers are added
    np.testing.assert_array_equal(arr, X)


def test_without_a_gradient_numpy_functions_work_on_the_numbers():
    out = np.sin(mn.Tensor(X))
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, np.sin(X))
    np.testing.assert_array_equal(np.sin(leaf().detach()), np.sin(X))
    with mn.no_grad():
        assert np.median(leaf()) == np.median(X)
    assert np.sum(mn.Tensor(X), dtype=np.float32).dtype == np.float32


def test_functions_whose_result_has_no_gradient_always_work():
    t = leaf()
    assert np.shape(t) == (2, 3) and np.ndim(t) == 2 and np.size(t) == 6
    np.testing.assert_array_equal(np.isfinite(t), np.ones((2, 3), bool))
    assert np.allclose(t, X) and np.array_equal(t, X) and np.any(t > 2)
    np.testing.assert_array_equal(np.argsort(t, axis=1), np.argsort(X, axis=1))
    np.testing.assert_array_equal(np.where(t > 0)[1], [0, 2, 0, 1])
    np.testing.assert_allclose(t, X)
    np.testing.assert_array_equal(np.asarray(t), X)
    assert np.argmax(t).item() == 2 and isinstance(np.argmax(t), mn.Tensor)
