"""Shared recipes of the catalog: small data sets and models, so each mode file says only what it changes.

Everything random draws from minnet's generator, which ``FailureMode.run`` seeds first, so a mode's
run is repeatable bit for bit for a given seed.
"""
from __future__ import annotations

import functools
import warnings

import numpy as np

import minnet as mn

nn = mn.nn

ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "gelu": nn.GELU,
               "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "identity": nn.Identity}


@functools.lru_cache(maxsize=None)
def _digits_split(split_seed: int = 0):
    X, y = mn.data.load_digits()
    return mn.data.train_val_split(X.astype(np.float32), y, val_fraction=0.25, stratify=True, seed=split_seed)


def digits(standardize: bool = True, n_train: int | None = None):
    """The 8x8 digits (1,797 images, 64 pixels, 10 classes) split 75/25 with stratification, the
    same split for every seed; inputs standardized with training statistics (constant pixels left at
    0) or raw (0..16). ``n_train`` keeps only the first training samples. Returns ``(Xtr, ytr, Xv, yv)``."""
    Xtr, ytr, Xv, yv = _digits_split()
    if n_train is not None:
        Xtr, ytr = Xtr[:n_train], ytr[:n_train]
    if standardize:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scaler = mn.data.Standardizer(zero_variance="warn").fit(Xtr)
        Xtr, Xv = scaler.transform(Xtr), scaler.transform(Xv)
    return Xtr, ytr, Xv, yv


def loader(X, y, batch_size: int):
    """Shuffled batches of exactly ``batch_size`` (the last, partial batch dropped), so that per-batch
    instruments such as the dead fraction never read a batch of two samples."""
    return mn.data.DataLoader(X, y, batch_size=batch_size, shuffle=True, drop_last=True)


def mlp(sizes, activation: str = "relu", init="he", final: str | None = None, batchnorm: bool = False,
        dropout: float = 0.0):
    """A Sequential MLP through ``sizes`` (``[64, 100, 10]``: one hidden layer of 100): Dense, then
    [BatchNorm1D], the activation and [Dropout] after every hidden layer, and ``final`` (an
    activation name, or None) after the last Dense."""
    act = ACTIVATIONS[activation]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Dense(a, b, init=init))
        if i < len(sizes) - 2:
            if batchnorm:
                layers.append(nn.BatchNorm1D(b))
            layers.append(act())
            if dropout:
                layers.append(nn.Dropout(dropout))
    if final is not None:
        layers.append(ACTIVATIONS[final]())
    return nn.Sequential(*layers)


def residual_mlp(d_in: int, width: int, d_out: int, blocks: int, activation: str = "relu", init="he"):
    """Dense in, ``blocks`` residual blocks x + Dense(act(x)), Dense out."""
    act = ACTIVATIONS[activation]
    body = [nn.Residual(nn.Sequential(act(), nn.Dense(width, width, init=init))) for _ in range(blocks)]
    return nn.Sequential(nn.Dense(d_in, width, init=init), *body, act(), nn.Dense(width, d_out, init=init))


def normal_init(std: float):
    """An initializer drawing N(0, std^2) for every weight, whatever the layer's size."""
    return lambda shape, fan_in, fan_out, rng: std * rng.standard_normal(shape)


def hidden_layers(model, kind=None):
    """``(name, module)`` of the model's activation layers (of class ``kind`` if given), in order."""
    acts = tuple(ACTIVATIONS.values()) if kind is None else kind
    return [(n, m) for n, m in model.named_modules() if isinstance(m, acts) and not isinstance(m, nn.Identity)]


def outputs(model, X, layer_names):
    """Each named layer's output on ``X`` in evaluation mode, without a graph: ``{name: array}``."""
    got, handles = {}, []
    modules = dict(model.named_modules())
    for name in layer_names:
        handles.append(modules[name].register_forward_hook(
            lambda m, i, o, name=name: got.__setitem__(name, o.data)))
    try:
        mn.train.predict(model, X, batch_size=len(X))
    finally:
        for h in handles:
            h.remove()
    return got


def fit_then_eval(exp, monitor):
    """A ``train_fn`` for :class:`~minnet.failures.mode.Experiment`: ``mn.fit`` as usual, then the model
    switched to evaluation mode, as a pipeline does before it predicts (dropout off)."""
    history = mn.fit(exp.model, exp.loss_fn, exp.optimizer, exp.train, val=exp.val, monitor=monitor,
                     **{"progress": False, **exp.fit_kwargs})
    exp.model.eval()
    return history
