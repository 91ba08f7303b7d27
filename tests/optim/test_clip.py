"""Gradient clipping: the norm returned, the gradients after, and PyTorch's choices (1e-6, NaN)."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minnet as mn


def _params(*grads):
    out = []
    for g in grads:
        t = mn.Tensor(np.zeros_like(np.asarray(g, dtype=np.float64)), requires_grad=True)
        t.grad = np.array(g, dtype=np.float64)
        out.append(t)
    return out


def test_norm_is_over_all_gradients_together_and_returned_before_clipping():
    ps = _params([3.0, 0.0], [[0.0], [4.0]])                 # joint norm sqrt(9 + 16) = 5
    total = mn.optim.clip_grad_norm(ps, max_norm=1.0)
    assert total == pytest.approx(5.0)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(ps[0].grad, [3 * scale, 0.0])
    np.testing.assert_allclose(ps[1].grad, [[0.0], [4 * scale]])


def test_small_gradients_are_left_alone():
    ps = _params([0.3, 0.4])
    assert mn.optim.clip_grad_norm(ps, max_norm=1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(ps[0].grad, [0.3, 0.4])


def test_inf_norm_and_skipping_missing_gradients():
    ps = _params([1.0, -7.0], [2.0])
    ps.append(mn.Tensor(np.zeros(3), requires_grad=True))   # no gradient: ignored
    assert mn.optim.clip_grad_norm(ps, max_norm=3.5, norm_type=math.inf) == 7.0
    np.testing.assert_allclose(ps[0].grad, np.array([1.0, -7.0]) * 3.5 / (7 + 1e-6))
    assert mn.optim.clip_grad_norm([mn.Tensor(np.zeros(2), requires_grad=True)], 1.0) == 0.0


def test_nan_norm_spreads_unless_asked_to_raise():
    ps = _params([np.nan, 1.0], [2.0])
    with pytest.raises(RuntimeError, match="total gradient norm is nan"):
        mn.optim.clip_grad_norm(ps, 1.0, error_if_nonfinite=True)
    assert math.isnan(mn.optim.clip_grad_norm(ps, 1.0))
    assert np.isnan(ps[1].grad).all()


def test_grad_norm_measures_without_clipping():
    ps = _params([3.0, 4.0])
    assert mn.optim.grad_norm(ps) == pytest.approx(5.0)
    np.testing.assert_array_equal(ps[0].grad, [3.0, 4.0])


def test_clip_by_value():
    ps = _params([-3.0, 0.2, 9.0])
    mn.optim.clip_grad_value(ps, 0.5)
    np.testing.assert_array_equal(ps[0].grad, [-0.5, 0.2, 0.5])


def test_bad_limits():
    with pytest.raises(ValueError, match="max_norm must be >= 0"):
        mn.optim.clip_grad_norm(_params([1.0]), -1)
    with pytest.raises(ValueError, match="clip_value must be >= 0"):
        mn.optim.clip_grad_value(_params([1.0]), -1)


@pytest.mark.parametrize("limit", ["1", None, True, [1.0]])
def test_a_limit_that_is_not_a_number_is_named(limit):
    with pytest.raises(TypeError, match=r"clip_grad_norm: max_norm must be a number >= 0, got"):
        mn.optim.clip_grad_norm(_params([1.0]), limit)
    with pytest.raises(TypeError, match=r"clip_grad_value: clip_value must be a number >= 0, got"):
        mn.optim.clip_grad_value(_params([1.0]), limit)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_matches_torch(norm_type):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(4, 3)) * 3, rng.normal(size=(5,))]
    ps = _params(*arrays)
    tp = [torch.zeros(a.shape, dtype=torch.float64, requires_grad=True) for a in arrays]
    for t, a in zip(tp, arrays):
        t.grad = torch.tensor(a)
    ours = mn.optim.clip_grad_norm(ps, 1.5, norm_type=norm_type)
    theirs = torch.nn.utils.clip_grad_norm_(tp, 1.5, norm_type=norm_type).item()
    assert ours == pytest.approx(theirs, rel=1e-12)
    for p, t in zip(ps, tp):
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-12)
    torch.nn.utils.clip_grad_value_(tp, 0.1)
    mn.optim.clip_grad_value(ps, 0.1)
    for p, t in zip(ps, tp):
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-12)


def test_a_huge_float32_gradient_reports_its_true_norm():
    t = mn.Tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
    t.grad = np.array([3e20, 4e20], dtype=np.float32)          # its square overflows float32
    assert mn.optim.grad_norm([t]) == pytest.approx(5e20, rel=1e-6)
    t.grad = np.array([np.inf, 1.0], dtype=np.float32)
    assert mn.optim.grad_norm([t]) == math.inf


_grads = st.lists(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4),
                             elements=st.floats(-1e3, 1e3)), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(grads=_grads, max_norm=st.floats(1e-3, 1e3))
def test_clipped_gradients_keep_their_direction_and_respect_the_limit(grads, max_norm):
    ps = _params(*grads)
    total = mn.optim.clip_grad_norm(ps, max_norm)
    flat = np.concatenate([g.ravel() for g in grads])
    assert total == pytest.approx(np.linalg.norm(flat), rel=1e-9, abs=1e-12)
    after = np.concatenate([p.grad.ravel() for p in ps])
    assert np.linalg.norm(after) <= max_norm * (1 + 1e-9) or total <= max_norm
    scale = min(1.0, max_norm / (total + 1e-6))
    np.testing.assert_allclose(after, flat * scale, rtol=1e-12, atol=1e-300)
