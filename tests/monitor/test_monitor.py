"""Monitor: its records on a tiny run against a re-computation by hand, forward order and names
for every kind of model, histograms, and that watching does not change training."""
import math

import numpy as np
import pytest

import minnet as mn
from minnet.monitor import Monitor

from ._nets import forward_backward, small_net, weights_of

nn = mn.nn
LR = 0.5


def _fit(model, X, y, mon, epochs=5, **kw):
    opt = mn.optim.SGD(model.parameters(), lr=LR)
    return mn.fit(model, mn.losses.CrossEntropyLoss(), opt, (X, y), epochs=epochs, batch_size=None,
                  shuffle=False, monitor=mon, progress=False, **kw)


def _by_hand(model, X, y, steps):
    """Full-batch SGD on the small net in NumPy, with every metric of every step worked out."""
    params = weights_of(model)
    records = []
    for _ in range(steps):
        _, outs, grads = forward_backward(params, X, y)
        new = [(W - LR * grads[n][0], b - LR * grads[n][1]) for (W, b), n in zip(params, ("0", "2", "4"))]
        rec = {"act_mean": {n: o.mean() for n, o in outs.items()},
               "act_std": {n: o.std() for n, o in outs.items()},
               "dead_fraction": {"1": np.mean((outs["1"] <= 0).all(axis=0))},
               "saturated_fraction": {"3": np.mean(np.abs(outs["3"]) > 0.97)}}
        for key in ("grad_norm", "weight_norm", "update_ratio", "grad_zero_fraction"):
            rec[key] = {}
        for (W, _), (W_new, _), n in zip(params, new, ("0", "2", "4")):
            g = grads[n][0]
            rec["grad_norm"][n] = np.sqrt((g ** 2).sum())
            rec["weight_norm"][n] = np.sqrt((W ** 2).sum())
            rec["update_ratio"][n] = np.sqrt(((W_new - W) ** 2).sum()) / np.sqrt((W ** 2).sum())
            rec["grad_zero_fraction"][n] = np.mean(g == 0)
        records.append(rec)
        params = new
    return records


def test_records_match_a_hand_recomputation_of_the_run():
    model, X, y = small_net()
    expected = _by_hand(model, X, y, steps=5)
    mon = Monitor(model, every=2)
    _fit(model, X, y, mon, epochs=5)
    np.testing.assert_array_equal(mon.steps, [1, 3, 5])
    assert mon.layers == ["0", "1", "2", "3", "4"]
    for metric in Monitor.METRICS:
        got = mon.get(metric)
        assert list(got) == list(expected[0][metric]), metric
        for layer, values in got.items():
            want = [expected[s - 1][metric][layer] for s in (1, 3, 5)]
            np.testing.assert_allclose(values, want, rtol=1e-10, atol=1e-15, err_msg=f"{metric} of {layer}")
    assert mon.get("dead_fraction")["1"][0] == 1 / 5        # the unit with bias -100


def test_layer_kinds_types_and_roles():
    model, X, y = small_net()
    mon = Monitor(model)
    _fit(model, X, y, mon, epochs=1)
    assert mon.layer_types == {"0": "Dense", "1": "ReLU", "2": "Dense", "3": "Tanh", "4": "Dense"}
    assert [mon.kind(n) for n in mon.layers] == ["weight", "relu", "weight", "tanh", "weight"]
    assert mon.weight_layers == ["0", "2", "4"] and (mon.first_layer, mon.last_layer) == ("0", "4")
    with pytest.raises(KeyError, match="no layer '9'"):
        mon.kind("9")
    with pytest.raises(KeyError, match="no metric 'loss'"):
        mon.get("loss")


