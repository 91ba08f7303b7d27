"""mn.fit: learning a toy problem, the History it keeps, seeding, validation, divergence, bad input."""
import math
import sys
import warnings

import numpy as np
import pytest

import minnet as mn
from minnet import nn
from minnet.train import TrainingDiverged, evaluate


def mlp(n_in=2, hidden=32, n_out=2):
    return mn.nn.Sequential(mn.nn.Dense(n_in, hidden), mn.nn.ReLU(), mn.nn.Dense(hidden, n_out))


def moons(n=200, seed=0, noise=0.1):
    return mn.data.moons(n, noise=noise, seed=seed)


def weights(model):
    return [p.data.copy() for p in model.parameters()]


# ---- learning --------------------------------------------------------------------------------------

def test_fit_learns_moons():
    X, y = moons()
    Xv, yv = moons(seed=1)
    model = mlp(hidden=64)
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.01),
               (X, y), val=(Xv, yv), epochs=60, progress=False)
    assert h.train_acc[-1] > 0.97 and h.val_acc[-1] > 0.97
    assert h.train_loss[-1] < 0.1 * h.train_loss[0]
    assert h.diverged is None and not h.stopped_early and h.epochs_run == 60


def test_fit_learns_a_regression():
    X, y = mn.data.sine(200, seed=0)
    model = mn.nn.Sequential(mn.nn.Dense(1, 32), mn.nn.Tanh(), mn.nn.Dense(32, 1))
    h = mn.fit(model, mn.losses.MSELoss(), mn.optim.Adam(model.parameters(), lr=0.01), (X, y),
               epochs=60, progress=False)
    assert h.train_loss[-1] < 0.05
    assert h.train_acc == [] and h.val_loss == [] and h.val_acc == []


@pytest.mark.parametrize("binary", ["logits", "probabilities"])
def test_binary_losses_get_accuracy(binary):
    X, y = moons()
    y = y.reshape(-1, 1).astype(np.float32)
    layers = [mn.nn.Dense(2, 64), mn.nn.ReLU(), mn.nn.Dense(64, 1)]
    if binary == "probabilities":
        layers.append(mn.nn.Sigmoid())
    model = mn.nn.Sequential(*layers)
    loss = mn.losses.BCEWithLogitsLoss() if binary == "logits" else mn.losses.BCELoss()
    h = mn.fit(model, loss, mn.optim.Adam(model.parameters(), lr=0.02), (X, y), val=(X, y), epochs=50,
               progress=False)
    assert h.train_acc[-1] > 0.95 and h.val_acc[-1] > 0.95


# Accuracy counted by hand on a model whose weights are set by hand (and kept by lr=0):
# multi-class: Dense(2, 2) = identity, so the prediction is the larger input;
X_MULTI = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.5], [-2.0, -1.0]])   # predicted 0, 1, 0, 1
Y_MULTI = np.array([0, 1, 1, 1])                                       # right, right, wrong, right: 3/4
# binary: Dense(2, 1) with weight (1, 0), so the logit is the first input (positive means 1);
X_BIN = np.array([[2.0, 9.0], [-1.0, 9.0], [0.5, 9.0], [-3.0, 9.0], [1.0, 9.0]])   # predicted 1, 0, 1, 0, 1
Y_BIN = np.array([[1.0], [1.0], [1.0], [0.0], [0.0]])                             # ✓ ✗ ✓ ✓ ✗: 3/5


@pytest.mark.parametrize("loss", ["cross_entropy", "logits", "probabilities"])
def test_accuracy_is_the_hand_counted_fraction_of_samples_classified_right(loss):
    if loss == "cross_entropy":
        model, X, y, expected = nn.Sequential(nn.Dense(2, 2)), X_MULTI, Y_MULTI, 3 / 4
        model[0].weight.data[...] = np.eye(2)
        loss_fn = mn.losses.CrossEntropyLoss()
    else:
        layers = [nn.Dense(2, 1)] + ([nn.Sigmoid()] if loss == "probabilities" else [])
        model, X, y, expected = nn.Sequential(*layers), X_BIN, Y_BIN, 3 / 5
        model[0].weight.data[...] = [[1.0], [0.0]]
        loss_fn = mn.losses.BCEWithLogitsLoss() if loss == "logits" else mn.losses.BCELoss()
    model[0].bias.data[...] = 0.0
    # batch_size 3: batches of 3 and 1 (or 2) samples; the epoch's accuracy weights them by size
    h = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.0), (X, y), val=(X, y), epochs=2,
               batch_size=3, progress=False)
    assert h.train_acc == [pytest.approx(expected)] * 2 and h.val_acc == [pytest.approx(expected)] * 2


