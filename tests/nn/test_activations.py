"""Activations as modules and functions: values from the formulas, gradients, PyTorch agreement."""
import math

import numpy as np
import pytest

import minnet as mn
import minnet.functional as F
from minnet import nn

RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 5)) * 3


def _erf(a):
    return np.vectorize(math.erf)(a)


FORMULAS = {
    "relu": (nn.ReLU(), lambda x: np.maximum(x, 0)),
    "leaky_relu": (nn.LeakyReLU(0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    "elu": (nn.ELU(0.7), lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1))),
    "gelu": (nn.GELU(), lambda x: x * 0.5 * (1 + _erf(x / np.sqrt(2)))),
    "sigmoid": (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    "tanh": (nn.Tanh(), np.tanh),
    "softmax": (nn.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    "log_softmax": (nn.LogSoftmax(), lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
    "identity": (nn.Identity(), lambda x: x),
}


@pytest.mark.parametrize("name", FORMULAS)
def test_forward_matches_the_formula(name, float64):
    module, formula = FORMULAS[name]
    np.testing.assert_allclose(np.asarray(module(mn.Tensor(X)).data), formula(X), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", [n for n in FORMULAS if n != "identity"])
def test_float32_in_float32_out(name):
    module, _ = FORMULAS[name]
    assert module(mn.Tensor(X.astype(np.float32))).dtype == np.float32


def _away_from_zero(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.1, 3, shape) * rng.choice([-1, 1], shape)


@pytest.mark.parametrize("name", [n for n in FORMULAS])
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 5)])
def test_gradcheck(name, shape):
    module, _ = FORMULAS[name]
    report = mn.gradcheck(lambda x: module(x), [_away_from_zero(shape, 1)])
    assert report.ok, str(report)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_axis(axis, float64):
    x = RNG.standard_normal((3, 4, 2))
    s = F.softmax(x, axis=axis).data
    np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=1e-12)
    report = mn.gradcheck(lambda t: F.log_softmax(t, axis=axis), [x])
    assert report.ok, str(report)


def test_softmax_and_log_softmax_are_stable_for_huge_logits(float64):
    x = np.array([[1e4, 0.0, -1e4], [1000.0, 1000.0, 1000.0]])
    s, ls = F.softmax(x).data, F.log_softmax(x).data
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ls))
    np.testing.assert_allclose(s, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-15)
    np.testing.assert_allclose(ls, [[0, -1e4, -2e4], [-np.log(3)] * 3], rtol=1e-12)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise"):
        y = F.sigmoid(np.array([-1e4, -50.0, 0.0, 50.0, 1e4])).data
    np.testing.assert_allclose(y, [0, 1 / (1 + np.exp(50)), 0.5, 1 / (1 + np.exp(-50)), 1], rtol=1e-6)


def test_gradients_at_the_kink_follow_pytorch():
    x = mn.Tensor(np.zeros(1), requires_grad=True)
    F.relu(x).sum().backward()
    assert x.grad[0] == 0
    x.zero_grad()
    F.leaky_relu(x, 0.2).sum().backward()
    assert x.grad[0] == pytest.approx(0.2)
    x.zero_grad()
    F.elu(x, 0.5).sum().backward()
    assert x.grad[0] == pytest.approx(0.5)


def test_elu_does_not_overflow_on_large_inputs():
    with np.errstate(over="raise", invalid="raise"):
        assert F.elu(np.array([1000.0, -1000.0])).data.tolist() == [1000.0, -1.0]


TORCH_NAMES = {"relu": "relu", "leaky_relu": "leaky_relu", "elu": "elu", "gelu": "gelu", "sigmoid": "sigmoid",
               "tanh": "tanh", "softmax": "softmax", "log_softmax": "log_softmax"}


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_matches_torch(name, float64):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    ref = {"relu": tf.relu, "leaky_relu": lambda t: tf.leaky_relu(t, 0.1), "elu": lambda t: tf.elu(t, 0.7),
           "gelu": tf.gelu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
           "softmax": lambda t: tf.softmax(t, dim=-1), "log_softmax": lambda t: tf.log_softmax(t, dim=-1)}[name]
    module, _ = FORMULAS[name]
    x = np.concatenate([X, [[-30.0, -1e-3, 0.0, 1e-3, 30.0]]])
    w = RNG.standard_normal(x.shape)
    xt = torch.tensor(x, requires_grad=True)
    (ref(xt) * torch.from_numpy(w)).sum().backward()
    xm = mn.Tensor(x, requires_grad=True)
    out = module(xm)
    (out * w).sum().backward()
    np.testing.assert_allclose(out.data, ref(torch.from_numpy(x)).numpy(), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(xm.grad, xt.grad.numpy(), rtol=1e-6, atol=1e-12)


def test_reprs():
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.Softmax(axis=1)) == "Softmax(axis=1)"
    assert repr(nn.ELU()) == "ELU(alpha=1.0)"


@pytest.mark.parametrize("module", [nn.Softmax(axis=3), nn.LogSoftmax(axis=3)])
def test_softmax_axis_out_of_range_names_the_layer_and_shape(module):
    with pytest.raises(ValueError, match=rf"{type(module).__name__}\(axis=3\).*\(2, 5\).*from -2 to 1"):
        module(np.ones((2, 5)))
