"""A LeNet-style CNN and an MLP assembled from minnet's parts: train a few steps of plain gradient
descent, save, load into a fresh model, and get the very same predictions."""
import numpy as np
import pytest

import minnet as mn
from minnet import nn
from minnet.losses import CrossEntropyLoss


def lenet():
    return nn.Sequential(
        nn.Conv2D(1, 6, 3, padding=1), nn.BatchNorm2D(6), nn.ReLU(), nn.MaxPool2D(2),     # 8x8 -> 4x4
        nn.Conv2D(6, 12, 3, padding=1), nn.ReLU(), nn.AvgPool2D(2),                      # 4x4 -> 2x2
        nn.Flatten(), nn.Dense(12 * 2 * 2, 32), nn.ReLU(), nn.Dropout(0.2), nn.Dense(32, 10))


def mlp():
    return nn.Sequential(nn.Dense(64, 32), nn.BatchNorm1D(32), nn.Tanh(), nn.Dropout(0.1),
                         nn.Dense(32, 32, init="xavier_uniform"), nn.GELU(), nn.Dense(32, 10))


def _digits(flatten):
    X, y = mn.data.load_digits(flatten=flatten)
    return X[:128] / 16.0, y[:128]


def _train(model, X, y, steps=25, lr=0.1):
    loss_fn = CrossEntropyLoss()
    losses = []
    for _ in range(steps):
        model.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        with mn.no_grad():
            for p in model.parameters():
                p.data -= lr * p.grad
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("build, flatten", [(lenet, False), (mlp, True)], ids=["lenet", "mlp"])
def test_train_save_load(build, flatten, tmp_path):
    X, y = _digits(flatten)
    model = build()
    losses = _train(model, X, y)
    assert np.all(np.isfinite(losses))
    assert losses[-1] < 0.8 * losses[0], losses
    model.eval()
    before = model(X).data

    path = mn.save(model, tmp_path / f"{build.__name__}.npz")
    mn.manual_seed(123)
    fresh = build()
    fresh.load_state_dict(mn.load(path))
    fresh.eval()
    assert fresh(X).data.tobytes() == before.tobytes()           # bit-exact, running stats included
    state = fresh.state_dict()
    assert any(k.endswith("running_var") for k in state) and any(k.endswith("num_batches_tracked") for k in state)
    assert int(state[[k for k in state if k.endswith("num_batches_tracked")][0]]) == 25


def test_lenet_shapes_and_gradients_reach_every_parameter():
    model = lenet()
    X, y = _digits(flatten=False)
    loss = CrossEntropyLoss()(model(X[:8]), y[:8])
    loss.backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape and np.any(p.grad != 0), name
    assert model[:4](X[:2]).shape == (2, 6, 4, 4)


def test_small_cnn_gradcheck():
    model = nn.Sequential(nn.Conv2D(2, 3, (3, 2), stride=(2, 1), padding=1), nn.BatchNorm2D(3), nn.Tanh(),
                          nn.AvgPool2D(2), nn.Flatten(), nn.Dense(18, 2))
    x = np.random.default_rng(0).standard_normal((2, 2, 7, 5))
    report = mn.gradcheck_module(model, x, loss_fn=lambda out: mn.losses.cross_entropy(out, np.array([0, 1])))
    assert report.ok, str(report)
