"""Conv2D and Conv1D: forward against a naive loop, gradients, PyTorch agreement, bad input."""
import numpy as np
import pytest

import minnet as mn
import minnet.functional as F
from minnet.nn import Conv1D, Conv2D


@pytest.fixture(autouse=True)
def _restore_backend():
    previous = mn.kernels.get_backend()
    yield
    mn.kernels.set_backend(previous)


def naive_conv2d(x, w, b, stride, padding):
    """y[n, f, i, j] = b[f] + sum_{c,u,v} w[f, c, u, v] * xpad[n, c, i*sh + u, j*sw + v], by loops."""
    (sh, sw), (ph, pw) = stride, padding
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    oh, ow = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    y = np.zeros((n, f, oh, ow))
    for a in range(n):
        for o in range(f):
            for i in range(oh):
                for j in range(ow):
                    window = xp[a, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    y[a, o, i, j] = np.sum(window * w[o]) + (0.0 if b is None else b[o])
    return y


CONFIGS_2D = [  # (x shape, out channels, kernel, stride, padding)
    ((2, 3, 7, 6), 4, (3, 3), (1, 1), (0, 0)),
    ((2, 3, 7, 6), 4, (3, 3), (2, 2), (1, 1)),
    ((1, 2, 5, 8), 3, (2, 3), (1, 2), (1, 0)),
    ((3, 1, 6, 5), 2, (3, 1), (2, 1), (0, 2)),
    ((2, 2, 4, 4), 2, (4, 4), (1, 1), (0, 0)),         # kernel as large as the image
    ((1, 2, 5, 5), 3, (1, 1), (3, 3), (1, 1)),          # 1x1 kernel, stride larger than kernel
]


@pytest.mark.parametrize("shape, f, kernel, stride, padding", CONFIGS_2D)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_forward_matches_a_naive_loop(shape, f, kernel, stride, padding, bias, float64):
    layer = Conv2D(shape[1], f, kernel, stride=stride, padding=padding, bias=bias,
                   bias_init=mn.init.uniform(1.0))
    x = np.random.default_rng(0).standard_normal(shape)
    expected = naive_conv2d(x, layer.weight.data, None if layer.bias is None else layer.bias.data, stride, padding)
    out = layer(x)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape, f, kernel, stride, padding", CONFIGS_2D)
def test_conv2d_gradcheck(shape, f, kernel, stride, padding):
    layer = Conv2D(shape[1], f, kernel, stride=stride, padding=padding, bias_init=mn.init.uniform(0.5))
    report = mn.gradcheck_module(layer, np.random.default_rng(1).standard_normal(shape))
    assert report.ok, str(report)
    assert layer.weight.dtype == np.float32


def test_conv2d_functional_gradcheck_without_bias():
    rng = np.random.default_rng(2)
    report = mn.gradcheck(lambda x, w: F.conv2d(x, w, None, stride=2, padding=1),
                          [rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))])
    assert report.ok, str(report)


@pytest.mark.parametrize("shape, f, kernel, stride, padding", CONFIGS_2D)
@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_conv2d_matches_torch(shape, f, kernel, stride, padding, backend, float64):
    torch = pytest.importorskip("torch")
    mn.kernels.set_backend(backend)
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal(shape), rng.standard_normal((f, shape[1]) + kernel), rng.standard_normal(f)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ref = torch.nn.functional.conv2d(xt, wt, bt, stride=stride, padding=padding)
    g = rng.standard_normal(ref.shape)
    (ref * torch.from_numpy(g)).sum().backward()
    xm, wm, bm = (mn.Tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.conv2d(xm, wm, bm, stride=stride, padding=padding)
    (out * g).sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-6, atol=1e-10)
    for ours, theirs in [(xm, xt), (wm, wt), (bm, bt)]:
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-6, atol=1e-10)


