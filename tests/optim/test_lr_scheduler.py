"""Learning-rate sequences: against the closed forms written out here, hand-worked plateaus, and torch."""
import math

import numpy as np
import pytest

import minnet as mn


def _opt(lr=0.1, groups=None):
    w = mn.Tensor(np.zeros(2), requires_grad=True)
    if groups:
        return mn.optim.SGD([{"params": [w], "lr": groups[0]},
                             {"params": [mn.Tensor(np.zeros(1), requires_grad=True)], "lr": groups[1]}], lr=lr)
    return mn.optim.SGD([w], lr=lr)


def sequence(make_scheduler, epochs, lr=0.1, metrics=None, groups=None):
    """The lr in force at each epoch 0..epochs-1 (the scheduler steps at each epoch's end)."""
    opt = _opt(lr, groups)
    sched = make_scheduler(opt)
    out = []
    for e in range(epochs):
        out.append([g["lr"] for g in opt.param_groups])
        sched.step(metrics[e]) if metrics is not None else sched.step()
    return np.array(out)


def torch_sequence(torch, make_scheduler, epochs, lr=0.1, metrics=None, groups=None):
    w = torch.zeros(2, requires_grad=True)
    if groups:
        opt = torch.optim.SGD([{"params": [w], "lr": groups[0]},
                               {"params": [torch.zeros(1, requires_grad=True)], "lr": groups[1]}], lr=lr)
    else:
        opt = torch.optim.SGD([w], lr=lr)
    sched = make_scheduler(opt)
    out = []
    for e in range(epochs):
        out.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step(metrics[e]) if metrics is not None else sched.step()
    return np.array(out)


def test_making_a_scheduler_leaves_the_lr_alone():
    opt = _opt(0.3)
    sched = mn.optim.StepLR(opt, step_size=2)
    assert opt.lr == 0.3 and sched.get_last_lr() == [0.3] and sched.last_epoch == 0


def test_step_lr_closed_form():
    got = sequence(lambda o: mn.optim.StepLR(o, step_size=3, gamma=0.5), 12)[:, 0]
    np.testing.assert_allclose(got, [0.1 * 0.5 ** (e // 3) for e in range(12)], rtol=1e-12)


def test_exponential_lr_closed_form():
    got = sequence(lambda o: mn.optim.ExponentialLR(o, gamma=0.9), 20)[:, 0]
    np.testing.assert_allclose(got, [0.1 * 0.9 ** e for e in range(20)], rtol=1e-12)


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_closed_form_through_several_periods(eta_min):
    T = 5
    got = sequence(lambda o: mn.optim.CosineAnnealingLR(o, T_max=T, eta_min=eta_min), 4 * T + 1)[:, 0]
    want = [eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * e / T)) / 2 for e in range(4 * T + 1)]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15)
    assert got[T] == pytest.approx(eta_min, abs=1e-15)


def test_plateau_hand_worked():
    # patience 2: the lr is cut after the 3rd epoch in a row without improvement
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.5, 0.6, 0.6, 0.6, 0.6]
    got = sequence(lambda o: mn.optim.ReduceLROnPlateau(o, factor=0.5, patience=2), 10, lr=1.0,
                   metrics=metrics)[:, 0]
    #      e: 0    1    2    3    4    5    6    7    8    9    (lr in force during epoch e)
    want = [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25]
    np.testing.assert_allclose(got, want)


def test_plateau_respects_min_lr_and_threshold():
    opt = _opt(1.0)
    sched = mn.optim.ReduceLROnPlateau(opt, factor=0.1, patience=0, min_lr=0.05)
    for v in [1.0, 0.99995, 0.99992, 0.99991]:      # improvements under 1e-4 relative do not count
        sched.step(v)
    assert opt.lr == pytest.approx(0.05)
    assert sched.best == 1.0


def test_plateau_needs_a_value():
    sched = mn.optim.ReduceLROnPlateau(_opt())
    with pytest.raises(TypeError, match=r"step\(value\)"):
        sched.step()


