"""Callbacks: the protocol's order, early stopping (stopping, restoring the best weights), schedulers."""
import numpy as np
import pytest

import minnet as mn
from minnet.train.callbacks import Callback, FitState, LRSchedulerCallback
from minnet.train.history import History
from minnet.train import evaluate


def mlp(hidden=32, n_out=2):
    return mn.nn.Sequential(mn.nn.Dense(2, hidden), mn.nn.ReLU(), mn.nn.Dense(hidden, n_out))


def weights(model):
    return [p.data.copy() for p in model.parameters()]


# ---- early stopping on a hand-made curve ------------------------------------------------------------

class _Model:
    """Just enough of a model for EarlyStopping: one weight, copied in and out."""

    def __init__(self):
        self.w = mn.Tensor(np.zeros(1), requires_grad=True)

    def parameters(self):
        return iter([self.w])


def _drive(es, values, has_val=True):
    """Feed EarlyStopping a val_loss curve; the model's weight is set to the epoch number."""
    model, history = _Model(), History()
    state = FitState(model, None, None, history, epochs=len(values), has_val=has_val)
    es.on_train_begin(state)
    for epoch, v in enumerate(values, start=1):
        state.epoch = epoch
        model.w.data[0] = epoch
        history.val_loss.append(v)
        history.train_loss.append(v)
        es.on_epoch_end(state)
        if state.stop_requested:
            break
    es.on_train_end(state)
    return state, model


def test_stops_after_patience_epochs_without_improvement_and_restores_the_best():
    es = mn.EarlyStopping(patience=3)
    state, model = _drive(es, [1.0, 0.8, 0.7, 0.75, 0.71, 0.9, 0.6, 0.5])
    assert state.stop_requested and es.stopped_epoch == 6
    assert es.best_epoch == 3 and es.best_value == 0.7
    assert model.w.data[0] == 3 and state.history.restored_epoch == 3
    assert "val_loss did not improve by more than 0 for 3 epoch(s) (best 0.7 at epoch 3)" in state.stop_reason


def test_min_delta_and_mode_max():
    es = mn.EarlyStopping(patience=2, min_delta=0.05, monitor="val_loss")
    state, _ = _drive(es, [1.0, 0.97, 0.96, 0.5])          # 0.97 and 0.96 improve by less than 0.05
    assert es.stopped_epoch == 3 and es.best_epoch == 1
    es = mn.EarlyStopping(patience=1, mode="max", restore_best=False)
    state, model = _drive(es, [0.1, 0.5, 0.4])
    assert es.stopped_epoch == 3 and es.best_epoch == 2 and model.w.data[0] == 3
    assert state.history.restored_epoch is None


def test_nan_never_improves():
    es = mn.EarlyStopping(patience=2)
    _drive(es, [1.0, float("nan"), float("nan"), 0.1])
    assert es.stopped_epoch == 3 and es.best_epoch == 1


def test_restores_even_without_stopping_when_the_last_epoch_was_not_the_best():
    es = mn.EarlyStopping(patience=10)
    state, model = _drive(es, [1.0, 0.5, 0.6])
    assert not state.stop_requested and model.w.data[0] == 2


def test_early_stopping_settings_are_checked():
    with pytest.raises(ValueError, match="patience must be a positive integer"):
        mn.EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        mn.EarlyStopping(mode="best")
    with pytest.raises(ValueError, match="fit was given no validation data"):
        _drive(mn.EarlyStopping(), [1.0], has_val=False)
    with pytest.raises(ValueError, match="no curve 'val_los'"):
        _drive(mn.EarlyStopping(monitor="val_los"), [1.0])


# ---- early stopping inside fit ------------------------------------------------------------------------

def test_early_stopping_in_fit_stops_and_restores_the_best_weights():
    """Validation labels are the opposite of the training labels: as the model learns, the
    validation loss rises, so early stopping must stop and put back the best epoch's weights."""
    X, y = mn.data.moons(128, noise=0.1, seed=0)
    model = mlp()
    saved = {}

    class Keep(Callback):
        def on_epoch_end(self, state):
            saved[state.epoch] = weights(state.model)

    es = mn.EarlyStopping(patience=3)
    loss = mn.losses.CrossEntropyLoss()
    h = mn.fit(model, loss, mn.optim.Adam(model.parameters(), lr=0.01), (X, y), val=(X, 1 - y), epochs=100,
               callbacks=[Keep(), es], progress=False)
    assert h.stopped_early and h.epochs_run < 100 and h.epochs_run == es.stopped_epoch
    assert h.stop_reason.startswith("EarlyStopping: val_loss did not improve")
    best = int(np.argmin(h.val_loss)) + 1
    assert es.best_epoch == best == h.restored_epoch and h.epochs_run == best + 3
    for a, b in zip(weights(model), saved[best]):
        np.testing.assert_array_equal(a, b)
    assert evaluate(model, loss, (X, 1 - y))[0] == pytest.approx(h.val_loss[best - 1], rel=1e-6)


