"""ReLU kernels: forward, and the backward read from the output."""
import numpy as np
import pytest

import minnet.kernels as K
from minnet.kernels import activation, activation_numba


def test_relu_on_a_worked_example_with_zero_and_nan():
    x = np.array([-2.0, -0.0, 0.0, 3.0, np.nan])
    for forward in (activation.relu_forward_numpy, activation_numba.relu_forward_numba):
        y = forward(x)
        np.testing.assert_array_equal(y, [0.0, 0.0, 0.0, 3.0, np.nan])


def test_relu_slope_at_zero_is_zero_and_an_infinite_gradient_is_not_turned_into_nan():
    gy = np.array([1.0, 2.0, 3.0, np.inf, 5.0])
    y = np.array([0.0, 1.0, -0.0, -1.0, np.nan])
    for mask in (activation.relu_backward_mask_numpy, activation_numba.relu_backward_mask_numba):
        np.testing.assert_array_equal(mask(gy, y), [0.0, 2.0, 0.0, 0.0, 0.0])


def test_relu_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((6, 5, 4))
    xt = torch.from_numpy(x).requires_grad_()
    yt = torch.relu(xt)
    gy = rng.standard_normal(x.shape)
    yt.backward(torch.from_numpy(gy))
    y = activation.relu_forward_numpy(x)
    np.testing.assert_array_equal(y, yt.detach().numpy())
    np.testing.assert_array_equal(activation.relu_backward_mask_numpy(gy, y), xt.grad.numpy())


@pytest.mark.parametrize("shape", [(64, 8, 28, 28), (128, 256), (7,), (3, 1, 5)])
def test_numba_relu_matches_reference(rng, shape, dtype):
    x = rng.standard_normal(shape).astype(dtype)
    gy = rng.standard_normal(shape).astype(dtype)
    y = activation_numba.relu_forward_numba(x)
    np.testing.assert_array_equal(y, activation.relu_forward_numpy(x))
    g = activation_numba.relu_backward_mask_numba(gy, y)
    np.testing.assert_array_equal(g, activation.relu_backward_mask_numpy(gy, y))
    assert y.dtype == g.dtype == np.dtype(dtype)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_relu_takes_strided_input_and_keeps_dtype(rng, backend, dtype):
    x = rng.standard_normal((4, 6, 5)).astype(dtype)[:, ::2].transpose(2, 0, 1)
    before = x.copy()
    with K.use_backend(backend):
        y = K.relu_forward(x)
        g = K.relu_backward_mask(np.ones_like(x), y)
    np.testing.assert_array_equal(y, np.maximum(before, 0))
    np.testing.assert_array_equal(g, (before > 0).astype(dtype))
    np.testing.assert_array_equal(x, before)
    assert y.dtype == g.dtype == np.dtype(dtype)
    with pytest.raises(ValueError, match="relu_backward_mask y"):
        K.relu_backward_mask(np.ones((2, 3)), np.ones((3, 2)))
