"""The same recipe in mn.fit and in a hand-written PyTorch loop gives the same numbers.

Same data, same initial weights (copied over), same batches (two DataLoaders with one seed), Adam
with the same settings: the loss curves agree step by step and the final accuracies are equal.
"""
import numpy as np
import pytest

import minnet as mn

torch = pytest.importorskip("torch")


def _recipe(dtype, epochs=25, seed=5):
    X, y = mn.data.moons(200, noise=0.2, seed=0)
    X = X.astype(dtype)
    mn.manual_seed(1)
    model = mn.nn.Sequential(mn.nn.Dense(2, 32), mn.nn.ReLU(), mn.nn.Dense(32, 32), mn.nn.ReLU(), mn.nn.Dense(32, 2))
    # the PyTorch twin, with the same initial weights (Dense keeps W as (in, out), Linear as (out, in))
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    twin = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
                               torch.nn.Linear(32, 2)).to(tdtype)
    dense = [m for m in model if isinstance(m, mn.nn.Dense)]
    linear = [m for m in twin if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for d, l in zip(dense, linear):
            l.weight.copy_(torch.tensor(d.weight.data.T))
            l.bias.copy_(torch.tensor(d.bias.data))

    history = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.01),
                     mn.data.DataLoader(X, y, batch_size=32, seed=seed), val=(X, y), epochs=epochs, progress=False)

    opt = torch.optim.Adam(twin.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    step_loss = []
    loader = mn.data.DataLoader(X, y, batch_size=32, seed=seed)
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(twin(torch.tensor(xb)), torch.tensor(yb))
            loss.backward()
            opt.step()
            step_loss.append(loss.item())
    with torch.no_grad():
        accuracy = (twin(torch.tensor(X)).argmax(1).numpy() == y).mean()
    return history, model, step_loss, accuracy, linear, dense


def test_float64_same_curve_and_accuracy_as_pytorch():
    mn.set_default_dtype(np.float64)
    try:
        history, model, step_loss, accuracy, linear, dense = _recipe(np.float64)
    finally:
        mn.set_default_dtype(np.float32)
    np.testing.assert_allclose(history.step_loss, step_loss, rtol=1e-6, atol=1e-9)
    assert history.val_acc[-1] == accuracy and accuracy > 0.9
    for d, l in zip(dense, linear):
        np.testing.assert_allclose(d.weight.data, l.weight.detach().numpy().T, rtol=1e-6, atol=1e-8)


def test_float32_close_to_pytorch():
    history, model, step_loss, accuracy, _, _ = _recipe(np.float32)
    np.testing.assert_allclose(history.step_loss[:50], step_loss[:50], rtol=1e-3, atol=1e-5)
    assert abs(history.val_acc[-1] - accuracy) <= 0.02 and accuracy > 0.9