def test_watching_does_not_change_training():
    X, y = mn.data.moons(120, seed=0)
    runs = []
    for mon in (None, Monitor, "histograms"):
        mn.manual_seed(4)
        model = nn.Sequential(nn.Dense(2, 16), nn.ReLU(), nn.Dropout(0.2), nn.Dense(16, 2))
        watcher = None if mon is None else Monitor(model, every=3, histograms=mon == "histograms")
        history = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.01), (X, y),
                         val=(X[:20], y[:20]), epochs=3, batch_size=16, monitor=watcher, progress=False)
        runs.append((history.step_loss, [p.data.copy() for p in model.parameters()], model))
    for losses, weights, model in runs[1:]:
        assert losses == runs[0][0]
        assert all(np.array_equal(a, b) for a, b in zip(weights, runs[0][1]))
        assert all(not m._forward_hooks for m in model.modules())      # hooks are taken off at the end


def test_every_records_the_first_step_then_every_nth():
    X, y = mn.data.moons(64, seed=0)
    model = nn.Sequential(nn.Dense(2, 4), nn.ReLU(), nn.Dense(4, 2))
    mon = Monitor(model, every=3)
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
           epochs=2, batch_size=8, monitor=mon, progress=False)      # 16 steps
    np.testing.assert_array_equal(mon.steps, [1, 4, 7, 10, 13, 16])
    assert all(len(v) == 6 for metric in Monitor.METRICS for v in mon.get(metric).values())
    # a second fit continues the count
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
           epochs=1, batch_size=8, monitor=mon, progress=False)
    np.testing.assert_array_equal(mon.steps[-3:], [16, 19, 22])


def test_validation_passes_are_not_recorded_as_training_activations():
    """Every step is recorded, so the hooks are armed while fit validates between epochs; the
    activations recorded must still be those of the training batch."""
    model, X, y = small_net()
    expected = _by_hand(model, X, y, steps=3)
    mon = Monitor(model)
    _fit(model, X, y, mon, epochs=3, val=(X[:3] * 10, y[:3]))
    np.testing.assert_allclose(mon.get("act_std")["0"], [r["act_std"]["0"] for r in expected], rtol=1e-10)


class _Shuffled(nn.Module):
    """Children assigned in an order different from the order forward uses them."""

    def __init__(self):
        super().__init__()
        self.head = nn.Dense(6, 2)
        self.act = nn.Tanh()
        self.body = nn.Sequential(nn.Dense(3, 6), nn.ReLU(), nn.Residual(nn.Sequential(nn.Dense(6, 6), nn.Sigmoid())))

    def forward(self, x):
        return self.head(self.act(self.body(x)))


