"""What every optimizer shares: clear errors, skipping parameters without gradients, lr, groups, state_dict."""
import math
import re

import numpy as np
import pytest

import minnet as mn

from . import problem

ALL = [lambda ps, **kw: mn.optim.SGD(ps, lr=0.1, momentum=0.9, **kw), mn.optim.Adam, mn.optim.AdamW,
       lambda ps, **kw: mn.optim.RMSprop(ps, momentum=0.5, centered=True, **kw)]


def test_empty_parameter_list_is_named():
    with pytest.raises(ValueError, match="^SGD got an empty parameter list$"):
        mn.optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="^Adam got an empty parameter list$"):
        mn.optim.Adam(iter(()))


def test_negative_lr_is_named():
    with pytest.raises(ValueError, match=r"^SGD: lr must be a finite number >= 0, got -0.1; try a value such as "
                                         r"0.01 \(mn.lr_find helps to choose one\)$"):
        mn.optim.SGD(problem.start(), lr=-0.1)
    with pytest.raises(ValueError, match="RMSprop: lr must be a finite number >= 0, got -1"):
        mn.optim.RMSprop(problem.start(), lr=-1)
    opt = mn.optim.Adam(problem.start())
    with pytest.raises(ValueError, match="Adam: lr must be a finite number >= 0, got -2"):
        opt.lr = -2


OPTIMIZERS = {"SGD": mn.optim.SGD, "Adam": mn.optim.Adam, "AdamW": mn.optim.AdamW, "RMSprop": mn.optim.RMSprop}


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("lr", [math.inf, -math.inf, math.nan, -1e-3, "0.1", None])
def test_every_optimizer_refuses_a_learning_rate_that_is_not_a_finite_number_at_least_0(name, lr):
    with pytest.raises((ValueError, TypeError), match=rf"^{name}: .*lr.* got {re.escape(repr(lr))}"):
        OPTIMIZERS[name](problem.start(), lr=lr)
    opt = OPTIMIZERS[name](problem.start(), lr=0.1)
    if lr is not None:
        with pytest.raises(ValueError, match=rf"^{name}: lr must be a finite number >= 0, got {re.escape(repr(lr))}"):
            opt.lr = lr
    assert opt.lr == 0.1


@pytest.mark.parametrize("name, kw", [
    ("SGD", dict(lr=0.1, momentum=math.inf)), ("SGD", dict(lr=0.1, weight_decay=math.nan)),
    ("SGD", dict(lr=0.1, momentum="0.9")), ("SGD", dict(lr=0.1, dampening=math.nan)),
    ("Adam", dict(eps=math.inf)), ("Adam", dict(weight_decay=math.inf)), ("Adam", dict(betas=(math.nan, 0.9))),
    ("AdamW", dict(weight_decay=-math.inf)),
    ("RMSprop", dict(alpha=math.nan)), ("RMSprop", dict(eps=-1e-8)), ("RMSprop", dict(momentum=math.inf)),
])
def test_other_non_finite_hyperparameters_are_named(name, kw):
    (key, value), = [(k, v) for k, v in kw.items() if k != "lr"]
    shown = re.escape(repr(value[0] if key == "betas" else value))
    with pytest.raises(ValueError, match=rf"^{name}: {key}(\[0\])? must be a finite number .*, got {shown}"):
        OPTIMIZERS[name](problem.start(), **kw)


def test_a_single_tensor_or_a_non_tensor_is_refused():
    w = mn.Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(TypeError, match="wrap it in a list"):
        mn.optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="parameter 1 is a ndarray, not a Tensor"):
        mn.optim.SGD([w, np.ones(2)], lr=0.1)


def test_tensors_that_can_never_get_a_gradient_are_refused():
    with pytest.raises(ValueError, match="SGD: none of the 1 tensor\\(s\\) it was given has requires_grad=True"):
        mn.optim.SGD([mn.Tensor(np.ones(2))], lr=0.1)


def test_a_repeated_parameter_is_refused():
    w = mn.Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="appears more than once"):
        mn.optim.SGD([w, w], lr=0.1)


def test_step_without_any_gradient_asks_about_backward():
    opt = mn.optim.SGD(problem.start(), lr=0.1)
    with pytest.raises(RuntimeError, match=r"none of its 2 parameters has a gradient.*loss.backward\(\)"):
        opt.step()


def test_parameters_without_gradient_are_skipped():
    a, b = problem.start()
    before = b.data.copy()
    opt = mn.optim.Adam([a, b], lr=0.1)
    (a * a).sum().backward()
    opt.step()
    np.testing.assert_array_equal(b.data, before)
    assert b not in opt.state or not opt.state[b]


def test_zero_grad_forgets_gradients():
    params = problem.start()
    opt = mn.optim.SGD(params, lr=0.1)
    problem.loss(params).backward()
    opt.zero_grad()
    assert all(p.grad is None for p in params)
    problem.loss(params).backward()
    opt.zero_grad(set_to_none=False)
    assert all(np.array_equal(p.grad, np.zeros(p.shape)) for p in params)