def test_early_stopping_on_accuracy_needs_a_classification_loss():
    X, y = mn.data.sine(64, seed=0)
    model = mn.nn.Sequential(mn.nn.Dense(1, 8), mn.nn.Tanh(), mn.nn.Dense(8, 1))
    with pytest.raises(ValueError, match="'val_acc' was not recorded"):
        mn.fit(model, mn.losses.MSELoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y), val=(X, y),
               callbacks=[mn.EarlyStopping(monitor="val_acc", mode="max")], progress=False)


# ---- the protocol --------------------------------------------------------------------------------------

def test_callbacks_are_called_in_order_and_can_stop_training():
    events = []

    class Log(Callback):
        def on_train_begin(self, s): events.append(("train_begin", s.epoch))
        def on_epoch_begin(self, s): events.append(("epoch_begin", s.epoch))
        def on_batch_end(self, s): events.append(("batch_end", s.epoch, s.step, s.global_step))
        def on_train_end(self, s): events.append(("train_end", s.epoch))

        def on_epoch_end(self, s):
            events.append(("epoch_end", s.epoch, len(s.history.val_loss)))
            if s.epoch == 2:
                s.request_stop("enough")

    X, y = mn.data.moons(40, seed=0)
    model = mlp()
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
               val=(X, y), epochs=5, batch_size=20, callbacks=[Log()], progress=False)
    assert events == [("train_begin", 0),
                      ("epoch_begin", 1), ("batch_end", 1, 1, 1), ("batch_end", 1, 2, 2), ("epoch_end", 1, 1),
                      ("epoch_begin", 2), ("batch_end", 2, 1, 3), ("batch_end", 2, 2, 4), ("epoch_end", 2, 2),
                      ("train_end", 2)]
    assert h.stopped_early and h.stop_reason == "enough" and h.epochs_run == 2


def test_duck_typed_callbacks_need_only_the_methods_they_use():
    seen = []

    class OnlyEnd:
        def on_epoch_end(self, state):
            seen.append(state.epoch)

    X, y = mn.data.moons(40, seed=0)
    model = mlp()
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=3,
           callbacks=[OnlyEnd()], progress=False)
    assert seen == [1, 2, 3]


def test_a_monitor_gets_its_calls():
    calls = []

    class FakeMonitor:
        def on_train_begin(self, model):
            calls.append("begin")

        def on_step(self, model, step, loss):
            assert all(p.grad is not None for p in model.parameters())   # gradients are there to read
            self.before = weights(model)
            calls.append(("step", step, loss))

        def on_step_end(self, model, step):
            assert any(not np.array_equal(a, b) for a, b in zip(weights(model), self.before))
            calls.append(("step_end", step))

        def on_epoch_end(self, epoch, history):
            history.extra.setdefault("epochs_seen", []).append(epoch)
            calls.append(("epoch", epoch))

        def on_train_end(self, history):
            calls.append("end")

    X, y = mn.data.moons(40, seed=0)
    model = mlp()
    monitor = FakeMonitor()
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2,
               batch_size=20, monitor=monitor, progress=False)
    steps = [c for c in calls if c[0] == "step"]
    assert [s[1] for s in steps] == [1, 2, 3, 4] and [s[2] for s in steps] == h.step_loss
    assert calls[0] == "begin" and calls[-1] == "end"
    assert calls[1:4] == [("step", 1, h.step_loss[0]), ("step_end", 1), ("step", 2, h.step_loss[1])]
    assert ("epoch", 2) in calls and h["epochs_seen"] == [1, 2] and h.monitor is monitor


# ---- schedulers ------------------------------------------------------------------------------------------

def test_a_scheduler_in_callbacks_is_stepped_once_per_epoch():
    X, y = mn.data.moons(40, seed=0)
    model = mlp()
    opt = mn.optim.SGD(model.parameters(), lr=0.1)
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), opt, (X, y), epochs=7,
               callbacks=[mn.optim.StepLR(opt, step_size=3, gamma=0.5)], progress=False)
    np.testing.assert_allclose(h.lr, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])
    assert opt.lr == pytest.approx(0.025)


def test_plateau_watches_the_validation_loss_or_else_the_training_loss():
    X, y = mn.data.moons(40, seed=0)
    model = mlp()
    opt = mn.optim.SGD(model.parameters(), lr=0.0)      # lr 0: the loss never improves
    sched = mn.optim.ReduceLROnPlateau(opt, patience=1)
    watched = []
    original = sched.step
    sched.step = lambda value: (watched.append(value), original(value))
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), opt, (X, y), val=(X[:20], y[:20]), epochs=3,
               callbacks=[sched], progress=False)
    assert watched == h.val_loss
    watched.clear()
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), opt, (X, y), epochs=3,
               callbacks=[LRSchedulerCallback(sched)], progress=False)
    assert watched == h.train_loss


def test_a_scheduler_for_another_optimizer_is_refused():
    X, y = mn.data.moons(40, seed=0)
    model = mlp()
    other = mn.optim.SGD(mlp().parameters(), lr=0.1)
    with pytest.raises(ValueError, match="made for another optimizer"):
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
               callbacks=[mn.optim.StepLR(other, 2)], progress=False)
    with pytest.raises(TypeError, match="needs a scheduler from mn.optim"):
        LRSchedulerCallback(object())
