"""The functional API: DESIGN's names exist and each function equals its module."""
import numpy as np
import pytest

import minnet as mn
import minnet.functional as F
from minnet import losses, nn

RNG = np.random.default_rng(0)


def test_design_names_exist():
    for name in ["mse_loss", "cross_entropy", "softmax", "log_softmax", "conv2d", "max_pool2d", "dropout",
                 "batch_norm", "relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh"]:
        assert callable(getattr(F, name)), name
    assert mn.functional is F
    assert set(F.__all__) <= set(dir(F))


def test_functions_equal_their_modules(float64):
    x = RNG.standard_normal((2, 3, 6, 6))
    conv = nn.Conv2D(3, 4, (3, 2), stride=2, padding=1)
    np.testing.assert_array_equal(F.conv2d(x, conv.weight, conv.bias, stride=2, padding=1).data, conv(x).data)
    np.testing.assert_array_equal(F.max_pool2d(x, 2).data, nn.MaxPool2D(2)(x).data)
    np.testing.assert_array_equal(F.avg_pool2d(x, 3, 1).data, nn.AvgPool2D(3, 1)(x).data)
    dense = nn.Dense(6, 2)
    np.testing.assert_array_equal(F.dense(x, dense.weight, dense.bias).data, dense(x).data)
    conv1 = nn.Conv1D(3, 2, 3, padding=1)
    np.testing.assert_array_equal(F.conv1d(x[:, :, 0], conv1.weight, conv1.bias, padding=1).data,
                                  conv1(x[:, :, 0]).data)
    np.testing.assert_array_equal(F.softmax(x, axis=1).data, nn.Softmax(axis=1)(x).data)
    np.testing.assert_array_equal(F.leaky_relu(x, 0.3).data, nn.LeakyReLU(0.3)(x).data)
    z, y = RNG.standard_normal((4, 3)), np.array([0, 2, 1, 1])
    assert F.cross_entropy(z, y).item() == losses.CrossEntropyLoss()(z, y).item()
    assert F.mse_loss(z, z * 2).item() == losses.MSELoss()(z, z * 2).item()


def test_batch_norm_updates_running_statistics_in_place(float64):
    x = RNG.standard_normal((10, 3)) + 2
    rm, rv = np.zeros(3), np.ones(3)
    F.batch_norm(x, rm, rv, training=True, momentum=0.5)
    np.testing.assert_allclose(rm, 0.5 * x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(rv, 0.5 + 0.5 * x.var(0, ddof=1), rtol=1e-12)
    y = F.batch_norm(x, rm, rv, training=False)
    np.testing.assert_allclose(y.data, (x - rm) / np.sqrt(rv + 1e-5), rtol=1e-12)


def test_dropout_defaults_follow_pytorch():
    x = np.ones((100, 100))
    assert np.mean(F.dropout(x).data == 0) == pytest.approx(0.5, abs=0.02)   # p=0.5, training=True


def test_functional_errors_name_the_function():
    with pytest.raises(ValueError, match=r"conv2d \(weight \(4, 3, 3, 3\)\) got input of shape \(1, 2, 5, 5\)"):
        F.conv2d(np.zeros((1, 2, 5, 5)), mn.Tensor(np.zeros((4, 3, 3, 3))))
    with pytest.raises(ValueError, match=r"max_pool2d \(kernel 3×3\).*smaller than the 3×3 window"):
        F.max_pool2d(np.zeros((1, 1, 2, 2)), 3)
