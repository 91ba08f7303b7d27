"""RMSprop trajectories against the rule written out here, and against torch.optim.RMSprop."""
import numpy as np
import pytest

import minnet as mn

from . import problem


def reference_rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.0, weight_decay=0.0, centered=False,
                      steps=50):
    ws = [problem.W1.copy(), problem.W2.copy()]
    sq = [np.zeros_like(w) for w in ws]
    mean = [np.zeros_like(w) for w in ws]
    buf = [np.zeros_like(w) for w in ws]
    path = []
    for _ in range(steps):
        gs = problem.grads(ws)
        new = []
        for i, (w, g) in enumerate(zip(ws, gs)):
            g = g + weight_decay * w
            sq[i] = alpha * sq[i] + (1 - alpha) * g * g
            mean[i] = alpha * mean[i] + (1 - alpha) * g
            var = sq[i] - mean[i] ** 2 if centered else sq[i]
            scaled = g / (np.sqrt(var) + eps)
            if momentum > 0:
                buf[i] = momentum * buf[i] + scaled
                new.append(w - lr * buf[i])
            else:
                new.append(w - lr * scaled)
        ws = new
        path.append([w.copy() for w in ws])
    return path


CASES = [dict(lr=0.01), dict(lr=0.01, alpha=0.9), dict(lr=0.005, momentum=0.9),
         dict(lr=0.01, weight_decay=0.1), dict(lr=0.005, centered=True),
         dict(lr=0.002, momentum=0.5, centered=True, weight_decay=0.01, eps=1e-4)]


def _id(kw):
    return ",".join(f"{k}={v}" for k, v in kw.items())


@pytest.mark.parametrize("kw", CASES, ids=_id)
def test_matches_the_rule(kw):
    got = problem.run(lambda ps: mn.optim.RMSprop(ps, **kw))
    problem.assert_same_path(got, reference_rmsprop(**kw), atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("kw", CASES, ids=_id)
def test_matches_torch(kw):
    # 60 steps: once a coordinate sits at its minimum, g and sqrt(s) both shrink towards 0 and
    # their ratio amplifies rounding (1e-16 grows to 1e-6 by step ~90 in both libraries alike).
    torch = pytest.importorskip("torch")
    got = problem.run(lambda ps: mn.optim.RMSprop(ps, **kw), steps=60)
    problem.assert_same_path(got, problem.run_torch(torch, lambda ps: torch.optim.RMSprop(ps, **kw), steps=60))


def test_defaults_are_designs():
    g = mn.optim.RMSprop(problem.start()).param_groups[0]
    assert (g["lr"], g["alpha"], g["eps"], g["momentum"]) == (1e-2, 0.99, 1e-8, 0.0)