def test_lr_is_settable_and_used():
    w = mn.Tensor(np.array([1.0]), requires_grad=True)
    opt = mn.optim.SGD([w], lr=0.1)
    opt.lr = 0.5
    assert opt.lr == 0.5 and opt.param_groups[0]["lr"] == 0.5
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data, [0.0])


def test_parameter_groups_keep_their_own_hyperparameters():
    a, b = problem.start()
    opt = mn.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.0}], lr=0.1, weight_decay=0.5)
    before = b.data.copy()
    problem.loss([a, b]).backward()
    opt.step()
    np.testing.assert_array_equal(b.data, before)
    assert opt.param_groups[1]["weight_decay"] == 0.5


@pytest.mark.parametrize("make", ALL, ids=["SGD", "Adam", "AdamW", "RMSprop"])
def test_state_dict_round_trip_continues_the_same_path(make):
    """Save after 5 steps, load into a fresh optimizer on copied weights: the next steps agree."""
    params = problem.start()
    opt = make(params)
    for _ in range(5):
        opt.zero_grad()
        problem.loss(params).backward()
        opt.step()
    saved = opt.state_dict()
    # plain dicts of arrays and numbers, and copies: stepping on must not change them
    for entry in saved["state"].values():
        assert all(isinstance(v, (np.ndarray, int, float)) for v in entry.values())
    copies = [mn.Tensor(p.data.copy(), requires_grad=True) for p in params]
    opt2 = make(copies)
    opt2.load_state_dict(saved)
    snapshot = {k: {n: (v.copy() if isinstance(v, np.ndarray) else v) for n, v in e.items()}
                for k, e in saved["state"].items()}
    for ps, o in ((params, opt), (copies, opt2)):
        for _ in range(5):
            o.zero_grad()
            problem.loss(ps).backward()
            o.step()
    for p, q in zip(params, copies):
        np.testing.assert_array_equal(p.data, q.data)
    for k, e in snapshot.items():
        for n, v in e.items():
            np.testing.assert_array_equal(saved["state"][k][n], v)


def test_load_state_dict_restores_lr_and_checks_shapes():
    params = problem.start()
    opt = mn.optim.Adam(params, lr=0.1)
    problem.loss(params).backward()
    opt.step()
    saved = opt.state_dict()
    opt.lr = 5.0
    opt.load_state_dict(saved)
    assert opt.lr == 0.1
    other = mn.optim.Adam([mn.Tensor(np.ones((2, 2)), requires_grad=True), params[1]])
    with pytest.raises(ValueError, match=r"shape \(3, 2\), the parameter has shape \(2, 2\)"):
        other.load_state_dict(saved)
    one_param = {"state": {}, "param_groups": [{**saved["param_groups"][0], "params": [0]}]}
    with pytest.raises(ValueError, match="group 0 has 1 saved parameter"):
        mn.optim.Adam(params).load_state_dict(one_param)


def test_after_zero_grad_backward_hands_over_the_kernels_gradients_without_copying(monkeypatch):
    import weakref
    made = []
    dense_backward = mn.kernels.dense_backward

    def recording(*args, **kwargs):
        grads = dense_backward(*args, **kwargs)
        made.extend(weakref.ref(g) for g in grads[1:])           # weak: holding them would force a copy
        return grads
    monkeypatch.setattr(mn.kernels, "dense_backward", recording)
    model = mn.nn.Sequential(mn.nn.Dense(5, 4), mn.nn.ReLU(), mn.nn.Dense(4, 2))
    opt = mn.optim.SGD(model.parameters(), lr=0.1)
    x, y = np.random.default_rng(0).standard_normal((8, 5)), np.array([0, 1] * 4)
    for _ in range(2):
        made.clear()
        opt.zero_grad()
        mn.losses.CrossEntropyLoss()(model(x), y).backward()
        assert all(any(r() is p.grad for r in made) for p in model.parameters())
        opt.step()


def test_gradients_taken_over_never_alias_other_memory():
    a, b = (mn.Tensor(np.ones(3), requires_grad=True) for _ in range(2))
    (a + b).sum().backward()                                      # one array reaches both inputs
    assert not np.shares_memory(a.grad, b.grad)
    a.grad += 1
    np.testing.assert_array_equal(b.grad, 1)
    w, g = mn.Tensor(np.ones(3), requires_grad=True), np.full(3, 2.0)
    (w * 1.0).backward(g)                                         # the caller's array
    assert not np.shares_memory(w.grad, g)
    h = w * 3.0
    h.retain_grad()
    w.grad = None
    h.backward(g)                                                 # a non-leaf keeps its gradient too
    assert not np.shares_memory(w.grad, h.grad) and not np.shares_memory(h.grad, g)
    np.testing.assert_array_equal(w.grad, 6.0)
