"""BatchNorm1D/2D: hand-computed statistics, running averages, train/eval, gradients, PyTorch agreement."""
import math
import re

import numpy as np
import pytest

import minnet as mn
import minnet.functional as F
from minnet.nn import BatchNorm1D, BatchNorm2D

RNG = np.random.default_rng(0)


def _axes(x):
    return (0,) + tuple(range(2, x.ndim))


def reference_bn(x, gamma, beta, eps):
    axes = _axes(x)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * gamma.reshape(shape) + beta.reshape(shape)
    return y, mean, var


@pytest.mark.parametrize("layer, shape", [(BatchNorm1D, (8, 3)), (BatchNorm1D, (4, 3, 5)),
                                          (BatchNorm2D, (4, 3, 5, 2))])
def test_training_forward_and_running_stats(layer, shape, float64):
    bn = layer(3, momentum=0.2)
    bn.weight.data[:] = [0.5, 2.0, -1.0]
    bn.bias.data[:] = [0.1, 0.0, 3.0]
    rm, rv = np.zeros(3), np.ones(3)
    for step in range(3):
        x = RNG.standard_normal(shape) * 2 + 1
        expected, mean, var = reference_bn(x, bn.weight.data, bn.bias.data, 1e-5)
        np.testing.assert_allclose(bn(x).data, expected, rtol=1e-10, atol=1e-12)
        n = x.size // 3
        rm = 0.8 * rm + 0.2 * mean
        rv = 0.8 * rv + 0.2 * var * n / (n - 1)          # unbiased variance in the running average
    np.testing.assert_allclose(bn.running_mean, rm, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, rv, rtol=1e-12)
    assert bn.num_batches_tracked == 3


def test_training_output_is_normalised_per_channel(float64):
    x = RNG.standard_normal((64, 4, 3, 3)) * 5 + 7
    y = BatchNorm2D(4)(x).data
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, rtol=1e-3)       # var / (var + eps)


def test_eval_uses_the_running_statistics_and_changes_nothing(float64):
    bn = BatchNorm1D(2)
    bn.running_mean[:] = [1.0, -2.0]
    bn.running_var[:] = [4.0, 0.25]
    bn.weight.data[:] = [2.0, 1.0]
    bn.eval()
    x = RNG.standard_normal((5, 2))
    expected = (x - [1.0, -2.0]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5) * [2.0, 1.0]
    np.testing.assert_allclose(bn(x).data, expected, rtol=1e-12)
    np.testing.assert_allclose(bn(x[:1]).data, expected[:1], rtol=1e-12)    # one example is fine in eval
    assert bn.num_batches_tracked == 0 and bn.running_mean.tolist() == [1.0, -2.0]


def test_one_value_per_channel_in_training_is_refused():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        BatchNorm1D(4)(np.ones((1, 4)))
    BatchNorm2D(4)(np.random.default_rng(0).standard_normal((1, 4, 2, 2)))   # 4 values per channel: fine