# ---- the History -------------------------------------------------------------------------------------

def test_history_records_every_epoch_and_step():
    X, y = moons(n=70)                      # 70 = 2 * 32 + 6: the last batch of each epoch is short
    model = mlp()
    opt = mn.optim.SGD(model.parameters(), lr=0.1)
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), opt, (X, y), val=(X, y), epochs=4, batch_size=32,
               progress=False)
    assert h.epochs_run == 4 and h.steps_per_epoch == [3, 3, 3, 3]
    assert len(h.step_loss) == len(h.grad_norm) == 12
    assert all(len(c) == 4 for c in (h.train_loss, h.val_loss, h.train_acc, h.val_acc, h.lr))
    assert h.lr == [0.1] * 4
    # train loss = step losses weighted by batch size (32, 32, 6)
    for e in range(4):
        steps = np.array(h.step_loss[3 * e:3 * e + 3])
        assert h.train_loss[e] == pytest.approx(np.dot(steps, [32, 32, 6]) / 70, rel=1e-6)
    # the validation numbers are those of the final model
    loss, acc = evaluate(model, mn.losses.CrossEntropyLoss(), (X, y))
    assert h.val_loss[-1] == pytest.approx(loss, rel=1e-6) and h.val_acc[-1] == acc
    assert h["val_loss"] is h.val_loss and "train_acc" in h and "nothing" not in h
    with pytest.raises(KeyError, match="no curve 'nothing'"):
        h["nothing"]
    text = h.summary()
    assert "4 epoch(s), 12 step(s)" in text and "val_acc" in text
    assert repr(h).startswith("History(epochs_run=4, train_loss=")


def test_grad_norm_is_the_total_norm_before_the_step():
    X, y = moons(n=32)
    model = mlp()
    seen = []

    class Probe:
        def on_step(self, model, step, loss):
            seen.append(math.sqrt(sum(float((p.grad.astype(np.float64) ** 2).sum()) for p in model.parameters())))

    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
               epochs=3, monitor=Probe(), progress=False)
    np.testing.assert_allclose(h.grad_norm, seen, rtol=1e-6)


def test_full_batch_and_dataloader_inputs():
    X, y = moons(n=64)
    model = mlp()
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
               epochs=2, batch_size=None, progress=False)
    assert h.steps_per_epoch == [1, 1]
    loader = mn.data.DataLoader(X, y, batch_size=16, seed=0)
    val = mn.data.DataLoader(X, y, batch_size=50, shuffle=False)
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), loader, val=val,
               epochs=2, progress=False)
    assert h.steps_per_epoch == [4, 4] and len(h.val_loss) == 2
    assert h.val_loss[-1] == pytest.approx(evaluate(model, mn.losses.CrossEntropyLoss(), (X, y))[0], rel=1e-6)


def test_float64_inputs_train_a_float32_model():
    X, y = moons(n=64)
    model = mlp()
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1),
               (X.astype(np.float64), y), epochs=2, progress=False)
    assert all(p.data.dtype == np.float32 for p in model.parameters()) and h.epochs_run == 2


# ---- seeding ---------------------------------------------------------------------------------------------

def _seeded_run(seed, fit_seed=None):
    mn.manual_seed(seed)
    X, y = mn.data.spiral(150, 3, seed=None)     # data drawn from minnet's generator too
    model = mlp(n_out=3)
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.01), (X, y),
               val=(X, y), epochs=5, progress=False, seed=fit_seed)
    return h, weights(model)