class _OwnWeight(nn.Module):
    """A module with its own weight and a child: a layer with a weight that is not a leaf."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(np.full((3, 3), 0.5, dtype=np.float32))
        self.act = nn.LeakyReLU()

    def forward(self, x):
        return self.act(x) @ self.weight


def _watch(model, X, y):
    mon = Monitor(model)
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1), (X, y),
           epochs=1, batch_size=None, monitor=mon, progress=False)
    return mon


def test_forward_order_and_names_of_nested_containers_and_plain_modules():
    X = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32)
    y = np.arange(8) % 2
    mon = _watch(_Shuffled(), X, y)
    assert mon.layers == ["body.0", "body.1", "body.2.block.0", "body.2.block.1", "act", "head"]
    assert [mon.kind(n) for n in mon.layers] == ["weight", "relu", "weight", "sigmoid", "tanh", "weight"]
    assert list(mon.get("saturated_fraction")) == ["body.2.block.1", "act"]

    mon = _watch(nn.Sequential(_OwnWeight(), nn.Dense(3, 2)), X, y)
    assert mon.layers == ["0.act", "0", "1"]          # a module's output comes after its children's
    assert mon.weight_layers == ["0", "1"] and mon.kind("0.act") == "relu"


def test_a_conv_net_and_a_model_that_is_one_layer():
    X, y = mn.data.shapes(16, size=8, seed=0)
    model = nn.Sequential(nn.Conv2D(1, 2, 3, padding=1), nn.BatchNorm2D(2), nn.ReLU(), nn.MaxPool2D(2),
                          nn.Flatten(), nn.Dense(2 * 4 * 4, int(y.max()) + 1))
    mon = _watch(model, X, y)
    assert mon.layer_types == {"0": "Conv2D", "1": "BatchNorm2D", "2": "ReLU", "3": "MaxPool2D",
                               "4": "Flatten", "5": "Dense"}
    assert mon.weight_layers == ["0", "1", "5"]
    single = nn.Dense(3, 2)
    mon = _watch(single, np.ones((4, 3), dtype=np.float32), np.array([0, 1, 0, 1]))
    assert mon.layers == [""] and mon.first_layer == ""


def test_histograms_are_those_of_the_step():
    model, X, y = small_net()
    params = weights_of(model)
    _, outs, grads = forward_backward(params, X, y)
    mon = Monitor(model, histograms=True, bins=7)
    _fit(model, X, y, mon, epochs=2)
    for of, want in (("act", outs["2"]), ("weight", params[1][0]), ("grad", grads["2"][0])):
        counts, edges = mon.histogram("2", of=of, step=1)
        want_counts, want_edges = np.histogram(want, bins=7)
        np.testing.assert_array_equal(counts, want_counts)
        np.testing.assert_allclose(edges, want_edges, rtol=1e-12)
    assert mon.histogram("3", of="act", step=-1)[0].sum() == outs["3"].size
    np.testing.assert_array_equal(mon.histogram("0", "weight", step=-2)[0], mon.histogram("0", "weight", step=1)[0])


def test_histogram_errors_say_what_to_do():
    model, X, y = small_net()
    mon = Monitor(model)
    _fit(model, X, y, mon, epochs=1)
    with pytest.raises(ValueError, match="histograms=True"):
        mon.histogram("0")
    mon = Monitor(model, histograms=True)
    _fit(model, X, y, mon, epochs=2)
    with pytest.raises(ValueError, match="has no weight"):
        mon.histogram("1", of="grad")
    with pytest.raises(ValueError, match="of must be one of"):
        mon.histogram("0", of="bias")
    with pytest.raises(ValueError, match="step 7 was not recorded"):
        mon.histogram("0", step=7)
    with pytest.raises(IndexError, match="out of range"):
        mon.histogram("0", step=-3)


def test_nan_is_recorded_as_it_is():
    X, y = mn.data.moons(64, seed=0)
    mn.manual_seed(0)
    model = nn.Sequential(nn.Dense(2, 8), nn.ReLU(), nn.Dense(8, 2))
    mon = Monitor(model, histograms=True)
    with pytest.warns(Warning):
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=1e4), (X * 1e3, y),
               epochs=3, batch_size=8, monitor=mon, progress=False, on_divergence="continue")
    norms = mon.get("weight_norm")["0"]
    assert np.isfinite(norms[0]) and not np.isfinite(norms[-1])
    assert math.isnan(mon.get("act_std")["2"][-1])
    counts, edges = mon.histogram("0", "weight")                    # NaN/inf have no bin: left out
    assert counts.sum() < model[0].weight.data.size and np.isfinite(edges).all()


def test_summary_table_and_arguments():
    model, X, y = small_net()
    mon = Monitor(model, every=2)
    assert "nothing recorded" in mon.summary() and mon.layers == []
    _fit(model, X, y, mon, epochs=3)
    text = mon.summary()
    lines = text.splitlines()
    assert lines[0].startswith("Monitor: 2 recorded step(s) (steps 1 to 3, every 2)")
    grad = mon.get("grad_norm")["0"]
    row = next(line for line in lines if line.startswith("0 "))
    assert f"{grad[0]:.2g} → {grad[-1]:.2g}" in row
    assert max(len(line) for line in lines) < 130
    with pytest.raises(ValueError, match="every must be a positive integer"):
        Monitor(model, every=0)
    with pytest.raises(TypeError, match="nn.Module"):
        Monitor(object())
    with pytest.raises(ValueError, match="different model"):
        _fit(small_net()[0], X, y, mon, epochs=1)
