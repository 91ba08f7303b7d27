"""SGD trajectories against the update rule written out here, and against torch.optim.SGD."""
import numpy as np
import pytest

import minnet as mn

from . import problem


def reference_sgd(lr, momentum=0.0, nesterov=False, weight_decay=0.0, steps=50):
    """PyTorch's SGD, written as the textbook velocity form: v_1 = g_1, v_t = mu v_{t-1} + g_t."""
    ws = [problem.W1.copy(), problem.W2.copy()]
    vs = [None, None]
    path = []
    for _ in range(steps):
        gs = problem.grads(ws)
        new = []
        for i, (w, g) in enumerate(zip(ws, gs)):
            g = g + weight_decay * w
            if momentum:
                vs[i] = g if vs[i] is None else momentum * vs[i] + g
                direction = g + momentum * vs[i] if nesterov else vs[i]
            else:
                direction = g
            new.append(w - lr * direction)
        ws = new
        path.append([w.copy() for w in ws])
    return path


CASES = [dict(lr=0.05), dict(lr=0.05, momentum=0.9), dict(lr=0.02, momentum=0.9, nesterov=True),
         dict(lr=0.05, weight_decay=0.1), dict(lr=0.03, momentum=0.5, nesterov=True, weight_decay=0.01)]


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_trajectory_matches_the_rule(kw):
    got = problem.run(lambda ps: mn.optim.SGD(ps, **kw))
    problem.assert_same_path(got, reference_sgd(**kw), atol=1e-12, rtol=1e-12)


def test_one_plain_step_by_hand():
    w = mn.Tensor(np.array([1.0, -2.0]), requires_grad=True)
    opt = mn.optim.SGD([w], lr=0.1)
    (w * w).sum().backward()                  # grad = 2w = [2, -4]
    opt.step()
    np.testing.assert_allclose(w.data, [0.8, -1.6])


def test_dampening_matches_torch():
    torch = pytest.importorskip("torch")
    kw = dict(lr=0.05, momentum=0.9, dampening=0.3)
    got = problem.run(lambda ps: mn.optim.SGD(ps, **kw))
    problem.assert_same_path(got, problem.run_torch(torch, lambda ps: torch.optim.SGD(ps, **kw)))


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_trajectory_matches_torch(kw):
    torch = pytest.importorskip("torch")
    got = problem.run(lambda ps: mn.optim.SGD(ps, **kw))
    problem.assert_same_path(got, problem.run_torch(torch, lambda ps: torch.optim.SGD(ps, **kw)))


def test_nesterov_needs_momentum():
    with pytest.raises(ValueError, match="nesterov=True needs a momentum > 0"):
        mn.optim.SGD(problem.start(), lr=0.1, nesterov=True)


def test_float32_parameters_stay_float32():
    w = mn.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    opt = mn.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.01)
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    assert w.data.dtype == np.float32
    assert opt.state[w]["momentum_buffer"].dtype == np.float32