def test_conv2d_weight_layout_fans_and_dtype():
    seen = []

    def record(shape, fan_in, fan_out, rng):
        seen.append((shape, fan_in, fan_out))
        return np.zeros(shape)

    layer = Conv2D(3, 8, (5, 3), init=record)
    assert seen[0] == ((8, 3, 5, 3), 3 * 5 * 3, 8 * 5 * 3)     # PyTorch's fan rule
    assert layer.bias.shape == (8,) and np.all(layer.bias.data == 0)
    assert layer.weight.dtype == np.float32
    assert layer(np.zeros((1, 3, 6, 6))).dtype == np.float32
    he = Conv2D(16, 32, 3).weight.data
    assert he.std() == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.05)


def test_conv2d_output_shape():
    assert Conv2D(1, 8, 3, padding=1)(np.zeros((2, 1, 28, 28))).shape == (2, 8, 28, 28)
    assert Conv2D(1, 8, 5)(np.zeros((2, 1, 28, 28))).shape == (2, 8, 24, 24)
    assert Conv2D(1, 8, 3, stride=2)(np.zeros((2, 1, 28, 28))).shape == (2, 8, 13, 13)


def test_wrong_channel_count_is_explained():
    with pytest.raises(ValueError) as info:
        Conv2D(3, 8, 3)(np.zeros((32, 1, 28, 28)))
    assert str(info.value).startswith("Conv2D(3→8, kernel 3×3) got input of shape (32, 1, 28, 28): "
                                      "expected 3 input channels (N, 3, H, W)")
    with pytest.raises(ValueError, match=r"Channels last\? Use x.transpose\(0, 3, 1, 2\)"):
        Conv2D(3, 8, 3)(np.zeros((4, 28, 28, 3)))


def test_input_smaller_than_the_kernel_is_explained():
    with pytest.raises(ValueError, match=r"Conv2D\(3→8, kernel 5×5\) got input of shape \(2, 3, 4, 4\): "
                                         r"after padding \(0, 0\) the input is 4×4, smaller than the 5×5 kernel"):
        Conv2D(3, 8, 5)(np.zeros((2, 3, 4, 4)))
    Conv2D(3, 8, 5, padding=1)(np.zeros((2, 3, 3, 3)))        # 5x5 after padding: fine


def test_missing_axes_are_explained():
    with pytest.raises(ValueError, match=r"expected 4 axes \(N, C, H, W\).*x\[:, None\]"):
        Conv2D(1, 8, 3)(np.zeros((32, 28, 28)))
    with pytest.raises(ValueError, match=r"x\[None\]"):
        Conv2D(3, 8, 3)(np.zeros((3, 28, 28)))


@pytest.mark.parametrize("kwargs", [dict(kernel_size=0), dict(kernel_size=(3, 3, 3)), dict(stride=0),
                                    dict(padding=-1)])
def test_bad_hyperparameters(kwargs):
    args = dict(in_channels=1, out_channels=2, kernel_size=3) | kwargs
    with pytest.raises((ValueError, TypeError), match="Conv2D"):
        Conv2D(**args)


def test_repr():
    assert repr(Conv2D(1, 6, 5, padding=2)) == \
        "Conv2D(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), bias=True)"


# ---- Conv1D ------------------------------------------------------------------------------------------


def naive_conv1d(x, w, b, stride, padding):
    y = naive_conv2d(x[:, :, None, :], w[:, :, None, :], b, (1, stride), (0, padding))
    return y[:, :, 0, :]


CONFIGS_1D = [((2, 3, 9), 4, 3, 1, 0), ((2, 3, 9), 4, 3, 2, 1), ((1, 1, 5), 2, 5, 1, 0),
              ((3, 2, 8), 3, 2, 3, 2)]


@pytest.mark.parametrize("shape, f, k, stride, padding", CONFIGS_1D)
def test_conv1d_forward_and_gradcheck(shape, f, k, stride, padding, float64):
    layer = Conv1D(shape[1], f, k, stride=stride, padding=padding, bias_init=mn.init.uniform(1.0))
    x = np.random.default_rng(4).standard_normal(shape)
    expected = naive_conv1d(x, layer.weight.data, layer.bias.data, stride, padding)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-10, atol=1e-12)
    report = mn.gradcheck_module(layer, x)
    assert report.ok, str(report)


