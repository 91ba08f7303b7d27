"""activation_stats / gradient_stats against NumPy by hand (and PyTorch), and that they leave
the model and minnet's random stream exactly as they were."""
import numpy as np
import pytest

import minnet as mn
from minnet.monitor import activation_stats, gradient_stats, layer_outputs, untouched

from ._nets import forward_backward, small_net, weights_of

nn = mn.nn


def test_activation_stats_match_a_hand_forward_pass():
    model, X, y = small_net()
    _, outs, _ = forward_backward(weights_of(model), X, y)
    stats = activation_stats(model, X)
    assert list(stats) == ["0", "1", "2", "3", "4"]
    for name, out in outs.items():
        assert stats[name]["mean"] == pytest.approx(out.mean(), rel=1e-12, abs=1e-14)
        assert stats[name]["std"] == pytest.approx(out.std(), rel=1e-12)
    # unit 2 of the ReLU layer has bias -100: dead on every sample, and only it (checked by hand)
    assert (outs["1"][:, 2] == 0).all() and (outs["1"].max(axis=0) > 0).sum() == 4
    assert stats["1"]["dead_fraction"] == 1 / 5
    expected_saturated = np.mean(np.abs(outs["3"]) > 0.97)
    assert 0 < expected_saturated < 1
    assert stats["3"]["saturated_fraction"] == expected_saturated
    assert set(stats["0"]) == {"mean", "std"} and "saturated_fraction" not in stats["1"]


def test_mean_and_std_are_exact_for_outputs_far_from_zero():
    """Outputs offset by 1e4 with spread 1: E[a^2] - mean^2 would lose the spread in float32."""
    layer = nn.Dense(2, 3)
    layer.weight.data[...] = np.array([[1.0, 0.5, -1.0], [0.0, 1.0, 2.0]], dtype=np.float32)
    layer.bias.data[...] = 1e4
    X = np.random.default_rng(0).standard_normal((64, 2)).astype(np.float32)
    out = (X.astype(np.float64) @ layer.weight.data.astype(np.float64)) + 1e4
    stats = activation_stats(layer, X)[""]
    assert stats["std"] == pytest.approx(out.std(), rel=1e-4)
    assert stats["mean"] == pytest.approx(out.mean(), rel=1e-6)


def test_gradient_stats_match_hand_gradients():
    model, X, y = small_net()
    _, _, grads = forward_backward(weights_of(model), X, y)
    stats = gradient_stats(model, mn.losses.CrossEntropyLoss(), X, y)
    assert list(stats) == ["0", "2", "4"]
    for name, (gW, _) in grads.items():
        W = model[int(name)].weight.data
        assert stats[name]["grad_norm"] == pytest.approx(np.sqrt((gW ** 2).sum()), rel=1e-12)
        assert stats[name]["weight_norm"] == pytest.approx(np.sqrt((W ** 2).sum()), rel=1e-12)
        assert stats[name]["grad_zero_fraction"] == np.mean(gW == 0)
    # the dead unit's column of W0 gets exactly zero gradient: 3 of 15 entries
    assert stats["0"]["grad_zero_fraction"] == 3 / 15


def test_gradient_stats_of_a_cnn_agree_with_pytorch():
    torch = pytest.importorskip("torch")
    mn.manual_seed(3)
    model = nn.Sequential(nn.Conv2D(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2D(2), nn.Flatten(),
                          nn.Dense(3 * 3 * 3, 4)).double()
    X = np.random.default_rng(1).standard_normal((5, 1, 6, 6))
    y = np.array([0, 1, 2, 3, 1])
    twin = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                               torch.nn.Flatten(), torch.nn.Linear(27, 4)).double()
    with torch.no_grad():
        twin[0].weight.copy_(torch.tensor(model[0].weight.data))
        twin[0].bias.copy_(torch.tensor(model[0].bias.data))
        twin[4].weight.copy_(torch.tensor(model[4].weight.data.T))
        twin[4].bias.copy_(torch.tensor(model[4].bias.data))
    torch.nn.functional.cross_entropy(twin(torch.tensor(X)), torch.tensor(y)).backward()
    stats = gradient_stats(model, mn.losses.CrossEntropyLoss(), X, y)
    assert list(stats) == ["0", "4"]
    for name, layer in (("0", twin[0]), ("4", twin[4])):
        assert stats[name]["grad_norm"] == pytest.approx(layer.weight.grad.norm().item(), rel=1e-10)
        assert stats[name]["weight_norm"] == pytest.approx(layer.weight.norm().item(), rel=1e-12)


