"""Shared fixtures for the benchmarks: the three model recipes of the benchmark table, built in
minnet, in PyTorch (when importable) and, for the MLP, by hand in plain NumPy."""
import numpy as np
import pytest

import minnet as mn

BACKENDS = ["numba", "numpy"]


def mlp_data(rng):
    return rng.standard_normal((128, 784)).astype(np.float32), rng.integers(0, 10, 128)


def tiny_mlp_data(rng):
    return rng.standard_normal((4, 8)).astype(np.float32), rng.integers(0, 2, 4)


def lenet_data(rng):
    return rng.standard_normal((64, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, 64)


def conv1d_data(rng):
    return rng.standard_normal((64, 1, 40)).astype(np.float32), rng.integers(0, 10, 64)


def minnet_model(name: str):
    nn = mn.nn
    if name == "mlp":
        return nn.Sequential(nn.Dense(784, 256), nn.ReLU(), nn.Dense(256, 128), nn.ReLU(), nn.Dense(128, 10))
    if name == "mlp-tiny":   # so small that the step is all framework overhead
        return nn.Sequential(nn.Dense(8, 8), nn.ReLU(), nn.Dense(8, 8), nn.ReLU(), nn.Dense(8, 2))
    if name == "lenet":
        return nn.Sequential(nn.Conv2D(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2D(2),
                             nn.Conv2D(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2D(2),
                             nn.Flatten(), nn.Dense(784, 10))
    if name == "conv1d":   # length 40 -> 18 -> 8 -> 3
        return nn.Sequential(nn.Conv1D(1, 25, 5, stride=2), nn.ReLU(), nn.Conv1D(25, 25, 3, stride=2), nn.ReLU(),
                             nn.Conv1D(25, 25, 3, stride=2), nn.ReLU(), nn.Flatten(), nn.Dense(75, 10))
    raise ValueError(name)


def torch_model(name: str):
    import torch.nn as tnn
    if name == "mlp":
        return tnn.Sequential(tnn.Linear(784, 256), tnn.ReLU(), tnn.Linear(256, 128), tnn.ReLU(), tnn.Linear(128, 10))
    if name == "lenet":
        return tnn.Sequential(tnn.Conv2d(1, 8, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                              tnn.Conv2d(8, 16, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                              tnn.Flatten(), tnn.Linear(784, 10))
    if name == "conv1d":
        return tnn.Sequential(tnn.Conv1d(1, 25, 5, stride=2), tnn.ReLU(), tnn.Conv1d(25, 25, 3, stride=2), tnn.ReLU(),
                              tnn.Conv1d(25, 25, 3, stride=2), tnn.ReLU(), tnn.Flatten(), tnn.Linear(75, 10))
    raise ValueError(name)


DATA = {"mlp": mlp_data, "mlp-tiny": tiny_mlp_data, "lenet": lenet_data, "conv1d": conv1d_data}


def make_minnet_step(name: str):
    """A closure running one SGD training step of the named minnet model."""
    mn.manual_seed(0)
    model = minnet_model(name)
    X, y = DATA[name](np.random.default_rng(0))
    x = mn.Tensor(X)
    loss_fn = mn.losses.CrossEntropyLoss()
    opt = mn.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def make_torch_step(name: str):
    import torch
    torch.manual_seed(0)
    model = torch_model(name)
    X, y = DATA[name](np.random.default_rng(0))
    x, t = torch.from_numpy(X), torch.from_numpy(y)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        opt.step()
        return loss
    return step


def make_numpy_mlp_step(name: str = "mlp"):
    """The MLP step written by hand in NumPy: the floor for what autograd overhead can cost."""
    rng = np.random.default_rng(0)
    X, y = DATA[name](rng)
    sizes = {"mlp": [784, 256, 128, 10], "mlp-tiny": [8, 8, 8, 2]}[name]
    Ws = [(rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, np.float32) for b in sizes[1:]]
    n, lr = len(X), np.float32(0.01)

    def step():
        h1 = np.maximum(X @ Ws[0] + bs[0], 0)
        h2 = np.maximum(h1 @ Ws[1] + bs[1], 0)
        z = h2 @ Ws[2] + bs[2]
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), y]).mean()
        g = p
        g[np.arange(n), y] -= 1
        g /= n
        gW2, gb2 = h2.T @ g, g.sum(0)
        g = (g @ Ws[2].T) * (h2 > 0)
        gW1, gb1 = h1.T @ g, g.sum(0)
        g = (g @ Ws[1].T) * (h1 > 0)
        gW0, gb0 = X.T @ g, g.sum(0)
        for W, b, gW, gb in zip(Ws, bs, (gW0, gW1, gW2), (gb0, gb1, gb2)):
            W -= lr * gW
            b -= lr * gb
        return loss
    return step


@pytest.fixture(params=BACKENDS)
def backend(request):
    with mn.kernels.use_backend(request.param):
        yield request.param


# Recipes reach the benchmark modules as fixtures (conftest is not importable as a module).
@pytest.fixture
def minnet_step():
    return make_minnet_step


@pytest.fixture
def torch_step():
    pytest.importorskip("torch")
    return make_torch_step


@pytest.fixture
def numpy_mlp_step():
    return make_numpy_mlp_step


@pytest.fixture
def minnet_recipe():
    """``(build_model(name), make_data(name, rng))`` for benchmarks that write their own step."""
    return minnet_model, lambda name, rng: DATA[name](rng)
