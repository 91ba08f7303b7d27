"""MaxPool2D and AvgPool2D: forward against naive loops, gradients, PyTorch agreement, bad input."""
import numpy as np
import pytest

import minnet as mn
import minnet.functional as F
from minnet.nn import AvgPool2D, MaxPool2D


def naive_pool(x, kernel, stride, reduce):
    (kh, kw), (sh, sw) = kernel, stride
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = reduce(x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(2, 3))
    return y


def distinct(shape, seed=0):
    """Well-separated values (no ties), so finite differences never cross a max."""
    rng = np.random.default_rng(seed)
    return rng.permutation(np.linspace(-3, 3, int(np.prod(shape)))).reshape(shape)


CONFIGS = [((2, 3, 6, 6), 2, None), ((1, 2, 7, 5), (3, 2), (2, 1)), ((2, 1, 5, 5), 3, 1),
           ((1, 2, 4, 6), (2, 3), None), ((1, 1, 3, 3), 3, None)]


@pytest.mark.parametrize("shape, kernel, stride", CONFIGS)
@pytest.mark.parametrize("layer, reduce", [(MaxPool2D, np.max), (AvgPool2D, np.mean)])
def test_forward_matches_a_naive_loop(shape, kernel, stride, layer, reduce, float64):
    pool = layer(kernel, stride)
    k = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    s = k if stride is None else (stride if isinstance(stride, tuple) else (stride, stride))
    assert pool.kernel_size == k and pool.stride == s
    x = distinct(shape)
    np.testing.assert_allclose(pool(x).data, naive_pool(x, k, s, reduce), rtol=1e-12)


@pytest.mark.parametrize("shape, kernel, stride", CONFIGS)
@pytest.mark.parametrize("layer", [MaxPool2D, AvgPool2D])
def test_gradcheck(shape, kernel, stride, layer):
    report = mn.gradcheck_module(layer(kernel, stride), distinct(shape, 1))
    assert report.ok, str(report)


def test_max_pool_routes_the_gradient_to_the_max():
    x = mn.Tensor(np.array([[[[1.0, 5.0], [3.0, 2.0]]]]), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.tolist() == [[[[0, 1], [0, 0]]]]
    x = mn.Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    F.avg_pool2d(x, 2).sum().backward()
    assert x.grad.tolist() == [[[[0.25, 0.25], [0.25, 0.25]]]]


@pytest.mark.parametrize("shape, kernel, stride", CONFIGS)
@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_matches_torch(shape, kernel, stride, backend, float64):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    with mn.kernels.use_backend(backend):
        _compare_with_torch(torch, tf, shape, kernel, stride)


def _compare_with_torch(torch, tf, shape, kernel, stride):
    x = distinct(shape, 2)
    for ours, theirs in [(F.max_pool2d, tf.max_pool2d), (F.avg_pool2d, tf.avg_pool2d)]:
        xt = torch.tensor(x, requires_grad=True)
        ref = theirs(xt, kernel, stride)
        g = np.random.default_rng(3).standard_normal(ref.shape)
        (ref * torch.from_numpy(g)).sum().backward()
        xm = mn.Tensor(x, requires_grad=True)
        out = ours(xm, kernel, stride)
        (out * g).sum().backward()
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(xm.grad, xt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_dtype_is_kept():
    assert MaxPool2D(2)(np.zeros((1, 1, 4, 4), dtype=np.float32)).dtype == np.float32
    assert AvgPool2D(2)(mn.Tensor(np.zeros((1, 1, 4, 4)))).dtype == np.float64


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match=r"MaxPool2D\(kernel 2×2, stride 2×2\) got input of shape "
                                         r"\(4, 8, 1, 1\): the 1×1 input is smaller than the 2×2 window"):
        MaxPool2D(2)(np.zeros((4, 8, 1, 1)))
    with pytest.raises(ValueError, match=r"AvgPool2D.*expected 4 axes \(N, C, H, W\)"):
        AvgPool2D(2)(np.zeros((4, 8, 8)))
    with pytest.raises(ValueError, match="MaxPool2D: kernel_size"):
        MaxPool2D(0)
    assert repr(MaxPool2D(2)) == "MaxPool2D(kernel_size=(2, 2), stride=(2, 2))"
    assert not isinstance(AvgPool2D(2), MaxPool2D)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("layer", [MaxPool2D, AvgPool2D])
def test_an_empty_batch_gives_an_empty_output_and_gradient(backend, layer):
    # as PyTorch: a (0, 3, 8, 6) batch pools to (0, 3, 4, 3) and its gradient is (0, 3, 8, 6)
    x = mn.Tensor(np.zeros((0, 3, 8, 6), np.float32), requires_grad=True)
    with mn.kernels.use_backend(backend):
        y = layer(2)(x)
        y.sum().backward()
    assert y.shape == (0, 3, 4, 3) and x.grad.shape == (0, 3, 8, 6) and x.grad.dtype == np.float32
