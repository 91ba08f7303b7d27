"""mn.lr_find: the sweep, the smoothing, stopping when the loss runs away, the suggestion, restoring."""
import math

import numpy as np
import pytest

import minnet as mn
from minnet.train.lr_finder import LRFinderResult


def mlp(n_out=2):
    return mn.nn.Sequential(mn.nn.Dense(2, 64), mn.nn.ReLU(), mn.nn.Dense(64, 64), mn.nn.ReLU(),
                            mn.nn.Dense(64, n_out))


def test_unpacks_as_design_says_and_sweeps_exponentially():
    X, y = mn.data.moons(200, seed=0)
    model = mlp()
    result = mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
                        start_lr=1e-4, end_lr=1e-2, num_steps=30)
    lrs, losses, suggested = result
    assert isinstance(result, LRFinderResult) and len(result) == 3 and result[2] == suggested
    assert not result.diverged and len(lrs) == 30            # lr 1e-2 is far from running away here
    np.testing.assert_allclose(lrs, np.logspace(-4, -2, 30), rtol=1e-12)
    assert lrs[0] == 1e-4 and lrs[-1] == pytest.approx(1e-2)
    assert "LRFinderResult(30 steps" in repr(result)


def test_smoothing_is_a_bias_corrected_moving_average():
    X, y = mn.data.moons(200, seed=0)
    model = mlp()
    s = 0.2
    r = mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
                   num_steps=20, end_lr=1e-3, smoothing=s)
    weights = (1 - s) ** np.arange(20)[::-1]
    for i in range(20):                           # smoothed_i = sum_j w_ij l_j / sum_j w_ij
        w = weights[-(i + 1):]
        assert r.losses[i] == pytest.approx(np.dot(w, r.raw_losses[:i + 1]) / w.sum(), rel=1e-10)
    assert r.losses[0] == pytest.approx(r.raw_losses[0], rel=1e-12)
    r1 = mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
                    num_steps=10, end_lr=1e-3, smoothing=1.0)
    np.testing.assert_array_equal(r1.losses, r1.raw_losses)


def test_stops_when_the_loss_runs_away_and_suggests_a_tenth_of_the_best():
    X, y = mn.data.moons(200, seed=0)
    model = mlp()
    r = mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
                   start_lr=1e-5, end_lr=1e3, num_steps=100)
    assert r.diverged and len(r.lrs) < 100 and r.lrs[-1] < 1e3
    finite = np.where(np.isfinite(r.losses), r.losses, np.inf)
    assert not r.losses[-1] <= 4.0 * finite[:-1].min()        # the last point is the runaway one
    skip = 10                                                  # the first 1/(2 * 0.05) steps are not trusted
    assert r.min_loss_lr == r.lrs[skip + np.argmin(finite[skip:])]
    assert r.suggested_lr == pytest.approx(r.min_loss_lr / 10)
    assert r.steepest_lr is not None and r.steepest_lr <= r.min_loss_lr


@pytest.mark.parametrize("make_optimizer", [lambda ps: mn.optim.SGD(ps, lr=0.1),
                                            lambda ps: mn.optim.SGD(ps, lr=0.1, momentum=0.9),
                                            lambda ps: mn.optim.Adam(ps)], ids=["SGD", "momentum", "Adam"])
def test_the_suggestion_trains_stably(make_optimizer):
    """The suggested lr lies below where the loss runs away, and training with it works."""
    X, y = mn.data.spiral(300, 3, seed=0)
    mn.manual_seed(0)
    model = mlp(n_out=3)
    loss = mn.losses.CrossEntropyLoss()
    r = mn.lr_find(model, loss, make_optimizer(model.parameters()), (X, y))
    assert r.lrs[0] < r.suggested_lr < r.min_loss_lr < r.lrs[-1]
    mn.manual_seed(0)
    model = mlp(n_out=3)
    opt = make_optimizer(model.parameters())
    opt.lr = r.suggested_lr
    h = mn.fit(model, loss, opt, (X, y), epochs=40, progress=False)
    assert h.diverged is None
    assert h.train_loss[-1] < 0.4 * h.train_loss[0] and h.train_acc[-1] > 0.8
    assert max(h.train_loss[1:]) < h.train_loss[0]          # never back above where it started


