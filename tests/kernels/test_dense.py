"""The Dense path: y = x @ W + b and its gradients, against a worked example, explicit sums and PyTorch.

Dense has one implementation (BLAS through NumPy) under both backends, so there is no twin to
compare with: every expected value here is computed another way.
"""
import numpy as np
import pytest

import minnet.kernels as K
from minnet.kernels import dense

from ._helpers import assert_same


def _by_sums(x, w, b, gy):
    """y, gx, gw, gb written as the sums of their formulas, one output at a time (float64)."""
    (n, i), o = x.shape, w.shape[1]
    y, gx, gw, gb = np.zeros((n, o)), np.zeros((n, i)), np.zeros((i, o)), np.zeros(o)
    for r in range(n):
        for c in range(o):
            y[r, c] = sum(float(x[r, k]) * float(w[k, c]) for k in range(i)) + (0 if b is None else float(b[c]))
            gb[c] += float(gy[r, c])
            for k in range(i):
                gx[r, k] += float(gy[r, c]) * float(w[k, c])
                gw[k, c] += float(x[r, k]) * float(gy[r, c])
    return y, gx, gw, gb


def test_reference_on_a_worked_example():
    # y = [1·1 + 2·0.5 + 0, 1·(−1) + 2·1 − 1, 1·0 + 2·(−2) + 1] = [2, 0, −3]
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, -1.0, 0.0], [0.5, 1.0, -2.0]])
    b = np.array([0.0, -1.0, 1.0])
    np.testing.assert_array_equal(dense.dense_forward_numpy(x, w, b), [[2.0, 0.0, -3.0]])
    # gx = gy @ Wᵀ = [1·1 + 0 + 2·0, 1·0.5 + 0 + 2·(−2)] = [1, −3.5]; gW = xᵀ gy; gb = gy
    gx, gw, gb = dense.dense_backward_numpy(np.array([[1.0, 0.0, 2.0]]), x, w)
    np.testing.assert_array_equal(gx, [[1.0, -3.5]])
    np.testing.assert_array_equal(gw, [[1.0, 0.0, 2.0], [2.0, 0.0, 4.0]])
    np.testing.assert_array_equal(gb, [1.0, 0.0, 2.0])


def test_reference_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x, w, b = rng.standard_normal((16, 7)), rng.standard_normal((7, 5)), rng.standard_normal(5)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
    yt = xt @ wt + bt
    gy = rng.standard_normal((16, 5))
    yt.backward(torch.from_numpy(gy))
    np.testing.assert_allclose(dense.dense_forward_numpy(x, w, b), yt.detach().numpy(), rtol=1e-12)
    for got, want in zip(dense.dense_backward_numpy(gy, x, w), (xt.grad, wt.grad, bt.grad)):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize("n, i, o, bias", [(5, 4, 3, True), (1, 1, 7, False), (3, 9, 1, True), (0, 4, 2, True)])
def test_public_dense_matches_the_sums(rng, backend, n, i, o, bias, dtype):
    x, w = rng.standard_normal((n, i)).astype(dtype), rng.standard_normal((i, o)).astype(dtype)
    b = rng.standard_normal(o).astype(dtype) if bias else None
    gy = rng.standard_normal((n, o)).astype(dtype)
    with K.use_backend(backend):
        got = (K.dense_forward(x, w, b), *K.dense_backward(gy, x, w))
    for a, want in zip(got, _by_sums(x, w, b, gy)):
        assert a.shape == want.shape
        assert_same(a, want, dtype, max(1.0, np.abs(want).max(initial=0)))


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_dense_backward_can_skip_the_input_gradient(rng, backend):
    x, w, gy = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    with K.use_backend(backend):
        gx, gw, gb = K.dense_backward(gy, x, w, input_grad=False)
    _, _, want_gw, want_gb = _by_sums(x, w, None, gy)
    assert gx is None
    np.testing.assert_allclose(gw, want_gw, rtol=1e-12)
    np.testing.assert_allclose(gb, want_gb, rtol=1e-12)


def test_public_dense_converts_and_refuses_shapes_that_do_not_fit():
    y = K.dense_forward(np.ones((2, 3), np.int64), np.ones((3, 2), np.float32), None)
    assert y.dtype == np.float64 and np.all(y == 3)                 # int and float32 meet in float64
    with pytest.raises(ValueError, match="dense_forward needs x"):
        K.dense_forward(np.ones((2, 3)), np.ones((4, 2)), None)
    with pytest.raises(ValueError, match="dense_backward gy"):
        K.dense_backward(np.ones((2, 3)), np.ones((2, 3)), np.ones((3, 2)))
