"""Dropout: statistics of the mask, scaling, eval identity, gradients, reproducibility."""
import numpy as np
import pytest

import minnet as mn
import minnet.functional as F
from minnet.nn import Dropout


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_fraction_dropped_and_mean_preserved(p):
    x = np.ones((200, 500), dtype=np.float32)
    y = Dropout(p)(x).data
    dropped = np.mean(y == 0)
    assert dropped == pytest.approx(p, abs=0.005)            # 100 000 draws: sd of the fraction < 0.002
    assert np.all((y == 0) | np.isclose(y, 1 / (1 - p)))     # kept units are scaled by 1/(1 - p)
    assert y.mean() == pytest.approx(1.0, abs=0.02)


def test_eval_is_the_identity():
    drop = Dropout(0.7).eval()
    x = mn.Tensor(np.arange(6.0))
    assert drop(x) is x
    assert F.dropout(x, 0.7, training=False) is x


def test_p_zero_and_p_one():
    x = np.arange(1.0, 7.0)
    assert np.array_equal(Dropout(0.0)(x).data, x)
    t = mn.Tensor(x, requires_grad=True)
    y = Dropout(1.0)(t)
    assert np.all(y.data == 0) and np.all(np.isfinite(y.data))
    y.sum().backward()
    assert np.all(t.grad == 0)


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", True])
def test_p_must_be_a_probability(p):
    with pytest.raises(ValueError, match=r"p is the probability.*\[0, 1\]"):
        Dropout(p)


def test_gradient_flows_through_kept_units_only():
    t = mn.Tensor(np.ones((50, 40)), requires_grad=True)
    y = F.dropout(t, 0.25)
    y.sum().backward()
    np.testing.assert_allclose(t.grad, y.data)                # d(sum y)/dx = mask / (1 - p) = y / x


def test_gradcheck_with_a_fixed_mask():
    # gradcheck restores minnet's RNG before every evaluation, so each sees the same mask
    report = mn.gradcheck(lambda x: F.dropout(x, 0.4) * 3.0, [np.random.default_rng(0).standard_normal((4, 5))])
    assert report.ok, str(report)


def test_masks_are_reproducible_with_manual_seed():
    mn.manual_seed(5)
    a = Dropout(0.5)(np.ones(100)).data
    mn.manual_seed(5)
    b = Dropout(0.5)(np.ones(100)).data
    assert np.array_equal(a, b)
    assert not np.array_equal(a, Dropout(0.5)(np.ones(100)).data)


def test_dtype_kept_and_repr():
    assert Dropout(0.5)(np.ones(4, dtype=np.float32)).dtype == np.float32
    assert F.dropout(mn.Tensor(np.ones(4)), 0.5).dtype == np.float64
    assert repr(Dropout(0.3)) == "Dropout(p=0.3)"


def test_train_eval_switch_in_a_model():
    model = mn.nn.Sequential(mn.nn.Dense(10, 10), Dropout(0.5))
    x = np.ones((4, 10))
    model.eval()
    assert np.array_equal(model(x).data, model(x).data)
    model.train()
    assert not np.array_equal(model(x).data, model(x).data)