def test_manual_seed_makes_fit_repeatable_bit_for_bit():
    (h1, w1), (h2, w2) = _seeded_run(7), _seeded_run(7)
    assert h1.step_loss == h2.step_loss and h1.val_loss == h2.val_loss and h1.train_acc == h2.train_acc
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    h3, _ = _seeded_run(8)
    assert h3.step_loss != h1.step_loss


def test_fit_seed_fixes_the_batch_order():
    X, y = moons(n=64)
    orders = []

    class Recorder(mn.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = mlp()

        def forward(self, x):
            if self.training:
                orders.append(x.data[:, 0].copy())
            return self.net(x)

    for global_seed in (1, 2):
        mn.manual_seed(global_seed)
        model = Recorder()
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
               epochs=2, batch_size=16, seed=123, progress=False)
    first, second = orders[:8], orders[8:]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(np.concatenate(first[:4]), np.concatenate(first[4:]))   # reshuffled per epoch


# ---- validation in eval mode without a graph -------------------------------------------------------------

def test_validation_runs_in_eval_mode_without_a_graph():
    calls = []

    class Spy(mn.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = mlp()

        def forward(self, x):
            calls.append((self.training, mn.is_grad_enabled(), len(x)))
            return self.net(x)

    X, y = moons(n=64)
    Xv, yv = moons(n=300, seed=1)
    model = Spy()
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
           val=(Xv, yv), epochs=2, batch_size=32, progress=False)
    train_calls = [c for c in calls if c[0]]
    val_calls = [c for c in calls if not c[0]]
    assert all(grad for _, grad, _ in train_calls) and len(train_calls) == 4
    assert not any(grad for _, grad, _ in val_calls)
    assert sum(n for *_, n in val_calls) == 600               # the whole validation set, each epoch
    assert model.training                                      # back in training mode afterwards


# ---- divergence ------------------------------------------------------------------------------------------

def _exploding(on_divergence, epochs=6):
    mn.manual_seed(0)
    X, y = mn.data.sine(128, seed=0)
    model = mn.nn.Sequential(mn.nn.Dense(1, 32), mn.nn.Tanh(), mn.nn.Dense(32, 1))
    opt = mn.optim.SGD(model.parameters(), lr=5.0)
    return model, lambda: mn.fit(model, mn.losses.MSELoss(), opt, (X, y), epochs=epochs,
                                 progress=False, on_divergence=on_divergence)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the explosion itself
def test_divergence_stops_and_says_where():
    model, run = _exploding("stop")
    with pytest.warns(RuntimeWarning, match=r"Training diverged at epoch \d+, step \d+ \(global step \d+\): "
                                            r"loss became (inf|nan)\. The learning rate \(5\) may be too high"):
        h = run()
    d = h.diverged
    assert d is not None and d.lr == 5.0 and not math.isfinite(d.value)
    assert d.global_step == len(h.step_loss) and not math.isfinite(h.step_loss[-1])
    assert all(math.isfinite(v) for v in h.step_loss[:-1])
    assert h.epochs_run == d.epoch < 6 and h.steps_per_epoch[-1] == d.step
    assert math.isnan(h.grad_norm[-1]) and len(h.grad_norm) == len(h.step_loss)
    assert not math.isfinite(h.train_loss[-1]) and str(d) in h.summary()