def _busy_model():
    """Dropout (draws from minnet's generator) and BatchNorm (updates running stats in training),
    with gradients already accumulated and one submodule switched to eval mode."""
    model = nn.Sequential(nn.Dense(4, 8), nn.BatchNorm1D(8), nn.ReLU(), nn.Dropout(0.5),
                          nn.Sequential(nn.Dense(8, 8), nn.BatchNorm1D(8)), nn.Tanh(), nn.Dense(8, 3))
    X = np.random.default_rng(0).standard_normal((10, 4)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    mn.losses.CrossEntropyLoss()(model(X), y).backward()        # leaves .grad on every parameter
    model[4].eval()
    return model, X, y


def _everything(model):
    params = [(p, p.data, p.data.copy(), p.grad, None if p.grad is None else p.grad.copy())
              for p in model.parameters()]
    buffers = {k: v.copy() for k, v in model.named_buffers()}
    modes = [m.training for m in model.modules()]
    return params, buffers, modes, mn.get_rng().bit_generator.state


def _assert_unchanged(model, before):
    params, buffers, modes, rng_state = before
    for p, array, values, grad, grad_values in params:
        assert p.data is array and np.array_equal(array, values)
        assert p.grad is grad and np.array_equal(grad, grad_values)
    after = dict(model.named_buffers())
    assert after.keys() == buffers.keys()
    for k, v in buffers.items():
        assert after[k].dtype == v.dtype and np.array_equal(after[k], v), k
    assert [m.training for m in model.modules()] == modes
    assert mn.get_rng().bit_generator.state == rng_state


@pytest.mark.parametrize("snapshot", ["activation_stats", "gradient_stats", "layer_outputs"])
@pytest.mark.parametrize("training", [None, True, False])
def test_snapshots_leave_model_and_random_stream_untouched(snapshot, training):
    model, X, y = _busy_model()
    before = _everything(model)
    if snapshot == "gradient_stats":
        gradient_stats(model, mn.losses.CrossEntropyLoss(), X, y, training=training)
    elif snapshot == "activation_stats":
        activation_stats(model, X, training=training)
    else:
        layer_outputs(model, X, training=training)
    _assert_unchanged(model, before)
    # the next draw is the one that would have come without the snapshot
    state = mn.get_rng().bit_generator.state
    expected = np.random.default_rng().bit_generator
    expected.state = state
    assert mn.get_rng().random() == np.random.Generator(expected).random()


def test_a_plain_training_pass_would_have_changed_what_untouched_restores():
    """The check above means something: a forward/backward in training mode changes BatchNorm's
    running statistics, the gradients and the random stream, and untouched() puts them back."""
    model, X, y = _busy_model()
    before = _everything(model)
    with untouched(model):
        model.train()
        mn.losses.CrossEntropyLoss()(model(X), y).backward()
        assert not np.array_equal(model[1].running_mean, before[1]["1.running_mean"])
        assert mn.get_rng().bit_generator.state != before[3]
        assert model[4].training
    _assert_unchanged(model, before)


def test_snapshots_run_in_the_requested_mode():
    model = nn.Sequential(nn.Dense(3, 50), nn.Dropout(0.5))
    X = np.ones((20, 3), dtype=np.float32)
    zeros_in_training = np.mean(layer_outputs(model, X, training=True)["1"] == 0)
    assert 0.3 < zeros_in_training < 0.7                           # dropout drops about half
    eval_out = layer_outputs(model, X, training=False)
    np.testing.assert_array_equal(eval_out["1"], eval_out["0"])     # identity in eval mode
    assert model.training


def test_snapshots_need_a_minnet_module():
    with pytest.raises(TypeError, match="nn.Module"):
        activation_stats(lambda x: x, np.ones((2, 2)))
