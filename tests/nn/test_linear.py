"""Dense: shapes, initialization, forward values, gradients, bad input."""
import numpy as np
import pytest

import minnet as mn
from minnet.nn import Dense


def test_weight_layout_and_default_init():
    layer = Dense(784, 128)
    assert layer.weight.shape == (784, 128) and layer.bias.shape == (128,)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    assert np.all(layer.bias.data == 0)
    # He normal: std sqrt(2 / fan_in)
    assert abs(layer.weight.data.std() - np.sqrt(2 / 784)) < 0.02 * np.sqrt(2 / 784)
    assert abs(layer.weight.data.mean()) < 0.002


def test_parameters_follow_the_default_dtype(float64):
    assert Dense(3, 2).weight.dtype == np.float64


def test_init_by_name_callable_and_bias_init():
    layer = Dense(3, 2, init="zeros", bias_init=mn.init.constant(0.5))
    assert np.all(layer.weight.data == 0) and np.all(layer.bias.data == 0.5)
    seen = {}

    def mine(shape, fan_in, fan_out, rng):
        seen.update(shape=shape, fan_in=fan_in, fan_out=fan_out)
        return np.full(shape, 2.0)

    layer = Dense(3, 2, init=mine)
    assert seen == {"shape": (3, 2), "fan_in": 3, "fan_out": 2}
    assert np.all(layer.weight.data == 2.0)


def test_same_seed_same_weights():
    mn.manual_seed(7)
    a = Dense(5, 4).weight.data.copy()
    mn.manual_seed(7)
    assert np.array_equal(a, Dense(5, 4).weight.data)


def test_forward_is_x_at_w_plus_b_for_any_leading_axes(float64):
    layer = Dense(4, 3, bias_init=mn.init.uniform(1.0))
    x = np.random.default_rng(0).standard_normal((2, 5, 4))
    expected = np.einsum("abi,io->abo", x, layer.weight.data) + layer.bias.data
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-12)
    assert Dense(4, 3, bias=False)(x).shape == (2, 5, 3)
    assert Dense(4, 3, bias=False).bias is None


def test_numpy_input_is_converted_to_the_weight_dtype():
    out = Dense(3, 2)(np.ones((4, 3), dtype=np.float64))
    assert out.dtype == np.float32
    assert Dense(3, 2)(np.ones((4, 3), dtype=np.uint8)).dtype == np.float32


@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_gradcheck(shape, bias):
    layer = Dense(3, 5, bias=bias, bias_init=mn.init.uniform(0.5))
    x = np.random.default_rng(1).standard_normal(shape)
    report = mn.gradcheck_module(layer, x)
    assert report.ok, str(report)
    assert layer.weight.dtype == np.float32                    # restored after the check


def test_matches_torch_linear(float64):
    torch = pytest.importorskip("torch")
    layer = Dense(6, 4, bias_init=mn.init.uniform(1.0))
    ref = torch.nn.Linear(6, 4).double()
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(layer.weight.data.T.copy()))
        ref.bias.copy_(torch.from_numpy(layer.bias.data))
    x = np.random.default_rng(2).standard_normal((5, 6))
    xt = torch.tensor(x, requires_grad=True)
    out_t = ref(xt)
    out_t.pow(2).sum().backward()
    xm = mn.Tensor(x, requires_grad=True)
    out = layer(xm)
    (out ** 2).sum().backward()
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(xm.grad, xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.weight.grad, ref.weight.grad.numpy().T, atol=1e-12)
    np.testing.assert_allclose(layer.bias.grad, ref.bias.grad.numpy(), atol=1e-12)


def test_image_batch_without_flatten_is_explained():
    with pytest.raises(ValueError) as info:
        Dense(784, 128)(np.zeros((32, 28, 28)))
    msg = str(info.value)
    assert msg.startswith("Dense(784→128) got input of shape (32, 28, 28): expected (..., 784).")
    assert "Flatten()" in msg


def test_wrong_feature_count_is_explained():
    with pytest.raises(ValueError, match=r"Dense\(10→3\) got input of shape \(4, 8\): expected \(\.\.\., 10\)"):
        Dense(10, 3)(np.zeros((4, 8)))


@pytest.mark.parametrize("args", [(0, 3), (3, -1), (2.5, 3)])
def test_bad_sizes(args):
    with pytest.raises(ValueError, match="Dense"):
        Dense(*args)


def test_repr():
    assert repr(Dense(3, 2, bias=False)) == "Dense(in_features=3, out_features=2, bias=False)"