def test_divergence_stop_skips_the_bad_update():
    before = []

    class Spy:
        def on_step_end(self, model, step):
            before[:] = weights(model)

    mn.manual_seed(0)
    X, y = mn.data.sine(128, seed=0)
    model = mn.nn.Sequential(mn.nn.Dense(1, 32), mn.nn.Tanh(), mn.nn.Dense(32, 1))
    with pytest.warns(RuntimeWarning):
        mn.fit(model, mn.losses.MSELoss(), mn.optim.SGD(model.parameters(), lr=5.0), (X, y), epochs=6,
               progress=False, monitor=Spy())
    for a, b in zip(before, weights(model)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the explosion itself
def test_divergence_continue_shows_the_explosion():
    _, run = _exploding("continue")
    with pytest.warns(RuntimeWarning, match="Training goes on because on_divergence='continue'"):
        h = run()
    assert h.epochs_run == 6 and h.diverged is not None
    assert len(h.step_loss) == sum(h.steps_per_epoch) == 6 * 4
    assert not math.isfinite(h.train_loss[-1])


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the explosion itself
def test_divergence_raise():
    _, run = _exploding("raise")
    with pytest.raises(TrainingDiverged, match="Training diverged at epoch") as info:
        run()
    assert info.value.history.diverged is not None


def test_clipping_bounds_each_update():
    """With clip_grad_norm=c and plain SGD at lr 1, no step moves the weights by more than c."""
    X, y = mn.data.sine(128, seed=0)
    model = mn.nn.Sequential(mn.nn.Dense(1, 32), mn.nn.Tanh(), mn.nn.Dense(32, 1))
    moves, before = [], []

    class Spy:
        def on_step(self, model, step, loss):
            before[:] = weights(model)

        def on_step_end(self, model, step):
            moves.append(math.sqrt(sum(float(((a - b).astype(np.float64) ** 2).sum())
                                       for a, b in zip(weights(model), before))))

    h = mn.fit(model, mn.losses.MSELoss(), mn.optim.SGD(model.parameters(), lr=1.0), (X, y), epochs=3,
               clip_grad_norm=0.01, monitor=Spy(), progress=False)
    assert max(moves) <= 0.01 * (1 + 1e-4)
    assert max(h.grad_norm) > 0.01                       # the recorded norm is the one before clipping


# ---- progress ------------------------------------------------------------------------------------------

def test_progress_is_quiet_off_a_terminal(capsys):
    assert not sys.stderr.isatty()
    X, y = moons(n=64)
    model = mlp()
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_progress_is_quiet_when_ipykernel_is_imported_but_no_kernel_runs(capsys, monkeypatch):
    import types
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))     # as a test tool leaves it
    X, y = moons(n=64)
    model = mlp()
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_progress_bar_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    X, y = moons(n=64)
    model = mlp()
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2)
    assert "epoch 2/2" in capsys.readouterr().err
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2,
           progress=False)
    assert capsys.readouterr().err == ""


# ---- bad input -------------------------------------------------------------------------------------------

def _fit(train, loss=None, n_out=2, **kw):
    model = mlp(n_out=n_out)
    return mn.fit(model, loss or mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1),
                  train, epochs=1, progress=False, **kw)


def test_lengths_that_differ_are_named():
    X, y = moons(n=64)
    with pytest.raises(ValueError, match="the training X has 64 samples but y has 60"):
        _fit((X, y[:60]))
    with pytest.raises(ValueError, match="the validation X has 10 samples but y has 64"):
        _fit((X, y), val=(X[:10], y))


def test_validation_samples_of_another_shape_are_named_before_training():
    X, y = moons(n=64)
    model = mlp(n_out=2)
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(ValueError, match=r"each validation sample has shape \(3,\) but each training sample has "
                                         r"shape \(2,\), and the model cannot take it \(Dense\(2→"):
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
               val=(np.zeros((10, 3)), y[:10]), epochs=1, progress=False)
    for p, b in zip(model.parameters(), before):                  # refused before any update
        np.testing.assert_array_equal(p.data, b)


def test_validation_samples_of_another_size_are_fine_when_the_model_takes_them():
    # global average pooling over time: sequences of 12 steps validate a model trained on 8
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((32, 2, 8)).astype(np.float32), rng.integers(0, 2, 32)
    Xv, yv = rng.standard_normal((8, 2, 12)).astype(np.float32), rng.integers(0, 2, 8)
    nn = mn.nn

    class MeanOverTime(nn.Module):
        def forward(self, x):
            return x.mean(axis=2)
    model = nn.Sequential(nn.Conv1D(2, 4, 3, padding=1), nn.ReLU(), MeanOverTime(), nn.Dense(4, 2))
    h = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
               val=(Xv, yv), epochs=2, progress=False)
    assert len(h.val_loss) == 2 and np.isfinite(h.val_loss).all() and model.training


