"""The functional API: every function against values worked out here, by formula or naive loop."""
import math

import numpy as np
import pytest

import minnet as mn
import minnet.functional as F
from .kernels import _naive   # the loop-by-loop references of tests/kernels

RNG = np.random.default_rng(0)


# ---- naive references: plain loops and formulas, nothing from minnet ----------------------------
# (the loop-by-loop convolution and pooling are shared with the kernel tests)

def naive_dense(x, w, b):
    out = np.zeros((x.shape[0], w.shape[1]))
    for n in range(x.shape[0]):
        for j in range(w.shape[1]):
            out[n, j] = b[j] + sum(x[n, i] * w[i, j] for i in range(w.shape[0]))
    return out


def _cases():
    """name -> (call of F, value worked out independently)."""
    x = RNG.standard_normal((2, 3, 6, 6))
    w, b = RNG.standard_normal((4, 3, 3, 2)), RNG.standard_normal(4)
    w1, b1 = RNG.standard_normal((2, 3, 3)), RNG.standard_normal(2)
    wd, bd = RNG.standard_normal((6, 2)), RNG.standard_normal(2)
    t = RNG.standard_normal((4, 3))
    z = np.array([[0.0, math.log(3.0)], [2.0, 2.0]])      # softmax rows: [1/4, 3/4] and [1/2, 1/2]
    p = np.array([[0.25, 0.5], [0.9, 0.1]])
    bce_t = np.array([[1.0, 0.0], [1.0, 1.0]])
    gelu = np.vectorize(lambda v: v * 0.5 * (1 + math.erf(v / math.sqrt(2))))
    mean, var = t.mean(0), t.var(0)
    return {
        "relu": (lambda: F.relu(t), np.where(t > 0, t, 0.0)),
        "leaky_relu": (lambda: F.leaky_relu(t, 0.3), np.where(t > 0, t, 0.3 * t)),
        "elu": (lambda: F.elu(t, 2.0), np.where(t > 0, t, 2.0 * (np.exp(t) - 1))),
        "gelu": (lambda: F.gelu(t), gelu(t)),
        "sigmoid": (lambda: F.sigmoid(t), 1 / (1 + np.exp(-t))),
        "tanh": (lambda: F.tanh(t), (np.exp(t) - np.exp(-t)) / (np.exp(t) + np.exp(-t))),
        "softmax": (lambda: F.softmax(z, axis=1), np.array([[0.25, 0.75], [0.5, 0.5]])),
        "log_softmax": (lambda: F.log_softmax(z, axis=1), np.log([[0.25, 0.75], [0.5, 0.5]])),
        "dense": (lambda: F.dense(x[:, 0, 0], wd, bd), naive_dense(x[:, 0, 0], wd, bd)),
        "conv2d": (lambda: F.conv2d(x, mn.Tensor(w), mn.Tensor(b), stride=2, padding=1),
                   _naive.conv2d(x, w, b, (2, 2), (1, 1))),
        "conv1d": (lambda: F.conv1d(x[:, :, 0], mn.Tensor(w1), mn.Tensor(b1), padding=1),
                   _naive.conv2d(x[:, :, :1], w1[:, :, None], b1, (1, 1), (0, 1))[:, :, 0]),
        "max_pool2d": (lambda: F.max_pool2d(x, 2), _naive.pool2d(x, (2, 2), (2, 2), np.max)),
        "avg_pool2d": (lambda: F.avg_pool2d(x, 3, 1), _naive.pool2d(x, (3, 3), (1, 1), np.mean)),
        "dropout": (lambda: F.dropout(t, 0.5, training=False), t),       # identity outside training
        "batch_norm": (lambda: F.batch_norm(t, None, None, training=True, eps=0.1),
                       (t - mean) / np.sqrt(var + 0.1)),
        "mse_loss": (lambda: F.mse_loss(t, 2 * t), np.mean(t ** 2)),
        "l1_loss": (lambda: F.l1_loss(t, 2 * t), np.mean(np.abs(t))),
        "cross_entropy": (lambda: F.cross_entropy(z, np.array([1, 0])), (-math.log(0.75) - math.log(0.5)) / 2),
        "binary_cross_entropy": (lambda: F.binary_cross_entropy(p, bce_t),
                                 -(math.log(0.25) + math.log(0.5) + math.log(0.9) + math.log(0.1)) / 4),
        "binary_cross_entropy_with_logits": (
            lambda: F.binary_cross_entropy_with_logits(np.log(p / (1 - p)), bce_t),
            -(math.log(0.25) + math.log(0.5) + math.log(0.9) + math.log(0.1)) / 4),
    }


def test_every_function_is_checked_here():
    assert set(F.__all__) == set(_cases()) and mn.functional is F


@pytest.mark.parametrize("name", F.__all__)
def test_each_function_against_its_formula(name, float64):
    call, expected = _cases()[name]
    got = call()
    assert isinstance(got, mn.Tensor)
    np.testing.assert_allclose(got.data, expected, rtol=1e-10, atol=1e-12)


def test_dropout_in_training_zeroes_or_scales_each_element(float64):
    x = RNG.uniform(1, 2, (200, 50))
    out = F.dropout(x, p=0.25).data
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / 0.75, rtol=1e-12)     # inverted dropout: ÷ (1 − p)
    assert kept.mean() == pytest.approx(0.75, abs=0.02)


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
