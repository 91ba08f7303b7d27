"""Softmax cross-entropy kernels: references against a loop version and PyTorch, Numba twins against
the references, and the extremes (logits of ±1e4)."""
import numpy as np
import pytest

import minnet.kernels as K
from minnet.kernels import cross_entropy as ce
from minnet.kernels import cross_entropy_numba as ce_numba

from . import _naive
from ._helpers import assert_same

CASES = [(128, 10), (64, 10), (7, 3), (1, 1), (33, 17)]


def _data(rng, n, k, dtype, scale=3.0):
    logits = (scale * rng.standard_normal((n, k))).astype(dtype)
    return logits, rng.integers(0, k, n), rng.uniform(0.2, 2, k).astype(dtype)


def test_reference_on_a_worked_example():
    # two classes with equal logits: p = 1/2 each, loss = log 2; gradient (p − onehot) / N
    loss, probs = ce.softmax_cross_entropy_forward_numpy(np.zeros((2, 2)), np.array([0, 1]), None)
    np.testing.assert_allclose(loss, np.log(2))
    g = ce.softmax_cross_entropy_backward_numpy(probs, np.array([0, 1]), None, 1.0)
    np.testing.assert_allclose(g, [[-0.25, 0.25], [0.25, -0.25]])


@pytest.mark.parametrize("n, k", CASES[2:])
def test_reference_matches_loops(rng, n, k):
    z, y, w = _data(rng, n, k, np.float64)
    np.testing.assert_allclose(ce.softmax_cross_entropy_forward_numpy(z, y, None)[0], _naive.cross_entropy(z, y))
    np.testing.assert_allclose(ce.softmax_cross_entropy_forward_numpy(z, y, w)[0], _naive.cross_entropy(z, y, w))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n, k", CASES[:3])
def test_reference_matches_torch(rng, n, k, weighted):
    torch = pytest.importorskip("torch")
    z, y, w = _data(rng, n, k, np.float64)
    w = w if weighted else None
    zt = torch.from_numpy(z).requires_grad_()
    lt = torch.nn.functional.cross_entropy(zt, torch.from_numpy(y), weight=None if w is None else torch.from_numpy(w))
    lt.backward(torch.tensor(0.7, dtype=torch.float64))
    loss, probs = ce.softmax_cross_entropy_forward_numpy(z, y, w)
    np.testing.assert_allclose(loss, lt.item(), rtol=1e-12)
    np.testing.assert_allclose(ce.softmax_cross_entropy_backward_numpy(probs, y, w, 0.7), zt.grad.numpy(),
                               rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("forward", [ce.softmax_cross_entropy_forward_numpy,
                                     ce_numba.softmax_cross_entropy_forward_numba])
def test_huge_logits_stay_finite(forward, dtype):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    loss, probs = forward(z, np.array([0, 0, 1]), None)
    # sample 0 is right (loss 0), sample 1 is 2e4 off, sample 2 splits evenly (loss log 2)
    np.testing.assert_allclose(loss, (0 + 2e4 + np.log(2)) / 3, rtol=1e-6)
    assert np.all(np.isfinite(probs)) and loss.dtype == np.dtype(dtype)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n, k", CASES)
def test_numba_matches_reference(rng, n, k, weighted, dtype):
    z, y, w = _data(rng, n, k, dtype)
    w = w if weighted else None
    loss, probs = ce_numba.softmax_cross_entropy_forward_numba(z, y, w)
    loss0, probs0 = ce.softmax_cross_entropy_forward_numpy(z, y, w)
    assert loss.shape == () and loss.dtype == np.dtype(dtype)
    assert_same(loss, loss0, dtype, 10)
    assert_same(probs, probs0, dtype)
    assert_same(ce_numba.softmax_cross_entropy_backward_numba(probs0, y, w, 1.5),
                ce.softmax_cross_entropy_backward_numpy(probs0, y, w, 1.5), dtype)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_cross_entropy_keeps_the_dtype_and_checks_shapes(rng, backend):
    # the label values are checked where the user calls (minnet.losses), not here
    z, y, w = _data(rng, 4, 3, np.float32)
    with K.use_backend(backend):
        loss, probs = K.softmax_cross_entropy_forward(z, y.astype(np.int32), w)
        g = K.softmax_cross_entropy_backward(probs, list(y), w, np.float32(1))
        assert loss.dtype == probs.dtype == g.dtype == np.float32
        assert_same(loss, _naive.cross_entropy(z, y, w), np.float32, 10)
        with pytest.raises(ValueError, match="labels"):
            K.softmax_cross_entropy_forward(z, y[:3], None)
        with pytest.raises(ValueError, match="weight"):
            K.softmax_cross_entropy_forward(z, y, w[:2])
        with pytest.raises(ValueError, match="N, K >= 1"):
            K.softmax_cross_entropy_forward(z[:0], y[:0], None)