def test_labels_outside_the_outputs_are_named():
    X, y = moons(n=64)
    with pytest.raises(ValueError, match=r"CrossEntropyLoss.*labels must be class indices in \[0, 2\) because "
                                         r"there are 2 logits per sample \(one per class\), got \[2\]"):
        _fit((X, np.where(np.arange(64) == 5, 2, y)))
    with pytest.raises(ValueError, match=r"labels counted from 1\? subtract 1"):
        _fit((X, y + 1))
    # a bad label in the validation set is caught before any update, not after the first epoch
    model = nn.Sequential(nn.Dense(2, 2))
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"CrossEntropyLoss \(the validation labels\).*got \[-1\]"):
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
               val=(X, y - (np.arange(64) == 0)), epochs=1, progress=False)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    with pytest.raises(ValueError, match="labels must be integer class indices, got non-integer values"):
        _fit((X, y + 0.5))
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss needs targets in \[0, 1\].*range from 0 to 3"):
        _fit((X, (3 * y).reshape(-1, 1).astype(np.float32)), loss=mn.losses.BCEWithLogitsLoss(), n_out=1)


def test_other_mistakes_are_explained():
    X, y = moons(n=64)
    model, other = mlp(), mlp()
    with pytest.raises(ValueError, match="the optimizer holds none of this model's parameters"):
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(other.parameters(), lr=0.1), (X, y))
    with pytest.raises(ValueError, match="on_divergence must be 'stop', 'continue' or 'raise'"):
        _fit((X, y), on_divergence="ignore")
    with pytest.raises(TypeError, match=r"training data must be an \(X, y\) pair or a DataLoader"):
        _fit(X)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        _fit((X, y), batch_size=0)
    with pytest.raises(TypeError, match="callbacks must be Callback objects"):
        _fit((X, y), callbacks=[print])


def test_divergence_warning_points_at_the_caller():
    _, run = _exploding("stop")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    ours = [w for w in caught if "Training diverged" in str(w.message)]
    assert len(ours) == 1 and ours[0].filename == __file__


def test_divergence_is_reported_every_time_not_once():
    with warnings.catch_warnings(record=True) as caught:
        for _ in range(2):                       # the same warning from the same line, twice
            _, run = _exploding("stop")
            run()
    assert sum(issubclass(w.category, mn.train.DivergenceWarning) for w in caught) == 2


def test_top_level_names():
    assert mn.fit is mn.train.fit and mn.History is mn.train.History
    assert mn.EarlyStopping is mn.train.EarlyStopping and mn.lr_find is mn.train.lr_find


def test_labels_in_a_dataloader_are_checked_too():
    X, y = moons(n=64)
    with pytest.raises(ValueError, match=r"CrossEntropyLoss \(the training labels\).*got \[5\]"):
        _fit(mn.data.DataLoader(X, np.where(np.arange(64) == 63, 5, y), batch_size=16, shuffle=False))


# ---- regressions: each of these failed before it was fixed -------------------------------------------

_DIVERGING_SCRIPT = """
import numpy as np, minnet as mn
nn = mn.nn
X = np.random.default_rng(0).standard_normal((64, 2)) * 100
y = (X @ np.array([3.0, -2.0]) * 100).reshape(-1, 1)
mn.manual_seed(0)
m = nn.Sequential(nn.Dense(2, 16), nn.ReLU(), nn.Dense(16, 1))
h = mn.fit(m, mn.losses.MSELoss(), mn.optim.SGD(m.parameters(), lr=10.0), (X, y), epochs=5, progress=False)
print("diverged at epoch", h.diverged.epoch)
"""