@pytest.mark.parametrize("bad", [dict(factor=1.0), dict(mode="up"), dict(threshold_mode="x")])
def test_plateau_bad_settings(bad):
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        mn.optim.ReduceLROnPlateau(_opt(), **bad)


def test_schedulers_refuse_bad_settings():
    with pytest.raises(ValueError, match="step_size must be a positive integer"):
        mn.optim.StepLR(_opt(), step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive integer"):
        mn.optim.CosineAnnealingLR(_opt(), T_max=0)
    with pytest.raises(TypeError, match="needs a minnet optimizer"):
        mn.optim.StepLR(object(), step_size=1)


@pytest.mark.parametrize("make, says", [
    (lambda o: mn.optim.StepLR(o, 1, gamma=math.inf), "StepLR: gamma must be a finite number > 0, got inf"),
    (lambda o: mn.optim.ExponentialLR(o, gamma=math.nan), "ExponentialLR: gamma must be a finite number > 0, got nan"),
    (lambda o: mn.optim.CosineAnnealingLR(o, 5, eta_min=math.inf), "CosineAnnealingLR: eta_min must be a finite"),
    (lambda o: mn.optim.ReduceLROnPlateau(o, patience=math.inf), "ReduceLROnPlateau: patience must be a finite"),
    (lambda o: mn.optim.ReduceLROnPlateau(o, eps=math.nan), "ReduceLROnPlateau: eps must be a finite number >= 0"),
    (lambda o: mn.optim.ReduceLROnPlateau(o, min_lr="0"), r"ReduceLROnPlateau: min_lr must be a finite number >= 0, got '0'"),
])
def test_schedulers_refuse_non_finite_settings(make, says):
    with pytest.raises(ValueError, match=says):
        make(_opt())


def test_state_dict_round_trip():
    opt = _opt()
    sched = mn.optim.CosineAnnealingLR(opt, T_max=10)
    for _ in range(3):
        sched.step()
    saved = sched.state_dict()
    assert "optimizer" not in saved
    opt2 = _opt(opt.lr)
    sched2 = mn.optim.CosineAnnealingLR(opt2, T_max=10)
    sched2.load_state_dict(saved)
    sched.step(), sched2.step()
    assert opt.lr == opt2.lr and sched2.last_epoch == 4


# ---- the same sequences as PyTorch ------------------------------------------------------------
CASES = {
    "step": (lambda m: m.StepLR, dict(step_size=4, gamma=0.3)),
    "exponential": (lambda m: m.ExponentialLR, dict(gamma=0.8)),
    "cosine": (lambda m: m.CosineAnnealingLR, dict(T_max=7, eta_min=0.001)),
    "cosine_zero_min": (lambda m: m.CosineAnnealingLR, dict(T_max=3)),
}


@pytest.mark.parametrize("name", CASES)
def test_sequences_match_torch(name):
    torch = pytest.importorskip("torch")
    cls, kw = CASES[name]
    ours = sequence(lambda o: cls(mn.optim)(o, **kw), 30, groups=(0.1, 0.5))
    theirs = torch_sequence(torch, lambda o: cls(torch.optim.lr_scheduler)(o, **kw), 30, groups=(0.1, 0.5))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kw", [dict(), dict(patience=2, factor=0.5), dict(patience=1, cooldown=2, min_lr=1e-3),
                                dict(mode="max", patience=1, threshold=0.05, threshold_mode="abs"),
                                dict(mode="max", patience=0, threshold=0.1)])
def test_plateau_matches_torch(kw):
    torch = pytest.importorskip("torch")
    metrics = list(np.random.default_rng(3).uniform(0, 1, size=60) + np.linspace(1, 0, 60))
    ours = sequence(lambda o: mn.optim.ReduceLROnPlateau(o, **kw), 60, lr=1.0, metrics=metrics)
    theirs = torch_sequence(torch, lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, **kw), 60, lr=1.0,
                            metrics=metrics)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert len(np.unique(ours)) > 1          # the case did cut the lr at least once