@pytest.mark.parametrize("shape, f, k, stride, padding", CONFIGS_1D)
@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_conv1d_matches_torch(shape, f, k, stride, padding, backend, float64):
    torch = pytest.importorskip("torch")
    mn.kernels.set_backend(backend)
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal(shape), rng.standard_normal((f, shape[1], k)), rng.standard_normal(f)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ref = torch.nn.functional.conv1d(xt, wt, bt, stride=stride, padding=padding)
    g = rng.standard_normal(ref.shape)
    (ref * torch.from_numpy(g)).sum().backward()
    xm, wm, bm = (mn.Tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.conv1d(xm, wm, bm, stride=stride, padding=padding)
    (out * g).sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-6, atol=1e-10)
    for ours, theirs in [(xm, xt), (wm, wt), (bm, bt)]:
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-6, atol=1e-10)


def test_conv1d_fans_and_bad_input():
    seen = []
    Conv1D(4, 6, 3, init=lambda s, fi, fo, r: seen.append((s, fi, fo)) or np.zeros(s))
    assert seen == [((6, 4, 3), 12, 18)]
    with pytest.raises(ValueError, match=r"Conv1D\(4→6, kernel 3\) got input of shape \(2, 3, 10\): "
                                         r"expected 4 input channels \(N, 4, L\)"):
        Conv1D(4, 6, 3)(np.zeros((2, 3, 10)))
    with pytest.raises(ValueError, match=r"after padding 0 the input is 2, smaller than the 3 kernel"):
        Conv1D(4, 6, 3)(np.zeros((2, 4, 2)))


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("make, shape", [(lambda: Conv2D(3, 4, 3, stride=2, padding=1), (0, 3, 9, 8)),
                                         (lambda: Conv1D(3, 4, 3, stride=2, padding=1), (0, 3, 9))])
def test_an_empty_batch_gives_an_empty_output_and_zero_gradients(backend, make, shape):
    """Empty in, empty out, and gradients of the right shape (zero for the parameters), as PyTorch."""
    torch = pytest.importorskip("torch")
    layer = make()
    tlayer = (torch.nn.Conv2d if len(shape) == 4 else torch.nn.Conv1d)(3, 4, 3, stride=2, padding=1)
    x = mn.Tensor(np.zeros(shape, np.float32), requires_grad=True)
    with mn.kernels.use_backend(backend):
        y = layer(x)
        y.sum().backward()
    xt = torch.zeros(shape, requires_grad=True)
    yt = tlayer(xt)
    yt.sum().backward()
    assert y.shape == tuple(yt.shape) and x.grad.shape == tuple(xt.grad.shape)
    for ours, theirs in ((layer.weight, tlayer.weight), (layer.bias, tlayer.bias)):
        assert ours.grad.shape == tuple(theirs.grad.shape)
        np.testing.assert_array_equal(ours.grad, theirs.grad.numpy())


def test_functional_conv_with_a_weight_of_the_wrong_rank_says_which_function_fits():
    x = np.zeros((2, 3, 8))
    with pytest.raises(ValueError, match=r"conv2d: weight must have 4 axes \(out_channels, in_channels, kh, kw\), "
                                         r"got shape \(4, 3, 3\)\. A 3-axis weight is a Conv1D's: use F.conv1d"):
        F.conv2d(x, np.zeros((4, 3, 3)))
    with pytest.raises(ValueError, match=r"conv1d: weight must have 3 axes .* A 4-axis weight is a Conv2D's"):
        F.conv1d(x, np.zeros((4, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"conv2d: bias must have one entry per output channel, shape \(4,\)"):
        F.conv2d(np.zeros((2, 3, 8, 8)), np.zeros((4, 3, 3, 3)), np.zeros(3))
