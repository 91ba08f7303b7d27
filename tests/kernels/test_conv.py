"""Convolution kernels: the references against naive loops and PyTorch, the Numba twins against the
references on random shapes, strides and paddings, in float32 and float64."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minnet.kernels as K
from minnet.kernels import conv, conv_gemm_numba, conv_numba

from . import _naive
from ._helpers import assert_same

# (x shape, w shape, stride, padding): LeNet sizes, odd sizes, stride > kernel, 1×1 kernels, ...
CASES_2D = [
    ((3, 1, 28, 28), (8, 1, 3, 3), (1, 1), (1, 1)),
    ((4, 8, 14, 14), (16, 8, 3, 3), (1, 1), (1, 1)),
    ((5, 3, 11, 9), (4, 3, 3, 2), (2, 3), (1, 2)),
    ((3, 2, 7, 8), (3, 2, 5, 4), (3, 2), (2, 0)),
    ((2, 3, 6, 6), (2, 3, 1, 1), (1, 1), (0, 0)),
    ((4, 2, 9, 9), (3, 2, 2, 2), (3, 3), (0, 1)),
    ((1, 1, 5, 5), (1, 1, 5, 5), (1, 1), (0, 0)),
    ((2, 5, 4, 13), (7, 5, 4, 3), (2, 1), (3, 1)),
]
CASES_1D = [((64, 1, 40), (25, 1, 5), 2, 0), ((64, 25, 18), (25, 25, 3), 2, 0), ((5, 3, 17), (4, 3, 3), 1, 1),
            ((3, 2, 9), (2, 2, 4), 3, 2), ((2, 4, 6), (3, 4, 1), 1, 0)]


def _arrays(rng, xs, ws, dtype):
    x, w = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype)
    return x, w, rng.standard_normal(ws[0]).astype(dtype)


# --- the references are right ------------------------------------------------------------------

@pytest.mark.parametrize("xs, ws, stride, padding", [((2, 2, 6, 5), (3, 2, 3, 2), (1, 1), (1, 0)),
                                                     ((2, 3, 7, 7), (2, 3, 3, 3), (2, 2), (1, 1)),
                                                     ((1, 2, 5, 8), (2, 2, 2, 3), (3, 2), (0, 2))])
def test_reference_matches_naive_loops(rng, xs, ws, stride, padding):
    x, w, b = _arrays(rng, xs, ws, np.float64)
    y = conv.conv2d_forward_numpy(x, w, b, stride, padding)
    np.testing.assert_allclose(y, _naive.conv2d(x, w, b, stride, padding), rtol=1e-12, atol=1e-12)
    gy = rng.standard_normal(y.shape)
    for got, want in zip(conv.conv2d_backward_numpy(gy, x, w, stride, padding),
                         _naive.conv2d_backward(gy, x, w, stride, padding)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_reference_worked_example():
    # a 3×3 image of ones and a 2×2 kernel of ones: every output sums 4 ones; with padding 1 the
    # corners see one pixel, the edges two
    y = conv.conv2d_forward_numpy(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), None, (1, 1), (1, 1))
    np.testing.assert_array_equal(y[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


@pytest.mark.parametrize("case", CASES_2D[:6])
def test_reference_conv2d_matches_torch(rng, case):
    torch = pytest.importorskip("torch")
    xs, ws, stride, padding = case
    x, w, b = _arrays(rng, xs, ws, np.float64)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
    yt = torch.nn.functional.conv2d(xt, wt, bt, stride=stride, padding=padding)
    gy = rng.standard_normal(tuple(yt.shape))
    yt.backward(torch.from_numpy(gy))
    np.testing.assert_allclose(conv.conv2d_forward_numpy(x, w, b, stride, padding), yt.detach().numpy(), rtol=1e-10)
    for got, want in zip(conv.conv2d_backward_numpy(gy, x, w, stride, padding), (xt.grad, wt.grad, bt.grad)):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", CASES_1D)
def test_reference_conv1d_matches_torch(rng, case):
    torch = pytest.importorskip("torch")
    xs, ws, stride, padding = case
    x, w, b = _arrays(rng, xs, ws, np.float64)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
    yt = torch.nn.functional.conv1d(xt, wt, bt, stride=stride, padding=padding)
    gy = rng.standard_normal(tuple(yt.shape))
    yt.backward(torch.from_numpy(gy))
    np.testing.assert_allclose(conv.conv1d_forward_numpy(x, w, b, stride, padding), yt.detach().numpy(), rtol=1e-10)
    for got, want in zip(conv.conv1d_backward_numpy(gy, x, w, stride, padding), (xt.grad, wt.grad, bt.grad)):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-10, atol=1e-12)


# --- the Numba twins agree with the references -------------------------------------------------

METHODS = {"direct": (conv_numba.direct_forward, conv_numba.direct_backward),
           "gemm": (conv_gemm_numba.forward, conv_gemm_numba.backward),
           "chosen": (conv_numba.conv2d_forward_numba, conv_numba.conv2d_backward_numba)}


def _check_conv2d_twin(rng, xs, ws, stride, padding, dtype, bias=True, method="chosen"):
    forward, backward = METHODS[method]
    x, w, b = _arrays(rng, xs, ws, dtype)
    b = b if bias else None
    y = forward(x, w, b, stride, padding)
    want = conv.conv2d_forward_numpy(x, w, b, stride, padding)
    assert_same(y, want, dtype, np.abs(want).max())
    gy = rng.standard_normal(y.shape).astype(dtype)
    for got, ref in zip(backward(gy, x, w, stride, padding), conv.conv2d_backward_numpy(gy, x, w, stride, padding)):
        assert_same(got, ref, dtype, np.abs(ref).max())
    none, gw, _ = backward(gy, x, w, stride, padding, False)
    assert none is None
    assert_same(gw, conv.conv2d_backward_numpy(gy, x, w, stride, padding)[1], dtype, np.abs(gw).max())


# wide layers, where the twin chooses im2col + GEMM
CASES_WIDE = [((4, 32, 14, 14), (64, 32, 3, 3), (1, 1), (1, 1)), ((3, 8, 9, 7), (32, 8, 3, 3), (2, 1), (0, 1)),
              ((2, 16, 6, 6), (40, 16, 2, 2), (2, 2), (1, 1))]


@pytest.mark.parametrize("method", ["direct", "gemm", "chosen"])
@pytest.mark.parametrize("case", CASES_2D + CASES_WIDE)
def test_numba_conv2d_matches_reference(rng, case, dtype, method):
    _check_conv2d_twin(rng, *case, dtype, method=method)


def test_wide_layers_take_the_gemm_and_narrow_ones_the_loops():
    assert conv_numba.uses_gemm(64, 32, 3, 3) and conv_numba.uses_gemm(32, 8, 3, 3)
    assert not conv_numba.uses_gemm(8, 1, 3, 3) and not conv_numba.uses_gemm(16, 8, 3, 3)   # LeNet
    assert not conv_numba.uses_gemm(25, 25, 1, 3)                                          # the small Conv1D


@pytest.mark.parametrize("case", CASES_1D + [((6, 32, 30), (64, 32, 1, 5), 2, 2)])
def test_numba_conv1d_matches_reference(rng, case, dtype):
    xs, ws, stride, padding = case
    x, w, b = _arrays(rng, xs, ws, dtype)
    w = w.reshape(ws[0], ws[1], -1)
    y = conv_numba.conv1d_forward_numba(x, w, b, stride, padding)
    want = conv.conv1d_forward_numpy(x, w, b, stride, padding)
    assert_same(y, want, dtype, np.abs(want).max())
    gy = rng.standard_normal(y.shape).astype(dtype)
    for got, ref in zip(conv_numba.conv1d_backward_numba(gy, x, w, stride, padding),
                        conv.conv1d_backward_numpy(gy, x, w, stride, padding)):
        assert_same(got, ref, dtype, np.abs(ref).max())


@pytest.mark.parametrize("kernel, stride, padding", [((3, 3), (1, 1), (1, 1)), ((2, 3), (2, 3), (0, 2)),
                                                     ((5, 1), (3, 1), (2, 0))])
def test_numba_im2col_and_col2im_match_the_references(rng, kernel, stride, padding, dtype):
    x = rng.standard_normal((5, 3, 8, 7)).astype(dtype)
    OH, OW = (K.output_size(s, k, st, p) for s, k, st, p in zip(x.shape[2:], kernel, stride, padding))
    want = conv.im2col_numpy(x, kernel, stride, padding)
    cols = np.zeros(((3 * kernel[0] * kernel[1]), 3 * OH * OW), dtype)               # images 1..3 only
    geo = (*stride, *padding, OH, OW, conv_gemm_numba._inside(kernel[0], stride[0], padding[0], 8, OH),
           conv_gemm_numba._inside(kernel[1], stride[1], padding[1], 7, OW))
    conv_gemm_numba._im2col(x, 1, 4, *geo, cols, False)
    np.testing.assert_array_equal(cols, want.reshape(-1, 5, OH * OW)[:, 1:4].reshape(cols.shape))
    g = rng.standard_normal(want.shape).astype(dtype)
    gx = np.full(x.shape, np.nan, dtype)
    conv_gemm_numba._im2col(gx, 1, 4, *geo, np.ascontiguousarray(g.reshape(-1, 5, OH * OW)[:, 1:4]).reshape(cols.shape),
                            True)
    assert_same(gx[1:4], conv.col2im_numpy(g, x.shape, kernel, stride, padding)[1:4], dtype, 10)
    assert np.isnan(gx[0]).all() and np.isnan(gx[4]).all()                         # other images untouched


def test_gemm_jobs_and_chunks_of_uneven_size_give_the_reference(rng, monkeypatch, dtype):
    # 11 images in jobs of 3 and chunks of 2: the last job holds 2 images, some chunks only 1
    monkeypatch.setattr(conv_gemm_numba, "_JOB_WORK", 1)
    monkeypatch.setattr(conv_gemm_numba, "_MAX_JOBS", 4)
    x, w, b = _arrays(rng, (11, 3, 6, 5), (4, 3, 3, 2), dtype)
    monkeypatch.setattr(conv_gemm_numba, "_CHUNK_BYTES", 2 * 18 * 6 * 6 * x.itemsize)   # (C·KH·KW)·(OH·OW)
    assert conv_gemm_numba._geometry(x, w, (1, 1), (1, 1))[1:] == (3, 4, 2)     # images per job, jobs, per chunk
    _check_conv2d_twin(rng, (11, 3, 6, 5), (4, 3, 3, 2), (1, 1), (1, 1), dtype, method="gemm")


@st.composite
def conv_shapes(draw):
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, kh - 2 * ph), 12))
    w = draw(st.integers(max(1, kw - 2 * pw), 12))
    n, c, f = draw(st.integers(1, 9)), draw(st.integers(1, 4)), draw(st.integers(1, 5))
    return (n, c, h, w), (f, c, kh, kw), (sh, sw), (ph, pw)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=conv_shapes(), dtype=st.sampled_from([np.float32, np.float64]), bias=st.booleans(),
       method=st.sampled_from(["direct", "gemm"]))
def test_numba_conv2d_random_shapes(rng, shapes, dtype, bias, method):
    _check_conv2d_twin(rng, *shapes, dtype, bias, method)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_conv_accepts_non_contiguous_inputs_and_leaves_them_alone(rng, backend, dtype):
    x = rng.standard_normal((6, 3, 10, 12)).astype(dtype).transpose(0, 1, 3, 2)[::2]     # (3, 3, 12, 10), strided
    w = rng.standard_normal((3, 4, 3, 3)).astype(dtype).transpose(1, 0, 3, 2)            # (4, 3, 3, 3)
    b = rng.standard_normal(8).astype(dtype)[::2]
    saved = [a.copy() for a in (x, w, b)]
    with K.use_backend(backend):
        y = K.conv2d_forward(x, w, b, (2, 1), (1, 1))
        gy = rng.standard_normal(y.shape).astype(dtype).copy(order="F")
        grads = K.conv2d_backward(gy, x, w, (2, 1), (1, 1))
    expected = _naive.conv2d(*saved, (2, 1), (1, 1))
    assert_same(y, expected, dtype, np.abs(expected).max())
    for got, want in zip(grads, _naive.conv2d_backward(gy, saved[0], saved[1], (2, 1), (1, 1))):
        assert_same(got, want, dtype, np.abs(want).max())
    for a, before in zip((x, w, b), saved):
        np.testing.assert_array_equal(a, before)


def test_numba_conv_is_bit_for_bit_repeatable(rng):
    x, w, b = _arrays(rng, (64, 8, 14, 14), (16, 8, 3, 3), np.float32)
    gy = rng.standard_normal((64, 16, 14, 14)).astype(np.float32)
    first = [conv_numba.conv2d_forward_numba(x, w, b, (1, 1), (1, 1)),
             *conv_numba.conv2d_backward_numba(gy, x, w, (1, 1), (1, 1))]
    for _ in range(3):
        again = [conv_numba.conv2d_forward_numba(x, w, b, (1, 1), (1, 1)),
                 *conv_numba.conv2d_backward_numba(gy, x, w, (1, 1), (1, 1))]
        for a, b_ in zip(first, again):
            np.testing.assert_array_equal(a, b_)


@pytest.fixture
def split_everything(monkeypatch):
    """Make every kernel call split over ``threads`` threads, counting the calls that were split."""
    from minnet.kernels import _threads
    calls = []
    monkeypatch.setattr(_threads, "_get_pool", lambda n, get=_threads._get_pool: calls.append(n) or get(n))

    def use(threads):
        monkeypatch.setattr(_threads, "_num_threads", threads)
        monkeypatch.setattr(_threads, "MIN_SECONDS_PER_THREAD", 1e-12 if threads > 1 else 1.0)
        monkeypatch.setattr(_threads, "GEMM_JOB_SECONDS", 1e-12)
        monkeypatch.setattr(conv_gemm_numba, "_JOB_WORK", 1)
        return calls
    return use


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("method, ws", [("direct", (6, 4, 3, 3)), ("gemm", (32, 4, 3, 3))])
def test_numba_conv_does_not_depend_on_the_thread_count(rng, split_everything, threads, method, ws):
    x, w, b = _arrays(rng, (32, 4, 12, 12), ws, np.float32)
    gy = rng.standard_normal((32, ws[0], 12, 12)).astype(np.float32)
    forward, backward = METHODS[method]
    run = lambda: [forward(x, w, b, (1, 1), (1, 1)), *backward(gy, x, w, (1, 1), (1, 1))]    # noqa: E731
    split_everything(1)
    one = run()
    calls = split_everything(threads)
    many = run()
    assert calls, "the calls were not split over threads"
    for a, b_ in zip(many, one):
        np.testing.assert_array_equal(a, b_)


@pytest.mark.parametrize("threads", [2, 3])
def test_matmul_does_not_depend_on_the_thread_count(rng, split_everything, threads):
    from minnet.kernels import _threads
    a, b = rng.standard_normal((200, 70)).astype(np.float32), rng.standard_normal((70, 30)).astype(np.float32)
    split_everything(1)
    one = [_threads.matmul(a, b), _threads.matmul(a.T.copy().T, b)]
    calls = split_everything(threads)
    many = [_threads.matmul(a, b), _threads.matmul(a.T.copy().T, b)]
    assert calls
    for x, y in zip(one, many):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_allclose(x, a.astype(np.float64) @ b, rtol=1e-4, atol=1e-4)



def test_a_product_as_large_as_an_mlps_first_layer_uses_both_cores(rng, monkeypatch):
    # 128 x 784 @ 784 x 256, the MLP benchmark's first layer: about 0.6 ms of BLAS, two row blocks of
    # about 0.3 ms, each worth a thread (a block is one BLAS call, with nothing else to set up)
    from minnet.kernels import _threads
    calls = []
    monkeypatch.setattr(_threads, "_get_pool", lambda n, get=_threads._get_pool: calls.append(n) or get(n))
    monkeypatch.setattr(_threads, "_num_threads", 2)
    a, b = rng.standard_normal((128, 784)).astype(np.float32), rng.standard_normal((784, 256)).astype(np.float32)
    out = _threads.matmul(a, b)
    assert calls, "the product was not split over the two threads"
    np.testing.assert_allclose(out, a.astype(np.float64) @ b, rtol=1e-4, atol=1e-3)


def test_blas_runs_on_one_thread_once_a_kernel_ran():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    K.dense_forward(np.ones((2, 3)), np.ones((3, 2)), None)
    assert {lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"} == {1}


def test_a_big_convolution_splits_even_right_after_a_big_matrix_product(monkeypatch):
    from minnet.kernels import _threads
    monkeypatch.setattr(_threads, "_num_threads", 2)
    pools = []
    monkeypatch.setattr(_threads, "_get_pool", lambda n, get=_threads._get_pool: pools.append(n) or get(n))
    x, w = np.ones((64, 16, 28, 28), np.float32), np.ones((16, 16, 3, 3), np.float32)
    K.dense_forward(np.ones((256, 784), np.float32), np.ones((784, 256), np.float32), None)
    K.conv2d_forward(x, w, None, 1, 1)                                # 0.1 G multiply-adds: worth two threads
    assert pools


def test_an_error_in_a_worker_thread_reaches_the_caller(monkeypatch):
    from minnet.kernels import _threads
    monkeypatch.setattr(_threads, "_num_threads", 2)

    def job(j0, j1, out):
        if j0 > 0:
            raise RuntimeError("worker failed")
        out[j0:j1] = 1

    out = np.zeros(4)
    with pytest.raises(RuntimeError, match="worker failed"):
        _threads.run_jobs(job, 4, 1.0, out)
    _threads.run_jobs(lambda j0, j1, o: o.__setitem__(slice(j0, j1), 2), 4, 1.0, out)
    np.testing.assert_array_equal(out, 2)


# --- the public functions ----------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_conv_keeps_the_dtype_and_accepts_int_stride(rng, backend, dtype):
    x, w, b = _arrays(rng, (2, 3, 8, 8), (4, 3, 3, 3), dtype)
    with K.use_backend(backend):
        y = K.conv2d_forward(x, w, b, 2, 1)
        grads = K.conv2d_backward(np.ones_like(y), x, w, (2, 2), (1, 1))
        y1 = K.conv1d_forward(x[:, :, 0], w[:, :, 0], None, 1, 0)
    assert y.shape == (2, 4, 4, 4) and y1.shape == (2, 4, 6)
    assert {a.dtype for a in (y, *grads, y1)} == {np.dtype(dtype)}


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_conv_backward_can_skip_the_input_gradient(rng, backend):
    x, w, _ = _arrays(rng, (5, 3, 8, 8), (4, 3, 3, 3), np.float64)
    gy = rng.standard_normal((5, 4, 4, 4))
    with K.use_backend(backend):
        gx, gw, gb = K.conv2d_backward(gy, x, w, 2, 1)
        none, gw2, gb2 = K.conv2d_backward(gy, x, w, 2, 1, input_grad=False)
        none1d, gw1, _ = K.conv1d_backward(gy[:, :, 0], x[:, :, 0], w[:, :, 0], 2, 1, input_grad=False)
    assert none is None and none1d is None and gx.shape == x.shape
    np.testing.assert_array_equal(gw2, gw)
    np.testing.assert_array_equal(gb2, gb)
    np.testing.assert_allclose(gw1, conv.conv1d_backward_numpy(gy[:, :, 0], x[:, :, 0], w[:, :, 0], 2, 1)[1])


def test_public_conv_promotes_mixed_dtypes_to_float64(rng):
    x, w, b = _arrays(rng, (2, 3, 5, 5), (4, 3, 3, 3), np.float32)
    assert K.conv2d_forward(x, w.astype(np.float64), b, 1, 0).dtype == np.float64


@pytest.mark.parametrize("call, message", [
    (lambda x, w: K.conv2d_forward(x, w[:, :2], None, 1, 0), r"conv needs x \(N, C, H, W\)"),
    (lambda x, w: K.conv2d_forward(x[0], w, None, 1, 0), r"got \(3, 6, 6\)"),
    (lambda x, w: K.conv2d_forward(x, w, np.zeros(3), 1, 0), "bias"),
    (lambda x, w: K.conv2d_forward(x[:, :, :2], w, None, 1, 0), "does not fit the input"),
    (lambda x, w: K.conv2d_forward(x, w, None, 0, 0), "stride"),
    (lambda x, w: K.conv2d_forward(x, w, None, 1, -1), "padding"),
    (lambda x, w: K.conv2d_backward(np.zeros((2, 4, 3, 3)), x, w, 1, 0), "gy"),
    (lambda x, w: K.conv1d_forward(x[:, :, 0], w[:, :, 0], None, 1, -1), "padding"),
])
def test_public_conv_errors_name_the_problem(rng, call, message):
    x, w, _ = _arrays(rng, (2, 3, 6, 6), (4, 3, 3, 3), np.float32)
    with pytest.raises(ValueError, match=message):
        call(x, w)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_an_empty_batch_gives_empty_outputs_and_zero_weight_gradients(rng, backend, dtype):
    # as PyTorch: empty in, empty out; no sample contributes, so gw and gb are exactly zero
    x, w, b = _arrays(rng, (0, 3, 9, 8), (4, 3, 3, 3), dtype)
    with K.use_backend(backend):
        y = K.conv2d_forward(x, w, b, (2, 1), (1, 1))
        gx, gw, gb = K.conv2d_backward(np.ones_like(y), x, w, (2, 1), (1, 1))
        y1 = K.conv1d_forward(x[:, :, 0], w[:, :, 0], b, 2, 1)
        gx1, gw1, gb1 = K.conv1d_backward(np.ones_like(y1), x[:, :, 0], w[:, :, 0], 2, 1)
    assert y.shape == (0, 4, 5, 8) and y1.shape == (0, 4, 4)
    assert gx.shape == x.shape and gx1.shape == x[:, :, 0].shape
    for g, shape in ((gw, w.shape), (gb, (4,)), (gw1, w[:, :, 0].shape), (gb1, (4,))):
        assert g.shape == shape and g.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(g, 0)
