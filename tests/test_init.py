"""Initializers: distributions from their formulas, names and aliases, fans of Dense layers."""
import numpy as np
import pytest

import minnet as mn
from minnet import init

SHAPE = (400, 300)
FAN_IN, FAN_OUT = 400, 300


def _draw(fn):
    return fn(SHAPE, FAN_IN, FAN_OUT, np.random.default_rng(0))


@pytest.mark.parametrize("fn, kind, scale", [
    (init.xavier_uniform, "uniform", np.sqrt(6 / (FAN_IN + FAN_OUT))),
    (init.xavier_normal, "normal", np.sqrt(2 / (FAN_IN + FAN_OUT))),
    (init.he_uniform, "uniform", np.sqrt(6 / FAN_IN)),
    (init.he_normal, "normal", np.sqrt(2 / FAN_IN)),
    (init.lecun_uniform, "uniform", np.sqrt(3 / FAN_IN)),
    (init.lecun_normal, "normal", np.sqrt(1 / FAN_IN)),
    (init.normal(0.01), "normal", 0.01),
    (init.uniform(0.05), "uniform", 0.05),
])
def test_distribution(fn, kind, scale):
    w = _draw(fn)
    assert w.shape == SHAPE
    assert abs(w.mean()) < 0.01 * scale * 3
    if kind == "uniform":                      # U(-a, a): bounded by a, std a / sqrt 3
        assert np.abs(w).max() <= scale and np.abs(w).max() > 0.99 * scale
        assert w.std() == pytest.approx(scale / np.sqrt(3), rel=0.01)
    else:
        assert w.std() == pytest.approx(scale, rel=0.01)


def test_constants():
    assert np.all(init.zeros((2, 3), 2, 3, None) == 0)
    assert np.all(init.ones((2,), 1, 1, None) == 1)
    assert np.all(init.constant(0.25)((3,), 1, 1, None) == 0.25)


def test_gain():
    w = init.xavier_normal(SHAPE, FAN_IN, FAN_OUT, np.random.default_rng(0), gain=5 / 3)
    assert w.std() == pytest.approx(5 / 3 * np.sqrt(2 / (FAN_IN + FAN_OUT)), rel=0.01)


@pytest.mark.parametrize("alias, target", [
    ("he", init.he_normal), ("kaiming", init.he_normal), ("kaiming_normal", init.he_normal),
    ("kaiming_uniform", init.he_uniform), ("xavier", init.xavier_uniform), ("glorot", init.xavier_uniform),
    ("glorot_uniform", init.xavier_uniform), ("glorot_normal", init.xavier_normal),
    ("lecun", init.lecun_normal), ("He_Normal", init.he_normal)])
def test_names_and_aliases(alias, target):
    assert init.get(alias) is target


def test_callables_pass_through_and_bad_names_are_explained():
    fn = init.normal(0.1)
    assert init.get(fn) is fn
    with pytest.raises(ValueError, match=r"mn.init.normal\("):
        init.get("normal")
    with pytest.raises(ValueError, match="unknown init 'hee'.*he_normal"):
        init.get("hee")
    with pytest.raises(TypeError):
        init.get(3)


def test_draws_come_from_minnets_generator():
    mn.manual_seed(3)
    a = init.initialize("he", (4, 5), 4, 5)
    mn.manual_seed(3)
    b = init.initialize("he_normal", (4, 5), 4, 5)
    assert np.array_equal(a, b) and a.dtype == np.float32
    mn.manual_seed(3)
    c = init.initialize("he", (4, 5), 4, 5, dtype=np.float64)
    np.testing.assert_allclose(a, c, rtol=1e-6)          # same numbers in either dtype


def test_initialize_checks_the_returned_shape():
    with pytest.raises(ValueError, match="returned shape"):
        init.initialize(lambda shape, fi, fo, rng: np.zeros(3), (2, 2), 2, 2)


def test_zero_fan_is_refused():
    with pytest.raises(ValueError, match="fan"):
        init.he_normal((0, 3), 0, 3)


def test_dense_fans_are_in_and_out_features():
    seen = []
    mn.nn.Dense(7, 3, init=lambda shape, fi, fo, rng: seen.append((fi, fo)) or np.zeros(shape))
    assert seen == [(7, 3)]