def test_momentum_none_is_a_cumulative_average(float64):
    bn = BatchNorm1D(2, momentum=None)
    batches = [RNG.standard_normal((6, 2)) + i for i in range(4)]
    for x in batches:
        bn(x)
    np.testing.assert_allclose(bn.running_mean, np.mean([x.mean(0) for x in batches], axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, np.mean([x.var(0, ddof=1) for x in batches], axis=0), rtol=1e-12)


@pytest.mark.parametrize("layer, shape", [(BatchNorm1D, (5, 3)), (BatchNorm1D, (3, 3, 4)),
                                          (BatchNorm2D, (2, 3, 3, 2)), (BatchNorm2D, (1, 3, 2, 3))])
@pytest.mark.parametrize("training", [True, False])
def test_gradcheck(layer, shape, training):
    bn = layer(3)
    bn.weight.data[:] = RNG.uniform(0.5, 2, 3)
    bn.bias.data[:] = RNG.standard_normal(3)
    bn.running_mean[:] = RNG.standard_normal(3)
    bn.running_var[:] = RNG.uniform(0.5, 2, 3)
    bn.train(training)
    report = mn.gradcheck_module(bn, RNG.standard_normal(shape))
    assert report.ok, str(report)


def test_functional_batch_norm_without_affine_and_running_stats():
    x = RNG.standard_normal((6, 3))
    report = mn.gradcheck(lambda t: F.batch_norm(t, None, None, training=True), [x])
    assert report.ok, str(report)
    with pytest.raises(ValueError, match="needs running_mean and running_var"):
        F.batch_norm(x, None, None, training=False)


@pytest.mark.parametrize("layer, shape, torch_name", [(BatchNorm1D, (6, 4), "BatchNorm1d"),
                                                      (BatchNorm1D, (3, 4, 5), "BatchNorm1d"),
                                                      (BatchNorm2D, (3, 4, 3, 2), "BatchNorm2d")])
@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_matches_torch_over_several_steps(layer, shape, torch_name, backend, float64):
    torch = pytest.importorskip("torch")
    with mn.kernels.use_backend(backend):
        _compare_with_torch(torch, layer, shape, torch_name)


def _compare_with_torch(torch, layer, shape, torch_name):
    ours = layer(4, momentum=0.3)
    ref = getattr(torch.nn, torch_name)(4, momentum=0.3).double()
    gamma, beta = RNG.uniform(0.5, 2, 4), RNG.standard_normal(4)
    ours.weight.data[:], ours.bias.data[:] = gamma, beta
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(gamma))
        ref.bias.copy_(torch.from_numpy(beta))
    for step in range(4):
        if step == 3:
            ours.eval()
            ref.eval()
        x = RNG.standard_normal(shape) * 3 + 1
        g = RNG.standard_normal(shape)
        xt = torch.tensor(x, requires_grad=True)
        out_t = ref(xt)
        (out_t * torch.from_numpy(g)).sum().backward()
        xm = mn.Tensor(x, requires_grad=True)
        out = ours(xm)
        (out * g).sum().backward()
        np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(xm.grad, xt.grad.numpy(), rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(ours.running_mean, ref.running_mean.numpy(), rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(ours.running_var, ref.running_var.numpy(), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad, ref.weight.grad.numpy(), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(ours.bias.grad, ref.bias.grad.numpy(), rtol=1e-6, atol=1e-10)
    assert ours.num_batches_tracked == ref.num_batches_tracked.item() == 3
    assert list(ours.state_dict()) == list(ref.state_dict())


def test_training_output_matches_torch(float64):
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((5, 3, 2, 2))
    ref = torch.nn.BatchNorm2d(3).double()(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(BatchNorm2D(3)(x).data, ref, rtol=1e-6, atol=1e-12)


def test_state_dict_holds_the_running_statistics():
    bn = BatchNorm2D(3)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert bn.running_mean.dtype == np.float32 and bn.num_batches_tracked.dtype == np.int64
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match=r"BatchNorm2D\(16\) got input of shape \(8, 3, 4, 4\): "
                                         r"expected \(N, 16, H, W\)"):
        BatchNorm2D(16)(np.zeros((8, 3, 4, 4)))
    with pytest.raises(ValueError, match=r"BatchNorm1D\(4\) got input of shape \(8, 4, 2, 2\): "
                                         r"expected \(N, 4\) or \(N, 4, L\)"):
        BatchNorm1D(4)(np.zeros((8, 4, 2, 2)))
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm1D(4, momentum=2)
    assert repr(BatchNorm1D(4)) == "BatchNorm1D(4, eps=1e-05, momentum=0.1)"


@pytest.mark.parametrize("layer", [BatchNorm1D, BatchNorm2D])
@pytest.mark.parametrize("eps", [-1e-5, math.nan, math.inf, "1e-5"])
def test_eps_must_be_a_finite_number_at_least_0(layer, eps):
    name = layer.__name__
    with pytest.raises(ValueError, match=rf"^{name}: eps must be a finite number >= 0 \(it keeps the division by "
                                         rf"sqrt\(var \+ eps\) finite; the default is 1e-05\), got {re.escape(repr(eps))}$"):
        layer(4, eps=eps)


def test_momentum_that_is_not_a_number_is_named():
    with pytest.raises(ValueError, match=r"^BatchNorm1D: momentum must lie in \[0, 1\] \(or be None for a "
                                         r"cumulative average\), got '0.1'$"):
        BatchNorm1D(4, momentum="0.1")