@pytest.mark.parametrize("how", ["python -c", "stdin", "exec", "repl"])
def test_divergence_is_reported_wherever_fit_is_called(how, tmp_path):
    """The warning helper used to ask for the caller's source and crashed outside a script file."""
    import subprocess
    script = tmp_path / "diverge.py"
    script.write_text(_DIVERGING_SCRIPT)
    if how == "python -c":
        cmd, stdin = [sys.executable, "-c", _DIVERGING_SCRIPT], None
    elif how == "stdin":
        cmd, stdin = [sys.executable, "-"], _DIVERGING_SCRIPT
    elif how == "exec":
        cmd, stdin = [sys.executable, "-c", f"exec(open({str(script)!r}).read())"], None
    else:
        cmd, stdin = [sys.executable, "-i", "-q"], _DIVERGING_SCRIPT
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    assert "DivergenceWarning: Training diverged at epoch" in done.stderr
    assert "diverged at epoch" in done.stdout


def test_nan_in_the_inputs_is_blamed_on_the_data_not_the_learning_rate():
    X, y = moons(n=64)
    X = X.copy()
    X[10, 1] = np.nan
    model = nn.Sequential(nn.Dense(2, 8), nn.ReLU(), nn.Dense(8, 2))
    with pytest.warns(mn.train.DivergenceWarning) as caught:
        history = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=1e-4),
                         (X, y), epochs=1, batch_size=64, shuffle=False, progress=False)
    message = str(caught[0].message)
    assert "Not the learning rate" in message and "input batch holds 1 NaN/inf" in message
    assert "rows [10], columns [1]" in message
    assert "may be too high" not in message
    assert history.diverged.cause == "data"


def test_a_list_of_batches_is_a_list_of_batches_whatever_its_length():
    X, y = moons(n=96)
    for n_batches in (2, 3):
        size = len(X) // n_batches
        batches = [(X[i * size:(i + 1) * size], y[i * size:(i + 1) * size]) for i in range(n_batches)]
        model = nn.Sequential(nn.Dense(2, 8), nn.ReLU(), nn.Dense(8, 2))
        history = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1),
                         batches, epochs=2, progress=False)
        assert history.steps_per_epoch == [n_batches, n_batches]
    with pytest.raises(TypeError, match="iterator, which runs dry after one epoch"):
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1),
               iter(batches), epochs=2, progress=False)


def test_string_data_is_refused_with_a_message():
    model = nn.Sequential(nn.Dense(2, 2))
    X = np.array([["a", "b"], ["c", "d"]])
    with pytest.raises(TypeError, match=r"the training X must hold numbers, got an array of dtype <U1"):
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1),
               (X, np.array([0, 1])), epochs=1, progress=False)


def test_accuracy_follows_the_losses_accuracy_rule_not_its_name():
    """A loss of one's own, named anything, gets accuracy when it says how to decide a class."""
    def my_loss(out, y):
        return mn.functional.cross_entropy(out, y)
    X, y = moons(n=64)
    model = nn.Sequential(nn.Dense(2, 2))
    plain = mn.fit(model, my_loss, mn.optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=1, progress=False)
    assert plain.train_acc == []
    my_loss.accuracy_rule = "argmax"
    with_rule = mn.fit(model, my_loss, mn.optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=1, progress=False)
    assert len(with_rule.train_acc) == 1


def test_predict_runs_in_eval_mode_without_a_graph_and_restores_the_mode():
    mn.manual_seed(0)
    model = nn.Sequential(nn.Dense(3, 50), nn.Dropout(0.5), nn.Dense(50, 2))
    X = np.random.default_rng(1).standard_normal((300, 3)).astype(np.float32)
    model.train()
    a = mn.train.predict(model, X, batch_size=64)
    b = mn.train.predict(model, X, batch_size=7)
    assert a.shape == (300, 2) and isinstance(a, np.ndarray)
    assert np.allclose(a, b, atol=1e-6)                  # dropout off: the same outputs every time
    W1, b1 = model[0].weight.data, model[0].bias.data   # eval mode: dropout is the identity
    W2, b2 = model[2].weight.data, model[2].bias.data
    np.testing.assert_allclose(a, (X @ W1 + b1) @ W2 + b2, rtol=1e-5, atol=1e-5)
    assert model.training                                # the mode it was in
    model.eval()
    mn.train.predict(model, X)
    assert not model.training
