"""mn.preflight: each code fires on a small broken case and stays silent on healthy ones; nothing changes."""
import warnings

import numpy as np
import pytest

import minnet as mn
from minnet import nn

CE, MSE = mn.losses.CrossEntropyLoss(), mn.losses.MSELoss()


def _mlp(d_in, d_out, hidden=32, act=nn.ReLU, depth=1, init="he", seed=0):
    mn.manual_seed(seed)
    layers, d = [], d_in
    for _ in range(depth):
        layers += [nn.Dense(d, hidden, init=init), act()]
        d = hidden
    return nn.Sequential(*layers, nn.Dense(d, d_out, init=init))


def _digits(standardize=True):
    X, y = mn.data.load_digits()
    Xtr, ytr, Xv, yv = mn.data.train_val_split(X, y, val_fraction=0.2, stratify=True, seed=0)
    if standardize:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            st = mn.data.Standardizer(zero_variance="warn").fit(Xtr)
        return st.transform(Xtr), ytr, st.transform(Xv), yv
    return Xtr, ytr, Xv, yv


# ---- healthy setups: no warning or error at all ------------------------------------------------------

def test_healthy_digits_mlp_is_clean():
    Xtr, ytr, Xv, yv = _digits()
    report = mn.preflight(_mlp(64, 10, 64), CE, (Xtr, ytr), val=(Xv, yv))
    assert report.ok, str(report)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_healthy_moons_mlp_is_clean(seed):
    X, y = mn.data.moons(400, seed=seed)
    report = mn.preflight(_mlp(2, 2, seed=seed), CE, (X, y))
    assert report.ok, str(report)


def test_healthy_sine_regression_is_clean():
    X, y = mn.data.sine(400, seed=0)
    report = mn.preflight(_mlp(1, 1, act=nn.Tanh, init="xavier"), MSE, (X, y))
    assert report.ok, str(report)


