"""Adam and AdamW trajectories against the rules written out here, and against torch.optim."""
import math

import numpy as np
import pytest

import minnet as mn

from . import problem


def reference_adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                   decoupled=False, steps=50):
    """Adam as in the paper, with bias-corrected moments m_hat and v_hat spelled out."""
    b1, b2 = betas
    ws = [problem.W1.copy(), problem.W2.copy()]
    ms = [np.zeros_like(w) for w in ws]
    vs = [np.zeros_like(w) for w in ws]
    vmax = [np.zeros_like(w) for w in ws]
    path = []
    for t in range(1, steps + 1):
        gs = problem.grads(ws)
        new = []
        for i, (w, g) in enumerate(zip(ws, gs)):
            if decoupled:
                w = w - lr * weight_decay * w
            else:
                g = g + weight_decay * w
            ms[i] = b1 * ms[i] + (1 - b1) * g
            vs[i] = b2 * vs[i] + (1 - b2) * g ** 2
            v = vs[i]
            if amsgrad:
                vmax[i] = np.maximum(vmax[i], vs[i])
                v = vmax[i]
            m_hat = ms[i] / (1 - b1 ** t)
            v_hat = v / (1 - b2 ** t)
            new.append(w - lr * m_hat / (np.sqrt(v_hat) + eps))
        ws = new
        path.append([w.copy() for w in ws])
    return path


ADAM = [dict(lr=0.05), dict(lr=0.1, betas=(0.8, 0.99)), dict(lr=0.05, weight_decay=0.1),
        dict(lr=0.05, amsgrad=True), dict(lr=0.02, eps=1e-3, weight_decay=0.01, amsgrad=True)]
ADAMW = [dict(lr=0.05), dict(lr=0.05, weight_decay=0.5), dict(lr=0.05, weight_decay=0.1, amsgrad=True)]


def _id(kw):
    return ",".join(f"{k}={v}" for k, v in kw.items())


def _close_to_rule(got, ref):
    # m_hat / (sqrt(v_hat) + eps) is not the same floating-point expression as PyTorch's folded
    # step size and denominator; in float64 they agree to ~1e-15 per step.
    problem.assert_same_path(got, ref, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("kw", ADAM, ids=_id)
def test_adam_matches_the_rule(kw):
    _close_to_rule(problem.run(lambda ps: mn.optim.Adam(ps, **kw)), reference_adam(**kw))


@pytest.mark.parametrize("kw", ADAMW, ids=_id)
def test_adamw_matches_the_rule(kw):
    ref = reference_adam(decoupled=True, **{"weight_decay": 0.01, **kw})
    _close_to_rule(problem.run(lambda ps: mn.optim.AdamW(ps, **kw)), ref)


def test_first_adam_step_moves_each_coordinate_by_lr():
    # With m = (1-b1) g and v = (1-b2) g^2, bias correction gives m_hat/sqrt(v_hat) = sign(g).
    w = mn.Tensor(np.array([3.0, -0.001, 50.0]), requires_grad=True)
    opt = mn.optim.Adam([w], lr=0.01, eps=0.0)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data, [2.99, 0.009, 49.99], rtol=1e-12)


def test_adamw_default_weight_decay_and_adam_default():
    assert mn.optim.AdamW(problem.start()).param_groups[0]["weight_decay"] == 0.01
    g = mn.optim.Adam(problem.start()).param_groups[0]
    assert (g["lr"], g["betas"], g["eps"], g["weight_decay"]) == (1e-3, (0.9, 0.999), 1e-8, 0.0)


@pytest.mark.parametrize("kw", ADAM, ids=_id)
def test_adam_matches_torch(kw):
    torch = pytest.importorskip("torch")
    got = problem.run(lambda ps: mn.optim.Adam(ps, **kw), steps=100)
    problem.assert_same_path(got, problem.run_torch(torch, lambda ps: torch.optim.Adam(ps, **kw), steps=100))


@pytest.mark.parametrize("kw", ADAMW, ids=_id)
def test_adamw_matches_torch(kw):
    torch = pytest.importorskip("torch")
    got = problem.run(lambda ps: mn.optim.AdamW(ps, **kw), steps=100)
    problem.assert_same_path(got, problem.run_torch(torch, lambda ps: torch.optim.AdamW(ps, **kw), steps=100))


@pytest.mark.parametrize("betas, bad", [((1.0, 0.999), "betas\\[0\\] must be a finite number in \\[0, 1\\), got 1.0"),
                                        ((0.9, -0.1), "betas\\[1\\]"), ((0.9,), "a pair")])
def test_bad_betas_are_named(betas, bad):
    with pytest.raises(ValueError, match=bad):
        mn.optim.Adam(problem.start(), betas=betas)


def test_bias_correction_uses_each_parameters_own_step_count():
    # A parameter that first gets a gradient at step 3 starts its own count at 1, as in PyTorch.
    a = mn.Tensor(np.array([1.0]), requires_grad=True)
    b = mn.Tensor(np.array([1.0]), requires_grad=True)
    opt = mn.optim.Adam([a, b], lr=0.1)
    for t in range(3):
        opt.zero_grad()
        (a * a).sum().backward() if t < 2 else ((a * a).sum() + (b * b).sum()).backward()
        opt.step()
    assert opt.state[a]["step"] == 3 and opt.state[b]["step"] == 1
    assert math.isclose(b.data[0], 0.9, rel_tol=1e-9)
