"""The Dense path: y = x @ W + b, its gradients, and the fused bias + ReLU forward and ReLU mask."""
import numpy as np
import pytest

import minnet.kernels as K
from minnet.kernels import dense, dense_numba

from ._helpers import assert_same


def test_reference_on_a_worked_example():
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, -1.0, 0.0], [0.5, 1.0, -2.0]])
    b = np.array([0.0, -1.0, 1.0])
    np.testing.assert_array_equal(dense.dense_forward_numpy(x, w, b), [[2.0, 0.0, -3.0]])
    np.testing.assert_array_equal(dense.dense_relu_forward_numpy(x, w, b), [[2.0, 0.0, 0.0]])
    gx, gw, gb = dense.dense_backward_numpy(np.array([[1.0, 0.0, 2.0]]), x, w)
    np.testing.assert_array_equal(gx, [[1.0, -3.5]])
    np.testing.assert_array_equal(gw, [[1.0, 0.0, 2.0], [2.0, 0.0, 4.0]])
    np.testing.assert_array_equal(gb, [1.0, 0.0, 2.0])


def test_fused_relu_keeps_nan():
    x, w = np.array([[np.nan, 1.0]]), np.eye(2)
    for forward in (dense.dense_relu_forward_numpy, dense_numba.dense_relu_forward_numba):
        assert np.isnan(forward(x, w, None)[0, 0])


def test_reference_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x, w, b = rng.standard_normal((16, 7)), rng.standard_normal((7, 5)), rng.standard_normal(5)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
    yt = torch.relu(xt @ wt + bt)
    gy = rng.standard_normal((16, 5))
    yt.backward(torch.from_numpy(gy))
    y = dense.dense_relu_forward_numpy(x, w, b)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12)
    g = np.where(y > 0, gy, 0)
    for got, want in zip(dense.dense_backward_numpy(g, x, w), (xt.grad, wt.grad, bt.grad)):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("n, i, o", [(128, 784, 256), (128, 256, 128), (3, 5, 1), (1, 1, 7)])
def test_numba_matches_reference(rng, n, i, o, dtype):
    x, w, b = rng.standard_normal((n, i)).astype(dtype), rng.standard_normal((i, o)).astype(dtype), \
        rng.standard_normal(o).astype(dtype)
    y = dense_numba.dense_relu_forward_numba(x, w, b)
    want = dense.dense_relu_forward_numpy(x, w, b)
    assert_same(y, want, dtype, np.abs(want).max())
    assert_same(dense_numba.dense_relu_forward_numba(x, w, None), dense.dense_relu_forward_numpy(x, w, None),
                dtype, np.abs(want).max())
    gy = rng.standard_normal((n, o)).astype(dtype)
    for got, ref in zip(dense_numba.dense_backward_numba(gy, x, w), dense.dense_backward_numpy(gy, x, w)):
        assert_same(got, ref, dtype, np.abs(ref).max())


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_dense_takes_leading_axes_and_keeps_dtype(rng, backend, dtype):
    x = rng.standard_normal((2, 3, 4)).astype(dtype)
    w, b = rng.standard_normal((4, 5)).astype(dtype), rng.standard_normal(5).astype(dtype)
    with K.use_backend(backend):
        y = K.dense_forward(x, w, b)
        gx, gw, gb = K.dense_backward(np.ones_like(y), x, w)
        r = K.dense_relu_forward(x, w, b)
        m = K.relu_backward_mask(np.ones_like(r), r)
    assert y.shape == r.shape == (2, 3, 5) and gx.shape == x.shape and gw.shape == w.shape and gb.shape == (5,)
    assert {a.dtype for a in (y, gx, gw, gb, r, m)} == {np.dtype(dtype)}
    assert_same(gw, x.reshape(6, 4).T @ np.ones((6, 5)), dtype, 10)
    with pytest.raises(ValueError, match="in_features = 4"):
        K.dense_forward(x[..., :3], w, b)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_dense_backward_can_skip_the_input_gradient(rng, backend):
    x, w, gy = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    with K.use_backend(backend):
        gx, gw, gb = K.dense_backward(gy, x, w, input_grad=False)
    assert gx is None
    np.testing.assert_allclose(gw, x.T @ gy)
    np.testing.assert_allclose(gb, gy.sum(0))
