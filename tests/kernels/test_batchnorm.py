"""Batch-norm kernels: references against formulas worked out here and PyTorch, Numba twins against
the references."""
import numpy as np
import pytest

import minnet.kernels as K
from minnet.kernels import batchnorm, batchnorm_numba

from ._helpers import assert_same

SHAPES = [(64, 16, 14, 14), (128, 256), (5, 3), (3, 4, 7), (2, 3, 4, 5, 2), (1, 6, 3, 3)]


def _params(rng, c, dtype):
    return (1 + 0.1 * rng.standard_normal(c)).astype(dtype), rng.standard_normal(c).astype(dtype)


def test_reference_statistics_on_a_small_example():
    # channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance 1.25); channel 1 holds 10 four times
    x = np.array([[[1.0, 2.0], [10.0, 10.0]], [[3.0, 4.0], [10.0, 10.0]]])      # (N=2, C=2, S=2)
    gamma, beta = np.array([2.0, 1.0]), np.array([0.5, 0.0])
    y, mean, var, xhat, inv_std = batchnorm.batch_norm_forward_numpy(x, gamma, beta, 1e-5)
    np.testing.assert_allclose(mean, [2.5, 10.0])
    np.testing.assert_allclose(var, [1.25, 0.0])
    np.testing.assert_allclose(inv_std, [1 / np.sqrt(1.25 + 1e-5), 1 / np.sqrt(1e-5)])
    np.testing.assert_allclose(xhat[:, 0].ravel(), (np.array([1, 2, 3, 4]) - 2.5) / np.sqrt(1.25 + 1e-5))
    np.testing.assert_array_equal(xhat[:, 1], 0)                # a constant channel normalises to 0, not NaN
    np.testing.assert_allclose(y[:, 0], 2 * xhat[:, 0] + 0.5)


def test_reference_backward_is_the_derivative(rng):
    x = rng.standard_normal((4, 3, 5))
    gamma, beta = _params(rng, 3, np.float64)
    gy = rng.standard_normal(x.shape)
    _, _, _, xhat, inv_std = batchnorm.batch_norm_forward_numpy(x, gamma, beta, 1e-5)
    gx, ggamma, gbeta = batchnorm.batch_norm_backward_numpy(gy, xhat, inv_std, gamma)
    loss = lambda x_, g_, b_: np.sum(gy * batchnorm.batch_norm_forward_numpy(x_, g_, b_, 1e-5)[0])  # noqa: E731
    h = 1e-6
    for got, arg in ((gx, 0), (ggamma, 1), (gbeta, 2)):
        args = [x, gamma, beta]
        v = rng.standard_normal(args[arg].shape)
        plus = list(args); plus[arg] = args[arg] + h * v
        minus = list(args); minus[arg] = args[arg] - h * v
        numeric = (loss(*plus) - loss(*minus)) / (2 * h)
        np.testing.assert_allclose(np.sum(got * v), numeric, rtol=1e-6)


@pytest.mark.parametrize("shape", SHAPES[2:5])
def test_reference_matches_torch(rng, shape):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal(shape) * 3 + 1
    gamma, beta = _params(rng, shape[1], np.float64)
    xt, gt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, gamma, beta))
    yt = torch.nn.functional.batch_norm(xt, None, None, gt, bt, training=True, eps=1e-5)
    gy = rng.standard_normal(shape)
    yt.backward(torch.from_numpy(gy))
    y, mean, var, xhat, inv_std = batchnorm.batch_norm_forward_numpy(x, gamma, beta, 1e-5)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    for got, want in zip(batchnorm.batch_norm_backward_numpy(gy, xhat, inv_std, gamma), (xt.grad, gt.grad, bt.grad)):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("shape", SHAPES)
def test_numba_batch_norm_matches_reference(rng, shape, dtype):
    x = (rng.standard_normal(shape) * 2 + 0.5).astype(dtype)
    gamma, beta = _params(rng, shape[1], dtype)
    got = batchnorm_numba.batch_norm_forward_numba(x, gamma, beta, 1e-5)
    want = batchnorm.batch_norm_forward_numpy(x, gamma, beta, 1e-5)
    for a, b in zip(got, want):
        assert a.shape == b.shape
        assert_same(a, b, dtype, 10)
    gy = rng.standard_normal(shape).astype(dtype)
    for a, b in zip(batchnorm_numba.batch_norm_backward_numba(gy, want[3], want[4], gamma),
                    batchnorm.batch_norm_backward_numpy(gy, want[3], want[4], gamma)):
        assert_same(a, b, dtype, np.abs(b).max())


def test_numba_batch_norm_keeps_its_digits_with_a_large_mean(rng):
    # float32 values around 1e4 with spread 1: a one-pass E[x²] − E[x]² formula would lose them all
    x = (1e4 + rng.standard_normal((256, 4, 8, 8))).astype(np.float32)
    _, mean, var, xhat, _ = batchnorm_numba.batch_norm_forward_numba(x, np.ones(4, np.float32),
                                                                     np.zeros(4, np.float32), 1e-5)
    exact = x.astype(np.float64).var(axis=(0, 2, 3))
    np.testing.assert_allclose(var, exact, rtol=1e-4)
    np.testing.assert_allclose(xhat.std(axis=(0, 2, 3)), 1, rtol=1e-3)


def test_numba_batch_norm_accepts_strided_input_and_leaves_it_alone(rng):
    x = rng.standard_normal((6, 8, 5)).astype(np.float32)[::2, ::-2]
    before = x.copy()
    gamma, beta = _params(rng, 4, np.float32)
    got = batchnorm_numba.batch_norm_forward_numba(x, gamma, beta, 1e-3)
    assert_same(got[0], batchnorm.batch_norm_forward_numpy(x, gamma, beta, 1e-3)[0], np.float32, 10)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_batch_norm_shapes_and_errors(rng, backend):
    x = rng.standard_normal((8, 3, 4, 4)).astype(np.float32)
    gamma, beta = _params(rng, 3, np.float32)
    with K.use_backend(backend):
        y, mean, var, xhat, inv_std = K.batch_norm_forward(x, gamma, beta, 1e-5)
        gx, ggamma, gbeta = K.batch_norm_backward(np.ones_like(y), xhat, inv_std, gamma)
    assert y.shape == x.shape and mean.shape == var.shape == inv_std.shape == ggamma.shape == (3,)
    assert {a.dtype for a in (y, mean, var, xhat, inv_std, gx, ggamma, gbeta)} == {np.dtype(np.float32)}
    with pytest.raises(ValueError, match="gamma"):
        K.batch_norm_forward(x, gamma[:2], beta, 1e-5)
    with pytest.raises(ValueError, match=r"\(N, C, ...\)"):
        K.batch_norm_forward(x[0, 0, 0], gamma, beta, 1e-5)
