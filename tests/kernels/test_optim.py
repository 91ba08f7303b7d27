"""Optimizer update kernels: the references against steps worked out by hand, the Numba twins against
the references bit for bit, and the promise that the twins make no parameter-sized temporary."""
import tracemalloc

import numpy as np
import pytest

import minnet as mn
import minnet.kernels as K
from minnet.kernels import optim, optim_numba

SGD_CASES = [dict(), dict(momentum=0.9), dict(momentum=0.9, nesterov=True), dict(weight_decay=0.1),
             dict(momentum=0.5, dampening=0.3, weight_decay=0.01), dict(momentum=0.7, nesterov=True, weight_decay=0.2)]
ADAM_CASES = [dict(), dict(weight_decay=0.1), dict(weight_decay=0.1, decoupled=True), dict(amsgrad=True),
              dict(amsgrad=True, weight_decay=0.05, decoupled=True)]


def test_sgd_reference_by_hand():
    # p = [1, -2], g = [2, -4], lr 0.1, momentum 0.5: first step buf = g, p = p − 0.1·g = [0.8, −1.6];
    # second step with g = [1, 1]: buf = 0.5·[2, −4] + [1, 1] = [2, −1], p = [0.8 − 0.2, −1.6 + 0.1]
    p, buf = np.array([1.0, -2.0]), np.zeros(2)
    optim.sgd_update_numpy(p, np.array([2.0, -4.0]), buf, 0.1, 0.0, 0.5, 0.0, False, True)
    np.testing.assert_allclose(p, [0.8, -1.6])
    optim.sgd_update_numpy(p, np.array([1.0, 1.0]), buf, 0.1, 0.0, 0.5, 0.0, False, False)
    np.testing.assert_allclose(buf, [2.0, -1.0])
    np.testing.assert_allclose(p, [0.6, -1.5])


def test_adam_reference_by_hand():
    # step 1: m = 0.1·g, v = 0.001·g², m̂ = g, v̂ = g², so p moves by lr·g/(|g| + eps) = lr·sign(g)
    p, g = np.array([1.0, -2.0]), np.array([3.0, -0.5])
    m, v = np.zeros(2), np.zeros(2)
    optim.adam_update_numpy(p, g, m, v, None, 0.01, 0.9, 0.999, 0.0, 0.0, False, 1)
    np.testing.assert_allclose(m, 0.1 * g)
    np.testing.assert_allclose(v, 0.001 * g * g)
    np.testing.assert_allclose(p, [0.99, -1.99])


def _arrays(rng, n, dtype, count):
    return [rng.standard_normal(n).astype(dtype) for _ in range(count)]


@pytest.mark.parametrize("kw", SGD_CASES, ids=str)
@pytest.mark.parametrize("n", [1, 37, 5000])
def test_numba_sgd_matches_the_reference_bit_for_bit(rng, kw, n, dtype):
    p, g, buf = _arrays(rng, n, dtype, 3)
    args = dict(lr=0.05, weight_decay=0.0, momentum=0.0, dampening=0.0, nesterov=False) | kw
    ours, ref = [a.copy() for a in (p, buf)], [a.copy() for a in (p, buf)]
    for first in (True, False, False):
        optim_numba.sgd_update_numba(ours[0], g, ours[1], first=first, **args)
        optim.sgd_update_numpy(ref[0], g, ref[1] if args["momentum"] else None, first=first, **args)
    np.testing.assert_array_equal(ours[0], ref[0])
    if args["momentum"]:
        np.testing.assert_array_equal(ours[1], ref[1])


@pytest.mark.parametrize("kw", ADAM_CASES, ids=str)
@pytest.mark.parametrize("n", [1, 37, 5000])
def test_numba_adam_matches_the_reference_bit_for_bit(rng, kw, n, dtype):
    p, g = _arrays(rng, n, dtype, 2)
    amsgrad = kw.pop("amsgrad", False)
    args = dict(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False) | kw
    state = [np.abs(a) for a in _arrays(rng, n, dtype, 3)]                 # m, v, vmax
    ours, ref = [p.copy(), *(a.copy() for a in state)], [p.copy(), *(a.copy() for a in state)]
    for step in (1, 2, 3):
        for arrays, update in ((ours, optim_numba.adam_update_numba), (ref, optim.adam_update_numpy)):
            q, m, v, vmax = arrays
            update(q, g * step, m, v, vmax if amsgrad else None, step=step, **args)
    for a, b in zip(ours, ref):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_public_updates_work_in_place_on_any_layout(rng, backend):
    p = rng.standard_normal((10, 6000)).astype(np.float32)[:, ::2]        # not contiguous
    want = p - 0.1 * np.ones_like(p)
    with K.use_backend(backend):
        K.sgd_update(p, np.ones_like(p), None, 0.1)
    np.testing.assert_array_equal(p, want)
    with pytest.raises(ValueError, match="shapes"):
        K.sgd_update(p, np.ones(3, np.float32), None, 0.1)


@pytest.mark.parametrize("make", [lambda ps: mn.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
                                  lambda ps: mn.optim.Adam(ps, lr=1e-3, weight_decay=0.01),
                                  lambda ps: mn.optim.AdamW(ps, lr=1e-3, amsgrad=True)], ids=["SGD", "Adam", "AdamW"])
def test_an_optimizer_step_makes_no_parameter_sized_temporary(make):
    """Under the numba backend, the default (the NumPy reference shows the rule and makes temporaries)."""
    with K.use_backend("numba"):
        _step_twice_and_measure(make)


def _step_twice_and_measure(make):
    w = mn.Tensor(np.ones((1000, 1000), np.float32), requires_grad=True)
    w.grad = np.full(w.shape, 0.5, np.float32)
    opt = make([w])
    opt.step()                                                            # allocates the state, compiles
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < w.data.nbytes / 10, f"a step allocated {peak / 1e6:.1f} MB for a {w.data.nbytes / 1e6:.0f} MB weight"
