"""Pooling kernels: references against naive loops and PyTorch, Numba twins against the references."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minnet.kernels as K
from minnet.kernels import pool, pool_numba

from . import _naive
from ._helpers import assert_same

# (x shape, kernel, stride): LeNet's 2×2, overlapping windows, odd sizes, stride > kernel
CASES = [((4, 8, 28, 28), (2, 2), (2, 2)), ((2, 3, 7, 9), (3, 3), (2, 2)), ((3, 2, 5, 6), (2, 3), (1, 1)),
         ((2, 2, 9, 8), (2, 2), (3, 3)), ((1, 1, 4, 4), (4, 4), (1, 1)), ((2, 3, 6, 5), (1, 2), (2, 1))]


def test_max_reference_matches_naive_loops(rng):
    x = rng.standard_normal((2, 3, 7, 8))
    y, arg = pool.max_pool2d_forward_numpy(x, (3, 2), (2, 3))
    np.testing.assert_array_equal(y, _naive.pool2d(x, (3, 2), (2, 3), np.max))
    np.testing.assert_array_equal(arg, _naive.max_pool2d_argmax(x, (3, 2), (2, 3)))


def test_max_ties_go_to_the_first_in_row_major_order():
    x = np.array([[[[1.0, 3.0, 3.0],
                    [3.0, 0.0, 3.0],
                    [2.0, 3.0, 1.0]]]])
    for forward in (pool.max_pool2d_forward_numpy, pool_numba.max_pool2d_forward_numba):
        y, arg = forward(x, (2, 2), (1, 1))
        np.testing.assert_array_equal(y[0, 0], [[3, 3], [3, 3]])
        np.testing.assert_array_equal(arg[0, 0], [[1, 1], [3, 5]])


def test_max_backward_accumulates_where_windows_overlap():
    # the 9 in the middle wins all four 2×2 windows of stride 1: it collects all four gradients
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 9.0
    gy = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    for forward, backward in ((pool.max_pool2d_forward_numpy, pool.max_pool2d_backward_numpy),
                              (pool_numba.max_pool2d_forward_numba, pool_numba.max_pool2d_backward_numba)):
        _, arg = forward(x, (2, 2), (1, 1))
        gx = backward(gy, arg, x.shape, (2, 2), (1, 1))
        assert gx[0, 0, 1, 1] == 10.0 and gx.sum() == 10.0


def test_max_nan_wins_its_window():
    x = np.array([[[[1.0, np.nan], [5.0, 2.0]]]])
    for forward in (pool.max_pool2d_forward_numpy, pool_numba.max_pool2d_forward_numba):
        y, arg = forward(x, (2, 2), (2, 2))
        assert np.isnan(y[0, 0, 0, 0]) and arg[0, 0, 0, 0] == 1


def test_avg_reference_matches_naive_loops(rng):
    x = rng.standard_normal((2, 3, 7, 8))
    np.testing.assert_allclose(pool.avg_pool2d_forward_numpy(x, (3, 2), (2, 3)),
                               _naive.pool2d(x, (3, 2), (2, 3), np.mean), rtol=1e-12)
    gy = rng.standard_normal((2, 3, 3, 3))
    gx = pool.avg_pool2d_backward_numpy(gy, x.shape, (3, 2), (2, 3))
    # the gradient of Σ gy·avgpool(x) is linear in x: compare with the directional derivative
    v = rng.standard_normal(x.shape)
    np.testing.assert_allclose(np.sum(gx * v), np.sum(gy * pool.avg_pool2d_forward_numpy(v, (3, 2), (2, 3))))


@pytest.mark.parametrize("xs, kernel, stride", CASES[:4])
def test_references_match_torch(rng, xs, kernel, stride):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = rng.standard_normal(xs)
    xt = torch.from_numpy(x).requires_grad_()
    yt, it = F.max_pool2d(xt, kernel, stride, return_indices=True)
    gy = rng.standard_normal(tuple(yt.shape))
    yt.backward(torch.from_numpy(gy))
    y, arg = pool.max_pool2d_forward_numpy(x, kernel, stride)
    np.testing.assert_array_equal(y, yt.detach().numpy())
    np.testing.assert_array_equal(arg, it.numpy())
    np.testing.assert_allclose(pool.max_pool2d_backward_numpy(gy, arg, x.shape, kernel, stride), xt.grad.numpy())
    xt.grad = None
    at = F.avg_pool2d(xt, kernel, stride)
    at.backward(torch.from_numpy(gy))
    np.testing.assert_allclose(pool.avg_pool2d_forward_numpy(x, kernel, stride), at.detach().numpy(), rtol=1e-12,
                               atol=1e-14)
    np.testing.assert_allclose(pool.avg_pool2d_backward_numpy(gy, x.shape, kernel, stride), xt.grad.numpy(),
                               rtol=1e-12, atol=1e-14)


def _check_twins(rng, xs, kernel, stride, dtype):
    x = rng.standard_normal(xs).astype(dtype)
    y, arg = pool_numba.max_pool2d_forward_numba(x, kernel, stride)
    y0, arg0 = pool.max_pool2d_forward_numpy(x, kernel, stride)
    assert_same(y, y0, dtype)
    np.testing.assert_array_equal(arg, arg0)
    gy = rng.standard_normal(y.shape).astype(dtype)
    assert_same(pool_numba.max_pool2d_backward_numba(gy, arg, xs, kernel, stride),
                pool.max_pool2d_backward_numpy(gy, arg0, xs, kernel, stride), dtype)
    assert_same(pool_numba.avg_pool2d_forward_numba(x, kernel, stride),
                pool.avg_pool2d_forward_numpy(x, kernel, stride), dtype)
    assert_same(pool_numba.avg_pool2d_backward_numba(gy, xs, kernel, stride),
                pool.avg_pool2d_backward_numpy(gy, xs, kernel, stride), dtype)


@pytest.mark.parametrize("xs, kernel, stride", CASES)
def test_numba_pooling_matches_reference(rng, xs, kernel, stride, dtype):
    _check_twins(rng, xs, kernel, stride, dtype)


@st.composite
def pool_shapes(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h, w = draw(st.integers(kh, 11)), draw(st.integers(kw, 11))
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, 4)), h, w)
    return shape, (kh, kw), (draw(st.integers(1, 4)), draw(st.integers(1, 4)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=pool_shapes(), dtype=st.sampled_from([np.float32, np.float64]))
def test_numba_pooling_random_shapes(rng, case, dtype):
    _check_twins(rng, *case, dtype)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_pooling_takes_strided_inputs_and_leaves_them_alone(rng, backend):
    x = rng.standard_normal((2, 3, 12, 10)).astype(np.float32)[:, ::-1, ::2]
    before = x.copy()
    with K.use_backend(backend):
        y, arg = K.max_pool2d_forward(x, (2, 2), (2, 2))
    np.testing.assert_array_equal(y, _naive.pool2d(before, (2, 2), (2, 2), np.max))
    np.testing.assert_array_equal(x, before)


def test_numba_max_backward_refuses_an_argmax_outside_the_plane():
    with pytest.raises(IndexError, match="argmax"):
        pool_numba.max_pool2d_backward_numba(np.ones((1, 1, 1, 1)), np.full((1, 1, 1, 1), 4), (1, 1, 2, 2),
                                             (2, 2), (2, 2))


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_pooling_defaults_stride_to_kernel_and_keeps_dtype(rng, backend, dtype):
    x = rng.standard_normal((2, 3, 8, 6)).astype(dtype)
    with K.use_backend(backend):
        y, arg = K.max_pool2d_forward(x, 2, None)
        gx = K.max_pool2d_backward(np.ones_like(y), arg, x.shape, 2, None)
        a = K.avg_pool2d_forward(x, (2, 3), (2, 3))
        ga = K.avg_pool2d_backward(np.ones_like(a), x.shape, (2, 3), (2, 3))
    assert y.shape == (2, 3, 4, 3) and a.shape == (2, 3, 4, 2)
    assert arg.dtype.kind == "i" and {t.dtype for t in (y, gx, a, ga)} == {np.dtype(dtype)}


@pytest.mark.parametrize("call, message", [
    (lambda x: K.max_pool2d_forward(x, 5, 1), r"window \(5, 5\)"),
    (lambda x: K.avg_pool2d_forward(x[0], 2, 2), r"got \(1, 4, 4\)"),
    (lambda x: K.max_pool2d_forward(x, 0, 1), "kernel"),
    (lambda x: K.avg_pool2d_backward(np.ones((1, 1, 3, 3)), x.shape, 2, 2), "gy"),
])
def test_public_pooling_errors_name_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call(np.ones((1, 1, 4, 4), np.float32))


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_an_empty_batch_gives_empty_outputs_and_gradients(backend, dtype):
    x = np.ones((0, 3, 6, 5), dtype)
    with K.use_backend(backend):
        y, arg = K.max_pool2d_forward(x, 2, None)
        gx = K.max_pool2d_backward(np.ones_like(y), arg, x.shape, 2, None)
        a = K.avg_pool2d_forward(x, (3, 2), (1, 2))
        ga = K.avg_pool2d_backward(np.ones_like(a), x.shape, (3, 2), (1, 2))
    assert y.shape == arg.shape == (0, 3, 3, 2) and a.shape == (0, 3, 4, 2)
    assert gx.shape == ga.shape == x.shape and gx.dtype == ga.dtype == np.dtype(dtype)