def test_healthy_small_cnn_on_shapes_is_clean():
    X, y = mn.data.shapes(300, seed=0)
    mn.manual_seed(0)
    model = nn.Sequential(nn.Conv2D(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2D(2), nn.Flatten(),
                          nn.Dense(8 * 8 * 8, int(y.max()) + 1))
    report = mn.preflight(model, CE, (X, y))
    assert report.ok, str(report)


# ---- nothing changes ------------------------------------------------------------------------------

def test_preflight_leaves_model_gradients_mode_and_random_stream_untouched():
    X, y = mn.data.moons(200, seed=0)
    mn.manual_seed(3)
    model = nn.Sequential(nn.Dense(2, 16), nn.BatchNorm1D(16), nn.ReLU(), nn.Dropout(0.3), nn.Dense(16, 2))
    model[0].weight.grad = np.full_like(model[0].weight.data, 0.5)
    model.eval()
    state = {k: v.copy() for k, v in model.state_dict().items()}
    arrays = [p.data for p in model.parameters()]
    rng_before = mn.get_rng().bit_generator.state
    mn.preflight(model, CE, (X, y))
    assert mn.get_rng().bit_generator.state == rng_before
    for k, v in model.state_dict().items():
        assert np.array_equal(v, state[k]) and v.dtype == state[k].dtype, k
    assert all(p.data is a for p, a in zip(model.parameters(), arrays))
    assert np.all(model[0].weight.grad == 0.5) and model[4].weight.grad is None
    assert not model.training and not model[3].training
    # the next draw is the one it would have been without preflight
    expected = np.random.default_rng()
    expected.bit_generator.state = rng_before
    assert mn.get_rng().random() == expected.random()


# ---- each code fires on its broken case --------------------------------------------------------------

def test_nan_in_data():
    X, y = mn.data.moons(200, seed=0)
    X = X.copy()
    X[5, 1] = np.nan
    f = mn.preflight(_mlp(2, 2), CE, (X, y)).get("nan_in_data")
    assert f is not None and f.severity == "error"
    assert f.evidence["rows"] == [5] and f.evidence["columns"] == [1]


def test_unnormalized_inputs_large_scale_and_mixed_scales():
    Xtr, ytr, _, _ = _digits(standardize=False)        # pixels 0..16
    f = mn.preflight(_mlp(64, 10), CE, (Xtr, ytr), overfit=False).get("unnormalized_inputs")
    assert f is not None and f.evidence["rms"] > 10
    X, y = mn.data.moons(200, seed=0)
    X = X * np.array([1.0, 0.001])                     # one feature 1000x smaller
    f = mn.preflight(_mlp(2, 2), CE, (X, y), overfit=False).get("unnormalized_inputs")
    assert f is not None and f.evidence["ratio"] > 100


def test_zero_variance_feature_divided_by_zero():
    X, y = mn.data.moons(200, seed=0)
    X = np.column_stack([X, np.full(len(X), 3.0)])
    with np.errstate(all="ignore"):
        Z = (X - X.mean(0)) / X.std(0)                 # the constant column becomes 0/0
    report = mn.preflight(_mlp(3, 2), CE, (Z, y), overfit=False)
    assert {"zero_variance_feature", "nan_in_data"} <= report.codes
    assert report.get("zero_variance_feature").evidence["features"] == [2]
    # guarded (the constant column left at 0) is silent
    report = mn.preflight(_mlp(3, 2), CE, (np.nan_to_num(Z), y), overfit=False)
    assert "zero_variance_feature" not in report.codes


def test_unscaled_targets():
    X, y = mn.data.sine(300, seed=0)
    report = mn.preflight(_mlp(1, 1, act=nn.Tanh, init="xavier"), MSE, (X, (y + 1) * 127.5), overfit=False)
    assert report.get("unscaled_targets").evidence["max"] > 200


def test_class_imbalance_and_missing_class():
    X, y = mn.data.blobs(600, centers=3, seed=0) if "centers" in mn.data.blobs.__code__.co_varnames \
        else mn.data.blobs(600, seed=0)
    keep = (y != 2) | (np.arange(len(y)) % 20 == 0)    # class 2 cut to 1/20
    k = int(y.max()) + 1
    report = mn.preflight(_mlp(X.shape[1], k), CE, (X[keep], y[keep]), overfit=False)
    assert report.get("class_imbalance").evidence["ratio"] >= 10
    report = mn.preflight(_mlp(X.shape[1], k), CE, (X[y != 2], y[y != 2]), val=(X, y), overfit=False)
    assert report.get("missing_class").evidence["only_in_validation"] == [2]


def test_class_weights_that_balance_the_classes_silence_class_imbalance():
    X, y = mn.data.blobs(105, centers=[[0, 0], [3, 0]], seed=0)
    y = np.repeat([0, 1], [100, 5])                     # 100 against 5: a ratio of 20
    def imbalance(weight):
        report = mn.preflight(_mlp(2, 2), mn.losses.CrossEntropyLoss(weight=weight), (X, y), overfit=False)
        return "class_imbalance" in report.codes
    assert imbalance(None) and imbalance([1.0, 1.0])
    assert imbalance([1.0, 2.0])                        # totals 100 and 10: still an order of magnitude
    assert not imbalance([1.0, 20.0])                   # totals 100 and 100
    assert not imbalance(mn.data.class_weights(y))      # N / (K N_c): 0.525 and 10.5, totals 52.5 each


def test_output_range_relu_on_negative_targets():
    X, y = mn.data.sine(300, seed=0)
    mn.manual_seed(0)
    model = nn.Sequential(nn.Dense(1, 16), nn.Tanh(), nn.Dense(16, 1), nn.ReLU())
    f = mn.preflight(model, MSE, (X, y), overfit=False).get("output_range")
    assert f is not None and f.layer == "3"
    assert abs(f.evidence["fraction_unreachable"] - np.mean(y < 0)) < 1e-9


def test_loss_mismatch_softmax_before_cross_entropy_and_classes_as_regression():
    X, y = mn.data.moons(200, seed=0)
    mn.manual_seed(0)
    model = nn.Sequential(nn.Dense(2, 16), nn.ReLU(), nn.Dense(16, 2), nn.Softmax())
    assert mn.preflight(model, CE, (X, y), overfit=False).get("loss_mismatch").severity == "error"
    Xd, yd, _, _ = _digits()
    f = mn.preflight(_mlp(64, 1), MSE, (Xd, yd.astype(np.float32).reshape(-1, 1)), overfit=False).get("loss_mismatch")
    assert f is not None and f.evidence["distinct_values"] == list(range(10))


@pytest.mark.parametrize("init", ["zeros", lambda shape, fan_in, fan_out, rng: np.full(shape, 0.1)])
def test_symmetric_init(init):
    X, y = mn.data.moons(200, seed=0)
    model = _mlp(2, 2, init=init)
    f = mn.preflight(model, CE, (X, y), overfit=False).get("symmetric_init")
    assert f is not None and f.layer == "0"


def test_bad_init_scale_small_tanh_init():
    """Ten tanh layers with 0.01 N(0,1) weights: the signal shrinks ~0.01*sqrt(100) per layer."""
    Xd, yd, _, _ = _digits()
    model = _mlp(64, 10, hidden=100, act=nn.Tanh, depth=10, init=lambda s, fi, fo, rng: 0.01 * rng.standard_normal(s))
    f = mn.preflight(model, CE, (Xd, yd), overfit=False).get("bad_init_scale")
    assert f is not None and f.evidence["ratio"] < 1e-2
    xavier = _mlp(64, 10, hidden=100, act=nn.Tanh, depth=10, init="xavier")
    assert "bad_init_scale" not in mn.preflight(xavier, CE, (Xd, yd), overfit=False).codes


def test_saturated_units_and_init_loss_with_large_init():
    Xd, yd, _, _ = _digits()
    model = _mlp(64, 10, hidden=100, act=nn.Tanh, depth=3, init=lambda s, fi, fo, rng: rng.standard_normal(s))
    report = mn.preflight(model, CE, (Xd, yd), overfit=False)
    assert report.get("saturated_units").evidence["saturated_fraction"] >= 0.5
    assert report.get("init_loss").evidence["loss"] > np.log(10) + 1



def _dropout_mlp(p, init, seed=0):
    mn.manual_seed(seed)
    return nn.Sequential(nn.Dense(64, 100, init=init), nn.ReLU(), nn.Dropout(p),
                         nn.Dense(100, 100, init=init), nn.ReLU(), nn.Dropout(p), nn.Dense(100, 10, init="xavier"))


def test_init_loss_reads_the_net_without_dropout():
    # Dropout's masks widen the logits' spread: in training mode this healthy net scores far more than
    # ln 10 + 1 at initialization, but nothing is wrong with its weights, so no init_loss.
    Xd, yd, _, _ = _digits()
    model = _dropout_mlp(0.7, "he")
    with mn.no_grad():
        noisy = CE(model(mn.Tensor(Xd[:256])), yd[:256]).item()
    assert noisy > np.log(10) + 1
    assert "init_loss" not in mn.preflight(model, CE, (Xd, yd), overfit=False).codes
    assert model.training and all(m.training for m in model.modules())
    # too large weights are still caught with dropout in the net
    large = _dropout_mlp(0.7, lambda s, fi, fo, rng: rng.standard_normal(s))
    assert "init_loss" in mn.preflight(large, CE, (Xd, yd), overfit=False).codes

def test_dead_relu_at_init_from_a_large_negative_bias():
    X, y = mn.data.moons(200, seed=0)
    model = _mlp(2, 2)
    model[0].bias.data[...] = -10.0
    report = mn.preflight(model, CE, (X, y), overfit=False)
    assert report.get("dead_relu").evidence["dead_fraction"] == 1.0
    assert "zero_gradient" not in report.codes          # the dead units explain the zero gradient


class _Rounded(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = _mlp(2, 2)

    def forward(self, x):
        return self.net(x).round() if hasattr(mn.Tensor, "round") else self.net(x).clip(50.0, 60.0)


def test_zero_gradient_names_the_op():
    X, y = mn.data.moons(200, seed=0)
    f = mn.preflight(_Rounded(), CE, (X, y), overfit=False).get("zero_gradient")
    assert f is not None and f.severity == "error"
    assert f.evidence["ops"] and f.evidence["ops"][0] in ("Round", "Clip")


def test_zero_gradient_when_the_graph_is_cut():
    class Cut(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = _mlp(2, 2)

        def forward(self, x):
            return mn.Tensor(self.net(x).data)            # .data: the graph is gone
    X, y = mn.data.moons(200, seed=0)
    f = mn.preflight(Cut(), CE, (X, y), overfit=False).get("zero_gradient")
    assert f is not None and f.evidence == {"graph": "cut"}


def test_vanishing_gradients_at_init_in_a_deep_sigmoid_net():
    Xd, yd, _, _ = _digits()
    model = _mlp(64, 10, hidden=100, act=nn.Sigmoid, depth=10,
                 init=lambda s, fi, fo, rng: rng.standard_normal(s) / np.sqrt(fi))
    f = mn.preflight(model, CE, (Xd, yd), overfit=False).get("vanishing_gradients")
    assert f is not None and f.evidence["ratio"] < 1e-3
    relu = _mlp(64, 10, hidden=100, depth=10, init="he")
    assert "vanishing_gradients" not in mn.preflight(relu, CE, (Xd, yd), overfit=False).codes


def test_cannot_overfit_a_tiny_batch_when_the_output_ignores_the_input():
    class Blind(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = _mlp(2, 2)

        def forward(self, x):
            return self.net(x * 0.0)                        # a bug: every sample looks the same
    X, y = mn.data.moons(200, seed=0)
    f = mn.preflight(Blind(), CE, (X, y)).get("cannot_overfit_batch")
    assert f is not None and f.evidence["accuracy"] < 1.0


def test_report_reads_well():
    X, y = mn.data.moons(200, seed=0)
    X = X * 1000
    report = mn.preflight(_mlp(2, 2), CE, (X, y), overfit=False)
    text = str(report)
    assert text.startswith("Preflight: 1 warning") or "warning" in text.splitlines()[0]
    assert "[warning] unnormalized_inputs" in text and "Try:" in text and "minnet lesson 10" in text
    # inputs 1000x too large also make the untrained model confidently wrong: both are reported
    assert report.codes == {"unnormalized_inputs", "init_loss"} and not report.ok
