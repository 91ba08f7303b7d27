"""round, floor, ceil, sign (gradient exactly 0), argmax/argmin (no gradient), and the small shape and
conversion methods students reach for. Values are worked out by hand."""
import math

import numpy as np
import pytest

import minnet as mn


def T(a, grad=False):
    return mn.Tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def test_round_floor_ceil_sign_forward_by_hand():
    x = T([-2.5, -1.5, -0.5, 0.5, 1.2345, 1.5, 2.5, 2.7])
    np.testing.assert_array_equal(x.round().data, [-2, -2, -0, 0, 1, 2, 2, 3])     # halves to even
    np.testing.assert_array_equal(x.round(2).data, np.array([-2.5, -1.5, -0.5, 0.5, 1.23, 1.5, 2.5, 2.7]))
    np.testing.assert_array_equal(x.floor().data, [-3, -2, -1, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(x.ceil().data, [-2, -1, -0, 1, 2, 2, 3, 3])
    s = T([-3.0, -0.0, 0.0, 2.0, np.nan]).sign().data
    np.testing.assert_array_equal(s[:4], [-1, 0, 0, 1])
    assert np.isnan(s[4])
    assert T([1.5]).round().dtype == np.float64
    assert mn.Tensor(np.array([1.5], dtype=np.float32)).floor().dtype == np.float32


@pytest.mark.parametrize("method", ["round", "floor", "ceil", "sign"])
def test_the_gradient_is_an_array_of_zeros_not_none(method):
    x = T([-1.3, 0.2, 2.6], grad=True)
    getattr(x, method)().sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad, [0, 0, 0])
    # in a chain the other path still counts: d/dx [round(x)·x] = round(x) (+ 0 from round)
    x.zero_grad()
    (getattr(x, method)() * x).sum().backward()
    np.testing.assert_array_equal(x.grad, getattr(np, method)(x.data))


def test_python_builtins_give_tensors():
    x = T([-1.5, 2.25], grad=True)
    assert isinstance(round(x), mn.Tensor) and round(x).tolist() == [-2.0, 2.0]
    assert math.floor(x).tolist() == [-2.0, 2.0] and math.ceil(x).tolist() == [-1.0, 3.0]
    assert abs(x).tolist() == [1.5, 2.25] and abs(x).requires_grad
    assert float(T([2.5])) == 2.5 and int(T(2.9)) == 2
    assert ["a", "b", "c"][mn.Tensor(2)] == "c"
    with pytest.raises(TypeError, match="only integer tensors"):
        ["a"][T(0.0)]


def test_argmax_and_argmin_give_int64_tensors_without_gradient():
    x = T([[1.0, 5.0, 5.0], [7.0, -2.0, 0.0]], grad=True)
    i = x.argmax(axis=1)
    assert isinstance(i, mn.Tensor) and i.dtype == np.int64 and not i.requires_grad
    assert i.tolist() == [1, 0]                        # the first of tied maxima, as NumPy and PyTorch
    assert x.argmin(axis=1).tolist() == [0, 1]
    assert x.argmax().item() == 3 and x.argmin().item() == 4      # of the flattened tensor
    assert x.argmax(axis=0, keepdims=True).tolist() == [[1, 0, 0]]
    assert x.argmax(axis=-1).tolist() == [1, 0]
    assert ((x.argmax(1) == np.array([1, 1])).data.mean()) == 0.5     # the accuracy pattern
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        x.argmax(axis=2)
    with pytest.raises(ValueError, match="empty"):
        mn.Tensor(np.zeros((0, 3))).argmax(axis=0)


def test_squeeze_and_unsqueeze():
    x = T(np.arange(6.0).reshape(1, 3, 1, 2), grad=True)
    assert x.squeeze().shape == (3, 2)
    assert x.squeeze(0).shape == (3, 1, 2) and x.squeeze((0, 2)).shape == (3, 2)
    assert x.squeeze(1).shape == (1, 3, 1, 2)          # not of size 1: left alone, as in PyTorch
    assert x.unsqueeze(0).shape == (1, 1, 3, 1, 2) and x.unsqueeze(-1).shape == (1, 3, 1, 2, 1)
    assert x.unsqueeze(2).data[0, :, 0, 0, 1].tolist() == [1.0, 3.0, 5.0]
    (x.squeeze() * np.arange(6.0).reshape(3, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad, np.arange(6.0).reshape(1, 3, 1, 2))
    with pytest.raises(ValueError, match="unsqueeze: axis 5"):
        x.unsqueeze(5)


def test_matches_torch():
    torch = pytest.importorskip("torch")
    a = np.array([[-2.5, -1.3, -0.5, 0.0], [0.5, 1.5, 2.5, 3.7]])
    for name in ["round", "floor", "ceil", "sign"]:
        x, xt = T(a, grad=True), torch.tensor(a, requires_grad=True)
        y, yt = getattr(x, name)(), getattr(xt, name)()
        np.testing.assert_array_equal(y.data, yt.detach().numpy())
        (y * x).sum().backward()
        (yt * xt).sum().backward()
        np.testing.assert_array_equal(x.grad, xt.grad.numpy())
    np.testing.assert_array_equal(T(a).round(1).data, torch.tensor(a).round(decimals=1).numpy())
    np.testing.assert_array_equal(T(a).argmax(1).data, torch.tensor(a).argmax(1).numpy())
    np.testing.assert_array_equal(T(a).argmin(0).data, torch.tensor(a).argmin(0).numpy())
    assert T(a).argmax().item() == torch.tensor(a).argmax().item()