class RunningMean(mn.nn.Module):
    """Keeps a running mean of its inputs in a buffer while training (as batch norm does)."""

    def __init__(self, n):
        super().__init__()
        self.register_buffer("running_mean", np.zeros(n, dtype=np.float32))

    def forward(self, x):
        if self.training:
            self.running_mean = 0.9 * self.running_mean + 0.1 * x.data.mean(axis=0)
        return x


def test_restores_weights_buffers_gradients_mode_and_optimizer():
    X, y = mn.data.moons(200, seed=0)
    model = mn.nn.Sequential(mn.nn.Dense(2, 16), RunningMean(16), mn.nn.ReLU(), mn.nn.Dense(16, 2))
    opt = mn.optim.Adam(model.parameters(), lr=0.003)
    loss = mn.losses.CrossEntropyLoss()
    mn.fit(model, loss, opt, (X, y), epochs=2, progress=False)      # some optimizer state to keep
    model.eval()
    grad_before = [np.full(p.shape, 0.5, dtype=p.dtype) for p in model.parameters()]
    for p, g in zip(model.parameters(), grad_before):
        p.grad = g.copy()
    state_before = model.state_dict()
    opt_before = opt.state_dict()
    r = mn.lr_find(model, loss, opt, (X, y), num_steps=40)
    assert len(r.lrs) > 10
    after = model.state_dict()
    assert list(after) == list(state_before)
    for k in after:
        np.testing.assert_array_equal(after[k], state_before[k], err_msg=k)
    opt_after = opt.state_dict()
    assert opt.lr == 0.003 and opt_after["param_groups"] == opt_before["param_groups"]
    for i, entry in opt_before["state"].items():
        for k, v in entry.items():
            np.testing.assert_array_equal(opt_after["state"][i][k], v)
    assert not model.training
    for p, g in zip(model.parameters(), grad_before):
        np.testing.assert_array_equal(p.grad, g)


def test_a_fresh_optimizer_is_left_fresh():
    X, y = mn.data.moons(100, seed=0)
    model = mlp()
    opt = mn.optim.Adam(model.parameters(), lr=1e-3)
    mn.lr_find(model, mn.losses.CrossEntropyLoss(), opt, (X, y), num_steps=20)
    assert opt.state == {} and opt.lr == 1e-3


def test_works_on_a_hand_written_model_and_a_dataloader():
    class Linear:
        """Not a Module: parameters(), train() and eval() only."""

        def __init__(self):
            self.w = mn.Tensor(np.zeros((2, 2), dtype=np.float32), requires_grad=True)
            self.training = True

        def parameters(self):
            return iter([self.w])

        def train(self, mode=True):
            self.training = mode

        def eval(self):
            self.training = False

        def __call__(self, x):
            return x @ self.w

    X, y = mn.data.moons(200, seed=0)
    model = Linear()
    r = mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1),
                   mn.data.DataLoader(X, y, batch_size=16, seed=0), num_steps=50)
    assert len(r.lrs) >= 20                           # several passes over the 13 batches when needed
    np.testing.assert_array_equal(model.w.data, 0.0)


def test_too_short_a_sweep_is_flagged():
    X, y = mn.data.moons(100, seed=0)
    model = mlp()
    with pytest.warns(RuntimeWarning, match="ran away after only"):
        r = mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
                       start_lr=1e3, end_lr=1e6, num_steps=50)
    assert r.diverged and math.isfinite(r.suggested_lr)


@pytest.mark.parametrize("kw, message", [(dict(start_lr=1.0, end_lr=0.1), "0 < start_lr < end_lr"),
                                         (dict(start_lr=0.0), "0 < start_lr < end_lr"),
                                         (dict(num_steps=1), "num_steps must be an integer >= 2"),
                                         (dict(smoothing=0.0), "smoothing must be in"),
                                         (dict(diverge_threshold=1.0), "diverge_threshold must be > 1")])
def test_bad_settings(kw, message):
    X, y = mn.data.moons(100, seed=0)
    model = mlp()
    with pytest.raises(ValueError, match=message):
        mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y), **kw)


def test_lengths_that_differ_are_named():
    X, y = mn.data.moons(100, seed=0)
    model = mlp()
    with pytest.raises(ValueError, match="lr_find: the training X has 100 samples but y has 99"):
        mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y[:99]))
