"""A small float64 net whose forward and backward are also written out in NumPy, by hand."""
import numpy as np

import minnet as mn

nn = mn.nn


def small_net(seed: int = 0):
    """Dense(3→5) ReLU Dense(5→4) Tanh Dense(4→2), with unit 2 of the ReLU layer dead (bias −100)
    and the tanh layer's weights large enough that some of its outputs saturate."""
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Dense(3, 5), nn.ReLU(), nn.Dense(5, 4), nn.Tanh(), nn.Dense(4, 2)).double()
    model[0].weight.data[...] = rng.standard_normal((3, 5))
    model[0].bias.data[...] = rng.standard_normal(5) * 0.1
    model[0].bias.data[2] = -100.0
    model[2].weight.data[...] = rng.standard_normal((5, 4)) * 2.0
    model[2].bias.data[...] = rng.standard_normal(4) * 0.1
    model[4].weight.data[...] = rng.standard_normal((4, 2))
    model[4].bias.data[...] = 0.0
    X = rng.standard_normal((16, 3))
    y = rng.integers(0, 2, 16)
    return model, X, y


def weights_of(model):
    """[(W, b)] of the three Dense layers, copied."""
    return [(model[i].weight.data.copy(), model[i].bias.data.copy()) for i in (0, 2, 4)]


def forward_backward(params, X, y):
    """Every layer's output and every weight's gradient of mean cross-entropy, by hand in NumPy."""
    (W0, b0), (W2, b2), (W4, b4) = params
    z0 = X @ W0 + b0
    a1 = np.maximum(z0, 0)
    z2 = a1 @ W2 + b2
    a3 = np.tanh(z2)
    z4 = a3 @ W4 + b4
    p = np.exp(z4 - z4.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(len(y)), y]))
    d4 = p.copy()
    d4[np.arange(len(y)), y] -= 1
    d4 /= len(y)
    gW4, gb4 = a3.T @ d4, d4.sum(0)
    d2 = (d4 @ W4.T) * (1 - a3 ** 2)
    gW2, gb2 = a1.T @ d2, d2.sum(0)
    d0 = (d2 @ W2.T) * (z0 > 0)
    gW0, gb0 = X.T @ d0, d0.sum(0)
    outputs = {"0": z0, "1": a1, "2": z2, "3": a3, "4": z4}
    grads = {"0": (gW0, gb0), "2": (gW2, gb2), "4": (gW4, gb4)}
    return loss, outputs, grads
